"""JSON Schema 2020-12 semantics both compilers share: which keywords are compiled, JSON's
types and equality exactly as jsonschema sees them, and ``$ref`` targets compiled once."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

Check = Callable[[Any], bool]
FormatCheck = Callable[[object], bool]


class Unsupported(ValueError):
    """The schema uses something the compiler does not reproduce exactly."""


KEYWORDS: Final = frozenset(Draft202012Validator.VALIDATORS)
SUPPORTED: Final = frozenset(
    {
        "$ref",
        "type",
        "enum",
        "const",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "properties",
        "required",
        "additionalProperties",
        "dependentRequired",
        "minProperties",
        "maxProperties",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "uniqueItems",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "propertyNames",
    }
)
# Keywords that only look at the instance itself (no subschema): checked by one predicate,
# explained keyword by keyword only when that predicate fails.
LOCAL: Final = frozenset(
    {
        "type",
        "enum",
        "const",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "required",
        "dependentRequired",
        "minProperties",
        "maxProperties",
        "minItems",
        "maxItems",
        "uniqueItems",
    }
)


def always(_: Any) -> bool:
    return True


def never(_: Any) -> bool:
    return False


def is_number(x: Any) -> bool:
    if type(x) is int or type(x) is float:
        return True
    return not isinstance(x, bool) and isinstance(x, numbers.Number)


def is_integer(x: Any) -> bool:
    if type(x) is int:
        return True
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


TYPE_TESTS: Final[dict[str, Check]] = {
    "string": lambda x: isinstance(x, str),
    "integer": is_integer,
    "number": is_number,
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "array": lambda x: isinstance(x, list),
    "object": lambda x: isinstance(x, dict),
}
PYTHON_TYPES: Final[dict[str, type]] = {
    "string": str,
    "boolean": bool,
    "null": type(None),
    "array": list,
    "object": dict,
}


def _unbool(x: Any, true: object = object(), false: object = object()) -> Any:
    if x is True:
        return true
    if x is False:
        return false
    return x


def json_equal(one: Any, two: Any) -> bool:
    """Equality exactly as jsonschema's ``equal`` sees it: booleans are not numbers."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(json_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(
            key in two and json_equal(value, two[key]) for key, value in one.items()
        )
    return bool(_unbool(one) == _unbool(two))


_UNIQUE: Final = Draft202012Validator({"uniqueItems": True})


def unique(items: list[Any]) -> bool:
    """Whether ``uniqueItems`` holds, as jsonschema decides it."""
    if all(type(item) is str for item in items):
        return len(set(items)) == len(items)
    return bool(_UNIQUE.is_valid(items))


def any_of(checks: list[Check]) -> Check:
    if not checks:
        return never
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def check(x: Any) -> bool:
        for each in frozen:
            if each(x):
                return True
        return False

    return check


def all_of(checks: list[Check]) -> Check:
    if not checks:
        return always
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def check(x: Any) -> bool:
        for each in frozen:
            if not each(x):
                return False
        return True

    return check


def format_test(check: FormatCheck) -> Check:
    def test(instance: Any) -> bool:
        try:
            return bool(check(instance))
        except ValueError:
            return False

    return test


def present(schema: dict[str, Any]) -> frozenset[str]:
    present = KEYWORDS.intersection(schema)
    if not present <= SUPPORTED:
        raise Unsupported(", ".join(sorted(present - SUPPORTED)))
    return present


class Refs:
    """Compiles each ``$ref`` target once; a target met again while being compiled (a
    recursive reference) gets a forwarder bound when its compilation completes."""

    def __init__(self, compile_: Callable[[object, Any], Any]) -> None:
        self._compile = compile_
        self._memo: dict[int, Any] = {}
        self._active: dict[int, list[list[Any]]] = {}
        self._keep: list[object] = []  # the targets, so their ids stay theirs

    def __call__(self, ref: object, resolver: Any) -> Any:
        if not isinstance(ref, str):
            raise Unsupported("$ref")
        try:
            resolved = resolver.lookup(ref)
        except Unresolvable as error:
            raise Unsupported(str(error)) from None
        target = resolved.contents
        key = id(target)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            cell: list[Any] = []
            self._active[key].append(cell)
            return lambda x: cell[0](x)
        self._active[key] = []
        self._keep.append(target)
        try:
            compiled = self._compile(target, resolved.resolver)
        finally:
            cells = self._active.pop(key)
        for cell in cells:
            cell.append(compiled)
        self._memo[key] = compiled
        return compiled
