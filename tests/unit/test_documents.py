"""Tenant and matter documents: meta-schemas, parsing, canonical writing, round trips.

The document builders at the top are shared with tests/unit/test_tree_validation.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tongban.adapters.files.schemas import load_schema_dir
from tongban.adapters.files.yaml_io import dump_canonical, loads_yaml
from tongban.core.codes import make_uscc
from tongban.core.documents import (
    MATTER_SCHEMA_ID,
    TENANT_SCHEMA_ID,
    CalendarDay,
    DepartmentDoc,
    MatterDoc,
    MetaSchemaMissing,
    MetaSchemas,
    TenantDoc,
    TenantSettings,
    UserDoc,
    matter_to_doc,
    parse_matter_doc,
    parse_tenant_doc,
    tenant_to_doc,
)
from tongban.core.errors import Violation
from tongban.core.matters import (
    INSTANT,
    MATERIAL_SOURCES,
    MATTER_TYPES,
    POWER_SOURCES,
    SERVICE_OBJECTS,
    ApprovalChain,
    Fee,
    Implementation,
    Material,
    MatterSpec,
    Procedure,
    StepKind,
)
from tongban.core.roles import Role
from tongban.core.tenancy import Level, TenantRef

ROOT = Path(__file__).resolve().parents[2]
DRAFT = "https://json-schema.org/draft/2020-12/schema"
MATTER_CODE = "000172111003"


# ------------------------------------------------------------------ shared document builders


def uscc(region: str, n: int) -> str:
    """A valid 统一社会信用代码 for the n-th department registered in ``region``."""
    return make_uscc(f"11{region}", f"MB{n:06d}")


def department(code: str, name: str, region: str, n: int) -> dict[str, Any]:
    return {"code": code, "name": name, "uscc": uscc(region, n)}


def tenant_doc(
    code: str,
    name: str,
    level: str,
    *,
    departments: list[dict[str, Any]] | None = None,
    users: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A canonical tenant document; by default with a 政务服务 and a 市场监管 department."""
    if departments is None:
        departments = [
            department("zwfw", f"{name}政务服务管理局", code[:6], 1),
            department("scjgj", f"{name}市场监督管理局", code[:6], 2),
        ]
    doc: dict[str, Any] = {"code": code, "name": name, "level": level, **extra}
    if departments:
        doc["departments"] = departments
    if users is None:
        users = [
            {"username": f"admin_{code}", "name": f"{name}管理员", "roles": ["admin"]},
            {
                "username": f"clerk_{code}",
                "name": f"{name}窗口",
                "roles": ["clerk"],
                "department": "zwfw",
            },
            {
                "username": f"officer_{code}",
                "name": f"{name}审批",
                "roles": ["clerk", "reviewer", "approver"],
                "department": "scjgj",
            },
        ]
    if users:
        doc["users"] = users
    return doc


def form_doc() -> dict[str, Any]:
    return {
        "$schema": DRAFT,
        "type": "object",
        "properties": {
            "applicant": {"title": "申请人", "type": "string", "minLength": 1},
            "credit_code": {"$ref": "urn:tongban:common#/$defs/uscc"},
        },
        "required": ["applicant", "credit_code"],
    }


def standard_doc(code: str = MATTER_CODE, **overrides: Any) -> dict[str, Any]:
    """A canonical standard (药品零售企业经营许可), decided where it is received (county)."""
    doc: dict[str, Any] = {
        "kind": "standard",
        "code": code,
        "name": "药品零售企业经营许可",
        "matter_type": "01",
        "legal_basis": "《中华人民共和国药品管理法》第五十一条、第五十二条",
        "power_source": "1",
        "service_objects": ["2"],
        "time_limits": {"legal": 20, "promised": 15},
        "procedure": {
            "steps": ["receive", "accept", "review", "decide", "conclude"],
            "max_human_steps": 5,
        },
        "approval_chain": "county",
        "materials": [
            {"code": "M001", "name": "药品经营许可证申请表", "originals": 1, "page_limit": 5},
            {
                "code": "M002",
                "name": "营业执照",
                "copies": 1,
                "source": "government",
                "waivable": True,
            },
        ],
        "form": form_doc(),
    }
    doc.update(overrides)
    return doc


