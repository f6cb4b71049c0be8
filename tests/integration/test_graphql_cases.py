"""The cases area of the GraphQL schema, executed without HTTP on SQLite and PostgreSQL:
a whole case through mutations, the case's page, pagination, worklists, alerts, and a
sibling county that finds nothing anywhere."""

from __future__ import annotations

from typing import Any

import graphene
import pytest
from graphene.utils.str_converters import to_camel_case

from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.adapters.graphql import cases
from tongban.adapters.graphql.context import GraphQLContext, Principal
from tongban.adapters.graphql.schema import schema
from tongban.bootstrap import CAPABILITIES, Platform, case_results
from tongban.config import load_settings
from tongban.core.roles import Role
from tongban.services.actors import Actor
from tongban.services.cases import supervision
from tongban.services.cases.runtime import CaseEnv, ResultSealer
from tongban.services.schemas import Schemas

from .case_support import DEMO, Clock, application, user

YILAN = "100000/230000/230100/230123"
DRUG = "000172111003"  # 药品零售企业经营许可, county licence
FOOD = "HLXK00000201"  # 食品生产许可, 县初审市终审
MISSING = "000000000000000000000000"

SETTINGS = load_settings({"TONGBAN_SECRET_KEY": "x" * 40})

CASE_FIELDS = """
  number tenantCode matterCode status deadline { date provisional } acceptedAt supplementCount
  originCase decision
  tasks { nodeId step role department dueOn }
"""


@pytest.fixture
def sealer() -> ResultSealer:
    return case_results(SETTINGS)


@pytest.fixture
def api(db: Database, schemas: Schemas, env: CaseEnv) -> Api:
    load_tree(db, DEMO, schemas)
    return Api(Platform(SETTINGS, db, schemas, CAPABILITIES), env)


class Api:
    """Runs operations as a principal, straight against the schema."""

    def __init__(self, platform: Platform, env: CaseEnv) -> None:
        self.platform, self.env = platform, env

    def actor(self, username: str) -> Actor:
        return user(self.platform.db, username)

    def run(self, who: str | Actor, query: str, *, own_only: bool = False, **variables: Any) -> Any:
        """``own_only``: an API key created without its tenant's descendants."""
        actor = self.actor(who) if isinstance(who, str) else who
        principal = Principal(actor, "apikey", include_descendants=not own_only)
        context = GraphQLContext(self.platform, self.env, principal, "test")
        return schema.execute(query, variable_values=variables, context_value=context)

    def ok(self, who: str | Actor, query: str, **variables: Any) -> dict[str, Any]:
        result = self.run(who, query, **variables)
        assert result.errors is None, result.errors
        return result.data

    def error_code(self, who: str | Actor, query: str, **variables: Any) -> str:
        result = self.run(who, query, **variables)
        assert result.errors, result.data
        original = result.errors[0].original_error
        assert original is not None, result.errors[0]
        return str(original.code)

    def submit(
        self, who: str | Actor = "yilan_clerk", key: str | None = None, **changes: Any
    ) -> Any:
        app = application(YILAN, changes.pop("matter", DRUG), **changes)
        data = self.ok(
            who,
            SUBMIT,
            input={
                "matterCode": app.matter_code,
                "applicantName": app.applicant_name,
                "applicantId": app.applicant_id,
                "applicantKind": app.applicant_kind.upper(),
                "formData": dict(app.form_data),
                "materials": list(app.materials),
                "idempotencyKey": key,
            },
        )
        return data["submitApplication"]["case"]

    def case(self, who: str | Actor, number: str, fields: str = CASE_FIELDS) -> Any:
        return self.ok(who, f"query($n: String!) {{ case(number: $n) {{ {fields} }} }}", n=number)[
            "case"
        ]

    def command(self, who: str | Actor, name: str, args: str = "", **variables: Any) -> Any:
        """A case mutation by name: ``args`` are extra ``$variable: Type`` declarations."""
        declared = ", ".join(["$n: String!", *filter(None, [args])])
        passed = ", ".join(
            ["number: $n", *(f"{k}: ${k}" for k in variables if k != "n")],
        )
        query = f"mutation({declared}) {{ {name}({passed}) {{ case {{ {CASE_FIELDS} }} }} }}"
        return self.ok(who, query, **variables)[name]["case"]


