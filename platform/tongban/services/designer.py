"""What the web designer reads: the admin's own matters with their state, the standards it
may implement, a template to start one from, its departments with the step roles staffed,
the review rounds (三报三审) of a matter, what awaits its review, and a diff of two versions.

Every function is for an admin (``Role.ADMIN``) of the unit of work's tenant. A tenant or
matter the caller may not see is the same ``NotFound`` as one that does not exist.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tongban.adapters.db.models import (
    Matter,
    MatterSubmission,
    MatterVersion,
    Review,
    Tenant,
)
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.definition_diff import Change, diff_documents
from tongban.core.errors import NotFound
from tongban.core.matters import StepKind
from tongban.core.roles import STEP_ROLES, Role
from tongban.services.actors import Actor
from tongban.services.definitions import Verdict, matter_at, visible_versions
from tongban.services.errors import AlreadyImplemented
from tongban.services.matter_checks import check_matter_document
from tongban.services.resolution import Resolver
from tongban.services.schemas import Schemas

STEP_ROLE = {
    StepKind.RECEIVE: Role.CLERK,
    StepKind.ACCEPT: Role.CLERK,
    StepKind.REVIEW: Role.REVIEWER,
    StepKind.DECIDE: Role.APPROVER,
    StepKind.CONCLUDE: Role.CLERK,
}
"""The role that acts on each kind of step, as the demo tenants staff them."""


@dataclass(frozen=True)
class DesignerMatter:
    kind: str
    code: str
    name: str
    status: str
    latest_version: int
    published_version: int | None
    content_hash: str
    problem_count: int
    updated_at: dt.datetime | None
    updated_by: str


@dataclass(frozen=True)
class StandardOffer:
    tenant_code: str
    tenant_name: str
    code: str
    name: str
    version: int


@dataclass(frozen=True)
class StaffedDepartment:
    code: str
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class ReviewRound:
    round: int
    version: int
    submitted_at: dt.datetime
    submitted_by: str | None
    reviewer_tenant_code: str | None = None
    reviewer: str | None = None
    reviewed_at: dt.datetime | None = None
    approved: bool | None = None
    authenticity: Verdict | None = None
    legality: Verdict | None = None
    rationality: Verdict | None = None


@dataclass(frozen=True)
class PendingReview:
    tenant_code: str
    tenant_name: str
    kind: str
    code: str
    name: str
    version: int
    submitted_at: dt.datetime


@dataclass(frozen=True)
class VersionDiff:
    from_version: int
    to_version: int
    changes: list[Change]


def _admin_tenant(uow: UnitOfWork, actor: Actor) -> Tenant:
    assert uow.tenant is not None
    actor.require(Role.ADMIN, uow.tenant.code)
    return uow.tenants.get(uow.tenant.code)


def designer_matters(uow: UnitOfWork, actor: Actor, schemas: Schemas) -> list[DesignerMatter]:
    """The tenant's own standards and implementations, each with its latest version (a draft
    included) and how many problems that version has now."""
    tenant = _admin_tenant(uow, actor)
    checker = Resolver(uow, schemas)
    found = []
    for matter in uow.matters.of_tenant(tenant.id):
        latest = uow.matters.latest_version(matter)
        if latest is None:
            continue
        context = checker.context_for(tenant, latest.document)
        _, problems = check_matter_document(latest.document, context, schemas)
        found.append(
            DesignerMatter(
                kind=matter.kind,
                code=matter.code,
                name=str(latest.document.get("name") or matter.name),
                status=latest.status,
                latest_version=latest.version,
                published_version=matter.published_version,
                content_hash=latest.content_hash,
                problem_count=len(problems),
                updated_at=latest.updated_at or latest.created_at,
                updated_by=latest.updated_by or latest.created_by,
            )
        )
    return found


def available_standards(uow: UnitOfWork, actor: Actor) -> list[StandardOffer]:
    """For each code a standard is published for in the tenant's lineage (itself or an
    ancestor), the effective one — the nearest — unless the tenant already has an
    implementation of that code (in any state)."""
    tenant = _admin_tenant(uow, actor)
    lineage = [*uow.tenants.ancestors(tenant), tenant]
    depth = {t.id: position for position, t in enumerate(lineage)}
    implemented = {m.code for m in uow.matters.of_tenant(tenant.id, "implementation")}
    nearest: dict[str, Matter] = {}
    for matter in uow.matters.published("standard"):
        if matter.tenant_id not in depth or matter.code in implemented:
            continue
        current = nearest.get(matter.code)
        if current is None or depth[matter.tenant_id] > depth[current.tenant_id]:
            nearest[matter.code] = matter
    by_id = {t.id: t for t in lineage}
    return [
        StandardOffer(
            by_id[m.tenant_id].code,
            by_id[m.tenant_id].name,
            m.code,
            m.name,
            m.published_version or 0,
        )
        for m in sorted(nearest.values(), key=lambda m: m.code)
    ]


def staffed_departments(uow: UnitOfWork, actor: Actor) -> list[StaffedDepartment]:
    """The tenant's departments, each with the step roles at least one of its users holds."""
    tenant = _admin_tenant(uow, actor)
    held: dict[int, set[str]] = {}
    for user in uow.departments.users_of_tenant(tenant.id):
        if user.department_id is not None:
            held.setdefault(user.department_id, set()).update(user.roles.split(","))
    order = [role.value for role in Role if role in STEP_ROLES]
    return [
        StaffedDepartment(d.code, d.name, tuple(r for r in order if r in held.get(d.id, set())))
        for d in uow.departments.of_tenant(tenant.id)
    ]


