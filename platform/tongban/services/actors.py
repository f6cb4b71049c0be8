"""Who is acting. Services check the actor against the unit of work's tenant."""

from __future__ import annotations

from dataclasses import dataclass

from tongban.core.errors import Forbidden
from tongban.core.roles import Role


@dataclass(frozen=True)
class Actor:
    username: str
    tenant_code: str
    roles: frozenset[Role]
    department: str | None = None

    def require(self, role: Role, tenant_code: str) -> None:
        if self.tenant_code != tenant_code:
            raise Forbidden(f"用户 {self.username} 不属于单位 {tenant_code}")
        if role not in self.roles:
            raise Forbidden(f"用户 {self.username} 没有 {role.label}({role.value}) 角色")


SYSTEM = Actor("system", "", frozenset(Role))
"""The platform itself (config-as-code import): only platform units of work accept it."""
