"""Issue 11's journey in a real browser: a county admin builds a new implementation of a
provincial standard from scratch, sees conformance live on the material and on the flow,
submits; the city admin returns it with a reason; the county fixes and resubmits; the city
approves; the county publishes; a case on the new version runs to a sealed result through
GraphQL; a sibling county's admin can neither see nor reach any of it.

Screenshots of every page go to var/screenshots/<test>/ (kept as test artifacts)."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest

from tongban.core.form_samples import sample_instance

from .conftest import PASSWORD, Person

pytestmark = pytest.mark.browser

STANDARD = "000131064004"  # 食品经营许可: the province refines it; 依兰县 has no implementation yet
COUNTY, CITY, SIBLING = "230123", "230100", "230124"


def expect_text(person: Person, selector: str, pattern: str, timeout: float = 30_000) -> None:
    person.page.wait_for_function(
        "([sel, pat]) => { const el = document.querySelector(sel);"
        " return !!el && new RegExp(pat).test(el.innerText); }",
        arg=[selector, pattern],
        timeout=timeout,
    )


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


def problem_count(person: Person) -> int:
    text = person.page.inner_text(tid("problem-count"))
    found = re.search(r"(\d+)", text)
    return int(found.group(1)) if found else 0


def wait_no_problems(person: Person) -> None:
    person.page.wait_for_function(
        "() => { const el = document.querySelector('[data-testid=\"problem-count\"]');"
        " return !!el && !/[1-9]/.test(el.innerText); }",
        timeout=30_000,
    )


def choose(page: Any, select_id: str, option: str) -> None:
    """Pick ``option`` (a part of its label) in the antd Select whose input is #select_id, as
    a person does: a searchable select by typing and Enter, another by clicking the option in
    that select's own list (``<id>_list``; a list still closing from an earlier select must
    not take the click); then wait until the select shows it."""
    shown = (
        "([id, text]) => { const el = document.getElementById(id);"
        " const box = el && el.closest('.ant-select');"
        " return !!box && !box.classList.contains('ant-select-open')"
        " && box.innerText.includes(text); }"
    )
    field = page.locator(f"#{select_id}")
    field.click()
    if field.get_attribute("readonly") is None:
        field.fill(option)
        page.keyboard.press("Enter")
    else:
        listbox = page.locator(f".ant-select-dropdown:has(#{select_id}_list)")
        listbox.locator(".ant-select-item-option", has_text=option).first.click()
    page.wait_for_function(shown, arg=[select_id, option])


def close_drawer(page: Any) -> None:
    """Close the property panel and wait until it and its mask are gone (a click during the
    closing animation would land on the mask)."""
    page.locator(".ant-drawer-open .ant-drawer-close").click()
    page.wait_for_selector(".ant-drawer-open", state="detached")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ant-drawer-mask')]"
        ".every(m => m.offsetParent === null || getComputedStyle(m).opacity === '0')"
    )


def verdict(person: Person, aspect: str, ok: bool, comment: str = "") -> None:
    group = person.page.locator(tid(f"review-verdict-{aspect}"))
    group.get_by_text("通过" if ok else "不通过", exact=True).click()
    if comment:
        person.page.fill(tid(f"review-comment-{aspect}"), comment)


def api_token(base: str, username: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/token",
        data=json.dumps({"username": username, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        return str(json.loads(response.read())["token"])


def graphql(base: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body: dict[str, Any] = json.loads(response.read())
    return body


def ok(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_county_builds_city_reviews_county_publishes_and_a_case_runs(login) -> None:
    county = login("yilan_admin")
    page = county.page
    county.goto("/designer/matters")
    page.wait_for_selector('[data-testid^="matter-row-implementation-"]')
    county.shot("01-workbench")

    # -- a new implementation of the provincial standard, pre-filled ---------------------
    page.click(tid("new-implementation"))
    page.click(tid("new-implementation-standard"))
    page.keyboard.type(STANDARD)
    page.keyboard.press("Enter")
    page.click(tid("new-implementation-confirm"))
    page.wait_for_url(re.compile(rf".*/designer/matters/new/implementation/{STANDARD}"))
    page.wait_for_selector(tid("problem-count"))
    county.shot("02-new-implementation")

    # -- what the template leaves to the admin: the implementing department, and who does
    #    the window steps (several departments have clerks) --------------------------------
    choose(page, "matter-department", "依兰县市场监督管理局")
    page.click(tid("editor-tab-flow"))
    for node in ("receive", "accept", "conclude"):
        page.locator(tid(f"flow-step-{node}")).locator("button.tb-flow-card-title").click()
        choose(page, f"flow-dept-{node}", "县政务服务中心")
        close_drawer(page)
    wait_no_problems(county)
    county.shot("03-template-completed")

    # -- a material the standard does not list: the conformance error appears on it ------
    page.click(tid("editor-tab-materials"))
    page.click(tid("add-material"))
    row = page.locator('[data-testid^="material-row-M0"]').last
    added = str(row.get_attribute("data-testid")).removeprefix("material-row-")
    row.get_by_role("textbox").nth(1).fill("营业执照复印件（县级加收）")
    try:
        page.wait_for_selector(tid(f"material-problem-{added}"), timeout=30_000)
    except Exception:
        county.shot("04-material-problem-missing")
        raise
    assert "MATERIAL_ADDED" in page.inner_text(tid(f"material-problem-{added}")) or (
        "不在上级标准" in page.inner_text(tid(f"material-problem-{added}"))
    )
    county.shot("04-material-problem")
    row.get_by_role("button", name=re.compile("删除材料")).click()
    page.wait_for_selector(tid(f"material-problem-{added}"), state="detached")
    county.shot("05-material-removed")

    # -- 并联审批: two reviews side by side instead of one; a branch too long breaks the
    #    promised limit (critical path) and the error shows on the flow --------------------
    page.click(tid("editor-tab-flow"))
    page.click(tid("flow-add-accept"))
    # the menu and the popover below are positioned against a scrolling box: their items are
    # activated without coordinates
    item = page.get_by_role("menuitem", name="并联审批")
    item.wait_for(state="visible")
    item.dispatch_event("click")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid^=\"flow-step-review_\"]').length === 2"
    )
    if page.locator(".ant-drawer-open").count():  # the new block opens in the panel
        close_drawer(page)
    page.locator(tid("flow-step-review")).get_by_role("button", name=re.compile("删除")).click()
    confirm = page.locator(".ant-popconfirm", has_text="删除环节")
    confirm.wait_for(state="visible")
    confirm.get_by_role("button", name=re.compile(r"删\s*除")).dispatch_event("click")
    page.wait_for_selector(tid("flow-step-review"), state="detached")
    branches = page.locator('[data-testid^="flow-step-review_"]')
    assert branches.count() == 2
    first = str(branches.first.get_attribute("data-testid")).removeprefix("flow-step-")
    page.locator(tid(f"flow-step-{first}")).locator("button.tb-flow-card-title").click()
    choose(page, f"flow-dept-{first}", "依兰县市场监督管理局")
    page.fill(f"#flow-days-{first}", "8")
    close_drawer(page)
    expect_text(county, tid("flow-critical-path"), "关键路径 8")
    expect_text(county, tid("problems-panel"), "FLOW_CRITICAL_PATH|关键路径")
    assert "is-over" in str(page.get_attribute(tid("flow-critical-path"), "class"))
    assert page.is_disabled(tid("submit-review"))  # nothing goes up while a problem remains
    county.shot("06-critical-path-too-long")
    page.locator(tid(f"flow-step-{first}")).locator("button.tb-flow-card-title").click()
    page.fill(f"#flow-days-{first}", "3")
    close_drawer(page)
    wait_no_problems(county)
    expect_text(county, tid("flow-critical-path"), "关键路径 3")
    county.shot("07-critical-path-fits")

    # -- save and submit (三报: round 1) -------------------------------------------------
    page.click(tid("save-draft"))
    page.wait_for_url(re.compile(rf".*/designer/matters/implementation/{STANDARD}$"))
    expect_text(county, tid("matter-status"), "草稿")
    page.click(tid("submit-review"))
    expect_text(county, tid("matter-status"), "待审核")
    county.shot("08-submitted")

    # -- the city returns it with a reason (三审) ----------------------------------------
    city = login("harbin_admin")
    city.goto("/designer/reviews")
    row = city.page.locator(tid(f"pending-review-{COUNTY}-{STANDARD}"))
    row.get_by_role("link").click()
    city.page.wait_for_selector(tid("review-return"))
    city.shot("09-review")
    verdict(city, "authenticity", True)
    verdict(city, "legality", True)
    verdict(city, "rationality", False, "办理地点未写明，请补充办事指南中的办理地点")
    city.page.click(tid("review-return"))
    city.page.wait_for_url(re.compile(r".*/designer/reviews$"))
    city.shot("10-returned")

    # -- the county sees the reason, fixes the guide and resubmits (round 2) ------------
    county.goto(f"/designer/matters/implementation/{STANDARD}")
    expect_text(county, tid("matter-status"), "已退回")
    page.click(tid("editor-tab-review"))
    expect_text(county, tid("review-round-1"), "办理地点未写明")
    county.shot("11-returned-with-reason")
    page.click(tid("editor-tab-guide"))
    page.fill("#guide-address", "依兰县政务服务中心二楼市场监管窗口")
    expect_text(county, tid("guide-preview"), "依兰县政务服务中心二楼市场监管窗口")
    page.click(tid("save-draft"))
    expect_text(county, tid("matter-status"), "草稿")
    page.click(tid("submit-review"))
    expect_text(county, tid("matter-status"), "待审核")

    # -- the city approves -------------------------------------------------------------
    city.goto("/designer/reviews")
    city.page.locator(tid(f"pending-review-{COUNTY}-{STANDARD}")).get_by_role("link").click()
    city.page.wait_for_selector(tid("review-approve"))
    for aspect in ("authenticity", "legality", "rationality"):
        verdict(city, aspect, True)
    city.page.click(tid("review-approve"))
    city.page.wait_for_url(re.compile(r".*/designer/reviews$"))

    # -- the county publishes; both rounds are kept and numbered -------------------------
    county.goto(f"/designer/matters/implementation/{STANDARD}")
    expect_text(county, tid("matter-status"), "审核通过待发布")
    page.click(tid("publish"))
    confirm = page.locator(
        ".ant-modal-confirm .ant-btn-primary, .ant-popconfirm-buttons .ant-btn-primary"
    )
    if confirm.count():
        confirm.first.click()
    expect_text(county, tid("matter-status"), "已发布")
    page.click(tid("editor-tab-review"))
    page.wait_for_selector(tid("review-round-2"))
    county.shot("12-published")

    # -- a case on the new version runs to a sealed result, through GraphQL --------------
    base = county.app.url
    published = county.graphql(
        "query($c: String!) { definition(kind: IMPLEMENTATION, code: $c) { version document } }",
        {"c": STANDARD},
    )["body"]["data"]["definition"]
    assert published["version"] == 1
    document = published["document"]
    form_data = sample_instance(document["form"])
    materials = [m["code"] for m in document["materials"] if m.get("required", True)]
    clerk, reviewer, approver = (
        api_token(base, name) for name in ("yilan_clerk", "yilan_reviewer", "yilan_approver")
    )
    fields = "number status decision tasks { nodeId step }"
    submitted = ok(
        graphql(
            base,
            clerk,
            f"mutation($i: ApplicationInput!) {{ submitApplication(input: $i) {{ case {{ {fields} }} }} }}",
            i={
                "matterCode": STANDARD,
                "applicantName": "依兰县示例餐饮有限公司",
                "applicantKind": "LEGAL_PERSON",
                "applicantId": "91110000600037341L",
                "formData": form_data,
                "materials": materials,
                "commitment": True,
                "idempotencyKey": "browser-journey-1",
            },
        )
    )["submitApplication"]["case"]
    number = submitted["number"]
    command = "mutation($n: String!) {{ {name}(number: $n{args}) {{ case {{ {fields} }} }} }}"
    case = ok(
        graphql(base, clerk, command.format(name="acceptCase", args="", fields=fields), n=number)
    )["acceptCase"]["case"]
    while any(task["step"] == "review" for task in case["tasks"]):
        node = next(task["nodeId"] for task in case["tasks"] if task["step"] == "review")
        case = ok(
            graphql(
                base,
                reviewer,
                command.format(
                    name="completeStep", args=", nodeId: $node, opinion: PASS", fields=fields
                ).replace("$n: String!", "$n: String!, $node: String!"),
                n=number,
                node=node,
            )
        )["completeStep"]["case"]
    assert [task["step"] for task in case["tasks"]] == ["decide"]
    ok(
        graphql(
            base,
            approver,
            command.format(name="decideCase", args=", approve: true", fields=fields),
            n=number,
        )
    )
    done = ok(
        graphql(base, clerk, command.format(name="concludeCase", args="", fields=fields), n=number)
    )["concludeCase"]["case"]
    assert done["status"] == "concluded" and done["decision"] == "approved"
    result = ok(
        graphql(
            base,
            clerk,
            "query($n: String!) { case(number: $n) { result { valid reasonCode } } }",
            n=number,
        )
    )["case"]["result"]
    assert (result["valid"], result["reasonCode"]) == (True, "VALID")

    # -- a sibling county's admin sees and reaches none of it ----------------------------
    sibling = login("fangzheng_admin")
    sibling.goto("/designer/matters")
    sibling.page.wait_for_selector(tid("matters-table"))
    assert sibling.page.locator(tid(f"matter-row-implementation-{STANDARD}")).count() == 0
    sibling.goto(f"/designer/reviews/{COUNTY}/implementation/{STANDARD}/1")
    sibling.page.wait_for_selector("text=/不存在|无权/")
    sibling.shot("13-sibling-review-url")
    for query, variables in (
        (
            "query($t: String, $c: String!) { definition(tenantCode: $t, kind: IMPLEMENTATION, code: $c) { version } }",
            {"t": COUNTY, "c": STANDARD},
        ),
        (
            "query($t: String, $c: String!) { reviewRounds(tenantCode: $t, kind: IMPLEMENTATION, code: $c) { round } }",
            {"t": COUNTY, "c": STANDARD},
        ),
        (
            "query($t: String, $c: String!) { definitionDiff(tenantCode: $t, kind: IMPLEMENTATION, code: $c, fromVersion: 1, toVersion: 1) { fromVersion } }",
            {"t": COUNTY, "c": STANDARD},
        ),
        ("query($n: String!) { case(number: $n) { number } }", {"n": number}),
    ):
        answer = sibling.graphql(query, variables)["body"]
        assert [e["extensions"]["code"] for e in answer["errors"]] == ["NOT_FOUND"], answer
    refused = sibling.graphql(
        'mutation($c: String!) { reviewDefinition(subjectTenantCode: "230123", kind: IMPLEMENTATION, code: $c,'
        " review: {authenticityOk: true, legalityOk: true, rationalityOk: true}) { status } }",
        {"c": STANDARD},
    )["body"]
    assert refused["errors"][0]["extensions"]["code"] in ("NOT_FOUND", "FORBIDDEN"), refused
    assert not county.failed_responses and not city.failed_responses