SUBMIT = f"""
mutation($input: ApplicationInput!) {{
  submitApplication(input: $input) {{ case {{ {CASE_FIELDS} }} }}
}}
"""


def open_node(case: dict[str, Any], step: str) -> str:
    [node] = [t["nodeId"] for t in case["tasks"] if t["step"] == step]
    return node


def test_a_whole_case_through_mutations(api: Api) -> None:
    first = api.submit(key="county-system-1")
    again = api.submit(key="county-system-1")
    assert again["number"] == first["number"]  # one case per idempotency key
    number = first["number"]
    assert first["status"] == "received" and [t["step"] for t in first["tasks"]] == ["accept"]

    items = [
        {"target": "M003", "reason": "营业执照复印件不清晰"},
        {"target": "/contactMobile", "reason": "联系电话无法接通"},
    ]
    paused = api.command(
        "yilan_clerk", "requestSupplement", "$items: [SupplementItemInput!]!", n=number, items=items
    )
    assert (paused["status"], paused["supplementCount"]) == ("supplementing", 1)
    resumed = api.command(
        "yilan_clerk", "provideSupplement", "$materials: [String!]!", n=number, materials=["M003"]
    )
    assert resumed["status"] == "received"

    accepted = api.command("yilan_clerk", "acceptCase", n=number)
    assert accepted["status"] == "processing"
    # 10 working days after 09-01, inside the national data: not provisional
    assert accepted["deadline"] == {"date": "2026-09-15", "provisional": False}
    review = open_node(accepted, "review")
    assert all(t["dueOn"] for t in accepted["tasks"])
    reviewed = api.command(
        "yilan_reviewer",
        "completeStep",
        "$nodeId: String!, $opinion: StepOpinion!, $comment: String",
        n=number,
        nodeId=review,
        opinion="PASS",
        comment="符合要求",
    )
    assert [t["step"] for t in reviewed["tasks"]] == ["decide"]
    decided = api.command(
        "yilan_approver", "decideCase", "$approve: Boolean!", n=number, approve=True
    )
    assert decided["decision"] == "approved"
    done = api.command("yilan_clerk", "concludeCase", n=number)
    assert (done["status"], done["tasks"]) == ("concluded", [])

    page = api.case(
        "yilan_clerk",
        number,
        """number status deadline { date provisional } concludedAt auditProblems
        tasks { nodeId }
        events { seq kind actor payload }
        alerts { kind }
        linkedCases { number }
        result { valid reasonCode keyId departmentUscc document }""",
    )
    kinds = [e["kind"] for e in page["events"]]
    assert kinds[:3] == ["CaseSubmitted", "CaseReceived", "SupplementRequested"]
    assert kinds[-2:] == ["CaseConcluded", "ResultSealed"]
    assert [e["seq"] for e in page["events"]] == list(range(1, len(kinds) + 1))
    assert page["events"][0]["payload"]["idempotency_key"] == "county-system-1"
    assert page["auditProblems"] == [] and page["alerts"] == [] and page["linkedCases"] == []
    result = page["result"]
    assert (result["valid"], result["reasonCode"]) == (True, "VALID")
    assert result["keyId"] and result["document"]["case_number"] == number
    assert page["concludedAt"].endswith("+00:00")

    rated = api.ok(
        "yilan_clerk",
        'mutation($n: String!) { rateService(number: $n, level: 2, comment: "慢") '
        "{ rating { level label followupDue } } }",
        n=number,
    )["rateService"]["rating"]
    assert (rated["level"], rated["label"]) == (2, "不满意") and rated["followupDue"]
    answered = api.ok(
        "yilan_clerk",
        'mutation($n: String!) { answerRating(number: $n, answer: "已整改") '
        "{ rating { followupAnswer } } }",
        n=number,
    )["answerRating"]["rating"]
    assert answered["followupAnswer"] == "已整改"
    filed = api.ok(
        "yilan_clerk",
        'mutation($n: String!) { complain(number: $n, text: "窗口态度差") '
        "{ complaintId caseNumber } }",
        n=number,
    )["complain"]
    assert filed["caseNumber"] == number
    assert api.ok(
        "yilan_admin",
        'mutation($id: Int!) { answerComplaint(complaintId: $id, answer: "已约谈") '
        "{ complaintId } }",
        id=filed["complaintId"],
    ) == {"answerComplaint": {"complaintId": filed["complaintId"]}}
    # a case that has ended takes no more commands
    assert api.error_code("yilan_clerk", WITHDRAW, n=number) == "INVALID_STATE"


