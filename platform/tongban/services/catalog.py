"""Read-only browsing: the catalog (事项目录), one matter's detail and a tenant's page.

What a tenant sees:
- its own matters in any state, by their draft name while nothing is published;
- standards of its ancestors and implementations of its descendants once published, by
  their published name; an ancestor's published implementation can be opened too
  (escalation targets), but is not listed;
- of another tenant's matter, only published versions — the direct parent also opens the
  versions submitted to it for review (``definitions.visible_versions``);
- never anything of a sibling: the unit of work's tenant guard hides those rows, and a
  request for one raises the same ``NotFound`` as a code that does not exist.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from tongban.adapters.db.models import Matter, Tenant
from tongban.adapters.db.repositories import tenant_ref
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.documents import MatterDoc, parse_matter_doc
from tongban.core.errors import NotFound, Violation
from tongban.core.guide import Guide, build_guide
from tongban.core.roles import Role
from tongban.core.tenancy import Level
from tongban.services import definitions
from tongban.services.definitions import KINDS, VersionInfo
from tongban.services.pagination import Page
from tongban.services.schemas import Schemas

PER_PAGE = 20
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class TenantSummary:
    code: str
    name: str
    level: Level


@dataclass(frozen=True)
class CatalogEntry:
    tenant: TenantSummary
    kind: str
    code: str
    name: str
    published_version: int | None


@dataclass(frozen=True)
class MatterDetail:
    tenant: TenantSummary
    kind: str
    code: str
    name: str
    version: int
    status: str
    published_version: int | None
    document: Mapping[str, Any]
    parsed: MatterDoc | None
    problems: tuple[Violation, ...]
    department_name: str | None
    department_names: Mapping[str, str]
    guide: Guide | None
    history: tuple[VersionInfo, ...]


@dataclass(frozen=True)
class DepartmentSummary:
    code: str
    name: str
    uscc: str


@dataclass(frozen=True)
class UserSummary:
    username: str
    name: str
    roles: tuple[str, ...]  # Chinese labels
    department: str | None


@dataclass(frozen=True)
class TenantDetail:
    tenant: TenantSummary
    ancestors: tuple[TenantSummary, ...]  # root first
    children: tuple[TenantSummary, ...]
    departments: tuple[DepartmentSummary, ...]
    users: tuple[UserSummary, ...]  # only for the viewer's own tenant and its descendants
    matters: tuple[CatalogEntry, ...]  # what the viewer may see of this tenant's matters
    is_self: bool


def _summary(tenant: Tenant) -> TenantSummary:
    return TenantSummary(tenant.code, tenant.name, Level(tenant.level))


def _me(uow: UnitOfWork) -> Tenant:
    if uow.tenant is None:
        raise NotFound("tenant", "(platform scope)")
    return uow.tenants.get(uow.tenant.code)


def _visibility(uow: UnitOfWork, me: Tenant) -> ColumnElement[bool]:
    above = [t.id for t in uow.tenants.ancestors(me)]
    below = [t.id for t in uow.tenants.subtree(me)]
    return or_(
        and_(Matter.kind == "standard", Matter.tenant_id == me.id),
        and_(Matter.kind == "implementation", Matter.tenant_id == me.id),
        and_(
            Matter.published_version.is_not(None),
            or_(
                and_(Matter.kind == "standard", Matter.tenant_id.in_(above)),
                and_(Matter.kind == "implementation", Matter.tenant_id.in_(below)),
            ),
        ),
    )


def catalog(
    uow: UnitOfWork,
    *,
    kind: str | None = None,
    level: Level | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page[CatalogEntry]:
    """One page of the matters the unit of work's tenant may browse, ordered by tenant path."""
    me = _me(uow)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    conditions: list[ColumnElement[bool]] = [_visibility(uow, me)]
    if kind in KINDS:
        conditions.append(Matter.kind == kind)
    if level is not None:
        conditions.append(Tenant.level == int(level))
    base = select(Matter, Tenant).join(Tenant, Tenant.id == Matter.tenant_id).where(*conditions)
    total = uow.session.scalar(
        select(func.count(Matter.id))
        .select_from(Matter)
        .join(Tenant, Tenant.id == Matter.tenant_id)
        .where(*conditions)
    )
    total = int(total or 0)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = uow.session.execute(
        base.order_by(Tenant.path, Matter.kind.desc(), Matter.code)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    entries = tuple(
        CatalogEntry(_summary(t), m.kind, m.code, m.name, m.published_version) for m, t in rows
    )
    return Page(tuple(entries), page, per_page, total)


def _visible_matter(
    uow: UnitOfWork, tenant_code: str, kind: str, code: str
) -> tuple[Tenant, Matter]:
    if kind not in KINDS:
        raise NotFound("matter", code)
    me = _me(uow)
    tenant = uow.tenants.find(tenant_code)
    if tenant is None or not (tenant.path.startswith(me.path) or me.path.startswith(tenant.path)):
        raise NotFound(kind, code)  # a sibling's tenant is "not found" like a missing one
    matter = uow.matters.find(tenant.id, kind, code)
    if matter is None or not definitions.visible_versions(uow, tenant, matter):
        raise NotFound(kind, code)  # another's draft is "not found" like a missing code
    return tenant, matter


def matter_detail(
    uow: UnitOfWork,
    schemas: Schemas,
    tenant_code: str,
    kind: str,
    code: str,
    version: int | None = None,
) -> MatterDetail:
    """A standard or implementation (published version, else the latest), with its guide."""
    tenant, matter = _visible_matter(uow, tenant_code, kind, code)
    # another tenant's drafts stay its own: history has only the versions the reader may see
    history = tuple(definitions.history(uow, tenant.code, kind, code))
    number = version or matter.published_version or (history[-1].version if history else None)
    if number is None or all(v.version != number for v in history):
        raise NotFound(kind, code)
    row = uow.matters.version(matter, number)
    departments = uow.departments.of_tenant(tenant.id)
    usccs = {d.code: d.uscc for d in departments}
    names = {d.code: d.name for d in departments}
    parsed, problems = parse_matter_doc(
        row.document, tenant=tenant_ref(tenant), departments=usccs, schemas=schemas.meta
    )
    guide = None
    department_name = None
    if parsed is not None and parsed.implementation is not None and parsed.department:
        department_name = names.get(parsed.department, parsed.department)
        guide = build_guide(
            parsed.implementation,
            tenant_name=tenant.name,
            department_name=department_name,
            department_names=names,
            matter_names=_matter_names(uow, tenant),
        )
    return MatterDetail(
        tenant=_summary(tenant),
        kind=kind,
        code=code,
        name=str(row.document.get("name") or matter.name),
        version=row.version,
        status=row.status,
        published_version=matter.published_version,
        document=row.document,
        parsed=parsed,
        problems=tuple(problems),
        department_name=department_name,
        department_names=names,
        guide=guide,
        history=history,
    )


def _shown(me: Tenant, tenant: Tenant, matter: Matter) -> bool:
    """A matter of ``tenant`` appears to ``me``: its own, or published."""
    return tenant.id == me.id or matter.published_version is not None


def _matter_names(uow: UnitOfWork, tenant: Tenant) -> dict[str, str]:
    me = _me(uow)
    return {m.code: m.name for m in uow.matters.of_tenant(tenant.id) if _shown(me, tenant, m)}


def tenant_detail(uow: UnitOfWork, code: str) -> TenantDetail:
    """A tenant of the viewer's lineage: its place in the tree, departments, matters."""
    me = _me(uow)
    tenant = uow.tenants.find(code)
    if tenant is None or not (tenant.path.startswith(me.path) or me.path.startswith(tenant.path)):
        raise NotFound("tenant", code)
    is_ancestor = tenant.id != me.id and me.path.startswith(tenant.path)
    departments = uow.departments.of_tenant(tenant.id)
    dept_names = {d.id: d.name for d in departments}
    users: tuple[UserSummary, ...] = ()
    if not is_ancestor:
        users = tuple(
            UserSummary(
                u.username,
                u.name,
                tuple(Role(r).label for r in u.roles.split(",") if r),
                dept_names.get(u.department_id) if u.department_id else None,
            )
            for u in uow.departments.users_of_tenant(tenant.id)
        )
    matters = tuple(
        CatalogEntry(_summary(tenant), m.kind, m.code, m.name, m.published_version)
        for m in uow.matters.of_tenant(tenant.id)
        if _shown(me, tenant, m)
    )
    return TenantDetail(
        tenant=_summary(tenant),
        ancestors=tuple(_summary(t) for t in uow.tenants.ancestors(tenant)),
        children=tuple(
            _summary(t)
            for t in uow.tenants.children(tenant)
            if t.path.startswith(me.path) or me.path.startswith(t.path)
        ),
        departments=tuple(DepartmentSummary(d.code, d.name, d.uscc) for d in departments),
        users=users,
        matters=matters,
        is_self=tenant.id == me.id,
    )
