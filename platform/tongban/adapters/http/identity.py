"""Who is logged in, and which tenant they act for.

A Flask-AppBuilder login (``ab_user``) is mapped to a tenant by its username: the
``TenantUser`` with the same username (loaded from ``tenants/**/tenant.yaml``) names the
tenant, roles and department (its name to show, its code for the worklist). The platform
administrator (``TONGBAN_PLATFORM_ADMIN``, default ``admin``), who has no tenant user row,
acts for the nation root tenant. Any other login has no tenant and sees an error page
instead of data.

The lookup is the one read that needs a platform-scope unit of work: before it we do not
know the tenant to scope by. It returns only the identity; every page then reads through
``Database.for_tenant(identity.tenant_code)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.unit_of_work import Database
from tongban.core.roles import Role
from tongban.core.tenancy import NATION_CODE
from tongban.services.actors import Actor

PLATFORM_ADMIN = "admin"


@dataclass(frozen=True)
class Identity:
    username: str
    name: str
    tenant_code: str
    tenant_name: str
    roles: frozenset[Role]
    department: str | None = None  # department name
    department_code: str | None = None  # what case steps are assigned to

    def actor(self) -> Actor:
        """The login as the services' actor (tenant, roles, department code)."""
        return Actor(self.username, self.tenant_code, self.roles, self.department_code)

    @property
    def role_labels(self) -> str:
        return "、".join(role.label for role in Role if role in self.roles) or "—"


def identify(
    db: Database, username: str, *, platform_admin: str = PLATFORM_ADMIN
) -> Identity | None:
    """The tenant identity of ``username``, or None if the login belongs to no tenant."""
    with platform_unit_of_work(db, "web: map a login to its tenant") as uow:
        user = uow.departments.user(username)
        if user is not None:
            tenant = uow.tenants.by_id(user.tenant_id)
            department = department_code = None
            if user.department_id is not None:
                for dep in uow.departments.of_tenant(tenant.id):
                    if dep.id == user.department_id:
                        department, department_code = dep.name, dep.code
            return Identity(
                username=user.username,
                name=user.name,
                tenant_code=tenant.code,
                tenant_name=tenant.name,
                roles=frozenset(Role(r) for r in user.roles.split(",") if r),
                department=department,
                department_code=department_code,
            )
        if username == platform_admin:
            root = uow.tenants.find(NATION_CODE)
            if root is not None:
                return Identity(
                    username, "平台管理员", root.code, root.name, frozenset({Role.ADMIN})
                )
    return None