WITHDRAW = 'mutation($n: String!) { withdrawCase(number: $n, reason: "x") { case { status } } }'


def test_commands_refuse_the_wrong_role_and_bad_input(api: Api) -> None:
    number = api.submit()["number"]
    accept = "mutation($n: String!) { acceptCase(number: $n) { case { status } } }"
    assert api.error_code("yilan_reviewer", accept, n=number) == "FORBIDDEN"
    reject = 'mutation($n: String!) { rejectCase(number: $n, reasons: [" "]) { case { status } } }'
    assert api.error_code("yilan_clerk", reject, n=number) == "INVALID_INPUT"
    bad_form = SUBMIT
    result = api.run(
        "yilan_clerk",
        bad_form,
        input={
            "matterCode": DRUG,
            "applicantName": "x",
            "applicantId": "y",
            "applicantKind": "LEGAL_PERSON",
            "formData": [1, 2],
            "materials": [],
        },
    )
    assert result.errors and result.errors[0].original_error.code == "INVALID_INPUT"
    rejected = api.ok(
        "yilan_clerk",
        'mutation($n: String!) { rejectCase(number: $n, reasons: ["不属于本机关职权范围"]) '
        "{ case { status decision } } }",
        n=number,
    )["rejectCase"]["case"]
    assert rejected == {"status": "rejected", "decision": "rejected"}
    withdrawn = api.submit()["number"]
    assert api.ok("yilan_clerk", WITHDRAW, n=withdrawn)["withdrawCase"]["case"] == {
        "status": "withdrawn"
    }


def test_special_procedure_and_return_step(api: Api, clock: Clock) -> None:
    number = api.submit()["number"]
    accepted = api.command("yilan_clerk", "acceptCase", n=number)
    review = open_node(accepted, "review")
    api.command(
        "yilan_reviewer",
        "completeStep",
        "$nodeId: String!, $opinion: StepOpinion!",
        n=number,
        nodeId=review,
        opinion="PASS",
    )
    returned = api.command(
        "yilan_approver",
        "returnStep",
        "$nodeId: String!, $target: String!, $comment: String",
        n=number,
        nodeId="decide",
        target=review,
        comment="现场检查记录不全",
    )
    assert [t["nodeId"] for t in returned["tasks"]] == [review]
    paused = api.command(
        "yilan_reviewer",
        "startSpecialProcedure",
        "$kind: SpecialProcedureKind!, $reason: String!, $expectedDays: Int!",
        n=number,
        kind="EXPERT_REVIEW",
        reason="需专家评审经营场所",
        expectedDays=3,
    )
    assert paused["status"] == "special_procedure"
    clock.set("2026-09-04")
    resumed = api.command(
        "yilan_reviewer", "endSpecialProcedure", "$result: String!", n=number, result="评审通过"
    )
    assert resumed["status"] == "processing"
    assert (
        resumed["deadline"]["date"] > accepted["deadline"]["date"]
    )  # moved out by the paused working days