def task(node_id: str, step: str, department: str, role: str, days: int) -> dict[str, Any]:
    return {
        "id": node_id,
        "kind": "task",
        "step": step,
        "department": department,
        "role": role,
        "days": days,
    }


def linear_flow() -> dict[str, Any]:
    """start → 收件 → 受理 → 审查 → 决定 → 办结 → end: 10 working days in all."""
    nodes = [
        {"id": "start", "kind": "start"},
        task("receive", "receive", "zwfw", "clerk", 0),
        task("accept", "accept", "zwfw", "clerk", 1),
        task("review", "review", "scjgj", "reviewer", 5),
        task("decide", "decide", "scjgj", "approver", 3),
        task("conclude", "conclude", "zwfw", "clerk", 1),
        {"id": "end", "kind": "end"},
    ]
    ids = [n["id"] for n in nodes]
    return {
        "nodes": nodes,
        "edges": [{"from": a, "to": b} for a, b in zip(ids, ids[1:], strict=False)],
    }


def implementation_doc(code: str = MATTER_CODE, **overrides: Any) -> dict[str, Any]:
    doc = standard_doc(code)
    doc["kind"] = "implementation"
    doc["department"] = "scjgj"
    doc["guide"] = {
        "address": "政务服务中心 A 区 12 号窗口",
        "hours": "工作日 9:00–17:00",
        "phone": "0451-12345678",
    }
    doc["flow"] = linear_flow()
    doc.update(overrides)
    return doc


# ------------------------------------------------------------------ fixtures and helpers


@pytest.fixture(scope="module")
def schemas() -> MetaSchemas:
    return MetaSchemas(load_schema_dir(ROOT / "form_schemas"))


COUNTY = TenantRef("230102", "道里区", Level.COUNTY, ("100000", "230000", "230100", "230102"))
DEPARTMENTS = {"zwfw": uscc("230102", 1), "scjgj": uscc("230102", 2)}


def parse_matter(doc: Any, schemas: MetaSchemas) -> tuple[MatterDoc | None, list[Violation]]:
    return parse_matter_doc(doc, tenant=COUNTY, departments=DEPARTMENTS, schemas=schemas)


def codes_at(violations: list[Violation]) -> set[tuple[str, str]]:
    return {(v.code, v.pointer) for v in violations}


# ------------------------------------------------------------------ the meta-schemas


