"""The designer's GraphQL API on both databases: the caller's matters, offers and template,
departments, 三报三审 rounds, pending reviews, version diffs, problem targets and the draft
conflict — each tried from the owner, a sibling county, a child and the parents.

Demo tree: 黑龙江省 230000 (hlj) → 哈尔滨市 230100 (harbin) → 依兰县 230123 (yilan) and its
sibling 方正县 230124 (fangzheng); 依兰镇 230123100 (yilanzhen) is 依兰县's child.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from graphql import ExecutionResult, GraphQLError
from sqlalchemy import Engine

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.adapters.graphql.context import GraphQLContext, Principal
from tongban.adapters.graphql.schema import schema
from tongban.app import create_app
from tongban.bootstrap import Platform
from tongban.config import Settings, load_settings
from tongban.core.errors import Conflict, Forbidden, NotFound
from tongban.core.roles import Role
from tongban.services import apikeys
from tongban.services.actors import Actor, actor_for
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas

from .case_support import DEMO
from .graphql_support import post

YILAN, FANGZHENG, HARBIN, HLJ = "230123", "230124", "230100", "230000"
SOCIAL = "000115041004"  # 社会保险登记: a national standard; an implementation of 依兰县 only
FOOD = "HLXK00000201"  # 食品生产许可: implemented by 哈尔滨市 itself
FOOD_TRADE = "000131064004"  # 食品经营许可: a province standard nobody in the demo implements
APPROVE = {"authenticityOk": True, "legalityOk": True, "rationalityOk": True}
TEMPLATE_PROBLEMS = {"SCHEMA_MISSING_KEY", "FLOW_SHAPE"}  # documented: departments to choose

VERSION = "version status createdBy contentHash updatedAt submittedAt"
PROBLEMS = "problems { code pointer message target { kind id } }"
START = f"""mutation($k: DefinitionKind!, $c: String!) {{
  startDraft(kind: $k, code: $c) {{ {VERSION} {PROBLEMS} }} }}"""
SAVE = f"""mutation($d: GenericScalar!, $h: String) {{
  saveDraft(document: $d, baseHash: $h) {{ {VERSION} {PROBLEMS} }} }}"""
SUBMIT = """mutation($k: DefinitionKind!, $c: String!) {
  submitDefinition(kind: $k, code: $c) { version status submittedAt } }"""
REVIEW = """mutation($s: String!, $k: DefinitionKind!, $c: String!, $r: ReviewInput!) {
  reviewDefinition(subjectTenantCode: $s, kind: $k, code: $c, review: $r) { status } }"""
DEFINITION = """query($t: String, $k: DefinitionKind!, $c: String!, $v: Int) {
  definition(tenantCode: $t, kind: $k, code: $c, version: $v) { version document } }"""
VALIDATE = """query($d: GenericScalar!) {
  validateDefinition(document: $d) { code pointer message target { kind id } } }"""
MATTERS = """{ designerMatters { kind code name status latestVersion publishedVersion
  contentHash problemCount updatedAt updatedBy } }"""
OFFERS = "{ availableStandards { tenantCode tenantName code name version } }"
TEMPLATE = "query($c: String!) { implementationTemplate(code: $c) }"
DEPARTMENTS = "{ departments { code name roles } }"
PENDING = "{ pendingReviews { tenantCode tenantName kind code name version submittedAt } }"
ROUNDS = """query($t: String, $k: DefinitionKind!, $c: String!) {
  reviewRounds(tenantCode: $t, kind: $k, code: $c) {
    round version submittedAt submittedBy reviewerTenantCode reviewer reviewedAt approved
    authenticity { ok comment } legality { ok comment } rationality { ok comment } } }"""
DIFF = """query($t: String, $k: DefinitionKind!, $c: String!, $a: Int!, $b: Int!) {
  definitionDiff(tenantCode: $t, kind: $k, code: $c, fromVersion: $a, toVersion: $b) {
    fromVersion toVersion changes { section key label change before after } } }"""
CONFORMANCE = """query($t: String) { conformance(tenantCode: $t) {
  tenantCode code conforms problems { code pointer target { kind id } } } }"""


@pytest.fixture
def platform(db: Database, schemas: Schemas, tmp_path: Path) -> Platform:
    load_tree(db, DEMO, schemas)
    return Platform(Settings(db.url, "memory://", "k" * 40, "test", tmp_path, None), db, schemas)


def execute(platform: Platform, who: str | Actor, query: str, **variables: Any) -> ExecutionResult:
    actor = who if isinstance(who, Actor) else actor_for(platform.db, who)
    context = GraphQLContext(platform, CaseEnv(platform.schemas), Principal(actor, "user"), "t")
    return schema.execute(query, variable_values=variables, context_value=context)


def ok(platform: Platform, who: str | Actor, query: str, **variables: Any) -> dict[str, Any]:
    result = execute(platform, who, query, **variables)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def fails(platform: Platform, who: str | Actor, query: str, **variables: Any) -> BaseException:
    result = execute(platform, who, query, **variables)
    assert result.errors, result.data
    assert result.data is None or not any(result.data.values()), result.data
    error = result.errors[0].original_error
    assert error is not None, result.errors
    return error


def document(platform: Platform, who: str, code: str, tenant: str | None = None) -> Any:
    found = ok(platform, who, DEFINITION, t=tenant, k="IMPLEMENTATION", c=code)
    return copy.deepcopy(found["definition"]["document"])


def same_not_found(platform: Platform, who: str, query: str, **variables: Any) -> None:
    """``who`` gets exactly the NOT_FOUND a tenant that does not exist gets."""
    theirs = fails(platform, who, query, **variables)
    nothing = fails(platform, who, query, **{**variables, "t": "230199"})
    assert isinstance(theirs, NotFound) and isinstance(nothing, NotFound), (theirs, nothing)
    assert theirs.message.replace(variables["t"], "<ID>") == nothing.message.replace(
        "230199", "<ID>"
    )


# --- the caller's own tenant ------------------------------------------------------------


def test_designer_matters_are_the_callers_own_with_their_drafts(platform: Platform) -> None:
    own = {
        "yilan_admin": {"000115041004", "000117031004", "000131127004", "000166102004",
                        "000172111003", "HLGG00000101", "HLXK00000201", "LH2300000001"},
        "fangzheng_admin": {"000172111003", "HLGG00000101", "HLXK00000201"},
        "harbin_admin": {FOOD},
    }  # fmt: skip
    for who, codes in own.items():
        matters = ok(platform, who, MATTERS)["designerMatters"]
        assert {m["code"] for m in matters} == codes, who
        assert all(m["status"] == "PUBLISHED" and m["problemCount"] == 0 for m in matters), who
    hlj = ok(platform, "hlj_admin", MATTERS)["designerMatters"]
    assert {(m["kind"], m["code"]) for m in hlj} >= {("STANDARD", FOOD), ("STANDARD", FOOD_TRADE)}

    doc = document(platform, "yilan_admin", SOCIAL)
    doc["time_limits"]["promised"] = 0  # longer than the legal limit: a problem
    saved = ok(platform, "yilan_admin", SAVE, d=doc)["saveDraft"]
    [social] = [m for m in ok(platform, "yilan_admin", MATTERS)["designerMatters"] if m["code"] == SOCIAL]  # fmt: skip
    assert (social["status"], social["latestVersion"], social["publishedVersion"]) == (
        "DRAFT",
        2,
        1,
    )
    assert social["contentHash"] == saved["contentHash"]
    assert social["problemCount"] == len(saved["problems"]) > 0
    assert (social["updatedBy"], social["updatedAt"]) == ("yilan_admin", saved["updatedAt"])
    # the draft is the owner's: nobody else's list shows it
    for who in ("fangzheng_admin", "harbin_admin", "hlj_admin", "yilanzhen_admin"):
        assert SOCIAL not in {m["code"] for m in ok(platform, who, MATTERS)["designerMatters"]}


def test_designer_queries_are_for_admins(platform: Platform) -> None:
    for query in (MATTERS, OFFERS, DEPARTMENTS, PENDING):
        assert isinstance(fails(platform, "yilan_clerk", query), Forbidden), query
    assert isinstance(fails(platform, "yilan_clerk", TEMPLATE, c=FOOD_TRADE), Forbidden)


def test_available_standards_are_effective_and_not_yet_implemented(platform: Platform) -> None:
    offers = {o["code"]: o for o in ok(platform, "yilan_admin", OFFERS)["availableStandards"]}
    assert offers[FOOD_TRADE]["tenantCode"] == HLJ and offers[FOOD_TRADE]["name"] == "食品经营许可"
    assert SOCIAL not in offers and FOOD not in offers  # 依兰县 implements both
    sibling = {o["code"] for o in ok(platform, "fangzheng_admin", OFFERS)["availableStandards"]}
    assert SOCIAL in sibling  # the national standard, which 方正县 does not implement yet
    for who in ("fangzheng_admin", "harbin_admin", "hlj_admin", "yilanzhen_admin"):
        for offer in ok(platform, who, OFFERS)["availableStandards"]:
            assert offer["tenantCode"] in ("100000", HLJ, HARBIN), (who, offer)


def test_departments_list_the_step_roles_their_users_hold(platform: Platform) -> None:
    yilan = {d["code"]: d for d in ok(platform, "yilan_admin", DEPARTMENTS)["departments"]}
    assert yilan["scjgj"]["roles"] == ["reviewer", "approver"]
    assert yilan["zwfw"]["roles"] == ["clerk"]
    assert yilan["zwfw"]["name"].startswith("依兰县")
    for who, name in (("fangzheng_admin", "方正县"), ("harbin_admin", "哈尔滨市")):
        found = ok(platform, who, DEPARTMENTS)["departments"]
        assert found and all(name in d["name"] for d in found), who


def test_template_for_a_province_standard_validates_but_for_departments(
    platform: Platform,
) -> None:
    for who, expected in (("yilan_admin", TEMPLATE_PROBLEMS), ("harbin_admin", set())):
        template = ok(platform, who, TEMPLATE, c=FOOD_TRADE)["implementationTemplate"]
        assert template["kind"] == "implementation" and template["code"] == FOOD_TRADE
        assert template["name"] == "食品经营许可" and template["materials"]
        steps = [n["step"] for n in template["flow"]["nodes"] if n["kind"] == "task"]
        assert steps == template["procedure"]["steps"]
        problems = ok(platform, who, VALIDATE, d=template)["validateDefinition"]
        assert {p["code"] for p in problems} == expected, problems
        for problem in problems:  # only task nodes still without a department
            assert problem["pointer"].endswith("/department"), problem
            node = template["flow"]["nodes"][int(problem["pointer"].split("/")[3])]
            assert "department" not in node
            assert problem["target"] == {"kind": "node", "id": node["id"]}
        if expected:  # staffing decided the review and decision: 市场监管局
            decided = {n["id"]: n.get("department") for n in template["flow"]["nodes"]}
            assert decided["review"] == decided["decide"] == template["department"] == "scjgj"
    # the sibling gets its own template of the national standard (nothing of 依兰县's)
    theirs = ok(platform, "fangzheng_admin", TEMPLATE, c=SOCIAL)["implementationTemplate"]
    assert "依兰" not in str(theirs) and theirs["code"] == SOCIAL
    assert isinstance(fails(platform, "yilan_admin", TEMPLATE, c=SOCIAL), Conflict)
    assert isinstance(fails(platform, "yilan_admin", TEMPLATE, c="000000000000"), NotFound)


# --- 三报三审 rounds, pending reviews and diffs ------------------------------------------


def test_review_rounds_across_return_and_resubmission(platform: Platform) -> None:
    started = ok(platform, "yilan_admin", START, k="IMPLEMENTATION", c=SOCIAL)["startDraft"]
    assert started["version"] == 2
    ok(platform, "yilan_admin", SUBMIT, k="IMPLEMENTATION", c=SOCIAL)
    pending = ok(platform, "harbin_admin", PENDING)["pendingReviews"]
    assert [(p["tenantCode"], p["code"], p["version"]) for p in pending] == [(YILAN, SOCIAL, 2)]
    for who in ("hlj_admin", "fangzheng_admin", "yilan_admin"):
        assert ok(platform, who, PENDING)["pendingReviews"] == [], who

    returned = {**APPROVE, "legalityOk": False, "legalityComment": "设定依据缺少地方性法规条款"}
    ok(platform, "harbin_admin", REVIEW, s=YILAN, k="IMPLEMENTATION", c=SOCIAL, r=returned)
    assert ok(platform, "harbin_admin", PENDING)["pendingReviews"] == []
    doc = ok(platform, "yilan_admin", DEFINITION, k="IMPLEMENTATION", c=SOCIAL, v=2)["definition"]["document"]  # fmt: skip
    doc = {**doc, "guide": {**doc["guide"], "phone": "0451-57200409"}}
    ok(platform, "yilan_admin", SAVE, d=doc)
    ok(platform, "yilan_admin", SUBMIT, k="IMPLEMENTATION", c=SOCIAL)
    ok(platform, "harbin_admin", REVIEW, s=YILAN, k="IMPLEMENTATION", c=SOCIAL, r=APPROVE)

    for who, tenant in (("yilan_admin", None), ("yilan_admin", YILAN), ("harbin_admin", YILAN)):
        rounds = ok(platform, who, ROUNDS, t=tenant, k="IMPLEMENTATION", c=SOCIAL)["reviewRounds"]
        assert [(r["round"], r["version"], r["approved"]) for r in rounds] == [
            (1, 2, False),
            (2, 2, True),
        ], who
        first, second = rounds
        assert first["legality"] == {"ok": False, "comment": "设定依据缺少地方性法规条款"}
        assert first["authenticity"] == {"ok": True, "comment": ""}
        assert {r["reviewerTenantCode"] for r in rounds} == {HARBIN}
        assert {r["reviewer"] for r in rounds} == {"harbin_admin"}
        assert {r["submittedBy"] for r in rounds} == {"yilan_admin"}
        assert first["submittedAt"] <= first["reviewedAt"] <= second["submittedAt"]
        assert second["submittedAt"] <= second["reviewedAt"]
    # the sibling, the grandparent and the child: exactly as for a tenant that does not exist
    for who in ("fangzheng_admin", "hlj_admin", "yilanzhen_admin"):
        same_not_found(platform, who, ROUNDS, t=YILAN, k="IMPLEMENTATION", c=SOCIAL)


def test_review_rounds_of_a_city_for_its_parent_not_its_child(platform: Platform) -> None:
    ok(platform, "harbin_admin", START, k="IMPLEMENTATION", c=FOOD)
    ok(platform, "harbin_admin", SUBMIT, k="IMPLEMENTATION", c=FOOD)
    assert [p["tenantCode"] for p in ok(platform, "hlj_admin", PENDING)["pendingReviews"]] == [HARBIN]  # fmt: skip
    for who in ("harbin_admin", "hlj_admin"):
        rounds = ok(platform, who, ROUNDS, t=HARBIN, k="IMPLEMENTATION", c=FOOD)["reviewRounds"]
        assert [(r["round"], r["version"], r["approved"]) for r in rounds] == [(1, 2, None)], who
        assert rounds[0]["reviewer"] is None and rounds[0]["legality"] is None
    for who in ("yilan_admin", "fangzheng_admin"):  # children of 哈尔滨市
        same_not_found(platform, who, ROUNDS, t=HARBIN, k="IMPLEMENTATION", c=FOOD)
    # a new matter never submitted is the owner's alone, even for the parent
    template = ok(platform, "yilan_admin", TEMPLATE, c=FOOD_TRADE)["implementationTemplate"]
    ok(platform, "yilan_admin", SAVE, d=template)
    new = ok(platform, "yilan_admin", ROUNDS, k="IMPLEMENTATION", c=FOOD_TRADE)["reviewRounds"]
    assert new == []
    same_not_found(platform, "harbin_admin", ROUNDS, t=YILAN, k="IMPLEMENTATION", c=FOOD_TRADE)
    # a published matter's unsubmitted draft: the parent sees no round of it
    ok(platform, "yilan_admin", START, k="IMPLEMENTATION", c=SOCIAL)
    drafts = ok(platform, "harbin_admin", ROUNDS, t=YILAN, k="IMPLEMENTATION", c=SOCIAL)
    assert drafts["reviewRounds"] == []


def test_definition_diff_names_what_changed(platform: Platform) -> None:
    ok(platform, "yilan_admin", START, k="IMPLEMENTATION", c=SOCIAL)
    doc = ok(platform, "yilan_admin", DEFINITION, k="IMPLEMENTATION", c=SOCIAL, v=2)["definition"]["document"]  # fmt: skip
    doc = copy.deepcopy(doc)
    doc["materials"] = [m for m in doc["materials"] if m["code"] != "M003"]
    review = next(n for n in doc["flow"]["nodes"] if n["id"] == "review")
    review["days"] = 2
    doc["form"]["properties"]["bankName"]["maxLength"] = 60
    ok(platform, "yilan_admin", SAVE, d=doc)

    diff = ok(platform, "yilan_admin", DIFF, k="IMPLEMENTATION", c=SOCIAL, a=1, b=2)
    changes = diff["definitionDiff"]["changes"]
    assert (diff["definitionDiff"]["fromVersion"], diff["definitionDiff"]["toVersion"]) == (1, 2)
    found = {(c["section"], c["key"], c["change"]): c for c in changes}
    assert set(found) == {
        ("materials", "M003", "REMOVED"),
        ("flow", "review", "CHANGED"),
        ("form", "bankName", "CHANGED"),
    }
    assert found[("materials", "M003", "REMOVED")]["label"] == "材料 M003 经办人身份证件"
    assert found[("flow", "review", "CHANGED")]["label"] == "环节 review 参保登记审核"
    assert found[("flow", "review", "CHANGED")]["after"]["days"] == 2
    assert found[("form", "bankName", "CHANGED")]["label"] == "字段 bankName 开户银行"

    # the draft is the owner's: the lineage reads published versions only (as `definition`
    # does), the sibling nothing
    for who in ("harbin_admin", "hlj_admin", "yilanzhen_admin"):
        same = ok(platform, who, DIFF, t=YILAN, k="IMPLEMENTATION", c=SOCIAL, a=1, b=1)
        assert same["definitionDiff"]["changes"] == [], who
        refused = fails(platform, who, DIFF, t=YILAN, k="IMPLEMENTATION", c=SOCIAL, a=1, b=2)
        assert isinstance(refused, NotFound), who
    same_not_found(platform, "fangzheng_admin", DIFF, t=YILAN, k="IMPLEMENTATION", c=SOCIAL, a=1, b=1)  # fmt: skip


# --- problem targets, version fields and the draft conflict ------------------------------


def test_problems_point_at_designer_targets(platform: Platform) -> None:
    doc = document(platform, "yilan_admin", SOCIAL)
    doc["materials"][1]["originals"] = -1
    doc["time_limits"]["promised"] = 0
    doc["flow"]["edges"].append({"from": "review", "to": "nowhere"})
    saved = ok(platform, "yilan_admin", SAVE, d=doc)["saveDraft"]
    targets = {(p["target"]["kind"], p["target"]["id"]) for p in saved["problems"] if p["target"]}
    assert ("material", "M002") in targets, saved["problems"]
    assert ("limit", "promised") in targets, saved["problems"]
    assert ("edge", "review->nowhere") in targets, saved["problems"]
    checked = ok(platform, "yilan_admin", VALIDATE, d=doc)["validateDefinition"]
    assert sorted(map(str, checked)) == sorted(map(str, saved["problems"]))


def test_conformance_problems_have_targets(platform: Platform, schemas: Schemas) -> None:
    # 哈尔滨市 refines nothing; 黑龙江省 shortening a limit its counties publish breaks them
    standard = ok(platform, "hlj_admin", DEFINITION, t=HLJ, k="STANDARD", c=FOOD)
    doc = copy.deepcopy(standard["definition"]["document"])
    doc["time_limits"] = {"legal": 1, "promised": 1}
    impact = ok(
        platform,
        "hlj_admin",
        """query($d: GenericScalar!) { impactOfStandardChange(document: $d) {
           tenantCode problems { code pointer target { kind id } } } }""",
        d=doc,
    )["impactOfStandardChange"]
    assert impact, "a shorter legal limit must break some implementation"
    for entry in impact:
        assert entry["problems"] and all(p["target"] for p in entry["problems"]), entry
    kinds = {p["target"]["kind"] for e in impact for p in e["problems"]}
    assert kinds & {"limit", "node"}, impact


def test_version_fields_follow_saves_and_submission(platform: Platform) -> None:
    started = ok(platform, "yilan_admin", START, k="IMPLEMENTATION", c=SOCIAL)["startDraft"]
    published = document(platform, "yilan_admin", SOCIAL)
    assert started["updatedAt"] and started["submittedAt"] is None
    assert len(started["contentHash"]) == 64
    changed = {**published, "name": published["name"]}
    changed["guide"] = {**published["guide"], "phone": "0451-57200402"}
    saved = ok(platform, "yilan_admin", SAVE, d=changed, h=started["contentHash"])["saveDraft"]
    assert saved["contentHash"] != started["contentHash"]
    assert saved["updatedAt"] >= started["updatedAt"]
    submitted = ok(platform, "yilan_admin", SUBMIT, k="IMPLEMENTATION", c=SOCIAL)
    assert submitted["submitDefinition"]["submittedAt"]


def _second_admin() -> Actor:
    return Actor("yilan_admin_b", YILAN, frozenset({Role.ADMIN}))


def test_first_save_wins_and_the_second_gets_a_draft_conflict(platform: Platform) -> None:
    started = ok(platform, "yilan_admin", START, k="IMPLEMENTATION", c=SOCIAL)["startDraft"]
    base = started["contentHash"]
    mine = document(platform, "yilan_admin", SOCIAL)
    theirs = copy.deepcopy(mine)
    mine["guide"]["phone"] = "0451-11111111"
    theirs["guide"]["hours"] = "工作日 9:00–17:00"

    first = ok(platform, "yilan_admin", SAVE, d=mine, h=base)["saveDraft"]
    refused = fails(platform, _second_admin(), SAVE, d=theirs, h=base)
    assert isinstance(refused, GraphQLError) and refused.extensions, refused
    conflict = {
        "kind": "implementation",
        "matter": SOCIAL,
        "currentHash": first["contentHash"],
        "version": 2,
        "updatedBy": "yilan_admin",
    }
    assert refused.extensions == {
        "code": "DRAFT_CONFLICT",
        "reason": "DRAFT_CONFLICT",
        **conflict,
        "data": conflict,
    }
    assert "已被 yilan_admin 修改" in refused.message
    kept = ok(platform, "yilan_admin", DEFINITION, k="IMPLEMENTATION", c=SOCIAL, v=2)
    assert kept["definition"]["document"] == mine  # nothing of the first save is lost

    # reloaded on the new base, the second admin's change goes in on top of the first
    merged = {**mine, "guide": {**mine["guide"], "hours": "工作日 9:00–17:00"}}
    second = ok(platform, _second_admin(), SAVE, d=merged, h=first["contentHash"])["saveDraft"]
    assert second["version"] == 2
    [social] = [m for m in ok(platform, "yilan_admin", MATTERS)["designerMatters"] if m["code"] == SOCIAL]  # fmt: skip
    assert (social["contentHash"], social["updatedBy"]) == (second["contentHash"], "yilan_admin_b")
    # without a base hash a save replaces the draft as before
    ok(platform, "yilan_admin", SAVE, d=mine)


def test_both_editing_the_published_version_conflict_on_the_new_draft(platform: Platform) -> None:
    published = document(platform, "yilan_admin", SOCIAL)
    [row] = [m for m in ok(platform, "yilan_admin", MATTERS)["designerMatters"] if m["code"] == SOCIAL]  # fmt: skip
    base = row["contentHash"]
    mine = {**published, "guide": {**published["guide"], "phone": "0451-22222222"}}
    ok(platform, "yilan_admin", SAVE, d=mine, h=base)
    refused = fails(platform, _second_admin(), SAVE, d=published, h=base)
    assert isinstance(refused, GraphQLError) and refused.extensions, refused
    assert refused.extensions["code"] == "DRAFT_CONFLICT"
    kept = ok(platform, "yilan_admin", DEFINITION, k="IMPLEMENTATION", c=SOCIAL, v=2)
    assert kept["definition"]["document"] == mine


def test_draft_conflict_over_http_names_the_current_hash(
    db: Database, schemas: Schemas, fab_engines: list[Engine]
) -> None:
    load_tree(db, DEMO, schemas)
    base_settings = load_settings({"TONGBAN_SECRET_KEY": "d" * 40})
    settings = base_settings.__class__(**{**base_settings.__dict__, "database_url": db.url})
    app = create_app(Platform(settings, db, schemas), testing=True)
    if db.engine not in fab_engines:
        fab_engines.append(db.engine)
    with platform_unit_of_work(db, "test: designer keys", write=True) as uow:
        _, key = apikeys.create_key(uow, YILAN, "admin", "designer-test", None, False)
        uow.commit()
    client = app.test_client()
    started = post(client, START, key, k="IMPLEMENTATION", c=SOCIAL).get_json()
    base = started["data"]["startDraft"]["contentHash"]
    doc = post(client, DEFINITION, key, k="IMPLEMENTATION", c=SOCIAL, v=2).get_json()
    mine = doc["data"]["definition"]["document"]
    first = post(client, SAVE, key, d={**mine, "name": mine["name"]}, h=base).get_json()
    assert "errors" not in first  # the same content: the hash stays the base
    changed = {**mine, "guide": {**mine["guide"], "phone": "0451-33333333"}}
    saved = post(client, SAVE, key, d=changed, h=base).get_json()["data"]["saveDraft"]
    body = post(client, SAVE, key, d=mine, h=base).get_json()
    [error] = body["errors"]
    extensions = error["extensions"]
    assert extensions["code"] == "DRAFT_CONFLICT", body
    assert extensions["currentHash"] == saved["contentHash"]
    assert (extensions["version"], extensions["updatedBy"]) == (2, "apikey:designer-test")
    assert error["message"].startswith("实施清单 000115041004 v2 的草稿已被")
    assert extensions["reason"] == "DRAFT_CONFLICT"
