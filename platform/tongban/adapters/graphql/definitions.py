"""GraphQL definitions: its Query and Mutation fields (mixed into schema.Query / schema.Mutation).

Standards, refinements and implementations (docs/configuration.md) through their lifecycle
draft → submitted → reviewed (三报三审) → published. Saving a draft returns every problem the
checks find (a draft may have problems); submitting or publishing one that still has problems
raises ``InvalidDefinition`` listing every violation, which the view reports in the error's
extensions. Not found and not yours are the same ``NOT_FOUND``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

import graphene
from graphene.types.generic import GenericScalar
from graphql import GraphQLError

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.adapters.graphql.context import GraphQLContext
from tongban.core.errors import InvalidDefinition, Violation
from tongban.core.problem_targets import problem_target
from tongban.services import definitions
from tongban.services.conformance_report import (
    ReportEntry,
    conformance_report,
    impact_of_standard_change,
)
from tongban.services.definitions import DraftConflict, ReviewVerdicts, Verdict, VersionInfo
from tongban.services.tenants import visible_tenant


class DefinitionKind(graphene.Enum):
    """A standard (or a lower level's refinement of it) or an implementation."""

    STANDARD = "standard"
    IMPLEMENTATION = "implementation"


class DefinitionStatus(graphene.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    RETURNED = "returned"
    PUBLISHED = "published"


class ProblemTarget(graphene.ObjectType):
    """What in the designer a problem belongs to."""

    kind = graphene.String(
        required=True, description="node|edge|field|material|limit|fee|guide|basic|document"
    )
    id = graphene.String(
        required=True,
        description='node id, edge id ("from->to" if unnamed), field path ("a.b"), material '
        "or fee code, limit or guide key, or the top-level key",
    )


class Problem(graphene.ObjectType):
    """One validation or conformance problem: a stable code, where (JSON pointer) and why."""

    code = graphene.String(required=True)
    pointer = graphene.String(required=True, description="JSON pointer into the document.")
    message = graphene.String(required=True)
    target = graphene.Field(
        ProblemTarget, description="Null only when nothing better than the document fits."
    )


class DefinitionVersion(graphene.ObjectType):
    """One version of a tenant's matter definition."""

    tenant_code = graphene.String(required=True)
    kind = graphene.Field(DefinitionKind, required=True)
    code = graphene.String(required=True, description="基本编码")
    version = graphene.Int(required=True)
    status = graphene.Field(DefinitionStatus, required=True)
    created_by = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    published_at = graphene.DateTime()
    problems = graphene.List(
        graphene.NonNull(Problem),
        required=True,
        description="What the checks found on saving; empty after submit, review and publish.",
    )
    content_hash = graphene.String(
        required=True, description="The document's hash: the baseHash of the next saveDraft."
    )
    updated_at = graphene.DateTime(description="When the version was last saved.")
    submitted_at = graphene.DateTime(description="When it was last submitted for review.")


class Definition(graphene.ObjectType):
    """A matter definition of a tenant: one version's document and every version."""

    tenant_code = graphene.String(required=True)
    kind = graphene.Field(DefinitionKind, required=True)
    code = graphene.String(required=True)
    version = graphene.Int(
        required=True, description="The version shown: as asked, else published, else latest."
    )
    document = GenericScalar(required=True, description="The matter document (JSON object).")
    history = graphene.List(graphene.NonNull(DefinitionVersion), required=True)


class ConformanceEntry(graphene.ObjectType):
    """A published refinement or implementation checked against the effective standard."""

    tenant_code = graphene.String(required=True)
    tenant_name = graphene.String(required=True)
    kind = graphene.Field(DefinitionKind, required=True)
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    version = graphene.Int(required=True)
    conforms = graphene.Boolean(required=True)
    problems = graphene.List(graphene.NonNull(Problem), required=True)


class ReviewInput(graphene.InputObjectType):
    """三审: a verdict and a comment on each of authenticity, legality and rationality."""

    authenticity_ok = graphene.Boolean(required=True, description="真实性")
    authenticity_comment = graphene.String(default_value="")
    legality_ok = graphene.Boolean(required=True, description="合法性")
    legality_comment = graphene.String(default_value="")
    rationality_ok = graphene.Boolean(required=True, description="合理性")
    rationality_comment = graphene.String(default_value="")


# -- conversions -------------------------------------------------------------------------


def _ctx(info: graphene.ResolveInfo) -> GraphQLContext:
    context: GraphQLContext = info.context
    return context


def _problems(
    violations: Iterable[Violation], document: Mapping[str, Any] | None = None
) -> list[Problem]:
    """Problems, each with its designer target when the document they point into is known."""
    found = []
    for v in violations:
        target = problem_target(v.pointer, document) if document is not None else None
        found.append(
            Problem(
                code=v.code,
                pointer=v.pointer,
                message=v.message,
                target=ProblemTarget(kind=target.kind, id=target.id) if target else None,
            )
        )
    return found


def _version(info: VersionInfo) -> DefinitionVersion:
    return DefinitionVersion(
        tenant_code=info.tenant_code,
        kind=info.kind,
        code=info.code,
        version=info.version,
        status=info.status,
        created_by=info.created_by,
        created_at=info.created_at,
        published_at=info.published_at,
        problems=_problems(info.violations, info.document),
        content_hash=info.content_hash,
        updated_at=info.updated_at,
        submitted_at=info.submitted_at,
    )


def _entry(entry: ReportEntry, document: Mapping[str, Any] | None = None) -> ConformanceEntry:
    return ConformanceEntry(
        tenant_code=entry.tenant_code,
        tenant_name=entry.tenant_name,
        kind=entry.kind,
        code=entry.code,
        name=entry.name,
        version=entry.version,
        conforms=entry.conforms,
        problems=_problems(entry.violations, document),
    )


def _entries(uow: UnitOfWork, report: Iterable[ReportEntry]) -> list[ConformanceEntry]:
    """Entries with their problems' targets, read from each published document."""
    entries = []
    for entry in report:
        document = None
        if entry.violations:
            document = definitions.document(
                uow, entry.tenant_code, entry.kind, entry.code, entry.version
            )
        entries.append(_entry(entry, document))
    return entries


def _kind(kind: Any) -> str:
    """graphene 3 hands enum arguments over as members."""
    return str(getattr(kind, "value", kind))


def _object(value: Any, pointer: str = "") -> dict[str, Any]:
    """A JSON argument that must be an object (a document, a form or a flow)."""
    if not isinstance(value, Mapping):
        raise InvalidDefinition(
            [Violation("DOCUMENT_NOT_OBJECT", pointer, "必须是 JSON 对象 (must be a JSON object)")]
        )
    return copy.deepcopy(dict(value))


# -- queries -----------------------------------------------------------------------------


class Query:
    definition = graphene.Field(
        graphene.NonNull(Definition),
        tenant_code=graphene.String(description="Default: the caller's tenant."),
        kind=graphene.Argument(DefinitionKind, required=True),
        code=graphene.String(required=True),
        version=graphene.Int(description="Default: the published version, else the latest."),
        description="A definition of the caller's tenant or of one in its lineage.",
    )
    validate_definition = graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(Problem))),
        document=GenericScalar(required=True),
        description="Every problem of a matter document, as the caller's tenant; saves nothing.",
    )
    conformance = graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(ConformanceEntry))),
        tenant_code=graphene.String(description="Default: the caller's tenant."),
        description="Every published refinement and implementation in the subtree, re-checked.",
    )
    impact_of_standard_change = graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(ConformanceEntry))),
        document=GenericScalar(required=True),
        description="The descendants that would stop conforming if this standard were published.",
    )

    def resolve_definition(
        self,
        info: graphene.ResolveInfo,
        kind: Any,
        code: str,
        tenant_code: str | None = None,
        version: int | None = None,
    ) -> Definition:
        ctx = _ctx(info)
        tenant_code = tenant_code or ctx.principal.tenant_code
        with ctx.uow(readonly=True) as uow:
            versions = definitions.history(uow, tenant_code, _kind(kind), code)
            document = definitions.document(uow, tenant_code, _kind(kind), code, version)
        published = [v.version for v in versions if v.status == "published"]
        shown = version or (max(published) if published else versions[-1].version)
        return Definition(
            tenant_code=tenant_code,
            kind=_kind(kind),
            code=code,
            version=shown,
            document=document,
            history=[_version(v) for v in versions],
        )

    def resolve_validate_definition(
        self, info: graphene.ResolveInfo, document: Any
    ) -> list[Problem]:
        ctx = _ctx(info)
        doc = _object(document)
        with ctx.uow(readonly=True) as uow:
            tenant = visible_tenant(uow, ctx.principal.tenant_code)
            problems = definitions.check_document(uow, tenant, doc, ctx.platform.schemas)
        return _problems(problems, doc)

    def resolve_conformance(
        self, info: graphene.ResolveInfo, tenant_code: str | None = None
    ) -> list[ConformanceEntry]:
        ctx = _ctx(info)
        with ctx.uow(readonly=True) as uow:
            report = conformance_report(uow, ctx.platform.schemas, tenant_code=tenant_code)
            return _entries(uow, report)

    def resolve_impact_of_standard_change(
        self, info: graphene.ResolveInfo, document: Any
    ) -> list[ConformanceEntry]:
        ctx = _ctx(info)
        doc = _object(document)
        with ctx.uow(readonly=True) as uow:
            impact = impact_of_standard_change(uow, ctx.platform.schemas, doc)
            return _entries(uow, impact)