def implementation_template(
    uow: UnitOfWork, actor: Actor, code: str, schemas: Schemas
) -> dict[str, Any]:
    """A new implementation of ``code``, pre-filled from the effective standard (the one
    ``Resolver.context_for`` checks it against): every key of the standard (name, codes,
    legal basis, materials, limits, fees, form …), an empty guide, and a flow
    start → one task per procedure step → end, each task with the role that acts on its
    kind of step.

    A department is filled in only where the tenant's staffing decides it: a task gets the
    one department whose users hold its role; the matter's 实施主体 (``department``) is the
    department so found for its decide (else review) step, and a task whose role several
    departments hold gets the 实施主体 if that holds the role too. What staffing leaves open
    the admin must choose, and ``validateDefinition`` says so — these and only these:
    ``SCHEMA_MISSING_KEY`` and ``FLOW_SHAPE`` at ``/flow/nodes/<i>/department`` (a task
    without a department) and ``SCHEMA_MISSING_KEY`` at ``/department`` (no 实施主体).
    ``NotFound`` when no standard of ``code`` is in effect for the tenant; ``Conflict`` when
    the tenant already has an implementation of it.
    """
    tenant = _admin_tenant(uow, actor)
    resolver = Resolver(uow, schemas)
    found = resolver.effective_standard(tenant, code, include_self=True)
    standard = resolver.published_document(found[1], "standard", code) if found else None
    if standard is None:
        raise NotFound("standard", code)
    if uow.matters.find(tenant.id, "implementation", code) is not None:
        raise AlreadyImplemented(code)
    document = copy.deepcopy(dict(standard))
    document["kind"] = "implementation"
    steps = list(document.get("procedure", {}).get("steps", []))
    nodes, responsible = _template_nodes(steps, staffed_departments(uow, actor))
    if responsible is not None:
        document["department"] = responsible
    document["guide"] = {}
    ids = [node["id"] for node in nodes]
    document["flow"] = {
        "nodes": nodes,
        "edges": [{"from": a, "to": b} for a, b in zip(ids, ids[1:], strict=False)],
    }
    return document


def _template_nodes(
    steps: list[str], staffing: list[StaffedDepartment]
) -> tuple[list[dict[str, Any]], str | None]:
    """Task nodes for ``steps`` and the responsible department, where staffing decides them."""
    tasks: list[dict[str, Any]] = []
    used: dict[str, int] = {}
    for step in steps:
        kind = StepKind(step)
        used[step] = used.get(step, 0) + 1
        tasks.append(
            {
                "id": step if used[step] == 1 else f"{step}_{used[step]}",
                "kind": "task",
                "step": step,
                "name": kind.label,
                "role": STEP_ROLE[kind].value,
            }
        )
    for task in tasks:
        staffed = [d.code for d in staffing if task["role"] in d.roles]
        if len(staffed) == 1:
            task["department"] = staffed[0]
    responsible = next(
        (
            str(task["department"])
            for wanted in (StepKind.DECIDE, StepKind.REVIEW)
            for task in tasks
            if task["step"] == wanted and "department" in task
        ),
        None,
    )
    roles_of = {d.code: d.roles for d in staffing}
    for task in tasks:
        if "department" not in task and responsible and task["role"] in roles_of[responsible]:
            task["department"] = responsible
    nodes = [{"id": "start", "kind": "start"}, *tasks, {"id": "end", "kind": "end"}]
    return nodes, responsible


