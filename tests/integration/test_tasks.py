"""The supervision sweep as a Celery task, through real workers: over Redis (as in CI and
production) and over the embedded ``sqla+sqlite`` broker with beat (as under ``make run``).

The worker runs the sweep with the real clock, so the cases are submitted (and some
accepted) a month ago with a clock in the past: the waiting ones are due for deemed
acceptance, the accepted ones are past their promised deadline.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from celery.result import AsyncResult
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, func, select, text

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import Case, SupervisionAlert
from tongban.adapters.files.config_io import load_tree
from tongban.adapters.tasks.celery_app import make_celery, result_backend_for
from tongban.adapters.tasks.embedded import (
    log_path,
    purge_consumed_messages,
    start_embedded_worker,
    stop_embedded_worker,
)
from tongban.bootstrap import Platform, bootstrap
from tongban.commands.tasks import sweep as sweep_command
from tongban.config import Settings, load_settings
from tongban.services.cases import intake
from tongban.services.cases.runtime import CaseEnv

from .case_support import CST, DEMO, application, submit, user

pytestmark = pytest.mark.slow

REQUIRE_SERVICES = os.environ.get("TONGBAN_REQUIRE_SERVICES") == "1"
REDIS_URL = os.environ.get("TONGBAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
YILAN_PATH = "100000/230000/230100/230123"
FANGZHENG_PATH = "100000/230000/230100/230124"
DRUG = "000172111003"  # 药品零售企业经营许可: implemented at both counties
COUNTY_A, COUNTY_B = "230123", "230124"  # 依兰县, 方正县: siblings under 哈尔滨市
WAIT = 45.0  # seconds: a bound, never a sleep


def _redis_problem() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"Redis not reachable at {REDIS_URL}: {exc.__class__.__name__}: {exc}"
    return None


def _require_redis() -> None:
    problem = _redis_problem()
    if problem:
        if REQUIRE_SERVICES:
            pytest.fail(problem + " (TONGBAN_REQUIRE_SERVICES=1)")
        pytest.skip(problem)


def _flush(*urls: str) -> None:
    for url in urls:
        client = redis.Redis.from_url(url)
        client.flushdb()
        client.close()


@dataclass
class Scene:
    platform: Platform
    a_waiting: str  # received a month ago, never accepted: due for deemed acceptance
    a_working: str  # accepted a month ago: past its promised deadline
    b_waiting: str
    b_working: str

    def status(self, number: str) -> tuple[str, bool]:
        """(status, accepted?) as the database has it now."""
        with platform_unit_of_work(self.platform.db, "test") as uow:
            row = uow.session.execute(
                select(Case.status, Case.accepted_at).where(Case.number == number)
            ).one()
            return row.status, row.accepted_at is not None

    def alerts(self, number: str) -> list[str]:
        with platform_unit_of_work(self.platform.db, "test") as uow:
            kinds = uow.session.scalars(
                select(SupervisionAlert.kind)
                .join(Case, Case.id == SupervisionAlert.case_id)
                .where(Case.number == number)
            )
            return sorted(kinds)

    @property
    def overdue(self) -> str:
        """The alert a passed promised deadline raises: red, unless the deadline is 暂定
        (the clock is real: a month ago may count days of a year without an official
        arrangement, e.g. under ``make test-faketime``; docs/engine.md)."""
        with platform_unit_of_work(self.platform.db, "test") as uow:
            provisional = uow.session.scalar(
                select(Case.deadline_provisional).where(Case.number == self.a_working)
            )
        return "CASE_OVERDUE_PROVISIONAL" if provisional else "CASE_OVERDUE"

    def alert_count(self) -> int:
        with platform_unit_of_work(self.platform.db, "test") as uow:
            return int(uow.session.scalar(select(func.count(SupervisionAlert.id))) or 0)


def _a_month_ago() -> dt.datetime:
    moment = dt.datetime.now(CST).replace(hour=10, minute=0, second=0, microsecond=0)
    moment -= dt.timedelta(days=30)
    while moment.weekday() >= 5:
        moment -= dt.timedelta(days=1)
    return moment


def _scene(settings: Settings) -> Scene:
    platform = bootstrap(settings)
    load_tree(platform.db, DEMO, platform.schemas)
    then = _a_month_ago()
    past = CaseEnv(platform.schemas, sealer=None, clock=lambda: then)
    numbers: dict[str, str] = {}
    for county, path, clerk in (
        (COUNTY_A, YILAN_PATH, "yilan_clerk"),
        (COUNTY_B, FANGZHENG_PATH, "fangzheng_clerk"),
    ):
        numbers[f"{county}-waiting"] = submit(
            platform.db, past, county, application(path, DRUG)
        ).number
        working = submit(platform.db, past, county, application(path, DRUG)).number
        with platform.db.for_tenant(county) as uow:
            intake.accept_case(uow, past, user(platform.db, clerk), working)
        numbers[f"{county}-working"] = working
    return Scene(
        platform,
        numbers[f"{COUNTY_A}-waiting"],
        numbers[f"{COUNTY_A}-working"],
        numbers[f"{COUNTY_B}-waiting"],
        numbers[f"{COUNTY_B}-working"],
    )


def _settings(tmp_path: Path, broker_url: str | None = None) -> Settings:
    var = tmp_path / "var"
    env = {
        "TONGBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'tongban.db'}",
        "TONGBAN_VAR_DIR": str(var),
        "TONGBAN_BROKER_URL": broker_url or f"sqla+sqlite:///{var / 'broker.db'}",
    }
    return load_settings(env)


def _log(settings: Settings) -> str:
    path = log_path(settings)
    return path.read_text(encoding="utf-8", errors="replace")[-4000:] if path.exists() else ""


def _wait(
    result: AsyncResult, worker: subprocess.Popen[bytes], settings: Settings
) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if result.ready():
            value = result.get(timeout=1, interval=0.05)
            assert isinstance(value, dict)
            return value
        if worker.poll() is not None:
            pytest.fail(f"worker exited with {worker.returncode}:\n{_log(settings)}")
        time.sleep(0.05)
    pytest.fail(f"no sweep result within {WAIT}s:\n{_log(settings)}")


@dataclass
class RedisWorker:
    settings: Settings
    client: Celery
    process: subprocess.Popen[bytes]

    def sweep(self, tenant_code: str | None = None) -> dict[str, Any]:
        sent = self.client.send_task("tongban.sweep", kwargs={"tenant_code": tenant_code})
        return _wait(sent, self.process, self.settings)


@pytest.fixture
def redis_worker(tmp_path: Path) -> Iterator[RedisWorker]:
    """A real ``celery worker`` subprocess on Redis (no beat: the test sends each sweep)."""
    _require_redis()
    settings = _settings(tmp_path, REDIS_URL)
    results = result_backend_for(REDIS_URL, settings.var_dir)
    _flush(REDIS_URL, results)
    client = make_celery(settings)
    assert client.conf.result_backend == results
    process = start_embedded_worker(
        settings, beat=False, extra_env={"TONGBAN_EMBEDDED_WORKER": "1"}
    )
    assert process is not None
    try:
        yield RedisWorker(settings, client, process)
    finally:
        stop_embedded_worker(process)
        client.close()
        _flush(REDIS_URL, results)


@pytest.mark.redis
def test_sweep_task_over_redis_deems_accepted_and_raises_once(
    redis_worker: RedisWorker,
) -> None:
    scene = _scene(redis_worker.settings)
    first = redis_worker.sweep()
    assert sorted(first["deemed_accepted"]) == sorted([scene.a_waiting, scene.b_waiting])
    assert first["checked"] == 4
    assert first["raised"] == {scene.overdue: 2, "STEP_OVERDUE": 2}
    for number in (scene.a_waiting, scene.b_waiting):
        assert scene.status(number) == ("processing", True)
    assert scene.alerts(scene.a_working) == [scene.overdue, "STEP_OVERDUE"]
    raised = scene.alert_count()
    assert raised == 4

    again = redis_worker.sweep()
    assert again == {"checked": 4, "deemed_accepted": [], "raised": {}}
    assert scene.alert_count() == raised


@pytest.mark.redis
def test_sweep_task_for_one_county_never_touches_its_sibling(redis_worker: RedisWorker) -> None:
    scene = _scene(redis_worker.settings)
    county_a = redis_worker.sweep(COUNTY_A)
    assert county_a["checked"] == 2
    assert county_a["deemed_accepted"] == [scene.a_waiting]
    assert county_a["raised"] == {scene.overdue: 1, "STEP_OVERDUE": 1}
    # county B's cases are just as overdue, and nothing happened to them
    assert scene.status(scene.b_waiting) == ("received", False)
    assert scene.alerts(scene.b_working) == []
    assert scene.alerts(scene.b_waiting) == []
    assert redis_worker.sweep(COUNTY_A) == {"checked": 2, "deemed_accepted": [], "raised": {}}
    # the full sweep then finds them: they were left alone, not broken
    everyone = redis_worker.sweep()
    assert everyone["deemed_accepted"] == [scene.b_waiting]
    assert everyone["raised"] == {scene.overdue: 1, "STEP_OVERDUE": 1}


def test_beat_on_the_embedded_broker_runs_the_sweep(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert settings.broker_url.startswith("sqla+sqlite:///")
    scene = _scene(settings)
    worker = start_embedded_worker(
        settings, extra_env={"TONGBAN_SWEEP_SECONDS": "1", "TONGBAN_EMBEDDED_WORKER": "1"}
    )
    assert worker is not None
    results = create_engine(result_backend_for(settings.broker_url, settings.var_dir)[3:])
    try:
        _until(lambda: _sweeps_done(results) >= 1, "no sweep by beat", worker, settings)
        assert scene.status(scene.a_waiting) == ("processing", True)
        assert scene.status(scene.b_waiting) == ("processing", True)
        assert scene.alerts(scene.a_working) == [scene.overdue, "STEP_OVERDUE"]
        assert scene.alert_count() == 4
        # the next tick sweeps again: nothing is raised twice
        _until(lambda: _sweeps_done(results) >= 2, "no second sweep", worker, settings)
        assert scene.alert_count() == 4
    finally:
        stop_embedded_worker(worker)
        results.dispose()
    assert worker.returncode is not None
    assert "tongban.sweep" in _log(settings)
    broker = settings.broker_url.removeprefix("sqla+")
    assert _consumed(broker) >= 2
    purged = purge_consumed_messages(settings.broker_url, older_than=dt.timedelta(0))
    assert purged >= 2 and _consumed(broker) == 0


def _until(
    condition: Callable[[], bool],
    failure: str,
    worker: subprocess.Popen[bytes],
    settings: Settings,
) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"worker exited with {worker.returncode}:\n{_log(settings)}")
        if time.monotonic() > deadline:
            pytest.fail(f"{failure} within {WAIT}s:\n{_log(settings)}")
        time.sleep(0.2)


def _sweeps_done(results: Engine) -> int:
    with results.connect() as conn:
        try:
            return int(
                conn.scalar(text("select count(*) from celery_taskmeta where status = 'SUCCESS'"))
                or 0
            )
        except Exception:  # noqa: BLE001 - the table appears with the first result
            return 0


def _consumed(broker_db_url: str) -> int:
    engine = create_engine(broker_db_url)
    try:
        with engine.connect() as conn:
            return int(
                conn.scalar(text("select count(*) from kombu_message where visible = 0")) or 0
            )
    finally:
        engine.dispose()


def test_sweep_command_runs_once_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    scene = _scene(settings)
    monkeypatch.setenv("TONGBAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TONGBAN_VAR_DIR", str(settings.var_dir))
    runner = CliRunner()
    done = runner.invoke(sweep_command, ["--tenant", COUNTY_A])
    assert done.exit_code == 0, done.output
    assert "checked 2 case(s); deemed accepted 1" in done.output
    assert scene.a_waiting in done.output and scene.b_waiting not in done.output
    assert scene.status(scene.b_waiting) == ("received", False)
    unknown = runner.invoke(sweep_command, ["--tenant", "999999"])
    assert unknown.exit_code == 1
