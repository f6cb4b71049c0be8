from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tongban.adapters.files.schemas import default_schema_dir, load_registry, load_schema_dir
from tongban.core.errors import InvalidDefinition
from tongban.core.forms import (
    COMMON_ID,
    FORM_DATA,
    FORM_INVALID_SCHEMA,
    FORM_NOT_OBJECT,
    FORM_UNRESOLVABLE_REF,
    FORMAT_CHECKER,
    FormValidator,
    SchemaRegistry,
    check_form_schema,
    json_pointer,
    validate_form_data,
)

from .matter_factory import COMMON, DRAFT, business_form, form_data

REPO = Path(__file__).resolve().parents[2]
COMMON_DEFS = {
    "idCard",
    "uscc",
    "mobile",
    "phone",
    "personName",
    "companyName",
    "address",
    "date",
    "money",
    "email",
    "postcode",
}


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return load_registry(REPO / "form_schemas")


def codes_and_pointers(violations: list[Any]) -> set[tuple[str, str]]:
    return {(v.code, v.pointer) for v in violations}


# --------------------------------------------------------------------------- common.json


def test_common_defines_exactly_the_shared_fields_in_chinese() -> None:
    common = json.loads((REPO / "form_schemas" / "common.json").read_text(encoding="utf-8"))
    assert common["$schema"] == DRAFT
    assert common["$id"] == COMMON_ID
    assert set(common["$defs"]) == COMMON_DEFS
    Draft202012Validator.check_schema(common)
    for name, definition in common["$defs"].items():
        for key in ("title", "description"):
            text = definition[key]
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (name, key)


def test_common_references_all_resolve(registry: SchemaRegistry) -> None:
    assert registry.check() == []
    assert COMMON_ID in registry


@pytest.mark.parametrize(
    ("definition", "good", "bad"),
    [
        (
            "idCard",
            ["11010519491231002X", "11010519491231002x"],
            ["110105194912310021", "1101051949"],
        ),
        ("uscc", ["91110000600037341L", "12441500196720244T"], ["91110000600037341A", "9111"]),
        ("mobile", ["13800138000"], ["12800138000", "1380013800", "+8613800138000"]),
        ("phone", ["13800138000", "0451-86661234", "010-12345678-123", "02112345678"], ["12345"]),
        ("personName", ["张三", "阿卜杜·热合曼"], [""]),
        ("companyName", ["某某有限公司"], ["", "x" * 129]),
        (
            "address",
            [{"detail": "学府路1号"}, {"province": "黑龙江省", "detail": "x"}],
            [{}, {"detail": ""}, {"detail": "x", "street": "y"}],
        ),
        (
            "date",
            ["2026-02-28", "2024-02-29"],
            ["2026-13-45", "2025-02-29", "2026/01/01", "20260101"],
        ),
        ("money", [0, 100, 10.0], [-1, 1.5, "100", True]),
        ("email", ["a@b.cn", "first.last@gov.example.cn"], ["x", "a@b", "a b@c.cn"]),
        ("postcode", ["150001"], ["15000", "15000a"]),
    ],
)
def test_each_common_definition_accepts_and_refuses(
    registry: SchemaRegistry, definition: str, good: list[Any], bad: list[Any]
) -> None:
    form = {"type": "object", "properties": {"v": {"$ref": COMMON + definition}}}
    for value in good:
        assert validate_form_data(form, {"v": value}, registry) == [], value
    for value in bad:
        found = validate_form_data(form, {"v": value}, registry)
        assert found, value
        assert all(v.code == FORM_DATA and v.pointer.startswith("/v") for v in found)


# --------------------------------------------------------------------------- loading


def test_load_schema_dir_maps_ids_to_documents(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"$id": "urn:x:a", "type": "string"}))
    (tmp_path / "b.json").write_text(json.dumps({"$id": "urn:x:b", "type": "integer"}))
    (tmp_path / "notes.txt").write_text("ignored")
    assert load_schema_dir(tmp_path) == {
        "urn:x:a": {"$id": "urn:x:a", "type": "string"},
        "urn:x:b": {"$id": "urn:x:b", "type": "integer"},
    }


