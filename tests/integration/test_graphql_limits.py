"""Limits that cannot be outrun (issue 12, points 1 and 2), each attack of the issue replayed.

Bodies are streamed as a WSGI server hands over a chunked request (no ``Content-Length``,
``wsgi.input_terminated`` set, as werkzeug's server and gunicorn do) from a stream that
counts the bytes the app takes from it: "refused after reading at most the limit" is that
count, not a guess.
"""

from __future__ import annotations

import io
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.graphql import view
from tongban.adapters.web.demo import create_demo_logins
from tongban.adapters.web.views.tokens import MAX_BODY_BYTES as TOKEN_BODY_BYTES
from tongban.limits import RequestLimits
from tongban.services import apikeys
from tongban.services import catalog as catalog_service
from tongban.services.schemas import Schemas

from .case_support import PASSWORD
from .factories import publish_matter, seed_tree, standard
from .graphql_support import post

LIMITS = RequestLimits()


@pytest.fixture
def app(db: Database, schemas: Schemas, make_app: Callable[..., Flask]) -> Flask:
    seed_tree(db)
    publish_matter(db, schemas, "230123", standard())
    return make_app(logins=False)


@pytest.fixture
def key(db: Database, app: Flask) -> str:
    with platform_unit_of_work(db, "test: api key", write=True) as uow:
        _, token = apikeys.create_key(uow, "230123", "clerk", "230123-system", "scjgj", False)
        uow.commit()
    return token


class CountingStream(io.RawIOBase):
    """``prefix`` then filler, up to ``total`` bytes, counting what is read."""

    def __init__(self, total: int, prefix: bytes = b'{"query": "') -> None:
        self.total = total
        self.prefix = prefix
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), self.total - self.taken)
        start = self.taken
        head = self.prefix[start : start + size]
        buffer[: len(head)] = head
        buffer[len(head) : size] = b" " * (size - len(head))
        self.taken += size
        return size


def chunked(
    client: FlaskClient, path: str, stream: CountingStream, bearer: str | None = None
) -> TestResponse:
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    return client.post(path, headers=headers, environ_overrides=streamed(stream))


def streamed(stream: CountingStream, **environ: Any) -> dict[str, Any]:
    """The WSGI input of a request: ``stream``, ended by the server (a chunked body)."""
    return {"wsgi.input": stream, "wsgi.input_terminated": True, **environ}


def codes(response: TestResponse) -> list[str]:
    return [e["extensions"]["code"] for e in response.get_json()["errors"]]


def fragment_bomb(levels: int) -> str:
    """``{ ...F0 }`` where each fragment spreads the next twice: 2^levels selections."""
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)] + [
        f"fragment F{levels} on Query {{ me {{ kind }} }}"
    ]
    return "{ ...F0 }\n" + "\n".join(fragments)


# --- point 1: query limits ---------------------------------------------------------------


@pytest.mark.parametrize("levels", [25, 40])
def test_a_fragment_bomb_is_refused_in_under_100_ms(app: Flask, key: str, levels: int) -> None:
    client = app.test_client()
    assert post(client, "{ me { kind } }", key).status_code == 200  # the key is verified
    query = fragment_bomb(levels)
    assert len(query) < 2_000
    started = time.perf_counter()
    response = post(client, query, key)
    elapsed = time.perf_counter() - started
    assert response.status_code == 400, response.get_json()
    (error,) = response.get_json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["message"].startswith("查询过于复杂 ('anonymous' selects ")
    assert elapsed < 0.1, f"{elapsed * 1000:.0f} ms"


