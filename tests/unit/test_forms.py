from __future__ import annotations

import copy
import importlib.util
import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tongban.adapters.files.schemas import default_schema_dir, load_registry, load_schema_dir
from tongban.core.codes import USCC_CHARSET, id_card_problem, make_uscc, uscc_problem
from tongban.core.errors import InvalidDefinition
from tongban.core.form_samples import sample_instance
from tongban.core.forms import (
    COMMON_ID,
    FORM_DATA,
    FORM_INVALID_SCHEMA,
    FORM_NOT_OBJECT,
    FORM_UNRESOLVABLE_REF,
    FORMAT_CHECKER,
    FormValidator,
    SchemaRegistry,
    _quick_id_card,
    _quick_uscc,
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


# --------------------------------------------------------------------------- compiled errors
#
# Invalid data is reported by an error reporter compiled from the schema
# (tongban.core.form_compiler), not by jsonschema. It must report exactly what jsonschema's
# iter_errors reports: the same instance pointers (the acceptance bar, checked against raw
# jsonschema errors below) and, through FormValidator, the very same violations (messages
# included) as the jsonschema path (FormValidator.jsonschema_violations).


def _load_bench_module() -> Any:
    spec = importlib.util.spec_from_file_location(
        "tongban_bench_forms", REPO / "bench" / "forms.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _load_bench_module()
BENCH_FORM: dict[str, Any] = BENCH.food_licence_form()


def _demo_forms() -> list[dict[str, Any]]:
    forms: dict[str, dict[str, Any]] = {}
    for path in sorted((REPO / "tenants").rglob("*.yaml")):
        if "matters" not in path.parts:
            continue
        form = yaml.safe_load(path.read_text(encoding="utf-8")).get("form")
        if isinstance(form, dict):
            forms.setdefault(json.dumps(form, sort_keys=True, ensure_ascii=False), form)
    return list(forms.values())


DEMO_FORMS = _demo_forms()

# exercises what the demo forms do not: prefixItems, items: false, uniqueItems beyond
# strings, a recursive $ref, false subschemas, oneOf matching several, not, anyOf, enum and
# const of every JSON type, dependentRequired, min/maxProperties, additionalProperties as a
# schema, if/then/else, date-time, a subschema with its own $id
COMPILER_FORM: dict[str, Any] = {
    "$schema": DRAFT,
    "type": "object",
    "$defs": {
        "node": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
            },
            "required": ["name"],
            "additionalProperties": False,
        },
    },
    "properties": {
        "tree": {"$ref": "#/$defs/node"},
        "pair": {
            "type": "array",
            "prefixItems": [{"type": "integer"}, {"$ref": COMMON + "date"}],
            "items": False,
        },
        "tuple": {"prefixItems": [{"const": "a"}], "items": {"type": "number"}},
        "set": {"type": "array", "uniqueItems": True, "maxItems": 4},
        "never": False,
        "when": {"type": "string", "format": "date-time"},
        "choice": {
            "oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}, {"const": "x"}],
        },
        "code": {
            "$id": "urn:tongban:test-code",
            "$defs": {"upper": {"pattern": "^[A-Z]+$"}},
            "allOf": [{"$ref": "#/$defs/upper"}, {"maxLength": 4}],
        },
        "either": {"anyOf": [{"$ref": COMMON + "mobile"}, {"$ref": COMMON + "phone"}]},
        "other": {"not": {"enum": [None, 0, False, "", [], {}]}},
        "mixed": {"enum": [1, "1", True, None, [1, True], {"a": [1]}]},
        "tags": {
            "type": "object",
            "additionalProperties": {"type": "string", "maxLength": 2},
            "minProperties": 1,
            "maxProperties": 3,
        },
    },
    "dependentRequired": {"pair": ["set", "tags"]},
    "if": {"properties": {"choice": {"type": "integer"}}, "required": ["choice"]},
    "then": {"required": ["tree"], "properties": {"either": {"const": "13800138000"}}},
    "else": {"properties": {"tree": {"properties": {"name": {"maxLength": 3}}}}},
}
COMPILER_VALID: dict[str, Any] = {
    "tree": {"name": "top", "children": [{"name": "a"}, {"name": "b", "children": []}]},
    "pair": [1, "2026-02-28"],
    "tuple": ["a", 1, 2.5],
    "set": [1, "1", [1], {"a": 1}],
    "when": "2026-02-28T08:00:00+08:00",
    "choice": 1.5,
    "code": "AB",
    "either": "0451-86661234",
    "other": 1,
    "mixed": [1, True],
    "tags": {"x": "ab"},
}