# -- mutations ---------------------------------------------------------------------------


def _kind_code() -> dict[str, Any]:
    return {
        "kind": graphene.Argument(DefinitionKind, required=True),
        "code": graphene.String(required=True),
    }


def _version_field(description: str, **arguments: Any) -> graphene.Field:
    return graphene.Field(graphene.NonNull(DefinitionVersion), description=description, **arguments)


def _replace_part(
    info: graphene.ResolveInfo, kind: str, code: str, part: str, value: Any
) -> DefinitionVersion:
    """Save the working draft (or a new one, from the published version) with ``part``
    replaced. Reads the current document, then one ``save_draft``: one transaction."""
    ctx = _ctx(info)
    replacement = _object(value, f"/{part}")
    with ctx.uow() as uow:
        tenant_code = ctx.principal.tenant_code
        latest = definitions.history(uow, tenant_code, kind, code)[-1]
        document = copy.deepcopy(
            dict(definitions.document(uow, tenant_code, kind, code, latest.version))
        )
        document[part] = replacement
        saved = definitions.save_draft(uow, ctx.actor, document, ctx.platform.schemas)
    return _version(saved)


class Mutation:
    save_draft = _version_field(
        "Create or replace the caller's draft of a whole matter document (standard or "
        "implementation, with its form and flow). Returns every problem; a draft may have some. "
        "With baseHash (the contentHash the editor loaded), a working draft saved by someone "
        "else meanwhile is not overwritten: DRAFT_CONFLICT with currentHash, version, updatedBy.",
        document=GenericScalar(required=True),
        base_hash=graphene.String(description="contentHash of the version the edit started from"),
    )
    update_form = _version_field(
        "Replace just the form (JSON Schema) of the working draft, starting a draft from the "
        "published version if there is none. Returns every problem.",
        **_kind_code(),
        form=GenericScalar(required=True),
    )
    update_flow = _version_field(
        "Replace just the flow of an implementation's working draft, starting a draft from the "
        "published version if there is none. Returns every problem.",
        code=graphene.String(required=True),
        flow=GenericScalar(required=True),
    )
    start_draft = _version_field(
        "A new draft, copied from the last published version.", **_kind_code()
    )
    submit_definition = _version_field(
        "Submit the draft to the parent for review; refused with every problem if any remain.",
        **_kind_code(),
    )
    review_definition = _version_field(
        "三报三审: the parent's verdicts on a child's submitted version. All three ok → "
        "reviewed; otherwise returned to the child.",
        subject_tenant_code=graphene.String(required=True),
        **_kind_code(),
        review=ReviewInput(required=True),
    )
    publish_definition = _version_field(
        "Publish the reviewed version (checked again; refused with every problem).",
        **_kind_code(),
    )

    def resolve_save_draft(
        self, info: graphene.ResolveInfo, document: Any, base_hash: str | None = None
    ) -> DefinitionVersion:
        ctx = _ctx(info)
        doc = _object(document)
        try:
            with ctx.uow() as uow:
                saved = definitions.save_draft(
                    uow, ctx.actor, doc, ctx.platform.schemas, base_hash=base_hash
                )
        except DraftConflict as conflict:
            # the conflict's details beside the code, where the designer reads them
            extensions = {
                "code": str(conflict.code),
                "reason": conflict.reason,
                **conflict.data,
                "data": conflict.data,
            }
            raise GraphQLError(
                conflict.message, extensions=extensions, original_error=conflict
            ) from conflict
        return _version(saved)

    def resolve_update_form(
        self, info: graphene.ResolveInfo, kind: Any, code: str, form: Any
    ) -> DefinitionVersion:
        return _replace_part(info, _kind(kind), code, "form", form)

    def resolve_update_flow(
        self, info: graphene.ResolveInfo, code: str, flow: Any
    ) -> DefinitionVersion:
        return _replace_part(info, "implementation", code, "flow", flow)

    def resolve_start_draft(
        self, info: graphene.ResolveInfo, kind: Any, code: str
    ) -> DefinitionVersion:
        ctx = _ctx(info)
        with ctx.uow() as uow:
            started = definitions.start_draft(
                uow, ctx.actor, _kind(kind), code, ctx.platform.schemas
            )
        return _version(started)

    def resolve_submit_definition(
        self, info: graphene.ResolveInfo, kind: Any, code: str
    ) -> DefinitionVersion:
        ctx = _ctx(info)
        with ctx.uow() as uow:
            submitted = definitions.submit(uow, ctx.actor, _kind(kind), code, ctx.platform.schemas)
        return _version(submitted)

    def resolve_review_definition(
        self,
        info: graphene.ResolveInfo,
        subject_tenant_code: str,
        kind: Any,
        code: str,
        review: Mapping[str, Any],
    ) -> DefinitionVersion:
        ctx = _ctx(info)
        verdicts = ReviewVerdicts(
            Verdict(bool(review["authenticity_ok"]), review.get("authenticity_comment") or ""),
            Verdict(bool(review["legality_ok"]), review.get("legality_comment") or ""),
            Verdict(bool(review["rationality_ok"]), review.get("rationality_comment") or ""),
        )
        with ctx.uow() as uow:
            reviewed = definitions.review(
                uow, ctx.actor, subject_tenant_code, _kind(kind), code, verdicts
            )
        return _version(reviewed)

    def resolve_publish_definition(
        self, info: graphene.ResolveInfo, kind: Any, code: str
    ) -> DefinitionVersion:
        ctx = _ctx(info)
        with ctx.uow() as uow:
            published = definitions.publish(uow, ctx.actor, _kind(kind), code, ctx.platform.schemas)
        return _version(published)
