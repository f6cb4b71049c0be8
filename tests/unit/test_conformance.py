"""The conformance checker: every rule of DESIGN.md §4, both ways, with code and pointer."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tongban.core.conformance import (
    Code,
    FlowContext,
    check_implementation,
    check_refinement,
    check_standard,
)
from tongban.core.errors import Violation
from tongban.core.matters import (
    INSTANT,
    ApprovalChain,
    EscalationMode,
    Fee,
    Implementation,
    Material,
    MatterSpec,
    Procedure,
    StepKind,
)
from tongban.core.tenancy import Level

from .matter_factory import (
    COMMON,
    DEPARTMENTS,
    KNOWN_MATTERS,
    MATERIALS,
    deep_copy_spec,
    escalating_flow,
    escalating_standard,
    implementation,
    refine,
    replace_material,
    small_flow,
    standard,
)

REPO = Path(__file__).resolve().parents[2]
CONTEXT = FlowContext(departments=DEPARTMENTS, known_matters=KNOWN_MATTERS)


def found(violations: list[Violation]) -> set[tuple[str, str]]:
    return {(v.code, v.pointer) for v in violations}


def with_form(spec: MatterSpec, change: Callable[[dict[str, Any]], None]) -> MatterSpec:
    form = copy.deepcopy(spec.form)
    change(form)
    return refine(spec, form=form)


# --------------------------------------------------------------------------- conforming


def test_a_restated_standard_conforms() -> None:
    parent = standard()
    assert check_refinement(parent, parent) == []
    assert check_refinement(parent, standard()) == []
    assert check_refinement(parent, deep_copy_spec(parent)) == []


def test_every_kind_of_tightening_conforms() -> None:
    parent = standard(service_objects=("1", "2"))
    materials = list(parent.materials)
    materials[0] = dataclasses.replace(materials[0], originals=0, page_limit=2)  # fewer, shorter
    materials[1] = dataclasses.replace(materials[1], waived=True)  # 免提交: waivable in the parent
    materials[3] = dataclasses.replace(materials[3], copies=0, waivable=False)
    materials[4] = dataclasses.replace(materials[4], page_limit=1)
    materials[6] = dataclasses.replace(materials[6], page_limit=10)  # a limit where none was
    materials.reverse()  # order is free: materials match by code

    def add_optional_field(form: dict[str, Any]) -> None:
        form["properties"]["localNote"] = {"type": "string", "title": "本地备注"}

    child = refine(
        with_form(parent, add_optional_field),
        service_objects=("2",),
        materials=tuple(materials),
        promised_days=5,
        procedure=Procedure(parent.procedure.steps, 5),
        fees=(Fee("F001", "许可证工本费", 0),),
        conditions="本地补充说明。",
    )
    assert check_refinement(parent, child) == []
    assert check_refinement(parent, refine(parent, fees=())) == []  # a fee may be dropped
    assert check_refinement(parent, refine(parent, promised_days=INSTANT)) == []


def test_a_conforming_implementation_passes() -> None:
    spec = standard()
    assert check_implementation(spec, implementation(spec), flow_context=CONTEXT) == []
    tighter = refine(spec, promised_days=7, procedure=Procedure(spec.procedure.steps, 5))
    assert check_implementation(spec, implementation(tighter), flow_context=CONTEXT) == []


# --------------------------------------------------------------------------- identity

IDENTITY_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("name", {"name": "药品零售许可"}, Code.NAME_CHANGED, "/name"),
    ("code", {"code": "000172111004"}, Code.CODE_CHANGED, "/code"),
    ("matter type", {"matter_type": "07"}, Code.MATTER_TYPE_CHANGED, "/matter_type"),
    ("legal basis", {"legal_basis": "《药品管理法》"}, Code.LEGAL_BASIS_CHANGED, "/legal_basis"),
    ("power source", {"power_source": "2"}, Code.POWER_SOURCE_CHANGED, "/power_source"),
    (
        "service object",
        {"service_objects": ("2", "1")},
        Code.SERVICE_OBJECTS_ADDED,
        "/service_objects/1",
    ),
    (
        "notify on",
        {"notify_and_commit": True},
        Code.NOTIFY_AND_COMMIT_CHANGED,
        "/notify_and_commit",
    ),
    ("legal limit", {"legal_days": 30}, Code.LEGAL_LIMIT_CHANGED, "/time_limits/legal"),
    ("promised", {"promised_days": 16}, Code.PROMISED_EXCEEDS_PARENT, "/time_limits/promised"),
    (
        "steps",
        {"procedure": Procedure((StepKind.RECEIVE, StepKind.DECIDE), 5)},
        Code.PROCEDURE_CHANGED,
        "/procedure/steps",
    ),
    (
        "max steps",
        {"procedure": Procedure(standard().procedure.steps, 6)},
        Code.PROCEDURE_CHANGED,
        "/procedure/max_human_steps",
    ),
    (
        "chain",
        {"approval_chain": ApprovalChain(Level.CITY, Level.CITY)},
        Code.APPROVAL_CHAIN_CHANGED,
        "/approval_chain",
    ),
    (
        "fee added",
        {"fees": (*standard().fees, Fee("F002", "加急费", 500))},
        Code.FEE_ADDED,
        "/fees/1",
    ),
    (
        "fee raised",
        {"fees": (Fee("F001", "许可证工本费", 1001),)},
        Code.FEE_RAISED,
        "/fees/0/amount_fen",
    ),
    (
        "fee twice",
        {"fees": (Fee("F001", "工本费", 10), Fee("F001", "工本费", 10))},
        Code.FEE_DUPLICATE,
        "/fees/1/code",
    ),
]


@pytest.mark.parametrize(
    ("change", "code", "pointer"),
    [case[1:] for case in IDENTITY_CASES],
    ids=[case[0] for case in IDENTITY_CASES],
)
def test_each_loosening_of_the_matter_is_caught(
    change: dict[str, Any], code: str, pointer: str
) -> None:
    parent = standard()
    assert found(check_refinement(parent, refine(parent, **change))) == {(code, pointer)}


def test_notify_and_commit_may_not_be_turned_off_either() -> None:
    parent = standard(notify_and_commit=True)
    child = refine(parent, notify_and_commit=False)
    assert found(check_refinement(parent, child)) == {
        (Code.NOTIFY_AND_COMMIT_CHANGED, "/notify_and_commit")
    }


# --------------------------------------------------------------------------- time limits


def test_an_instant_matter_stays_instant() -> None:
    parent = standard(legal_days=INSTANT, promised_days=INSTANT)
    child = refine(parent, promised_days=1)
    assert found(check_refinement(parent, child)) == {
        (Code.INSTANT_LOST, "/time_limits/promised"),
        (Code.PROMISED_EXCEEDS_LEGAL, "/time_limits/promised"),
    }
    instant_promise = standard(legal_days=20, promised_days=INSTANT)
    assert found(check_refinement(instant_promise, refine(instant_promise, promised_days=3))) == {
        (Code.INSTANT_LOST, "/time_limits/promised")
    }


def test_promised_never_exceeds_legal() -> None:
    parent = standard()
    child = refine(parent, legal_days=10)  # promised 15 now exceeds its own legal limit
    assert found(check_refinement(parent, child)) == {
        (Code.LEGAL_LIMIT_CHANGED, "/time_limits/legal"),
        (Code.PROMISED_EXCEEDS_LEGAL, "/time_limits/promised"),
    }
    inconsistent = standard(legal_days=10, promised_days=15)
    assert found(check_standard(inconsistent)) == {
        (Code.PROMISED_EXCEEDS_LEGAL, "/time_limits/promised")
    }
    assert check_standard(standard()) == []


# --------------------------------------------------------------------------- materials


def test_an_added_material_is_named_and_pointed_at() -> None:
    parent = standard()
    extra = Material("M009", "营业执照复印件", copies=1)
    [violation] = check_refinement(parent, refine(parent, materials=(*parent.materials, extra)))
    assert (violation.code, violation.pointer) == (Code.MATERIAL_ADDED, "/materials/8")
    assert "营业执照复印件" in violation.message
    assert "not in the parent standard" in violation.message


def test_a_material_may_not_be_dropped_even_if_optional() -> None:
    parent = standard()
    child = refine(parent, materials=tuple(m for m in parent.materials if m.code != "M007"))
    [violation] = check_refinement(parent, child)
    assert (violation.code, violation.pointer) == (Code.MATERIAL_MISSING, "/materials")
    assert "房屋产权证明或租赁合同" in violation.message


MATERIAL_CASES: list[tuple[str, str, dict[str, Any], str, str]] = [
    ("renamed", "M001", {"name": "申请表"}, Code.MATERIAL_RENAMED, "/materials/0/name"),
    (
        "made required",
        "M007",
        {"required": True},
        Code.MATERIAL_MADE_REQUIRED,
        "/materials/6/required",
    ),
    (
        "made optional",
        "M001",
        {"required": False},
        Code.MATERIAL_MADE_OPTIONAL,
        "/materials/0/required",
    ),
    (
        "more originals",
        "M001",
        {"originals": 2},
        Code.MATERIAL_COUNT_INCREASED,
        "/materials/0/originals",
    ),
    ("more copies", "M002", {"copies": 3}, Code.MATERIAL_COUNT_INCREASED, "/materials/1/copies"),
    ("more pages", "M001", {"page_limit": 6}, Code.PAGE_LIMIT_RAISED, "/materials/0/page_limit"),
    (
        "no page limit",
        "M005",
        {"page_limit": None},
        Code.PAGE_LIMIT_RAISED,
        "/materials/4/page_limit",
    ),
    (
        "source",
        "M002",
        {"source": "applicant"},
        Code.MATERIAL_SOURCE_CHANGED,
        "/materials/1/source",
    ),
    (
        "made waivable",
        "M001",
        {"waivable": True},
        Code.MATERIAL_MADE_WAIVABLE,
        "/materials/0/waivable",
    ),
    (
        "waived unwaivable",
        "M005",
        {"waived": True},
        Code.MATERIAL_WAIVED_NOT_WAIVABLE,
        "/materials/4/waived",
    ),
]


@pytest.mark.parametrize(
    ("code_", "change", "code", "pointer"),
    [case[1:] for case in MATERIAL_CASES],
    ids=[case[0] for case in MATERIAL_CASES],
)
def test_each_loosening_of_a_material_is_caught(
    code_: str, change: dict[str, Any], code: str, pointer: str
) -> None:
    parent = standard()
    child = refine(parent, materials=replace_material(parent, code_, **change))
    assert found(check_refinement(parent, child)) == {(code, pointer)}


def test_a_material_waived_above_may_not_be_demanded_again() -> None:
    parent = standard(materials=replace_material(standard(), "M002", waived=True))
    child = refine(parent, materials=replace_material(parent, "M002", waived=False))
    assert found(check_refinement(parent, child)) == {
        (Code.MATERIAL_UNWAIVED, "/materials/1/waived")
    }


def test_a_material_listed_twice_is_reported_once() -> None:
    parent = standard()
    child = refine(parent, materials=(*parent.materials, MATERIALS[0]))
    assert found(check_refinement(parent, child)) == {
        (Code.MATERIAL_DUPLICATE, "/materials/8/code")
    }


# --------------------------------------------------------------------------- forms


def test_a_parent_field_may_not_be_dropped() -> None:
    parent = standard()
    child = with_form(parent, lambda f: f["properties"].pop("remarks"))
    assert found(check_refinement(parent, child)) == {
        (Code.FORM_FIELD_MISSING, "/form/properties/remarks")
    }


def test_a_parent_field_keeps_its_schema() -> None:
    parent = standard()

    def loosen(form: dict[str, Any]) -> None:
        form["properties"]["remarks"]["maxLength"] = 5000
        form["properties"]["uscc"] = {"$ref": COMMON + "companyName"}

    assert found(check_refinement(parent, with_form(parent, loosen))) == {
        (Code.FORM_FIELD_CHANGED, "/form/properties/remarks"),
        (Code.FORM_FIELD_CHANGED, "/form/properties/uscc"),
    }


def test_a_changed_field_says_what_changed() -> None:
    parent = standard()

    def loosen(form: dict[str, Any]) -> None:
        form["properties"]["remarks"]["maxLength"] = 5000
        form["properties"]["remarks"]["pattern"] = "^x"
        form["properties"]["remarks"].pop("title")
        form["properties"]["uscc"] = {"$ref": COMMON + "companyName", "title": "统一社会信用代码"}

    messages = {v.pointer: v.message for v in check_refinement(parent, with_form(parent, loosen))}
    assert messages["/form/properties/remarks"] == (
        "表单字段 备注(remarks) 须与上级标准相同：删除了 title；maxLength 由 500 改为 5000；"
        '新增 pattern = "^x" (field remarks must keep the parent standard\'s schema: title '
        'removed; maxLength changed from 500 to 5000; pattern added ("^x"))'
    )
    assert messages["/form/properties/uscc"] == (
        "表单字段 统一社会信用代码(uscc) 须与上级标准相同：$ref 由 "
        '"urn:tongban:common#/$defs/uscc" 改为 "urn:tongban:common#/$defs/companyName" '
        "(field uscc must keep the parent standard's schema: $ref changed from "
        '"urn:tongban:common#/$defs/uscc" to "urn:tongban:common#/$defs/companyName")'
    )


def test_a_removed_page_limit_is_named_as_removed() -> None:
    parent = standard()
    child = dataclasses.replace(parent, materials=replace_material(parent, "M005", page_limit=None))
    [violation] = check_refinement(parent, child)
    assert violation.code == Code.PAGE_LIMIT_RAISED
    assert violation.message == (
        "材料 经营场所平面布局图（M005） 须保留页数上限（不超过 3） "
        "(page_limit of 经营场所平面布局图 must stay, at most 3; it was removed)"
    )
    assert "None" not in violation.message


def test_required_fields_stay_required() -> None:
    parent = standard()
    child = with_form(parent, lambda f: f["required"].remove("uscc"))
    [violation] = check_refinement(parent, child)
    assert (violation.code, violation.pointer) == (Code.FORM_REQUIRED_DROPPED, "/form/required")
    assert "uscc" in violation.message


def test_nothing_newly_required_neither_old_nor_new_fields() -> None:
    parent = standard()

    def burden(form: dict[str, Any]) -> None:
        form["properties"]["localNote"] = {"type": "string"}
        form["required"] += ["remarks", "localNote"]

    assert found(check_refinement(parent, with_form(parent, burden))) == {
        (Code.FORM_REQUIRED_ADDED, "/form/required/11"),
        (Code.FORM_REQUIRED_ADDED, "/form/required/12"),
    }


def test_other_form_constraints_and_definitions_stay_as_they_are() -> None:
    parent = standard(
        form={
            "type": "object",
            "$defs": {"code": {"type": "string", "pattern": "^[A-Z]{4}$"}},
            "properties": {"a": {"$ref": "#/$defs/code"}, "b": {"type": "string"}},
        }
    )

    def sneak(form: dict[str, Any]) -> None:
        form["$defs"]["code"]["pattern"] = "^.*$"  # loosens field a without touching it
        form["dependentRequired"] = {"a": ["b"]}  # a new burden, outside `required`
        form["title"] = "本地标题"  # free

    assert found(check_refinement(parent, with_form(parent, sneak))) == {
        (Code.FORM_CONSTRAINT_CHANGED, "/form/$defs/code"),
        (Code.FORM_CONSTRAINT_CHANGED, "/form/dependentRequired"),
    }


def test_nested_objects_are_compared_field_by_field() -> None:
    nested = {
        "type": "object",
        "title": "经营场所",
        "properties": {"detail": {"type": "string"}, "area": {"type": "number"}},
        "required": ["detail"],
    }
    parent = standard(
        form={"type": "object", "properties": {"place": nested, "a/b": {"type": "string"}}}
    )

    def tighten(form: dict[str, Any]) -> None:
        form["properties"]["place"]["properties"]["floor"] = {"type": "integer"}

    assert check_refinement(parent, with_form(parent, tighten)) == []

    def loosen(form: dict[str, Any]) -> None:
        place = form["properties"]["place"]
        del place["properties"]["area"]
        place["required"] = ["area", "floor"]
        place["properties"]["floor"] = {"type": "integer"}
        place["title"] = "地点"
        form["properties"]["a/b"]["maxLength"] = 3

    assert found(check_refinement(parent, with_form(parent, loosen))) == {
        (Code.FORM_FIELD_MISSING, "/form/properties/place/properties/area"),
        (Code.FORM_REQUIRED_DROPPED, "/form/properties/place/required"),
        (Code.FORM_REQUIRED_ADDED, "/form/properties/place/required/0"),
        (Code.FORM_REQUIRED_ADDED, "/form/properties/place/required/1"),
        (Code.FORM_CONSTRAINT_CHANGED, "/form/properties/place/title"),
        (Code.FORM_FIELD_CHANGED, "/form/properties/a~1b"),
    }


# --------------------------------------------------------------------------- many at once


def test_every_deviation_is_reported_sorted() -> None:
    parent = standard()
    materials = list(replace_material(parent, "M001", originals=3, name="申请书"))
    materials.append(Material("M009", "营业执照复印件"))

    def loosen(form: dict[str, Any]) -> None:
        del form["properties"]["email"]
        form["required"].append("remarks")

    child = refine(
        with_form(parent, loosen),
        name="药品零售经营许可",
        materials=tuple(materials[1:]) + (materials[0],),  # M001 moves to the end: index 8
        promised_days=18,
        fees=(Fee("F001", "许可证工本费", 2000),),
    )
    violations = check_refinement(parent, child)
    assert violations == sorted(violations)
    assert found(violations) == {
        (Code.NAME_CHANGED, "/name"),
        (Code.MATERIAL_RENAMED, "/materials/8/name"),
        (Code.MATERIAL_COUNT_INCREASED, "/materials/8/originals"),
        (Code.MATERIAL_ADDED, "/materials/7"),
        (Code.PROMISED_EXCEEDS_PARENT, "/time_limits/promised"),
        (Code.FEE_RAISED, "/fees/0/amount_fen"),
        (Code.FORM_FIELD_MISSING, "/form/properties/email"),
        (Code.FORM_REQUIRED_ADDED, "/form/required/11"),
    }


# --------------------------------------------------------------------------- implementations


def test_flow_violations_are_nested_under_flow() -> None:
    spec = standard()
    flow = small_flow(department="elsewhere")
    codes = found(check_implementation(spec, implementation(spec, flow=flow), flow_context=CONTEXT))
    assert codes == {
        ("FLOW_ASSIGNEE", "/flow/nodes/1/department"),
        ("FLOW_ASSIGNEE", "/flow/nodes/2/department"),
        ("FLOW_ASSIGNEE", "/flow/nodes/5/department"),
    }
    # without a context the departments are not checked
    assert check_implementation(spec, implementation(spec, flow=flow)) == []


def test_the_flow_must_fit_the_implementations_own_promise() -> None:
    spec = standard()
    impl = implementation(refine(spec, promised_days=5))  # the flow's critical path is 7 days
    assert found(check_implementation(spec, impl, flow_context=CONTEXT)) == {
        ("FLOW_CRITICAL_PATH", "/flow")
    }


def test_the_flow_follows_the_procedure() -> None:
    spec = standard()
    flow = small_flow()
    flow["nodes"] = [n for n in flow["nodes"] if n["id"] != "review"]
    flow["edges"] = [e for e in flow["edges"] if "review" not in (e["from"], e["to"])]
    flow["edges"].append({"from": "accept", "to": "decide"})
    codes = {c for c, _ in found(check_implementation(spec, implementation(spec, flow=flow)))}
    assert codes == {"PROCEDURE_STEP_MISSING"}
    # a lowered human-step limit binds the implementation's own flow
    fewer = implementation(refine(spec, procedure=Procedure(spec.procedure.steps, 4)))
    codes = {c for c, _ in found(check_implementation(spec, fewer))}
    assert codes == {"PROCEDURE_TOO_MANY_STEPS"}


def test_an_escalating_chain_needs_an_escalate_node_and_a_receiver() -> None:
    spec = escalating_standard()
    good = implementation(spec, flow=escalating_flow("city"))
    assert check_implementation(spec, good, flow_context=CONTEXT) == []
    assert (
        check_implementation(
            spec, good, flow_context=CONTEXT, receiving_implementation_published=True
        )
        == []
    )
    assert found(
        check_implementation(
            spec, good, flow_context=CONTEXT, receiving_implementation_published=False
        )
    ) == {(Code.APPROVAL_CHAIN_NO_RECEIVER, "/approval_chain")}
    wrong_level = implementation(spec, flow=escalating_flow("province"))
    assert found(check_implementation(spec, wrong_level, flow_context=CONTEXT)) == {
        (Code.APPROVAL_CHAIN_NO_ESCALATE, "/flow")
    }


def test_the_final_level_needs_no_escalate_node() -> None:
    spec = escalating_standard(procedure=Procedure(standard().procedure.steps, 5))
    city = implementation(spec, level=Level.CITY, tenant_code="230100")
    assert check_implementation(spec, city, receiving_implementation_published=False) == []


def test_implementation_reports_spec_flow_and_chain_together() -> None:
    spec = escalating_standard()
    impl = implementation(refine(spec, name="改名", promised_days=20), flow=small_flow())
    codes = found(
        check_implementation(
            spec, impl, flow_context=CONTEXT, receiving_implementation_published=False
        )
    )
    assert {
        (Code.NAME_CHANGED, "/name"),
        (Code.PROMISED_EXCEEDS_PARENT, "/time_limits/promised"),
        (Code.APPROVAL_CHAIN_NO_ESCALATE, "/flow"),
        (Code.APPROVAL_CHAIN_NO_RECEIVER, "/approval_chain"),
    } <= codes
    assert any(code == "PROCEDURE_TOO_MANY_STEPS" for code, _ in codes)


def test_flow_results_are_cached_by_content_and_arguments() -> None:
    spec = standard()
    flow = small_flow()
    loose = implementation(spec, flow=flow)
    tight = implementation(refine(spec, promised_days=6), flow=flow)
    assert check_implementation(spec, loose) == []
    assert found(check_implementation(spec, tight)) == {("FLOW_CRITICAL_PATH", "/flow")}
    assert check_implementation(spec, loose) == []
    flow["nodes"][3]["days"] = 12  # edited in place: the cache must not serve the old answer
    assert found(check_implementation(spec, loose)) == {("FLOW_CRITICAL_PATH", "/flow")}
    assert found(check_implementation(spec, implementation(spec, level=Level.CITY))) == set()


def test_a_flow_context_accepts_any_collection() -> None:
    context = FlowContext(departments=["zwfw", "yjj"], known_matters={"000172111003"})
    assert context.departments == frozenset({"zwfw", "yjj"})
    spec = standard()
    assert check_implementation(spec, implementation(spec), flow_context=context) == []


def test_a_malformed_flow_is_reported_not_raised() -> None:
    spec = standard()
    impl = Implementation(**{**implementation(spec).__dict__, "flow": {"nodes": "x"}})
    violations = check_implementation(spec, impl)
    assert violations and all(v.pointer.startswith("/flow") for v in violations)


# --------------------------------------------------------------------------- documentation


def test_every_code_is_documented_with_rule_and_example() -> None:
    text = (REPO / "docs" / "conformance.md").read_text(encoding="utf-8")
    for code in Code:
        assert re.search(rf"^\|\s*`{code.value}`\s*\|", text, re.M), code


def test_the_escalation_mode_stays_the_standards() -> None:
    parent = dataclasses.replace(escalating_standard(), escalation=EscalationMode.OPINION)
    assert check_refinement(parent, deep_copy_spec(parent)) == []
    changed = dataclasses.replace(parent, escalation=EscalationMode.ART35)
    [violation] = check_refinement(parent, changed)
    assert (violation.code, violation.pointer) == ("ESCALATION_MODE_CHANGED", "/escalation/mode")
    assert violation.message.startswith("跨层级决定方式须为 opinion")