def test_load_schema_dir_reports_every_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"$id": "urn:x:a"}))
    (tmp_path / "b.json").write_text(json.dumps({"$id": "urn:x:a"}))
    (tmp_path / "c.json").write_text("{not json")
    (tmp_path / "d.json").write_text(json.dumps({"type": "string"}))
    (tmp_path / "e.json").write_text(json.dumps([1, 2]))
    with pytest.raises(InvalidDefinition) as raised:
        load_schema_dir(tmp_path)
    assert {v.source for v in raised.value.violations} == {"b.json", "c.json", "d.json", "e.json"}


def test_default_schema_dir_is_the_repository_folder_unless_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TONGBAN_FORM_SCHEMAS", raising=False)
    assert default_schema_dir().resolve() == (REPO / "form_schemas").resolve()
    monkeypatch.setenv("TONGBAN_FORM_SCHEMAS", str(tmp_path))
    assert default_schema_dir() == tmp_path


def test_every_shipped_schema_file_loads() -> None:
    documents = load_schema_dir(REPO / "form_schemas")
    assert COMMON_ID in documents
    assert load_registry(REPO / "form_schemas").check() == []


# --------------------------------------------------------------------------- schema checks


def test_the_business_form_is_a_valid_form(registry: SchemaRegistry) -> None:
    assert check_form_schema(business_form(), registry) == []


def test_a_form_that_is_not_an_object_is_refused(registry: SchemaRegistry) -> None:
    for schema in ([], "x", None, 3):
        assert codes_and_pointers(check_form_schema(schema, registry)) == {
            (FORM_INVALID_SCHEMA, "")
        }


def test_other_dialects_are_refused(registry: SchemaRegistry) -> None:
    form = business_form()
    form["$schema"] = "http://json-schema.org/draft-07/schema#"
    assert (FORM_INVALID_SCHEMA, "/$schema") in codes_and_pointers(
        check_form_schema(form, registry)
    )


def test_every_meta_schema_violation_is_reported_with_its_pointer(
    registry: SchemaRegistry,
) -> None:
    form = business_form()
    form["properties"]["remarks"]["maxLength"] = -1
    form["properties"]["employees"]["type"] = "int"
    form["properties"]["pharmacistCertificate"]["pattern"] = "([a-z"
    form["required"] = "applicantName"
    found = codes_and_pointers(check_form_schema(form, registry))
    assert {
        (FORM_INVALID_SCHEMA, "/properties/remarks/maxLength"),
        (FORM_INVALID_SCHEMA, "/properties/employees/type"),
        (FORM_INVALID_SCHEMA, "/properties/pharmacistCertificate/pattern"),
        (FORM_INVALID_SCHEMA, "/required"),
    } <= found