def test_the_limits_pass_runs_before_graphql_core_s_validation(
    app: Flask, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated: list[object] = []
    real_validate = view.validate

    def counting_validate(*args: Any, **kwargs: Any) -> Any:
        validated.append(args[1])
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(view, "validate", counting_validate)
    monkeypatch.setattr(view, "_DOCUMENTS", OrderedDict())  # nothing validated before
    response = post(app.test_client(), fragment_bomb(30), key)
    assert codes(response) == ["QUERY_TOO_COMPLEX"]
    assert validated == []  # graphql-core's rules never saw the bomb
    assert post(app.test_client(), "{ me { kind } }", key).status_code == 200
    assert len(validated) == 1


def test_fragment_spreads_and_depth_are_limited_through_fragments(app: Flask, key: str) -> None:
    client = app.test_client()
    spreads = " ".join("...M" for _ in range(101))
    response = post(client, f"{{ {spreads} }} fragment M on Query {{ me {{ kind }} }}", key)
    assert response.status_code == 400
    assert codes(response) == ["TOO_MANY_FRAGMENT_SPREADS"]
    # depth 11 hidden in a chain of fragments, each spread once (depth is counted before
    # graphql-core's rules would say these fields do not exist)
    chain = ["fragment D0 on Query { leaf }"]
    chain += [f"fragment D{i} on Query {{ x {{ ...D{i - 1} }} }}" for i in range(1, 12)]
    response = post(client, "{ ...D11 }\n" + "\n".join(chain), key)
    assert response.status_code == 400, response.get_json()
    assert codes(response) == ["QUERY_TOO_DEEP"]
    assert "maximum operation depth of 10" in response.get_json()["errors"][0]["message"]


ALIASED_PAGE = (
    "cases(first: 100) { items { detail { result { valid } auditProblems events { seq } } } }"
)
ALIASED_PAGES = "{ " + " ".join(f"c{i}: {ALIASED_PAGE}" for i in range(30)) + " }"


def test_aliased_pages_of_cases_are_refused_by_cost(app: Flask, key: str) -> None:
    client = app.test_client()
    started = time.perf_counter()
    response = post(client, ALIASED_PAGES, key)
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 400, response.get_json()
    # 240 fields and 30 aliases: within those limits; the pages make the cost
    (error,) = response.get_json()["errors"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "limit": LIMITS.cost,
        "requestId": response.headers["X-Request-Id"],
    }
    assert "costs 21030" in error["message"]
    # the page size counts whether it is written in the query or sent as a variable
    one = "query($n: Int) { cases(first: $n) { items { detail { result { valid } "
    one += "auditProblems events { seq } } } } }"
    seven = " ".join(
        f"c{i}: cases(first: $n) {{ items {{ detail {{ auditProblems events {{ seq }} }} }} }}"
        for i in range(7)
    )
    assert codes(post(client, f"query($n: Int) {{ {seven} }}", key, n=100)) == ["QUERY_TOO_COMPLEX"]
    small = post(client, f"query($n: Int) {{ {seven} }}", key, n=5)
    assert small.status_code == 200 and "errors" not in small.get_json()
    assert post(client, one, key, n=100).status_code == 200  # one full page is fine


@pytest.mark.parametrize("field", ["cases", "worklist", "alerts", "matters"])
def test_a_negative_page_size_is_a_clear_error(app: Flask, key: str, field: str) -> None:
    selection = "items { code }" if field == "matters" else "total"
    response = post(app.test_client(), f"{{ {field}(first: -5) {{ {selection} }} }}", key)
    body = response.get_json()
    assert response.status_code == 200, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert [(v["code"], v["pointer"]) for v in error["extensions"]["violations"]] == [
        ("PAGE_SIZE", "/first")
    ]


def test_a_request_out_of_time_stops_its_resolvers(
    app: Flask, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[float] = []
    real_catalog = catalog_service.catalog

    def slow_catalog(*args: Any, **kwargs: Any) -> Any:
        calls.append(time.perf_counter())
        time.sleep(0.05)
        return real_catalog(*args, **kwargs)

    monkeypatch.setattr(catalog_service, "catalog", slow_catalog)
    app.config["GRAPHQL_TIMEOUT_SECONDS"] = 0.12
    aliases = " ".join(f"m{i}: matters(first: 1) {{ items {{ code }} }}" for i in range(20))
    query = f"{{ {aliases} }}"
    started = time.perf_counter()
    response = post(app.test_client(), query, key)
    elapsed = time.perf_counter() - started
    body = response.get_json()
    assert response.status_code == 200, body
    assert 1 <= len(calls) < 6  # the rest of the twenty never ran
    assert elapsed < 0.5
    (error,) = body["errors"]  # one timeout, not one per field left
    assert error["extensions"]["code"] == "QUERY_TIMEOUT"
    assert error["extensions"]["limit"] == 0.12
    assert error["message"].startswith("查询超时")
    assert body["data"] is None  # ``matters`` is non-null: its null reaches the root


# --- point 2: bodies and field lengths ---------------------------------------------------


def test_a_chunked_body_over_the_limit_is_refused_after_the_limit(app: Flask, key: str) -> None:
    stream = CountingStream(300_000_000)
    response = chunked(app.test_client(), "/graphql", stream, key)
    assert response.status_code == 413, response.get_json()
    assert codes(response) == ["QUERY_TOO_LARGE"]
    assert stream.taken <= LIMITS.body_bytes + 1  # the limit, and one byte to see more
    # a declared length over the limit: nothing is read at all
    declared = CountingStream(5_000_000)
    response = app.test_client().post(
        "/graphql",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input": declared, "CONTENT_LENGTH": "5000000"},
    )
    assert response.status_code == 413 and declared.taken == 0
    # a chunked body within the limit is read in full and answered
    query = json.dumps({"query": "{ me { kind } }"}).encode()
    small = CountingStream(len(query), prefix=query)
    response = chunked(app.test_client(), "/graphql", small, key)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"] == {"me": {"kind": "apikey"}}


def test_an_unauthenticated_body_is_refused_without_reading_it(app: Flask) -> None:
    stream = CountingStream(100_000_000)
    response = chunked(app.test_client(), "/graphql", stream)
    assert response.status_code == 401
    assert codes(response) == ["UNAUTHENTICATED"]
    assert stream.taken == 0
    stream = CountingStream(100_000_000)
    response = chunked(app.test_client(), "/graphql", stream, "tb_nothing")
    assert response.status_code == 401 and stream.taken == 0


def test_deep_or_long_json_is_a_clear_400(app: Flask, key: str) -> None:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    query = "query($x: GenericScalar) { me { kind } }"
    brackets = "[" * 100_000 + "]" * 100_000
    deep = f'{{"query": {json.dumps(query)}, "variables": {{"x": {brackets}}}}}'
    response = client.post("/graphql", data=deep, headers=headers)
    assert response.status_code == 400
    assert codes(response) == ["INPUT_TOO_DEEP"]
    nested: Any = 1
    for _ in range(LIMITS.json_depth):
        nested = [nested]
    response = client.post(
        "/graphql", json={"query": query, "variables": {"x": nested}}, headers=headers
    )
    assert codes(response) == ["INPUT_TOO_DEEP"]
    long = "x" * (LIMITS.string_chars + 1)
    response = client.post(
        "/graphql", json={"query": query, "variables": {"x": long}}, headers=headers
    )
    assert response.status_code == 400
    (error,) = response.get_json()["errors"]
    assert error["extensions"]["code"] == "INPUT_TOO_LONG"
    assert error["extensions"]["limit"] == LIMITS.string_chars


def test_a_deep_literal_in_the_query_is_refused(app: Flask, key: str) -> None:
    depth = LIMITS.json_depth + 1
    literal = "[" * depth + "1" + "]" * depth
    query = f"{{ validateDefinition(document: {literal}) {{ __typename }} }}"
    response = post(app.test_client(), query, key)
    assert response.status_code == 400, response.get_json()
    assert "INPUT_TOO_DEEP" in codes(response)


def test_api_token_reads_at_most_its_limit_and_bounds_credentials(app: Flask, db: Database) -> None:
    create_demo_logins(app, db, PASSWORD)
    stream = CountingStream(100_000_000, prefix=b'{"username": "')
    started = time.perf_counter()
    response = chunked(app.test_client(), "/api/token", stream)
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 413, response.get_json()
    assert stream.taken <= TOKEN_BODY_BYTES + 1
    client = app.test_client()
    long_name = {"username": "u" * (LIMITS.username_chars + 1), "password": PASSWORD}
    response = client.post("/api/token", json=long_name)
    assert response.status_code == 400
    (error,) = response.get_json()["errors"]
    assert error["extensions"]["code"] == "INPUT_TOO_LONG"
    assert error["message"].startswith("用户名过长")
    long_password = {"username": "230123_admin", "password": "p" * (LIMITS.password_chars + 1)}
    assert codes(client.post("/api/token", json=long_password)) == ["INPUT_TOO_LONG"]
    good = client.post("/api/token", json={"username": "230123_admin", "password": PASSWORD})
    assert good.status_code == 200, good.get_json()
    me = post(app.test_client(), "{ me { kind } }", good.get_json()["token"])
    assert me.get_json()["data"] == {"me": {"kind": "user"}}


def test_every_other_endpoint_reads_at_most_the_body_limit(app: Flask, db: Database) -> None:
    create_demo_logins(app, db, PASSWORD)
    stream = CountingStream(50_000_000, prefix=b"username=")
    response = app.test_client().post(
        "/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides=streamed(stream),
    )
    assert response.status_code == 413
    assert stream.taken <= LIMITS.body_bytes + 1  # the limit, and one byte to see more
    client = app.test_client()
    response = client.post(
        "/login/", data={"username": "x" * (LIMITS.username_chars + 1), "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "用户名或密码过长" in response.get_data(as_text=True)
    response = client.post("/login/", data={"username": "230123_admin", "password": PASSWORD})
    assert response.status_code == 302  # a login within the limits still works
