"""Benchmark: the GraphQL API under load, gunicorn on PostgreSQL, 32 concurrent clients.

Run: ``.venv/bin/python bench/api.py [--seconds 20] [--clients 32]``.

Set-up: a fresh PostgreSQL schema ``bench_api_<random>`` in ``$TONGBAN_BENCH_PG_URL``
(default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``; the server reaches it with
``?options=-csearch_path%3D<schema>``), migrated, the demo ``tenants/`` tree loaded, two API
keys of 依兰县 230123: its window clerk (zwfw) and the market regulator's reviewer (scjgj).
The app is built once here too, so that Flask-AppBuilder creates its tables and permissions
before the workers start (four workers racing to create them could collide).

Load: gunicorn (``gthread``; see WORKERS/THREADS) serves ``tongban.wsgi:app``.
Each client thread holds one keep-alive connection (http.client) and alternates
``submitApplication`` (药品零售企业经营许可 000172111003, a unique idempotency key each) and
``completeStep`` (the review step, PASS, as the reviewer) on cases accepted beforehand
through the services, its own ones only, so that clients never contend for a case. A short
warm-up (its figures discarded) calibrates how many accepted cases the timed part needs.
Every response must be HTTP 200 without ``errors``; any error is printed.

Figures: p50/p95/p99 latency per operation, submissions/s and requests/s, and the CPU used
by this process (the clients), by gunicorn and by the whole machine: the load generator
shares the cores with the server and PostgreSQL. gunicorn is stopped and the schema dropped
whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))

from tongban.adapters.db import migrate  # noqa: E402
from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: E402
from tongban.adapters.db.unit_of_work import Database  # noqa: E402
from tongban.adapters.files.config_io import load_tree  # noqa: E402
from tongban.adapters.files.schemas import load_schema_dir  # noqa: E402
from tongban.core.form_samples import sample_instance  # noqa: E402
from tongban.services import apikeys  # noqa: E402
from tongban.services.actors import actor_for  # noqa: E402
from tongban.services.cases import intake  # noqa: E402
from tongban.services.cases.intake import Application  # noqa: E402
from tongban.services.cases.runtime import CaseEnv  # noqa: E402
from tongban.services.schemas import Schemas  # noqa: E402

PG_URL = os.environ.get("TONGBAN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TENANTS = ROOT / "tenants"
COUNTY = "230123"
COUNTY_PATH = "100000/230000/230100/230123"
MATTER = "000172111003"  # 药品零售企业经营许可: receive → accept → review → decide → conclude
CLERK = "yilan_clerk"  # zwfw: submits and accepts
REVIEWER_DEPARTMENT = "scjgj"

# 2 cores shared by gunicorn, PostgreSQL and this load generator. A request is mostly
# Python (GIL-bound), with a few short waits on PostgreSQL: one process per core, and a few
# threads each to cover those waits. Measured (10 s runs, same machine, one after another):
# -w 2 --threads 4 gave 265 submissions/s, p95 111 ms, gunicorn 2.0 ms CPU per request;
# -w 3 --threads 4 244–248/s, p95 102–138 ms, 2.3–2.4 ms; -w 2 --threads 6 or 8 and
# -w 4 --threads 4 less (more threads queue on one GIL, more processes switch more).
# The clients use ~0.25 ms of CPU per request: threads in one process are enough.
WORKERS = 2
THREADS = 4
TARGET_SUBMISSIONS = 300.0  # per second, on 2 cores
TARGET_P95_MS = 50.0
WARMUP_SECONDS = 4.0
CASE_MARGIN = 1.3  # accepted cases prepared: the warm-up rate × seconds × this (shared spares)
HEALTH_TIMEOUT_S = 60.0

SUBMIT = """mutation Submit($input: ApplicationInput!) {
  submitApplication(input: $input) { case { number status } }
}"""
COMPLETE = """mutation Complete($n: String!, $node: String!) {
  completeStep(number: $n, nodeId: $node, opinion: PASS, comment: "符合要求") {
    case { number status }
  }
}"""


# --------------------------------------------------------------------------- set-up


def application() -> Application:
    path = TENANTS / COUNTY_PATH / "matters" / f"{MATTER}.implementation.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Application(
        matter_code=MATTER,
        applicant_name="黑龙江示例医药连锁有限公司",
        applicant_id="91110000600037341L",
        applicant_kind="legal_person",
        form_data=sample_instance(doc["form"]),
        materials=[m["code"] for m in doc["materials"]],
    )


def schema_url(schema: str) -> str:
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def prepare_cases(url: str, count: int) -> list[tuple[str, str]]:
    """``count`` cases submitted and accepted through the services: (number, review node)."""
    db = Database(url)
    try:
        env = CaseEnv(Schemas.from_documents(load_schema_dir()), sealer=None)
        clerk = actor_for(db, CLERK)
        app = application()
        made = []
        for _ in range(count):
            with db.for_tenant(COUNTY) as uow:
                number = intake.submit_application(uow, env, clerk, app).number
            with db.for_tenant(COUNTY) as uow:
                view = intake.accept_case(uow, env, clerk, number)
            [node] = [t.node_id for t in view.open_tasks if t.step == "review"]
            made.append((number, node))
        return made
    finally:
        db.dispose()


def prepare_cases_parallel(url: str, count: int, processes: int = 2) -> list[tuple[str, str]]:
    if count <= 0:
        return []
    if count < 50:
        return prepare_cases(url, count)
    shares = [count // processes + (1 if i < count % processes else 0) for i in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        parts = pool.starmap(prepare_cases, [(url, n) for n in shares])
    return [c for part in parts for c in part]


@dataclass
class Fixture:
    schema: str
    url: str
    clerk_key: str
    reviewer_key: str


def set_up(schema: str) -> Fixture:
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = schema_url(schema)
    db = Database(url)
    try:
        with db.engine.connect() as conn:  # the URL's search_path option took effect
            shown = conn.execute(text("SHOW search_path")).scalar_one()
        assert shown == schema, (shown, schema)
        migrate.upgrade(db.engine)
        load_tree(db, TENANTS, Schemas.from_documents(load_schema_dir()))
        keys = []
        with platform_unit_of_work(db, "bench: api keys", write=True) as uow:
            for role, department in (("clerk", "zwfw"), ("reviewer", REVIEWER_DEPARTMENT)):
                _, token = apikeys.create_key(
                    uow, COUNTY, role, f"bench {role}", department=department
                )
                keys.append(token)
            uow.commit()
    finally:
        db.dispose()
    return Fixture(schema, url, *keys)


def build_app_once(env: dict[str, str]) -> None:
    """Flask-AppBuilder creates its tables and permission rows on the first start."""
    code = "from tongban.wsgi import app"
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace"))
        raise RuntimeError("the app could not be built")


def settle(url: str) -> None:
    """After the bulk preparation: VACUUM ANALYZE the tables and CHECKPOINT, so that the
    autovacuum and checkpoint that thousands of new cases would set off do not fall inside
    the timed part (the figures are for steady running)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
            conn.execute(text("CHECKPOINT"))
    finally:
        engine.dispose()


