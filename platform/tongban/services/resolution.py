"""Resolve what a matter document is checked against, from the database.

The effective standard of matter C at tenant T is the published standard of C at T's
nearest ancestor (or T itself, for implementations) that defines one. ``overrides`` lets a
caller ask "what if this standard were published?" without writing anything.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from tongban.adapters.db.models import Tenant
from tongban.adapters.db.repositories import tenant_ref
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.documents import MatterDoc, parse_matter_doc
from tongban.core.matters import MatterSpec
from tongban.core.tenancy import Level
from tongban.services.matter_checks import MatterContext
from tongban.services.schemas import Schemas

Key = tuple[int, str, str]  # tenant id, kind, code

# Published versions never change, so their parsed form is kept per process, keyed by
# everything parsing reads: the database, the tenant and its place in the tree, the
# version's content hash and the tenant's departments. Parsing an effective standard is most
# of a designer's live check (docs/performance.md "designer").
_PARSED: OrderedDict[tuple[Any, ...], MatterDoc | None] = OrderedDict()
_PARSED_MAX = 256
_PARSED_LOCK = threading.Lock()


class Resolver:
    def __init__(
        self,
        uow: UnitOfWork,
        schemas: Schemas,
        overrides: Mapping[Key, Mapping[str, Any]] | None = None,
    ) -> None:
        self._uow = uow
        self._schemas = schemas
        self._overrides = dict(overrides or {})
        self._docs: dict[Key, MatterDoc | None] = {}
        self._departments: dict[int, dict[str, str]] = {}

    def departments(self, tenant: Tenant) -> dict[str, str]:
        if tenant.id not in self._departments:
            rows = self._uow.departments.of_tenant(tenant.id)
            self._departments[tenant.id] = {d.code: d.uscc for d in rows}
        return self._departments[tenant.id]

    def published_document(self, tenant: Tenant, kind: str, code: str) -> Mapping[str, Any] | None:
        key = (tenant.id, kind, code)
        if key in self._overrides:
            return self._overrides[key]
        matter = self._uow.matters.find(tenant.id, kind, code)
        if matter is None or matter.published_version is None:
            return None
        return self._uow.matters.version(matter, matter.published_version).document

    def published(self, tenant: Tenant, kind: str, code: str) -> MatterDoc | None:
        key = (tenant.id, kind, code)
        if key not in self._docs:
            self._docs[key] = self._parsed(tenant, kind, code)
        return self._docs[key]

    def _parsed(self, tenant: Tenant, kind: str, code: str) -> MatterDoc | None:
        if (tenant.id, kind, code) in self._overrides:
            return self._parse(tenant, self._overrides[(tenant.id, kind, code)])
        matter = self._uow.matters.find(tenant.id, kind, code)
        if matter is None or matter.published_version is None:
            return None
        row = self._uow.matters.version(matter, matter.published_version)
        departments = self.departments(tenant)
        cache_key = (
            self._uow.cache_key,
            id(self._schemas),
            tenant.id,
            tenant.code,
            tenant.name,
            tenant.path,
            tenant.level,
            kind,
            code,
            row.content_hash,
            tuple(sorted(departments.items())),
        )
        with _PARSED_LOCK:
            if cache_key in _PARSED:
                _PARSED.move_to_end(cache_key)
                return _PARSED[cache_key]
        parsed = self._parse(tenant, row.document)
        with _PARSED_LOCK:
            _PARSED[cache_key] = parsed
            while len(_PARSED) > _PARSED_MAX:
                _PARSED.popitem(last=False)
        return parsed

    def _parse(self, tenant: Tenant, doc: Mapping[str, Any]) -> MatterDoc | None:
        parsed, _ = parse_matter_doc(
            doc,
            tenant=tenant_ref(tenant),
            departments=self.departments(tenant),
            schemas=self._schemas.meta,
        )
        return parsed

    def effective_standard(
        self, tenant: Tenant, code: str, *, include_self: bool
    ) -> tuple[MatterSpec, Tenant] | None:
        lineage = [*self._uow.tenants.ancestors(tenant), tenant]
        if not include_self:
            lineage = lineage[:-1]
        for candidate in reversed(lineage):
            found = self.published(candidate, "standard", code)
            if found is not None:
                return found.spec, candidate
        return None

    def ancestor_at(self, tenant: Tenant, level: Level) -> Tenant | None:
        for ancestor in self._uow.tenants.ancestors(tenant):
            if ancestor.level == int(level):
                return ancestor
        return None

    def context_for(self, tenant: Tenant, doc: Mapping[str, Any]) -> MatterContext:
        kind = str(doc.get("kind", ""))
        code = str(doc.get("code", ""))
        found = self.effective_standard(tenant, code, include_self=kind == "implementation")
        standard = found[0] if found else None
        receiver: bool | None = None
        chain = standard.approval_chain if standard is not None else None
        if kind == "implementation" and chain and chain.escalates and tenant.level == chain.initial:
            target = self.ancestor_at(tenant, chain.final)
            receiver = target is not None and (
                self.published_document(target, "implementation", code) is not None
            )
        implemented = {
            m.code
            for m in self._uow.matters.of_tenant(tenant.id, "implementation")
            if m.published_version is not None
        }
        return MatterContext(
            tenant=tenant_ref(tenant),
            departments=self.departments(tenant),
            parent_standard=standard,
            known_matters=frozenset(implemented | {code}),
            receiver_published=receiver,
            staffed=self.staffed(tenant),
        )

    def staffed(self, tenant: Tenant) -> frozenset[tuple[str, str]]:
        codes = {d.id: d.code for d in self._uow.departments.of_tenant(tenant.id)}
        return frozenset(
            (codes[user.department_id], role)
            for user in self._uow.departments.users_of_tenant(tenant.id)
            if user.department_id in codes
            for role in user.roles.split(",")
        )