def review_rounds(
    uow: UnitOfWork, actor: Actor, tenant_code: str, kind: str, code: str
) -> list[ReviewRound]:
    """Every submission of the matter to the parent, numbered from 1 across versions, each
    with the review that answered it (if any). For the owner and its direct parent only."""
    me = _admin_tenant(uow, actor)
    missing = NotFound(kind, f"{tenant_code}/{code}")
    owner, matter = matter_at(uow, tenant_code, kind, code)
    if owner.id != me.id and owner.parent_id != me.id:
        raise missing
    versions = {row.id: row for row in uow.matters.versions(matter)}
    submissions = uow.session.scalars(
        select(MatterSubmission)
        .where(MatterSubmission.version_id.in_(list(versions)))
        .order_by(MatterSubmission.submitted_at, MatterSubmission.id)
    ).all()
    reviews = uow.session.scalars(
        select(Review).where(Review.version_id.in_(list(versions))).order_by(Review.id)
    ).all()
    if owner.id != me.id and not submissions and not visible_versions(uow, owner, matter):
        raise missing  # a matter never submitted is the owner's alone
    rounds: list[ReviewRound] = []
    for version_id, row in sorted(versions.items(), key=lambda item: item[1].version):
        sent = [s for s in submissions if s.version_id == version_id]
        answered = [r for r in reviews if r.version_id == version_id]
        for index in range(max(len(sent), len(answered))):
            submission = sent[index] if index < len(sent) else None
            verdict = answered[index] if index < len(answered) else None
            rounds.append(_round(uow, len(rounds) + 1, row, submission, verdict))
    return rounds


def _round(
    uow: UnitOfWork,
    number: int,
    row: MatterVersion,
    submission: MatterSubmission | None,
    review: Review | None,
) -> ReviewRound:
    """One round; a review without its submission row (kept from before submissions were
    recorded) counts as submitted when it was reviewed."""
    if submission is not None:
        submitted_at, submitted_by = submission.submitted_at, submission.submitted_by
    else:
        submitted_at, submitted_by = (review.created_at if review else row.created_at), None
    if review is None:
        return ReviewRound(number, row.version, submitted_at, submitted_by)
    return ReviewRound(
        number,
        row.version,
        submitted_at,
        submitted_by,
        reviewer_tenant_code=uow.tenants.by_id(review.tenant_id).code,
        reviewer=review.reviewer,
        reviewed_at=review.created_at,
        approved=review.approved,
        authenticity=Verdict(review.authenticity_ok, review.authenticity_comment),
        legality=Verdict(review.legality_ok, review.legality_comment),
        rationality=Verdict(review.rationality_ok, review.rationality_comment),
    )


def pending_reviews(uow: UnitOfWork, actor: Actor) -> list[PendingReview]:
    """The direct children's versions submitted to the caller's tenant and not yet reviewed
    (the root tenant reviews its own), oldest submission first."""
    me = _admin_tenant(uow, actor)
    subjects = {t.id: t for t in uow.tenants.children(me)}
    if me.parent_id is None:
        subjects[me.id] = me
    rows = uow.session.execute(
        select(MatterVersion, Matter)
        .join(Matter, Matter.id == MatterVersion.matter_id)
        .where(MatterVersion.tenant_id.in_(list(subjects)), MatterVersion.status == "submitted")
        .order_by(MatterVersion.submitted_at, MatterVersion.id)
    ).all()
    return [
        PendingReview(
            subjects[matter.tenant_id].code,
            subjects[matter.tenant_id].name,
            matter.kind,
            matter.code,
            str(row.document.get("name") or matter.name),
            row.version,
            row.submitted_at or row.created_at,
        )
        for row, matter in rows
    ]


def version_diff(
    uow: UnitOfWork,
    actor: Actor,
    tenant_code: str,
    kind: str,
    code: str,
    from_version: int,
    to_version: int,
) -> VersionDiff:
    """The changes from one version to another, of versions the caller may read."""
    _admin_tenant(uow, actor)
    owner, matter = matter_at(uow, tenant_code, kind, code)
    readable: dict[int, Mapping[str, Any]] = {
        row.version: row.document for row in visible_versions(uow, owner, matter)
    }
    if not readable:
        raise NotFound(kind, f"{tenant_code}/{code}")
    for number in (from_version, to_version):
        if number not in readable:
            raise NotFound(f"{kind} version", f"{tenant_code}/{code} v{number}")
    changes = diff_documents(readable[from_version], readable[to_version])
    return VersionDiff(from_version, to_version, changes)