@pytest.mark.parametrize("name", ["tenant.schema.json", "matter.schema.json"])
def test_meta_schemas_are_valid_2020_12(name: str) -> None:
    schema = json.loads((ROOT / "form_schemas" / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT


def test_meta_schema_enums_match_the_core() -> None:
    matter = json.loads((ROOT / "form_schemas/matter.schema.json").read_text(encoding="utf-8"))
    tenant = json.loads((ROOT / "form_schemas/tenant.schema.json").read_text(encoding="utf-8"))
    props, defs = matter["properties"], matter["$defs"]
    assert props["matter_type"]["enum"] == list(MATTER_TYPES)
    assert props["power_source"]["enum"] == list(POWER_SOURCES)
    assert props["service_objects"]["items"]["enum"] == list(SERVICE_OBJECTS)
    assert props["procedure"]["properties"]["steps"]["items"]["enum"] == [s.value for s in StepKind]
    assert defs["material"]["properties"]["source"]["enum"] == list(MATERIAL_SOURCES)
    assert list(defs["material"]["properties"]) == [f for f in Material.__dataclass_fields__]
    assert list(defs["fee"]["properties"]) == [f for f in Fee.__dataclass_fields__]
    assert tenant["properties"]["level"]["enum"] == [lv.key for lv in Level]
    assert tenant["$defs"]["user"]["properties"]["roles"]["items"]["enum"] == [
        r.value for r in Role
    ]
    assert list(tenant["properties"]["settings"]["properties"]) == list(
        TenantSettings.__dataclass_fields__
    )


def test_meta_schemas_missing_is_a_clear_error() -> None:
    with pytest.raises(MetaSchemaMissing, match="urn:tongban:meta:flow"):
        MetaSchemas({TENANT_SCHEMA_ID: {}, MATTER_SCHEMA_ID: {}})


# ------------------------------------------------------------------ tenants


def test_tenant_parses_and_writes_back_canonically(schemas: MetaSchemas) -> None:
    doc = tenant_doc(
        "230000",
        "黑龙江省",
        "province",
        settings={"supplement_alert_threshold": 3},
        calendar={
            "holidays": [{"date": "2026-10-08", "name": "地方节日"}],
            "workdays": [{"date": "2026-10-10", "name": "国庆节调休"}],
        },
    )
    # keys in meta-schema order, as the canonical writer produces them
    doc = {
        k: doc[k] for k in ["code", "name", "level", "settings", "calendar", "departments", "users"]
    }
    tenant, violations = parse_tenant_doc(doc, schemas=schemas)
    assert violations == []
    assert tenant is not None
    assert tenant.level is Level.PROVINCE
    assert tenant.settings == TenantSettings(supplement_alert_threshold=3, near_limit_days=1)
    assert tenant.holidays == (CalendarDay(dt.date(2026, 10, 8), "地方节日"),)
    assert tenant.workdays == (CalendarDay(dt.date(2026, 10, 10), "国庆节调休"),)
    assert tenant.departments[0] == DepartmentDoc(
        "zwfw", "黑龙江省政务服务管理局", uscc("230000", 1)
    )
    assert tenant.users[1] == UserDoc("clerk_230000", "黑龙江省窗口", (Role.CLERK,), "zwfw")
    assert tenant.department_usccs() == {"zwfw": uscc("230000", 1), "scjgj": uscc("230000", 2)}
    assert tenant_to_doc(tenant) == doc
    assert list(tenant_to_doc(tenant)) == list(doc)


def test_tenant_defaults_are_left_out(schemas: MetaSchemas) -> None:
    doc = tenant_doc("230000", "黑龙江省", "province", departments=[], users=[])
    doc["settings"] = {"supplement_alert_threshold": 2, "near_limit_days": 1}
    doc["calendar"] = {"holidays": [], "workdays": []}
    doc["users"] = [{"username": "a1", "name": "管理员", "roles": ["admin"], "department": None}]
    tenant, violations = parse_tenant_doc(doc, schemas=schemas)
    assert violations == [] and tenant is not None
    assert tenant_to_doc(tenant) == {
        "code": "230000",
        "name": "黑龙江省",
        "level": "province",
        "users": [{"username": "a1", "name": "管理员", "roles": ["admin"]}],
    }


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(colour="red"), ("SCHEMA_UNKNOWN_KEY", "/colour")),
        (
            lambda d: d["departments"][0].update(phone="1"),
            ("SCHEMA_UNKNOWN_KEY", "/departments/0/phone"),
        ),
        (lambda d: d.pop("name"), ("SCHEMA_MISSING_KEY", "/name")),
        (lambda d: d.update(level="region"), ("SCHEMA_INVALID", "/level")),
        (lambda d: d.update(code=230000), ("SCHEMA_INVALID", "/code")),
        (
            lambda d: d["users"][0].update(roles=["admin", "admin"]),
            ("SCHEMA_INVALID", "/users/0/roles"),
        ),
        (lambda d: d["users"][0].update(roles=["boss"]), ("SCHEMA_INVALID", "/users/0/roles/0")),
        (
            lambda d: d.update(settings={"near_limit_days": -1}),
            ("SCHEMA_INVALID", "/settings/near_limit_days"),
        ),
    ],
)
def test_tenant_meta_schema_problems(
    schemas: MetaSchemas, mutate: Any, expected: tuple[str, str]
) -> None:
    doc = tenant_doc("230000", "黑龙江省", "province")
    mutate(doc)
    tenant, violations = parse_tenant_doc(doc, schemas=schemas)
    assert tenant is None
    assert expected in codes_at(violations)


def test_unknown_key_names_what_is_allowed(schemas: MetaSchemas) -> None:
    doc = tenant_doc("230000", "黑龙江省", "province")
    doc["departmets"] = []
    _, violations = parse_tenant_doc(doc, schemas=schemas)
    assert len(violations) == 1
    assert "unknown key 'departmets'" in violations[0].message
    assert "departments" in violations[0].message


