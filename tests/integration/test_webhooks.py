"""Webhooks on SQLite and PostgreSQL: the outbox is filled in each case command's transaction,
deliveries reach a real local HTTP receiver signed, failures retry with backoff and show on
the subscription, counties never see each other's subscriptions or events; and one round
trip through a real Celery worker over Redis.

The receiver listens on 127.0.0.1, which webhooks refuse unless the deployment allows it:
these tests allow it the documented way, ``TONGBAN_WEBHOOK_ALLOW=127.0.0.1/32``
(test_webhook_targets.py shows what is refused without it)."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from sqlalchemy import func, select

from tongban.adapters.crypto import SealBox
from tongban.adapters.db.api_models import WebhookDelivery, WebhookSubscription
from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.unit_of_work import Database, UnitOfWork
from tongban.adapters.files.config_io import load_tree
from tongban.adapters.graphql.context import GraphQLContext, Principal
from tongban.adapters.graphql.schema import schema as graphql_schema
from tongban.adapters.tasks.celery_app import make_celery, result_backend_for
from tongban.adapters.tasks.embedded import log_path, start_embedded_worker, stop_embedded_worker
from tongban.adapters.tasks.http_sender import http_sender
from tongban.bootstrap import CAPABILITIES, Platform, bootstrap
from tongban.config import load_settings
from tongban.core.errors import ErrorCode, Forbidden, NotFound, TongbanError
from tongban.services import webhooks
from tongban.services.cases import intake
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas
from tongban.services.webhook_targets import FAILURE_CONNECT, FAILURE_STATUS

from .case_support import DEMO, Clock, application, submit, user

YILAN = "100000/230000/230100/230123"
FANGZHENG = "100000/230000/230100/230124"
DRUG = "000172111003"  # 药品零售企业经营许可: implemented at both counties
REQUIRE_SERVICES = os.environ.get("TONGBAN_REQUIRE_SERVICES") == "1"
_BASE_REDIS = os.environ.get("TONGBAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
# its own Redis databases (13, results 14): never flushes test_tasks.py's under its feet
REDIS_URL = urlunsplit(urlsplit(_BASE_REDIS)._replace(path="/13"))
WAIT = 45.0
ALLOW = {"TONGBAN_WEBHOOK_ALLOW": "127.0.0.1/32"}  # the local receiver (docs/security.md)


@pytest.fixture(autouse=True)
def allow_the_local_receiver(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ALLOW.items():
        monkeypatch.setenv(name, value)


# --- a real receiver ---------------------------------------------------------------------


@dataclass
class Receiver:
    """An HTTP endpoint on 127.0.0.1 as a county system would run it: it checks the
    signature, answers ``status``, and handles each event id once (duplicates dropped)."""

    secret: str = ""
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)  # every POST, as received
    handled: list[str] = field(default_factory=list)  # event ids processed, once each
    duplicates: list[str] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            valid = webhooks.verify_signature(
                self.secret,
                headers.get("X-Tongban-Timestamp", ""),
                body,
                headers.get("X-Tongban-Signature", ""),
                tolerance=None,  # the tests' clock is not the wall clock
            )
            self.requests.append({"path": path, "headers": headers, "body": body, "valid": valid})
            if not valid:
                return 401
            if self.status >= 300:
                return self.status
            event_id = headers["X-Tongban-Event-Id"]
            if event_id in self.handled:
                self.duplicates.append(event_id)
            else:
                self.handled.append(event_id)
            return 200

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self.requests if r["valid"]]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = state.take(self.path, dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/tongban/events"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def demo(db: Database, schemas: Schemas) -> Iterator[Database]:
    load_tree(db, DEMO, schemas)
    webhooks.forget_cached_absence()  # tenant ids are reused between tests
    yield db
    webhooks.forget_cached_absence()


@pytest.fixture
def box() -> SealBox:
    return SealBox(bytes(range(32)))


def _subscribe(
    db: Database, box: SealBox, county: str, url: str, events: list[str]
) -> tuple[int, str]:
    admin = {"230123": "yilan_admin", "230124": "fangzheng_admin"}[county]
    with db.for_tenant(county) as uow:
        view, secret = webhooks.subscribe(uow, box, user(db, admin), url, events)
    return view.id, secret


def _deliveries(db: Database, **where: Any) -> list[WebhookDelivery]:
    with platform_unit_of_work(db, "test") as uow:
        query = select(WebhookDelivery).order_by(WebhookDelivery.id)
        for name, value in where.items():
            query = query.where(getattr(WebhookDelivery, name) == value)
        rows = list(uow.session.scalars(query))
        uow.session.expunge_all()  # plain values after the unit of work ends
        return rows


def _subscription(db: Database, sub_id: int) -> WebhookSubscription:
    with platform_unit_of_work(db, "test") as uow:
        row = uow.session.get_one(WebhookSubscription, sub_id)
        uow.session.expunge_all()
        return row


def _accepted_case(db: Database, env: CaseEnv, county: str = "230123") -> str:
    path, clerk = {"230123": (YILAN, "yilan_clerk"), "230124": (FANGZHENG, "fangzheng_clerk")}[
        county
    ]
    number = submit(db, env, county, application(path, DRUG)).number
    with db.for_tenant(county) as uow:
        intake.accept_case(uow, env, user(db, clerk), number)
    return number


# --- the outbox ----------------------------------------------------------------------------


def test_subscribing_shows_the_secret_once_and_stores_it_encrypted(
    demo: Database, box: SealBox, receiver: Receiver
) -> None:
    sub_id, secret = _subscribe(demo, box, "230123", receiver.url, ["CaseAccepted", "*"])
    assert len(secret) == 64
    row = _subscription(demo, sub_id)
    assert row.events == ["*"] and row.active and row.tenant_id is not None
    assert secret not in row.secret and row.secret.startswith("tbsk1:")
    with demo.for_tenant("230123") as uow:
        (listed,) = webhooks.list_subscriptions(uow, user(demo, "yilan_admin"))
    assert listed.id == sub_id and "secret" not in vars(listed)
    # only the tenant's admin; only http(s) URLs and real event kinds
    with demo.for_tenant("230123") as uow, pytest.raises(Forbidden):
        webhooks.subscribe(uow, box, user(demo, "yilan_clerk"), receiver.url, ["*"])
    for url, events in (
        ("ftp://example.org/hook", ["*"]),
        ("file:///etc/passwd", ["*"]),
        ("http://user:pw@example.org/", ["*"]),
        ("https://example.org/hook", []),
        ("https://example.org/hook", ["case accepted"]),
    ):
        with demo.for_tenant("230123") as uow, pytest.raises(webhooks.InvalidWebhook):
            webhooks.subscribe(uow, box, user(demo, "yilan_admin"), url, events)


def test_case_commands_queue_deliveries_in_their_own_transaction(
    demo: Database, env: CaseEnv, box: SealBox, receiver: Receiver
) -> None:
    every, _ = _subscribe(demo, box, "230123", receiver.url, ["*"])
    accepted_only, _ = _subscribe(demo, box, "230123", receiver.url, ["CaseAccepted"])
    number = _accepted_case(demo, env)
    kinds = [d.kind for d in _deliveries(demo, subscription_id=every)]
    assert kinds == ["CaseSubmitted", "CaseReceived", "CaseAccepted"]
    (only,) = _deliveries(demo, subscription_id=accepted_only)
    assert only.kind == "CaseAccepted" and only.case_number == number
    assert only.payload["id"] == only.event_id and only.payload["type"] == "CaseAccepted"
    assert only.payload["case"] == number and only.payload["tenant"] == "230123"
    assert only.payload["at"].startswith("2026-09-01T02:00:00")
    assert only.payload["data"]["node"] == "accept"
    assert (only.status, only.attempts) == ("pending", 0)
    ids = [d.event_id for d in _deliveries(demo)]
    assert len(ids) == len(set(ids)) == 4

    # a command that fails after recording its event leaves no delivery behind
    second = submit(demo, env, "230123", application(YILAN, DRUG)).number
    before = len(_deliveries(demo))
    in_transaction: list[int] = []

    def crash(uow: UnitOfWork) -> None:
        in_transaction.append(
            int(uow.session.scalar(select(func.count(WebhookDelivery.id))) or 0) - before
        )
        raise RuntimeError("power cut before commit")

    with demo.for_tenant("230123") as uow:
        uow.commit = lambda: crash(uow)  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            intake.accept_case(uow, env, user(demo, "yilan_clerk"), second)
    assert in_transaction == [2]  # both subscriptions' CaseAccepted, inside the transaction
    assert len(_deliveries(demo)) == before
    assert [d.kind for d in _deliveries(demo, case_number=second)] == [
        "CaseSubmitted",
        "CaseReceived",
    ]


def test_no_subscription_no_delivery_and_unsubscribing_stops_the_queue(
    demo: Database, env: CaseEnv, box: SealBox, receiver: Receiver
) -> None:
    _accepted_case(demo, env)
    assert _deliveries(demo) == []
    sub_id, _ = _subscribe(demo, box, "230123", receiver.url, ["*"])  # seen at once
    number = submit(demo, env, "230123", application(YILAN, DRUG)).number
    assert len(_deliveries(demo, case_number=number)) == 2
    with demo.for_tenant("230123") as uow:
        webhooks.unsubscribe(uow, user(demo, "yilan_admin"), sub_id)
    assert {d.status for d in _deliveries(demo)} == {"failed"}
    _accepted_case(demo, env)
    assert len(_deliveries(demo)) == 2
    with demo.for_tenant("230123") as uow:
        assert webhooks.list_subscriptions(uow, user(demo, "yilan_admin")) == []
        with pytest.raises(NotFound):
            webhooks.unsubscribe(uow, user(demo, "yilan_admin"), sub_id)


# --- delivering ----------------------------------------------------------------------------


def test_deliveries_reach_the_receiver_signed_once_each(
    demo: Database, env: CaseEnv, clock: Clock, box: SealBox, receiver: Receiver
) -> None:
    sub_id, receiver.secret = _subscribe(demo, box, "230123", receiver.url, ["*"])
    number = _accepted_case(demo, env)
    summary = webhooks.deliver_due(demo, clock.now, http_sender, box=box)
    assert summary.as_dict() == {"claimed": 3, "delivered": 3, "retrying": 0, "failed": 0}
    assert all(r["valid"] for r in receiver.requests) and len(receiver.requests) == 3
    events = receiver.events()
    assert [e["type"] for e in events] == ["CaseSubmitted", "CaseReceived", "CaseAccepted"]
    assert {e["case"] for e in events} == {number}
    assert [e["seq"] for e in events] == [1, 2, 3]
    first = receiver.requests[0]
    assert first["headers"]["X-Tongban-Event-Id"] == events[0]["id"]
    assert first["headers"]["X-Tongban-Timestamp"] == str(int(clock.now.timestamp()))
    assert first["headers"]["X-Tongban-Signature"] == webhooks.sign(
        receiver.secret, first["headers"]["X-Tongban-Timestamp"], first["body"]
    )
    assert len(set(receiver.handled)) == 3 and receiver.duplicates == []
    # a forged or stale request does not verify
    stamp = first["headers"]["X-Tongban-Timestamp"]
    signature = first["headers"]["X-Tongban-Signature"]
    assert webhooks.verify_signature(
        receiver.secret, stamp, first["body"], signature, now=int(stamp) + 60
    )
    assert not webhooks.verify_signature("0" * 64, stamp, first["body"], signature, tolerance=None)
    assert not webhooks.verify_signature(
        receiver.secret, stamp, first["body"] + b" ", signature, tolerance=None
    )
    assert not webhooks.verify_signature(
        receiver.secret, stamp, first["body"], signature, now=int(stamp) + 3600
    )
    rows = _deliveries(demo)
    assert {(d.status, d.attempts) for d in rows} == {("delivered", 1)}
    # nothing is sent twice
    assert (
        webhooks.deliver_due(demo, clock.now + dt.timedelta(hours=1), http_sender, box=box).claimed
        == 0
    )
    assert len(receiver.requests) == 3
    assert _subscription(demo, sub_id).failures == 0


def test_a_failing_receiver_gets_retries_with_backoff_then_each_event_once(
    demo: Database, env: CaseEnv, clock: Clock, box: SealBox, receiver: Receiver
) -> None:
    sub_id, receiver.secret = _subscribe(demo, box, "230123", receiver.url, ["CaseAccepted"])
    _accepted_case(demo, env)
    receiver.status = 500
    t0 = clock.now.astimezone(dt.UTC)
    assert webhooks.deliver_due(demo, t0, http_sender, box=box).retrying == 1
    (row,) = _deliveries(demo)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, FAILURE_STATUS)
    assert _utc(row.next_attempt_at) == t0 + dt.timedelta(seconds=10)
    with demo.for_tenant("230123") as uow:
        (sub,) = webhooks.list_subscriptions(uow, user(demo, "yilan_admin"))
    assert (sub.failures, sub.last_error) == (1, FAILURE_STATUS)  # a class, not "HTTP 500"
    assert [(d.status, d.attempts, d.last_error) for d in sub.deliveries] == [
        ("pending", 1, FAILURE_STATUS)
    ]
    # not due before its backoff; then 20 s after the second failure
    assert (
        webhooks.deliver_due(demo, t0 + dt.timedelta(seconds=9), http_sender, box=box).claimed == 0
    )
    t1 = t0 + dt.timedelta(seconds=10)
    assert webhooks.deliver_due(demo, t1, http_sender, box=box).retrying == 1
    (row,) = _deliveries(demo)
    assert row.attempts == 2 and _utc(row.next_attempt_at) == t1 + dt.timedelta(seconds=20)
    assert _subscription(demo, sub_id).failures == 2

    # the receiver recovers: delivered, failures reset, the last error kept for the record
    receiver.status = 200
    t2 = t1 + dt.timedelta(seconds=20)
    assert webhooks.deliver_due(demo, t2, http_sender, box=box).delivered == 1
    (row,) = _deliveries(demo)
    assert (row.status, row.attempts, row.last_error) == ("delivered", 3, None)
    sub_row = _subscription(demo, sub_id)
    assert (sub_row.failures, sub_row.last_error) == (0, FAILURE_STATUS)
    assert len(receiver.handled) == 1

    # a worker that died after POSTing but before recording sends the event again when its
    # claim lapses: the receiver drops it by event id
    with platform_unit_of_work(demo, "test", write=True) as uow:
        again = uow.session.get_one(WebhookDelivery, row.id)
        again.status, again.next_attempt_at = "pending", t2
        uow.commit()
    assert webhooks.deliver_due(demo, t2, http_sender, box=box).delivered == 1
    assert receiver.duplicates == [row.event_id] and receiver.handled == [row.event_id]
    assert len({r["headers"]["X-Tongban-Event-Id"] for r in receiver.requests}) == 1


def test_a_receiver_that_never_answers_fails_after_max_attempts(
    demo: Database, env: CaseEnv, clock: Clock, box: SealBox
) -> None:
    sub_id, _ = _subscribe(demo, box, "230123", "http://127.0.0.1:9/nobody", ["CaseAccepted"])
    _accepted_case(demo, env)
    now = clock.now.astimezone(dt.UTC)
    waits = []
    for _ in range(webhooks.MAX_ATTEMPTS):
        summary = webhooks.deliver_due(demo, now, http_sender, box=box)
        assert summary.claimed == 1
        (row,) = _deliveries(demo)
        if row.next_attempt_at is not None:
            waits.append((_utc(row.next_attempt_at) - now).total_seconds())
            now = _utc(row.next_attempt_at)
    assert waits == [10, 20, 40, 80, 160, 320, 640]
    assert (row.status, row.attempts) == ("failed", webhooks.MAX_ATTEMPTS)
    assert row.last_error == FAILURE_CONNECT  # connection refused, as a class only
    assert _subscription(demo, sub_id).failures == webhooks.MAX_ATTEMPTS
    assert webhooks.deliver_due(demo, now + dt.timedelta(days=1), http_sender, box=box).claimed == 0
    assert webhooks.backoff(30) == dt.timedelta(hours=1)


# --- tenants ---------------------------------------------------------------------------------


def test_a_sibling_county_neither_sees_nor_receives_the_others(
    demo: Database, env: CaseEnv, clock: Clock, box: SealBox, receiver: Receiver
) -> None:
    yilan_sub, receiver.secret = _subscribe(demo, box, "230123", receiver.url, ["*"])
    fangzheng_sub, _ = _subscribe(demo, box, "230124", receiver.url + "/fz", ["*"])
    number = _accepted_case(demo, env, "230123")
    assert {d.subscription_id for d in _deliveries(demo)} == {yilan_sub}
    with demo.for_tenant("230124") as uow:
        listed = webhooks.list_subscriptions(uow, user(demo, "fangzheng_admin"))
        assert [s.id for s in listed] == [fangzheng_sub] and listed[0].deliveries == []
        with pytest.raises(NotFound):
            webhooks.unsubscribe(uow, user(demo, "fangzheng_admin"), yilan_sub)
    # the city above sees its counties' cases, not their subscriptions
    with demo.for_tenant("230100") as uow:
        assert webhooks.list_subscriptions(uow, user(demo, "harbin_admin")) == []
        with pytest.raises(NotFound):
            webhooks.unsubscribe(uow, user(demo, "harbin_admin"), yilan_sub)
    assert _subscription(demo, yilan_sub).active
    webhooks.deliver_due(demo, clock.now, http_sender, box=box)
    assert {e["case"] for e in receiver.events()} == {number}
    assert [r["path"] for r in receiver.requests] == ["/tongban/events"] * 3  # none to /fz
    fangzheng_number = _accepted_case(demo, env, "230124")
    assert {d.subscription_id for d in _deliveries(demo, case_number=fangzheng_number)} == {
        fangzheng_sub
    }


# --- GraphQL -------------------------------------------------------------------------------


def _graphql(
    db: Database, env: CaseEnv, username: str, query: str, **variables: Any
) -> tuple[dict[str, Any] | None, list[TongbanError]]:
    settings = load_settings({"TONGBAN_SEAL_KEY": "ab" * 32, **ALLOW})
    platform = Platform(settings, db, env.schemas, CAPABILITIES)
    actor = user(db, username)
    context = GraphQLContext(platform, env, Principal(actor, "user"), "test")
    result = graphql_schema.execute(query, variable_values=variables, context_value=context)
    errors = [e.original_error for e in result.errors or ()]
    assert all(isinstance(e, TongbanError) for e in errors), result.errors
    return result.data, errors  # type: ignore[return-value]


SUBSCRIBE = """mutation($url: String!, $events: [String!]!) {
  subscribeWebhook(url: $url, events: $events) { id secret } }"""
LIST = """{ webhookSubscriptions { id url events failures lastError
  deliveries { eventId kind status attempts lastError } } }"""
UNSUBSCRIBE = "mutation($id: ID!) { unsubscribeWebhook(id: $id) }"


def test_graphql_subscribe_list_and_unsubscribe_within_the_tenant(
    demo: Database, env: CaseEnv, receiver: Receiver
) -> None:
    data, errors = _graphql(demo, env, "yilan_admin", SUBSCRIBE, url=receiver.url, events=["*"])
    assert errors == [] and data is not None
    created = data["subscribeWebhook"]
    assert len(created["secret"]) == 64
    _accepted_case(demo, env)
    data, errors = _graphql(demo, env, "yilan_admin", LIST)
    assert errors == [] and data is not None
    (sub,) = data["webhookSubscriptions"]
    assert sub["id"] == created["id"] and "secret" not in sub
    assert (sub["failures"], sub["lastError"]) == (0, None)
    assert [(d["kind"], d["status"], d["attempts"]) for d in sub["deliveries"]] == [
        ("CaseAccepted", "pending", 0),
        ("CaseReceived", "pending", 0),
        ("CaseSubmitted", "pending", 0),
    ]
    # the sibling county: nothing to see, nothing to unsubscribe
    data, errors = _graphql(demo, env, "fangzheng_admin", LIST)
    assert data == {"webhookSubscriptions": []}
    _, errors = _graphql(demo, env, "fangzheng_admin", UNSUBSCRIBE, id=created["id"])
    assert [e.code for e in errors] == [ErrorCode.NOT_FOUND]
    _, errors = _graphql(demo, env, "yilan_clerk", LIST)
    assert [e.code for e in errors] == [ErrorCode.FORBIDDEN]
    _, errors = _graphql(demo, env, "yilan_admin", SUBSCRIBE, url="gopher://x", events=["*"])
    assert [e.code for e in errors] == [ErrorCode.INVALID_INPUT]
    data, errors = _graphql(demo, env, "yilan_admin", UNSUBSCRIBE, id=created["id"])
    assert errors == [] and data == {"unsubscribeWebhook": True}
    data, _ = _graphql(demo, env, "yilan_admin", LIST)
    assert data == {"webhookSubscriptions": []}


# --- Celery over Redis -----------------------------------------------------------------------


def _require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        problem = f"Redis not reachable at {REDIS_URL}: {exc.__class__.__name__}: {exc}"
        if REQUIRE_SERVICES:
            pytest.fail(problem + " (TONGBAN_REQUIRE_SERVICES=1)")
        pytest.skip(problem)


def _flush(*urls: str) -> None:
    for url in urls:
        client = redis.Redis.from_url(url)
        client.flushdb()
        client.close()


@pytest.mark.slow
@pytest.mark.redis
def test_celery_worker_delivers_webhooks_over_redis(
    tmp_path: Path, schemas: Schemas, receiver: Receiver
) -> None:
    _require_redis()
    var = tmp_path / "var"
    settings = load_settings(
        {
            "TONGBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'tongban.db'}",
            "TONGBAN_VAR_DIR": str(var),
            "TONGBAN_BROKER_URL": REDIS_URL,
            **ALLOW,  # passed on to the worker's environment
        }
    )
    platform = bootstrap(settings)
    load_tree(platform.db, DEMO, platform.schemas)
    webhooks.forget_cached_absence()
    box = SealBox.from_setting(settings.seal_key)  # the worker's key, from the same settings
    _, receiver.secret = _subscribe(platform.db, box, "230123", receiver.url, ["*"])
    # the worker's clock is the wall clock: the case happened a minute ago
    then = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    past = CaseEnv(platform.schemas, sealer=None, clock=lambda: then)
    number = submit(platform.db, past, "230123", application(YILAN, DRUG)).number

    results = result_backend_for(REDIS_URL, settings.var_dir)
    _flush(REDIS_URL, results)
    client = make_celery(settings)
    worker = start_embedded_worker(settings, beat=False, extra_env={"TONGBAN_EMBEDDED_WORKER": "1"})
    assert worker is not None
    try:
        client.send_task("tongban.deliver_webhooks")
        deadline = time.monotonic() + WAIT
        while len(receiver.handled) < 2:
            if worker.poll() is not None or time.monotonic() > deadline:
                log = log_path(settings).read_text(errors="replace")[-4000:]
                pytest.fail(f"no webhook delivered by the worker within {WAIT}s:\n{log}")
            time.sleep(0.1)
        deadline = time.monotonic() + WAIT
        while {d.status for d in _deliveries(platform.db)} != {"delivered"}:
            assert time.monotonic() < deadline, "deliveries not recorded as delivered"
            time.sleep(0.1)
    finally:
        stop_embedded_worker(worker)
        client.close()
        _flush(REDIS_URL, results)
        platform.db.dispose()
        webhooks.forget_cached_absence()
    assert [e["type"] for e in receiver.events()] == ["CaseSubmitted", "CaseReceived"]
    assert {e["case"] for e in receiver.events()} == {number}
    assert all(r["valid"] for r in receiver.requests) and receiver.duplicates == []
    assert "tongban.deliver_webhooks" in log_path(settings).read_text(errors="replace")


def _utc(moment: dt.datetime | None) -> dt.datetime:
    assert moment is not None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