def test_unresolvable_references_are_found_up_front(registry: SchemaRegistry) -> None:
    form = business_form()
    form["properties"]["uscc"] = {"$ref": COMMON + "usc"}  # typo in the definition
    form["properties"]["phone"] = {"$ref": "urn:tongban:nope#/$defs/phone"}  # no such document
    form["properties"]["email"] = {"$ref": "common.json#/$defs/email"}  # relative: the trap
    form["properties"]["remarks"] = {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/missing"}]}
    found = check_form_schema(form, registry)
    assert codes_and_pointers(found) == {
        (FORM_UNRESOLVABLE_REF, "/properties/uscc/$ref"),
        (FORM_UNRESOLVABLE_REF, "/properties/phone/$ref"),
        (FORM_UNRESOLVABLE_REF, "/properties/email/$ref"),
        (FORM_UNRESOLVABLE_REF, "/properties/remarks/anyOf/1/$ref"),
    }
    assert all("usc" in v.message or "$ref" not in v.message for v in found)
    with pytest.raises(InvalidDefinition):
        FormValidator(form, registry)


def test_local_and_relative_references_resolve_against_the_forms_id(
    registry: SchemaRegistry,
) -> None:
    form = {
        "$id": "urn:tongban:common-form",
        "type": "object",
        "$defs": {"code": {"type": "string", "pattern": "^[A-Z]{2}$"}},
        "properties": {
            "a": {"$ref": "#/$defs/code"},
            "b": {"$ref": "urn:tongban:common-form#/$defs/code"},
            "c": {"$ref": "urn:tongban:common#/$defs/mobile"},
        },
    }
    assert check_form_schema(form, registry) == []
    found = validate_form_data(form, {"a": "x", "b": "AB", "c": "1"}, registry)
    assert codes_and_pointers(found) == {(FORM_DATA, "/a"), (FORM_DATA, "/c")}


def test_unchecked_formats_are_refused(registry: SchemaRegistry) -> None:
    form = business_form()
    form["properties"]["website"] = {"type": "string", "format": "uri"}
    assert codes_and_pointers(check_form_schema(form, registry)) == {
        (FORM_INVALID_SCHEMA, "/properties/website/format")
    }


def test_the_root_must_be_an_object_with_properties(registry: SchemaRegistry) -> None:
    assert codes_and_pointers(check_form_schema({"type": "string"}, registry)) == {
        (FORM_NOT_OBJECT, "/type"),
        (FORM_NOT_OBJECT, "/properties"),
    }
    assert codes_and_pointers(check_form_schema({"type": "object"}, registry)) == {
        (FORM_NOT_OBJECT, "/properties")
    }


# --------------------------------------------------------------------------- validation


def test_valid_data_has_no_violations(registry: SchemaRegistry) -> None:
    assert validate_form_data(business_form(), form_data(), registry) == []
    assert registry.validator(business_form()).compiled


def test_every_error_is_reported_with_its_instance_pointer(registry: SchemaRegistry) -> None:
    data = form_data(
        applicantIdCard="110105194912310021",  # wrong check digit
        uscc="91110000600037341A",
        foundedOn="2026-13-45",
        email="not-an-email",
        businessArea=20,
        employees="8",
        businessScope=["处方药", "毒麻药品"],
        businessMode="批发",
        registeredAddress={"province": "黑龙江省", "street": "x"},
        remarks="x" * 501,
    )
    del data["applicantName"]
    del data["pharmacistName"]
    found = validate_form_data(business_form(), data, registry)
    assert codes_and_pointers(found) == {
        (FORM_DATA, "/applicantIdCard"),
        (FORM_DATA, "/uscc"),
        (FORM_DATA, "/foundedOn"),
        (FORM_DATA, "/email"),
        (FORM_DATA, "/businessArea"),
        (FORM_DATA, "/employees"),
        (FORM_DATA, "/businessScope/1"),
        (FORM_DATA, "/businessMode"),
        (FORM_DATA, "/registeredAddress/detail"),
        (FORM_DATA, "/registeredAddress/street"),
        (FORM_DATA, "/remarks"),
        (FORM_DATA, "/applicantName"),
        (FORM_DATA, "/pharmacistName"),
    }
    assert found == sorted(found)
    by_pointer = {v.pointer: v.message for v in found}
    assert "申请人姓名(applicantName)" in by_pointer["/applicantName"]
    assert "required" in by_pointer["/applicantName"]
    assert "校验码" in by_pointer["/applicantIdCard"]
    assert "统一社会信用代码" in by_pointer["/uscc"]
    assert "详细地址(detail)" in by_pointer["/registeredAddress/detail"]
    assert "营业面积" in by_pointer["/businessArea"] and "40" in by_pointer["/businessArea"]


def test_data_that_is_not_an_object_is_one_violation_at_the_root(
    registry: SchemaRegistry,
) -> None:
    found = validate_form_data(business_form(), ["x"], registry)
    assert codes_and_pointers(found) == {(FORM_DATA, "")}


def test_pointers_escape_slashes_and_tildes() -> None:
    assert json_pointer(["a/b", "c~d", 0]) == "/a~1b/c~0d/0"
    assert json_pointer([]) == ""


def test_format_checking_is_on() -> None:
    assert not FORMAT_CHECKER.conforms("2026-13-45", "date")
    assert FORMAT_CHECKER.conforms("2026-02-28", "date")
    assert not FORMAT_CHECKER.conforms("2026-02-28T25:00:00Z", "date-time")
    assert FORMAT_CHECKER.conforms("2026-02-28T08:00:00+08:00", "date-time")
    assert FORMAT_CHECKER.conforms(12, "cn-id-card")  # formats apply to strings only


# --------------------------------------------------------------------------- caching


def test_validators_are_cached_by_content(registry: SchemaRegistry) -> None:
    form = business_form()
    first = registry.validator(form)
    assert registry.validator(form) is first
    assert registry.validator(copy.deepcopy(form)) is first
    changed = business_form()
    changed["required"] = [*changed["required"], "email"]
    assert registry.validator(changed) is not first


def test_a_schema_edited_in_place_is_not_served_a_stale_validator(
    registry: SchemaRegistry,
) -> None:
    form = business_form()
    data = form_data()
    del data["remarks"]
    assert validate_form_data(form, data, registry) == []
    form["required"].append("remarks")
    assert codes_and_pointers(validate_form_data(form, data, registry)) == {(FORM_DATA, "/remarks")}


def test_a_validator_keeps_its_own_copy_of_the_schema(registry: SchemaRegistry) -> None:
    form = business_form()
    validator = FormValidator(form, registry)
    form["properties"]["remarks"]["maxLength"] = 1
    assert validator.validate(form_data(remarks="long enough")) == []


# --------------------------------------------------------------------------- fast path


def test_schemas_the_compiler_does_not_cover_still_validate_fully(
    registry: SchemaRegistry,
) -> None:
    form = {
        "type": "object",
        "properties": {
            "a": {"type": "string"},
            "b": {"type": "array", "prefixItems": [{"type": "integer"}]},
        },
        "unevaluatedProperties": False,
    }
    validator = registry.validator(form)
    assert not validator.compiled
    assert validator.validate({"a": "x", "b": [1]}) == []
    assert codes_and_pointers(validator.validate({"a": 1, "b": ["x"], "c": 0})) == {
        (FORM_DATA, "/a"),
        (FORM_DATA, "/b/0"),
        (FORM_DATA, ""),
    }


JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(
        [
            "",
            "张三",
            "13800138000",
            "11010519491231002X",
            "2026-02-30",
            "2026-02-28",
            "a@b.cn",
            "91110000600037341L",
            "零售",
            "处方药",
            "150001",
            "0451-86661234",
            "ZY2026001234",
        ]
    ),
    st.text(max_size=8),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["detail", "province", "x"]), inner, max_size=3),
    max_leaves=6,
)
FIELDS = sorted(business_form()["properties"])