def test_unquoted_code_gets_a_hint(schemas: MetaSchemas) -> None:
    doc = tenant_doc("230000", "黑龙江省", "province")
    doc["code"] = 230000
    _, violations = parse_tenant_doc(doc, schemas=schemas)
    assert [v.pointer for v in violations] == ["/code"]
    assert "quoted" in violations[0].message


def test_not_a_mapping(schemas: MetaSchemas) -> None:
    for doc in (None, [], "text"):
        tenant, violations = parse_tenant_doc(doc, schemas=schemas)
        assert tenant is None
        assert [(v.code, v.pointer) for v in violations] == [("SCHEMA_INVALID", "")]


def test_bad_credit_code(schemas: MetaSchemas) -> None:
    doc = tenant_doc("230000", "黑龙江省", "province")
    good = doc["departments"][1]["uscc"]
    doc["departments"][1]["uscc"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    _, violations = parse_tenant_doc(doc, schemas=schemas)
    assert codes_at(violations) == {("DEPARTMENT_INVALID_USCC", "/departments/1/uscc")}
    assert "校验位" in violations[0].message


def test_duplicates_within_a_tenant(schemas: MetaSchemas) -> None:
    doc = tenant_doc("230000", "黑龙江省", "province")
    doc["departments"].append(dict(doc["departments"][0]))
    doc["users"].append(dict(doc["users"][0]))
    tenant, violations = parse_tenant_doc(doc, schemas=schemas)
    assert tenant is not None  # parsed, but not acceptable
    assert codes_at(violations) == {
        ("DEPARTMENT_DUPLICATE_CODE", "/departments/2/code"),
        ("DEPARTMENT_DUPLICATE_USCC", "/departments/2/uscc"),
        ("USER_DUPLICATE_USERNAME", "/users/3/username"),
    }
    assert all("first at /" in v.message for v in violations)


def test_user_departments(schemas: MetaSchemas) -> None:
    doc = tenant_doc("230000", "黑龙江省", "province")
    doc["users"] = [
        {"username": "r1", "name": "审查", "roles": ["reviewer"]},
        {"username": "s1", "name": "监察", "roles": ["supervisor"]},
        {"username": "c1", "name": "窗口", "roles": ["clerk"], "department": "nosuch"},
    ]
    _, violations = parse_tenant_doc(doc, schemas=schemas)
    assert codes_at(violations) == {
        ("USER_DEPARTMENT_REQUIRED", "/users/0/department"),
        ("USER_UNKNOWN_DEPARTMENT", "/users/2/department"),
    }


def test_calendar_dates(schemas: MetaSchemas) -> None:
    doc = tenant_doc("230000", "黑龙江省", "province")
    doc["calendar"] = {
        "holidays": [
            {"date": "2026-02-30", "name": "无此日"},
            {"date": "2026-10-08", "name": "节"},
        ],
        "workdays": [{"date": "2026-10-08", "name": "又是它"}, {"date": "10/10/2026", "name": "x"}],
    }
    tenant, violations = parse_tenant_doc(doc, schemas=schemas)
    assert tenant is None
    assert codes_at(violations) == {("SCHEMA_INVALID", "/calendar/workdays/1/date")}
    doc["calendar"]["workdays"].pop()
    tenant, violations = parse_tenant_doc(doc, schemas=schemas)
    assert tenant is None
    assert codes_at(violations) == {
        ("CALENDAR_INVALID_DATE", "/calendar/holidays/0/date"),
        ("CALENDAR_DUPLICATE_DATE", "/calendar/workdays/0/date"),
    }


# ------------------------------------------------------------------ matters


def test_standard_parses_and_writes_back(schemas: MetaSchemas) -> None:
    doc = standard_doc()
    matter, violations = parse_matter(doc, schemas)
    assert violations == []
    assert matter is not None and matter.kind == "standard" and matter.implementation is None
    spec = matter.spec
    assert spec.code == MATTER_CODE and spec.legal_days == 20 and spec.promised_days == 15
    assert spec.approval_chain == ApprovalChain(Level.COUNTY, Level.COUNTY)
    assert spec.procedure == Procedure(tuple(StepKind), 5)
    assert spec.materials[0] == Material("M001", "药品经营许可证申请表", originals=1, page_limit=5)
    assert spec.materials[1].source == "government" and spec.materials[1].waivable
    assert spec.form == form_doc()
    assert matter.raw == doc and matter.raw is not doc
    assert matter_to_doc(matter) == doc
    assert list(matter_to_doc(matter)) == list(doc)


def test_implementation_parses_and_writes_back(schemas: MetaSchemas) -> None:
    doc = implementation_doc(
        fees=[{"code": "F001", "name": "工本费", "amount_fen": 1000, "basis": "收费文件"}]
    )
    doc = {k: doc[k] for k in [*standard_doc(), "fees", "department", "guide", "flow"] if k in doc}
    doc = {k: doc[k] for k in _MATTER_KEY_ORDER if k in doc}
    matter, violations = parse_matter(doc, schemas)
    assert violations == []
    assert matter is not None and matter.department == "scjgj"
    impl = matter.implementation
    assert impl is not None
    assert impl.department_uscc == DEPARTMENTS["scjgj"]
    assert impl.level is Level.COUNTY and impl.tenant_code == "230102"
    assert impl.implementation_code == DEPARTMENTS["scjgj"] + "4" + MATTER_CODE
    assert impl.address.startswith("政务服务中心") and impl.complaint_phone == ""
    assert impl.flow == linear_flow()
    assert matter.spec.fees == (Fee("F001", "工本费", 1000, "收费文件"),)
    assert matter_to_doc(matter) == doc
    assert list(matter_to_doc(matter)) == list(doc)
    assert matter_to_doc(MatterDoc.of_implementation(impl, "scjgj")) == doc


_MATTER_KEY_ORDER = [
    "kind", "code", "name", "matter_type", "legal_basis", "power_source", "service_objects",
    "conditions", "notify_and_commit", "time_limits", "procedure", "approval_chain",
    "escalation", "materials", "fees", "form", "department", "guide", "flow",
]  # fmt: skip


def test_canonical_key_order_is_the_meta_schema_order() -> None:
    schema = json.loads((ROOT / "form_schemas/matter.schema.json").read_text(encoding="utf-8"))
    assert list(schema["properties"]) == _MATTER_KEY_ORDER


def test_defaults_are_left_out(schemas: MetaSchemas) -> None:
    doc = standard_doc(conditions="申请人具备条件", notify_and_commit=False, fees=[])
    doc["materials"][0].update(required=True, copies=0, source="applicant", waived=False)
    matter, violations = parse_matter(doc, schemas)
    assert violations == [] and matter is not None
    written = matter_to_doc(matter)
    assert "notify_and_commit" not in written and "fees" not in written
    assert written["conditions"] == "申请人具备条件"
    assert written["materials"][0] == {
        "code": "M001",
        "name": "药品经营许可证申请表",
        "originals": 1,
        "page_limit": 5,
    }


def test_instant_round_trips(schemas: MetaSchemas) -> None:
    doc = standard_doc(time_limits={"legal": "instant", "promised": "instant"})
    matter, violations = parse_matter(doc, schemas)
    assert violations == [] and matter is not None
    assert matter.spec.legal_days == INSTANT == matter.spec.promised_days and matter.spec.instant
    assert matter_to_doc(matter)["time_limits"] == {"legal": "instant", "promised": "instant"}
    doc = standard_doc(time_limits={"legal": 20, "promised": "instant"})
    matter, violations = parse_matter(doc, schemas)
    assert violations == [] and matter is not None and matter.spec.instant


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        ({"legal": 0, "promised": 0}, ("SCHEMA_INVALID", "/time_limits/legal")),
        ({"legal": "soon", "promised": 1}, ("SCHEMA_INVALID", "/time_limits/legal")),
        ({"legal": 1.5, "promised": 1}, ("SCHEMA_INVALID", "/time_limits/legal")),
        ({"legal": True, "promised": 1}, ("SCHEMA_INVALID", "/time_limits/legal")),
        ({"legal": 20}, ("SCHEMA_MISSING_KEY", "/time_limits/promised")),
    ],
)
def test_time_limit_problems(
    schemas: MetaSchemas, limits: dict[str, Any], expected: tuple[str, str]
) -> None:
    _, violations = parse_matter(standard_doc(time_limits=limits), schemas)
    assert expected in codes_at(violations)


