"""GraphQL for the web designer (Query fields, mixed into schema.Query).

For tenant admins of the caller's tenant (``reviewRounds`` also for the direct parent's): the
caller's own matters, the standards it may implement, a template to start an implementation,
its departments with the step roles staffed, the 三报三审 rounds of a matter, what awaits its
review, and what changed between two versions. Not found and not yours are the same
``NOT_FOUND``.
"""

from __future__ import annotations

from typing import Any

import graphene
from graphene.types.generic import GenericScalar

from tongban.adapters.graphql.context import GraphQLContext
from tongban.adapters.graphql.definitions import DefinitionKind, DefinitionStatus
from tongban.services import designer
from tongban.services.definitions import Verdict as VerdictInfo


class DesignerMatter(graphene.ObjectType):
    """One of the caller's tenant's matters, as of its latest version (a draft included)."""

    kind = graphene.Field(DefinitionKind, required=True)
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    status = graphene.Field(DefinitionStatus, required=True)
    latest_version = graphene.Int(required=True)
    published_version = graphene.Int()
    content_hash = graphene.String(required=True, description="of the latest version")
    problem_count = graphene.Int(required=True, description="problems of the latest version now")
    updated_at = graphene.DateTime()
    updated_by = graphene.String(required=True)


class StandardOffer(graphene.ObjectType):
    """A standard in effect for the caller's tenant that it has no implementation of yet."""

    tenant_code = graphene.String(required=True, description="who published it")
    tenant_name = graphene.String(required=True)
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    version = graphene.Int(required=True, description="its published version")


class StaffedDepartment(graphene.ObjectType):
    """A department of the caller's tenant and the step roles at least one of its users holds.

    (Named apart from ``Department``, the catalog's type with a USCC, which already exists.)"""

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    roles = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="clerk|reviewer|approver"
    )


class Verdict(graphene.ObjectType):
    ok = graphene.Boolean(required=True)
    comment = graphene.String(required=True)


class ReviewRound(graphene.ObjectType):
    """三报三审: one submission to the parent and the review that answered it (if any)."""

    round = graphene.Int(required=True, description="numbered from 1 across versions")
    version = graphene.Int(required=True)
    submitted_at = graphene.DateTime(required=True)
    submitted_by = graphene.String()
    reviewer_tenant_code = graphene.String()
    reviewer = graphene.String()
    reviewed_at = graphene.DateTime()
    approved = graphene.Boolean()
    authenticity = graphene.Field(Verdict, description="真实性")
    legality = graphene.Field(Verdict, description="合法性")
    rationality = graphene.Field(Verdict, description="合理性")


class PendingReview(graphene.ObjectType):
    """A direct child's version submitted to the caller's tenant, not yet reviewed."""

    tenant_code = graphene.String(required=True)
    tenant_name = graphene.String(required=True)
    kind = graphene.Field(DefinitionKind, required=True)
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    version = graphene.Int(required=True)
    submitted_at = graphene.DateTime(required=True)


class DiffChange(graphene.ObjectType):
    section = graphene.String(
        required=True, description="basic|materials|limits|fees|guide|form|flow"
    )
    key = graphene.String(
        required=True,
        description="material or fee code, field path, node id, edge id, or the key",
    )
    label = graphene.String(required=True, description='e.g. "材料 M001 公司章程"')
    change = graphene.String(required=True, description="ADDED|REMOVED|CHANGED")
    before = GenericScalar()
    after = GenericScalar()


class DefinitionDiff(graphene.ObjectType):
    from_version = graphene.Int(required=True)
    to_version = graphene.Int(required=True)
    changes = graphene.List(graphene.NonNull(DiffChange), required=True)


def _ctx(info: graphene.ResolveInfo) -> GraphQLContext:
    context: GraphQLContext = info.context
    return context


def _kind(kind: Any) -> str:
    return str(getattr(kind, "value", kind))


def _verdict(verdict: VerdictInfo | None) -> Verdict | None:
    return Verdict(ok=verdict.ok, comment=verdict.comment) if verdict is not None else None


def _list(of: type[graphene.ObjectType], description: str, **arguments: Any) -> graphene.Field:
    return graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(of))),
        description=description,
        **arguments,
    )


def _matter_arguments() -> dict[str, Any]:
    return {
        "tenant_code": graphene.String(description="Default: the caller's tenant."),
        "kind": graphene.Argument(DefinitionKind, required=True),
        "code": graphene.String(required=True),
    }


