"""The error reporter's keywords that look at the instance only (``semantics.LOCAL``): a
quick test accepts what it can, and only a failing instance is explained keyword by keyword.
Whether a keyword holds is always the predicate compiler's answer; this adds only what is
said, and where.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from tongban.core.form_compiler.messages import REQUIRED_EN, REQUIRED_ZH, describe, title_of
from tongban.core.form_compiler.predicate import PredicateCompiler
from tongban.core.form_compiler.records import Node, Record, Report, generic, ok
from tongban.core.form_compiler.semantics import Check, FormatCheck, Unsupported, is_number


class LocalReporter:
    """Reports the errors of the instance-only keywords of one schema object."""

    def __init__(
        self,
        formats: Mapping[str, FormatCheck],
        quick_formats: Mapping[str, Check],
        predicates: PredicateCompiler,
    ) -> None:
        self.formats = formats
        self.quick_formats = quick_formats
        self.predicates = predicates

    def explainer(
        self, schema: dict[str, Any], keywords: frozenset[str], title: str | None
    ) -> Node:
        """The exact errors of the ``keywords`` (a subset of ``LOCAL``) of ``schema``."""
        frozen = tuple(self._explain(keyword, schema, title) for keyword in sorted(keywords))

        def explain(x: Any) -> Report:
            out: list[Record] = []
            for each in frozen:
                found = each(x)
                if found is None:
                    continue
                if isinstance(found, tuple):
                    out.append(found)
                else:
                    out.extend(found)
            return out or None

        return explain

    def node(
        self, schema: dict[str, Any], keywords: frozenset[str], explain: Node, resolver: Any
    ) -> Node:
        """The node for the ``keywords`` of ``schema`` that look at the instance only: a quick
        test accepts what it can (it must never accept an error), ``explain`` does the rest."""
        if not keywords:
            return ok
        fused = self._string_leaf(schema, keywords, title_of(schema), explain) or self._number_leaf(
            schema, keywords, explain
        )
        if fused is not None:
            return fused
        accepts = self.predicates.compile({k: schema[k] for k in keywords}, resolver)

        def node(x: Any) -> Report:
            if accepts(x):
                return None
            return explain(x)

        return node

    def _string_leaf(
        self, schema: dict[str, Any], keywords: frozenset[str], title: str | None, explain: Node
    ) -> Node | None:
        if not keywords <= {"type", "minLength", "maxLength", "pattern", "format", "enum"}:
            return None
        typed = "type" in keywords
        if typed and schema["type"] != "string":
            return None
        enum = schema.get("enum")
        if enum is not None and not (typed and isinstance(enum, list)):
            return None
        allowed = frozenset(v for v in enum if type(v) is str) if enum is not None else None
        low = schema.get("minLength", 0)
        high = schema.get("maxLength", math.inf)
        if not is_number(low) or not is_number(high):
            raise Unsupported("length")
        pattern = schema.get("pattern")
        if pattern is not None and not isinstance(pattern, str):
            raise Unsupported("pattern")
        search = re.compile(pattern).search if pattern is not None else None
        fmt = schema.get("format")
        if fmt is not None and fmt not in self.formats:
            raise Unsupported(f"format {fmt!r}")
        check = self.formats[fmt] if fmt is not None else None
        quick = self.quick_formats.get(fmt) if fmt is not None else None
        others_pass = not typed  # then every keyword here ignores non-strings

        def node(x: Any) -> Report:
            if type(x) is str:
                if (
                    low <= len(x) <= high
                    and (search is None or search(x) is not None)
                    and (allowed is None or x in allowed)
                ):
                    if check is None or (quick is not None and quick(x)):
                        return None
                    # only the format can fail now: check it once, here
                    cause: ValueError | None = None
                    try:
                        if check(x):
                            return None
                    except ValueError as error:
                        cause = error
                    return [([], title, *describe("format", fmt, cause, ""))]
            elif others_pass and not isinstance(x, str):
                return None
            return explain(x)

        return node

    @staticmethod
    def _number_leaf(
        schema: dict[str, Any], keywords: frozenset[str], explain: Node
    ) -> Node | None:
        bounds = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
        if "type" not in keywords or not keywords <= {"type", *bounds}:
            return None
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not set(kinds) <= {"number", "integer", "null"} or not (
            "number" in kinds or "integer" in kinds
        ):
            return None
        for keyword in bounds:
            if keyword in schema and not is_number(schema[keyword]):
                raise Unsupported("numeric bound")
        floats = "number" in kinds  # an integral float is an integer too: left to explain
        nulls = "null" in kinds
        low = schema.get("minimum", -math.inf)
        high = schema.get("maximum", math.inf)
        low_x = schema.get("exclusiveMinimum", -math.inf)
        high_x = schema.get("exclusiveMaximum", math.inf)

        def node(x: Any) -> Report:
            kind = type(x)
            if kind is int or (floats and kind is float):
                if low <= x <= high and low_x < x < high_x:
                    return None
            elif nulls and x is None:
                return None
            return explain(x)

        return node

    def _explain(
        self, keyword: str, schema: dict[str, Any], title: str | None
    ) -> Callable[[Any], Record | list[Record] | None]:
        """The errors of one keyword that looks at the instance only. Whether it holds is
        the predicate compiler's answer (one implementation of each keyword); this adds only
        what is said, and where, when it does not."""
        value = schema[keyword]
        if keyword == "format":
            return self._format(value, title)
        if keyword == "required":
            return self._required(value, schema, title)
        if keyword == "dependentRequired":
            return self._dependent(value, title)
        holds = self.predicates.compile({keyword: value}, None)
        if keyword in ("minProperties", "maxProperties"):
            if keyword == "minProperties":
                wording = "should be non-empty" if value == 1 else "does not have enough properties"
            else:
                wording = "is expected to be empty" if value == 0 else "has too many properties"
            return lambda x: None if holds(x) else generic(title, f"{x!r} {wording}")
        record: Record = ([], title, *describe(keyword, value, None, ""))
        return lambda x: None if holds(x) else ([], *record[1:])

    def _format(self, fmt: str, title: str | None) -> Callable[[Any], Record | None]:
        check = self.formats[fmt]

        def explain(x: Any) -> Record | None:
            if not isinstance(x, str):
                return None
            cause: ValueError | None = None
            try:
                if check(x):
                    return None
            except ValueError as error:
                cause = error
            return ([], title, *describe("format", fmt, cause, ""))

        return explain

    @staticmethod
    def _required(
        names: list[object], schema: dict[str, Any], title: str | None
    ) -> Callable[[Any], list[Record] | None]:
        properties = schema.get("properties")
        titles = {
            name: title_of(properties.get(name)) if isinstance(properties, dict) else None
            for name in names
            if isinstance(name, str)
        }

        def explain(x: Any) -> list[Record] | None:
            if not isinstance(x, dict):
                return None
            return [
                ([name], field_title, REQUIRED_ZH, REQUIRED_EN)
                for name, field_title in titles.items()
                if name not in x
            ]

        return explain

    def _dependent(
        self, value: dict[str, list[str]], title: str | None
    ) -> Callable[[Any], list[Record] | None]:
        pairs = tuple((name, tuple(others)) for name, others in value.items())

        def explain(x: Any) -> list[Record] | None:
            if not isinstance(x, dict):
                return None
            return [
                generic(title, f"{other!r} is a dependency of {name!r}")
                for name, others in pairs
                if name in x
                for other in others
                if other not in x
            ]

        return explain
