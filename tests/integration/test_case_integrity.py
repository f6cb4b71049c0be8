"""Integrity of cases under tampering, concurrency, crashes and new definition versions."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select, text

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import Case, CaseEvent
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.core.errors import Conflict, InvalidState
from tongban.services.actors import Actor
from tongban.services.cases import intake, queries, steps
from tongban.services.cases.audit_check import verify_audit
from tongban.services.cases.driver import work_case
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas

from .case_support import DEMO, DRUG, YILAN, accepted_drug_case, application, submit, user

ROOT = Path(__file__).resolve().parents[2]


def test_a_tampered_audit_log_is_caught_and_named(demo: Database, env: CaseEnv) -> None:
    edited, deleted, reordered, clean = (accepted_drug_case(demo, env) for _ in range(4))
    for number in (edited, deleted, reordered, clean):
        work_case(demo, env, number)
    assert list(verify_audit(demo)) == []
    with demo.engine.begin() as conn:
        ids = {
            n: conn.execute(text('select id from "case" where number = :n'), {"n": n}).scalar_one()
            for n in (edited, deleted, reordered)
        }
        conn.execute(
            text("update case_event set actor = 'mallory' where case_id = :c and seq = 3"),
            {"c": ids[edited]},
        )
        last = conn.execute(
            text("select max(seq) from case_event where case_id = :c"), {"c": ids[deleted]}
        ).scalar_one()
        conn.execute(
            text("delete from case_event where case_id = :c and seq = :s"),
            {"c": ids[deleted], "s": last},
        )
        rows = conn.execute(
            text(
                "select id, seq from case_event where case_id = :c and seq in (2, 3) order by seq"
            ),
            {"c": ids[reordered]},
        ).all()
        (id2, _), (id3, _) = rows
        conn.execute(text("update case_event set seq = -1 where id = :i"), {"i": id2})
        conn.execute(text("update case_event set seq = 2 where id = :i"), {"i": id3})
        conn.execute(text("update case_event set seq = 3 where id = :i"), {"i": id2})
    problems = list(verify_audit(demo))
    named = {(p.chain, p.code) for p in problems}
    assert (edited, "EDITED") in named
    assert any(chain == deleted and code in ("DELETED", "HEAD_MISMATCH") for chain, code in named)
    assert any(chain == reordered for chain, _ in named)
    assert all(p.chain != clean for p in problems)
    assert any("#3" in p.message for p in problems if p.chain == edited)


def test_twenty_clerks_on_one_step_exactly_one_wins(demo: Database, env: CaseEnv) -> None:
    number = accepted_drug_case(demo, env)
    reviewer = user(demo, "yilan_reviewer")
    barrier = threading.Barrier(20)
    results: list[str] = []
    lock = threading.Lock()

    def act() -> None:
        barrier.wait()
        try:
            with demo.for_tenant("230123") as uow:
                steps.complete_step(
                    uow, env, reviewer, number, "review_full", steps.Opinion.PASS, "通过"
                )
            outcome = "won"
        except Conflict:
            outcome = "conflict"
        except Exception as exc:  # noqa: BLE001 - anything else is a failure we report
            outcome = f"error: {exc!r}"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=act) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == ["conflict"] * 19 + ["won"]
    with platform_unit_of_work(demo, "test") as uow:
        case = uow.session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        kinds = uow.session.scalars(
            select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
        ).all()
    assert kinds.count("StepCompleted:pass") == 1
    assert list(verify_audit(demo)) == []


def test_concurrent_submissions_with_one_key_make_one_case(demo: Database, env: CaseEnv) -> None:
    app = application(YILAN, DRUG, idempotency_key="county-系统-2026-0001")
    barrier = threading.Barrier(20)
    numbers: list[str] = []
    errors: list[str] = []

    def send() -> None:
        barrier.wait()
        try:
            numbers.append(submit(demo, env, "230123", app).number)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=send) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and len(numbers) == 20 and len(set(numbers)) == 1
    with platform_unit_of_work(demo, "test") as uow:
        assert len(uow.session.scalars(select(Case)).all()) == 1


def test_a_process_killed_inside_a_command_loses_nothing(
    demo: Database, env: CaseEnv, tmp_path: Path
) -> None:
    number = submit(demo, env, "230123", application(YILAN, DRUG)).number
    script = tmp_path / "crash.py"
    script.write_text(
        "import sys, time, datetime as dt\n"
        f"sys.path.insert(0, {str(ROOT / 'platform')!r}); sys.path.insert(0, {str(ROOT)!r})\n"
        "from sqlalchemy import create_engine\n"
        "from tongban.adapters.db.unit_of_work import Database\n"
        "from tongban.adapters.files.schemas import load_schema_dir\n"
        "from tongban.services.actors import actor_for\n"
        "from tongban.services.cases import intake\n"
        "from tongban.services.cases.runtime import CaseEnv\n"
        "from tongban.services.schemas import Schemas\n"
        f"url, options = {demo.url!r}, {_options(demo)!r}\n"
        "db = Database(url, engine=create_engine(url, connect_args=options) if options else None)\n"
        "env = CaseEnv(Schemas.from_documents(load_schema_dir()), None,\n"
        "              lambda: dt.datetime(2026, 9, 1, 11, tzinfo=dt.UTC))\n"
        "clerk = actor_for(db, 'yilan_clerk')\n"
        "with db.for_tenant('230123') as uow:\n"
        "    uow.commit = lambda: (print('READY', flush=True), time.sleep(120))\n"
        f"    intake.accept_case(uow, env, clerk, {number!r})\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY"  # inside the command, not committed
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    with demo.for_tenant("230123") as uow:
        view = queries.get_case(uow, number)
    assert view.status == "received" and [t.step for t in view.open_tasks] == ["accept"]
    assert list(verify_audit(demo)) == []
    with demo.for_tenant("230123") as uow:  # and the command can simply be given again
        assert (
            intake.accept_case(uow, env, user(demo, "yilan_clerk"), number).status == "processing"
        )


def _options(db: Database) -> dict[str, str]:
    """The PostgreSQL test schema, so the child process works in the same one."""
    if db.engine.dialect.name != "postgresql":
        return {}
    with db.engine.connect() as conn:
        schema = conn.execute(text("select current_schema()")).scalar_one()
    return {"options": f"-csearch_path={schema}"}


def test_a_running_case_keeps_the_version_it_started_with(
    demo: Database, env: CaseEnv, schemas: Schemas, tmp_path: Path
) -> None:
    old = accepted_drug_case(demo, env)
    tree = tmp_path / "tenants"
    shutil.copytree(DEMO, tree)
    path = tree / YILAN / "matters" / f"{DRUG}.implementation.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for node in doc["flow"]["nodes"]:
        if node["id"] == "review_full":
            node["id"] = "review_all"
    for edge in doc["flow"]["edges"]:
        for end in ("from", "to"):
            if edge[end] == "review_full":
                edge[end] = "review_all"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert load_tree(demo, tree, schemas).matters_changed == [f"230123/implementation/{DRUG}"]
    new = accepted_drug_case(demo, env)
    with demo.for_tenant("230123") as uow:
        old_view, new_view = queries.get_case(uow, old), queries.get_case(uow, new)
    assert (old_view.matter_version, [t.node_id for t in old_view.open_tasks]) == (
        1,
        ["review_full"],
    )
    assert (new_view.matter_version, [t.node_id for t in new_view.open_tasks]) == (
        2,
        ["review_all"],
    )
    work_case(demo, env, old)
    with demo.for_tenant("230123") as uow:
        assert queries.get_case(uow, old).status == "concluded"


def test_return_to_an_earlier_step(demo: Database, env: CaseEnv) -> None:
    number = accepted_drug_case(demo, env)
    reviewer = user(demo, "yilan_reviewer")
    with demo.for_tenant("230123") as uow:
        steps.complete_step(uow, env, reviewer, number, "review_full", steps.Opinion.PASS, "通过")
    approver = user(demo, "yilan_approver")
    with demo.for_tenant("230123") as uow:
        view = steps.return_step(
            uow, env, approver, number, "decide", "review_full", "请补充现场核查意见"
        )
    assert [t.node_id for t in view.open_tasks] == ["review_full"]
    with demo.for_tenant("230123") as uow, pytest.raises(InvalidState):
        steps.return_step(uow, env, reviewer, number, "review_full", "conclude", "x")
    with demo.for_tenant("230123") as uow:
        kinds = [e.kind for e in queries.case_events(uow, number)]
    assert "StepReturned" in kinds


def test_applicant_actor_cannot_work_steps(demo: Database, env: CaseEnv) -> None:
    number = accepted_drug_case(demo, env)
    with demo.for_tenant("230123") as uow, pytest.raises(Exception) as refused:
        steps.complete_step(
            uow,
            env,
            Actor.applicant("91110000600037341L"),
            number,
            "review_full",
            steps.Opinion.PASS,
            "",
        )
    assert "不属于办理单位" in str(refused.value)
