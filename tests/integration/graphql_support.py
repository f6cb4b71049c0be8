"""Posting to /graphql from a Flask test client."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def post(client: FlaskClient, query: str, key: str | None = None, **variables: Any) -> TestResponse:
    """``query`` with ``variables``, as the holder of ``key`` (an API key or a token)."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def data(response: TestResponse) -> dict[str, Any]:
    """The ``data`` of a response that must have succeeded."""
    body = response.get_json()
    assert response.status_code == 200 and "errors" not in body, body
    result: dict[str, Any] = body["data"]
    return result
