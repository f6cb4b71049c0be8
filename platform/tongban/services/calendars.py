"""Working-day calendars as data: official arrangements loaded at a tenant, the year as each
tenant sees it, and the 暂定 dates of open cases put right when an arrangement arrives.

Loading an arrangement is one transaction; then every open case below that tenant whose dates
used a provisional day is recomputed in a transaction of its own, with a
``DeadlinesRecomputed`` event (old date, new date, why) that goes to webhooks like any event.
A case that fails is reported and left for the next load or sweep; the others go on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import exists, or_, select

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.case_models import Case, CaseTask
from tongban.adapters.db.models import CalendarArrangement, Tenant
from tongban.adapters.db.tenant_guard import TenantScope
from tongban.adapters.db.unit_of_work import Database, UnitOfWork
from tongban.core.calendar_doc import ArrangementDay, ArrangementDoc
from tongban.core.cases.workdays import ONE_DAY, DayAnswer
from tongban.core.errors import NotFound, TongbanError
from tongban.core.roles import Role
from tongban.core.tenancy import NATION_CODE
from tongban.services.actors import Actor
from tongban.services.cases import deadlines, runtime
from tongban.services.cases.runtime import FINAL, CaseEnv
from tongban.services.cases.time import calendar_for, clear_calendar_cache
from tongban.services.errors import PlatformAdminOnly, YearOutOfRange

CALENDAR_ACTOR = Actor("system:calendar", "", frozenset())


@dataclass
class RecomputeSummary:
    checked: int = 0
    changed: list[str] = field(default_factory=list)  # case numbers with a recorded event
    errors: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        errors = "".join(f"\n  未能重算 {n}: {why}" for n, why in sorted(self.errors.items()))
        return (
            f"暂定期限重算：检查 {self.checked} 件，重算 {len(self.changed)} 件 "
            f"(recomputed {len(self.changed)} of {self.checked} case(s)){errors}"
        )


def save_arrangement(uow: UnitOfWork, tenant: Tenant, doc: ArrangementDoc) -> bool:
    """Insert or replace ``tenant``'s arrangement for ``doc.year``; True when it changed."""
    row = uow.session.scalar(
        select(CalendarArrangement).where(
            CalendarArrangement.tenant_id == tenant.id, CalendarArrangement.year == doc.year
        )
    )
    days = doc.to_json()
    if row is None:
        uow.session.add(
            CalendarArrangement(
                tenant_id=tenant.id,
                year=doc.year,
                document=doc.document,
                title=doc.title,
                days=days,
            )
        )
        return True
    if (row.document, row.title, row.days) == (doc.document, doc.title, days):
        return False
    row.document, row.title, row.days = doc.document, doc.title, days
    row.loaded_at = dt.datetime.now(dt.UTC)
    return True


def arrangement_docs(uow: UnitOfWork, tenant: Tenant) -> tuple[ArrangementDoc, ...]:
    """A tenant's arrangements as documents (what export writes)."""
    return tuple(
        ArrangementDoc(
            row.year,
            row.document,
            row.title,
            tuple(
                ArrangementDay(dt.date.fromisoformat(d["date"]), d["kind"], d["name"])
                for d in row.days
            ),
        )
        for row in uow.departments.arrangements_of_tenant(tenant.id)
    )


def why_of(doc: ArrangementDoc, tenant_code: str) -> str:
    return f"单位 {tenant_code} 载入 {doc.year} 年放假安排（{doc.document}）"


def import_arrangement(
    db: Database, env: CaseEnv, tenant_code: str, doc: ArrangementDoc
) -> RecomputeSummary:
    """Load ``doc`` at ``tenant_code`` (one transaction), then recompute open 暂定 dates."""
    with platform_unit_of_work(db, "calendar import", write=True) as uow:
        tenant = uow.tenants.get(tenant_code)
        save_arrangement(uow, tenant, doc)
        uow.commit()
    clear_calendar_cache()
    return recompute_provisional(db, env, tenant_code, why_of(doc, tenant_code))