def test_promised_beyond_legal_is_left_to_conformance(schemas: MetaSchemas) -> None:
    # promised ≤ legal is checked with the parent (or alone at the top) by matter_checks
    for limits in ({"legal": 10, "promised": 15}, {"legal": "instant", "promised": 3}):
        matter, violations = parse_matter(standard_doc(time_limits=limits), schemas)
        assert violations == [] and matter is not None


@pytest.mark.parametrize(
    ("chain", "expected"),
    [
        ("county-initial/city-final", None),
        ("city-initial/county-final", "MATTER_APPROVAL_CHAIN"),
        ("county-initial/county-final", "MATTER_APPROVAL_CHAIN"),
        ("county/city", "SCHEMA_INVALID"),
        ("region", "SCHEMA_INVALID"),
    ],
)
def test_approval_chains(schemas: MetaSchemas, chain: str, expected: str | None) -> None:
    matter, violations = parse_matter(standard_doc(approval_chain=chain), schemas)
    if expected is None:
        assert violations == [] and matter is not None
        assert matter.spec.approval_chain == ApprovalChain(Level.COUNTY, Level.CITY)
        assert matter_to_doc(matter)["approval_chain"] == chain
    else:
        assert matter is None
        assert codes_at(violations) == {(expected, "/approval_chain")}


