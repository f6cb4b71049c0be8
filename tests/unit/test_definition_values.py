"""Definitions validated to the end: a field's own values satisfy it, and conditions read
only properties a field declares (issue 10, point 6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tongban.adapters.files.schemas import load_registry
from tongban.core.conformance import FlowContext, check_implementation
from tongban.core.flows import validate_flow
from tongban.core.flows.codes import FLOW_CONDITION, FLOW_CONDITION_UNKNOWN_PROPERTY
from tongban.core.forms import (
    FORM_CONST_INVALID,
    FORM_DEFAULT_INVALID,
    FORM_EXAMPLE_INVALID,
    SchemaRegistry,
    check_form_schema,
)

from .matter_factory import DRAFT, business_form, implementation, small_flow, standard

REPO = Path(__file__).resolve().parents[2]
ID_CARD = "urn:tongban:common#/$defs/idCard"
VALID_ID = "11010519491231002X"


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return load_registry(REPO / "form_schemas")


def form(**properties: Any) -> dict[str, Any]:
    return {"$schema": DRAFT, "type": "object", "properties": properties}


def found(violations: list[Any]) -> list[tuple[str, str]]:
    return [(v.code, v.pointer) for v in violations]


# -- default, examples and const satisfy their own field --------------------------------


def test_values_that_fit_their_field_pass(registry: SchemaRegistry) -> None:
    schema = form(
        idCard={"$ref": ID_CARD, "default": VALID_ID, "examples": [VALID_ID]},
        amount={"type": "integer", "minimum": 1, "default": 1, "examples": [1, 5]},
        kind={"type": "string", "enum": ["a", "b"], "const": "a"},
    )
    assert check_form_schema(schema, registry) == []
    assert check_form_schema(business_form(), registry) == []


def test_a_default_breaking_the_fields_format_is_reported_at_the_default(
    registry: SchemaRegistry,
) -> None:
    schema = form(idCard={"$ref": ID_CARD, "title": "身份证号", "default": "110105194912310021"})
    [violation] = check_form_schema(schema, registry)
    assert (violation.code, violation.pointer) == (
        FORM_DEFAULT_INVALID,
        "/properties/idCard/default",
    )
    assert violation.message.startswith(
        "默认值不符合字段自身的定义：格式不正确：公民身份号码校验码错误"
    )
    assert (
        "(default '110105194912310021' fails the field's own schema: is not a valid cn-id-card)"
        in (violation.message)
    )


def test_each_bad_example_is_reported_with_its_index(registry: SchemaRegistry) -> None:
    schema = form(
        date={"type": "string", "format": "date", "examples": ["2026-10-01", "2026-02-30", "x"]}
    )
    assert found(check_form_schema(schema, registry)) == [
        (FORM_EXAMPLE_INVALID, "/properties/date/examples/1"),
        (FORM_EXAMPLE_INVALID, "/properties/date/examples/2"),
    ]


def test_a_const_the_field_itself_refuses_is_reported(registry: SchemaRegistry) -> None:
    schema = form(count={"type": "integer", "const": "3"})
    [violation] = check_form_schema(schema, registry)
    assert (violation.code, violation.pointer) == (FORM_CONST_INVALID, "/properties/count/const")
    assert violation.message == (
        "固定值不符合字段自身的定义：应为整数 (const '3' fails the field's own schema: "
        "must be of type integer)"
    )


def test_nested_and_object_values_are_checked_with_their_paths(registry: SchemaRegistry) -> None:
    schema = form(
        shop={
            "type": "object",
            "properties": {
                "area": {"type": "number", "minimum": 0, "default": -1},
                "name": {"type": "string"},
            },
            "required": ["name"],
            "default": {"area": 3},
        },
        tags={
            "type": "array",
            "items": {"type": "string", "maxLength": 2},
            "default": ["ok", "long"],
        },
    )
    violations = check_form_schema(schema, registry)
    assert found(violations) == [
        (FORM_DEFAULT_INVALID, "/properties/shop/default"),
        (FORM_DEFAULT_INVALID, "/properties/shop/properties/area/default"),
        (FORM_DEFAULT_INVALID, "/properties/tags/default"),
    ]
    by_pointer = {v.pointer: v.message for v in violations}
    assert "缺少必填项 name" in by_pointer["/properties/shop/default"]
    assert "/1 最多 2 个字符" in by_pointer["/properties/tags/default"]


def test_values_are_checked_only_once_the_schema_is_sound(registry: SchemaRegistry) -> None:
    schema = form(x={"$ref": "urn:tongban:common#/$defs/nowhere", "default": 1})
    assert {code for code, _ in found(check_form_schema(schema, registry))} == {
        "FORM_UNRESOLVABLE_REF"
    }


# -- conditions read only declared properties -------------------------------------------


def choice_flow(when: str) -> dict[str, Any]:
    def task(node_id: str, step: str) -> dict[str, Any]:
        return {"id": node_id, "kind": "task", "step": step, "department": "d", "role": "clerk"}

    return {
        "nodes": [
            {"id": "start", "kind": "start"},
            {"id": "route", "kind": "choice"},
            task("a", "review"),
            task("b", "review"),
            {"id": "end", "kind": "end"},
        ],
        "edges": [
            {"from": "start", "to": "route"},
            {"from": "route", "to": "a", "when": when},
            {"from": "route", "to": "b", "default": True},
            {"from": "a", "to": "end"},
            {"from": "b", "to": "end"},
        ],
    }


STORE_FORM = form(
    storeType={"type": "string", "enum": ["单体药店", "连锁门店"]},
    address={"$ref": "urn:tongban:common#/$defs/address"},
    owner={"$ref": "#/$defs/person"},
    extra={"type": "object", "additionalProperties": {"type": "string"}},
    anything={},
)
STORE_FORM["$defs"] = {
    "person": {"type": "object", "properties": {"name": {"type": "string"}, "age": {}}}
}


def condition_problems(when: str, registry: SchemaRegistry | None = None) -> list[Any]:
    return validate_flow(
        choice_flow(when),
        form_schema=STORE_FORM,
        form_registry=registry.registry if registry else None,
    )


def test_reaching_into_a_string_field_is_reported(registry: SchemaRegistry) -> None:
    [violation] = condition_problems("form.storeType.__class__.__name__ == 'str'", registry)
    assert (violation.code, violation.pointer) == (FLOW_CONDITION_UNKNOWN_PROPERTY, "/edges/1/when")
    assert violation.message == (
        "连线 'route->a'：条件读取 storeType.__class__.__name__，但字段 storeType 的定义未声明属性 "
        "__class__，其值恒为 null (edge 'route->a': condition reads 'storeType.__class__.__name__': "
        "field 'storeType' declares no property '__class__', so it is always null)"
    )


@pytest.mark.parametrize(
    "when",
    [
        "form.storeType == '连锁门店'",
        "form.owner.name == '张三'",  # a local $ref
        "exists(form.owner.age)",
        "form.address.detail != null",  # a $ref into the shared schemas
        "form.extra.anyKey == 'x'",  # additionalProperties is a schema: any name is declared
    ],
)
def test_declared_paths_pass(when: str, registry: SchemaRegistry) -> None:
    assert condition_problems(when, registry) == []


@pytest.mark.parametrize(
    ("when", "field", "name"),
    [
        ("form.owner.nmae == '张三'", "owner", "nmae"),
        ("form.owner.name.first == 'x'", "owner.name", "first"),
        ("form.address.street == 'x'", "address", "street"),
        ("len(form.anything.x) > 1", "anything", "x"),
    ],
)
def test_undeclared_paths_are_reported(
    when: str, field: str, name: str, registry: SchemaRegistry
) -> None:
    [violation] = condition_problems(when, registry)
    assert violation.code == FLOW_CONDITION_UNKNOWN_PROPERTY
    assert f"field {field!r} declares no property {name!r}" in violation.message


def test_a_shared_reference_that_cannot_be_resolved_here_is_not_guessed() -> None:
    # without the shared schemas, 'address' could declare anything: nothing is reported
    assert condition_problems("form.address.street == 'x'") == []
    # the top-level field is still checked
    [violation] = condition_problems("form.adress.street == 'x'")
    assert violation.code == FLOW_CONDITION


def test_check_implementation_reports_it_under_the_flow(registry: SchemaRegistry) -> None:
    flow = small_flow()
    flow["nodes"][4:4] = [
        {"id": "route", "kind": "choice"},
        {"id": "skip", "kind": "external", "system": "x"},
    ]
    flow["edges"] = [e for e in flow["edges"] if e["from"] != "review"] + [
        {"from": "review", "to": "route"},
        {"from": "route", "to": "decide", "when": "form.uscc.__class__ == 1"},
        {"from": "route", "to": "skip", "default": True},
        {"from": "skip", "to": "decide"},
    ]
    impl = implementation(flow=flow)
    when = f"/flow/edges/{len(flow['edges']) - 3}/when"
    context = FlowContext(form_schemas=registry)
    assert found(check_implementation(standard(), impl, flow_context=context)) == [
        (FLOW_CONDITION_UNKNOWN_PROPERTY, when)
    ]
    flow["edges"][-3]["when"] = "form.uscc == '1'"
    assert check_implementation(standard(), impl, flow_context=context) == []
