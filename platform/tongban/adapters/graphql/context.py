"""Who is calling, and the units of work they may use. Built once per request by the view.

Every resolver reaches the database through ``ctx.uow()``: a unit of work bound to the
principal's tenant, so tenant scoping and authority are the services' — "not found" and
"not yours" are the same error.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.services.actors import Actor
from tongban.services.cases.runtime import CaseEnv
from tongban.services.platform import Platform


@dataclass(frozen=True)
class Principal:
    """An API key's system or a logged-in person."""

    actor: Actor
    kind: str  # "apikey" | "user"
    include_descendants: bool = True  # people see their subtree; keys only if so created

    @property
    def tenant_code(self) -> str:
        return self.actor.tenant_code


@dataclass
class GraphQLContext:
    platform: Platform
    env: CaseEnv
    principal: Principal
    request_id: str

    @property
    def actor(self) -> Actor:
        return self.principal.actor

    def uow(self, *, readonly: bool = False) -> UnitOfWork:
        return self.platform.db.for_tenant(
            self.principal.tenant_code,
            readonly=readonly,
            subtree=self.principal.include_descendants,
        )