def drop_schema(schema: str) -> None:
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(fixture: Fixture, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TONGBAN_DATABASE_URL=fixture.url,
        TONGBAN_SECRET_KEY=secrets.token_hex(24),
        TONGBAN_VAR_DIR=str(var_dir),
        TONGBAN_EMBEDDED_WORKER="0",
        PYTHONPATH=os.pathsep.join(
            [str(ROOT / "platform"), *filter(None, [env.get("PYTHONPATH")])]
        ),
    )
    return env


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, threads: int, app: str
) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "-k",
        "gthread",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
        "-b",
        f"127.0.0.1:{port}",
        app,
    ]
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)


def wait_healthy(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /health in time")


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _tree_pids(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                pass
    return pids


def _cpu_of(pids: Sequence[int | str]) -> float:
    """CPU seconds (user + system) the processes ``pids`` have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def process_cpu(root: int) -> float:
    """CPU seconds of a process and its children, now."""
    return _cpu_of(_tree_pids(root))


def postgres_cpu() -> float:
    """CPU seconds of every process named postgres on this machine (the server and its
    backends; a backend that exits during the run takes its share with it)."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                pids.append(comm.parent.name)
        except OSError:
            pass
    return _cpu_of(pids)


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def other_load(seconds: float = 1.0) -> float:
    """Cores busy with something else just before the timed part (the server is idle)."""
    busy0, total0 = machine_cpu()
    time.sleep(seconds)
    busy1, total1 = machine_cpu()
    return (busy1 - busy0) / max(1, total1 - total0) * (os.cpu_count() or 1)


# --------------------------------------------------------------------------- the clients


@dataclass
class Results:
    submit: list[float] = field(default_factory=list)
    complete: list[float] = field(default_factory=list)
    submit_done: list[float] = field(default_factory=list)  # perf_counter at completion
    errors: list[str] = field(default_factory=list)
    out_of_cases: int = 0


class Client(threading.Thread):
    def __init__(
        self,
        index: int,
        port: int,
        fixture: Fixture,
        cases: list[tuple[str, str]],
        spare: list[tuple[str, str]],
        run_id: str,
        start: threading.Barrier,
        stop_at: list[float],
    ) -> None:
        super().__init__(daemon=True)
        self.index, self.port, self.fixture = index, port, fixture
        self.cases, self.spare, self.run_id = cases, spare, run_id
        self.start_barrier, self.stop_at = start, stop_at
        self.results = Results()
        self.serial = 0
        app = application()
        self.input = {
            "matterCode": app.matter_code,
            "applicantName": app.applicant_name,
            "applicantId": app.applicant_id,
            "applicantKind": app.applicant_kind.upper(),
            "formData": dict(app.form_data),
            "materials": list(app.materials),
        }
        self.conn: http.client.HTTPConnection | None = None

    def _post(self, key: str, query: str, variables: dict[str, Any]) -> tuple[float, str | None]:
        body = json.dumps({"query": query, "variables": variables}, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {key}",
            "Connection": "keep-alive",
        }
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request("POST", "/graphql", body, headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return time.perf_counter() - started, f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - started
        if response.status != 200:
            return elapsed, f"HTTP {response.status}: {raw[:300].decode(errors='replace')}"
        payload = json.loads(raw)
        if payload.get("errors"):
            return elapsed, json.dumps(payload["errors"], ensure_ascii=False)[:300]
        return elapsed, None

    def submit(self) -> None:
        self.serial += 1
        variables = {
            "input": {**self.input, "idempotencyKey": f"{self.run_id}-{self.index}-{self.serial}"}
        }
        elapsed, problem = self._post(self.fixture.clerk_key, SUBMIT, variables)
        self.results.submit.append(elapsed)
        self.results.submit_done.append(time.perf_counter())
        if problem:
            self.results.errors.append(f"submitApplication: {problem}")

    def complete(self) -> None:
        if not self.cases:
            try:
                self.cases.append(self.spare.pop())  # atomic under the GIL
            except IndexError:
                self.results.out_of_cases += 1
                return
        number, node = self.cases.pop()
        elapsed, problem = self._post(
            self.fixture.reviewer_key, COMPLETE, {"n": number, "node": node}
        )
        self.results.complete.append(elapsed)
        if problem:
            self.results.errors.append(f"completeStep {number}: {problem}")

    def run(self) -> None:
        self.start_barrier.wait()
        try:
            while time.perf_counter() < self.stop_at[0]:
                self.submit()
                if time.perf_counter() >= self.stop_at[0]:
                    break
                self.complete()
        finally:
            if self.conn is not None:
                self.conn.close()


@dataclass
class Run:
    started: float
    wall: float
    results: Results
    client_cpu: float
    server_cpu: float
    postgres_cpu: float
    machine_busy: float  # fraction of all cores


def run_load(
    port: int,
    fixture: Fixture,
    server_pid: int,
    cases: list[tuple[str, str]],
    clients_n: int,
    seconds: float,
    run_id: str,
) -> Run:
    """Each client its own share of the accepted cases; when one runs out it takes from
    whatever the others have not been dealt (none are dealt beyond the warm-up's need)."""
    per_client = len(cases) // (2 * clients_n) or 1
    shares = [cases[i * per_client : (i + 1) * per_client] for i in range(clients_n)]
    spare = cases[clients_n * per_client :]
    barrier = threading.Barrier(clients_n + 1)
    stop_at = [float("inf")]
    clients = [
        Client(i, port, fixture, shares[i], spare, run_id, barrier, stop_at)
        for i in range(clients_n)
    ]
    for c in clients:
        c.start()
    cpu0, server0, pg0 = time.process_time(), process_cpu(server_pid), postgres_cpu()
    busy0, total0 = machine_cpu()
    started = time.perf_counter()
    stop_at[0] = started + seconds
    barrier.wait()
    for c in clients:
        c.join()
    wall = time.perf_counter() - started
    busy1, total1 = machine_cpu()
    merged = Results()
    for c in clients:
        merged.submit += c.results.submit
        merged.complete += c.results.complete
        merged.submit_done += c.results.submit_done
        merged.errors += c.results.errors
        merged.out_of_cases += c.results.out_of_cases
    return Run(
        started,
        wall,
        merged,
        time.process_time() - cpu0,
        process_cpu(server_pid) - server0,
        postgres_cpu() - pg0,
        (busy1 - busy0) / max(1, total1 - total0),
    )


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def describe(label: str, values: Sequence[float], wall: float) -> str:
    ms = [1000 * v for v in values]
    return (
        f"{label:<18} {len(ms):>6} req {len(ms) / wall:7.1f}/s   p50 {percentile(ms, 50):6.1f} ms"
        f"   p95 {percentile(ms, 95):6.1f} ms   p99 {percentile(ms, 99):6.1f} ms"
        f"   max {max(ms, default=float('nan')):6.1f} ms"
    )


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="timed load (default 20)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (32)")
    parser.add_argument("--workers", type=int, default=WORKERS, help=f"gunicorn ({WORKERS})")
    parser.add_argument("--threads", type=int, default=THREADS, help=f"per worker ({THREADS})")
    parser.add_argument("--app", default="tongban.wsgi:app", help="the WSGI app gunicorn serves")
    args = parser.parse_args()
    clients_n = args.clients
    schema = f"bench_api_{secrets.token_hex(5)}"
    run_id = f"bench-{secrets.token_hex(4)}"
    server: subprocess.Popen[bytes] | None = None
    idle = 0.0
    var_dir = Path(f"/tmp/{schema}")
    created = True  # from here on, drop the schema whatever happens (IF EXISTS)
    try:
        began = time.perf_counter()
        fixture = set_up(schema)
        env = server_env(fixture, var_dir)
        build_app_once(env)
        warm = prepare_cases_parallel(fixture.url, clients_n * 4)
        print(
            f"set-up (schema {schema}, migrate, load tenants/, keys, app tables, "
            f"{len(warm)} cases): {time.perf_counter() - began:.1f} s"
        )
        port = free_port()
        server = start_gunicorn(env, port, args.workers, args.threads, args.app)
        wait_healthy(port, server)

        # warm-up: fills each worker's caches; its rate sizes the accepted cases needed
        warmup = run_load(port, fixture, server.pid, warm, clients_n, WARMUP_SECONDS, run_id + "w")
        if warmup.results.errors:
            print(f"warm-up errors ({len(warmup.results.errors)}):")
            for problem in warmup.results.errors[:10]:
                print("  " + problem)
        # the rate once warm (the warm-up's second half), from submissions: completeStep
        # may have run out of the few cases the warm-up had
        half = warmup.started + warmup.wall / 2
        rate = sum(1 for t in warmup.results.submit_done if t >= half) / (warmup.wall / 2)
        began = time.perf_counter()
        needed = int(rate * args.seconds * CASE_MARGIN) + 4 * clients_n
        cases = prepare_cases_parallel(fixture.url, needed)
        print(
            f"warm-up {warmup.wall:.1f} s, {rate:.0f} submissions/s once warm; prepared "
            f"{len(cases)} accepted cases in {time.perf_counter() - began:.1f} s"
        )
        settle(fixture.url)
        idle = other_load()
        run = run_load(port, fixture, server.pid, cases, clients_n, args.seconds, run_id)
    finally:
        if server is not None:
            stop_gunicorn(server)
        if created:
            drop_schema(schema)
        shutil.rmtree(var_dir, ignore_errors=True)
    results, wall = run.results, run.wall
    cores = os.cpu_count() or 1
    print(
        f"gunicorn gthread -w {args.workers} --threads {args.threads}, {clients_n} clients "
        f"(threads, keep-alive http.client), {wall:.1f} s timed, {cores} cores, "
        f"PostgreSQL {make_url(PG_URL).host}"
    )
    print(describe("submitApplication", results.submit, wall))
    print(describe("completeStep", results.complete, wall))
    everything = results.submit + results.complete
    print(describe("all", everything, wall))
    print(
        f"CPU over the timed part: clients {run.client_cpu / wall:.2f} cores, gunicorn "
        f"{run.server_cpu / wall:.2f} cores, PostgreSQL {run.postgres_cpu / wall:.2f} cores, "
        f"whole machine {run.machine_busy * cores:.2f} of {cores} cores busy"
    )
    requests = max(1, len(everything))
    print(
        f"CPU per request (insensitive to other load): gunicorn "
        f"{1000 * run.server_cpu / requests:.1f} ms, PostgreSQL "
        f"{1000 * run.postgres_cpu / requests:.1f} ms, clients "
        f"{1000 * run.client_cpu / requests:.2f} ms"
    )
    if idle > 0.2:
        print(f"WARNING: {idle:.2f} cores were busy with other work just before the run")
    if results.out_of_cases:
        print(f"WARNING: {results.out_of_cases} completeStep skipped: a client ran out of cases")
    print(f"errors: {len(results.errors)}")
    for problem in results.errors[:20]:
        print("  " + problem)
    submissions = len(results.submit) / wall
    p95 = percentile([1000 * v for v in everything], 95)
    met = submissions >= TARGET_SUBMISSIONS and p95 < TARGET_P95_MS
    print(
        f"target: ≥ {TARGET_SUBMISSIONS:.0f} submissions/s and p95 < {TARGET_P95_MS:.0f} ms "
        f"on 2 cores ({'met' if met else 'NOT met'})"
    )
    print(f"api: {submissions:.0f} submissions/s, p95 {p95:.1f} ms")
    if results.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
