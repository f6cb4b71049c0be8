"""The tenant tree, departments, users and calendars."""

from __future__ import annotations

from dataclasses import dataclass

from tongban.adapters.db.models import CalendarDay, Department, Tenant, TenantUser
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.documents import TenantDoc
from tongban.core.errors import InvalidDefinition, NotFound, Violation
from tongban.core.tenancy import ALLOWED_CHILD_LEVEL, Level, division_code_problem


@dataclass(frozen=True)
class TenantNode:
    code: str
    name: str
    level: Level
    parent_code: str | None
    depth: int


def upsert_tenant(uow: UnitOfWork, doc: TenantDoc, parent_code: str | None) -> Tenant:
    """Create or update one tenant with its departments, users and calendar (platform scope)."""
    parent = uow.tenants.get(parent_code) if parent_code else None
    problem = division_code_problem(doc.code, doc.level, parent_code)
    if (
        problem is None
        and parent is not None
        and doc.level not in ALLOWED_CHILD_LEVEL[Level(parent.level)]
    ):
        problem = (
            f"{doc.level.label}单位不能隶属于{Level(parent.level).label}单位 "
            f"(a {doc.level.key} cannot be under a {Level(parent.level).key})"
        )
    if problem:
        raise InvalidDefinition([Violation("TENANT_CODE", "/code", problem)])
    tenant = uow.tenants.find(doc.code)
    path = (parent.path if parent else "/") + doc.code + "/"
    if tenant is None:
        tenant = Tenant(code=doc.code, path=path)
        uow.session.add(tenant)
    tenant.name = doc.name
    tenant.level = int(doc.level)
    tenant.parent_id = parent.id if parent else None
    tenant.path = path
    uow.tree_changed()
    tenant.supplement_alert_threshold = doc.settings.supplement_alert_threshold
    tenant.near_limit_days = doc.settings.near_limit_days
    uow.session.flush()
    _sync_departments(uow, tenant, doc)
    _sync_users(uow, tenant, doc)
    _sync_calendar(uow, tenant, doc)
    return tenant


def _sync_departments(uow: UnitOfWork, tenant: Tenant, doc: TenantDoc) -> None:
    existing = {d.code: d for d in uow.departments.of_tenant(tenant.id)}
    for position, dep in enumerate(doc.departments):
        row = existing.pop(dep.code, None)
        if row is None:
            row = Department(tenant_id=tenant.id, code=dep.code)
            uow.session.add(row)
        row.name, row.uscc, row.position = dep.name, dep.uscc, position
    for stale in existing.values():
        uow.session.delete(stale)
    uow.session.flush()


def _sync_users(uow: UnitOfWork, tenant: Tenant, doc: TenantDoc) -> None:
    departments = {d.code: d.id for d in uow.departments.of_tenant(tenant.id)}
    existing = {u.username: u for u in uow.departments.users_of_tenant(tenant.id)}
    for position, user in enumerate(doc.users):
        row = existing.pop(user.username, None) or uow.departments.user(user.username)
        if row is None:
            row = TenantUser(username=user.username)
            uow.session.add(row)
        row.tenant_id = tenant.id
        row.name = user.name
        row.roles = ",".join(role.value for role in user.roles)
        row.department_id = departments[user.department] if user.department else None
        row.position = position
    for stale in existing.values():
        uow.session.delete(stale)
    uow.session.flush()


def _sync_calendar(uow: UnitOfWork, tenant: Tenant, doc: TenantDoc) -> None:
    for row in uow.departments.calendar_of_tenant(tenant.id):
        uow.session.delete(row)
    uow.session.flush()
    for kind, days in (("holiday", doc.holidays), ("workday", doc.workdays)):
        for day in days:
            uow.session.add(
                CalendarDay(tenant_id=tenant.id, day=day.date, kind=kind, name=day.name)
            )
    uow.session.flush()


def tree(uow: UnitOfWork) -> list[TenantNode]:
    """The tenants this unit of work may see: its lineage (ancestors, itself, descendants)."""
    if uow.tenant is None:
        rows = list(uow.tenants.all())
    else:
        me = uow.tenants.get(uow.tenant.code)
        rows = [*uow.tenants.ancestors(me), *uow.tenants.subtree(me)]
    by_id = {t.id: t for t in rows}
    return [
        TenantNode(
            t.code,
            t.name,
            Level(t.level),
            by_id[t.parent_id].code if t.parent_id in by_id else None,
            t.path.count("/") - 2,
        )
        for t in rows
    ]


def visible_tenant(uow: UnitOfWork, code: str) -> Tenant:
    """A tenant in this unit of work's lineage; a sibling's is "not found"."""
    tenant = uow.tenants.get(code)
    if uow.tenant is not None:
        me = uow.tenants.get(uow.tenant.code)
        if not (tenant.path.startswith(me.path) or me.path.startswith(tenant.path)):
            raise NotFound("tenant", code)
    return tenant
