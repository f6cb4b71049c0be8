"""What every case command shares: load the case (locked), apply an engine step to the
task rows, open what the flow now waits on, finish the case when the flow ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from tongban.adapters.db.case_store import CaseRecord, TaskRecord, new_task
from tongban.adapters.db.models import Tenant
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.clock import Pause
from tongban.core.cases.engine import FlowState, Outcome, Step, complete
from tongban.core.cases.workdays import WorkCalendar
from tongban.core.errors import Conflict, Forbidden, InvalidState, NotFound
from tongban.core.roles import Role
from tongban.services.actors import Actor
from tongban.services.cases import chain_guard, deadlines, journal
from tongban.services.cases.definitions import Pinned, pinned, pinned_cached
from tongban.services.cases.time import calendar_for, local_date, tenant_cached, utcnow
from tongban.services.cases.views import CaseView, case_view
from tongban.services.schemas import Schemas

FINAL = ("concluded", "rejected", "withdrawn", "revoked")


class ResultSealer(Protocol):
    """Seals an approval's result document, or a 上报件's opinion, at conclusion
    (services.cases.results; what is sealed: services.cases.escalation)."""

    def seal_result(self, ctx: CaseContext, basis: Mapping[str, Any] | None = None) -> Any: ...

    def seal_as(
        self, ctx: CaseContext, department: Any, document: dict[str, Any], *, kind: str
    ) -> Any: ...


@dataclass
class CaseEnv:
    schemas: Schemas
    sealer: ResultSealer | None = None
    clock: Callable[[], dt.datetime] = utcnow

    def now(self) -> dt.datetime:
        """The clock's time in UTC: every stored time is UTC (SQLite keeps no offset)."""
        return self.clock().astimezone(dt.UTC)


@dataclass
class CaseContext:
    """One case inside one command's unit of work."""

    uow: UnitOfWork
    env: CaseEnv
    case: CaseRecord
    tenant: Tenant
    pinned: Pinned
    now: dt.datetime
    actor: Actor
    _calendar: WorkCalendar | None = field(default=None, repr=False)

    @property
    def today(self) -> dt.date:
        return local_date(self.now)

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = calendar_for(self.uow, self.tenant)
        return self._calendar

    @property
    def state(self) -> FlowState:
        return FlowState.from_json(self.case.flow_state)

    @property
    def pauses(self) -> tuple[Pause, ...]:
        return tuple(pause_from_json(p) for p in self.case.pauses)

    def record(self, kind: str, payload: Mapping[str, Any]) -> None:
        journal.record(
            self.uow, self.case, kind, self.actor.username, self.tenant.code, payload, self.now
        )

    def open_tasks(self) -> list[TaskRecord]:
        """The case's open tasks, read once per unit of work and kept current by ``apply``."""
        return list(self.uow.cases.open_tasks(self.case))

    def view(self) -> CaseView:
        return case_view(self.uow, self.case, tasks=self.open_tasks(), tenant_code=self.tenant.code)

    def commit(self) -> CaseView:
        """End the command: its view, then the one commit that applies all of it."""
        view = self.view()
        self.uow.commit()
        return view

    def close_all(self) -> None:
        """Cancel every open task (rejection, withdrawal)."""
        tasks = self.open_tasks()
        for task in tasks:
            task.status = "cancelled"
            task.completed_at = self.now
        self.uow.cases.close_tasks(self.case, tasks)

    def open_task(self, node_id: str) -> TaskRecord:
        for task in self.open_tasks():
            if task.node_id == node_id:
                return task
        raise Conflict(
            f"办件 {self.case.number} 的环节 {node_id} 不在办理中 "
            f"(step {node_id} is not open: already completed or not reached)"
        )

    def open_step(self, step: str) -> TaskRecord:
        for task in self.open_tasks():
            if task.kind == "task" and task.step == step:
                return task
        raise Conflict(
            f"办件 {self.case.number} 当前没有待办的 {step} 环节 "
            f"(no open {step} step: status {self.case.status})"
        )


def pause_from_json(data: Mapping[str, Any]) -> Pause:
    return Pause(
        kind=data["kind"],
        started=dt.date.fromisoformat(data["started"]),
        ended=dt.date.fromisoformat(data["ended"]) if data.get("ended") else None,
        reason=data.get("reason", ""),
        expected_days=data.get("expected_days"),
    )


def pause_to_json(pause: Pause) -> dict[str, Any]:
    return {
        "kind": pause.kind,
        "started": pause.started.isoformat(),
        "ended": pause.ended.isoformat() if pause.ended else None,
        "reason": pause.reason,
        "expected_days": pause.expected_days,
    }


