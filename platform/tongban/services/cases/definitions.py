"""The definitions a case runs on: the implementation version pinned when it was submitted.

Published versions never change, so a parsed version is cached per process by
(matter id, version).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tongban.adapters.db.models import Matter, Tenant
from tongban.adapters.db.repositories import tenant_ref
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.errors import PinnedVersionUnrunnable
from tongban.core.documents import MatterDoc, parse_matter_doc
from tongban.core.errors import NotFound
from tongban.core.flows import FlowDef, parse_flow
from tongban.services.schemas import Schemas


@dataclass(frozen=True)
class Pinned:
    matter_id: int
    version: int
    doc: MatterDoc
    flow: FlowDef
    document: dict[str, Any]

    @property
    def implementation_code(self) -> str:
        assert self.doc.implementation is not None
        return self.doc.implementation.implementation_code


_cache: dict[tuple[int, int], Pinned] = {}


def pinned_cached(matter_id: int, version: int) -> Pinned | None:
    return _cache.get((matter_id, version))


def pinned(
    uow: UnitOfWork, schemas: Schemas, tenant: Tenant, matter_id: int, version: int
) -> Pinned:
    key = (matter_id, version)
    found = _cache.get(key)
    if found is None:
        matter = uow.session.get_one(Matter, matter_id)
        row = uow.matters.version(matter, version)
        departments = {d.code: d.uscc for d in uow.departments.of_tenant(tenant.id)}
        doc, problems = parse_matter_doc(
            row.document, tenant=tenant_ref(tenant), departments=departments, schemas=schemas.meta
        )
        if doc is None or doc.implementation is None:
            raise PinnedVersionUnrunnable(problems, matter.code, version)
        flow, flow_problems = parse_flow(doc.implementation.flow)
        if flow is None:
            raise PinnedVersionUnrunnable(flow_problems, matter.code, version)
        found = Pinned(matter.id, version, doc, flow, dict(row.document))
        if len(_cache) > 4096:
            _cache.clear()
        _cache[key] = found
    return found


def published_implementation(
    uow: UnitOfWork, schemas: Schemas, tenant: Tenant, code: str
) -> tuple[int, Pinned]:
    """The tenant's implementation ``code`` as published now: its matter id and definitions."""
    published = uow.cases.published_version(tenant.id, code)
    if published is None:
        raise NotFound("implementation", f"{tenant.code}/{code}")
    matter_id, version = published
    return matter_id, pinned(uow, schemas, tenant, matter_id, version)