def test_implementation_keys_in_a_standard_are_forbidden(schemas: MetaSchemas) -> None:
    doc = standard_doc(department="scjgj", flow=linear_flow())
    matter, violations = parse_matter(doc, schemas)
    assert matter is None
    assert codes_at(violations) == {
        ("SCHEMA_FORBIDDEN_KEY", "/department"),
        ("SCHEMA_FORBIDDEN_KEY", "/flow"),
    }
    assert "implementation" in violations[0].message


def test_implementation_needs_its_keys(schemas: MetaSchemas) -> None:
    doc = implementation_doc()
    del doc["guide"], doc["flow"]
    _, violations = parse_matter(doc, schemas)
    assert codes_at(violations) == {
        ("SCHEMA_MISSING_KEY", "/guide"),
        ("SCHEMA_MISSING_KEY", "/flow"),
    }


def test_unknown_department(schemas: MetaSchemas) -> None:
    matter, violations = parse_matter(implementation_doc(department="wjw"), schemas)
    assert matter is None
    assert codes_at(violations) == {("MATTER_UNKNOWN_DEPARTMENT", "/department")}


def test_flow_shape_is_checked_through_its_meta_schema(schemas: MetaSchemas) -> None:
    doc = implementation_doc()
    doc["flow"]["nodes"][1]["colour"] = "red"
    doc["flow"]["edges"][0]["label"] = "x"
    _, violations = parse_matter(doc, schemas)
    doc["flow"]["nodes"][0]["step"] = "receive"  # a task key on the start node
    _, violations = parse_matter(doc, schemas)
    assert sorted(codes_at(violations)) == [
        ("SCHEMA_UNKNOWN_KEY", "/flow/edges/0/label"),
        ("SCHEMA_UNKNOWN_KEY", "/flow/nodes/0/step"),
        ("SCHEMA_UNKNOWN_KEY", "/flow/nodes/1/colour"),
    ]
    assert len(violations) == 3
    colour = next(v for v in violations if v.pointer == "/flow/nodes/1/colour")
    assert colour.message == (
        "未知的键 'colour' "
        "(unknown key 'colour'; allowed here: id, kind, name, days, step, department, role)"
    )


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(code="00017211100a"), ("SCHEMA_INVALID", "/code")),
        (lambda d: d.update(matter_type=1), ("SCHEMA_INVALID", "/matter_type")),
        (lambda d: d.update(service_objects=[]), ("SCHEMA_INVALID", "/service_objects")),
        (
            lambda d: d["materials"][0].update(source="friend"),
            ("SCHEMA_INVALID", "/materials/0/source"),
        ),
        (
            lambda d: d["materials"][1].update(colour="red"),
            ("SCHEMA_UNKNOWN_KEY", "/materials/1/colour"),
        ),
        (lambda d: d.update(conditions=""), ("SCHEMA_INVALID", "/conditions")),
        (lambda d: d.update(form=[]), ("SCHEMA_INVALID", "/form")),
        (lambda d: d.update(kind="refinement"), ("SCHEMA_INVALID", "/kind")),
    ],
)
def test_matter_meta_schema_problems(
    schemas: MetaSchemas, mutate: Any, expected: tuple[str, str]
) -> None:
    doc = standard_doc()
    mutate(doc)
    matter, violations = parse_matter(doc, schemas)
    assert matter is None
    assert expected in codes_at(violations)


