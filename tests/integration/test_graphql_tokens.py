"""Tokens for people (``POST /api/token``, ``Authorization: Bearer tbu_…``) through Flask's
test client, on SQLite and PostgreSQL, with the demo tree and its logins.

A token must act exactly as its login's session: same tenant, roles and department, same
isolation (a sibling's case is the same ``NOT_FOUND`` as a number that does not exist).
Expired, tampered and revoked tokens get a 401 ``UNAUTHENTICATED`` with a stable reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine
from werkzeug.test import TestResponse

from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.adapters.http import person_tokens
from tongban.adapters.web.demo import create_demo_logins
from tongban.app import create_app
from tongban.bootstrap import Platform, case_results
from tongban.config import TOKEN_MINUTES, Settings, load_settings
from tongban.services import tokens
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas

from .case_support import DEMO, PASSWORD, application
from .graphql_support import data
from .graphql_support import post as gql
from .web_support import login

SECRET = "t" * 40
YILAN_PATH = "100000/230000/230100/230123"
DRUG = "000172111003"
NOW = dt.datetime(2026, 9, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ME = "{ me { kind username roles department includeDescendants tenant { code } } }"
SUBMIT = """mutation($input: ApplicationInput!) {
  submitApplication(input: $input) { case { number status tasks { step department role } } }
}"""
ACCEPT = "mutation($n: String!) { acceptCase(number: $n) { case { number status } } }"
CASE = "query($n: String!) { case(number: $n) { number status events { kind actor } } }"
MISSING_CASE = "11230124MB0000203Y4000172111003202609019999"


@pytest.fixture(autouse=True)
def fresh_trust() -> Iterator[None]:
    """Every test checks its tokens' logins afresh (the databases are reused)."""
    person_tokens.forget_trusted()
    yield
    person_tokens.forget_trusted()


@pytest.fixture
def app(db: Database, schemas: Schemas, tmp_path: Path, fab_engines: list[Engine]) -> Flask:
    load_tree(db, DEMO, schemas)
    settings = Settings(db.url, "memory://", SECRET, "test", tmp_path, None)
    application_ = create_app(Platform(settings, db, schemas), testing=True)
    if db.engine not in fab_engines:
        fab_engines.append(db.engine)
    create_demo_logins(application_, db, PASSWORD)  # resets every password
    sm = application_.extensions["appbuilder"].sm
    with application_.app_context():
        for user in sm.get_all_users():  # FAB's rows outlive a test: undo deactivations
            if not user.active:
                user.active = True
                sm.update_user(user)
    application_.extensions["tongban_case_env"] = CaseEnv(
        schemas,
        sealer=case_results(load_settings({"TONGBAN_SECRET_KEY": SECRET})),
        clock=lambda: NOW,
    )
    return application_


