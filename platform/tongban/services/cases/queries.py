"""Reading cases: by number, worklists, events. Parents see cases escalated to them and
their descendants' cases; a sibling's case is "not found"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tongban.adapters.db.case_models import Case, CaseEvent, CaseTask
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.errors import NotFound
from tongban.services.actors import Actor
from tongban.services.cases.views import CaseView, TaskView, case_view, task_view


def _visible(uow: UnitOfWork, number: str) -> Case:
    """Cases of the tenant and its descendants (not an ancestor's: the lineage guard lets
    ancestors' rows through for standards, so cases are narrowed to the subtree here)."""
    assert uow.tenant is not None
    me = uow.tenants.get(uow.tenant.code)
    case = uow.session.scalar(select(Case).where(Case.number == number))
    if case is None or not uow.tenants.by_id(case.tenant_id).path.startswith(me.path):
        raise NotFound("case", number)
    return case


def get_case(uow: UnitOfWork, number: str) -> CaseView:
    return case_view(uow, _visible(uow, number))


@dataclass(frozen=True)
class EventView:
    seq: int
    kind: str
    actor: str
    tenant: str
    at: str
    payload: dict[str, Any]
    hash: str


def case_events(uow: UnitOfWork, number: str) -> list[EventView]:
    case = _visible(uow, number)
    rows = uow.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    )
    return [
        EventView(e.seq, e.kind, e.actor, e.tenant, e.at, dict(e.payload), e.hash) for e in rows
    ]


@dataclass(frozen=True)
class WorkItem:
    case_number: str
    matter_name: str
    applicant_name: str
    task: TaskView


def worklist(uow: UnitOfWork, actor: Actor) -> list[WorkItem]:
    """Open human steps of the actor's tenant, department and roles."""
    assert uow.tenant is not None
    me = uow.tenants.get(uow.tenant.code)
    if actor.tenant_code != me.code:
        return []
    rows = uow.session.execute(
        select(CaseTask, Case)
        .join(Case, Case.id == CaseTask.case_id)
        .where(
            CaseTask.tenant_id == me.id,
            CaseTask.status == "open",
            CaseTask.kind == "task",
            CaseTask.department == actor.department,
            CaseTask.role.in_([r.value for r in actor.roles]),
        )
        .order_by(CaseTask.due_on, CaseTask.id)
    )
    return [WorkItem(c.number, c.matter_name, c.applicant_name, task_view(t)) for t, c in rows]
