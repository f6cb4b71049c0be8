"""A fast yes/no check compiled from a JSON Schema, for the keywords the flow meta-schema uses.

jsonschema takes ~0.3 ms per flow node (the ``if``/``then`` per kind and ``$ref`` resolution
are the cost), i.e. 150–300 ms for a 500-node flow. Almost every flow that is saved is
well-formed, so ``compile_check`` turns the schema into nested closures that answer only
"valid?"; the full jsonschema validator runs only when that answer is no, to report every
error with its path. Closures, never generated source: nothing here calls ``exec``.

Soundness: the compiled check must never accept what jsonschema rejects. It implements each
keyword with jsonschema's Draft 2020-12 semantics and refuses (``ValueError`` at compile
time) any keyword it does not know, so nothing is silently ignored. Rejecting too much would
only cost time: the authoritative answer then comes from jsonschema.

Two shapes are compiled specially, for speed: string schemas (``type: string`` with length
and pattern bounds) become one closure, and an ``allOf`` of ``if {K: const/enum} then …``
parts on the same key K (a discriminated union, e.g. per node ``kind``) becomes a dict
lookup of the applicable ``then`` checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]
Build = Callable[[Any], Check]

_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"}
)
_DEFS = "#/$defs/"


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": _is_number,
}


def _same(a: Any, b: Any) -> bool:
    """Stricter than jsonschema's equality (it also equates 1 and 1.0): fine for a fast path."""
    return type(a) is type(b) and a == b


def _true(value: Any) -> bool:
    return True


def _false(value: Any) -> bool:
    return False


def compile_check(root: Mapping[str, Any]) -> Check:
    """A predicate that is true only for instances ``root`` accepts."""
    definitions: Mapping[str, Any] = root.get("$defs", {})
    compiled: dict[str, Check] = {}
    building: set[str] = set()

    def ref(pointer: str) -> Check:
        name = pointer[len(_DEFS) :]
        if not pointer.startswith(_DEFS) or "/" in name or name not in definitions:
            raise ValueError(f"only local #/$defs/NAME references are supported, not {pointer!r}")
        if name in compiled:
            return compiled[name]
        if name in building:  # a recursive definition: resolve when called

            def later(value: Any) -> bool:
                return compiled[name](value)

            return later
        building.add(name)
        compiled[name] = build(definitions[name])
        return compiled[name]

    def build(schema: Any) -> Check:
        if schema is True:
            return _true
        if schema is False:
            return _false
        string = _string_schema(schema)
        if string is not None:
            return string
        checks = [_keyword(key, schema[key], schema, build, ref) for key in schema]
        return _all([check for check in checks if check is not None])

    return build(root)


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _true
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for part in checks:
            if not part(value):
                return False
        return True

    return check


def _string_schema(schema: Mapping[str, Any]) -> Check | None:
    """``{type: string, minLength?, maxLength?, pattern?}`` as one closure, else None."""
    keys = schema.keys() - _ANNOTATIONS
    if schema.get("type") != "string" or not keys <= {"type", "minLength", "maxLength", "pattern"}:
        return None
    low = schema.get("minLength", 0)
    high = schema.get("maxLength")
    regex = re.compile(schema["pattern"]) if "pattern" in schema else None

    def check(value: Any) -> bool:
        if not isinstance(value, str) or len(value) < low:
            return False
        if high is not None and len(value) > high:
            return False
        return regex is None or regex.search(value) is not None

    return check