TRICKY_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2.5,
    10.0,
    1e9,
    "",
    "x",
    "长" * 501,
    "11010519491231002X",
    "110105194912310021",
    "1101051949123100２X",  # a full-width digit
    "91110000600037341L",
    "91110000600037341I",
    "911100006000373",
    "2026-02-28",
    "2026-02-30",
    "2026/10/01",
    "2026-02-28T25:00:00Z",
    "a@b.cn",
    "shop@@example",
    "13800138000",
    "12800138000",
    "0451-86661234",
    "https://shop.example.cn/1",
    "ftp://x",
    "PX12345678",
    "px-1",
    "零售",
    "处方药",
    "企业",
    "餐饮服务经营者",
    "常温",
    "150001",
    [],
    [1, 1],
    ["a", "a"],
    {},
    {"detail": ""},
    {"detail": "x", "floor": "3F"},
]
JSON_MUTANTS = st.one_of(st.sampled_from(TRICKY_VALUES), JSON_VALUES)


def _schema_values(schema: object) -> list[Any]:
    """Every enum / const value in ``schema`` (so if/then conditions get met and missed)."""
    found: list[Any] = []
    if isinstance(schema, dict):
        if "const" in schema:
            found.append(schema["const"])
        if isinstance(schema.get("enum"), list):
            found.extend(schema["enum"])
        for value in schema.values():
            found.extend(_schema_values(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(_schema_values(value))
    return found


def _slots(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value inside ``data`` (the root is ``()``)."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_slots(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_slots(value, (*path, index)))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for token in path:
        data = data[token]
    return data


@st.composite
def _mutant(draw: st.DrawFn, data: Any, schema: dict[str, Any]) -> Any:
    """``data`` with up to five random edits: wrong types, bad formats, values out of range,
    enum / const values (meeting or missing if-conditions), removed fields, extra fields,
    grown, shrunk or duplicated arrays."""
    data = copy.deepcopy(data)
    values = st.one_of(JSON_MUTANTS, st.sampled_from(_schema_values(schema) or [None])).map(
        copy.deepcopy  # edited later on: never the shared original
    )
    for _ in range(draw(st.integers(0, 5))):
        path = draw(st.sampled_from(_slots(data)))
        action = draw(st.sampled_from(["set", "set", "delete", "add", "array"]))
        if not path:
            if action == "set" and draw(st.integers(0, 9)) == 0:
                return draw(values)  # now and then, not an object at all
            action = "add"
        parent, key = (_at(data, path[:-1]), path[-1]) if path else (None, None)
        target = _at(data, path)
        if action == "set":
            parent[key] = draw(values)
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(target, dict):
            name = draw(st.sampled_from(["detail", "name", "x", "wechat", "a/b", "~"]))
            target[name] = draw(values)
        elif action == "array" and isinstance(target, list):
            how = draw(st.sampled_from(["duplicate", "append", "clear"]))
            if how == "duplicate" and target:
                target.append(copy.deepcopy(target[0]))
            elif how == "append":
                target.append(draw(values))
            else:
                target.clear()
    return data


def _jsonschema_pointers(schema: dict[str, Any], data: Any) -> set[str]:
    """jsonschema's own errors as instance pointers: a ``required`` error at each missing
    field and an ``additionalProperties: false`` one at each extra, as forms report them."""
    reference = Draft202012Validator(
        schema, registry=_REGISTRY.registry, format_checker=FORMAT_CHECKER
    )
    pointers: set[str] = set()
    for error in reference.iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "required":
            pointers.update(
                json_pointer((*path, name))
                for name in error.validator_value
                if name not in error.instance
            )
        elif error.validator == "additionalProperties" and error.validator_value is False:
            known = error.schema.get("properties", {})
            pointers.update(
                json_pointer((*path, name)) for name in error.instance if name not in known
            )
        else:
            pointers.add(json_pointer(path))
    return pointers


COMPILED_STATS: dict[str, int] = {}


def _assert_parity(schema: dict[str, Any], data: Any, family: str) -> None:
    validator = _REGISTRY.validator(schema)
    assert validator.compiled
    compiled = validator.compiled_violations(data)  # no fallback: a crash fails the test
    assert {v.pointer for v in compiled} == _jsonschema_pointers(schema, data)
    assert compiled == validator.jsonschema_violations(data)
    assert validator.validate(data) == compiled
    assert validator.is_valid(data) == (compiled == [])
    COMPILED_STATS[family] = COMPILED_STATS.get(family, 0) + 1
    if compiled:
        COMPILED_STATS[family + " invalid"] = COMPILED_STATS.get(family + " invalid", 0) + 1


@st.composite
def _bench_case(draw: st.DrawFn) -> Any:
    valid = BENCH.Instances(random.Random(draw(st.integers(0, 2**32)))).valid()
    return draw(_mutant(valid, BENCH_FORM))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(_bench_case())
def test_compiled_errors_equal_jsonschemas_on_the_bench_form(data: Any) -> None:
    _assert_parity(BENCH_FORM, data, "bench")


@st.composite
def _demo_case(draw: st.DrawFn) -> tuple[dict[str, Any], Any]:
    form = draw(st.sampled_from(DEMO_FORMS))
    valid = sample_instance(form, all_fields=draw(st.booleans()))
    return form, draw(_mutant(valid, form))


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(_demo_case())
def test_compiled_errors_equal_jsonschemas_on_every_demo_form(case: Any) -> None:
    form, data = case
    _assert_parity(form, data, "demo")


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(_mutant(form_data(), business_form()))
def test_compiled_errors_equal_jsonschemas_on_the_business_form(data: Any) -> None:
    _assert_parity(business_form(), data, "business")


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(keyword_data(), _mutant(KEYWORD_VALID, KEYWORD_FORM)))
def test_compiled_errors_equal_jsonschemas_on_every_keyword(data: Any) -> None:
    _assert_parity(KEYWORD_FORM, data, "keyword")


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(_mutant(COMPILER_VALID, COMPILER_FORM))
def test_compiled_errors_equal_jsonschemas_on_rarer_keywords(data: Any) -> None:
    _assert_parity(COMPILER_FORM, data, "compiler")


def test_the_parity_forms_are_compiled_and_their_bases_valid() -> None:
    assert len(DEMO_FORMS) >= 10
    for form in [*DEMO_FORMS, BENCH_FORM, COMPILER_FORM, KEYWORD_FORM, business_form()]:
        assert check_form_schema(form, _REGISTRY) == [], form.get("title")
        assert _REGISTRY.validator(form).compiled
    assert _REGISTRY.validator(COMPILER_FORM).validate(COMPILER_VALID) == []
    bench_valid = BENCH.Instances(random.Random(1)).valid()
    assert _REGISTRY.validator(BENCH_FORM).validate(bench_valid) == []


def test_compiled_errors_on_the_bench_mutations_match_jsonschema() -> None:
    """The bench's own invalid instances (three to six errors each)."""
    make = BENCH.Instances(random.Random(BENCH.SEED))
    for _ in range(200):
        _assert_parity(BENCH_FORM, make.invalid(), "bench mutations")


def test_compiled_messages_name_the_field_like_the_jsonschema_path() -> None:
    validator = _REGISTRY.validator(BENCH_FORM)
    data = BENCH.Instances(random.Random(7)).valid()
    data["legalRepresentativeIdCard"] = data["legalRepresentativeIdCard"][:17] + "Y"
    data["premisesAddress"] = {"floor": "3F"}
    data["employeeCount"] = "十"
    data["declaration"] = False
    del data["businessArea"]
    found = {v.pointer: v.message for v in validator.compiled_violations(data)}
    assert found == {v.pointer: v.message for v in validator.jsonschema_violations(data)}
    assert found["/legalRepresentativeIdCard"].startswith(
        "法定代表人身份证号(legalRepresentativeIdCard) 格式不正确："
    )
    assert found["/premisesAddress/detail"] == "详细地址(detail) 为必填项 (detail is required)"
    assert found["/premisesAddress/floor"] == "不允许填写字段 floor (field floor is not allowed)"
    assert found["/employeeCount"] == (
        "从业人员数(employeeCount) 应为整数 (employeeCount must be of type integer)"
    )
    assert (
        found["/declaration"] == "申请人承诺(declaration) 取值应为 True (declaration must be True)"
    )
    assert found["/businessArea"].startswith("经营场所面积（平方米）(businessArea) 为必填项")


def test_data_that_makes_compiled_code_raise_is_validated_by_jsonschema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    validator = FormValidator(business_form(), _REGISTRY)

    def broken(_: Any) -> None:
        raise RuntimeError("compiled code failed")

    monkeypatch.setattr(validator, "_report", broken)
    data = form_data(email="x")
    assert validator.validate(data) == validator.jsonschema_violations(data) != []


@pytest.mark.parametrize(
    "keyword",
    [
        {"patternProperties": {"^x": {"type": "string"}}},
        {"unevaluatedItems": False},
        {"contains": {"type": "string"}},
        {"multipleOf": 2},
        {"dependentSchemas": {"a": {"required": ["b"]}}},
        {"unevaluatedProperties": False},
    ],
    ids=lambda k: next(iter(k)),
)
def test_a_keyword_the_compiler_does_not_cover_means_jsonschema_validates(
    keyword: dict[str, Any],
) -> None:
    form = {"type": "object", "properties": {"a": {"type": "integer", **keyword}}}
    validator = FormValidator(form, _REGISTRY)
    assert not validator.compiled
    with pytest.raises(TypeError):
        validator.compiled_violations({"a": 1})
    assert validator.validate({"a": "x"}) == validator.jsonschema_violations({"a": "x"}) != []


# --------------------------------------------------------------------------- quick formats

ID_BODIES = st.text(alphabet="0123456789", min_size=17, max_size=17)
USCC_TEXT = st.text(alphabet=USCC_CHARSET + "IOSVZax0１", min_size=16, max_size=19)


@settings(max_examples=2000)
@given(ID_BODIES, st.sampled_from("0123456789Xx"), st.text(max_size=2))
def test_the_quick_id_card_test_accepts_only_what_the_checker_accepts(
    body: str, check: str, noise: str
) -> None:
    number = body + check
    assert _quick_id_card(number) == (id_card_problem(number) is None)
    for variant in (number + noise, noise + number, number[:17] + noise):
        if _quick_id_card(variant):
            assert id_card_problem(variant) is None


@settings(max_examples=2000)
@given(
    st.text(alphabet=USCC_CHARSET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_CHARSET, min_size=8, max_size=8),
    USCC_TEXT,
    st.integers(0, 17),
)
def test_the_quick_uscc_test_accepts_only_what_the_checker_accepts(
    head: str, area: str, org: str, noise: str, at: int
) -> None:
    code = make_uscc(head + area, org)
    assert uscc_problem(code) is None and _quick_uscc(code)
    for variant in (noise, code[:at] + noise[:1] + code[at + 1 :], code[:17] + noise[-1:]):
        if _quick_uscc(variant):
            assert uscc_problem(variant) is None


def test_parity_examples_were_mostly_invalid() -> None:
    """Runs after the property tests (file order): most generated instances were invalid."""
    for family in ("bench", "demo", "business", "keyword", "compiler"):
        total = COMPILED_STATS.get(family, 0)
        if total:  # absent when a single test is selected
            assert COMPILED_STATS.get(family + " invalid", 0) >= total // 2, COMPILED_STATS