@st.composite
def mutated_data(draw: st.DrawFn) -> Any:
    data = form_data()
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["set", "delete", "add"]))
        name = draw(st.sampled_from(FIELDS))
        if action == "set":
            data[name] = draw(JSON_VALUES)
        elif action == "delete":
            data.pop(name, None)
        else:
            data[draw(st.text(min_size=1, max_size=5))] = draw(JSON_VALUES)
    return data


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_data())
def test_the_compiled_predicate_agrees_with_jsonschema(data: Any) -> None:
    registry = _REGISTRY
    validator = registry.validator(business_form())
    reference = Draft202012Validator(
        business_form(), registry=registry.registry, format_checker=FORMAT_CHECKER
    )
    expected = reference.is_valid(data)
    assert validator.is_valid(data) == expected
    assert (validator.validate(data) == []) == expected


_REGISTRY = load_registry(REPO / "form_schemas")

KEYWORD_FORM: dict[str, Any] = {
    "type": "object",
    "$defs": {"level": {"enum": [1, "1", True, None, [1], {"a": 1}]}},
    "properties": {
        "kind": {"enum": ["person", "company"]},
        "level": {"$ref": "#/$defs/level"},
        "exact": {"const": 1},
        "flag": {"const": False},
        "count": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
        "ratio": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}, "maxItems": 2},
        "either": {"anyOf": [{"type": "string", "minLength": 2}, {"type": "integer"}]},
        "one": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 5}]},
        "notnull": {"not": {"type": "null"}},
        "extra": {
            "type": "object",
            "additionalProperties": {"type": "boolean"},
            "minProperties": 1,
            "maxProperties": 2,
        },
        "id": {"$ref": COMMON + "idCard"},
    },
    "dependentRequired": {"kind": ["id"]},
    "if": {"properties": {"kind": {"const": "company"}}, "required": ["kind"]},
    "then": {"required": ["either"]},
    "else": {"properties": {"either": {"type": "string"}}},
    "allOf": [{"required": ["kind"]}],
}
KEYWORD_VALUES = st.one_of(
    JSON_VALUES,
    st.sampled_from(["person", "company", 1, 1.0, "1", True, False, 0, 5, 5.5, 10, [1], {"a": 1}]),
    st.lists(st.sampled_from(["ab", "abcd", 1]), max_size=3),
    st.dictionaries(st.sampled_from(["p", "q", "r"]), st.booleans() | st.none(), max_size=3),
)
KEYWORD_FIELDS = [*KEYWORD_FORM["properties"], "unknown"]
KEYWORD_VALID: dict[str, Any] = {
    "kind": "person",
    "id": "11010519491231002X",
    "either": "abc",
    "level": 1,
    "exact": 1,
    "flag": False,
    "count": 5,
    "ratio": 0.5,
    "tags": ["ab"],
    "one": 1,
    "notnull": 0,
    "extra": {"p": True},
}


