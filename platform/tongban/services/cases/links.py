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
    """Tell the case this one was started for (escalation origin or joint case) its result."""
    parent_id = ctx.case.origin_case_id or ctx.case.joint_case_id
    if parent_id is None:
        return
    parent = ctx.uow.cases.by_id(parent_id)
    if parent is None or parent.status in runtime.FINAL:
        return
    ctx.uow.grant_write(parent.tenant_id)
    tenant = tenant_cached(ctx.uow, parent.tenant_id)
    parent_ctx = CaseContext(
        ctx.uow,
        ctx.env,
        parent,
        tenant,
        pinned(ctx.uow, ctx.env.schemas, tenant, parent.matter_id, parent.matter_version),
        ctx.now,
        ctx.actor,
    )
    approved = ctx.case.decision == "approved"
    if ctx.case.origin_case_id is not None:  # the higher level decided for this case
        parent.decision = ctx.case.decision
        parent.decision_reason = ctx.case.decision_reason
        parent.decided_at = ctx.case.decided_at or ctx.now
    task = next((t for t in parent_ctx.open_tasks() if t.node_id == ctx.case.parent_node), None)
    if task is None:
        return
    runtime.complete_node(
        parent_ctx,
        task,
        Outcome.PASS if approved else Outcome.DENY,
        f"{ctx.case.number}: {ctx.case.decision} {ctx.case.decision_reason or ''}".strip(),
        "LinkedCaseAnswered",
    )
