"""Cases that hand work to other cases.

- Escalation (上报, 县初审市终审 …): an ``escalate`` node hands the case to the
  implementation of the same matter at the ancestor of the node's level, as a linked case
  carrying the form, the materials and the initial opinion. When that case ends, its
  decision flows back and the waiting node completes, so the case can conclude locally.
- Joint matters (一表制): a ``subflow`` node starts the tenant's implementation of another
  matter as a sub-case from the same combined form and the same receipt; it is accepted with
  the joint case and shares its deadline. When it ends, the subflow node completes.
"""

from __future__ import annotations

from tongban.adapters.db.case_store import CaseRecord, TaskRecord, new_case
from tongban.adapters.db.models import Tenant
from tongban.core.cases.engine import Outcome, start
from tongban.core.errors import InvalidState, NotFound
from tongban.core.matters import EscalationMode
from tongban.services.cases import runtime
from tongban.services.cases.definitions import Pinned, pinned, published_implementation
from tongban.services.cases.numbering import next_case_number
from tongban.services.cases.runtime import CaseContext
from tongban.services.cases.time import tenant_cached


def escalate(ctx: CaseContext, task: TaskRecord) -> None:
    node = ctx.pinned.flow.by_id[task.node_id]
    assert node.to is not None
    target = next(
        (t for t in ctx.uow.tenants.ancestors(ctx.tenant) if t.level == int(node.to)), None
    )
    if target is None:
        raise InvalidState(f"node {node.id!r}: {ctx.tenant.code} has no {node.to.key} ancestor")
    ctx.uow.grant_write(target.id)
    try:
        matter_id, pinned = published_implementation(
            ctx.uow, ctx.env.schemas, target, ctx.case.matter_code
        )
    except NotFound:
        raise InvalidState(
            f"node {node.id!r}: {target.name}({target.code}) 尚未发布 {ctx.case.matter_code} "
            f"的实施清单，无法上报 (no published implementation to receive the escalation)"
        ) from None
    child = _linked_case(ctx, target, matter_id, pinned, origin=True, node_id=node.id)
    child.materials = list(ctx.case.materials)
    child.initial_opinion = _opinions(ctx)
    task.linked_case_id = child.id
    ctx.record("CaseEscalated", {"node": node.id, "to": target.code, "case": child.number})


def spawn_subcase(ctx: CaseContext, task: TaskRecord) -> None:
    node = ctx.pinned.flow.by_id[task.node_id]
    assert node.matter is not None
    matter_id, pinned = published_implementation(ctx.uow, ctx.env.schemas, ctx.tenant, node.matter)
    child = _linked_case(ctx, ctx.tenant, matter_id, pinned, origin=False, node_id=node.id)
    child.materials = sorted(m.code for m in pinned.doc.spec.materials)  # one receipt covers all
    task.linked_case_id = child.id
    ctx.record("SubcaseStarted", {"node": node.id, "matter": node.matter, "case": child.number})
    from tongban.services.cases.intake import accept_linked

    accept_linked(_context_of(ctx, child, ctx.tenant, pinned), ctx.case)


def _linked_case(
    ctx: CaseContext, tenant: Tenant, matter_id: int, pinned: Pinned, *, origin: bool, node_id: str
) -> CaseRecord:
    spec = pinned.doc.spec
    fields = spec.form.get("properties", {}) if isinstance(spec.form, dict) else {}
    data = {k: v for k, v in ctx.case.form_data.items() if k in fields}
    child = new_case(
        tenant_id=tenant.id,
        number=next_case_number(ctx.uow, pinned.implementation_code, ctx.today),
        matter_id=matter_id,
        matter_version=pinned.version,
        matter_code=spec.code,
        matter_name=spec.name,
        implementation_code=pinned.implementation_code,
        department=pinned.doc.department or "",
        status="received",
        applicant_name=ctx.case.applicant_name,
        applicant_id=ctx.case.applicant_id,
        applicant_kind=ctx.case.applicant_kind,
        form_data=data,
        materials=[],
        flow_state={},
        pauses=[],
        received_at=ctx.now,
        promised_days=spec.promised_days,
        notify_and_commit=spec.notify_and_commit,
        origin_case_id=ctx.case.id if origin else None,
        joint_case_id=None if origin else ctx.case.id,
        parent_node=node_id,
    )
    ctx.uow.cases.add_case(child)
    child_ctx = _context_of(ctx, child, tenant, pinned)
    child_ctx.record(
        "CaseEscalatedIn" if origin else "SubcaseReceived",
        {"from": ctx.case.number, "node": node_id, "matter": spec.code},
    )
    runtime.apply(child_ctx, start(pinned.flow, child.form_data))
    from tongban.services.cases.intake import receive

    receive(child_ctx)
    return child