def token_by_password(app: Flask, username: str) -> str:
    response = app.test_client().post(
        "/api/token", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.get_json()
    token: str = response.get_json()["token"]
    return token


def refusal(response: TestResponse, status: int = 401) -> dict[str, Any]:
    """The one error of a refused request, request id checked and blanked."""
    body = response.get_json()
    assert response.status_code == status, body
    assert set(body) == {"errors"} and len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    assert error["extensions"]["requestId"] == response.headers["X-Request-Id"]
    return {**error, "extensions": {**error["extensions"], "requestId": None}}


def reason(app: Flask, token: str) -> str:
    error = refusal(gql(app.test_client(), ME, token))
    assert error["extensions"]["code"] == "UNAUTHENTICATED", error
    found: str = error["extensions"]["reason"]
    return found


# --- issuing ---------------------------------------------------------------------------


def test_a_session_gets_a_token_that_acts_as_the_session(app: Flask) -> None:
    client = login(app, "yilan_clerk")
    response = client.post("/api/token")
    body = response.get_json()
    assert response.status_code == 200, body
    assert response.headers["Cache-Control"] == "no-store"
    assert body["token"].startswith("tbu_") and body["tokenType"] == "Bearer"
    assert body["expiresIn"] == TOKEN_MINUTES * 60
    assert body["username"] == "yilan_clerk"
    assert body["tenant"] == {"code": "230123", "name": "依兰县"}
    expires = dt.datetime.fromisoformat(body["expiresAt"])
    assert abs((expires - dt.datetime.now(dt.UTC)).total_seconds() - TOKEN_MINUTES * 60) < 60

    by_session = data(gql(client, ME))
    by_token = data(gql(app.test_client(), ME, body["token"]))  # no cookie
    assert by_token == by_session
    assert by_token["me"] == {
        "kind": "user",
        "username": "yilan_clerk",
        "roles": ["clerk"],
        "department": "zwfw",
        "includeDescendants": True,
        "tenant": {"code": "230123"},
    }


def test_a_password_gets_a_token(app: Flask) -> None:
    token = token_by_password(app, "fangzheng_admin")
    me = data(gql(app.test_client(), ME, token))["me"]
    assert (me["username"], me["roles"], me["tenant"]) == (
        "fangzheng_admin",
        ["admin"],
        {"code": "230124"},
    )
    # a body with credentials names the login, whoever's session came along
    client = login(app, "yilan_clerk")
    response = client.post("/api/token", json={"username": "yilan_admin", "password": PASSWORD})
    assert response.get_json()["username"] == "yilan_admin"


def test_the_lifetime_is_configurable(app: Flask) -> None:
    platform: Platform = app.extensions["tongban"]
    app.extensions["tongban"] = dataclasses.replace(
        platform, settings=dataclasses.replace(platform.settings, token_minutes=5)
    )
    body = app.test_client().post(
        "/api/token", json={"username": "yilan_clerk", "password": PASSWORD}
    )
    assert body.get_json()["expiresIn"] == 300
    assert load_settings({}).token_minutes == TOKEN_MINUTES == 480
    assert load_settings({"TONGBAN_TOKEN_MINUTES": "60"}).token_minutes == 60
    for bad in ("0", "-5", "eight", "1441"):
        with pytest.raises(RuntimeError, match="TONGBAN_TOKEN_MINUTES"):
            load_settings({"TONGBAN_TOKEN_MINUTES": bad})


def test_a_wrong_password_is_refused_without_saying_which_part(app: Flask) -> None:
    def attempt(username: str, password: str) -> dict[str, Any]:
        response = app.test_client().post(
            "/api/token", json={"username": username, "password": password}
        )
        assert "token" not in response.get_json()
        return refusal(response)

    wrong_password = attempt("yilan_clerk", "not-the-password")
    unknown_user = attempt("nobody_here", PASSWORD)
    assert wrong_password == unknown_user
    assert wrong_password["extensions"] == {
        "code": "UNAUTHENTICATED",
        "requestId": None,
        "reason": "BAD_CREDENTIALS",
    }
    assert "yilan_clerk" not in json.dumps(wrong_password, ensure_ascii=False)

    # deactivated logins are refused the same way
    sm = app.extensions["appbuilder"].sm
    with app.app_context():
        user = sm.find_user(username="yilan_clerk")
        user.active = False
        sm.update_user(user)
    assert attempt("yilan_clerk", PASSWORD) == unknown_user


def test_requests_without_credentials_or_with_a_bad_body(app: Flask) -> None:
    client = app.test_client()
    nothing = refusal(client.post("/api/token"))
    assert nothing["extensions"]["reason"] == "NO_CREDENTIALS"
    assert refusal(client.post("/api/token", json={})) == nothing
    for body in (
        {"username": "yilan_clerk"},
        {"username": "yilan_clerk", "password": 123},
        {"username": "", "password": PASSWORD},
        {"username": "yilan_clerk", "password": PASSWORD, "tenant": "230123"},
        ["yilan_clerk", PASSWORD],
    ):
        error = refusal(client.post("/api/token", json=body), 400)
        assert error["extensions"]["code"] == "BAD_REQUEST", body
    error = refusal(client.post("/api/token", data="username=a&password=b"), 400)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert client.get("/api/token").status_code == 405


def test_the_token_page_issues_one_to_a_logged_in_person(app: Flask) -> None:
    assert app.test_client().get("/token/").status_code == 302  # to the login page
    client = login(app, "yilan_reviewer")
    assert "/token/" in client.get("/").get_data(as_text=True)  # linked from the start page
    page = client.get("/token/").get_data(as_text=True)
    assert "获取令牌" in page and "tbu_" not in page
    response = client.post("/token/")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = re.findall(r"tbu_[\w.-]+", response.get_data(as_text=True))[0]
    me = data(gql(app.test_client(), ME, token))["me"]
    assert (me["username"], me["department"]) == ("yilan_reviewer", "scjgj")


# --- acting --------------------------------------------------------------------------------


def submit(app: Flask, token: str) -> dict[str, Any]:
    sample = application(YILAN_PATH, DRUG)
    variables = {
        "input": {
            "matterCode": sample.matter_code,
            "applicantName": sample.applicant_name,
            "applicantId": sample.applicant_id,
            "applicantKind": sample.applicant_kind.upper(),
            "formData": dict(sample.form_data),
            "materials": list(sample.materials),
            "idempotencyKey": "token-test-1",
        }
    }
    case: dict[str, Any] = data(gql(app.test_client(), SUBMIT, token, **variables))[
        "submitApplication"
    ]["case"]
    return case


def test_a_token_queries_and_changes_with_the_person_s_authority(app: Flask) -> None:
    clerk = token_by_password(app, "yilan_clerk")
    admin = token_by_password(app, "yilan_admin")
    case = submit(app, clerk)
    assert case["status"] == "received"
    assert case["tasks"] == [{"step": "accept", "department": "zwfw", "role": "clerk"}]

    # the county admin reads the case but may not accept it: acceptance is the clerk's
    refused = gql(app.test_client(), ACCEPT, admin, n=case["number"]).get_json()
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    accepted = data(gql(app.test_client(), ACCEPT, clerk, n=case["number"]))
    assert accepted["acceptCase"]["case"]["status"] == "processing"

    seen = data(gql(app.test_client(), CASE, admin, n=case["number"]))["case"]
    assert seen["status"] == "processing"
    assert [(e["kind"], e["actor"]) for e in seen["events"]][:3] == [
        ("CaseSubmitted", "yilan_clerk"),
        ("CaseReceived", "yilan_clerk"),
        ("CaseAccepted", "yilan_clerk"),
    ]


def test_a_sibling_county_s_token_finds_no_case(app: Flask) -> None:
    number = submit(app, token_by_password(app, "yilan_clerk"))["number"]
    for username in ("fangzheng_clerk", "fangzheng_admin"):
        sibling = token_by_password(app, username)
        theirs = gql(app.test_client(), CASE, sibling, n=number).get_json()
        missing = gql(app.test_client(), CASE, sibling, n=MISSING_CASE).get_json()
        assert theirs["data"] == {"case": None} == missing["data"]
        assert [e["extensions"]["code"] for e in theirs["errors"]] == ["NOT_FOUND"]

        def normalized(body: dict[str, Any], asked: str) -> Any:
            text = json.dumps(body["errors"], ensure_ascii=False).replace(asked, "<N>")
            errors = json.loads(text)
            for error in errors:
                error["extensions"]["requestId"] = None
            return errors

        assert normalized(theirs, number) == normalized(missing, MISSING_CASE)
        assert "依兰" not in json.dumps(theirs, ensure_ascii=False)


# --- refusing ------------------------------------------------------------------------------


def _stamp(app: Flask, username: str) -> str:
    with app.app_context():
        user = app.extensions["appbuilder"].sm.find_user(username=username)
        return tokens.stamp(SECRET, user.id, user.password)


def test_expired_and_tampered_tokens_are_refused(app: Flask) -> None:
    stamp = _stamp(app, "yilan_clerk")
    hour = dt.timedelta(hours=1)
    good, _ = tokens.issue(SECRET, "yilan_clerk", "230123", stamp, hour)
    assert data(gql(app.test_client(), ME, good))["me"]["username"] == "yilan_clerk"

    expired, _ = tokens.issue(SECRET, "yilan_clerk", "230123", stamp, hour, time.time() - 7200)
    error = refusal(gql(app.test_client(), ME, expired))
    assert error["extensions"] == {
        "code": "UNAUTHENTICATED",
        "requestId": None,
        "reason": "TOKEN_EXPIRED",
    }
    assert error["message"].startswith("令牌已过期")
    assert "data" not in gql(app.test_client(), ME, expired).get_json()

    payload, _, signature = good[len("tbu_") :].rpartition(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    other_payload, _ = tokens.issue(SECRET, "yilan_admin", "230123", stamp, 10 * hour)
    foreign, _ = tokens.issue("another-secret-" + "x" * 30, "yilan_clerk", "230123", stamp, hour)
    expired_forgery = expired[:-3] + ("abc" if not expired.endswith("abc") else "xyz")
    tampered = {
        "signature changed": f"tbu_{payload}.{flipped}",
        "payload swapped": f"tbu_{other_payload[len('tbu_') :].rpartition('.')[0]}.{signature}",
        "signed with another key": foreign,
        "expired and forged": expired_forgery,
        "not even signed": "tbu_eyJzdWIiOiJ5aWxhbl9jbGVyayJ9",
        "truncated": good[:-10],
    }
    for what, token in tampered.items():
        assert reason(app, token) == "TOKEN_INVALID", what

    # a bad token is refused even with a good session
    client = login(app, "yilan_clerk")
    assert refusal(gql(client, ME, expired))["extensions"]["reason"] == "TOKEN_EXPIRED"


def test_changing_the_password_revokes_every_token(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = token_by_password(app, "yilan_clerk")
    second = login(app, "yilan_clerk").post("/api/token").get_json()["token"]
    for token in (first, second):
        assert data(gql(app.test_client(), ME, token))["me"]["username"] == "yilan_clerk"

    sm = app.extensions["appbuilder"].sm
    with app.app_context():
        sm.reset_password(sm.find_user(username="yilan_clerk").id, "a-new-password-456")
    # checked tokens are trusted for a while without a database read (like API keys) …
    assert data(gql(app.test_client(), ME, first))["me"]["username"] == "yilan_clerk"
    # … and once that is over, refused
    monkeypatch.setattr(person_tokens, "TRUST_SECONDS", 0.0)
    person_tokens.forget_trusted()
    for token in (first, second):
        error = refusal(gql(app.test_client(), ME, token))
        assert error["extensions"]["reason"] == "TOKEN_REVOKED", error
        assert error["message"].startswith("令牌已吊销")

    renewed = app.test_client().post(
        "/api/token", json={"username": "yilan_clerk", "password": "a-new-password-456"}
    )
    assert data(gql(app.test_client(), ME, renewed.get_json()["token"]))["me"]["username"]


def test_a_deactivated_login_s_tokens_are_refused(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(person_tokens, "TRUST_SECONDS", 0.0)
    token = token_by_password(app, "yilan_admin")
    assert data(gql(app.test_client(), ME, token))
    sm = app.extensions["appbuilder"].sm
    with app.app_context():
        user = sm.find_user(username="yilan_admin")
        user.active = False
        sm.update_user(user)
    assert reason(app, token) == "TOKEN_REVOKED"


def test_a_token_for_another_tenant_than_the_login_s_is_refused(app: Flask) -> None:
    """Made with the right key, the token names a tenant its login does not belong to (the
    user moved): the tenant comes from the login, never from the token alone."""
    stamp = _stamp(app, "yilan_clerk")
    moved, _ = tokens.issue(SECRET, "yilan_clerk", "230124", stamp, dt.timedelta(hours=1))
    assert reason(app, moved) == "TOKEN_REVOKED"
    ghost, _ = tokens.issue(SECRET, "no_such_login", "230123", stamp, dt.timedelta(hours=1))
    assert reason(app, ghost) == "TOKEN_REVOKED"


def test_a_bug_in_either_endpoint_is_a_500_with_a_logged_request_id(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """/api/token and /graphql share one wrapper: a fresh request id, the traceback logged
    under it, nothing of the bug in the body (and /api/token's answer is never cached)."""

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("secret internals: do not leak")

    monkeypatch.setattr(person_tokens, "check_password", broken)
    monkeypatch.setattr("tongban.adapters.graphql.view.authenticate_request", broken)
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        responses = [
            client.post("/api/token", json={"username": "yilan_clerk", "password": PASSWORD}),
            client.post("/graphql", json={"query": "{ me { kind } }"}),
        ]
    for response in responses:
        assert response.status_code == 500
        request_id = response.headers["X-Request-Id"]
        assert response.get_json() == {
            "errors": [
                {
                    "message": "内部错误 internal error",
                    "extensions": {"code": "INTERNAL", "requestId": request_id},
                }
            ]
        }
        assert "secret internals" not in response.get_data(as_text=True)
        logged = [r for r in caplog.records if request_id in r.getMessage()]
        assert logged and logged[0].exc_info and logged[0].exc_info[0] is RuntimeError
    assert responses[0].headers["Cache-Control"] == "no-store"