def test_escalation_shows_the_linked_city_case(api: Api) -> None:
    number = api.submit(matter=FOOD)["number"]
    accepted = api.command("yilan_clerk", "acceptCase", n=number)
    escalated = api.command(
        "yilan_reviewer",
        "completeStep",
        "$nodeId: String!, $opinion: StepOpinion!, $comment: String",
        n=number,
        nodeId=open_node(accepted, "review"),
        opinion="PASS",
        comment="初审通过",
    )
    assert [(t["nodeId"], t["step"]) for t in escalated["tasks"]] == [("up", None)]
    links = api.case("yilan_clerk", number, "linkedCases { number relation tenantCode visible }")
    [city] = links["linkedCases"]
    assert (city["relation"], city["tenantCode"], city["visible"]) == ("escalated", "230100", False)
    # the county cannot open the city's case; the city sees where it came from
    missing = "query($n: String!) { case(number: $n) { number } }"
    assert api.error_code("yilan_clerk", missing, n=city["number"]) == "NOT_FOUND"
    upper = api.case("harbin_clerk", city["number"], "originCase linkedCases { number relation }")
    assert upper["originCase"] == number
    assert upper["linkedCases"] == [{"number": number, "relation": "origin"}]
    # a city key made without its descendants does not open the county's case
    narrow = api.run("harbin_clerk", missing, own_only=True, n=number)
    assert narrow.errors and narrow.errors[0].original_error.code == "NOT_FOUND"
    assert api.run("harbin_clerk", missing, own_only=True, n=city["number"]).errors is None


PAGE = """
query($first: Int, $after: String, $status: CaseStatus) {
  cases(first: $first, after: $after, status: $status) {
    total nextCursor items { number status detail { tasks { step } } }
  }
}
"""


def test_case_list_pages_with_an_opaque_cursor(api: Api) -> None:
    numbers = [api.submit()["number"] for _ in range(5)]
    api.command("yilan_clerk", "acceptCase", n=numbers[0])
    seen: list[str] = []
    after = None
    while True:
        page = api.ok("yilan_clerk", PAGE, first=2, after=after)["cases"]
        assert page["total"] == 5 and len(page["items"]) <= 2
        seen += [item["number"] for item in page["items"]]
        after = page["nextCursor"]
        if after is None:
            break
    assert seen == sorted(numbers, reverse=True)  # newest first, each once
    # a cursor taken with one page size works with another
    cursor = api.ok("yilan_clerk", PAGE, first=2)["cases"]["nextCursor"]
    rest = api.ok("yilan_clerk", PAGE, first=3, after=cursor)["cases"]
    assert [i["number"] for i in rest["items"]] == seen[2:5] and rest["nextCursor"] is None
    everything = api.ok("yilan_clerk", PAGE, first=10_000)["cases"]
    assert len(everything["items"]) == 5  # capped at 100, not refused
    only = api.ok("yilan_clerk", PAGE, status="PROCESSING")["cases"]
    assert [i["number"] for i in only["items"]] == [numbers[0]]
    assert only["items"][0]["detail"]["tasks"][0]["step"] == "review"
    assert api.ok("yilan_clerk", PAGE, first=0)["cases"]["items"] == []
    assert api.error_code("yilan_clerk", PAGE, after="not a cursor") == "INVALID_INPUT"
    past = cases.encode_cursor(50)
    assert api.ok("yilan_clerk", PAGE, after=past)["cases"] == {
        "total": 5,
        "nextCursor": None,
        "items": [],
    }
    # the parent city sees its county's cases; a sibling county sees none
    assert api.ok("harbin_clerk", PAGE)["cases"]["total"] == 5
    assert api.ok("fangzheng_clerk", PAGE)["cases"]["total"] == 0


WORKLIST = """
query($first: Int, $after: String, $role: StepRole) {
  worklist(first: $first, after: $after, role: $role) {
    total nextCursor items { caseNumber matterName task { nodeId step department role } }
  }
}
"""


def test_worklists_per_department_and_role(api: Api) -> None:
    numbers = [api.submit()["number"] for _ in range(3)]
    clerk = api.ok("yilan_clerk", WORKLIST, first=2)["worklist"]
    assert clerk["total"] == 3 and len(clerk["items"]) == 2
    assert {i["task"]["step"] for i in clerk["items"]} == {"accept"}
    rest = api.ok("yilan_clerk", WORKLIST, first=2, after=clerk["nextCursor"])["worklist"]
    assert len(rest["items"]) == 1 and rest["nextCursor"] is None
    assert {i["caseNumber"] for i in clerk["items"] + rest["items"]} == set(numbers)
    assert api.ok("yilan_clerk", WORKLIST, role="REVIEWER")["worklist"]["total"] == 0
    assert api.ok("yilan_reviewer", WORKLIST)["worklist"]["total"] == 0
    api.command("yilan_clerk", "acceptCase", n=numbers[0])
    review = api.ok("yilan_reviewer", WORKLIST)["worklist"]
    assert [(i["caseNumber"], i["task"]["department"]) for i in review["items"]] == [
        (numbers[0], "scjgj")
    ]
    assert api.ok("yilan_mzj_clerk", WORKLIST)["worklist"]["total"] == 0  # another department
    assert api.ok("fangzheng_clerk", WORKLIST)["worklist"]["total"] == 0


