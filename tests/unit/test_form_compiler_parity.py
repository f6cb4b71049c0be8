"""The compiled predicate and error reporter agree with jsonschema (Draft 2020-12) on
generated schemas, one test per supported keyword: each schema has the keyword at its root
(with up to one other keyword beside it, and subschemas built from every supported keyword),
each instance is a small JSON value. The predicate's verdict is jsonschema's ``is_valid``; the
reporter says nothing exactly for valid data, and every place it reports is a place
jsonschema reports (a ``required`` or ``additionalProperties`` error one level down, at the
missing or extra field, as forms show it).

The demo forms are checked against jsonschema in test_forms.py; these are the schemas no form
was written with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from tongban.core.form_compiler import SUPPORTED, compile_predicate, compile_reporter

Strategy = st.SearchStrategy[Any]
NAMES = ("a", "b", "c")


def _even(value: object) -> bool:
    if isinstance(value, str) and len(value) % 2:
        raise ValueError("长度应为偶数")
    return True


FORMATS = {"even": _even}
CHECKER = FormatChecker(formats=())
CHECKER.checks("even", raises=ValueError)(_even)

json_values: Strategy = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([0.0, 1.0, 1.5, -2.5])
    | st.sampled_from(["", "a", "ab", "ba", "abc", "1", "a1"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(NAMES), inner, max_size=3),
    max_leaves=6,
)
small = st.integers(0, 3)
bound = st.sampled_from([-1, 0, 1, 2, 0.5, 1.5])
names = st.lists(st.sampled_from(NAMES), max_size=3, unique=True)


def _value(keyword: str, sub: Strategy) -> Strategy:
    """A value of ``keyword`` (``sub``: its subschemas); ``if`` brings ``then``/``else``."""
    leaf: dict[str, Strategy] = {
        "type": st.sampled_from(["string", "integer", "number", "boolean", "null", "array"])
        | st.lists(
            st.sampled_from(["string", "integer", "object", "null"]),
            min_size=1,
            max_size=2,
            unique=True,
        ),
        "enum": st.lists(json_values, min_size=1, max_size=3),
        "const": json_values,
        "format": st.just("even"),
        "pattern": st.sampled_from(["^a", "b$", "[0-9]", "^$"]),
        "minLength": small,
        "maxLength": small,
        "minimum": bound,
        "maximum": bound,
        "exclusiveMinimum": bound,
        "exclusiveMaximum": bound,
        "required": names,
        "dependentRequired": st.dictionaries(st.sampled_from(NAMES), names, max_size=2),
        "minProperties": small,
        "maxProperties": small,
        "minItems": small,
        "maxItems": small,
        "uniqueItems": st.booleans(),
        "$ref": st.just("#/$defs/shared"),
    }
    if keyword in leaf:
        return leaf[keyword]
    nested: dict[str, Strategy] = {
        "properties": st.dictionaries(st.sampled_from(NAMES), sub, max_size=3),
        "additionalProperties": sub,
        "items": sub,
        "prefixItems": st.lists(sub, max_size=2),
        "allOf": st.lists(sub, min_size=1, max_size=3),
        "anyOf": st.lists(sub, min_size=1, max_size=3),
        "oneOf": st.lists(sub, min_size=1, max_size=3),
        "not": sub,
        "if": st.fixed_dictionaries({"if": sub}, optional={"then": sub, "else": sub}),
        "propertyNames": st.one_of(
            st.fixed_dictionaries({"enum": names}),
            st.fixed_dictionaries({"pattern": st.sampled_from(["^a", "^[ab]$"])}),
            st.fixed_dictionaries({"maxLength": st.integers(0, 1)}),
            sub,
        ),
    }
    return nested[keyword]


KEYWORDS = sorted(SUPPORTED)


def _schema(keywords: list[str], sub: Strategy) -> Strategy:
    def build(values: dict[str, Any]) -> dict[str, Any]:
        schema: dict[str, Any] = {}
        for keyword, value in values.items():
            if keyword == "if":
                schema.update(value)
            else:
                schema[keyword] = value
        return schema

    return st.fixed_dictionaries({k: _value(k, sub) for k in keywords}).map(build)


def _any_schema(sub: Strategy) -> Strategy:
    chosen = st.lists(st.sampled_from(KEYWORDS), min_size=1, max_size=2, unique=True)
    return chosen.flatmap(lambda keywords: _schema(keywords, sub))


_no_ref = [k for k in KEYWORDS if k != "$ref"]
shared_schemas: Strategy = st.recursive(
    st.booleans() | st.sampled_from(_no_ref).flatmap(lambda k: _schema([k], st.just(True))),
    lambda inner: st.lists(st.sampled_from(_no_ref), min_size=1, max_size=2, unique=True).flatmap(
        lambda keywords: _schema(keywords, inner)
    ),
    max_leaves=3,
)
subschemas: Strategy = st.recursive(
    st.booleans() | st.sampled_from(KEYWORDS).flatmap(lambda k: _schema([k], st.just(True))),
    _any_schema,
    max_leaves=4,
)


def roots(keyword: str) -> Strategy:
    """Schemas with ``keyword`` at the root, perhaps one other keyword, and ``$defs``."""
    others = st.lists(st.sampled_from(KEYWORDS), max_size=1)
    return st.tuples(others, shared_schemas).flatmap(
        lambda pair: _schema(sorted({keyword, *pair[0]}), subschemas).map(
            lambda schema: {**schema, "$defs": {"shared": pair[1]}}
        )
    )


def _jsonschema_places(validator: Draft202012Validator, instance: Any) -> set[tuple[Any, ...]]:
    places: set[tuple[Any, ...]] = set()
    for error in validator.iter_errors(instance):
        path = tuple(error.absolute_path)
        places.add(path)
        if error.validator == "required":
            places.update((*path, name) for name in error.validator_value)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            places.update((*path, name) for name in error.instance)
    return places


def _compiled(schema: dict[str, Any]) -> tuple[Callable[[Any], bool], Callable[[Any], Any]]:
    resolver = Registry().resolver_with_root(DRAFT202012.create_resource(schema))
    return (
        compile_predicate(schema, resolver, FORMATS),
        compile_reporter(schema, resolver, FORMATS),
    )


@pytest.mark.parametrize("keyword", KEYWORDS)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_compiled_schema_agrees_with_jsonschema(keyword: str, data: st.DataObject) -> None:
    schema = data.draw(roots(keyword), label="schema")
    assert keyword in schema
    validator = Draft202012Validator(schema, format_checker=CHECKER)
    predicate, reporter = _compiled(schema)
    for instance in data.draw(st.lists(json_values, min_size=1, max_size=6), label="instances"):
        valid = validator.is_valid(instance)
        assert predicate(instance) is valid, (schema, instance)
        records = reporter(instance)
        assert (records is None) is valid, (schema, instance, records)
        if records:
            reported = {tuple(reversed(record[0])) for record in records}
            places = _jsonschema_places(validator, instance)
            assert reported <= places, (schema, instance, reported, places)


def test_every_supported_keyword_is_generated() -> None:
    for keyword in KEYWORDS:
        assert _value(keyword, st.just(True)) is not None
