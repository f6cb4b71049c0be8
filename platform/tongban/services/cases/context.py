"""One case inside one command: the environment commands run in (schemas, sealer, clock)
and the context they share (the case, its tenant, its pinned definitions, the actor, the
time). Everything that reads or stamps a case imports this, and this imports none of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from tongban.adapters.db.models import Tenant
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.case import Case, Task, TaskKind
from tongban.core.cases.clock import Pause
from tongban.core.cases.engine import FlowState
from tongban.core.cases.errors import NoOpenStep, StepNotOpen
from tongban.core.cases.workdays import WorkCalendar
from tongban.services.actors import Actor
from tongban.services.cases import journal
from tongban.services.cases.definitions import Pinned
from tongban.services.cases.time import calendar_for, local_date, utcnow
from tongban.services.cases.views import CaseView, case_view
from tongban.services.schemas import Schemas


class ResultSealer(Protocol):
    """Seals an approval's result document, or a 上报件's opinion, at conclusion
    (services.cases.results; what is sealed: services.cases.escalation)."""

    def seal_result(self, ctx: CaseContext, basis: Mapping[str, Any] | None = None) -> Any: ...

    def seal_as(
        self, ctx: CaseContext, department: Any, document: dict[str, Any], *, kind: str
    ) -> Any: ...


@dataclass
class CaseEnv:
    schemas: Schemas
    sealer: ResultSealer | None = None
    clock: Callable[[], dt.datetime] = utcnow

    def now(self) -> dt.datetime:
        """The clock's time in UTC: every stored time is UTC (SQLite keeps no offset)."""
        return self.clock().astimezone(dt.UTC)


@dataclass
class CaseContext:
    """One case inside one command's unit of work."""

    uow: UnitOfWork
    env: CaseEnv
    case: Case
    tenant: Tenant
    pinned: Pinned
    now: dt.datetime
    actor: Actor
    _calendar: WorkCalendar | None = field(default=None, repr=False)

    @property
    def today(self) -> dt.date:
        return local_date(self.now)

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = calendar_for(self.uow, self.tenant)
        return self._calendar

    @property
    def state(self) -> FlowState:
        return FlowState.from_json(self.case.flow_state)

    @property
    def pauses(self) -> tuple[Pause, ...]:
        return tuple(pause_from_json(p) for p in self.case.pauses)

    def record(self, kind: str, payload: Mapping[str, Any]) -> None:
        journal.record(
            self.uow, self.case, kind, self.actor.username, self.tenant.code, payload, self.now
        )

    def open_tasks(self) -> list[Task]:
        """The case's open tasks, read once per unit of work and kept current by ``apply``."""
        return list(self.uow.cases.open_tasks(self.case))

    def view(self) -> CaseView:
        return case_view(self.uow, self.case, tasks=self.open_tasks(), tenant_code=self.tenant.code)

    def commit(self) -> CaseView:
        """End the command: its view, then the one commit that applies all of it."""
        view = self.view()
        self.uow.commit()
        return view

    def close_all(self) -> None:
        """Cancel every open task (rejection, withdrawal)."""
        tasks = self.open_tasks()
        for task in tasks:
            task.cancel(self.now)
        self.uow.cases.close_tasks(self.case, tasks)

    def open_task(self, node_id: str) -> Task:
        for task in self.open_tasks():
            if task.node_id == node_id:
                return task
        raise StepNotOpen(self.case.number, node_id)

    def open_step(self, step: str) -> Task:
        for task in self.open_tasks():
            if task.kind == TaskKind.TASK and task.step == step:
                return task
        raise NoOpenStep(self.case.number, step, self.case.status.value)


def pause_from_json(data: Mapping[str, Any]) -> Pause:
    return Pause(
        kind=data["kind"],
        started=dt.date.fromisoformat(data["started"]),
        ended=dt.date.fromisoformat(data["ended"]) if data.get("ended") else None,
        reason=data.get("reason", ""),
        expected_days=data.get("expected_days"),
    )


def pause_to_json(pause: Pause) -> dict[str, Any]:
    return {
        "kind": pause.kind,
        "started": pause.started.isoformat(),
        "ended": pause.ended.isoformat() if pause.ended else None,
        "reason": pause.reason,
        "expected_days": pause.expected_days,
    }