def _context_of(ctx: CaseContext, case: CaseRecord, tenant: Tenant, pinned: Pinned) -> CaseContext:
    return CaseContext(ctx.uow, ctx.env, case, tenant, pinned, ctx.now, ctx.actor)


def _opinions(ctx: CaseContext) -> str:
    done = ctx.uow.cases.done_tasks(ctx.case)
    return "\n".join(f"{t.name}: {t.outcome} {t.opinion or ''}".strip() for t in done)


def answer_linked(ctx: CaseContext) -> None:
    """Hand this case's result to the case it was started for (escalation origin or joint
    case), in this command's transaction. The link is the platform's relation, so whoever
    acts — a city key made without its descendants, a person — does not limit it; if the
    answer cannot be handed back, the command fails and nothing changes."""
    if ctx.case.origin_case_id is None and ctx.case.joint_case_id is None:
        return
    with ctx.uow.linked_case(ctx.case) as waiting:
        if waiting is None:
            raise InvalidState(
                f"办件 {ctx.case.number} 的关联办件已不存在，无法交回办理结果 "
                f"(the case this one answers is missing)"
            )
        if waiting.status in runtime.FINAL:
            return  # it ended meanwhile (withdrawn, say): nothing waits for the answer
        waiting_ctx = _waiting_context(ctx, waiting)
        task = waiting_task(waiting_ctx, ctx.case)
        if task is None:
            raise InvalidState(
                f"办件 {waiting.number} 不在环节 {ctx.case.parent_node} 等待办件 "
                f"{ctx.case.number} 的结果，无法交回 (the linked case is not waiting for this "
                f"answer)"
            )
        answer(waiting_ctx, task, ctx.case, "LinkedCaseAnswered")


def _waiting_context(ctx: CaseContext, waiting: CaseRecord) -> CaseContext:
    tenant = tenant_cached(ctx.uow, waiting.tenant_id)
    definitions = pinned(
        ctx.uow, ctx.env.schemas, tenant, waiting.matter_id, waiting.matter_version
    )
    return _context_of(ctx, waiting, tenant, definitions)


def waiting_task(ctx: CaseContext, linked: CaseRecord) -> TaskRecord | None:
    """The open ``escalate``/``subflow`` task of ``ctx``'s case that waits for ``linked``."""
    return next(
        (
            t
            for t in ctx.open_tasks()
            if t.node_id == linked.parent_node and t.linked_case_id in (None, linked.id)
        ),
        None,
    )


def answer(ctx: CaseContext, task: TaskRecord, linked: CaseRecord, kind: str) -> None:
    """Complete ``task`` of ``ctx``'s case with the result of the ended case ``linked``: an
    escalation's decision becomes this case's own (the higher level decided for it). In a
    上报件 (``escalation: {mode: opinion}``) the higher level gave its opinion, and this case
    is decided when its window issues the decision (``services.cases.escalation``)."""
    if linked.origin_case_id is not None:
        ctx.case.decision = linked.decision
        ctx.case.decision_reason = linked.decision_reason
        opinion = ctx.pinned.doc.spec.escalation is EscalationMode.OPINION
        ctx.case.decided_at = None if opinion else linked.decided_at or ctx.now
    outcome = Outcome.PASS if linked.decision == "approved" else Outcome.DENY
    opinion = f"{linked.number}: {linked.decision} {linked.decision_reason or ''}".strip()
    runtime.complete_node(ctx, task, outcome, opinion, kind)
