"""Repositories. They only exist inside a unit of work whose session carries a scope, so a
lookup of another tenant's row finds nothing — "not yours" and "not found" are one error."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.adapters.db.models import (
    CalendarArrangement,
    CalendarDay,
    Department,
    Matter,
    MatterVersion,
    Review,
    Tenant,
    TenantUser,
)
from tongban.core.errors import NotFound
from tongban.core.tenancy import Level, TenantRef


def tenant_ref(tenant: Tenant) -> TenantRef:
    return TenantRef(
        code=tenant.code,
        name=tenant.name,
        level=Level(tenant.level),
        path=tuple(p for p in tenant.path.split("/") if p),
    )


class TenantRepository:
    """The tree is public information (GB/T 2260 codes); lineage checks use these rows."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def find(self, code: str) -> Tenant | None:
        return self._s.scalar(select(Tenant).where(Tenant.code == code))

    def get(self, code: str) -> Tenant:
        tenant = self.find(code)
        if tenant is None:
            raise NotFound("tenant", code)
        return tenant

    def by_id(self, tenant_id: int) -> Tenant:
        tenant = self._s.get(Tenant, tenant_id)
        if tenant is None:
            raise NotFound("tenant", tenant_id)
        return tenant

    def all(self) -> Sequence[Tenant]:
        return self._s.scalars(select(Tenant).order_by(Tenant.path)).all()

    def subtree(self, tenant: Tenant) -> Sequence[Tenant]:
        return self._s.scalars(
            select(Tenant).where(Tenant.path.startswith(tenant.path)).order_by(Tenant.path)
        ).all()

    def ancestors(self, tenant: Tenant) -> list[Tenant]:
        """Root first, excluding ``tenant`` itself."""
        codes = [p for p in tenant.path.split("/") if p][:-1]
        if not codes:
            return []
        rows = {t.code: t for t in self._s.scalars(select(Tenant).where(Tenant.code.in_(codes)))}
        return [rows[c] for c in codes]

    def children(self, tenant: Tenant) -> Sequence[Tenant]:
        return self._s.scalars(
            select(Tenant).where(Tenant.parent_id == tenant.id).order_by(Tenant.code)
        ).all()


class DepartmentRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def of_tenant(self, tenant_id: int) -> Sequence[Department]:
        return self._s.scalars(
            select(Department)
            .where(Department.tenant_id == tenant_id)
            .order_by(Department.position, Department.id)
        ).all()

    def users_of_tenant(self, tenant_id: int) -> Sequence[TenantUser]:
        return self._s.scalars(
            select(TenantUser)
            .where(TenantUser.tenant_id == tenant_id)
            .order_by(TenantUser.position, TenantUser.id)
        ).all()

    def calendar_of_tenant(self, tenant_id: int) -> Sequence[CalendarDay]:
        return self._s.scalars(
            select(CalendarDay).where(CalendarDay.tenant_id == tenant_id).order_by(CalendarDay.day)
        ).all()

    def arrangements_of_tenant(self, tenant_id: int) -> Sequence[CalendarArrangement]:
        return self._s.scalars(
            select(CalendarArrangement)
            .where(CalendarArrangement.tenant_id == tenant_id)
            .order_by(CalendarArrangement.year)
        ).all()

    def user(self, username: str) -> TenantUser | None:
        return self._s.scalar(select(TenantUser).where(TenantUser.username == username))


class MatterRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def find(self, tenant_id: int, kind: str, code: str) -> Matter | None:
        return self._s.scalar(
            select(Matter).where(
                Matter.tenant_id == tenant_id, Matter.kind == kind, Matter.code == code
            )
        )

    def get(self, tenant_id: int, kind: str, code: str) -> Matter:
        matter = self.find(tenant_id, kind, code)
        if matter is None:
            raise NotFound(kind, code)
        return matter

    def of_tenant(self, tenant_id: int, kind: str | None = None) -> Sequence[Matter]:
        query = select(Matter).where(Matter.tenant_id == tenant_id)
        if kind:
            query = query.where(Matter.kind == kind)
        return self._s.scalars(query.order_by(Matter.kind, Matter.code)).all()

    def published(self, kind: str, code: str | None = None) -> Sequence[Matter]:
        query = select(Matter).where(Matter.kind == kind, Matter.published_version.is_not(None))
        if code:
            query = query.where(Matter.code == code)
        return self._s.scalars(query.order_by(Matter.tenant_id, Matter.code)).all()

    def version(self, matter: Matter, version: int) -> MatterVersion:
        row = self._s.scalar(
            select(MatterVersion).where(
                MatterVersion.matter_id == matter.id, MatterVersion.version == version
            )
        )
        if row is None:
            raise NotFound(f"{matter.kind} version", f"{matter.code} v{version}")
        return row

    def versions(self, matter: Matter) -> Sequence[MatterVersion]:
        return self._s.scalars(
            select(MatterVersion)
            .where(MatterVersion.matter_id == matter.id)
            .order_by(MatterVersion.version)
        ).all()

    def latest_version(self, matter: Matter) -> MatterVersion | None:
        return self._s.scalar(
            select(MatterVersion)
            .where(MatterVersion.matter_id == matter.id)
            .order_by(MatterVersion.version.desc())
            .limit(1)
        )

    def next_version_number(self, matter: Matter) -> int:
        current = self._s.scalar(
            select(func.max(MatterVersion.version)).where(MatterVersion.matter_id == matter.id)
        )
        return (current or 0) + 1

    def reviews(self, version: MatterVersion) -> Sequence[Review]:
        return self._s.scalars(
            select(Review).where(Review.version_id == version.id).order_by(Review.id)
        ).all()
