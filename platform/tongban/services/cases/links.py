"""Cases that hand work to other cases.

- Escalation (上报, 县初审市终审 …): an ``escalate`` node hands the case to the
  implementation of the same matter at the ancestor of the node's level, as a linked case
  carrying the form, the materials and the initial opinion. When that case ends, its
  decision flows back and the waiting node completes, so the case can conclude locally.
- Joint matters (一表制): a ``subflow`` node starts the tenant's implementation of another
  matter as a sub-case from the same combined form and the same receipt; it is accepted with
  the joint case and shares its deadline. When it ends, the subflow node completes.

Each function here does one level's part and returns; the dispatcher (dispatch.py) strings
them together — starts the new case's flow, receives it, answers the waiting case — so
this module never calls back into the commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.adapters.db.models import Tenant
from tongban.core.cases.case import FINAL, Case, Decision, Task
from tongban.core.cases.engine import Outcome, Step, start
from tongban.core.cases.errors import (
    EscalationTargetUnpublished,
    LinkedCaseMissing,
    LinkedCaseNotWaiting,
    NoEscalationTarget,
)
from tongban.core.errors import NotFound
from tongban.core.matters import EscalationMode
from tongban.services.cases.definitions import Pinned, pinned, published_implementation
from tongban.services.cases.numbering import next_case_number
from tongban.services.cases.runtime import CaseContext
from tongban.services.cases.time import tenant_cached


@dataclass(frozen=True)
class LinkedStart:
    """A linked case just stored, and the engine step that starts its flow (for the
    dispatcher to apply, then to receive the case)."""

    ctx: CaseContext
    step: Step


def open_escalation(ctx: CaseContext, task: Task) -> LinkedStart:
    """The case an ``escalate`` task hands up to the ancestor of its node's level."""
    node = ctx.pinned.flow.by_id[task.node_id]
    assert node.to is not None
    target = next(
        (t for t in ctx.uow.tenants.ancestors(ctx.tenant) if t.level == int(node.to)), None
    )
    if target is None:
        raise NoEscalationTarget(node.id, ctx.tenant.code, node.to.key)
    ctx.uow.grant_write(target.id)
    try:
        matter_id, pinned = published_implementation(
            ctx.uow, ctx.env.schemas, target, ctx.case.matter_code
        )
    except NotFound:
        raise EscalationTargetUnpublished(
            node.id, target.name, target.code, ctx.case.matter_code
        ) from None
    return _linked_case(ctx, target, matter_id, pinned, origin=True, node_id=node.id)


def escalated(ctx: CaseContext, task: Task, child: Case) -> None:
    """The escalated case was received: it carries the materials and the opinions so far."""
    child.materials = list(ctx.case.materials)
    child.initial_opinion = _opinions(ctx)
    task.linked_case_id = child.id
    target = ctx.uow.tenants.by_id(child.tenant_id)
    ctx.record("CaseEscalated", {"node": task.node_id, "to": target.code, "case": child.number})


def open_subcase(ctx: CaseContext, task: Task) -> LinkedStart:
    """The sub-case a ``subflow`` task starts for a joint matter."""
    node = ctx.pinned.flow.by_id[task.node_id]
    assert node.matter is not None
    matter_id, pinned = published_implementation(ctx.uow, ctx.env.schemas, ctx.tenant, node.matter)
    return _linked_case(ctx, ctx.tenant, matter_id, pinned, origin=False, node_id=node.id)


def subcase_started(ctx: CaseContext, task: Task, child: CaseContext) -> None:
    """The sub-case was received: one receipt covers all of its materials."""
    child.case.materials = sorted(m.code for m in child.pinned.doc.spec.materials)
    task.linked_case_id = child.case.id
    ctx.record(
        "SubcaseStarted",
        {"node": task.node_id, "matter": child.case.matter_code, "case": child.case.number},
    )


