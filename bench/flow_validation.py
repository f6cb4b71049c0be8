"""Benchmark: validate_flow on a realistic 500-node flow (target: under 20 ms).

Run: ``.venv/bin/python bench/flow_validation.py``. The flow has sequences of tasks, parallel
splits with 3–4 department branches (some n-of-m joins), choices with conditions, external
and subflow nodes; validate_flow runs with a procedure, a promised limit and the tenant's
departments, all checks on. The condition parse cache is cleared before every run, so each
run parses every condition. As a peer figure from the same run, the full jsonschema
validator (Draft202012Validator.iter_errors, cached) on the same document.

Figures are CPU time of this process (``time.process_time``), so other processes on a shared
machine do not inflate them; wall-clock time is printed too (equal on an idle machine).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from tongban.core.flows import validate_flow  # noqa: E402
from tongban.core.flows.expressions import _parse  # noqa: E402
from tongban.core.flows.flow_schema import _validator  # noqa: E402
from tongban.core.matters import Procedure, StepKind  # noqa: E402

BOUND_MS = 20.0
TARGET_NODES = 500
RUNS = 200
_LARGEST_SEGMENT = 16  # nodes a parallel segment of 4 branches may add
DEPARTMENTS = ("zwfw", "scjgj", "swj", "gaj", "zjj", "hbj", "xfj", "wsjkw")


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []
        self.serial = 0

    def node(self, kind: str, **attrs: Any) -> str:
        self.serial += 1
        node_id = f"{kind}{self.serial}"
        self.nodes.append({"id": node_id, "kind": kind, **attrs})
        return node_id

    def task(self, step: str, role: str, days: int) -> str:
        department = DEPARTMENTS[self.serial % len(DEPARTMENTS)]
        return self.node("task", step=step, department=department, role=role, days=days)

    def edge(self, source: str, target: str, **attrs: Any) -> None:
        self.edges.append({"from": source, "to": target, **attrs})

    def chain(self, source: str, length: int) -> str:
        for _ in range(length):
            task = self.task("review", "reviewer", self.serial % 2)
            self.edge(source, task)
            source = task
        return source

    def parallel(self, source: str, branches: int) -> str:
        split = self.node("parallel")
        self.edge(source, split)
        ends = []
        for branch in range(branches):
            first = self.task("review", "reviewer", 1 + branch % 3)
            self.edge(split, first)
            last = self.chain(first, 1 + branch % 2)
            if branch == 0:
                ext = self.node("external", system="电子证照库", days=0)
                self.edge(last, ext)
                last = ext
            ends.append(last)
        join = self.node("join", split=split, **({"min": branches - 1} if branches > 3 else {}))
        for last in ends:
            self.edge(last, join)
        return join

    def choice(self, source: str, ways: int) -> str:
        choice = self.node("choice")
        self.edge(source, choice)
        merge = self.task("review", "reviewer", 0)
        for way in range(ways):
            task = self.task("review", "reviewer", way % 2)
            if way == ways - 1:
                self.edge(choice, task, default=True)
            else:
                condition = (
                    f"form.amount > {way * 100000 + self.serial} and form.type in ['a', 'b']"
                )
                self.edge(choice, task, when=condition)
            self.edge(task, merge)
        return merge


def realistic_flow(target: int = TARGET_NODES) -> dict[str, Any]:
    b = _Builder()
    start = b.node("start")
    receive = b.task("receive", "clerk", 0)
    accept = b.task("accept", "clerk", 1)
    b.edge(start, receive)
    b.edge(receive, accept)
    cursor = accept
    segment = 0
    while len(b.nodes) + _LARGEST_SEGMENT + 3 <= target:
        kind = segment % 4
        if kind == 0:
            cursor = b.parallel(cursor, 3 + segment % 2)
        elif kind == 1:
            cursor = b.choice(cursor, 2 + segment % 2)
        elif kind == 2:
            cursor = b.chain(cursor, 3)
        else:
            sub = b.node("subflow", matter="000131127004", days=1)
            b.edge(cursor, sub)
            cursor = sub
        segment += 1
    cursor = b.chain(cursor, target - 3 - len(b.nodes))  # exactly ``target`` nodes
    decide = b.task("decide", "approver", 2)
    conclude = b.task("conclude", "clerk", 1)
    end = b.node("end")
    b.edge(cursor, decide)
    b.edge(decide, conclude)
    b.edge(conclude, end)
    return {"nodes": b.nodes, "edges": b.edges}


def _time(function: Any, runs: int, before: Any = None) -> tuple[list[float], list[float]]:
    """CPU and wall-clock milliseconds of each run."""
    cpu, wall = [], []
    for _ in range(runs):
        if before is not None:
            before()
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        function()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
    return cpu, wall


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    doc = realistic_flow()
    kwargs: dict[str, Any] = {
        "procedure": Procedure(tuple(StepKind), max_human_steps=600),
        "promised_days": 400,
        "departments": DEPARTMENTS,
        "known_matters": {"000131127004"},
    }
    problems = validate_flow(doc, **kwargs)
    assert problems == [], problems  # the benchmark measures a flow that passes every check
    cpu, wall = _time(lambda: validate_flow(doc, **kwargs), RUNS, before=_parse.cache_clear)
    peer_cpu, _ = _time(lambda: list(_validator().iter_errors(doc)), 10)
    median = statistics.median(cpu)
    print(f"flow: {len(doc['nodes'])} nodes, {len(doc['edges'])} edges, {RUNS} runs")
    print(f"validate_flow CPU time:  median {median:.2f} ms, p95 {_p95(cpu):.2f} ms")
    print(
        f"validate_flow wall time: median {statistics.median(wall):.2f} ms, "
        f"p95 {_p95(wall):.2f} ms (includes waiting for a core on a busy machine)"
    )
    print(
        "peer (same run, CPU): the full jsonschema validator on the same document alone: "
        f"{statistics.median(peer_cpu):.2f} ms"
    )
    print(f"flow_validation: {median:.2f} ms vs bound {BOUND_MS:.0f} ms = {BOUND_MS / median:.1f}x")


if __name__ == "__main__":
    main()