ALERTS = """
query($status: AlertStatus, $subtree: Boolean) {
  alerts(status: $status, subtree: $subtree) {
    total items { id caseNumber tenantCode kind status urgeNote resolution }
  }
}
"""
URGE = """
mutation($id: Int!) { urgeAlert(alertId: $id, note: "请于三日内办结") {
  alertId alert { status urgeNote } } }
"""
RESOLVE = """
mutation($id: Int!) { resolveAlert(alertId: $id, resolution: "已办结") {
  alertId alert { status resolution } } }
"""


def overdue_case(api: Api, clock: Clock) -> tuple[str, int]:
    """A 230123 case past its deadline, with its CASE_OVERDUE alert's id."""
    number = api.submit()["number"]
    api.command("yilan_clerk", "acceptCase", n=number)
    clock.set("2026-09-30")
    supervision.sweep(api.platform.db, api.env)
    red = [
        a
        for a in api.ok("yilan_clerk", ALERTS)["alerts"]["items"]
        if a["kind"] == "CASE_OVERDUE" and a["caseNumber"] == number
    ]
    return number, red[0]["id"]


def test_alerts_deadlines_urging_and_resolution(api: Api, clock: Clock) -> None:
    number, red = overdue_case(api, clock)
    page = api.case("yilan_clerk", number, "deadline { date } alerts { kind level status }")
    assert page["deadline"] == {"date": "2026-09-15"}
    assert {a["kind"] for a in page["alerts"]} == {"CASE_OVERDUE", "STEP_OVERDUE"}
    city = api.ok("harbin_supervisor", ALERTS)["alerts"]
    assert {a["tenantCode"] for a in city["items"]} == {"230123"}
    assert api.ok("harbin_supervisor", ALERTS, subtree=False)["alerts"]["total"] == 0
    own = api.run("harbin_supervisor", ALERTS, own_only=True)
    assert own.errors is None and own.data["alerts"]["total"] == 0
    assert api.ok("fangzheng_admin", ALERTS)["alerts"]["total"] == 0
    urged = api.ok("harbin_supervisor", URGE, id=red)["urgeAlert"]
    assert urged == {"alertId": red, "alert": {"status": "urged", "urgeNote": "请于三日内办结"}}
    assert api.error_code("yilan_clerk", RESOLVE, id=red) == "FORBIDDEN"  # not the admin
    resolved = api.ok("yilan_admin", RESOLVE, id=red)["resolveAlert"]["alert"]
    assert resolved == {"status": "resolved", "resolution": "已办结"}
    assert api.ok("yilan_admin", ALERTS, status="RESOLVED")["alerts"]["total"] == 1


# -------------------------------------------------------------------- isolation sweep

SIBLING = Actor("fangzheng_all", "230124", frozenset(Role), "scjgj")
"""A sibling county's principal holding every role: only tenant scoping can stop it."""

