"""/graphql through Flask's test client, on SQLite and PostgreSQL.

Keys are made with the service the CLI uses; logins with the demo-login code. Isolation
checks compare a sibling's answer with a code that does not exist: the two errors must be
the same apart from the request id.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

import flask
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.web.demo import create_demo_logins
from tongban.bootstrap import Platform
from tongban.core.definition_errors import ApiKeyRefused
from tongban.services import apikeys
from tongban.services import catalog as catalog_service
from tongban.services.schemas import Schemas

from .case_support import PASSWORD
from .factories import MATTER_CODE, implementation, publish_matter, seed_tree, standard
from .graphql_support import data, post

GUIDE = """query Guide($tenant: String!, $code: String!) {
  guide(tenantCode: $tenant, code: $code) {
    name implementationCode tenant { code } conditions feesLabel legalLimit promisedLimit
    address phone oneTimeNotice
    materials { code name required countsLabel waived }
    stages { number label steps { name department days } }
  }
}"""


@pytest.fixture
def app(db: Database, schemas: Schemas, make_app: Callable[..., Flask]) -> Flask:
    seed_tree(db)
    publish_matter(db, schemas, "230000", standard())
    publish_matter(db, schemas, "230123", standard())
    publish_matter(db, schemas, "230123", implementation())
    return make_app(logins=False)


def new_key(
    db: Database,
    tenant: str,
    role: str = "clerk",
    *,
    department: str | None = "scjgj",
    descendants: bool = False,
) -> str:
    with platform_unit_of_work(db, "test: api key", write=True) as uow:
        _, token = apikeys.create_key(
            uow, tenant, role, f"{tenant}-system", department, descendants
        )
        uow.commit()
    return token


def only_error(response: TestResponse, status: int) -> dict[str, Any]:
    body = response.get_json()
    assert response.status_code == status, body
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    assert error["extensions"]["requestId"] == response.headers["X-Request-Id"]
    return error


def without_request_id(error: dict[str, Any]) -> dict[str, Any]:
    return {**error, "extensions": {**error["extensions"], "requestId": None}}


# --- authentication --------------------------------------------------------------------


def test_no_credentials_is_401(app: Flask) -> None:
    error = only_error(post(app.test_client(), "{ me { kind } }"), 401)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    for bad in ("tb_nothing", "tb_0123abcd_wrong-secret", "not-a-key"):
        error = only_error(post(app.test_client(), "{ me { kind } }", bad), 401)
        assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_key_lifecycle(app: Flask, db: Database) -> None:
    key = new_key(db, "230123", department="scjgj")
    prefix = key.split("_")[1]
    with platform_unit_of_work(db, "test") as uow:
        (info,) = apikeys.list_keys(uow, "230123")
    assert info.prefix == prefix and info.last_used_at is None and info.active
    assert apikeys.hash_token(key) not in repr(info)  # never listed

    me = data(
        post(
            app.test_client(),
            "{ me { kind username roles department tenant { code level } } }",
            key,
        )
    )
    assert me["me"] == {
        "kind": "apikey",
        "username": "apikey:230123-system",
        "roles": ["clerk"],
        "department": "scjgj",
        "tenant": {"code": "230123", "level": "county"},
    }
    with platform_unit_of_work(db, "test") as uow:
        (info,) = apikeys.list_keys(uow)
    assert info.last_used_at is not None

    # the right prefix with a wrong secret is refused like an unknown key
    forged = key[: len("tb_") + 9] + "x" * 43
    assert only_error(post(app.test_client(), "{ me { kind } }", forged), 401)

    with platform_unit_of_work(db, "test", write=True) as uow:
        assert apikeys.revoke_key(uow, prefix).revoked_at is not None
        uow.commit()
    error = only_error(post(app.test_client(), "{ me { kind } }", key), 401)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_revocation_made_elsewhere_takes_effect_when_the_verification_expires(
    app: Flask, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apikeys, "VERIFIED_TTL_SECONDS", 0.2)
    key = new_key(db, "230123", department="scjgj")
    assert post(app.test_client(), "{ me { kind } }", key).status_code == 200
    with db.engine.begin() as conn:  # another process revokes it, behind this one's back
        conn.exec_driver_sql("update api_key set revoked_at = created_at")
    time.sleep(0.3)
    error = only_error(post(app.test_client(), "{ me { kind } }", key), 401)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_create_key_lists_every_problem(db: Database) -> None:
    seed_tree(db)
    with platform_unit_of_work(db, "test", write=True) as uow:
        with pytest.raises(ApiKeyRefused) as raised:
            apikeys.create_key(uow, "230123", "boss", " ", "nope")
    assert raised.value.code == "INVALID_INPUT" and raised.value.data["count"] == 3
    assert [v.code for v in raised.value.violations] == [
        "API_KEY_DEPARTMENT",
        "API_KEY_NAME",
        "API_KEY_ROLE",
    ]


def test_a_logged_in_session_works(app: Flask, db: Database) -> None:
    create_demo_logins(app, db, PASSWORD)
    client = app.test_client()
    response = client.post("/login/", data={"username": "230100_admin", "password": PASSWORD})
    assert response.status_code == 302
    result = data(
        post(client, "{ me { kind username includeDescendants } tenants { code relation } }")
    )
    assert result["me"] == {"kind": "user", "username": "230100_admin", "includeDescendants": True}
    assert {t["code"]: t["relation"] for t in result["tenants"]} == {
        "100000": "ANCESTOR",
        "230000": "ANCESTOR",
        "230100": "SELF",
        "230123": "DESCENDANT",
        "230124": "DESCENDANT",
    }


def test_a_bearer_request_leaves_the_session_cookie_alone(app: Flask, db: Database) -> None:
    create_demo_logins(app, db, PASSWORD)
    key = new_key(db, "230124")
    client = app.test_client()
    client.post("/login/", data={"username": "230100_admin", "password": PASSWORD})
    cookie = client.get_cookie("session")
    assert cookie is not None
    response = post(client, "{ me { kind tenant { code } } }", key)
    assert data(response)["me"] == {"kind": "apikey", "tenant": {"code": "230124"}}
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session").value == cookie.value
    for headers, opened in (({"Authorization": f"Bearer {key}"}, False), ({}, True)):
        with app.test_request_context(
            "/graphql", method="POST", headers={**headers, "Cookie": f"session={cookie.value}"}
        ):
            assert ("_user_id" in flask.session) is opened
    assert data(post(client, "{ me { kind username } }"))["me"] == {
        "kind": "user",
        "username": "230100_admin",
    }


# --- catalog ---------------------------------------------------------------------------


def test_tenants_with_departments_and_calendar(app: Flask, db: Database) -> None:
    key = new_key(db, "230123")
    query = """{ tenants { code name levelName parentCode depth
        departments { code name uscc } calendar { date kind name } } }"""
    tenants = data(post(app.test_client(), query, key))["tenants"]
    assert [t["code"] for t in tenants] == ["100000", "230000", "230100", "230123"]
    county = tenants[-1]
    assert county["parentCode"] == "230100" and county["depth"] == 3
    assert county["departments"][0]["code"] == "scjgj"
    assert county["calendar"] == []


def test_matters_are_cursor_paginated(app: Flask, db: Database) -> None:
    key = new_key(db, "230123")
    query = """query Page($first: Int, $after: String) {
        matters(first: $first, after: $after) { items { kind code tenant { code } } nextCursor }
    }"""
    everything = data(post(app.test_client(), query, key, first=100))["matters"]
    assert everything["nextCursor"] is None
    assert [(m["tenant"]["code"], m["kind"]) for m in everything["items"]] == [
        ("230000", "STANDARD"),
        ("230123", "STANDARD"),
        ("230123", "IMPLEMENTATION"),
    ]
    seen: list[dict[str, Any]] = []
    after = None
    for _ in range(10):
        page = data(post(app.test_client(), query, key, first=2, after=after))["matters"]
        seen += page["items"]
        after = page["nextCursor"]
        if after is None:
            break
    assert seen == everything["items"]
    only = data(
        post(app.test_client(), "{ matters(kind: IMPLEMENTATION) { items { code } } }", key)
    )
    assert only["matters"]["items"] == [{"code": MATTER_CODE}]

    error = only_error(post(app.test_client(), query, key, first=101), 200)
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["violations"] == [
        {
            "code": "PAGE_SIZE",
            "pointer": "/first",
            "message": "first 须为 1–100 (first must be 1–100)",
        }
    ]
    assert error["path"] == ["matters"]
    error = only_error(post(app.test_client(), query, key, after="garbage"), 200)
    assert error["extensions"]["violations"][0]["pointer"] == "/after"


def test_guide(app: Flask, db: Database) -> None:
    key = new_key(db, "230123")
    guide = data(post(app.test_client(), GUIDE, key, tenant="230123", code=MATTER_CODE))["guide"]
    assert guide["implementationCode"].endswith(MATTER_CODE)  # 实施编码
    assert guide["tenant"] == {"code": "230123"}
    assert guide["address"] == "政务服务中心 3 号窗口"
    assert [m["code"] for m in guide["materials"]] == ["M001", "M002", "M003"]
    assert guide["stages"] and guide["feesLabel"] == "不收费"
    assert guide["oneTimeNotice"].startswith("一次性告知单")


def test_a_sibling_sees_nothing_of_the_other_county(app: Flask, db: Database) -> None:
    sibling = new_key(db, "230124", descendants=True)
    client = app.test_client()
    tenants = data(post(client, "{ tenants { code departments { uscc } } }", sibling))["tenants"]
    assert "230123" not in [t["code"] for t in tenants]
    theirs = only_error(post(client, GUIDE, sibling, tenant="230123", code=MATTER_CODE), 200)
    missing_tenant = only_error(
        post(client, GUIDE, sibling, tenant="239999", code=MATTER_CODE), 200
    )
    missing_code = only_error(post(client, GUIDE, sibling, tenant="230124", code=MATTER_CODE), 200)
    assert theirs["extensions"]["code"] == "NOT_FOUND"
    assert without_request_id(theirs) == without_request_id(missing_tenant)
    assert without_request_id(theirs) == without_request_id(missing_code)
    items = data(post(client, "{ matters { items { tenant { code } } } }", sibling))
    assert all(m["tenant"]["code"] != "230123" for m in items["matters"]["items"])


def test_a_key_reads_below_its_tenant_only_if_created_so(app: Flask, db: Database) -> None:
    narrow = new_key(db, "230100", "admin", department=None)
    wide = new_key(db, "230100", "admin", department=None, descendants=True)
    client = app.test_client()
    codes = [t["code"] for t in data(post(client, "{ tenants { code } }", narrow))["tenants"]]
    assert codes == ["100000", "230000", "230100"]
    below = only_error(post(client, GUIDE, narrow, tenant="230123", code=MATTER_CODE), 200)
    nowhere = only_error(post(client, GUIDE, narrow, tenant="230199", code=MATTER_CODE), 200)
    assert below["extensions"]["code"] == "NOT_FOUND"
    assert without_request_id(below) == without_request_id(nowhere)
    query = "{ matters(first: 1) { items { tenant { code } } nextCursor } }"
    narrow_items = data(post(client, query.replace("first: 1", "first: 100"), narrow))
    assert {m["tenant"]["code"] for m in narrow_items["matters"]["items"]} == {"230000"}
    assert narrow_items["matters"]["nextCursor"] is None
    assert data(post(client, GUIDE, wide, tenant="230123", code=MATTER_CODE))["guide"]


# --- limits and errors -----------------------------------------------------------------


def refused_fast(client: FlaskClient, key: str, query: str, status: int = 400) -> dict[str, Any]:
    started = time.perf_counter()
    response = post(client, query, key)
    assert time.perf_counter() - started < 1.0
    body = response.get_json()
    assert response.status_code == status, body
    assert "data" not in body
    return body


def test_deep_wide_and_large_queries_are_refused(app: Flask, db: Database) -> None:
    key = new_key(db, "230123")
    client = app.test_client()

    app.config["GRAPHQL_MAX_DEPTH"] = 2
    body = refused_fast(
        client,
        key,
        '{ guide(tenantCode: "230123", code: "x") { stages { steps { name } } } }',
    )
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert "exceeds maximum operation depth of 2" in error["message"]
    del app.config["GRAPHQL_MAX_DEPTH"]

    # a fragment bomb: 2^12 field selections from a few hundred bytes
    fragments = ["fragment F0 on Query { me { kind } }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 13)]
    body = refused_fast(client, key, "{ ...F12 }\n" + "\n".join(fragments))
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["message"] == "查询过于复杂 ('anonymous' selects 8192 fields; the limit is 500)"

    aliases = " ".join(f"a{i}: me {{ kind }}" for i in range(31))
    (error,) = refused_fast(client, key, f"{{ {aliases} }}")["errors"]
    assert error["extensions"]["code"] == "TOO_MANY_ALIASES"

    huge = "{ me { kind } }" + " " * 10_000
    (error,) = refused_fast(client, key, huge, 413)["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert "limit is 10000" in error["message"]


def test_a_validation_failure_lists_every_problem(app: Flask, db: Database) -> None:
    key = new_key(db, "230123")
    response = post(
        app.test_client(), '{ me { nope alsoNope } matters(first: "x") { items { code } } }', key
    )
    body = response.get_json()
    assert response.status_code == 400 and "data" not in body
    assert len(body["errors"]) == 3
    for error in body["errors"]:
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert error["locations"]
        assert "Traceback" not in error["message"]
    error = only_error(post(app.test_client(), "{ me { kind ", key), 400)
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    bad = app.test_client().post(
        "/graphql", data="not json", headers={"Authorization": f"Bearer {key}"}
    )
    assert only_error(bad, 400)["extensions"]["code"] == "BAD_REQUEST"


def test_an_unexpected_error_is_a_500_with_a_logged_request_id(
    app: Flask, db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    key = new_key(db, "230123")

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("secret internals: do not leak")

    monkeypatch.setattr(catalog_service, "catalog", broken)
    with caplog.at_level(logging.ERROR, logger="tongban.graphql"):
        response = post(app.test_client(), "{ matters { items { code } } }", key)
    error = only_error(response, 500)
    assert error == {
        "message": "内部错误 internal error",
        "extensions": {"code": "INTERNAL", "requestId": response.headers["X-Request-Id"]},
    }
    assert "secret internals" not in response.get_data(as_text=True)
    logged = [r for r in caplog.records if error["extensions"]["requestId"] in r.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is RuntimeError


def test_query_page_and_introspection_off_in_production(
    app: Flask, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key(db, "230123")
    client = app.test_client()
    page = client.get("/graphql")
    assert page.status_code == 200 and "通办 GraphQL" in page.get_data(as_text=True)
    assert data(post(client, "{ __schema { queryType { name } } }", key))

    platform: Platform = app.extensions["tongban"]
    monkeypatch.setattr(
        platform, "settings", dataclasses.replace(platform.settings, env="production")
    )
    assert client.get("/graphql").status_code == 405
    error = only_error(post(client, "{ __schema { queryType { name } } }", key), 400)
    assert error["extensions"]["code"] == "INTROSPECTION_DISABLED"
    typename = data(post(client, "{ __typename me { __typename kind } }", key))
    assert typename == {"__typename": "Query", "me": {"__typename": "Me", "kind": "apikey"}}


def test_an_error_carries_its_reason_and_data_in_the_readers_language(
    app: Flask, db: Database
) -> None:
    key = new_key(db, "230123")
    client = app.test_client()

    def refused(language: str | None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {key}"}
        if language is not None:
            headers["Accept-Language"] = language
        variables = {"tenant": "239999", "code": MATTER_CODE}
        response = client.post(
            "/graphql", json={"query": GUIDE, "variables": variables}, headers=headers
        )
        return only_error(response, 200)

    zh, zh_cn, en = refused(None), refused("zh-CN,zh;q=0.9,en;q=0.8"), refused("en-US,en;q=0.9")
    for error in (zh, zh_cn, en):
        assert error["extensions"]["code"] == "NOT_FOUND"  # the category, as before
        assert error["extensions"]["reason"] == "NOT_FOUND"
        assert error["extensions"]["data"] == zh["extensions"]["data"]
    assert zh["extensions"]["data"]["key"] in zh["message"]
    assert zh["message"] == zh_cn["message"] and zh["message"].endswith("不存在")
    assert en["message"].endswith("not found") and en["message"] != zh["message"]
