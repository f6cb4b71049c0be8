"""Definition lifecycle: draft → submitted → reviewed (三报三审 by the parent) → published.

Published versions are immutable; a new draft starts from the last published one; every
version is kept. Each function is one transaction: it commits at the end or not at all.

Drafts are their owner's: a tenant other than the owner reads only versions that were
published — except the direct parent, which also reads the versions submitted to it for
review (submitted, reviewed, returned). ``Matter.name`` is the published name; a draft sets
it only while nothing is published (and then nobody but the owner sees the matter).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tongban.adapters.db.models import Matter, MatterSubmission, MatterVersion, Review, Tenant
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.definition_errors import NotPublishable, NotSubmittable
from tongban.core.errors import Conflict, ErrorCode, InvalidDefinition, NotFound, Violation
from tongban.core.roles import Role
from tongban.services.actors import Actor
from tongban.services.errors import (
    NothingPublished,
    ReviewByChild,
    ReviewNotDirectParent,
    ReviewNotSubordinate,
    UnderReview,
    UnpublishedVersionExists,
    VersionNotReady,
)
from tongban.services.matter_checks import check_matter_document
from tongban.services.resolution import Resolver
from tongban.services.schemas import Schemas
from tongban.services.tenants import visible_tenant

KINDS = ("standard", "implementation")
EDITABLE = ("draft", "returned")
UNDER_REVIEW = ("submitted", "reviewed", "returned")
"""What the reviewing parent sees of a child's unpublished versions."""


@dataclass(frozen=True)
class VersionInfo:
    tenant_code: str
    kind: str
    code: str
    version: int
    status: str
    created_by: str
    created_at: dt.datetime
    published_at: dt.datetime | None
    violations: tuple[Violation, ...] = ()
    content_hash: str = ""
    updated_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    document: Mapping[str, Any] | None = None
    """The version's document, which the violations' pointers point into."""


@dataclass(frozen=True)
class Verdict:
    ok: bool
    comment: str = ""


@dataclass(frozen=True)
class ReviewVerdicts:
    """三审: authenticity (真实性), legality (合法性), rationality (合理性)."""

    authenticity: Verdict
    legality: Verdict
    rationality: Verdict

    @property
    def approved(self) -> bool:
        return self.authenticity.ok and self.legality.ok and self.rationality.ok


class DraftConflict(Conflict):
    """The draft changed since the editor loaded it (its base hash): nothing was saved."""

    code = ErrorCode.DRAFT_CONFLICT
    reason = "DRAFT_CONFLICT"

    def __init__(self, kind: str, code: str, row: MatterVersion) -> None:
        by = row.updated_by or row.created_by
        super().__init__(
            kind=kind,
            matter=code,
            currentHash=row.content_hash,
            version=row.version,
            updatedBy=by,
        )


def content_hash(document: Mapping[str, Any]) -> str:
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _info(
    tenant: Tenant,
    matter: Matter,
    row: MatterVersion,
    problems: tuple[Violation, ...] | list[Violation] = (),
) -> VersionInfo:
    return VersionInfo(
        tenant.code,
        matter.kind,
        matter.code,
        row.version,
        row.status,
        row.created_by,
        row.created_at,
        row.published_at,
        tuple(problems),
        row.content_hash,
        row.updated_at or row.created_at,
        row.submitted_at,
        row.document,
    )


def _own_tenant(uow: UnitOfWork, actor: Actor) -> Tenant:
    assert uow.tenant is not None
    actor.require(Role.ADMIN, uow.tenant.code)
    return uow.tenants.get(uow.tenant.code)


def check_document(
    uow: UnitOfWork, tenant: Tenant, document: Mapping[str, Any], schemas: Schemas
) -> list[Violation]:
    resolver = Resolver(uow, schemas)
    _, problems = check_matter_document(document, resolver.context_for(tenant, document), schemas)
    return problems