BY_NUMBER: dict[str, str] = {
    "case": "query($n: String!) { case(number: $n) { number } }",
    "acceptCase": "mutation($n: String!) { acceptCase(number: $n) { case { number } } }",
    "rejectCase": 'mutation($n: String!) { rejectCase(number: $n, reasons: ["r"]) '
    "{ case { number } } }",
    "requestSupplement": "mutation($n: String!) { requestSupplement(number: $n, "
    'items: [{target: "M003", reason: "r"}]) { case { number } } }',
    "provideSupplement": 'mutation($n: String!) { provideSupplement(number: $n, materials: ["M003"])'
    " { case { number } } }",
    "completeStep": 'mutation($n: String!) { completeStep(number: $n, nodeId: "review_full", '
    'opinion: PASS, comment: "c") { case { number } } }',
    "returnStep": 'mutation($n: String!) { returnStep(number: $n, nodeId: "review_full", '
    'target: "accept") { case { number } } }',
    "startSpecialProcedure": "mutation($n: String!) { startSpecialProcedure(number: $n, "
    'kind: HEARING, reason: "r", expectedDays: 2) { case { number } } }',
    "endSpecialProcedure": 'mutation($n: String!) { endSpecialProcedure(number: $n, result: "r") '
    "{ case { number } } }",
    "decideCase": "mutation($n: String!) { decideCase(number: $n, approve: true) "
    "{ case { number } } }",
    "concludeCase": "mutation($n: String!) { concludeCase(number: $n) { case { number } } }",
    "withdrawCase": 'mutation($n: String!) { withdrawCase(number: $n, reason: "r") '
    "{ case { number } } }",
    "verifyCommitment": "mutation($n: String!) { verifyCommitment(number: $n, truthful: false) "
    "{ case { number } } }",
    "pushExternalResult": 'mutation($n: String!) { pushExternalResult(number: $n, nodeId: "x", '
    "approved: true, payload: {a: 1}) { case { number } } }",
    "rateService": "mutation($n: String!) { rateService(number: $n, level: 1) "
    "{ rating { level } } }",
    "answerRating": 'mutation($n: String!) { answerRating(number: $n, answer: "a") '
    "{ rating { level } } }",
    "complain": 'mutation($n: String!) { complain(number: $n, text: "t") { complaintId } }',
}
BY_ID: dict[str, str] = {
    "urgeAlert": 'mutation($id: Int!) { urgeAlert(alertId: $id, note: "n") { alertId } }',
    "resolveAlert": 'mutation($id: Int!) { resolveAlert(alertId: $id, resolution: "r") '
    "{ alertId } }",
    "answerComplaint": 'mutation($id: Int!) { answerComplaint(complaintId: $id, answer: "a") '
    "{ complaintId } }",
}
LISTS = {"cases", "worklist", "alerts", "submitApplication"}  # checked by what they return


def fields_of(mixin: type) -> set[str]:
    return {to_camel_case(n) for n, v in vars(mixin).items() if isinstance(v, graphene.Field)}


def test_the_sweep_covers_every_field_of_the_module() -> None:
    assert fields_of(cases.Query) | fields_of(cases.Mutation) == set(BY_NUMBER) | set(BY_ID) | LISTS


def test_a_sibling_county_finds_nothing_and_changes_nothing(api: Api, clock: Clock) -> None:
    number, alert = overdue_case(api, clock)
    complaint = api.ok(
        "yilan_clerk",
        'mutation($n: String!) { complain(number: $n, text: "t") { complaintId } }',
        n=number,
    )["complain"]["complaintId"]
    watch = "status events { seq } alerts { status urgeNote resolution }"
    before = api.case("yilan_clerk", number, watch)

    def same_error(name: str, query: str, real: dict[str, Any], fake: dict[str, Any]) -> None:
        theirs, nothing = api.run(SIBLING, query, **real), api.run(SIBLING, query, **fake)
        assert theirs.errors and nothing.errors, (name, theirs.data)
        mine, none = theirs.errors[0].original_error, nothing.errors[0].original_error
        assert (mine.code, none.code) == ("NOT_FOUND", "NOT_FOUND"), (name, mine, none)
        assert mine.data["kind"] == none.data["kind"], name
        assert theirs.data == nothing.data, name

    for name, query in BY_NUMBER.items():
        same_error(name, query, {"n": number}, {"n": MISSING})
    for name, query in BY_ID.items():
        real = alert if "Alert" in name else complaint
        same_error(name, query, {"id": real}, {"id": 987_654})

    assert api.ok(SIBLING, PAGE)["cases"]["total"] == 0
    assert api.ok(SIBLING, WORKLIST)["worklist"]["total"] == 0
    assert api.ok(SIBLING, ALERTS)["alerts"]["total"] == 0
    # the same idempotency key in the sibling county makes the sibling its own case
    mine = api.submit(key="shared-key")["number"]
    theirs = api.submit(SIBLING, key="shared-key")
    assert theirs["tenantCode"] == "230124" and theirs["number"] != mine

    assert api.case("yilan_clerk", number, watch) == before  # nothing changed


