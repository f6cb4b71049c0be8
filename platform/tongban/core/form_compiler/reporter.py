"""A schema compiled into an error reporter: ``None`` for valid data, otherwise one record per
error jsonschema's ``iter_errors`` yields, located as jsonschema locates it, with the message
text ``forms.FormValidator`` builds from that error.

Records are ``records.Record``; the keywords that look at the instance only are
``local.LocalReporter``'s, the subschemas (properties, items, combinators, ``$ref``) here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from referencing.jsonschema import DRAFT202012

from tongban.core.form_compiler.local import LocalReporter
from tongban.core.form_compiler.messages import describe, not_allowed, title_of
from tongban.core.form_compiler.predicate import PredicateCompiler
from tongban.core.form_compiler.records import (
    Node,
    Record,
    Report,
    generic,
    ok,
    record,
    sequence,
    under,
)
from tongban.core.form_compiler.semantics import (
    LOCAL,
    Check,
    FormatCheck,
    Refs,
    Unsupported,
    any_of,
    present,
)

__all__ = ["Node", "Record", "Report", "ReporterCompiler", "compile_reporter"]


class ReporterCompiler:
    """Compiles a schema into a function reporting every error jsonschema's ``iter_errors``
    would, as records (module docstring); ``None`` when the data is valid."""

    def __init__(
        self,
        formats: Mapping[str, FormatCheck],
        quick_formats: Mapping[str, Check] | None = None,
    ) -> None:
        self.formats = formats
        self.quick_formats = dict(quick_formats or {})
        self.predicates = PredicateCompiler(formats)
        self.local = LocalReporter(formats, self.quick_formats, self.predicates)
        self._ref = Refs(self.compile)

    def compile(self, schema: object, resolver: Any, *, root: bool = False) -> Node:
        if schema is True:
            return ok
        if schema is False:

            def false(x: Any) -> Report:
                return [
                    record(None, *describe(None, None, None, f"False schema does not allow {x!r}"))
                ]

            return false
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        if not root and "$id" in schema:
            resolver = resolver.in_subresource(DRAFT202012.create_resource(schema))
        keywords = present(schema)
        title = title_of(schema)
        local = keywords & LOCAL
        explain = self.local.explainer(schema, local, title)
        nodes: list[Node] = []
        if "properties" in schema or "additionalProperties" in schema:
            if local <= {"type", "required"} and schema.get("type", "object") == "object":
                nodes.append(self._object(schema, title, explain, resolver))
            else:
                nodes.append(self.local.node(schema, local, explain, resolver))
                nodes.append(self._properties(schema, resolver))
        else:
            nodes.append(self.local.node(schema, local, explain, resolver))
        if "items" in schema or "prefixItems" in schema:
            nodes.append(self._items(schema, title, resolver))
        if "propertyNames" in schema:
            nodes.append(self._property_names(schema["propertyNames"], resolver))
        nodes.extend(self._combinators(schema, title, resolver))
        if "$ref" in schema:
            nodes.append(self._ref(schema["$ref"], resolver))
        return sequence(nodes)

    def _object(
        self, schema: dict[str, Any], title: str | None, explain: Node, resolver: Any
    ) -> Node:
        """``type: object``, ``required``, ``properties`` and ``additionalProperties`` in one
        pass; ``explain`` reports the type and required errors."""
        return self._properties(
            schema,
            resolver,
            explain=explain,
            typed="type" in schema,
            needed=tuple(schema.get("required", ())),
        )

    # -- subschemas
    def _properties(
        self,
        schema: dict[str, Any],
        resolver: Any,
        *,
        explain: Node = ok,
        typed: bool = False,
        needed: tuple[str, ...] = (),
    ) -> Node:
        """``properties`` and ``additionalProperties`` of ``schema`` in one pass over the
        instance; for ``_object``, also ``type: object`` (when ``typed``) and ``required``
        (``needed``), whose errors ``explain`` reports."""
        properties = schema.get("properties", {})
        if not isinstance(properties, dict):
            raise Unsupported("properties")
        compiled = {name: self.compile(sub, resolver) for name, sub in properties.items()}
        # jsonschema locates a literal ``false`` subschema's error at the object itself
        unplaced = frozenset(name for name, sub in properties.items() if sub is False)
        additional = schema.get("additionalProperties", True)
        closed = additional is False
        extra = None if additional is True or closed else self.compile(additional, resolver)
        if (
            not closed
            and extra is None
            and all(sub is ok for sub in compiled.values())
            and not typed
            and not needed
        ):
            return ok
        get = compiled.get

        def node(x: Any) -> Report:
            if not isinstance(x, dict):
                return explain(x) if typed else None
            out: Report = None
            for name in needed:
                if name not in x:
                    out = explain(x)
                    break
            for name, value in x.items():
                sub = get(name)
                if sub is None:
                    if closed:
                        found: Report = [([name], None, None, not_allowed(name))]
                    elif extra is not None:
                        found = extra(value)
                        if not found:
                            continue
                        under(found, name)
                    else:
                        continue
                else:
                    found = sub(value)
                    if not found:
                        continue
                    if name not in unplaced:
                        under(found, name)
                if out is None:
                    out = found
                elif found:
                    out.extend(found)
            return out

        return node

    def _property_names(self, names: object, resolver: Any) -> Node:
        """Each property name checked against ``names``; jsonschema locates the errors at the
        object itself."""
        check = self.compile(names, resolver)
        if check is ok:
            return ok

        def node(x: Any) -> Report:
            if not isinstance(x, dict):
                return None
            out: Report = None
            for name in x:
                found = check(name)
                if found:
                    out = found if out is None else [*out, *found]
            return out

        return node

    def _items(self, schema: dict[str, Any], title: str | None, resolver: Any) -> Node:
        prefix = schema.get("prefixItems", [])
        if not isinstance(prefix, list):
            raise Unsupported("prefixItems")
        firsts = tuple(self.compile(sub, resolver) for sub in prefix)
        unplaced_items = frozenset(i for i, sub in enumerate(prefix) if sub is False)
        start = len(firsts)
        items = schema.get("items", True)
        refuse_rest = items is False
        item = ok if items is True or refuse_rest else self.compile(items, resolver)

        def node(x: Any) -> Report:
            if not isinstance(x, list):
                return None
            out: Report = None
            for index, (value, sub) in enumerate(zip(x, firsts, strict=False)):
                found = sub(value)
                if found:
                    if index not in unplaced_items:
                        under(found, index)
                    if out is None:
                        out = found
                    else:
                        out.extend(found)
            total = len(x)
            if refuse_rest:
                extra = total - start
                if extra > 0:
                    rest = x[start:] if extra != 1 else x[start]
                    noun = "items" if start != 1 else "item"
                    found = [
                        generic(
                            title,
                            f"Expected at most {start} {noun} but found {extra} extra: {rest!r}",
                        )
                    ]
                    if out is None:
                        out = found
                    else:
                        out.extend(found)
            elif item is not ok:
                for index in range(start, total):
                    found = item(x[index])
                    if found:
                        under(found, index)
                        if out is None:
                            out = found
                        else:
                            out.extend(found)
            return out

        return node

    def _combinators(self, schema: dict[str, Any], title: str | None, resolver: Any) -> list[Node]:
        nodes: list[Node] = []
        if "allOf" in schema:
            subs = schema["allOf"]
            if not isinstance(subs, list):
                raise Unsupported("allOf")
            nodes.append(sequence([self.compile(sub, resolver) for sub in subs]))
        if "anyOf" in schema:
            subs = schema["anyOf"]
            if not isinstance(subs, list):
                raise Unsupported("anyOf")
            accepts = any_of([self.predicates.compile(sub, resolver) for sub in subs])

            def any_of_node(x: Any) -> Report:
                if accepts(x):
                    return None
                return [generic(title, f"{x!r} is not valid under any of the given schemas")]

            nodes.append(any_of_node)
        if "oneOf" in schema:
            subs = schema["oneOf"]
            if not isinstance(subs, list):
                raise Unsupported("oneOf")
            options = tuple((sub, self.predicates.compile(sub, resolver)) for sub in subs)

            def one_of(x: Any) -> Report:
                valid = [sub for sub, accepts in options if accepts(x)]
                if len(valid) == 1:
                    return None
                if not valid:
                    return [generic(title, f"{x!r} is not valid under any of the given schemas")]
                # jsonschema lists the later valid subschemas, then the first one
                reprs = ", ".join(repr(sub) for sub in [*valid[1:], valid[0]])
                return [generic(title, f"{x!r} is valid under each of {reprs}")]

            nodes.append(one_of)
        if "not" in schema:
            negated = schema["not"]
            refused = self.predicates.compile(negated, resolver)

            def not_(x: Any) -> Report:
                if not refused(x):
                    return None
                return [generic(title, f"{x!r} should not be valid under {negated!r}")]

            nodes.append(not_)
        if "if" in schema:
            condition = self.predicates.compile(schema["if"], resolver)
            then = self.compile(schema["then"], resolver) if "then" in schema else ok
            otherwise = self.compile(schema["else"], resolver) if "else" in schema else ok
            if then is not ok or otherwise is not ok:
                nodes.append(lambda x: then(x) if condition(x) else otherwise(x))
        return nodes


def compile_reporter(
    schema: Mapping[str, Any],
    resolver: Any,
    formats: Mapping[str, FormatCheck],
    quick_formats: Mapping[str, Check] | None = None,
) -> Node:
    """The error reporter of a root ``schema`` (``resolver`` rooted at it).

    ``quick_formats`` may map a format to a quick test that accepts only strings its
    checker accepts (anything it does not accept is left to the checker)."""
    return ReporterCompiler(formats, quick_formats).compile(schema, resolver, root=True)
