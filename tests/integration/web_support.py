"""Shared set-up for the web tests: signing in as a demo login."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from .case_support import PASSWORD


def login(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    """A test client signed in through the login form (the FAB session cookie)."""
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": password})
    assert response.status_code == 302, response.text
    return client