# --- working-day calendars (issue 9) ------------------------------------------------------

ARRANGEMENT = """\
year: 2027
document: 测试〔2027〕1号
title: 测试用 2027 年放假安排（非真实文件）
holidays:
  - {date: '2027-01-01', name: 元旦}
  - {date: '2027-01-08', name: 测试假日}
"""
IMPORT = """mutation($t: String!, $y: String!) {
  importCalendar(tenantCode: $t, yaml: $y) { tenantCode year document checked recomputed failed }
}"""
CALENDAR = """query($y: Int!, $t: String) {
  calendar(year: $y, tenantCode: $t) {
    tenantCode year workdays provisional arrangement
    days { date workday layer tenantCode name arrangement }
  }
}"""


def test_deadlines_are_provisional_until_the_platform_admin_loads_the_year(
    api: Api, clock: Clock
) -> None:
    clock.set("2026-12-28")
    number = api.submit()["number"]
    accepted = api.command("yilan_clerk", "acceptCase", n=number)
    # 12-29…12-31: 3; 01-01 元旦 by the law; 01-04…01-12: 7
    assert accepted["deadline"] == {"date": "2027-01-12", "provisional": True}
    assert all(t["dueOn"] for t in accepted["tasks"])
    before = api.ok("yilan_clerk", CALENDAR, y=2027)["calendar"]
    assert (before["tenantCode"], before["provisional"], before["arrangement"]) == (
        "230123",
        True,
        None,
    )
    assert {"date": "2027-01-01", "workday": False, "layer": "PROVISIONAL"}.items() <= before[
        "days"
    ][0].items()

    # a county's admin, a province's admin: not theirs to load
    for who in ("yilan_admin", "hlj_admin"):
        assert api.error_code(who, IMPORT, t="230123", y=ARRANGEMENT) == "FORBIDDEN"
    # bad text: every problem, nothing loaded
    bad = api.run("guojia_admin", IMPORT, t="100000", y=ARRANGEMENT + "remark: x\n")
    assert bad.errors and "CALENDAR_UNKNOWN_KEY" in bad.errors[0].message
    assert api.ok("yilan_clerk", CALENDAR, y=2027)["calendar"]["provisional"] is True

    loaded = api.ok("guojia_admin", IMPORT, t="100000", y=ARRANGEMENT)["importCalendar"]
    assert loaded == {
        "tenantCode": "100000",
        "year": 2027,
        "document": "测试〔2027〕1号",
        "checked": 1,
        "recomputed": [number],
        "failed": [],
    }
    after = api.case("yilan_clerk", number, "deadline { date provisional } events { kind }")
    assert after["deadline"] == {"date": "2027-01-13", "provisional": False}
    assert after["events"][-1]["kind"] == "DeadlinesRecomputed"
    year = api.ok("yilan_clerk", CALENDAR, y=2027)["calendar"]
    assert (year["provisional"], year["arrangement"]) == (False, "测试〔2027〕1号")
    extra = next(d for d in year["days"] if d["date"] == "2027-01-08")
    assert (extra["workday"], extra["layer"], extra["tenantCode"]) == (False, "ANCESTOR", "100000")


def test_a_calendar_is_read_within_the_lineage_only(api: Api) -> None:
    assert api.ok("yilan_clerk", CALENDAR, y=2026, t="230100")["calendar"]["workdays"] == 248
    assert api.error_code("yilan_clerk", CALENDAR, y=2026, t="230124") == "NOT_FOUND"  # sibling
    assert api.error_code("fangzheng_admin", IMPORT, t="230123", y=ARRANGEMENT) == "NOT_FOUND"
    # a parent sees its child's calendar; a key without descendants does not
    assert api.ok("harbin_admin", CALENDAR, y=2026, t="230123")["calendar"]["year"] == 2026
    own_only = api.run("harbin_admin", CALENDAR, own_only=True, y=2026, t="230123")
    assert own_only.errors and own_only.errors[0].original_error.code == "NOT_FOUND"
