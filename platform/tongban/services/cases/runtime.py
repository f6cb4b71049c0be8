"""What every case command shares: load the case (locked), check who may act, and write an
engine step to the task rows. What the step asks for beyond its own case — a linked case to
start, the end of the flow — ``apply`` returns (``Next``); the one dispatcher acts on it
(dispatch.py), so nothing here calls back into the modules that call it."""

from __future__ import annotations

from dataclasses import dataclass

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.case import FINAL, CaseStatus, Task, TaskKind
from tongban.core.cases.engine import Outcome, Step, complete
from tongban.core.cases.errors import (
    CaseEnded,
    NotApplicantOrClerk,
    NotHandlingTenant,
    WrongDepartment,
    WrongRole,
)
from tongban.core.errors import NotFound
from tongban.core.roles import Role
from tongban.services.actors import Actor
from tongban.services.cases import chain_guard, deadlines
from tongban.services.cases.context import (
    CaseContext,
    CaseEnv,
    ResultSealer,
    pause_from_json,
    pause_to_json,
)
from tongban.services.cases.definitions import pinned, pinned_cached
from tongban.services.cases.time import tenant_cached

__all__ = [
    "FINAL",
    "CaseContext",
    "CaseEnv",
    "Next",
    "ResultSealer",
    "apply",
    "complete_task",
    "load",
    "pause_from_json",
    "pause_to_json",
]


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
    status = ctx.case.status
    if status in FINAL:
        raise CaseEnded(ctx.case.number, status.value, CaseStatus(status).label)


def require_step_actor(ctx: CaseContext, task: Task) -> None:
    """A human step belongs to one department and role of the tenant holding the case."""
    actor = ctx.actor
    if actor.tenant_code != ctx.tenant.code:
        raise NotHandlingTenant(actor.username, ctx.tenant.code)
    if task.role is not None and Role(task.role) not in actor.roles:
        raise WrongRole(actor.username, task.node_id, task.role)
    if task.department is not None and actor.department != task.department:
        raise WrongDepartment(actor.username, task.node_id, task.department)


def require_applicant(ctx: CaseContext) -> None:
    """The applicant themself, or a clerk of the handling tenant acting at the window."""
    actor = ctx.actor
    if actor.applicant_id is not None:
        if actor.applicant_id != ctx.case.applicant_id:
            raise NotFound("case", ctx.case.number)
        return
    if actor.tenant_code != ctx.tenant.code or Role.CLERK not in actor.roles:
        raise NotApplicantOrClerk(actor.username)


@dataclass(frozen=True)
class Next:
    """What an applied step asks of the dispatcher: cases to start for the linked tasks it
    opened (``escalate``, ``subflow``), in order, and whether the flow ended."""

    linked: tuple[Task, ...] = ()
    done: bool = False


def apply(ctx: CaseContext, step: Step) -> Next:
    """Write an engine step: close completed and cancelled tasks, open new ones."""
    ctx.case.flow_state = step.state.to_json()
    gone = set(step.completed) | set(step.cancelled)
    if gone:
        closed = [task for task in ctx.open_tasks() if task.node_id in gone]
        for task in closed:
            if task.node_id in step.cancelled:
                task.cancel(ctx.now)
            else:
                task.done()
        ctx.uow.cases.close_tasks(ctx.case, closed)
    opened = [_open(ctx, node_id) for node_id in step.opened]
    linked = tuple(t for t in opened if t.kind in (TaskKind.ESCALATE, TaskKind.SUBFLOW))
    return Next(linked, step.state.done)


def _open(ctx: CaseContext, node_id: str) -> Task:
    node = ctx.pinned.flow.by_id[node_id]
    assert ctx.case.id is not None
    task = Task(
        tenant_id=ctx.case.tenant_id,
        case_id=ctx.case.id,
        node_id=node.id,
        kind=node.kind,
        step=node.step.value if node.step else None,
        name=node.name or node.id,
        department=node.department,
        role=node.role,
        opened_at=ctx.now,
        days=node.days,
    )
    if ctx.case.accepted_at is not None:
        deadlines.stamp_step_due(ctx, task)
    ctx.uow.cases.add_task(ctx.case, task)
    return task


def complete_task(ctx: CaseContext, task: Task, outcome: Outcome, opinion: str, kind: str) -> Step:
    """Complete one waiting node and record it: the engine step, for the dispatcher."""
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
    return step
