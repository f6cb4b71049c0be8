"""Webhook targets end to end, on SQLite and PostgreSQL: internal targets refused when
subscribing (service and GraphQL) unless the deployment allows them; each delivery checks
its target again and connects to the address it checked (DNS rebinding is not delivered);
redirects are not followed; ``lastError`` is a class, never the receiver's answer."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from tongban.adapters.crypto import SealBox
from tongban.adapters.db.api_models import WebhookDelivery
from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.graphql.context import GraphQLContext, Principal
from tongban.adapters.graphql.schema import schema as graphql_schema
from tongban.adapters.tasks import http_sender as sender_module
from tongban.adapters.tasks.http_sender import http_sender
from tongban.bootstrap import CAPABILITIES, Platform
from tongban.config import load_settings
from tongban.core.errors import ErrorCode
from tongban.services import webhooks
from tongban.services.cases.runtime import CaseEnv
from tongban.services.webhook_targets import (
    FAILURE_CONNECT,
    FAILURE_REFUSED,
    FAILURE_STATUS,
    FAILURE_TIMEOUT,
    InvalidWebhook,
    TargetPolicy,
    TargetRefused,
)

from .case_support import Clock, accepted_drug_case, user

LOCAL = TargetPolicy.from_entries(["127.0.0.1/32"])
STRICT = TargetPolicy()
REAL_GETADDRINFO = socket.getaddrinfo


@dataclass
class Server:
    """A local HTTP endpoint answering ``status`` (with ``headers``) to every POST."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    paths: list[str] = field(default_factory=list)
    port: int = 0


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.paths.append(self.path)
            time.sleep(state.delay)
            self.send_response(state.status)
            for name, value in state.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST  # noqa: N815 - a followed redirect would GET

        def log_message(self, *_args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def hooks(demo: Database) -> Iterator[Database]:
    webhooks.forget_cached_absence()  # tenant ids are reused between tests
    yield demo
    webhooks.forget_cached_absence()


BOX = SealBox(bytes(range(32)))


def _subscribe(db: Database, url: str, policy: TargetPolicy) -> int:
    with db.for_tenant("230123") as uow:
        view, _ = webhooks.subscribe(
            uow, BOX, user(db, "yilan_admin"), url, ["CaseAccepted"], policy=policy
        )
    return view.id


def _delivery(db: Database) -> WebhookDelivery:
    with platform_unit_of_work(db, "test") as uow:
        (row,) = uow.session.scalars(select(WebhookDelivery))
        uow.session.expunge_all()
        return row


def _resolving(answers: Callable[[], str], calls: list[str]) -> Callable[..., Any]:
    """``socket.getaddrinfo`` where ``hooks.county.example`` resolves to ``answers()``;
    numeric hosts (the pinned connection's own lookup) go to the real function."""

    def fake(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "hooks.county.example":
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        calls.append(host)
        address = answers()
        family = socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    return fake


# --- subscribing ----------------------------------------------------------------------------


def test_internal_targets_are_refused_when_subscribing_unless_allowed(
    hooks: Database, env: CaseEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TONGBAN_WEBHOOK_ALLOW", raising=False)
    for url in ("http://127.0.0.1:5432/", "http://[::1]/", "http://0x7f000001:6379/"):
        with pytest.raises(TargetRefused, match="回环地址"):
            _subscribe(hooks, url, STRICT)
        with pytest.raises(TargetRefused):  # the default policy: this process's environment
            with hooks.for_tenant("230123") as uow:
                webhooks.subscribe(uow, BOX, user(hooks, "yilan_admin"), url, ["*"])
    assert _subscribe(hooks, "http://127.0.0.1:5432/", LOCAL) > 0  # the allow-list
    monkeypatch.setenv("TONGBAN_WEBHOOK_ALLOW", "127.0.0.1/32")
    with hooks.for_tenant("230123") as uow:
        webhooks.subscribe(uow, BOX, user(hooks, "yilan_admin"), "http://127.1:9/", ["*"])
    assert _subscribe(hooks, "https://93.184.216.34/hook", STRICT) > 0

    # GraphQL: the deployment's settings decide, and the refusal is a clear INVALID_INPUT
    def subscribe(url: str, events: list[str], **environ: str) -> list[Any]:
        settings = load_settings({"TONGBAN_SEAL_KEY": "ab" * 32, **environ})
        context = GraphQLContext(
            Platform(settings, hooks, env.schemas, CAPABILITIES),
            env,
            Principal(user(hooks, "yilan_admin"), "user"),
            "test",  # fmt: skip
        )
        result = graphql_schema.execute(
            "mutation($u: String!, $e: [String!]!) { subscribeWebhook(url: $u, events: $e) { id } }",  # fmt: skip
            variable_values={"u": url, "e": events},
            context_value=context,
        )
        return [e.original_error for e in result.errors or ()]

    (refused,) = subscribe("http://169.254.169.254/latest/meta-data/", ["*"])
    assert isinstance(refused, InvalidWebhook) and refused.code == ErrorCode.INVALID_INPUT
    assert "云元数据地址" in refused.message
    assert subscribe("http://169.254.169.254/", ["*"], TONGBAN_WEBHOOK_ALLOW="169.254.0.0/16") == []
    (crlf,) = subscribe("https://93.184.216.34/a\r\nHost: evil", ["*"])
    assert crlf.code == ErrorCode.INVALID_INPUT and "换行" in crlf.message
    (kind,) = subscribe("https://93.184.216.34/", ["CaseHacked"])
    assert kind.code == ErrorCode.INVALID_INPUT and "没有这种事件类型" in kind.message


# --- delivering -----------------------------------------------------------------------------


def test_dns_rebinding_is_not_delivered(
    hooks: Database,
    env: CaseEnv,
    clock: Clock,
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Public when subscribing, the receiver's 127.0.0.1 when delivering: refused at
    delivery, ``lastError`` the class; with 127.0.0.1 allowed, the same name is delivered
    (so the refusal, not a broken connection, is what kept it from the receiver)."""
    answer = {"now": "93.184.216.34"}
    calls: list[str] = []
    monkeypatch.setattr(socket, "getaddrinfo", _resolving(lambda: answer["now"], calls))
    url = f"http://hooks.county.example:{server.port}/tongban"
    sub_id = _subscribe(hooks, url, STRICT)
    accepted_drug_case(hooks, env)
    answer["now"] = "127.0.0.1"  # the attacker's DNS now points inside

    summary = webhooks.deliver_due(hooks, clock.now, http_sender, box=BOX, policy=STRICT)
    assert summary.as_dict() == {"claimed": 1, "delivered": 0, "retrying": 1, "failed": 0}
    assert server.paths == []
    row = _delivery(hooks)
    assert (row.status, row.last_error) == ("pending", FAILURE_REFUSED)
    with hooks.for_tenant("230123") as uow:
        (sub,) = webhooks.list_subscriptions(uow, user(hooks, "yilan_admin"))
    assert (sub.id, sub.last_error) == (sub_id, FAILURE_REFUSED)

    later = clock.now + dt.timedelta(minutes=1)
    assert webhooks.deliver_due(hooks, later, http_sender, box=BOX, policy=LOCAL).delivered == 1
    assert server.paths == ["/tongban"]


def test_the_connection_goes_to_the_address_that_was_checked(
    hooks: Database,
    env: CaseEnv,
    clock: Clock,
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The name is resolved once per delivery; a second lookup (the one an HTTP client
    would make to connect) would answer the metadata address, and is never made."""
    answers = iter(["127.0.0.1", "127.0.0.1"])
    calls: list[str] = []
    monkeypatch.setattr(
        socket, "getaddrinfo", _resolving(lambda: next(answers, "169.254.169.254"), calls)
    )
    _subscribe(hooks, f"http://hooks.county.example:{server.port}/in", LOCAL)
    assert calls == ["hooks.county.example"]
    accepted_drug_case(hooks, env)
    assert webhooks.deliver_due(hooks, clock.now, http_sender, box=BOX, policy=LOCAL).delivered == 1
    assert calls == ["hooks.county.example"] * 2 and server.paths == ["/in"]


def test_redirects_are_not_followed(
    hooks: Database, env: CaseEnv, clock: Clock, server: Server
) -> None:
    server.status = 307
    server.headers["Location"] = f"http://127.0.0.1:{server.port}/internal-admin"
    _subscribe(hooks, f"http://127.0.0.1:{server.port}/hook", LOCAL)
    accepted_drug_case(hooks, env)
    assert webhooks.deliver_due(hooks, clock.now, http_sender, box=BOX, policy=LOCAL).retrying == 1
    assert server.paths == ["/hook"]  # never /internal-admin
    assert _delivery(hooks).last_error == FAILURE_STATUS
    server.status = 302
    server.headers["Location"] = "http://169.254.169.254/latest/meta-data/"
    later = clock.now + dt.timedelta(minutes=1)
    assert webhooks.deliver_due(hooks, later, http_sender, box=BOX, policy=LOCAL).retrying == 1
    assert server.paths == ["/hook", "/hook"]


def test_last_error_is_a_class_that_does_not_reveal_what_answered(
    hooks: Database,
    env: CaseEnv,
    clock: Clock,
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An HTTP service answering 418, a closed port and a silent one: three classes, and
    no status code, port or socket message a tenant could map an intranet with."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    monkeypatch.setattr(sender_module, "TIMEOUT_SECONDS", 0.5)
    server.status = 418
    seen: dict[str, str | None] = {}
    admin = user(hooks, "yilan_admin")
    for name, url in (
        ("teapot", f"http://127.0.0.1:{server.port}/"),
        ("closed", f"http://127.0.0.1:{closed_port}/"),
        ("silent", f"http://127.0.0.1:{server.port}/slow"),
    ):
        sub_id = _subscribe(hooks, url, LOCAL)
        server.delay = 2.0 if name == "silent" else 0.0
        accepted_drug_case(hooks, env)
        assert (
            webhooks.deliver_due(hooks, clock.now, http_sender, box=BOX, policy=LOCAL).retrying == 1
        )
        with hooks.for_tenant("230123") as uow:
            (sub,) = webhooks.list_subscriptions(uow, admin)
            (delivery,) = sub.deliveries
            seen[name] = sub.last_error
            assert delivery.last_error == sub.last_error
            webhooks.unsubscribe(uow, admin, sub_id)  # the next target starts clean
    assert seen == {"teapot": FAILURE_STATUS, "closed": FAILURE_CONNECT, "silent": FAILURE_TIMEOUT}
    for text in seen.values():
        assert not any(leak in str(text) for leak in ("418", "refused", "Errno", str(closed_port)))