def save_draft(
    uow: UnitOfWork,
    actor: Actor,
    document: Mapping[str, Any],
    schemas: Schemas,
    base_hash: str | None = None,
) -> VersionInfo:
    """Create or replace the tenant's working draft of a matter; returns its problems.

    A draft may have problems (the designer shows them); submitting it may not. With
    ``base_hash`` (the content hash the editor loaded), a working draft (draft/returned)
    whose hash differs was saved by someone else meanwhile: ``DraftConflict``, nothing saved.
    """
    tenant = _own_tenant(uow, actor)
    kind, code = _identity(document)
    matter = uow.matters.find(tenant.id, kind, code)
    if matter is None:
        matter = Matter(tenant_id=tenant.id, kind=kind, code=code, name=str(document.get("name")))
        uow.session.add(matter)
        uow.session.flush()
    latest = uow.matters.latest_version(matter)
    if latest is not None and base_hash is not None:
        # two saves on one base: the second waits for the first and then sees its hash
        uow.session.refresh(latest, with_for_update=True)
    if latest is not None and latest.status in ("submitted", "reviewed"):
        raise UnderReview(kind, code, latest.version)
    if (
        latest is not None
        and latest.status in EDITABLE
        and base_hash is not None
        and latest.content_hash != base_hash
    ):
        raise DraftConflict(kind, code, latest)
    now = dt.datetime.now(dt.UTC)
    if latest is not None and latest.status in EDITABLE:
        row = latest
        row.document = dict(document)
        row.content_hash = content_hash(document)
        row.status = "draft"
    else:
        row = MatterVersion(
            tenant_id=tenant.id,
            matter_id=matter.id,
            version=uow.matters.next_version_number(matter),
            status="draft",
            document=dict(document),
            content_hash=content_hash(document),
            created_by=actor.username,
            created_at=now,
        )
        uow.session.add(row)
    row.updated_at, row.updated_by = now, actor.username
    if matter.published_version is None:  # the published name is never a draft's
        matter.name = str(document.get("name") or matter.name)
    uow.session.flush()
    problems = check_document(uow, tenant, document, schemas)
    uow.commit()
    return _info(tenant, matter, row, problems)


def start_draft(
    uow: UnitOfWork, actor: Actor, kind: str, code: str, schemas: Schemas
) -> VersionInfo:
    """A new draft that starts as a copy of the last published version."""
    tenant = _own_tenant(uow, actor)
    matter = uow.matters.get(tenant.id, kind, code)
    if matter.published_version is None:
        raise NothingPublished(kind, code)
    latest = uow.matters.latest_version(matter)
    assert latest is not None
    if latest.status != "published":
        raise UnpublishedVersionExists(kind, code, latest.version, latest.status)
    published = uow.matters.version(matter, matter.published_version)
    return save_draft(uow, actor, published.document, schemas)


def submit(uow: UnitOfWork, actor: Actor, kind: str, code: str, schemas: Schemas) -> VersionInfo:
    """Submit the draft to the parent tenant for review; refused while any problem remains."""
    tenant = _own_tenant(uow, actor)
    matter = uow.matters.get(tenant.id, kind, code)
    row = _latest_in(uow, matter, EDITABLE, "submit")
    problems = check_document(uow, tenant, row.document, schemas)
    if problems:
        raise NotSubmittable(problems, kind, code, row.version)
    row.status = "submitted"
    row.submitted_at = dt.datetime.now(dt.UTC)
    uow.session.add(
        MatterSubmission(
            tenant_id=tenant.id,
            version_id=row.id,
            submitted_by=actor.username,
            submitted_at=row.submitted_at,
        )
    )
    uow.commit()
    return _info(tenant, matter, row)


def review(
    uow: UnitOfWork,
    actor: Actor,
    subject_code: str,
    kind: str,
    code: str,
    verdicts: ReviewVerdicts,
) -> VersionInfo:
    """三报三审: the parent records its three verdicts on a child's submitted version.

    Approved → ``reviewed`` (the child may publish); otherwise ``returned`` to the child.
    The root tenant, having no parent, reviews its own submissions.
    """
    reviewer = _own_tenant(uow, actor)
    subject, _ = matter_at(uow, subject_code, kind, code)
    is_root_self_review = subject.id == reviewer.id and subject.parent_id is None
    if subject.parent_id != reviewer.id and not is_root_self_review:
        if subject.path.startswith(reviewer.path):
            raise ReviewNotDirectParent(subject.code, reviewer.code)
        if reviewer.path.startswith(subject.path):
            raise ReviewByChild(subject.code, reviewer.code)
        raise ReviewNotSubordinate(subject.code, reviewer.code)
    uow.grant_write(subject.id)
    matter = uow.matters.get(subject.id, kind, code)
    row = _latest_in(uow, matter, ("submitted",), "review")
    uow.session.add(
        Review(
            tenant_id=reviewer.id,
            subject_tenant_id=subject.id,
            version_id=row.id,
            reviewer=actor.username,
            authenticity_ok=verdicts.authenticity.ok,
            authenticity_comment=verdicts.authenticity.comment,
            legality_ok=verdicts.legality.ok,
            legality_comment=verdicts.legality.comment,
            rationality_ok=verdicts.rationality.ok,
            rationality_comment=verdicts.rationality.comment,
            approved=verdicts.approved,
        )
    )
    row.status = "reviewed" if verdicts.approved else "returned"
    uow.commit()
    return _info(subject, matter, row)


