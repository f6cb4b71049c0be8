"""The one place a case's flow moves on. ``runtime.apply`` writes an engine step and says
what else it asks for (``runtime.Next``); this acts on it — starts the linked cases of
``escalate`` and ``subflow`` tasks, concludes the case when its flow ends, and hands the
result to the case it was started for, which may move that case's flow in turn.

Every command that completes a node or applies a step comes through here; ``runtime``,
``links`` and ``finish`` never call back up, so the modules form no cycle.
"""

from __future__ import annotations

from tongban.core.cases.case import Case, Task, TaskKind
from tongban.core.cases.engine import Outcome, Step
from tongban.services.cases import finish, links, runtime
from tongban.services.cases.runtime import CaseContext


def advance(ctx: CaseContext, step: Step) -> None:
    """Apply ``step`` to ``ctx``'s case and everything it leads to."""
    after = runtime.apply(ctx, step)
    for task in after.linked:
        if task.kind == TaskKind.ESCALATE:
            _escalate(ctx, task)
        else:
            _spawn_subcase(ctx, task)
    if after.done:
        finish.conclude(ctx)
        answer_linked(ctx)


def complete_node(ctx: CaseContext, task: Task, outcome: Outcome, opinion: str, kind: str) -> None:
    """Complete one waiting node, record it, and move the flow on."""
    advance(ctx, runtime.complete_task(ctx, task, outcome, opinion, kind))


def receive(ctx: CaseContext) -> None:
    """Online submission is the receipt (收件): the receive step completes at once."""
    for task in ctx.open_tasks():
        if task.kind == TaskKind.TASK and task.step == "receive":
            complete_node(ctx, task, Outcome.PASS, "网上申报即收件", "CaseReceived")


def accept_linked(ctx: CaseContext, joint: Case) -> None:
    """A joint matter's sub-case: accepted with the joint case (one receipt, one deadline)."""
    ctx.case.accept(joint.accepted_at or ctx.now)
    ctx.case.deadline = joint.deadline
    ctx.case.deadline_provisional = joint.deadline_provisional
    for task in ctx.open_tasks():
        if task.kind == TaskKind.TASK and task.step == "accept":
            complete_node(ctx, task, Outcome.PASS, "一口受理", "CaseAccepted")


def answer_linked(ctx: CaseContext) -> None:
    """Hand this case's result to the case it was started for (escalation origin or joint
    case), in this command's transaction. The link is the platform's relation, so whoever
    acts — a city key made without its descendants, a person — does not limit it; if the
    answer cannot be handed back, the command fails and nothing changes."""
    if ctx.case.linked_id is None:
        return
    with ctx.uow.linked_case(ctx.case) as waiting:
        found = links.waiting_for(ctx, waiting)
        if found is not None:
            waiting_ctx, task = found
            answer(waiting_ctx, task, ctx.case, "LinkedCaseAnswered")


def answer(ctx: CaseContext, task: Task, linked: Case, kind: str) -> None:
    """Complete ``task`` of ``ctx``'s case with the result of the ended case ``linked``."""
    outcome, opinion = links.take_answer(ctx, linked)
    complete_node(ctx, task, outcome, opinion, kind)


def _escalate(ctx: CaseContext, task: Task) -> None:
    started = links.open_escalation(ctx, task)
    advance(started.ctx, started.step)
    receive(started.ctx)
    links.escalated(ctx, task, started.ctx.case)


def _spawn_subcase(ctx: CaseContext, task: Task) -> None:
    started = links.open_subcase(ctx, task)
    advance(started.ctx, started.step)
    receive(started.ctx)
    links.subcase_started(ctx, task, started.ctx)
    accept_linked(started.ctx, ctx.case)
