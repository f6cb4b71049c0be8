"""One decision per application across levels (县初审市终审, 省初审国家终审).

The matter's standard chooses the way (``escalation: {mode: …}``, ``core.matters``):

- ``art35`` (行政许可法第三十五条): the final level's case seals the 决定书 with its
  department's key; the initial level's case, once answered, records the delivery (送达) of
  that one sealed document (a ``ResultDelivered`` event naming it) and seals nothing.
- ``opinion`` (上报件, 乌兰察布市 2015): the final level's case seals its reviewed and signed
  opinion (审核签批意见, a result row of kind ``opinion``), whatever it concluded; the initial
  level's window then issues the 决定书 sealed by its own department, naming the opinion
  (document number, case, department, SM3 digest, key id) in ``basis``.

Either way one result row of kind ``decision`` exists per application; the other level's
record is an opinion or a delivery. ``linked_decision`` finds, for the initial level's case,
the decision sealed on the final level's case, so both cases show and export the same one.
"""

from __future__ import annotations

from sqlalchemy import select

from tongban.adapters.db.case_models import CaseTask
from tongban.adapters.db.case_models import ResultDocument as ResultRow
from tongban.adapters.db.models import Department
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.beijing import beijing_date
from tongban.core.cases.case import Case
from tongban.core.cases.errors import NoSealedOpinion
from tongban.core.errors import NotFound
from tongban.core.matters import EscalationMode
from tongban.core.seals import (
    OpinionDocument,
    Outcome,
    SealedDocument,
    basis_of,
)
from tongban.services.cases.runtime import CaseContext, ResultSealer

DECISION = "decision"
OPINION = "opinion"


def seal_outcome(ctx: CaseContext, sealer: ResultSealer) -> None:
    """Seal what this concluded case must seal: a decision, an opinion, or nothing (the
    initial level of an ``art35`` escalation delivers the final level's decision)."""
    mode = ctx.pinned.doc.spec.escalation
    if escalated_in(ctx.case) and mode is EscalationMode.OPINION:
        _seal_opinion(ctx, sealer)
        return
    answered = escalation_task(ctx.uow, ctx.case.key)
    if answered is not None and mode is EscalationMode.ART35:
        _deliver(ctx, answered)
        return
    if ctx.case.decision != "approved":
        return
    basis = None
    if answered is not None:  # 上报件: the county issues the decision on the city's opinion
        opinion = _row_of(ctx.uow, answered.linked_case_id, OPINION)
        if opinion is None:
            raise NoSealedOpinion(ctx.case.number)
        basis = basis_of(SealedDocument(dict(opinion.document), dict(opinion.seal)))
    sealer.seal_result(ctx, basis)


def escalated_in(case: Case) -> bool:
    """Whether ``case`` is the final level's case of an escalation: started by an
    ``escalate`` node (its origin link; or, should the link be lost, the node it answers
    without being a joint matter's sub-case)."""
    return case.origin_case_id is not None or (
        case.parent_node is not None and case.joint_case_id is None
    )


def _seal_opinion(ctx: CaseContext, sealer: ResultSealer) -> None:
    case = ctx.case
    department = ctx.uow.session.scalar(
        select(Department).where(
            Department.tenant_id == case.tenant_id, Department.code == case.department
        )
    )
    if department is None:
        raise NotFound("department", case.department)
    origin = ctx.uow.cases.by_link(case.origin_case_id, lock=False) if case.origin_case_id else None
    approved = case.decision == "approved"
    document = OpinionDocument(
        case_number=case.number,
        origin_case_number=origin.number if origin is not None else "",
        outcome=Outcome.APPROVED if approved else Outcome.REFUSED,
        opinion="同意准予许可" if approved else "不同意准予许可",
        reasons=case.decision_reason
        or ("经审核，符合法定条件" if approved else "经审核，不符合法定条件"),
        signed_on=beijing_date(case.decided_at or ctx.now),
        department_name=department.name,
        department_uscc=department.uscc,
        matter_code=case.matter_code,
        matter_name=case.matter_name,
        applicant_name=case.applicant_name,
        document_number=f"{case.number}-YJ",
        tenant_code=ctx.tenant.code,
    ).to_document()
    sealer.seal_as(ctx, department, document, kind=OPINION)


def _deliver(ctx: CaseContext, answered: CaseTask) -> None:
    """送达: the final level's sealed decision is this application's result."""
    decision = _row_of(ctx.uow, answered.linked_case_id, DECISION)
    if decision is None:
        return  # a denial: no sealed document to deliver
    sealed = SealedDocument(dict(decision.document), dict(decision.seal))
    ctx.record("ResultDelivered", basis_of(sealed))


def escalation_task(uow: UnitOfWork, case_id: int) -> CaseTask | None:
    """The answered ``escalate`` task of case ``case_id`` (None: it never escalated)."""
    uow.cases.flush()  # the case store writes tasks itself: what this command did first
    return uow.session.scalar(
        select(CaseTask)
        .where(
            CaseTask.case_id == case_id,
            CaseTask.kind == "escalate",
            CaseTask.status == "done",
            CaseTask.linked_case_id.is_not(None),
        )
        .order_by(CaseTask.id.desc())
        .limit(1)
    )


def _row_of(uow: UnitOfWork, case_id: int | None, kind: str) -> ResultRow | None:
    """The result row of the linked case ``case_id``, read through the link (the other
    level's rows are not in this tenant's subtree)."""
    linked = None if case_id is None else uow.cases.by_link(case_id, lock=False)
    if linked is None:
        return None
    with uow.reading_linked(linked):
        return uow.session.scalar(
            select(ResultRow).where(ResultRow.case_id == linked.id, ResultRow.kind == kind)
        )


def linked_decision(uow: UnitOfWork, case_id: int) -> ResultRow | None:
    """The one decision of an escalated application, seen from the initial level's case
    that delivers it (``art35``): the decision row of the final level's case."""
    task = escalation_task(uow, case_id)
    return None if task is None else _row_of(uow, task.linked_case_id, DECISION)
