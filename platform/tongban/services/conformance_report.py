"""Cross-level conformance over published definitions.

``conformance_report`` re-checks every published refinement and implementation in a
subtree against the current effective standards. ``impact_of_standard_change`` answers,
in one call, which descendants would stop conforming if a standard changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tongban.adapters.db.models import Tenant
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.errors import NotFound, Violation
from tongban.services.matter_checks import check_matter_document
from tongban.services.resolution import Resolver
from tongban.services.schemas import Schemas


@dataclass(frozen=True)
class ReportEntry:
    tenant_code: str
    tenant_name: str
    kind: str
    code: str
    name: str
    version: int
    violations: tuple[Violation, ...]

    @property
    def conforms(self) -> bool:
        return not self.violations


def _subtree(uow: UnitOfWork, root_code: str | None) -> list[Tenant]:
    if root_code is None:
        if uow.tenant is None:
            return list(uow.tenants.all())
        root_code = uow.tenant.code
    root = uow.tenants.get(root_code)
    if uow.tenant is not None and not root.path.startswith(uow.tenants.get(uow.tenant.code).path):
        # a tenant reports on itself and its descendants only; siblings look absent
        raise NotFound("tenant", root_code)
    return list(uow.tenants.subtree(root))


def _check_all(
    uow: UnitOfWork,
    tenants: list[Tenant],
    schemas: Schemas,
    resolver: Resolver,
    code: str | None = None,
) -> list[ReportEntry]:
    entries = []
    for tenant in tenants:
        for matter in uow.matters.of_tenant(tenant.id):
            if matter.published_version is None or (code and matter.code != code):
                continue
            document = resolver.published_document(tenant, matter.kind, matter.code)
            assert document is not None
            context = resolver.context_for(tenant, document)
            if matter.kind == "standard" and context.parent_standard is None:
                continue  # a top-level standard has nothing to conform to
            _, problems = check_matter_document(document, context, schemas)
            entries.append(
                ReportEntry(
                    tenant.code,
                    tenant.name,
                    matter.kind,
                    matter.code,
                    matter.name,
                    matter.published_version,
                    tuple(problems),
                )
            )
    return entries


def conformance_report(
    uow: UnitOfWork, schemas: Schemas, *, tenant_code: str | None = None
) -> list[ReportEntry]:
    return _check_all(uow, _subtree(uow, tenant_code), schemas, Resolver(uow, schemas))


def impact_of_standard_change(
    uow: UnitOfWork, schemas: Schemas, new_document: Mapping[str, Any]
) -> list[ReportEntry]:
    """Every descendant refinement or implementation that would not conform if the unit of
    work's tenant published ``new_document`` as its standard — and why."""
    assert uow.tenant is not None
    tenant = uow.tenants.get(uow.tenant.code)
    code = str(new_document.get("code", ""))
    resolver = Resolver(uow, schemas, overrides={(tenant.id, "standard", code): new_document})
    descendants = [t for t in uow.tenants.subtree(tenant) if t.id != tenant.id]
    return [e for e in _check_all(uow, descendants, schemas, resolver, code) if not e.conforms]
