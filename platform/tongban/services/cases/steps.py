"""审查 · 决定 · 办结: completing steps, returning, deciding, concluding, withdrawing, and
results pushed by other systems."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.case import Decision, TaskKind
from tongban.core.cases.engine import Outcome, return_to
from tongban.core.cases.errors import (
    CannotPushExternal,
    CannotReturnToIntake,
    CaseInputInvalid,
    CasePaused,
    NotAHumanStep,
    NotAnExternalStep,
    StepHasOwnCommand,
)
from tongban.core.errors import Violation
from tongban.core.roles import Role
from tongban.services.actors import Actor
from tongban.services.cases import dispatch, runtime
from tongban.services.cases.commitment import schedule_verification
from tongban.services.cases.runtime import CaseEnv
from tongban.services.cases.views import CaseView

DEDICATED = {"accept": "acceptCase", "decide": "decideCase", "conclude": "concludeCase"}


class Opinion(StrEnum):
    """业务动作 of a step: 通过 / 不通过 / 其他 (退回 is ``return_step``)."""

    PASS = "pass"
    DENY = "deny"
    OTHER = "other"


def complete_step(
    uow: UnitOfWork,
    env: CaseEnv,
    actor: Actor,
    number: str,
    node_id: str,
    opinion: Opinion,
    comment: str,
) -> CaseView:
    """CompleteStep: a review (or any other human) step, with an opinion."""
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    _require_running(ctx)
    task = ctx.open_task(node_id)
    if task.kind != TaskKind.TASK:
        raise NotAHumanStep(node_id, task.kind)
    if task.step in DEDICATED:
        raise StepHasOwnCommand(node_id, task.step, DEDICATED[task.step])
    runtime.require_step_actor(ctx, task)
    outcome = Outcome.DENY if opinion is Opinion.DENY else Outcome.PASS
    dispatch.complete_node(ctx, task, outcome, comment, f"StepCompleted:{opinion.value}")
    return ctx.commit()


def return_step(
    uow: UnitOfWork,
    env: CaseEnv,
    actor: Actor,
    number: str,
    node_id: str,
    target: str,
    comment: str,
) -> CaseView:
    """退回: send the case back to an earlier step of the flow."""
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    _require_running(ctx)
    task = ctx.open_task(node_id)
    runtime.require_step_actor(ctx, task)
    node = ctx.pinned.flow.by_id.get(target)
    if node is not None and node.step is not None and node.step.value in ("receive", "accept"):
        raise CannotReturnToIntake(node.step.value, node.step.label)
    step = return_to(ctx.pinned.flow, ctx.state, target)
    task.completed_by = actor.username
    task.opinion = comment
    task.outcome = "return"
    ctx.record("StepReturned", {"node": node_id, "target": target, "opinion": comment})
    dispatch.advance(ctx, step)
    return ctx.commit()


def decide_case(
    uow: UnitOfWork, env: CaseEnv, actor: Actor, number: str, approve: bool, reasons: str
) -> CaseView:
    """Decide (决定): approve, or deny with reasons."""
    if not approve and not reasons.strip():
        raise CaseInputInvalid([Violation("REASONS_REQUIRED", "/reasons", "不予许可须说明理由")])
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    _require_running(ctx)
    task = ctx.open_step("decide")
    runtime.require_step_actor(ctx, task)
    ctx.case.decision = (Decision.APPROVED if approve else Decision.DENIED).value
    ctx.case.decision_reason = reasons.strip() or None
    ctx.case.decided_at = ctx.now
    outcome = Outcome.PASS if approve else Outcome.DENY
    dispatch.complete_node(ctx, task, outcome, reasons, "CaseDecided")
    if approve and ctx.case.notify_and_commit:
        schedule_verification(ctx)
    return ctx.commit()


def conclude_case(uow: UnitOfWork, env: CaseEnv, actor: Actor, number: str) -> CaseView:
    """Conclude (办结): an approval's result document is sealed here."""
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    _require_running(ctx)
    task = ctx.open_step("conclude")
    runtime.require_step_actor(ctx, task)
    dispatch.complete_node(ctx, task, Outcome.PASS, "办结", "StepConcluded")
    return ctx.commit()


def withdraw_case(
    uow: UnitOfWork, env: CaseEnv, actor: Actor, number: str, reason: str
) -> CaseView:
    """Withdraw (撤回) by the applicant, before the case ends."""
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    runtime.require_applicant(ctx)
    ctx.close_all()
    ctx.case.withdraw(ctx.now)
    ctx.record("CaseWithdrawn", {"reason": reason})
    return ctx.commit()


def push_external_result(
    uow: UnitOfWork,
    env: CaseEnv,
    actor: Actor,
    number: str,
    node_id: str,
    approved: bool,
    payload: Mapping[str, Any],
) -> CaseView:
    """An external system (e.g. 金税三期) pushes the result an ``external`` node waits for."""
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    task = ctx.open_task(node_id)
    if task.kind != TaskKind.EXTERNAL:
        raise NotAnExternalStep(node_id)
    if actor.tenant_code != ctx.tenant.code or not (actor.roles & {Role.ADMIN, Role.CLERK}):
        raise CannotPushExternal(actor.username)
    outcome = Outcome.PASS if approved else Outcome.DENY
    task.opinion = str(dict(payload))
    dispatch.complete_node(ctx, task, outcome, f"external: {dict(payload)}", "ExternalResult")
    return ctx.commit()


def _require_running(ctx: runtime.CaseContext) -> None:
    if ctx.case.paused:
        raise CasePaused(ctx.case.number, ctx.case.status.value)
