"""A schema compiled into a validity predicate: ``True`` exactly when jsonschema's
``is_valid`` is. Used for forms (``forms.FormValidator``), by the error reporter to accept
valid subtrees at once, and for the flow meta-schema (``flows.flow_schema``).

Two shapes get a faster closure: a string schema (type, length, pattern, format) is one
closure, and an ``allOf`` of ``if {K: const/enum} then …`` parts on the same key K (a
discriminated union, e.g. per node ``kind``) is a dict lookup of the applicable ``then``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from referencing.jsonschema import DRAFT202012

from tongban.core.form_compiler.semantics import (
    PYTHON_TYPES,
    TYPE_TESTS,
    Check,
    FormatCheck,
    Refs,
    Unsupported,
    all_of,
    always,
    any_of,
    format_test,
    is_number,
    json_equal,
    never,
    present,
    unique,
)


class PredicateCompiler:
    """Compiles a schema into a validity predicate agreeing with jsonschema's ``is_valid``."""

    def __init__(self, formats: Mapping[str, FormatCheck]) -> None:
        self.formats = formats
        self._ref = Refs(self.compile)

    def compile(self, schema: object, resolver: Any, *, root: bool = False) -> Check:
        if schema is True:
            return always
        if schema is False:
            return never
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        if not root and "$id" in schema:
            resolver = resolver.in_subresource(DRAFT202012.create_resource(schema))
        present(schema)
        checks: list[Check] = []
        typing = self._type(schema["type"]) if "type" in schema else None
        string = self._string(schema, typing)  # carries the type test when there is one
        if string is not None:
            checks.append(string)
        elif typing is not None:
            checks.append(typing[0])
        if "enum" in schema:
            checks.append(self._enum(schema["enum"]))
        if "const" in schema:
            const = schema["const"]
            checks.append(lambda x: json_equal(x, const))
        number = self._number(schema)
        if number is not None:
            checks.append(number)
        obj = self._object(schema, resolver)
        if obj is not None:
            checks.append(obj)
        array = self._array(schema, resolver)
        if array is not None:
            checks.append(array)
        if "propertyNames" in schema:
            checks.append(self._property_names(schema["propertyNames"], resolver))
        checks.extend(self._combinators(schema, resolver))
        if "$ref" in schema:
            checks.append(self._ref(schema["$ref"], resolver))
        return all_of(checks)

    @staticmethod
    def _type(value: object) -> tuple[Check, bool, Check]:
        """(the type test, whether strings pass it, the test for anything but strings)."""
        names: list[str] = []
        for name in value if isinstance(value, list) else [value]:
            if not isinstance(name, str) or name not in TYPE_TESTS:
                raise Unsupported(f"type {name!r}")
            names.append(name)
        if all(name in PYTHON_TYPES for name in names):
            python_types = tuple(PYTHON_TYPES[name] for name in names)
            others = tuple(t for t in python_types if t is not str)
            return (
                lambda x: isinstance(x, python_types),
                str in python_types,
                (lambda x: isinstance(x, others)) if others else never,
            )
        return (
            any_of([TYPE_TESTS[name] for name in names]),
            "string" in names,
            any_of([TYPE_TESTS[name] for name in names if name != "string"]),
        )

    @staticmethod
    def _enum(values: object) -> Check:
        if not isinstance(values, list):
            raise Unsupported("enum")
        if all(type(v) is str for v in values):
            allowed = frozenset(values)
            return lambda x: isinstance(x, str) and x in allowed
        frozen = tuple(values)
        return lambda x: any(json_equal(x, v) for v in frozen)

    def _string(
        self, schema: dict[str, Any], typing: tuple[Check, bool, Check] | None
    ) -> Check | None:
        low = schema.get("minLength")
        high = schema.get("maxLength")
        pattern = schema.get("pattern")
        fmt = schema.get("format")
        if low is None and high is None and pattern is None and fmt is None:
            return None
        low_n = 0 if low is None else low
        high_n = math.inf if high is None else high
        if not is_number(low_n) or not is_number(high_n):
            raise Unsupported("length")
        if pattern is not None and not isinstance(pattern, str):
            raise Unsupported("pattern")
        if fmt is not None and fmt not in self.formats:
            raise Unsupported(f"format {fmt!r}")
        search = re.compile(pattern).search if pattern is not None else None
        fmt_test = format_test(self.formats[fmt]) if fmt is not None else None
        strings_pass, others = (True, always) if typing is None else typing[1:]

        def check(x: Any) -> bool:
            if isinstance(x, str):
                if not strings_pass:
                    return False
                n = len(x)
                if n < low_n or n > high_n:
                    return False
                if search is not None and search(x) is None:
                    return False
                return fmt_test is None or fmt_test(x)
            return others(x)

        return check

    @staticmethod
    def _number(schema: dict[str, Any]) -> Check | None:
        bounds: list[tuple[float, str]] = [
            (schema[k], op)
            for k, op in (
                ("minimum", "ge"),
                ("maximum", "le"),
                ("exclusiveMinimum", "gt"),
                ("exclusiveMaximum", "lt"),
            )
            if k in schema
        ]
        if not bounds:
            return None
        for bound, _ in bounds:
            if not is_number(bound):
                raise Unsupported("numeric bound")
        low = max((b for b, op in bounds if op == "ge"), default=None)
        high = min((b for b, op in bounds if op == "le"), default=None)
        low_x = max((b for b, op in bounds if op == "gt"), default=None)
        high_x = min((b for b, op in bounds if op == "lt"), default=None)

        def check(x: Any) -> bool:
            if is_number(x):
                if low is not None and x < low:
                    return False
                if high is not None and x > high:
                    return False
                if low_x is not None and x <= low_x:
                    return False
                if high_x is not None and x >= high_x:
                    return False
            return True

        return check

    def _object(self, schema: dict[str, Any], resolver: Any) -> Check | None:
        keys = (
            "properties",
            "required",
            "additionalProperties",
            "dependentRequired",
            "minProperties",
            "maxProperties",
        )
        if not any(k in schema for k in keys):
            return None
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        dependent = schema.get("dependentRequired", {})
        if not isinstance(properties, dict) or not isinstance(required, list):
            raise Unsupported("properties/required")
        if not isinstance(dependent, dict):
            raise Unsupported("dependentRequired")
        compiled = tuple((name, self.compile(sub, resolver)) for name, sub in properties.items())
        needed = tuple(required)
        dependencies = tuple((k, tuple(v)) for k, v in dependent.items())
        min_props = schema.get("minProperties", 0)
        max_props = schema.get("maxProperties", math.inf)
        by_name = dict(compiled)
        extra: Check | None = None
        closed = False
        if "additionalProperties" in schema:
            additional = schema["additionalProperties"]
            if additional is False:
                closed = True
            elif additional is not True:
                extra = self.compile(additional, resolver)

        if not closed and extra is None and not dependencies and min_props == 0:
            if max_props == math.inf:

                def simple(x: Any) -> bool:
                    if not isinstance(x, dict):
                        return True
                    for name in needed:
                        if name not in x:
                            return False
                    for name, sub in compiled:
                        if name in x and not sub(x[name]):
                            return False
                    return True

                return simple

        def check(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            for name in needed:
                if name not in x:
                    return False
            for name, value in x.items():  # one pass: each property checked by its schema
                sub = by_name.get(name)
                if sub is None:
                    if closed or (extra is not None and not extra(value)):
                        return False
                elif not sub(value):
                    return False
            for name, others in dependencies:
                if name in x:
                    for other in others:
                        if other not in x:
                            return False
            return bool(min_props <= len(x) <= max_props)

        return check

    def _array(self, schema: dict[str, Any], resolver: Any) -> Check | None:
        keys = ("items", "prefixItems", "minItems", "maxItems", "uniqueItems")
        if not any(k in schema for k in keys):
            return None
        prefix = schema.get("prefixItems", [])
        if not isinstance(prefix, list):
            raise Unsupported("prefixItems")
        firsts = tuple(self.compile(sub, resolver) for sub in prefix)
        start = len(firsts)
        item = self.compile(schema["items"], resolver) if "items" in schema else None
        low = schema.get("minItems", 0)
        high = schema.get("maxItems", math.inf)
        distinct = schema.get("uniqueItems", False)

        def check(x: Any) -> bool:
            if isinstance(x, list):
                if not low <= len(x) <= high:
                    return False
                for each, sub in zip(x, firsts, strict=False):
                    if not sub(each):
                        return False
                if item is not None:
                    for index in range(start, len(x)):
                        if not item(x[index]):
                            return False
                if distinct and not unique(x):
                    return False
            return True

        return check

    def _property_names(self, names: object, resolver: Any) -> Check:
        if isinstance(names, dict) and names.keys() == {"enum"}:
            values = names["enum"]
            if isinstance(values, list) and all(type(v) is str for v in values):
                allowed = frozenset(values)
                return lambda x: not isinstance(x, dict) or x.keys() <= allowed
        name_check = self.compile(names, resolver)
        return lambda x: not isinstance(x, dict) or all(name_check(k) for k in x)

    def _combinators(self, schema: dict[str, Any], resolver: Any) -> list[Check]:
        checks: list[Check] = []
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword not in schema:
                continue
            subs = schema[keyword]
            if not isinstance(subs, list):
                raise Unsupported(keyword)
            if keyword == "allOf":
                tagged = _discriminated(subs, lambda sub: self.compile(sub, resolver))
                if tagged is not None:
                    checks.append(tagged)
                    continue
            parts = [self.compile(sub, resolver) for sub in subs]
            if keyword == "allOf":
                checks.append(all_of(parts))
            elif keyword == "anyOf":
                checks.append(any_of(parts))
            else:
                checks.append(_exactly_one(parts))
        if "not" in schema:
            negated = self.compile(schema["not"], resolver)
            checks.append(lambda x: not negated(x))
        if "if" in schema:
            condition = self.compile(schema["if"], resolver)
            then = self.compile(schema["then"], resolver) if "then" in schema else always
            otherwise = self.compile(schema["else"], resolver) if "else" in schema else always
            checks.append(lambda x: then(x) if condition(x) else otherwise(x))
        return checks


def compile_predicate(
    schema: Mapping[str, Any], resolver: Any, formats: Mapping[str, FormatCheck]
) -> Check:
    """The validity predicate of a root ``schema`` (``resolver`` rooted at it)."""
    return PredicateCompiler(formats).compile(schema, resolver, root=True)


def _exactly_one(parts: list[Check]) -> Check:
    frozen = tuple(parts)
    return lambda x: sum(1 for part in frozen if part(x)) == 1


def _discriminator(part: object) -> tuple[str, frozenset[str]] | None:
    """(K, values) when ``part`` is ``{if: {required: [K], properties: {K: const/enum}}, then}``
    with string values."""
    if not isinstance(part, dict) or part.keys() != {"if", "then"}:
        return None
    condition = part["if"]
    if not isinstance(condition, dict) or condition.keys() != {"required", "properties"}:
        return None
    required, props = condition["required"], condition["properties"]
    if not isinstance(props, dict) or len(props) != 1 or required != list(props):
        return None
    ((key, sub),) = props.items()
    if not isinstance(sub, dict) or len(sub) != 1:
        return None
    values = [sub["const"]] if "const" in sub else sub.get("enum")
    if not isinstance(values, list) or not all(type(v) is str for v in values):
        return None
    return key, frozenset(values)


def _discriminated(parts: list[Any], compile_: Callable[[object], Check]) -> Check | None:
    """An ``allOf`` of parts all tagged on one key K, as a dict lookup of the ``then``\\ s
    that apply to the instance's K (a non-object satisfies every ``if``: all apply)."""
    found = [_discriminator(part) for part in parts]
    keys = {item[0] for item in found if item is not None}
    if not found or None in found or len(keys) != 1:
        return None
    (key,) = keys
    by_value: dict[str, list[Check]] = {}
    every: list[Check] = []
    for part, item in zip(parts, found, strict=True):
        then = compile_(part["then"])
        every.append(then)
        for value in item[1] if item is not None else ():
            by_value.setdefault(value, []).append(then)
    applicable = {value: all_of(checks) for value, checks in by_value.items()}
    all_then = all_of(every)

    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return all_then(x)
        tag = x.get(key)
        then = applicable.get(tag) if type(tag) is str else None
        return then is None or then(x)

    return check
