"""Password guessing (issue 12, point 5): locks per account and per address on the login
form and ``POST /api/token``, lifted after the configured time (a fixed clock, no sleeping);
FAB's JWT login not mounted; attempts shown to the supervisors of the account's subtree
only; a web session ends when its password changes. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tongban.adapters.db.unit_of_work import Database
from tongban.limits import RequestLimits

from .case_support import PASSWORD
from .factories import seed_tree

WRONG = "not-the-password"
FAILURES, ADDRESS_FAILURES, LOCK_SECONDS = 3, 6, 600
START = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(db: Database, make_app: Callable[..., Flask], clock: Clock) -> Flask:
    seed_tree(db)
    limits = RequestLimits(
        login_failures=FAILURES,
        login_address_failures=ADDRESS_FAILURES,
        login_lock_seconds=LOCK_SECONDS,
    )
    application = make_app(limits=limits)
    application.config["TONGBAN_CLOCK"] = clock
    return application


def web_login(client: FlaskClient, username: str, password: str, address: str = "") -> bool:
    """Post the login form; True if it logged in."""
    environ = {"REMOTE_ADDR": address} if address else {}
    response = client.post(
        "/login/", data={"username": username, "password": password}, environ_base=environ
    )
    assert response.status_code == 302, response.text
    return "/login/" not in response.headers["Location"]


def token(client: FlaskClient, username: str, password: str) -> Any:
    return client.post("/api/token", json={"username": username, "password": password})


def test_the_login_form_locks_an_account_and_lifts_the_lock_after_the_time(
    app: Flask, clock: Clock
) -> None:
    client = app.test_client()
    for _ in range(FAILURES):
        assert not web_login(client, "230123_clerk", WRONG)
    # locked: the right password is refused, with a message saying until when
    assert not web_login(client, "230123_clerk", PASSWORD)
    page = client.get("/login/").get_data(as_text=True)
    assert "登录失败次数过多，该账号已暂时锁定" in page
    assert "北京时间 2026-12-01 10:10:00" in page and "locked until 2026-12-01T02:10:00Z" in page
    assert "Invalid login" not in page
    assert client.get("/catalog/").status_code == 302  # not logged in
    clock.advance(LOCK_SECONDS - 1)
    assert not web_login(client, "230123_clerk", PASSWORD)  # still locked
    clock.advance(2)
    assert web_login(client, "230123_clerk", PASSWORD)  # the lock has lifted
    assert client.get("/catalog/").status_code == 200


def test_api_token_is_locked_like_the_login_form_and_shares_its_counter(
    app: Flask, clock: Clock
) -> None:
    client = app.test_client()
    assert not web_login(client, "230123_officer", WRONG)
    for _ in range(FAILURES - 2):
        assert token(client, "230123_officer", WRONG).status_code == 401
    # the failure that reaches the limit already says so; then even the right password
    assert token(client, "230123_officer", WRONG).status_code == 429
    response = token(client, "230123_officer", PASSWORD)
    assert response.status_code == 429
    (error,) = response.get_json()["errors"]
    assert error["message"].startswith("登录失败次数过多，该账号已暂时锁定")
    assert error["extensions"]["reason"] == "LOCKED"
    assert error["extensions"]["lockScope"] == "account"
    assert error["extensions"]["lockedUntil"] == "2026-12-01T02:10:00Z"
    assert response.headers["Retry-After"] == str(LOCK_SECONDS)
    assert not web_login(app.test_client(), "230123_officer", PASSWORD)  # the form too
    clock.advance(LOCK_SECONDS)
    assert token(client, "230123_officer", PASSWORD).status_code == 200


def test_a_success_resets_the_account_counter(app: Flask) -> None:
    client = app.test_client()
    for _ in range(FAILURES - 1):
        assert token(client, "230123_admin", WRONG).status_code == 401
    assert token(client, "230123_admin", PASSWORD).status_code == 200
    for _ in range(FAILURES - 1):
        assert token(client, "230123_admin", WRONG).status_code == 401
    assert token(client, "230123_admin", PASSWORD).status_code == 200


def test_a_name_that_is_no_login_is_locked_alike(app: Flask) -> None:
    client = app.test_client()
    for _ in range(FAILURES - 1):
        assert token(client, "nobody-at-all", WRONG).status_code == 401
    response = token(client, "nobody-at-all", WRONG)
    assert response.status_code == 429
    assert response.get_json()["errors"][0]["extensions"]["reason"] == "LOCKED"


def test_an_address_is_locked_after_failures_on_many_accounts(app: Flask, clock: Clock) -> None:
    client = app.test_client()
    guessed = ["230000_clerk", "230100_clerk", "230124_clerk"]
    for n in range(ADDRESS_FAILURES):  # two per account: no account reaches its limit
        assert not web_login(client, guessed[n % 3], WRONG, "10.9.8.7")
    assert not web_login(client, "230123_clerk", PASSWORD, "10.9.8.7")
    assert "该地址已暂时锁定" in client.get("/login/").get_data(as_text=True)
    # the same account from another address is not locked
    assert web_login(app.test_client(), "230123_clerk", PASSWORD, "10.9.8.8")
    clock.advance(LOCK_SECONDS)
    assert web_login(app.test_client(), "230123_clerk", PASSWORD, "10.9.8.7")


def test_fab_api_login_is_not_mounted(app: Flask) -> None:
    client = app.test_client()
    body = {"username": "230123_clerk", "password": PASSWORD, "provider": "db"}
    assert client.post("/api/v1/security/login", json=body).status_code == 404
    assert client.post("/api/v1/security/refresh").status_code == 404


def _attempt_rows(client: FlaskClient) -> str:
    response = client.get("/alerts/logins/")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_supervisors_see_attempts_on_their_subtree_accounts_only(app: Flask) -> None:
    guesser = app.test_client()
    assert token(guesser, "230123_clerk", WRONG).status_code == 401  # a county account
    assert token(guesser, "230100_clerk", WRONG).status_code == 401  # its city's account
    assert token(guesser, "nobody-at-all", WRONG).status_code == 401  # no account
    city, county, sibling = (app.test_client() for _ in range(3))
    assert web_login(city, "230100_admin", PASSWORD)
    assert web_login(county, "230123_admin", PASSWORD)
    assert web_login(sibling, "230124_admin", PASSWORD)

    seen_by_city = _attempt_rows(city)  # parent: its own and the child county's accounts
    assert "230123_clerk" in seen_by_city and "230100_clerk" in seen_by_city
    assert "密码错误" in seen_by_city and "POST /api/token" in seen_by_city
    seen_by_county = _attempt_rows(county)  # child: its own, not its parent's
    assert "230123_clerk" in seen_by_county and "230100_clerk" not in seen_by_county
    seen_by_sibling = _attempt_rows(sibling)  # sibling: neither
    assert "230123_clerk" not in seen_by_sibling and "230100_clerk" not in seen_by_sibling
    assert "230124_admin" in seen_by_sibling  # its own admin's login
    for page in (seen_by_city, seen_by_county, seen_by_sibling):
        assert "nobody-at-all" not in page

    clerk = app.test_client()
    assert web_login(clerk, "230123_clerk", PASSWORD)
    assert clerk.get("/alerts/logins/").status_code == 403  # neither supervisor nor admin


def test_a_password_change_ends_the_other_sessions(app: Flask) -> None:
    changer, other = app.test_client(), app.test_client()
    assert web_login(changer, "230123_clerk", PASSWORD)
    assert web_login(other, "230123_clerk", PASSWORD)
    new = "a-new-password-456"
    response = changer.post("/resetmypassword/form", data={"password": new, "conf_password": new})
    assert response.status_code == 302
    assert changer.get("/catalog/").status_code == 200  # the session that changed it stays
    response = other.get("/catalog/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    assert "密码已更改，请重新登录" in other.get("/login/").get_data(as_text=True)
    assert other.get("/catalog/").status_code == 302  # it stays ended


def test_a_password_reset_by_an_administrator_ends_the_session(app: Flask) -> None:
    client = app.test_client()
    assert web_login(client, "230123_officer", PASSWORD)
    assert client.get("/catalog/").status_code == 200
    with app.app_context():
        sm = app.extensions["appbuilder"].sm
        sm.reset_password(sm.find_user(username="230123_officer").id, "reset-by-admin-789")
    assert client.get("/catalog/").status_code == 302
    assert web_login(client, "230123_officer", "reset-by-admin-789")
    assert client.get("/catalog/").status_code == 200
