"""Reading cases: by number, worklists, events. Parents see cases escalated to them and
their descendants' cases; a sibling's case is "not found"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tongban.adapters.db.case_models import Case as CaseRow
from tongban.adapters.db.case_models import CaseEvent, CaseTask
from tongban.adapters.db.case_store import task_columns, task_of
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.case import Case, TaskKind, TaskStatus
from tongban.core.errors import NotFound
from tongban.services.actors import Actor
from tongban.services.cases.views import CaseView, TaskView, case_view, task_view


def _visible(uow: UnitOfWork, number: str) -> Case:
    """Cases of the tenant and its descendants, as the case store reads them (the subtree
    rule, adapters/db/visibility.py): anything else is "not found"."""
    case = uow.cases.by_number(number, lock=False)
    if case is None:
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
        select(*task_columns(), CaseRow.number, CaseRow.matter_name, CaseRow.applicant_name)
        .join(CaseRow, CaseRow.id == CaseTask.case_id)
        .where(
            CaseTask.tenant_id == me.id,
            CaseTask.status == TaskStatus.OPEN.value,
            CaseTask.kind == TaskKind.TASK.value,
            CaseTask.department == actor.department,
            CaseTask.role.in_([r.value for r in actor.roles]),
        )
        .order_by(CaseTask.due_on, CaseTask.id)
    )
    return [
        WorkItem(row["number"], row["matter_name"], row["applicant_name"], task_view(task_of(row)))
        for row in rows.mappings()
    ]
