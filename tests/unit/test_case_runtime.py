"""``runtime.apply`` without a database: it writes an engine step to the task rows of an
in-memory store and returns what the dispatcher must do next (linked cases to start, the
end of the flow) instead of doing it itself."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from tongban.core.cases.case import Case, Task, TaskKind, TaskStatus
from tongban.core.cases.engine import Outcome, complete, start
from tongban.core.flows import FlowDef
from tongban.core.roles import Role
from tongban.services.actors import Actor
from tongban.services.cases import runtime
from tongban.services.cases.definitions import Pinned
from tongban.services.cases.runtime import CaseContext

from .test_engine import build, linear_doc, load

AT = dt.datetime(2026, 9, 1, 2, tzinfo=dt.UTC)


class FakeCases:
    """The part of ``CaseStore`` that ``apply`` uses, in memory."""

    def __init__(self) -> None:
        self.open: dict[int, list[Task]] = {}
        self.added: list[Task] = []

    def open_tasks(self, case: Case) -> list[Task]:
        return self.open.setdefault(case.key, [])

    def add_task(self, case: Case, task: Task) -> None:
        self.open_tasks(case).append(task)
        self.added.append(task)

    def close_tasks(self, case: Case, gone: list[Task]) -> None:
        self.open[case.key] = [t for t in self.open_tasks(case) if t not in gone]


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.cases = FakeCases()


def context(flow: FlowDef) -> tuple[CaseContext, FakeCases]:
    uow = FakeUnitOfWork()
    case = Case(
        id=7,
        tenant_id=1,
        number="N-1",
        matter_id=1,
        matter_version=1,
        matter_code="M",
        matter_name="事项",
        implementation_code="I",
        department="D",
        applicant_name="申请人",
        applicant_id="X",
        applicant_kind="legal_person",
        received_at=AT,
        promised_days=20,
    )
    pinned = Pinned(1, 1, cast(Any, None), flow, {})
    actor = Actor("clerk", "230123", frozenset({Role.CLERK}), "zwfw")
    ctx = CaseContext(cast(Any, uow), cast(Any, None), case, cast(Any, None), pinned, AT, actor)
    return ctx, uow.cases


def test_apply_opens_what_the_flow_waits_on_and_asks_for_nothing_more() -> None:
    flow = build(linear_doc())
    ctx, cases = context(flow)
    after = runtime.apply(ctx, start(flow, {}))
    assert after == runtime.Next()
    assert [(t.node_id, t.status) for t in cases.added] == [("receive", TaskStatus.OPEN)]
    assert ctx.case.flow_state == ctx.state.to_json() and ctx.state.waiting == ("receive",)


def test_apply_closes_the_completed_task_and_says_when_the_flow_ended() -> None:
    flow = build(linear_doc())
    ctx, cases = context(flow)
    runtime.apply(ctx, start(flow, {}))
    for node_id in ("receive", "accept", "review", "decide"):
        (task,) = ctx.open_tasks()
        assert task.node_id == node_id
        after = runtime.apply(ctx, complete(flow, ctx.state, node_id, Outcome.PASS, {}))
        assert task.status is TaskStatus.DONE
    assert after == runtime.Next(done=True) and ctx.open_tasks() == []


def test_an_escalate_task_is_handed_to_the_dispatcher_not_started_here() -> None:
    flow = build(load("HLXK00000201"))
    ctx, cases = context(flow)
    runtime.apply(ctx, start(flow, {}))
    after = runtime.Next()
    for node_id in ("receive", "accept", "review"):
        after = runtime.apply(ctx, complete(flow, ctx.state, node_id, Outcome.PASS, {}))
    (linked,) = after.linked
    assert (linked.node_id, linked.kind, linked.status) == ("up", TaskKind.ESCALATE, "open")
    assert linked in ctx.open_tasks() and not after.done