KEYWORD_EDGES: dict[str, list[Any]] = {
    "kind": ["company", "person", "other", None],
    "id": ["11010519491231002X", "110105194912310021", 5],
    "either": ["a", "ab", 1, 1.5, None],
    "level": [1, "1", True, None, [1], {"a": 1}, 2, False, [True], 1.0],
    "exact": [1, 1.0, True, "1", 2],
    "flag": [False, 0, None, True],
    "count": [0, 1, 9, 10, 5.0, 5.5, True, -1],
    "ratio": [0, 1, 1.01, -0.01, None, "x", 0.0],
    "tags": [[], ["abc"], ["abcd"], ["a", "b", "c"], [1], "ab"],
    "one": [1, 5, 5.5, 4.5, 6, 5.0, "x"],
    "notnull": [None, 0, "", False],
    "extra": [{}, {"p": True, "q": False}, {"p": True, "q": True, "r": True}, {"p": None}, []],
}


@st.composite
def keyword_data(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON_VALUES)
    data = copy.deepcopy(KEYWORD_VALID)
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.sampled_from(KEYWORD_FIELDS))
        action = draw(st.integers(0, 3))
        if action == 0:
            data.pop(name, None)
        elif action == 1:
            data[name] = draw(KEYWORD_VALUES)
        else:
            data[name] = draw(st.sampled_from(KEYWORD_EDGES.get(name, [None])))
    return data


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(keyword_data())
def test_the_compiled_predicate_agrees_with_jsonschema_on_every_keyword(data: Any) -> None:
    assert _REGISTRY.validator(KEYWORD_FORM).validate(KEYWORD_VALID) == []
    validator = _REGISTRY.validator(KEYWORD_FORM)
    assert validator.compiled
    reference = Draft202012Validator(
        KEYWORD_FORM, registry=_REGISTRY.registry, format_checker=FORMAT_CHECKER
    )
    expected = reference.is_valid(data)
    assert validator.is_valid(data) == expected
    assert (validator.validate(data) == []) == expected
