"""Browsing cases: a page of the cases a tenant may see, and what a case's page shows beside
the case itself (its linked cases, its alerts, whether its audit chain verifies).

Like ``queries``: a tenant sees the cases of its subtree (itself and its descendants),
never an ancestor's or a sibling's; a case number outside the subtree is "not found".
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import func, select

from tongban.adapters.db.case_models import Case as CaseRow
from tongban.adapters.db.case_models import CaseTask, SupervisionAlert
from tongban.adapters.db.case_models import ResultDocument as ResultRow
from tongban.adapters.db.case_store import case_columns, case_of
from tongban.adapters.db.models import Tenant
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core import audit
from tongban.core.cases.case import Case, CaseStatus
from tongban.core.errors import NotFound
from tongban.services.cases.chain_guard import full_problems
from tongban.services.cases.escalation import linked_decision
from tongban.services.cases.supervision import AlertView
from tongban.services.pagination import Page

STATUSES = tuple(s.value for s in CaseStatus)
PER_PAGE = 20
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class CaseSummary:
    number: str
    tenant_code: str
    tenant_name: str
    matter_code: str
    matter_name: str
    applicant_name: str
    status: str
    received_at: dt.datetime
    deadline: dt.date | None  # 承诺办结时间
    decision: str | None
    concluded_at: dt.datetime | None
    deadline_provisional: bool = False  # 暂定


def _me(uow: UnitOfWork) -> Tenant:
    if uow.tenant is None:
        raise NotFound("tenant", "(platform scope)")
    return uow.tenants.get(uow.tenant.code)


def list_cases(
    uow: UnitOfWork,
    *,
    status: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page[CaseSummary]:
    """One page of the cases of the unit of work's tenant and its descendants, newest first.
    An unknown ``status`` filters nothing; ``page`` is clamped to the pages there are."""
    me = _me(uow)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    conditions = [Tenant.path.startswith(me.path)]
    if status in STATUSES:
        conditions.append(CaseRow.status == status)
    total = int(
        uow.session.scalar(
            select(func.count(CaseRow.id))
            .select_from(CaseRow)
            .join(Tenant, Tenant.id == CaseRow.tenant_id)
            .where(*conditions)
        )
        or 0
    )
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = uow.session.execute(
        select(*case_columns(), Tenant.code.label("tenant_code"), Tenant.name.label("tenant_name"))
        .join(Tenant, Tenant.id == CaseRow.tenant_id)
        .where(*conditions)
        .order_by(CaseRow.received_at.desc(), CaseRow.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).mappings()
    items = tuple(_summary(case_of(row), row["tenant_code"], row["tenant_name"]) for row in rows)
    return Page(items, page, per_page, total)


def _summary(c: Case, tenant_code: str, tenant_name: str) -> CaseSummary:
    return CaseSummary(
        number=c.number,
        tenant_code=tenant_code,
        tenant_name=tenant_name,
        matter_code=c.matter_code,
        matter_name=c.matter_name,
        applicant_name=c.applicant_name,
        status=str(c.status),
        received_at=c.received_at,
        deadline=c.deadline,
        decision=c.decision,
        concluded_at=c.concluded_at,
        deadline_provisional=c.deadline_provisional,
    )


def _in_subtree(uow: UnitOfWork, tenant_id: int) -> bool:
    return uow.tenants.by_id(tenant_id).path.startswith(_me(uow).path)


def _visible(uow: UnitOfWork, number: str) -> Case:
    """The case as the case store reads it: its subtree rule makes anything else "not
    found" (adapters/db/visibility.py)."""
    case = uow.cases.by_number(number, lock=False)
    if case is None:
        raise NotFound("case", number)
    return case


@dataclass(frozen=True)
class LinkedCase:
    number: str
    relation: str  # origin | escalated | joint | subcase
    tenant_code: str
    tenant_name: str
    visible: bool  # in the viewer's subtree (an escalation to an ancestor is not)


def linked_cases(uow: UnitOfWork, number: str) -> list[LinkedCase]:
    """The cases this one is linked to: the case it was escalated from (``origin``) or
    started by as a joint matter's sub-case (``joint``), and the cases it escalated to
    (``escalated``) or started (``subcase``)."""
    case = _visible(uow, number)
    found: list[tuple[int, str]] = []
    if case.origin_case_id is not None:
        found.append((case.origin_case_id, "origin"))
    if case.joint_case_id is not None:
        found.append((case.joint_case_id, "joint"))
    for kind, linked_id in uow.session.execute(
        select(CaseTask.kind, CaseTask.linked_case_id)
        .where(CaseTask.case_id == case.id, CaseTask.linked_case_id.is_not(None))
        .order_by(CaseTask.id)
    ):
        found.append((linked_id, "escalated" if kind == "escalate" else "subcase"))
    if not found:
        return []
    me = _me(uow)
    linked = []
    for case_id, relation in found:
        other = uow.cases.by_link(case_id, lock=False)  # a link is the platform's relation
        if other is None:
            continue
        tenant = uow.tenants.by_id(other.tenant_id)
        linked.append(
            LinkedCase(
                other.number, relation, tenant.code, tenant.name, tenant.path.startswith(me.path)
            )
        )
    return linked


def verify_case_chain(uow: UnitOfWork, number: str) -> list[audit.ChainProblem]:
    """Every problem of one case's event chain (``[]``: intact), as ``tongban audit
    verify`` checks it: events in storage order against the head the case row keeps."""
    return full_problems(uow, _visible(uow, number))


def case_alerts(uow: UnitOfWork, number: str) -> list[AlertView]:
    """The supervision alerts raised on one case, oldest first."""
    case = _visible(uow, number)
    code = uow.tenants.by_id(case.tenant_id).code
    rows = uow.session.scalars(
        select(SupervisionAlert)
        .where(SupervisionAlert.case_id == case.id)
        .order_by(SupervisionAlert.raised_at, SupervisionAlert.id)
    )
    return [AlertView.of(a, case.number, code) for a in rows]


def has_result(uow: UnitOfWork, number: str) -> bool:
    """Whether a result document (sealed or not) is stored for the case."""
    case = _visible(uow, number)
    if uow.session.scalar(select(ResultRow.id).where(ResultRow.case_id == case.id)) is not None:
        return True
    return linked_decision(uow, case.key) is not None  # the final level's, delivered here


def department_names(uow: UnitOfWork, tenant_code: str) -> dict[str, str]:
    """Department code → name of a tenant of the subtree (to label steps)."""
    tenant = uow.tenants.find(tenant_code)
    if tenant is None or not _in_subtree(uow, tenant.id):
        raise NotFound("tenant", tenant_code)
    return {d.code: d.name for d in uow.departments.of_tenant(tenant.id)}
