"""Who is acting. Services check the actor against the unit of work's tenant."""

from __future__ import annotations

from dataclasses import dataclass

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.unit_of_work import Database
from tongban.core.applicants import normalize_id
from tongban.core.errors import NotFound
from tongban.core.roles import Role
from tongban.services.errors import NotAMember, RoleRequired


@dataclass(frozen=True)
class Actor:
    username: str
    tenant_code: str
    roles: frozenset[Role]
    department: str | None = None
    applicant_id: str | None = None  # set for an applicant (申请人), by certificate number

    @classmethod
    def applicant(cls, id_number: str) -> Actor:
        """The applicant with this certificate number, in the form cases store it."""
        id_number = normalize_id(id_number)
        return cls(f"applicant:{id_number}", "", frozenset(), None, id_number)

    def require(self, role: Role, tenant_code: str) -> None:
        if self.tenant_code != tenant_code:
            raise NotAMember(self.username, tenant_code)
        if role not in self.roles:
            raise RoleRequired(self.username, role.value)


SYSTEM = Actor("system", "", frozenset(Role))
"""The platform itself (config-as-code import): only platform units of work accept it."""


def actor_for(db: Database, username: str) -> Actor:
    """The actor behind a tenant user's username (its tenant, roles and department)."""
    with platform_unit_of_work(db, "map a username to its tenant") as uow:
        user = uow.departments.user(username)
        if user is None:
            raise NotFound("user", username)
        tenant = uow.tenants.by_id(user.tenant_id)
        department = None
        if user.department_id is not None:
            codes = {d.id: d.code for d in uow.departments.of_tenant(tenant.id)}
            department = codes.get(user.department_id)
        return Actor(
            user.username,
            tenant.code,
            frozenset(Role(r) for r in user.roles.split(",") if r),
            department,
        )