def publish(uow: UnitOfWork, actor: Actor, kind: str, code: str, schemas: Schemas) -> VersionInfo:
    """Publish the reviewed version; re-checked, since what it conforms to may have moved."""
    tenant = _own_tenant(uow, actor)
    matter = uow.matters.get(tenant.id, kind, code)
    row = _latest_in(uow, matter, ("reviewed",), "publish")
    problems = check_document(uow, tenant, row.document, schemas)
    if problems:
        raise NotPublishable(problems, kind, code, row.version)
    row.status = "published"
    row.published_at = dt.datetime.now(dt.UTC)
    matter.published_version = row.version
    matter.name = str(row.document.get("name") or matter.name)
    uow.commit()
    return _info(tenant, matter, row)


def matter_at(uow: UnitOfWork, tenant_code: str, kind: str, code: str) -> tuple[Tenant, Matter]:
    """A matter of a tenant in the unit of work's lineage. A tenant that does not exist, a
    sibling's tenant and a matter that does not exist all give the same NotFound."""
    missing = NotFound(kind, f"{tenant_code}/{code}")
    try:
        tenant = visible_tenant(uow, tenant_code)
    except NotFound:
        raise missing from None
    matter = uow.matters.find(tenant.id, kind, code)
    if matter is None:
        raise missing
    return tenant, matter


def may_see(viewer: Tenant | None, owner: Tenant, row: MatterVersion) -> bool:
    """Whether ``viewer`` (None: platform scope) may read this version of ``owner``'s."""
    if viewer is None or viewer.id == owner.id or row.published_at is not None:
        return True
    return owner.parent_id == viewer.id and row.status in UNDER_REVIEW


def visible_versions(uow: UnitOfWork, owner: Tenant, matter: Matter) -> list[MatterVersion]:
    """The versions of ``matter`` the unit of work's tenant may read, oldest first."""
    viewer = uow.tenants.get(uow.tenant.code) if uow.tenant is not None else None
    return [row for row in uow.matters.versions(matter) if may_see(viewer, owner, row)]


def _readable(
    uow: UnitOfWork, tenant_code: str, kind: str, code: str
) -> tuple[Tenant, Matter, list[MatterVersion]]:
    """A matter and its versions as the reader may see them; one with none it may see is
    the same ``NotFound`` as a matter that does not exist."""
    tenant, matter = matter_at(uow, tenant_code, kind, code)
    rows = visible_versions(uow, tenant, matter)
    if not rows:
        raise NotFound(kind, f"{tenant_code}/{code}")
    return tenant, matter, rows


def history(uow: UnitOfWork, tenant_code: str, kind: str, code: str) -> list[VersionInfo]:
    tenant, matter, rows = _readable(uow, tenant_code, kind, code)
    return [_info(tenant, matter, row) for row in rows]


def document(
    uow: UnitOfWork, tenant_code: str, kind: str, code: str, version: int | None = None
) -> Mapping[str, Any]:
    """The version asked for, else the published one, else the latest the reader may see."""
    _, matter, rows = _readable(uow, tenant_code, kind, code)
    number = version or matter.published_version or rows[-1].version
    for row in rows:
        if row.version == number:
            return row.document
    raise NotFound(f"{kind} version", f"{code} v{number}")


def _latest_in(
    uow: UnitOfWork, matter: Matter, statuses: tuple[str, ...], action: str
) -> MatterVersion:
    latest = uow.matters.latest_version(matter)
    if latest is None or latest.status not in statuses:
        status = "none" if latest is None else latest.status
        raise VersionNotReady(matter.kind, matter.code, action, status, statuses)
    return latest


def _identity(document: Mapping[str, Any]) -> tuple[str, str]:
    kind = document.get("kind")
    code = document.get("code")
    problems = []
    if kind not in KINDS:
        problems.append(
            Violation(
                "MATTER_KIND",
                "/kind",
                f"kind 须为 {', '.join(KINDS)} 之一 (kind must be one of {', '.join(KINDS)})",
            )
        )
    if not isinstance(code, str) or not code:
        problems.append(Violation("MATTER_CODE", "/code", "基本编码为必填项 (code is required)"))
    if problems:
        raise InvalidDefinition(problems)
    return str(kind), str(code)