def recompute_provisional(
    db: Database, env: CaseEnv, tenant_code: str | None, why: str
) -> RecomputeSummary:
    """Every open case (below ``tenant_code``, or all) with a 暂定 date, on today's calendar."""
    summary = RecomputeSummary()
    for number, code in _provisional_cases(db, tenant_code):
        summary.checked += 1
        try:
            with db.for_tenant(code) as uow:
                ctx = runtime.load(uow, env, number, CALENDAR_ACTOR)
                payload = deadlines.recompute(ctx, why)
                uow.commit()
        except TongbanError as exc:
            summary.errors[number] = exc.message
            continue
        if payload is not None:
            summary.changed.append(number)
    return summary


def _provisional_cases(db: Database, tenant_code: str | None) -> list[tuple[str, str]]:
    open_task = exists().where(
        CaseTask.case_id == Case.id, CaseTask.status == "open", CaseTask.due_provisional
    )
    with platform_unit_of_work(db, "calendar recompute") as uow:
        query = (
            select(Case.number, Tenant.code)
            .join(Tenant, Tenant.id == Case.tenant_id)
            .where(
                Case.status.not_in(FINAL) | Case.verification_due.is_not(None),
                or_(Case.deadline_provisional, Case.verification_due_provisional, open_task),
            )
            .order_by(Case.id)
        )
        if tenant_code is not None:
            root = uow.tenants.get(tenant_code)
            query = query.where(Tenant.path.startswith(root.path))
        return [(number, code) for number, code in uow.session.execute(query)]


def year_days(uow: UnitOfWork, tenant: Tenant, year: int) -> list[DayAnswer]:
    """Every day of ``year`` as ``tenant`` counts it, with the layer that decided."""
    calendar = calendar_for(uow, tenant)
    return list(_decide_all(calendar.decide, dt.date(year, 1, 1), dt.date(year, 12, 31)))


def _decide_all(
    decide: Callable[[dt.date], DayAnswer], first: dt.date, last: dt.date
) -> Iterable[DayAnswer]:
    day = first
    while day <= last:
        yield decide(day)
        day += ONE_DAY


@dataclass(frozen=True)
class YearView:
    """A year as one tenant counts it: each day with its deciding layer."""

    tenant_code: str
    year: int
    days: tuple[DayAnswer, ...]

    @property
    def workdays(self) -> int:
        return sum(1 for d in self.days if d.workday)

    @property
    def provisional(self) -> bool:
        return any(d.provisional for d in self.days)

    @property
    def arrangement(self) -> str | None:
        """The 文号 of the official arrangement the tenant's year follows, if any."""
        return next((d.arrangement for d in self.days if d.arrangement), None)

    def exceptions(self) -> tuple[DayAnswer, ...]:
        """Days that are not plain (a holiday on a weekday, a workday on a weekend)."""
        return tuple(d for d in self.days if d.workday != (d.day.weekday() < 5) or d.name)


def year_view(uow: UnitOfWork, tenant_code: str, year: int) -> YearView:
    """``tenant_code``'s year through ``uow``'s scope (a sibling is "not found")."""
    tenant = require_visible(uow, tenant_code)
    if not 1949 <= year <= 2199:
        raise YearOutOfRange(year, 1949, 2199)
    return YearView(tenant_code, year, tuple(year_days(uow, tenant, year)))


def require_visible(uow: UnitOfWork, tenant_code: str) -> Tenant:
    """The tenant, if ``uow``'s scope sees it (its lineage and subtree); else not found."""
    tenant = uow.tenants.find(tenant_code)
    if tenant is None or (
        isinstance(uow.scope, TenantScope) and tenant.id not in uow.scope.visible_ids
    ):
        raise NotFound("tenant", tenant_code)
    return tenant


def require_platform_admin(actor: Actor) -> None:
    """Official arrangements are loaded by the platform's administrators (nation level)."""
    if actor.tenant_code != NATION_CODE or Role.ADMIN not in actor.roles:
        raise PlatformAdminOnly(actor.username)
