"""GraphQL definition management on both databases, executed against the schema directly:
edit a draft's flow or form, see every problem, submit, 三报三审, publish."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from graphql import ExecutionResult

from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.adapters.graphql.context import GraphQLContext, Principal
from tongban.adapters.graphql.schema import schema
from tongban.bootstrap import Platform
from tongban.config import Settings
from tongban.core.errors import ErrorCode, Forbidden, InvalidDefinition, NotFound, TongbanError
from tongban.services.actors import actor_for
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas

from .case_support import DEMO

DRUG = "000172111003"  # 药品零售企业经营许可: a national standard, refined by 黑龙江省
FOOD = "HLXK00000201"  # 食品生产许可: implemented by 哈尔滨市 and its counties
APPROVE = {"authenticityOk": True, "legalityOk": True, "rationalityOk": True}

VERSION = "tenantCode kind code version status createdBy createdAt publishedAt"
PROBLEMS = "problems { code pointer message }"

DEFINITION = f"""
query($tenant: String, $kind: DefinitionKind!, $code: String!, $version: Int) {{
  definition(tenantCode: $tenant, kind: $kind, code: $code, version: $version) {{
    tenantCode kind code version document history {{ {VERSION} }}
  }}
}}"""
UPDATE_FLOW = f"""
mutation($code: String!, $flow: GenericScalar!) {{
  updateFlow(code: $code, flow: $flow) {{ {VERSION} {PROBLEMS} }}
}}"""
UPDATE_FORM = f"""
mutation($kind: DefinitionKind!, $code: String!, $form: GenericScalar!) {{
  updateForm(kind: $kind, code: $code, form: $form) {{ {VERSION} {PROBLEMS} }}
}}"""
SAVE_DRAFT = f"""
mutation($document: GenericScalar!) {{
  saveDraft(document: $document) {{ {VERSION} {PROBLEMS} }}
}}"""
START_DRAFT = f"""
mutation($kind: DefinitionKind!, $code: String!) {{
  startDraft(kind: $kind, code: $code) {{ {VERSION} {PROBLEMS} }}
}}"""
SUBMIT = """
mutation($kind: DefinitionKind!, $code: String!) {
  submitDefinition(kind: $kind, code: $code) { version status }
}"""
REVIEW = """
mutation($subject: String!, $kind: DefinitionKind!, $code: String!, $review: ReviewInput!) {
  reviewDefinition(subjectTenantCode: $subject, kind: $kind, code: $code, review: $review) {
    tenantCode version status
  }
}"""
PUBLISH = """
mutation($kind: DefinitionKind!, $code: String!) {
  publishDefinition(kind: $kind, code: $code) { version status publishedAt }
}"""
VALIDATE = """
query($document: GenericScalar!) {
  validateDefinition(document: $document) { code pointer message }
}"""
CONFORMANCE = """
query($tenant: String) {
  conformance(tenantCode: $tenant) {
    tenantCode tenantName kind code name version conforms problems { code pointer message }
  }
}"""
IMPACT = """
query($document: GenericScalar!) {
  impactOfStandardChange(document: $document) {
    tenantCode kind code version conforms problems { code pointer message }
  }
}"""


@pytest.fixture
def platform(db: Database, schemas: Schemas, tmp_path: Path) -> Platform:
    load_tree(db, DEMO, schemas)
    return Platform(Settings(db.url, "memory://", "k" * 40, "test", tmp_path, None), db, schemas)


def execute(platform: Platform, username: str, query: str, **variables: Any) -> ExecutionResult:
    actor = actor_for(platform.db, username)
    context = GraphQLContext(platform, CaseEnv(platform.schemas), Principal(actor, "user"), "t")
    return schema.execute(query, variable_values=variables, context_value=context)


def ok(platform: Platform, username: str, query: str, **variables: Any) -> dict[str, Any]:
    result = execute(platform, username, query, **variables)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def fails(platform: Platform, username: str, query: str, **variables: Any) -> TongbanError:
    result = execute(platform, username, query, **variables)
    assert result.errors, result.data
    error = result.errors[0].original_error
    assert isinstance(error, TongbanError), result.errors
    return error


def drug_document(platform: Platform, username: str = "yilan_admin", **args: Any) -> Any:
    found = ok(platform, username, DEFINITION, kind="IMPLEMENTATION", code=DRUG, **args)
    return found["definition"]


def test_county_edits_its_flow_and_publishes_after_the_city_reviews(platform: Platform) -> None:
    before = drug_document(platform)
    assert (before["tenantCode"], before["version"]) == ("230123", 1)
    assert [(v["version"], v["status"]) for v in before["history"]] == [(1, "PUBLISHED")]
    flow = copy.deepcopy(before["document"]["flow"])

    # a node added but not yet wired in: every problem, each with its pointer
    flow["nodes"].insert(-1, {"id": "drug_db", "kind": "external", "system": "药品监管数据库"})
    added = ok(platform, "yilan_admin", UPDATE_FLOW, code=DRUG, flow=flow)["updateFlow"]
    assert (added["version"], added["status"], added["createdBy"]) == (2, "DRAFT", "yilan_admin")
    problems = {(p["code"], p["pointer"]) for p in added["problems"]}
    assert ("FLOW_UNREACHABLE", "/flow/nodes/8") in problems, added["problems"]
    assert all(p["message"] for p in added["problems"])

    # submitting is refused with every violation; the draft stays a draft
    refused = fails(platform, "yilan_admin", SUBMIT, kind="IMPLEMENTATION", code=DRUG)
    assert isinstance(refused, InvalidDefinition)
    assert {(v.code, v.pointer) for v in refused.violations} == problems

    # wired in between the full review and the decision: no problems left
    flow["edges"] = [e for e in flow["edges"] if (e["from"], e["to"]) != ("review_full", "decide")]
    flow["edges"] += [{"from": "review_full", "to": "drug_db"}, {"from": "drug_db", "to": "decide"}]
    fixed = ok(platform, "yilan_admin", UPDATE_FLOW, code=DRUG, flow=flow)["updateFlow"]
    assert (fixed["version"], fixed["status"], fixed["problems"]) == (2, "DRAFT", [])

    submitted = ok(platform, "yilan_admin", SUBMIT, kind="IMPLEMENTATION", code=DRUG)
    assert submitted["submitDefinition"] == {"version": 2, "status": "SUBMITTED"}
    # under review: not editable
    busy = fails(platform, "yilan_admin", UPDATE_FLOW, code=DRUG, flow=flow)
    assert busy.code == ErrorCode.CONFLICT

    reviewed = ok(
        platform,
        "harbin_admin",
        REVIEW,
        subject="230123",
        kind="IMPLEMENTATION",
        code=DRUG,
        review={**APPROVE, "legalityComment": "符合《药品管理法》"},
    )
    assert reviewed["reviewDefinition"] == {
        "tenantCode": "230123",
        "version": 2,
        "status": "REVIEWED",
    }

    published = ok(platform, "yilan_admin", PUBLISH, kind="IMPLEMENTATION", code=DRUG)
    assert published["publishDefinition"]["status"] == "PUBLISHED"
    assert published["publishDefinition"]["publishedAt"]

    after = drug_document(platform)
    assert [(v["version"], v["status"]) for v in after["history"]] == [
        (1, "PUBLISHED"),
        (2, "PUBLISHED"),
    ]
    assert after["version"] == 2
    assert "drug_db" in {n["id"] for n in after["document"]["flow"]["nodes"]}
    assert drug_document(platform, version=1)["document"] == before["document"]


def test_a_failed_verdict_returns_the_draft(platform: Platform) -> None:
    form = copy.deepcopy(drug_document(platform)["document"]["form"])
    form["properties"]["remark"] = {"title": "备注", "type": "string", "maxLength": 200}
    saved = ok(platform, "yilan_admin", UPDATE_FORM, kind="IMPLEMENTATION", code=DRUG, form=form)
    assert (saved["updateForm"]["version"], saved["updateForm"]["problems"]) == (2, [])
    ok(platform, "yilan_admin", SUBMIT, kind="IMPLEMENTATION", code=DRUG)

    verdict = {**APPROVE, "rationalityOk": False, "rationalityComment": "备注字段无必要"}
    returned = ok(
        platform,
        "harbin_admin",
        REVIEW,
        subject="230123",
        kind="IMPLEMENTATION",
        code=DRUG,
        review=verdict,
    )
    assert returned["reviewDefinition"]["status"] == "RETURNED"

    refused = fails(platform, "yilan_admin", PUBLISH, kind="IMPLEMENTATION", code=DRUG)
    assert refused.code == ErrorCode.INVALID_STATE
    # the returned version is edited again, not a new one
    del form["properties"]["remark"]
    again = ok(platform, "yilan_admin", UPDATE_FORM, kind="IMPLEMENTATION", code=DRUG, form=form)
    assert (again["updateForm"]["version"], again["updateForm"]["status"]) == (2, "DRAFT")


def test_a_child_cannot_review_its_parent(platform: Platform) -> None:
    started = ok(platform, "harbin_admin", START_DRAFT, kind="IMPLEMENTATION", code=FOOD)
    assert started["startDraft"]["tenantCode"] == "230100"
    assert (started["startDraft"]["version"], started["startDraft"]["problems"]) == (2, [])
    ok(platform, "harbin_admin", SUBMIT, kind="IMPLEMENTATION", code=FOOD)

    refused = fails(
        platform,
        "yilan_admin",
        REVIEW,
        subject="230100",
        kind="IMPLEMENTATION",
        code=FOOD,
        review=APPROVE,
    )
    assert isinstance(refused, Forbidden) and refused.code == ErrorCode.FORBIDDEN
    assert "下级单位不能审核上级" in refused.message
    assert (refused.reason, refused.data) == (
        "REVIEW_BY_CHILD",
        {"subject": "230100", "reviewer": "230123"},
    )

    reviewed = ok(
        platform,
        "hlj_admin",
        REVIEW,
        subject="230100",
        kind="IMPLEMENTATION",
        code=FOOD,
        review=APPROVE,
    )
    assert reviewed["reviewDefinition"]["status"] == "REVIEWED"


def test_a_sibling_county_gets_not_found_like_a_missing_definition(platform: Platform) -> None:
    # 方正县 has its own 000172111003; 依兰县's is not its to see
    own = drug_document(platform, "fangzheng_admin")
    assert own["tenantCode"] == "230124"
    sibling = fails(
        platform, "fangzheng_admin", DEFINITION, tenant="230123", kind="IMPLEMENTATION", code=DRUG
    )
    missing_tenant = fails(
        platform, "fangzheng_admin", DEFINITION, tenant="239999", kind="IMPLEMENTATION", code=DRUG
    )
    missing_matter = fails(
        platform, "fangzheng_admin", DEFINITION, kind="IMPLEMENTATION", code="ZZ0000000000"
    )
    for error in (sibling, missing_tenant, missing_matter):
        assert isinstance(error, NotFound) and error.code == ErrorCode.NOT_FOUND
    assert sibling.message == "实施清单 230123/000172111003 不存在"
    assert sibling.data == {"kind": "implementation", "key": "230123/000172111003"}

    # nor can it review, or report on, the sibling
    review = fails(
        platform,
        "fangzheng_admin",
        REVIEW,
        subject="230123",
        kind="IMPLEMENTATION",
        code=DRUG,
        review=APPROVE,
    )
    assert review.code == ErrorCode.NOT_FOUND
    assert fails(platform, "fangzheng_admin", CONFORMANCE, tenant="230123").code == "NOT_FOUND"
    # and nothing to edit is not found either
    absent = fails(platform, "fangzheng_admin", UPDATE_FLOW, code="ZZ0000000000", flow={})
    assert absent.code == ErrorCode.NOT_FOUND


def test_validate_definition_lists_every_problem_and_saves_nothing(platform: Platform) -> None:
    document = drug_document(platform)["document"]

    # unknown key and a broken flow: both, in one answer
    shape = copy.deepcopy(document)
    shape["colour"] = "red"
    shape["flow"]["edges"].append({"from": "decide", "to": "nowhere"})
    problems = ok(platform, "yilan_admin", VALIDATE, document=shape)["validateDefinition"]
    found = {(p["code"], p["pointer"]) for p in problems}
    assert found == {("SCHEMA_UNKNOWN_KEY", "/colour"), ("FLOW_UNKNOWN_NODE", "/flow/edges/9/to")}

    # a well-formed document: the broken flow and the conformance problems together
    loose = copy.deepcopy(document)
    loose["time_limits"]["promised"] = 25
    loose["materials"].append({"code": "M009", "name": "营业执照复印件", "copies": 1})
    loose["flow"]["edges"].append({"from": "decide", "to": "nowhere"})
    problems = ok(platform, "yilan_admin", VALIDATE, document=loose)["validateDefinition"]
    found = {(p["code"], p["pointer"]) for p in problems}
    assert {
        ("FLOW_UNKNOWN_NODE", "/flow/edges/9/to"),
        ("PROMISED_EXCEEDS_LEGAL", "/time_limits/promised"),
        ("PROMISED_EXCEEDS_PARENT", "/time_limits/promised"),
        ("MATERIAL_ADDED", "/materials/6"),
    } <= found

    # the valid published document has none, and validating saved nothing
    assert ok(platform, "yilan_admin", VALIDATE, document=document)["validateDefinition"] == []
    assert [v["version"] for v in drug_document(platform)["history"]] == [1]
    not_object = fails(platform, "yilan_admin", VALIDATE, document=["kind"])
    assert isinstance(not_object, InvalidDefinition)


def test_save_draft_of_a_whole_document_with_identity_problems(platform: Platform) -> None:
    document = drug_document(platform)["document"]
    refused = fails(platform, "yilan_admin", SAVE_DRAFT, document={**document, "kind": "rule"})
    assert isinstance(refused, InvalidDefinition)
    assert [(v.code, v.pointer) for v in refused.violations] == [("MATTER_KIND", "/kind")]
    # a clerk is not an admin
    assert fails(platform, "yilan_clerk", SAVE_DRAFT, document=document).code == "FORBIDDEN"
    saved = ok(platform, "yilan_admin", SAVE_DRAFT, document=document)["saveDraft"]
    assert (saved["kind"], saved["version"], saved["status"], saved["problems"]) == (
        "IMPLEMENTATION",
        2,
        "DRAFT",
        [],
    )


def test_conformance_and_impact_of_a_standard_change(platform: Platform) -> None:
    report = ok(platform, "harbin_admin", CONFORMANCE)["conformance"]
    assert report and all(e["conforms"] and e["problems"] == [] for e in report)
    assert {e["tenantCode"] for e in report} <= {"230100", "230123", "230124", "230123100"}
    assert ("230123", "IMPLEMENTATION", DRUG) in {
        (e["tenantCode"], e["kind"], e["code"]) for e in report
    }

    standard = ok(platform, "hlj_admin", DEFINITION, kind="STANDARD", code=DRUG)
    tighter = copy.deepcopy(standard["definition"]["document"])
    tighter["time_limits"]["promised"] = 9
    impact = ok(platform, "hlj_admin", IMPACT, document=tighter)["impactOfStandardChange"]
    assert sorted((e["tenantCode"], e["kind"], e["conforms"]) for e in impact) == [
        ("230123", "IMPLEMENTATION", False),
        ("230124", "IMPLEMENTATION", False),
    ]
    for entry in impact:
        assert ("PROMISED_EXCEEDS_PARENT", "/time_limits/promised") in {
            (p["code"], p["pointer"]) for p in entry["problems"]
        }
    # asking changed nothing
    still = ok(platform, "hlj_admin", DEFINITION, kind="STANDARD", code=DRUG)
    assert still["definition"]["document"]["time_limits"]["promised"] == 15


# --- drafts are their owner's (issue 12, point 3) ----------------------------------------

DRAFT_NAME = "药品零售企业经营许可（修订草案）"
MATTER_NAMES = """
query($kind: MatterKind) {
  matters(kind: $kind, first: 100) { items { code name tenant { code } } }
}"""


def _province_drafts_a_renamed_standard(platform: Platform) -> dict[str, Any]:
    """黑龙江省 (230000) starts v2 of its DRUG refinement and renames it in the draft."""
    ok(platform, "hlj_admin", START_DRAFT, kind="STANDARD", code=DRUG)
    published = ok(platform, "hlj_admin", DEFINITION, kind="STANDARD", code=DRUG)
    document = {**published["definition"]["document"], "name": DRAFT_NAME}
    saved = ok(platform, "hlj_admin", SAVE_DRAFT, document=document)["saveDraft"]
    assert (saved["version"], saved["status"]) == (2, "DRAFT")
    return document


def _province_standard(platform: Platform, username: str, version: int | None = None) -> Any:
    found = ok(
        platform, username, DEFINITION, tenant="230000", kind="STANDARD", code=DRUG, version=version
    )
    return found["definition"]


def _matter_name(platform: Platform, username: str, tenant_code: str, code: str) -> str | None:
    items = ok(platform, username, MATTER_NAMES, kind="STANDARD")["matters"]["items"]
    names = [i["name"] for i in items if (i["tenant"]["code"], i["code"]) == (tenant_code, code)]
    return names[0] if names else None


def _hidden_like_a_missing_version(platform: Platform, username: str) -> None:
    """Asking for the draft answers exactly as asking for a version that does not exist."""
    args = {"tenant": "230000", "kind": "STANDARD", "code": DRUG}
    draft = fails(platform, username, DEFINITION, version=2, **args)
    missing = fails(platform, username, DEFINITION, version=9, **args)
    assert isinstance(draft, NotFound) and draft.code == missing.code == ErrorCode.NOT_FOUND
    assert draft.message.replace("v2", "v9") == missing.message
    assert draft.data == {**missing.data, "key": f"{DRUG} v2"}


def test_a_parents_draft_is_hidden_from_its_descendants(platform: Platform) -> None:
    _province_drafts_a_renamed_standard(platform)
    published_name = _matter_name(platform, "harbin_admin", "230000", DRUG)
    assert published_name is not None and published_name != DRAFT_NAME
    for below in ("harbin_admin", "yilan_admin"):  # the child city and a grandchild county
        _hidden_like_a_missing_version(platform, below)
        shown = _province_standard(platform, below)
        assert shown["version"] == 1 and shown["document"]["name"] == published_name
        assert [(v["version"], v["status"]) for v in shown["history"]] == [(1, "PUBLISHED")]
        # saving the draft did not rename the matter in anyone's list
        assert _matter_name(platform, below, "230000", DRUG) == published_name
    # the owner sees its draft; its list keeps the published name until it is published
    own = _province_standard(platform, "hlj_admin", version=2)
    assert own["document"]["name"] == DRAFT_NAME
    assert [v["status"] for v in own["history"]] == ["PUBLISHED", "DRAFT"]
    assert _matter_name(platform, "hlj_admin", "230000", DRUG) == published_name


def test_the_reviewing_parent_sees_a_draft_only_once_submitted(platform: Platform) -> None:
    ok(platform, "hlj_admin", START_DRAFT, kind="STANDARD", code=DRUG)
    document = copy.deepcopy(_province_standard(platform, "hlj_admin", version=2)["document"])
    promised = document["time_limits"]["promised"] - 1  # a refinement may only tighten
    document["time_limits"]["promised"] = promised
    ok(platform, "hlj_admin", SAVE_DRAFT, document=document)
    # the nation (the province's reviewer) does not see a draft still being edited
    _hidden_like_a_missing_version(platform, "guojia_admin")
    ok(platform, "hlj_admin", SUBMIT, kind="STANDARD", code=DRUG)
    under_review = _province_standard(platform, "guojia_admin", version=2)
    assert under_review["document"]["time_limits"]["promised"] == promised
    assert [v["status"] for v in under_review["history"]] == ["PUBLISHED", "SUBMITTED"]
    _hidden_like_a_missing_version(platform, "harbin_admin")  # below: still hidden

    ok(
        platform,
        "guojia_admin",
        REVIEW,
        subject="230000",
        kind="STANDARD",
        code=DRUG,
        review=APPROVE,
    )
    assert [v["status"] for v in _province_standard(platform, "guojia_admin")["history"]] == [
        "PUBLISHED",
        "REVIEWED",
    ]
    _hidden_like_a_missing_version(platform, "harbin_admin")  # reviewed, not yet published
    ok(platform, "hlj_admin", PUBLISH, kind="STANDARD", code=DRUG)
    # published: everyone below sees v2
    shown = _province_standard(platform, "yilan_admin")
    assert shown["version"] == 2 and shown["document"]["time_limits"]["promised"] == promised
    assert [v["status"] for v in shown["history"]] == ["PUBLISHED", "PUBLISHED"]


def test_a_siblings_draft_is_not_found_like_a_missing_definition(platform: Platform) -> None:
    form = copy.deepcopy(drug_document(platform)["document"]["form"])
    form["properties"]["remark"] = {"title": "备注", "type": "string", "maxLength": 200}
    ok(platform, "yilan_admin", UPDATE_FORM, kind="IMPLEMENTATION", code=DRUG, form=form)
    for version in (None, 1, 2):
        sibling = fails(
            platform,
            "fangzheng_admin",
            DEFINITION,
            tenant="230123",
            kind="IMPLEMENTATION",
            code=DRUG,
            version=version,
        )
        missing = fails(
            platform,
            "fangzheng_admin",
            DEFINITION,
            tenant="239999",
            kind="IMPLEMENTATION",
            code=DRUG,
            version=version,
        )
        assert sibling.code == missing.code == ErrorCode.NOT_FOUND
        assert sibling.message == missing.message.replace("239999", "230123")