class Query:
    designer_matters = _list(
        DesignerMatter, "The caller's tenant's standards and implementations (admins)."
    )
    available_standards = _list(
        StandardOffer,
        "Standards in effect for the caller's tenant (the nearest published one per code) "
        "that it has no implementation of yet (admins).",
    )
    implementation_template = graphene.Field(
        graphene.NonNull(GenericScalar),
        code=graphene.String(required=True, description="基本编码 of the standard"),
        description="A new implementation document pre-filled from the effective standard; "
        "departments are left for the admin to choose where the staffing does not decide them.",
    )
    departments = _list(
        StaffedDepartment,
        "The caller's tenant's departments, each with the step roles its users hold (admins).",
    )
    review_rounds = _list(
        ReviewRound,
        "三报三审: every submission of a matter, numbered from 1, with its review; for the "
        "owner's and the reviewing parent's admins.",
        **_matter_arguments(),
    )
    pending_reviews = _list(
        PendingReview,
        "Direct children's versions submitted to the caller's tenant, not yet reviewed.",
    )
    definition_diff = graphene.Field(
        graphene.NonNull(DefinitionDiff),
        **_matter_arguments(),
        from_version=graphene.Int(required=True),
        to_version=graphene.Int(required=True),
        description="What changed between two versions the caller may read (admins).",
    )

    def resolve_designer_matters(self, info: graphene.ResolveInfo) -> list[DesignerMatter]:
        ctx = _ctx(info)
        with ctx.uow(readonly=True) as uow:
            found = designer.designer_matters(uow, ctx.actor, ctx.platform.schemas)
        return [DesignerMatter(**vars(m)) for m in found]

    def resolve_available_standards(self, info: graphene.ResolveInfo) -> list[StandardOffer]:
        ctx = _ctx(info)
        with ctx.uow(readonly=True) as uow:
            offers = designer.available_standards(uow, ctx.actor)
        return [StandardOffer(**vars(o)) for o in offers]

    def resolve_implementation_template(
        self, info: graphene.ResolveInfo, code: str
    ) -> dict[str, Any]:
        ctx = _ctx(info)
        with ctx.uow(readonly=True) as uow:
            return designer.implementation_template(uow, ctx.actor, code, ctx.platform.schemas)

    def resolve_departments(self, info: graphene.ResolveInfo) -> list[StaffedDepartment]:
        ctx = _ctx(info)
        with ctx.uow(readonly=True) as uow:
            found = designer.staffed_departments(uow, ctx.actor)
        return [StaffedDepartment(code=d.code, name=d.name, roles=list(d.roles)) for d in found]

    def resolve_review_rounds(
        self, info: graphene.ResolveInfo, kind: Any, code: str, tenant_code: str | None = None
    ) -> list[ReviewRound]:
        ctx = _ctx(info)
        tenant_code = tenant_code or ctx.principal.tenant_code
        with ctx.uow(readonly=True) as uow:
            rounds = designer.review_rounds(uow, ctx.actor, tenant_code, _kind(kind), code)
        return [
            ReviewRound(
                **{
                    **vars(r),
                    "authenticity": _verdict(r.authenticity),
                    "legality": _verdict(r.legality),
                    "rationality": _verdict(r.rationality),
                }
            )
            for r in rounds
        ]

    def resolve_pending_reviews(self, info: graphene.ResolveInfo) -> list[PendingReview]:
        ctx = _ctx(info)
        with ctx.uow(readonly=True) as uow:
            pending = designer.pending_reviews(uow, ctx.actor)
        return [PendingReview(**vars(p)) for p in pending]

    def resolve_definition_diff(
        self,
        info: graphene.ResolveInfo,
        kind: Any,
        code: str,
        from_version: int,
        to_version: int,
        tenant_code: str | None = None,
    ) -> DefinitionDiff:
        ctx = _ctx(info)
        tenant_code = tenant_code or ctx.principal.tenant_code
        with ctx.uow(readonly=True) as uow:
            diff = designer.version_diff(
                uow, ctx.actor, tenant_code, _kind(kind), code, from_version, to_version
            )
        return DefinitionDiff(
            from_version=diff.from_version,
            to_version=diff.to_version,
            changes=[DiffChange(**vars(c)) for c in diff.changes],
        )
