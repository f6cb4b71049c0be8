"""The isolation sweep over HTTP, on SQLite and PostgreSQL: every Query and Mutation field of
the schema, asked by 方正县 (230124) with API keys of every role, against 依兰县's (230123)
identifiers — its case, alert, complaint, webhook subscription, tenant code and matter codes —
and, for every field that names a case, against cases held by 方正县's parent (哈尔滨市) and
by its sibling's child (依兰镇), none of which the subtree rule lets it see.

Calls are built from ``schema.graphql_schema`` itself, so a new field is swept without a
change here (and the sweep fails if it cannot build a call for one). A field that names
something by an identifier must answer the sibling exactly as it answers for an identifier
that does not exist (``NOT_FOUND``, the same message apart from the identifier); a field that
reads or writes only the caller's own tenant must not show any of 依兰县's identifiers.
Afterwards every row of 依兰县 is as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    get_named_type,
)
from sqlalchemy import Engine, create_engine, select
from tests.conftest import PG_URL

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.models import Base, Tenant
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.adapters.graphql.context import GraphQLContext, Principal
from tongban.adapters.graphql.schema import schema
from tongban.app import create_app
from tongban.bootstrap import CAPABILITIES, Platform, case_results
from tongban.config import load_settings
from tongban.core.roles import Role
from tongban.services import apikeys
from tongban.services.actors import actor_for
from tongban.services.cases import supervision
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas

from .case_support import DEMO, Clock, application, submit
from .row_security_support import guard_off

GRAPHQL = schema.graphql_schema
YILAN, FANGZHENG = "230123", "230124"
YILAN_PATH = "100000/230000/230100/230123"
DRUG = "000172111003"
ONLY_YILAN = "000115041004"  # an implementation 依兰县 has and 方正县 does not
HOOK_URL = "https://yilan-system.example/hooks/tongban"
SECRET_TEXT = "依兰县内部投诉-不得外泄"
SETTINGS = load_settings({"TONGBAN_SECRET_KEY": "i" * 40})
# the department each of the sibling's keys acts for
SIBLING_KEYS = {
    Role.ADMIN: None,
    Role.CLERK: "zwfw",
    Role.REVIEWER: "scjgj",
    Role.APPROVER: "scjgj",
    Role.SUPERVISOR: None,
}
# The one argument that names the target, in the order the sweep looks for it; each with a
# value that exists nowhere. ``matterCode`` is looked for inside input objects too.
MISSING: dict[str, Any] = {
    "number": "230199-20260901-999999",
    "alertId": 987_654,
    "complaintId": 987_654,
    "id": "987654",
    "subjectTenantCode": "230199",
    "tenantCode": "230199",
    "code": "000000000000",
    "matterCode": "000000000000",
}

OWN_VALUES = {"url": "https://fangzheng-system.example/hook", "events": "*"}
STANDARD_CODE = {"implementationTemplate"}
"""Fields whose ``code`` names a standard in effect for the caller, published by an ancestor
the sibling shares with 依兰县: the sibling gets its own answer (checked like an own-tenant
field: none of 依兰县's identifiers in it); a code no ancestor publishes is NOT_FOUND."""
WITHIN_CASE = {"nodeId"}  # names a step of the case ``number`` names: not a target itself
PUBLIC = {"sealKeys"}
"""Fields that publish by design, for any tenant: public seal keys (the same file is served
without login at /seal-keys/<code>.json). The sibling gets 依兰县's answer exactly as anyone
does; a code that exists nowhere is NOT_FOUND."""


# --- 依兰县's data ----------------------------------------------------------------------


@dataclass(frozen=True)
class Yilan:
    """依兰县's identifiers, each argument name → the value that targets 依兰县."""

    ids: dict[str, Any]
    needles: tuple[str, ...]  # strings none of the sibling's own answers may contain


def _run(platform: Platform, env: CaseEnv, username: str, query: str, **variables: Any) -> Any:
    actor = actor_for(platform.db, username)
    context = GraphQLContext(platform, env, Principal(actor, "user"), "setup")
    result = schema.execute(query, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    return result.data


def _case_cmd(name: str, extra: str = "") -> str:
    return f"mutation($n: String!) {{ {name}(number: $n{extra}) {{ case {{ number }} }} }}"


def make_yilan_data(platform: Platform, schemas: Schemas) -> Yilan:
    """A case taken past its deadline (alerts), a complaint, a webhook subscription and a
    definition submitted for review, all 依兰县's, made through the API as its own users."""
    clock = Clock(dt.datetime(2026, 9, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    env = CaseEnv(schemas, sealer=case_results(SETTINGS), clock=clock)
    app = application(YILAN_PATH, DRUG)
    submitted = _run(
        platform,
        env,
        "yilan_clerk",
        "mutation($input: ApplicationInput!) { submitApplication(input: $input) "
        "{ case { number } } }",
        input={
            "matterCode": app.matter_code,
            "applicantName": app.applicant_name,
            "applicantId": app.applicant_id,
            "applicantKind": app.applicant_kind.upper(),
            "formData": dict(app.form_data),
            "materials": list(app.materials),
            "idempotencyKey": "yilan-1",
        },
    )
    number = submitted["submitApplication"]["case"]["number"]
    _run(platform, env, "yilan_clerk", _case_cmd("acceptCase"), n=number)
    clock.set("2026-09-30")
    supervision.sweep(platform.db, env)
    alerts = _run(platform, env, "yilan_admin", "{ alerts { items { id caseNumber } } }")
    [alert] = [a["id"] for a in alerts["alerts"]["items"] if a["caseNumber"] == number][:1]
    complaint = _run(
        platform,
        env,
        "yilan_clerk",
        "mutation($n: String!, $t: String!) { complain(number: $n, text: $t) { complaintId } }",
        n=number,
        t=SECRET_TEXT,
    )["complain"]["complaintId"]
    subscription = _run(
        platform,
        env,
        "yilan_admin",
        'mutation($u: String!) { subscribeWebhook(url: $u, events: ["*"]) { id } }',
        u=HOOK_URL,
    )["subscribeWebhook"]["id"]
    kind_code = "mutation($k: DefinitionKind!, $c: String!) { %s(kind: $k, code: $c) { version } }"
    _run(platform, env, "yilan_admin", kind_code % "startDraft", k="IMPLEMENTATION", c=ONLY_YILAN)
    _run(platform, env, "yilan_admin", kind_code % "submitDefinition", k="IMPLEMENTATION", c=ONLY_YILAN)  # fmt: skip
    ids = {
        "number": number,
        "alertId": alert,
        "complaintId": complaint,
        "id": subscription,
        "subjectTenantCode": YILAN,
        "tenantCode": YILAN,
        "code": ONLY_YILAN,
        "matterCode": ONLY_YILAN,
    }
    return Yilan(ids, (YILAN, "依兰", number, HOOK_URL, SECRET_TEXT))


def other_cases(platform: Platform, schemas: Schemas) -> dict[str, str]:
    """A case held by 方正县's parent and one by its sibling's child: who holds it → number."""
    clock = Clock(dt.datetime(2026, 9, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    env = CaseEnv(schemas, sealer=case_results(SETTINGS), clock=clock)
    held = {
        "parent": ("230100", "100000/230000/230100", "HLXK00000201"),
        "sibling's child": ("230123100", f"{YILAN_PATH}/230123100", "HLGG00000101"),
    }
    return {
        who: submit(platform.db, env, code, application(place, matter)).number
        for who, (code, place, matter) in held.items()
    }


def yilan_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of 依兰县 (and the tenants below it), table by table, as the tables' owner
    sees them (``engine`` is not held by row-level security)."""
    with engine.connect() as conn:
        tenant_ids = [
            row.id
            for row in conn.execute(select(Tenant.id, Tenant.code))
            if row.code.startswith(YILAN)
        ]
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name in ("tenant_id", "subject_tenant_id")]
            if table.name == "tenant":
                columns = [table.c.id]
            for column in columns:
                found = conn.execute(select(table).where(column.in_(tenant_ids))).all()
                rows[f"{table.name}.{column.name}"] = sorted(tuple(map(repr, r)) for r in found)
    return rows


# --- calls built from the schema -------------------------------------------------------


def _selection(kind: GraphQLOutputType, depth: int = 0) -> str:
    """Every field without required arguments, nested a few levels (``__typename`` at the
    bottom), so whatever a resolver returns is in the answer."""
    named = get_named_type(kind)
    if not isinstance(named, GraphQLObjectType):
        return ""
    if depth >= 4:
        return "{ __typename }"
    parts = []
    for name, field in named.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue
        parts.append(f"{name} {_selection(field.type, depth + 1)}".strip())
    return "{ " + " ".join(parts) + " }"


@dataclass
class Call:
    field: str
    query: str
    variables: dict[str, Any]
    target: str | None  # the argument naming 依兰县's thing; None: the caller's own tenant

    def missing(self) -> dict[str, Any]:
        """The same call with the target replaced by something that exists nowhere."""
        assert self.target is not None
        return self.aimed_at(MISSING[self.target])

    def aimed_at(self, target: Any) -> dict[str, Any]:
        """The same call with the target replaced by ``target``."""
        assert self.target is not None
        swapped = json.loads(json.dumps(self.variables))
        for value in swapped.values():
            if isinstance(value, dict) and self.target in value:
                value[self.target] = target
        if self.target in swapped:
            swapped[self.target] = target
        return swapped


class Builder:
    """A minimal valid call of each field, with 依兰县's identifiers where they fit."""

    def __init__(self, yilan: Yilan, documents: dict[str, Any]) -> None:
        self.yilan, self.documents = yilan, documents

    def value(self, name: str, kind: GraphQLInputType) -> Any:
        if name in self.yilan.ids:
            return self.yilan.ids[name]
        named = get_named_type(kind)
        inner = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
        if isinstance(inner, GraphQLList):
            return [self.value(name, inner.of_type)]
        if isinstance(named, GraphQLInputObjectType):
            return {
                field_name: self.value(field_name, field.type)
                for field_name, field in named.fields.items()
                if isinstance(field.type, GraphQLNonNull) or field_name in self.yilan.ids
            }
        if isinstance(named, GraphQLEnumType):
            values = list(named.values)
            return "IMPLEMENTATION" if "IMPLEMENTATION" in values else values[0]
        if name in OWN_VALUES:
            return OWN_VALUES[name]
        if isinstance(named, GraphQLScalarType):
            if named.name == "GenericScalar":
                return self.documents.get(name, {})
            simple = {"String": "r", "Int": 2, "Boolean": True, "Float": 1.0}
            if named.name in simple:
                return simple[named.name]
        raise AssertionError(f"no value for argument {name}: {kind}")  # a new kind of input

    def call(self, operation: str, name: str, field: GraphQLField) -> Call:
        passed: dict[str, GraphQLArgument] = {
            arg: spec
            for arg, spec in field.args.items()
            if isinstance(spec.type, GraphQLNonNull) or arg in self.yilan.ids
        }
        variables = {arg: self.value(arg, spec.type) for arg, spec in passed.items()}
        declared = ", ".join(f"${arg}: {spec.type}" for arg, spec in passed.items())
        arguments = ", ".join(f"{arg}: ${arg}" for arg in passed)
        query = f"{operation}{f'({declared})' if declared else ''} {{ {name}"
        query += f"({arguments})" if arguments else ""
        query += f" {_selection(field.type)} }}"
        names = set(passed)
        for spec in passed.values():
            inner = get_named_type(spec.type)
            if isinstance(inner, GraphQLInputObjectType):
                names |= set(inner.fields) & set(self.yilan.ids)
        target = next((arg for arg in MISSING if arg in names), None)
        return Call(name, query, variables, target)

    def every_call(self) -> list[Call]:
        calls = []
        for operation, root in (("query", GRAPHQL.query_type), ("mutation", GRAPHQL.mutation_type)):
            assert root is not None
            for name, field in root.fields.items():
                for arg, spec in field.args.items():
                    named = get_named_type(spec.type)
                    looks_like_id = named.name == "ID" or arg.endswith(("Id", "Code", "number"))
                    assert not looks_like_id or arg in MISSING or arg in WITHIN_CASE, (
                        f"{name}({arg}): an identifier the sweep does not know"
                    )
                calls.append(self.call(operation, name, field))
        return calls


# --- HTTP -----------------------------------------------------------------------------


@dataclass
class Sweep:
    app: Flask
    db: Database
    yilan: Yilan
    keys: dict[str, str]  # role → the sibling's key
    owner: Engine  # reads every row, for the before/after comparison
    cases: dict[str, str]  # more cases the sweeper may not see: who holds it → number

    def post(self, role: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        client: FlaskClient = self.app.test_client()
        response = client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.keys[role]}"},
        )
        assert response.status_code == 200, (query, response.get_json())
        body: dict[str, Any] = response.get_json()
        return body


@pytest.fixture
def sweep(db: Database, schemas: Schemas, fab_engines: list[Engine]) -> Sweep:
    return _sweep(db, schemas, fab_engines, db.engine)


@pytest.fixture
def rls_sweep(rls_db: Database, schemas: Schemas, fab_engines: list[Engine]) -> Iterator[Sweep]:
    """The same data on PostgreSQL as the restricted role; the sweep runs with the Python
    tenant guard off, so row-level security alone keeps the sibling out."""
    with rls_db.engine.connect() as conn:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    owner = create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        made = _sweep(rls_db, schemas, fab_engines, owner)
        with guard_off():
            yield made
    finally:
        owner.dispose()


def _sweep(db: Database, schemas: Schemas, fab_engines: list[Engine], owner: Engine) -> Sweep:
    load_tree(db, DEMO, schemas)
    platform = Platform(SETTINGS, db, schemas, CAPABILITIES)
    yilan = make_yilan_data(platform, schemas)
    cases = other_cases(platform, schemas)
    keys: dict[str, str] = {}
    with platform_unit_of_work(db, "test: sibling keys", write=True) as uow:
        for role, department in SIBLING_KEYS.items():
            _, keys[role.value] = apikeys.create_key(
                uow, FANGZHENG, role.value, f"fangzheng-{role.value}", department, True
            )
        uow.commit()
    settings = SETTINGS.__class__(**{**SETTINGS.__dict__, "database_url": db.url})
    app = create_app(Platform(settings, db, schemas, CAPABILITIES), testing=True)
    if db.engine not in fab_engines:
        fab_engines.append(db.engine)
    return Sweep(app, db, yilan, keys, owner, cases)


def _own_documents(sweep: Sweep) -> dict[str, Any]:
    """The sibling's own documents (nothing of 依兰县 in them) for document arguments."""
    query = """query($t: String, $k: DefinitionKind!, $c: String!) {
        definition(tenantCode: $t, kind: $k, code: $c) { document } }"""
    own = sweep.post("admin", query, {"k": "IMPLEMENTATION", "c": DRUG})
    standard = sweep.post("admin", query, {"t": "230000", "k": "STANDARD", "c": DRUG})
    implementation = own["data"]["definition"]["document"]
    return {
        "document": implementation,
        "form": implementation["form"],
        "flow": implementation["flow"],
        "formData": {},
        "payload": {},
        "standard": standard["data"]["definition"]["document"],
    }


def _normalized(body: dict[str, Any], identifier: Any) -> dict[str, Any]:
    """The answer with the asked-for identifier (in messages and error data) and the request
    id blanked out."""
    result: dict[str, Any] = json.loads(json.dumps(body))
    wanted = str(identifier)
    for error in result.get("errors", []):
        error["message"] = error["message"].replace(wanted, "<ID>")
        extensions = error["extensions"]
        extensions["requestId"] = None
        for key, value in (extensions.get("data") or {}).items():
            extensions["data"][key] = str(value).replace(wanted, "<ID>")
    return result


def test_a_sibling_county_reads_and_changes_nothing_of_the_other(sweep: Sweep) -> None:
    _sweep_every_field(sweep)


@pytest.mark.postgres
def test_row_level_security_alone_keeps_the_sibling_out(rls_sweep: Sweep) -> None:
    """Issue 12, point 8: the whole sweep again with the application's guard switched off."""
    _sweep_every_field(rls_sweep)


def _sweep_every_field(sweep: Sweep) -> None:
    documents = _own_documents(sweep)
    calls = Builder(sweep.yilan, documents).every_call()
    documents["document"] = documents["standard"]  # impact of a change to a standard
    fields = set(GRAPHQL.query_type.fields) | set(GRAPHQL.mutation_type.fields)  # type: ignore[union-attr]
    assert {c.field for c in calls} == fields  # every field has a call
    before = yilan_rows(sweep.owner)

    targeted, own = [c for c in calls if c.target], [c for c in calls if not c.target]
    standard_code = [c for c in targeted if c.field in STANDARD_CODE]
    assert {c.field for c in standard_code} == STANDARD_CODE
    targeted = [c for c in targeted if c.field not in STANDARD_CODE]
    own += standard_code
    for call in standard_code:
        nothing = sweep.post("admin", call.query, call.missing())
        assert [e["extensions"]["code"] for e in nothing["errors"]] == ["NOT_FOUND"], nothing
    public = [c for c in targeted if c.field in PUBLIC]
    targeted = [c for c in targeted if c.field not in PUBLIC]
    assert {c.field for c in public} == PUBLIC
    for call in public:
        answers = [sweep.post(role, call.query, call.variables) for role in sweep.keys]
        assert all("errors" not in a for a in answers), (call.field, answers)
        assert all(a == answers[0] for a in answers), call.field  # the same for everyone
        assert answers[0]["data"][call.field]["tenantCode"] == YILAN, answers[0]
        nothing = sweep.post("clerk", call.query, call.missing())
        assert [e["extensions"]["code"] for e in nothing["errors"]] == ["NOT_FOUND"], nothing
    for call in targeted:
        real = sweep.yilan.ids[call.target]  # type: ignore[index]
        codes = set()
        for role in sweep.keys:
            theirs = sweep.post(role, call.query, call.variables)
            nothing = sweep.post(role, call.query, call.missing())
            assert theirs.get("errors") and theirs["data"] in (None, {call.field: None}), (
                call.field,
                role,
                theirs,
            )
            assert _normalized(theirs, real) == _normalized(nothing, MISSING[call.target]), (  # type: ignore[index]
                call.field,
                role,
                theirs,
                nothing,
            )
            codes |= {e["extensions"]["code"] for e in theirs["errors"]}
            if call.target != "number":
                continue
            for held_by, number in sweep.cases.items():  # the parent's, a sibling's child's
                hidden = sweep.post(role, call.query, call.aimed_at(number))
                assert _normalized(hidden, number) == _normalized(nothing, MISSING["number"]), (
                    call.field,
                    role,
                    held_by,
                    hidden,
                    nothing,
                )
        assert "NOT_FOUND" in codes, (call.field, codes)  # some role got past authority

    for call in own:
        if call.field == "impactOfStandardChange":
            call.variables["document"] = documents["standard"]
        answered = False
        for role in sweep.keys:
            body = sweep.post(role, call.query, call.variables)
            text = json.dumps(body.get("data"), ensure_ascii=False)
            leaked = [needle for needle in sweep.yilan.needles if needle in text]
            assert not leaked, (call.field, role, leaked, body)
            answered = answered or "errors" not in body
        assert answered, call.field  # some role got an answer to look into

    assert yilan_rows(sweep.owner) == before  # nothing of 依兰县 changed
    print(f"\nswept {len(targeted)} targeted and {len(own)} own-tenant fields")