def _keyword(
    key: str, arg: Any, schema: Mapping[str, Any], build: Build, ref: Build
) -> Check | None:
    if key in _ANNOTATIONS or key in ("then", "else"):
        return None  # annotation only, or handled with "if"
    if key == "$ref":
        return ref(arg)
    if key == "type":
        types = [_TYPES[name] for name in ([arg] if isinstance(arg, str) else arg)]
        return types[0] if len(types) == 1 else lambda value: any(t(value) for t in types)
    if key in ("enum", "const"):
        options = arg if key == "enum" else [arg]
        if all(isinstance(item, str) for item in options):
            allowed = frozenset(options)
            return lambda value: isinstance(value, str) and value in allowed
        return lambda value: any(_same(value, item) for item in options)
    if key == "required":
        names = frozenset(arg)
        return lambda value: not isinstance(value, dict) or names <= value.keys()
    if key == "properties":
        return _properties(arg, schema.get("additionalProperties", True), build)
    if key == "additionalProperties":
        return None if "properties" in schema else _properties({}, arg, build)
    if key == "items":
        item = build(arg)
        return lambda value: not isinstance(value, list) or all(item(v) for v in value)
    if key == "propertyNames":
        return _property_names(arg, build)
    if key == "allOf":
        return _discriminated(arg, build) or _all([build(part) for part in arg])
    if key == "if":
        condition = build(arg)
        then = build(schema.get("then", True))
        otherwise = build(schema.get("else", True))
        return lambda value: then(value) if condition(value) else otherwise(value)
    return _bound(key, arg)


def _properties(props: Mapping[str, Any], additional: Any, build: Build) -> Check:
    checks = {name: build(sub) for name, sub in props.items()}
    if additional is True:  # only the named properties matter: look them up

        def named(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for name, sub in checks.items():
                if name in value and not sub(value[name]):
                    return False
            return True

        return named
    extra = build(additional)

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name, item in value.items():
            sub = checks.get(name)
            if sub is None:
                if not extra(item):
                    return False
            elif not sub(item):
                return False
        return True

    return check


def _property_names(arg: Any, build: Build) -> Check:
    if isinstance(arg, dict) and arg.keys() == {"enum"}:
        if all(isinstance(name, str) for name in arg["enum"]):
            names = frozenset(arg["enum"])
            return lambda value: not isinstance(value, dict) or value.keys() <= names
    name_check = build(arg)
    return lambda value: not isinstance(value, dict) or all(name_check(k) for k in value)


def _discriminator(part: Any) -> tuple[str, frozenset[str]] | None:
    """(K, values) when ``part`` is ``{if: {required: [K], properties: {K: const/enum}}, then}``."""
    if not isinstance(part, dict) or part.keys() != {"if", "then"}:
        return None
    condition = part["if"]
    if not isinstance(condition, dict) or condition.keys() != {"required", "properties"}:
        return None
    required, props = condition["required"], condition["properties"]
    if not isinstance(props, dict) or len(props) != 1 or list(required) != list(props):
        return None
    ((key, sub),) = props.items()
    if not isinstance(sub, dict) or len(sub) != 1:
        return None
    values = [sub["const"]] if "const" in sub else sub.get("enum")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return None
    return key, frozenset(values)


def _discriminated(parts: list[Any], build: Build) -> Check | None:
    found = [_discriminator(part) for part in parts]
    if not found or any(item is None for item in found):
        return None
    keys = {item[0] for item in found if item is not None}
    if len(keys) != 1:
        return None
    (key,) = keys
    by_value: dict[str, list[Check]] = {}
    every: list[Check] = []
    for part, item in zip(parts, found, strict=True):
        then = build(part["then"])
        every.append(then)
        for value in item[1] if item else ():
            by_value.setdefault(value, []).append(then)
    applicable = {value: _all(checks) for value, checks in by_value.items()}
    all_then = _all(every)

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return all_then(value)  # every "if" holds vacuously for a non-object
        tag = value.get(key)
        then = applicable.get(tag) if isinstance(tag, str) else None
        return then is None or then(value)

    return check


def _bound(key: str, arg: Any) -> Check:
    if key == "minimum":
        return lambda value: not _is_number(value) or value >= arg
    if key == "maximum":
        return lambda value: not _is_number(value) or value <= arg
    if key == "minLength":
        return lambda value: not isinstance(value, str) or len(value) >= arg
    if key == "maxLength":
        return lambda value: not isinstance(value, str) or len(value) <= arg
    if key == "maxItems":
        return lambda value: not isinstance(value, list) or len(value) <= arg
    if key == "pattern":
        regex = re.compile(arg)
        return lambda value: not isinstance(value, str) or regex.search(value) is not None
    raise ValueError(f"the fast schema check does not support the keyword {key!r}")
