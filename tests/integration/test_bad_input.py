"""No 500 from any input (issue 12, point 7): each attack of the issue replayed.

NUL bytes and lone surrogates in GraphQL variables, GraphQL string literals and web paths
or query strings are refused in one place each (``INPUT_INVALID_CHARACTER``, HTTP 400)
before anything reaches the database — PostgreSQL cannot store a NUL in text and a lone
surrogate cannot be encoded as UTF-8. Deep GenericScalar values and FAB actions that do not
exist get a 4xx too. Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.unit_of_work import Database
from tongban.services import apikeys
from tongban.services.schemas import Schemas

from .factories import publish_matter, seed_tree, standard
from .graphql_support import post
from .web_support import login

CASE = "query($n: String!) { case(number: $n) { number } }"
INVALID = "INPUT_INVALID_CHARACTER"


@pytest.fixture
def app(db: Database, schemas: Schemas, make_app: Callable[..., Flask]) -> Flask:
    seed_tree(db)
    publish_matter(db, schemas, "230123", standard())
    return make_app()


@pytest.fixture
def key(db: Database, app: Flask) -> str:
    with platform_unit_of_work(db, "test: api key", write=True) as uow:
        _, token = apikeys.create_key(uow, "230123", "clerk", "230123-system", "scjgj", False)
        uow.commit()
    return token


def raw_post(client: FlaskClient, key: str, body: str) -> tuple[int, list[str]]:
    """POST a JSON text as it is (``json=`` could not send a lone surrogate)."""
    response = client.post(
        "/graphql",
        data=body.encode("utf-8"),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    payload = response.get_json()
    return response.status_code, [e["extensions"]["code"] for e in payload.get("errors", [])]


def test_a_nul_byte_in_a_variable_is_a_400_with_a_code(app: Flask, key: str) -> None:
    response = post(app.test_client(), CASE, key, n="2024\x00")
    assert response.status_code == 400, response.text
    (err,) = response.get_json()["errors"]
    assert err["extensions"]["code"] == INVALID
    assert err["message"].startswith("输入含有不允许的字符")


def test_a_nul_byte_in_a_string_literal_is_a_400_with_a_code(app: Flask, key: str) -> None:
    response = post(app.test_client(), '{ case(number: "2024\\u0000") { number } }', key)
    assert response.status_code == 400, response.text
    assert [e["extensions"]["code"] for e in response.get_json()["errors"]] == [INVALID]


def test_a_nul_byte_in_a_mutation_input_is_refused_before_the_database(
    app: Flask, key: str
) -> None:
    query = "mutation($k: String!) { acceptCase(number: $k) { case { number } } }"
    response = post(app.test_client(), query, key, k="\x00")
    assert response.status_code == 400, response.text
    assert response.get_json()["errors"][0]["extensions"]["code"] == INVALID


def test_a_lone_surrogate_in_a_variable_is_a_400_with_a_code(app: Flask, key: str) -> None:
    body = '{"query": "query($n: String!) { case(number: $n) { number } }", '
    body += '"variables": {"n": "\\ud800"}}'
    assert raw_post(app.test_client(), key, body) == (400, [INVALID])


def test_a_lone_surrogate_in_a_key_or_a_literal_is_a_400(app: Flask, key: str) -> None:
    body = json.dumps({"query": CASE, "variables": {"n": "x"}})[:-1] + ', "\\udfff": 1}'
    assert raw_post(app.test_client(), key, body) == (400, [INVALID])
    raw = json.dumps({"query": '{ case(number: "\udc00") { number } }'})
    assert raw_post(app.test_client(), key, raw) == (400, [INVALID])
    escaped = json.dumps({"query": '{ case(number: "\\udc00") { number } }'})
    assert raw_post(app.test_client(), key, escaped) == (400, ["GRAPHQL_PARSE_FAILED"])


def test_a_5k_deep_generic_scalar_is_a_400_not_a_recursion_error(app: Flask, key: str) -> None:
    query = 'mutation($d: GenericScalar!) { saveDraft(tenantCode: "230123", kind: STANDARD, document: $d) { code } }'
    deep = '{"a": ' * 5000 + "1" + "}" * 5000
    body = json.dumps({"query": query, "variables": {"d": None}}).replace("null", deep)
    status, codes = raw_post(app.test_client(), key, body)
    assert status == 400 and codes == ["INPUT_TOO_DEEP"]
    literal = "mutation { saveDraft(document: " + "[" * 5000 + "]" * 5000 + ") { code } }"
    status, codes = raw_post(app.test_client(), key, json.dumps({"query": literal}))
    assert status in (400, 413) and codes and codes[0] != "INTERNAL"


@pytest.mark.parametrize("url", ["/cases/2024%00", "/cases/?status=a%00b", "/catalog/?k%00=1"])
def test_a_nul_byte_in_a_web_url_is_a_400(app: Flask, url: str) -> None:
    for client in (login(app, "230123_clerk"), app.test_client()):
        response = client.get(url)
        assert response.status_code == 400, f"{url}: {response.status_code}"
        assert INVALID in response.get_data(as_text=True)


def test_a_nul_byte_in_a_form_is_a_400(app: Flask) -> None:
    response = app.test_client().post("/login/", data={"username": "a\x00", "password": "x"})
    assert response.status_code == 400
    assert INVALID in response.get_data(as_text=True)


def test_a_nul_byte_or_deep_json_to_fab_s_api_login_is_a_400(app: Flask) -> None:
    client = app.test_client()
    body = {"username": "a\x00", "password": "x", "provider": "db"}
    response = client.post("/api/v1/security/login", json=body)
    assert response.status_code == 400
    assert INVALID in response.get_data(as_text=True)
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/security/login", data=deep, content_type="application/json")
    assert response.status_code == 400


def test_bad_utf8_in_a_web_url_is_replaced_not_a_500(app: Flask) -> None:
    client = login(app, "230123_clerk")
    assert client.get("/catalog/standard/%ED%A0%80").status_code == 404
    assert client.get("/cases/?status=%ED%A0%80").status_code == 200


def test_an_unknown_fab_action_is_a_404_not_a_500(app: Flask) -> None:
    client = login(app, "admin")
    response = client.get("/users/action/nope/1")
    assert response.status_code == 404, response.status_code
    posted = client.post("/users/action_post", data={"action": "nope", "rowid": "1"})
    assert posted.status_code == 404, posted.status_code
    known = client.get("/users/list/")
    assert known.status_code == 200
