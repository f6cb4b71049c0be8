"""Configuration as code: load a ``tenants/`` tree (as read by the files adapter,
``adapters.files.config_io``) into the database, and export it back as data.

``load_snapshot`` validates the whole tree first and writes nothing unless it is clean; then
it applies everything in one transaction. It is idempotent: a matter whose published
document is unchanged gets no new version. Tenants, departments, users and calendars are
upserted; tenants and matters missing from the files are left alone (load never deletes
definitions). ``export_nodes`` gives tenants and the published version of every matter, for
the files adapter to write in canonical form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.models import Matter, MatterVersion, Tenant
from tongban.adapters.db.repositories import tenant_ref
from tongban.adapters.db.unit_of_work import Database, UnitOfWork
from tongban.core.config_tree import TenantNode, TreeSnapshot
from tongban.core.definition_errors import LoadedMatterInvalid, TreeInvalid
from tongban.core.documents import (
    CalendarDay,
    DepartmentDoc,
    MatterDoc,
    TenantDoc,
    TenantSettings,
    UserDoc,
    matter_to_doc,
    parse_matter_doc,
)
from tongban.core.roles import Role
from tongban.core.tenancy import Level
from tongban.services.calendars import (
    RecomputeSummary,
    arrangement_docs,
    recompute_provisional,
    save_arrangement,
    why_of,
)
from tongban.services.cases.runtime import CaseEnv
from tongban.services.cases.time import clear_calendar_cache
from tongban.services.definitions import content_hash
from tongban.services.errors import TreeConflict
from tongban.services.schemas import Schemas
from tongban.services.tenants import upsert_tenant
from tongban.services.validation import validate_snapshot

LOADER = "tongban load"


@dataclass
class LoadSummary:
    tenants: int = 0
    matters_new: list[str] = field(default_factory=list)
    matters_changed: list[str] = field(default_factory=list)
    matters_unchanged: int = 0
    calendars: list[str] = field(default_factory=list)  # arrangements new or changed
    recomputed: RecomputeSummary | None = None

    def describe(self) -> str:
        text = (
            f"loaded {self.tenants} tenant(s); matters: {len(self.matters_new)} new, "
            f"{len(self.matters_changed)} changed (new version), "
            f"{self.matters_unchanged} unchanged"
        )
        for why in self.calendars:
            text += f"\n{why}"
        if self.recomputed is not None:
            text += f"\n{self.recomputed.describe()}"
        return text


def load_snapshot(
    db: Database,
    snapshot: TreeSnapshot,
    schemas: Schemas,
    env: CaseEnv | None = None,
    *,
    directory: str,
) -> LoadSummary:
    """Load the tree read from ``directory``; when it brings new official arrangements, open
    cases' 暂定 dates are recomputed afterwards (each case its own transaction) with
    ``env``'s clock."""
    problems = validate_snapshot(snapshot, schemas)
    if problems:
        raise TreeInvalid(problems, str(directory))
    summary = LoadSummary()
    with platform_unit_of_work(db, LOADER) as uow:
        try:
            for loaded in snapshot.tenants:
                upsert_tenant(uow, loaded.doc, loaded.parent_code)
                summary.tenants += 1
            for loaded in snapshot.tenants:
                tenant = uow.tenants.get(loaded.doc.code)
                for arrangement in loaded.calendars:
                    if save_arrangement(uow, tenant, arrangement):
                        summary.calendars.append(why_of(arrangement, tenant.code))
                for matter in loaded.matters:
                    assert matter.doc is not None  # a clean snapshot parsed every file
                    _publish_loaded(uow, tenant, matter.doc, summary)
            uow.commit()
            clear_calendar_cache()
        except IntegrityError as exc:
            raise TreeConflict(directory, str(exc.orig)) from None
    if summary.calendars:
        why = "；".join(summary.calendars)
        summary.recomputed = recompute_provisional(db, env or CaseEnv(schemas), None, why)
    return summary


def _publish_loaded(
    uow: UnitOfWork, tenant: Tenant, parsed: MatterDoc, summary: LoadSummary
) -> None:
    document = matter_to_doc(parsed)
    digest = content_hash(document)
    label = f"{tenant.code}/{parsed.kind}/{parsed.code}"
    matter = uow.matters.find(tenant.id, parsed.kind, parsed.code)
    if matter is None:
        matter = Matter(
            tenant_id=tenant.id, kind=parsed.kind, code=parsed.code, name=parsed.spec.name
        )
        uow.session.add(matter)
        uow.session.flush()
        summary.matters_new.append(label)
    elif matter.published_version is not None:
        current = uow.matters.version(matter, matter.published_version)
        if current.content_hash == digest:
            summary.matters_unchanged += 1
            return
        summary.matters_changed.append(label)
    for pending in uow.matters.versions(matter):
        if pending.status not in ("published", "superseded"):
            pending.status = "superseded"
    now = dt.datetime.now(dt.UTC)
    number = uow.matters.next_version_number(matter)
    uow.session.add(
        MatterVersion(
            tenant_id=tenant.id,
            matter_id=matter.id,
            version=number,
            status="published",
            document=document,
            content_hash=digest,
            created_by=LOADER,
            submitted_at=now,
            published_at=now,
        )
    )
    matter.published_version = number
    matter.name = parsed.spec.name
    uow.session.flush()


def export_nodes(db: Database, schemas: Schemas) -> list[TenantNode]:
    """Every tenant and its published matters, as the files adapter writes them."""
    with platform_unit_of_work(db, "tongban export") as uow:
        return [_node(uow, tenant, schemas) for tenant in uow.tenants.all()]


def _node(uow: UnitOfWork, tenant: Tenant, schemas: Schemas) -> TenantNode:
    departments = uow.departments.of_tenant(tenant.id)
    dep_codes = {d.id: d.code for d in departments}
    calendar = uow.departments.calendar_of_tenant(tenant.id)
    doc = TenantDoc(
        code=tenant.code,
        name=tenant.name,
        level=Level(tenant.level),
        settings=TenantSettings(tenant.supplement_alert_threshold, tenant.near_limit_days),
        holidays=tuple(CalendarDay(c.day, c.name) for c in calendar if c.kind == "holiday"),
        workdays=tuple(CalendarDay(c.day, c.name) for c in calendar if c.kind == "workday"),
        departments=tuple(DepartmentDoc(d.code, d.name, d.uscc) for d in departments),
        users=tuple(
            UserDoc(
                u.username,
                u.name,
                tuple(Role(r) for r in u.roles.split(",") if r),
                dep_codes.get(u.department_id) if u.department_id else None,
            )
            for u in uow.departments.users_of_tenant(tenant.id)
        ),
    )
    usccs = {d.code: d.uscc for d in departments}
    matters = []
    for matter in uow.matters.of_tenant(tenant.id):
        if matter.published_version is None:
            continue
        document = uow.matters.version(matter, matter.published_version).document
        parsed, problems = parse_matter_doc(
            document, tenant=tenant_ref(tenant), departments=usccs, schemas=schemas.meta
        )
        if parsed is None:
            raise LoadedMatterInvalid(problems, tenant.code, matter.kind, matter.code)
        matters.append(parsed)
    parent = uow.tenants.by_id(tenant.parent_id).code if tenant.parent_id else None
    return TenantNode(doc, parent, tuple(matters), arrangement_docs(uow, tenant))