def test_duplicate_material_and_fee_codes(schemas: MetaSchemas) -> None:
    doc = standard_doc(
        fees=[
            {"code": "F1", "name": "甲", "amount_fen": 1},
            {"code": "F1", "name": "乙", "amount_fen": 2},
        ]
    )
    doc["materials"].append({"code": "M001", "name": "重复"})
    _, violations = parse_matter(doc, schemas)
    assert codes_at(violations) == {
        ("MATERIAL_DUPLICATE", "/materials/2/code"),
        ("FEE_DUPLICATE", "/fees/1/code"),
    }


def test_a_broken_tenant_still_gets_its_matters_checked(schemas: MetaSchemas) -> None:
    matter, violations = parse_matter_doc(
        implementation_doc(department="any"), tenant=None, departments={}, schemas=schemas
    )
    assert matter is None and violations == []
    _, violations = parse_matter_doc(
        implementation_doc(name=""), tenant=None, departments={}, schemas=schemas
    )
    assert codes_at(violations) == {("SCHEMA_INVALID", "/name")}


def test_matter_to_doc_needs_an_implementation() -> None:
    spec = _spec()
    with pytest.raises(ValueError, match="needs an Implementation"):
        matter_to_doc(MatterDoc("implementation", spec))


# ------------------------------------------------------------------ generated round trips


def _spec(**overrides: Any) -> MatterSpec:
    values: dict[str, Any] = {
        "code": MATTER_CODE,
        "name": "事项",
        "matter_type": "01",
        "legal_basis": "依据",
        "power_source": "1",
        "service_objects": ("1",),
        "materials": (),
        "legal_days": 5,
        "promised_days": 3,
        "procedure": Procedure((StepKind.ACCEPT,), 1),
        "approval_chain": ApprovalChain(Level.COUNTY, Level.COUNTY),
    }
    values.update(overrides)
    return MatterSpec(**values)


_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from("药品经营许可证申请表\n "),
    min_size=1,
    max_size=40,
)
_code = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True)
_days = st.integers(0, 60)


@st.composite
def _materials(draw: st.DrawFn) -> tuple[Material, ...]:
    codes = draw(st.lists(_code, unique=True, max_size=4))
    out = []
    for code in codes:
        waivable = draw(st.booleans())
        out.append(
            Material(
                code=code,
                name=draw(_text),
                required=draw(st.booleans()),
                originals=draw(st.integers(0, 3)),
                copies=draw(st.integers(0, 3)),
                page_limit=draw(st.none() | st.integers(1, 99)),
                source=draw(st.sampled_from(list(MATERIAL_SOURCES))),
                waivable=waivable,
                waived=waivable and draw(st.booleans()),
            )
        )
    return tuple(out)


