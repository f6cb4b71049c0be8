"""Which field paths a condition may read: the ones the form's schema declares.

A condition reads a path such as ``applicant.age``. Its first name must be a field of the
form (``FLOW_CONDITION``); every further name must be a property the field's schema declares
(``FLOW_CONDITION_UNKNOWN_PROPERTY``): anything else evaluates to ``null`` on every case, so
``form.storeType.__class__.__name__ == 'str'`` is always false — a mistake, never a test.

A name is declared by a schema's ``properties``, matched by its ``patternProperties``, or
allowed by an ``additionalProperties`` subschema, looking through ``$ref`` (resolved from the
form's root and the shared schema documents), ``allOf``/``anyOf``/``oneOf``, ``then``/``else``
and ``dependentSchemas``. A ``$ref`` that cannot be resolved here, or a ``true`` schema,
leaves the rest of the path unchecked: nothing is reported that cannot be shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from tongban.core.flows.codes import FLOW_CONDITION, FLOW_CONDITION_UNKNOWN_PROPERTY

_MAX_DEPTH = 16  # $ref / combinator nesting followed before giving up (and accepting)
_COMBINATORS = ("allOf", "anyOf", "oneOf")


class _Open(Exception):
    """The schema cannot tell which names it declares: the path is not checked further."""


class FormPaths:
    """The fields of one form and, when its schema is known, what each field declares."""

    def __init__(
        self,
        fields: frozenset[str],
        properties: Mapping[str, Any] | None = None,
        resolver: Any = None,
    ) -> None:
        self.fields = fields
        self._properties = properties
        self._resolver = resolver

    @classmethod
    def of_schema(cls, form: Mapping[str, Any], registry: Registry[Any] | None = None) -> FormPaths:
        properties = form.get("properties")
        if not isinstance(properties, Mapping):
            properties = {}
        try:
            resource = DRAFT202012.create_resource(form)
            resolver = (registry or Registry()).resolver_with_root(resource)
        except Exception:  # noqa: BLE001 - a malformed $id: refs are then left unchecked
            resolver = None
        return cls(frozenset(properties), properties, resolver)

    def problem(self, path: str) -> tuple[str, str, str] | None:
        """``(code, Chinese, English)`` when ``path`` (dotted, without ``form.``) names nothing the
        form declares, else None."""
        parts = path.split(".")
        first: tuple[str, str, str] | None = None
        for cut in range(1, len(parts) + 1):
            head = ".".join(parts[:cut])
            if head not in self.fields:
                continue
            found = self._walk(path, head, parts[cut:])
            if found is None:
                return None
            first = first or found
        return first or (
            FLOW_CONDITION,
            f"条件读取的表单字段 {path} 不存在",
            f"condition reads unknown form field {path!r}",
        )

    def _walk(self, path: str, head: str, rest: list[str]) -> tuple[str, str, str] | None:
        if self._properties is None or not rest:
            return None
        schemas = [(self._properties[head], self._resolver)]
        walked = head
        try:
            for name in rest:
                schemas = [found for s, r in schemas for found in _declared(s, r, name, 0)]
                if not schemas:
                    return (
                        FLOW_CONDITION_UNKNOWN_PROPERTY,
                        f"条件读取 {path}，但字段 {walked} 的定义未声明属性 {name}，其值恒为 null",
                        f"condition reads {path!r}: field {walked!r} declares no property "
                        f"{name!r}, so it is always null",
                    )
                walked = f"{walked}.{name}"
        except _Open:
            return None
        return None


def _declared(schema: Any, resolver: Any, name: str, depth: int) -> Iterator[tuple[Any, Any]]:
    """The subschemas ``schema`` gives property ``name`` (raises _Open when it cannot tell)."""
    for shape, where in _shapes(schema, resolver, depth):
        properties = shape.get("properties")
        if isinstance(properties, Mapping) and name in properties:
            yield properties[name], where
        patterns = shape.get("patternProperties")
        if isinstance(patterns, Mapping):
            for pattern, sub in patterns.items():
                if _matches(pattern, name):
                    yield sub, where
        additional = shape.get("additionalProperties")
        if isinstance(additional, Mapping) or additional is True:
            yield additional, where


def _shapes(schema: Any, resolver: Any, depth: int) -> Iterator[tuple[Mapping[str, Any], Any]]:
    """``schema`` and every subschema that applies with it to the same value."""
    if depth > _MAX_DEPTH or schema is True:
        raise _Open
    if not isinstance(schema, Mapping):
        return
    yield schema, resolver
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if resolver is None:
            raise _Open
        try:
            resolved = resolver.lookup(ref)
        except Unresolvable:
            raise _Open from None
        yield from _shapes(resolved.contents, resolved.resolver, depth + 1)
    for keyword in _COMBINATORS:
        parts = schema.get(keyword)
        if isinstance(parts, list):
            for part in parts:
                yield from _shapes(part, resolver, depth + 1)
    for keyword in ("then", "else"):
        if keyword in schema:
            yield from _shapes(schema[keyword], resolver, depth + 1)
    dependent = schema.get("dependentSchemas")
    if isinstance(dependent, Mapping):
        for part in dependent.values():
            yield from _shapes(part, resolver, depth + 1)


def _matches(pattern: str, name: str) -> bool:
    try:
        return re.search(pattern, name) is not None
    except (re.error, TypeError):
        return True  # an unusable pattern is the form's problem; do not report the path
