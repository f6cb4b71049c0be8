"""What each level's case of an escalated application shows: which level decided, whose
seals are on what, the one decision document, and where the applicant collects it
(docs/engine.md, "One decision per application").

Read through the case links (``CaseStore.by_link``, the platform's relations), so the final
level sees where the applicant collects even with a key that cannot open the initial
level's case; nothing else of that case is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tongban.adapters.db.case_models import ResultDocument as ResultRow
from tongban.adapters.db.models import Matter
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.errors import NotFound
from tongban.core.matters import EscalationMode
from tongban.services.cases.escalation import DECISION, OPINION, escalation_task

INITIAL, FINAL = "initial", "final"


@dataclass(frozen=True)
class SealedRecord:
    """A sealed decision (决定书) or opinion (审核签批意见), as a case shows it."""

    kind: str  # decision | opinion
    title: str
    document_number: str
    case_number: str
    department_name: str
    department_uscc: str
    key_id: str
    digest: str
    basis: dict[str, Any] | None  # the opinion a decision rests on (上报件)


@dataclass(frozen=True)
class CrossLevel:
    mode: EscalationMode
    level: str  # this case's part: initial | final
    decided_by: str  # the level and department that decided
    decision: SealedRecord | None  # the one decision document (None: a denial, or not yet)
    opinion: SealedRecord | None  # opinion mode only
    delivered_by: str  # the level whose window delivers/issues it to the applicant
    collect_at: str  # 领取地点: that window's address (办理地点)

    @property
    def mode_label(self) -> str:
        return self.mode.label

    @property
    def record_here(self) -> str:
        """What this case's own record is: 决定书, 审核签批意见, or 送达."""
        if self.mode is EscalationMode.ART35:
            return "决定书" if self.level == FINAL else "送达（终审层级的决定书）"
        return "审核签批意见" if self.level == FINAL else "决定书（依据终审层级审核签批意见出具）"


def cross_level(uow: UnitOfWork, number: str) -> CrossLevel | None:
    """The escalation view of case ``number`` (None: it is not part of an escalation)."""
    case = uow.cases.by_number(number, lock=False)
    if case is None:
        raise NotFound("case", number)
    if case.origin_case_id is not None:
        level, other = FINAL, uow.cases.by_link(case.origin_case_id, lock=False)
    else:
        task = escalation_task(uow, case.key)
        if task is None or task.linked_case_id is None:
            return None
        level, other = INITIAL, uow.cases.by_link(task.linked_case_id, lock=False)
    if other is None:
        return None
    with uow.reading_linked(other):
        rows = uow.session.scalars(
            select(ResultRow).where(ResultRow.case_id.in_([case.id, other.id]))
        )
        records = {row.kind: _record(row) for row in rows}
        initial = (case.tenant_id, case.matter_id, case.matter_version)
        if level == FINAL:
            initial = (other.tenant_id, other.matter_id, other.matter_version)
        document = _matter_document(uow, initial[1], initial[2])
    decision, opinion = records.get(DECISION), records.get(OPINION)
    final_name = uow.tenants.by_id(other.tenant_id if level == INITIAL else case.tenant_id).name
    initial_name = uow.tenants.by_id(initial[0]).name
    mode = EscalationMode((document.get("escalation") or {}).get("mode", EscalationMode.ART35))
    if mode is EscalationMode.ART35:
        decided_by = f"终审层级 {final_name}" + (f" {decision.department_name}" if decision else "")
    else:
        signer = f" {opinion.department_name}" if opinion else ""
        issuer = (
            f"；初审层级 {initial_name} {decision.department_name} 出具决定书" if decision else ""
        )
        decided_by = f"终审层级 {final_name}{signer} 审核签批{issuer}"
    address = str((document.get("guide") or {}).get("address", ""))
    return CrossLevel(
        mode=mode,
        level=level,
        decided_by=decided_by,
        decision=decision,
        opinion=opinion,
        delivered_by=f"初审层级 {initial_name}",
        collect_at=address or f"{initial_name}政务服务窗口",
    )


def _record(row: ResultRow) -> SealedRecord:
    document, seal = dict(row.document), dict(row.seal or {})
    department = document.get("department") or {}
    basis = document.get("basis")
    return SealedRecord(
        kind=row.kind,
        title=str(document.get("title", "")),
        document_number=str(document.get("document_number", "")),
        case_number=str(document.get("case_number", "")),
        department_name=str(department.get("name", "")),
        department_uscc=str(department.get("uscc", "")),
        key_id=str(seal.get("key_id", "")),
        digest=str(seal.get("digest", "")),
        basis=basis if isinstance(basis, dict) else None,
    )


def _matter_document(uow: UnitOfWork, matter_id: int, version: int) -> dict[str, Any]:
    """The initial level's pinned implementation: its escalation mode and 办理地点."""
    row = uow.session.get(Matter, matter_id)
    return {} if row is None else dict(uow.matters.version(row, version).document)