@st.composite
def _specs(draw: st.DrawFn) -> MatterSpec:
    legal = draw(_days)
    initial = draw(st.sampled_from(list(Level)))
    final = draw(st.sampled_from([lv for lv in Level if lv <= initial]))
    fee_codes = draw(st.lists(_code, unique=True, max_size=3))
    return MatterSpec(
        code=draw(st.from_regex(r"[0-9A-Z]{12}", fullmatch=True)),
        name=draw(_text),
        matter_type=draw(st.sampled_from(list(MATTER_TYPES))),
        legal_basis=draw(_text),
        power_source=draw(st.sampled_from(list(POWER_SOURCES))),
        service_objects=tuple(
            draw(st.lists(st.sampled_from(list(SERVICE_OBJECTS)), min_size=1, unique=True))
        ),
        materials=draw(_materials()),
        legal_days=legal,
        promised_days=draw(st.integers(0, legal)),
        procedure=Procedure(
            tuple(draw(st.lists(st.sampled_from(list(StepKind)), min_size=1, max_size=6))),
            draw(st.integers(1, 9)),
        ),
        approval_chain=ApprovalChain(initial, final),
        fees=tuple(
            Fee(c, draw(_text), draw(st.integers(0, 10**7)), draw(st.just("") | _text))
            for c in fee_codes
        ),
        form=draw(st.sampled_from([{}, form_doc()])),
        conditions=draw(st.just("") | _text),
        notify_and_commit=draw(st.booleans()),
    )


@st.composite
def _matter_docs(draw: st.DrawFn) -> MatterDoc:
    spec = draw(_specs())
    if not draw(st.booleans()):
        return MatterDoc.standard(spec)
    department = draw(st.sampled_from(sorted(DEPARTMENTS)))
    guide = {
        k: draw(st.just("") | _text)
        for k in ("address", "hours", "phone", "complaint_phone", "online_url")
    }
    impl = Implementation(
        spec, COUNTY.code, COUNTY.level, DEPARTMENTS[department], linear_flow(), **guide
    )
    return MatterDoc.of_implementation(impl, department)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(matter=_matter_docs())
def test_generated_matters_round_trip(schemas: MetaSchemas, matter: MatterDoc) -> None:
    doc = matter_to_doc(matter)
    parsed, violations = parse_matter(copy.deepcopy(doc), schemas)
    assert violations == []
    assert parsed == matter
    assert matter_to_doc(parsed) == doc
    text = dump_canonical(doc)
    loaded, problems = loads_yaml(text)
    assert problems == [] and loaded == doc
    assert dump_canonical(matter_to_doc(parse_matter(loaded, schemas)[0])) == text  # type: ignore[arg-type]


_names = st.from_regex(r"[a-z0-9_]{2,12}", fullmatch=True)


@st.composite
def _tenants(draw: st.DrawFn) -> TenantDoc:
    dept_codes = draw(st.lists(_names, unique=True, max_size=3))
    departments = tuple(
        DepartmentDoc(c, draw(_text), uscc("230000", i)) for i, c in enumerate(dept_codes)
    )
    usernames = draw(st.lists(_names, unique=True, max_size=4))
    users = []
    for name in usernames:
        dept = draw(st.none() | st.sampled_from(dept_codes)) if dept_codes else None
        allowed = list(Role) if dept else [Role.ADMIN, Role.SUPERVISOR]
        roles = tuple(draw(st.lists(st.sampled_from(allowed), min_size=1, unique=True)))
        users.append(UserDoc(name, draw(_text), roles, dept))
    dates = draw(
        st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), unique=True, max_size=4)
    )
    split = draw(st.integers(0, len(dates)))
    return TenantDoc(
        code="230000",
        name=draw(_text),
        level=Level.PROVINCE,
        settings=TenantSettings(draw(st.integers(0, 5)), draw(st.integers(0, 5))),
        holidays=tuple(CalendarDay(d, draw(_text)) for d in dates[:split]),
        workdays=tuple(CalendarDay(d, draw(_text)) for d in dates[split:]),
        departments=departments,
        users=tuple(users),
    )


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tenant=_tenants())
def test_generated_tenants_round_trip(schemas: MetaSchemas, tenant: TenantDoc) -> None:
    doc = tenant_to_doc(tenant)
    parsed, violations = parse_tenant_doc(copy.deepcopy(doc), schemas=schemas)
    assert violations == []
    assert parsed == tenant
    assert tenant_to_doc(parsed) == doc
    loaded, problems = loads_yaml(dump_canonical(doc))
    assert problems == [] and loaded == doc