def _linked_case(
    ctx: CaseContext, tenant: Tenant, matter_id: int, pinned: Pinned, *, origin: bool, node_id: str
) -> LinkedStart:
    spec = pinned.doc.spec
    fields = spec.form.get("properties", {}) if isinstance(spec.form, dict) else {}
    data = {k: v for k, v in ctx.case.form_data.items() if k in fields}
    child = Case(
        tenant_id=tenant.id,
        number=next_case_number(ctx.uow, pinned.implementation_code, ctx.today),
        matter_id=matter_id,
        matter_version=pinned.version,
        matter_code=spec.code,
        matter_name=spec.name,
        implementation_code=pinned.implementation_code,
        department=pinned.doc.department or "",
        applicant_name=ctx.case.applicant_name,
        applicant_id=ctx.case.applicant_id,
        applicant_kind=ctx.case.applicant_kind,
        form_data=data,
        received_at=ctx.now,
        promised_days=spec.promised_days,
        notify_and_commit=spec.notify_and_commit,
        origin_case_id=ctx.case.id if origin else None,
        joint_case_id=None if origin else ctx.case.id,
        parent_node=node_id,
    )
    ctx.uow.cases.add_case(child)
    child_ctx = context_of(ctx, child, tenant, pinned)
    child_ctx.record(
        "CaseEscalatedIn" if origin else "SubcaseReceived",
        {"from": ctx.case.number, "node": node_id, "matter": spec.code},
    )
    return LinkedStart(child_ctx, start(pinned.flow, child.form_data))


def context_of(ctx: CaseContext, case: Case, tenant: Tenant, pinned: Pinned) -> CaseContext:
    return CaseContext(ctx.uow, ctx.env, case, tenant, pinned, ctx.now, ctx.actor)


def _opinions(ctx: CaseContext) -> str:
    done = ctx.uow.cases.done_tasks(ctx.case)
    return "\n".join(f"{t.name}: {t.outcome} {t.opinion or ''}".strip() for t in done)


def waiting_for(ctx: CaseContext, waiting: Case | None) -> tuple[CaseContext, Task] | None:
    """The case ``ctx``'s case answers (reached by ``UnitOfWork.linked_case``) and its task
    that waits for the answer; None if that case ended meanwhile (withdrawn, say)."""
    if waiting is None:
        raise LinkedCaseMissing(ctx.case.number)
    if waiting.status in FINAL:
        return None
    waiting_ctx = _waiting_context(ctx, waiting)
    task = waiting_task(waiting_ctx, ctx.case)
    if task is None:
        raise LinkedCaseNotWaiting(waiting.number, ctx.case.parent_node or "", ctx.case.number)
    return waiting_ctx, task


def _waiting_context(ctx: CaseContext, waiting: Case) -> CaseContext:
    tenant = tenant_cached(ctx.uow, waiting.tenant_id)
    definitions = pinned(
        ctx.uow, ctx.env.schemas, tenant, waiting.matter_id, waiting.matter_version
    )
    return context_of(ctx, waiting, tenant, definitions)


def waiting_task(ctx: CaseContext, linked: Case) -> Task | None:
    """The open ``escalate``/``subflow`` task of ``ctx``'s case that waits for ``linked``."""
    return next(
        (
            t
            for t in ctx.open_tasks()
            if t.node_id == linked.parent_node and t.linked_case_id in (None, linked.id)
        ),
        None,
    )


def take_answer(ctx: CaseContext, linked: Case) -> tuple[Outcome, str]:
    """The result of the ended case ``linked`` for ``ctx``'s case to complete its waiting
    task with: an escalation's decision becomes this case's own (the higher level decided
    for it). In a 上报件 (``escalation: {mode: opinion}``) the higher level gave its opinion,
    and this case is decided when its window issues the decision
    (``services.cases.escalation``)."""
    if linked.origin_case_id is not None:
        ctx.case.decision = linked.decision
        ctx.case.decision_reason = linked.decision_reason
        opinion = ctx.pinned.doc.spec.escalation is EscalationMode.OPINION
        ctx.case.decided_at = None if opinion else linked.decided_at or ctx.now
    outcome = Outcome.PASS if linked.decision == Decision.APPROVED else Outcome.DENY
    text = f"{linked.number}: {linked.decision} {linked.decision_reason or ''}".strip()
    return outcome, text