def load(uow: UnitOfWork, env: CaseEnv, number: str, actor: Actor) -> CaseContext:
    """The case, locked for this transaction (PostgreSQL ``FOR UPDATE``; SQLite's writer
    lock is already held). A sibling's case is "not found", like a missing one; a case
    whose audit chain is known broken is refused (``ChainBroken``, chain_guard.py)."""
    case = uow.cases.by_number(number)
    if case is None:
        raise NotFound("case", number)
    chain_guard.refuse_if_broken(uow, case, env.now())
    tenant = tenant_cached(uow, case.tenant_id)
    definitions = pinned_cached(case.matter_id, case.matter_version) or pinned(
        uow, env.schemas, tenant, case.matter_id, case.matter_version
    )
    return CaseContext(uow, env, case, tenant, definitions, env.now(), actor)


def require_active(ctx: CaseContext) -> None:
    if ctx.case.status in FINAL:
        raise InvalidState(
            f"办件 {ctx.case.number} 已{_status_label(ctx.case.status)} (case is {ctx.case.status})"
        )


def _status_label(status: str) -> str:
    return {
        "concluded": "办结",
        "rejected": "不予受理",
        "withdrawn": "撤回",
        "revoked": "撤销",
    }.get(status, status)


def require_step_actor(ctx: CaseContext, task: TaskRecord) -> None:
    """A human step belongs to one department and role of the tenant holding the case."""
    actor = ctx.actor
    if actor.tenant_code != ctx.tenant.code:
        raise Forbidden(
            f"{actor.username} 不属于办理单位 {ctx.tenant.code} (not of the handling tenant)"
        )
    if task.role is not None and Role(task.role) not in actor.roles:
        raise Forbidden(
            f"{actor.username} 没有环节 {task.node_id} 所需的 {task.role} 角色 (role required)"
        )
    if task.department is not None and actor.department != task.department:
        raise Forbidden(
            f"{actor.username} 不属于环节 {task.node_id} 的办理部门 {task.department} "
            f"(the step belongs to department {task.department})"
        )


def require_applicant(ctx: CaseContext) -> None:
    """The applicant themself, or a clerk of the handling tenant acting at the window."""
    actor = ctx.actor
    if actor.applicant_id is not None:
        if actor.applicant_id != ctx.case.applicant_id:
            raise NotFound("case", ctx.case.number)
        return
    if actor.tenant_code != ctx.tenant.code or Role.CLERK not in actor.roles:
        raise Forbidden(f"{actor.username} 不能代申请人办理 (only the applicant or a clerk)")


def apply(ctx: CaseContext, step: Step, outcome_note: Mapping[str, Any] | None = None) -> None:
    """Write an engine step: close completed and cancelled tasks, open new ones, finish."""
    ctx.case.flow_state = step.state.to_json()
    gone = set(step.completed) | set(step.cancelled)
    if gone:
        closed = [task for task in ctx.open_tasks() if task.node_id in gone]
        for task in closed:
            task.status = "cancelled" if task.node_id in step.cancelled else "done"
            if task.status == "cancelled":
                task.completed_at = ctx.now
        ctx.uow.cases.close_tasks(ctx.case, closed)
    for node_id in step.opened:
        _open(ctx, node_id)
    if step.state.done:
        from tongban.services.cases.finish import finish  # the finish step calls back in here

        finish(ctx)


def _open(ctx: CaseContext, node_id: str) -> None:
    node = ctx.pinned.flow.by_id[node_id]
    task = new_task(
        tenant_id=ctx.case.tenant_id,
        case_id=ctx.case.id,
        node_id=node.id,
        kind=node.kind,
        step=node.step.value if node.step else None,
        name=node.name or node.id,
        department=node.department,
        role=node.role,
        status="open",
        opened_at=ctx.now,
        days=node.days,
    )
    if ctx.case.accepted_at is not None:
        deadlines.stamp_step_due(ctx, task)
    ctx.uow.cases.add_task(ctx.case, task)
    if node.kind == "escalate":
        from tongban.services.cases.links import escalate

        escalate(ctx, task)
    elif node.kind == "subflow":
        from tongban.services.cases.links import spawn_subcase

        spawn_subcase(ctx, task)


def complete_node(
    ctx: CaseContext, task: TaskRecord, outcome: Outcome, opinion: str, kind: str
) -> None:
    """Complete one waiting node and record it."""
    step = complete(ctx.pinned.flow, ctx.state, task.node_id, outcome, ctx.case.form_data)
    task.completed_at = ctx.now
    task.completed_by = ctx.actor.username
    task.outcome = outcome.value
    task.opinion = opinion
    ctx.record(
        kind,
        {
            "node": task.node_id,
            "outcome": outcome.value,
            "opinion": opinion,
            "opened": list(step.opened),
            "cancelled": list(step.cancelled),
        },
    )
    apply(ctx, step)
