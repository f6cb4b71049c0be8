"""GraphQL cases: its Query and Mutation fields (mixed into schema.Query / schema.Mutation).

Every resolver goes through ``services.cases``: tenant scoping and authority are the
engine's, and "not found" and "not yours" are the same error. Errors (``TongbanError``)
propagate untouched; the view formats them with their stable codes.

Lists are pages: ``first`` (default 20, capped at 100) and ``after``, an opaque cursor
(base64 of ``offset:N``); each page says its ``total`` and the ``nextCursor`` (null on the
last page).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import graphene
from graphene.types.generic import GenericScalar

from tongban import bootstrap
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.adapters.graphql.context import GraphQLContext
from tongban.adapters.graphql.cross_level import CrossLevelType
from tongban.adapters.graphql.paging import decode_cursor, encode_cursor
from tongban.adapters.graphql.seals import SealedResult
from tongban.core.applicants import ApplicantKind as ApplicantKindValue
from tongban.core.errors import InvalidDefinition, NotFound, Violation
from tongban.core.roles import Role as RoleValue
from tongban.services.cases import (
    commitment,
    feedback,
    intake,
    listing,
    pauses,
    queries,
    steps,
    supervision,
)
from tongban.services.cases.cross_level import cross_level as cross_level_of
from tongban.services.cases.results import CaseResults
from tongban.services.cases.views import CaseView

DEFAULT_FIRST = 20
MAX_FIRST = 100
"""Page sizes are capped here: an unbounded ``first`` lets one request build huge lists."""

T = TypeVar("T")


# ---------------------------------------------------------------------------- helpers


def _ctx(info: graphene.ResolveInfo) -> GraphQLContext:
    context = info.context
    assert isinstance(context, GraphQLContext), "the view must pass a GraphQLContext"
    return context


def _read(info: graphene.ResolveInfo, read: Callable[[UnitOfWork], T]) -> T:
    """One read-only unit of work bound to the principal's tenant."""
    with _ctx(info).uow(readonly=True) as uow:
        return read(uow)


def _enum_value(value: Any) -> Any:
    """graphene hands enum arguments over as members; the services want the plain value."""
    return getattr(value, "value", value)


def _object(value: Any, pointer: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidDefinition(
            [Violation("NOT_AN_OBJECT", pointer, "须为 JSON 对象 (must be a JSON object)")]
        )
    return dict(value)


def page_size(first: int | None) -> int:
    """``first`` capped at MAX_FIRST (0 asks for the total only); a negative page size is
    refused like ``matters`` refuses one, never silently read as 0."""
    if first is None:
        return DEFAULT_FIRST
    if first < 0:
        raise InvalidDefinition(
            [
                Violation(
                    "PAGE_SIZE",
                    "/first",
                    f"每页条数不能为负数 (first must be 0–{MAX_FIRST}; more is capped at {MAX_FIRST})",
                )
            ],
            "invalid page size",
        )
    return min(first, MAX_FIRST)


@dataclass(frozen=True)
class _Page:
    items: tuple[Any, ...]
    next_cursor: str | None
    total: int


def _slice(items: Sequence[Any], first: int | None, after: str | None) -> _Page:
    """A page of a list a service returned whole."""
    size, offset = page_size(first), decode_cursor(after)
    chosen = tuple(items[offset : offset + size])
    end = offset + len(chosen)
    return _Page(chosen, encode_cursor(end) if end < len(items) else None, len(items))


def _case_page(uow: UnitOfWork, status: str | None, first: int | None, after: str | None) -> _Page:
    """Cases newest first, by offset: at most two of ``list_cases``' pages per request."""
    size, offset = page_size(first), decode_cursor(after)
    if size == 0:
        total = listing.list_cases(uow, status=status, per_page=1).total
        return _Page((), encode_cursor(offset) if offset < total else None, total)
    index, skip = divmod(offset, size)
    head = listing.list_cases(uow, status=status, page=index + 1, per_page=size)
    if offset >= head.total:  # also covers list_cases clamping a page past the end
        return _Page((), None, head.total)
    items = list(head.items[skip:])
    if skip and index + 2 <= head.pages:
        items += listing.list_cases(uow, status=status, page=index + 2, per_page=size).items[:skip]
    end = offset + len(items)
    return _Page(tuple(items), encode_cursor(end) if end < head.total else None, head.total)


def _results(ctx: GraphQLContext) -> CaseResults:
    sealer = ctx.env.sealer
    if isinstance(sealer, CaseResults):
        return sealer
    return bootstrap.case_results(ctx.platform.settings)


# ---------------------------------------------------------------------------- enums

CaseStatus = graphene.Enum(
    "CaseStatus", [(s.upper(), s) for s in listing.STATUSES], description="办件状态"
)
AlertStatus = graphene.Enum(
    "AlertStatus",
    [("OPEN", "open"), ("URGED", "urged"), ("RESOLVED", "resolved")],
    description="监察预警状态",
)
StepOpinion = graphene.Enum.from_enum(
    steps.Opinion, name="StepOpinion", description="通过 / 不通过 / 其他"
)
StepRole = graphene.Enum.from_enum(RoleValue, name="StepRole", description="角色")
ApplicantKind = graphene.Enum.from_enum(
    ApplicantKindValue,
    name="ApplicantKind",
    description=lambda v: (
        f"{ApplicantKindValue(v.value).label}: {ApplicantKindValue(v.value).id_label}"
        if v is not None
        else "申请人类型 (applicant kind): the certificate number is checked accordingly"
    ),
)
SpecialProcedureKind = graphene.Enum(
    "SpecialProcedureKind",
    [(kind.upper(), kind) for kind in pauses.SPECIAL_PROCEDURES],
    description="特别程序: " + "、".join(pauses.SPECIAL_PROCEDURES.values()),
)


# ---------------------------------------------------------------------------- types


class Deadline(graphene.ObjectType):
    """A due date in working days. ``provisional`` (暂定): some day it counts was decided by
    the statutory holiday rules alone; it is recomputed when the year's official arrangement
    (放假安排) is loaded, and supervision raises no red card from it alone."""

    date = graphene.Date(required=True)
    provisional = graphene.Boolean(required=True)


def _deadline(day: Any, provisional: Any) -> dict[str, Any] | None:
    return None if day is None else {"date": day, "provisional": bool(provisional)}


class Task(graphene.ObjectType):
    """An open step (or a waiting node) of a case."""

    node_id = graphene.String(required=True)
    kind = graphene.String(required=True, description="task | external | escalate | subflow")
    step = graphene.String()
    name = graphene.String(required=True)
    department = graphene.String()
    role = graphene.String()
    status = graphene.String(required=True)
    due_on = graphene.Date(description="环节时限 (working-day deadline of the step)")
    due = graphene.Field(Deadline, description="环节时限, with whether it is 暂定")
    outcome = graphene.String()
    opinion = graphene.String()

    def resolve_due(self, _info: graphene.ResolveInfo) -> dict[str, Any] | None:
        return _deadline(self.due_on, self.due_provisional)  # type: ignore[attr-defined]


class CaseEvent(graphene.ObjectType):
    """One entry of the case's hash-chained event log."""

    seq = graphene.Int(required=True)
    kind = graphene.String(required=True)
    actor = graphene.String(required=True)
    tenant = graphene.String(required=True)
    at = graphene.String(required=True)
    payload = GenericScalar(required=True)
    hash = graphene.String(required=True)


class Alert(graphene.ObjectType):
    """电子监察 alert."""

    id = graphene.Int(required=True)
    case_number = graphene.String(required=True)
    tenant_code = graphene.String(required=True)
    kind = graphene.String(required=True)
    subject = graphene.String(required=True)
    level = graphene.String(required=True)
    message = graphene.String(required=True)
    raised_at = graphene.DateTime(required=True)
    status = graphene.String(required=True)
    urge_note = graphene.String()
    resolution = graphene.String()


class LinkedCase(graphene.ObjectType):
    """A case this one is linked to (escalation or joint matter)."""

    number = graphene.String(required=True)
    relation = graphene.String(required=True, description="origin | escalated | joint | subcase")
    tenant_code = graphene.String(required=True)
    tenant_name = graphene.String(required=True)
    visible = graphene.Boolean(
        required=True, description="whether the caller may open it (an ancestor's is not)"
    )


class SealVerification(graphene.ObjectType):
    """The verdict on a case's sealed result document."""

    valid = graphene.Boolean(required=True)
    reason_code = graphene.String(required=True)
    codes = graphene.List(graphene.NonNull(graphene.String), required=True)
    problems = graphene.List(graphene.NonNull(graphene.String), required=True)
    message = graphene.String(required=True)
    key_id = graphene.String(required=True)
    department_uscc = graphene.String(required=True)
    signed_at = graphene.String(required=True)
    document = GenericScalar(required=True)

    def resolve_reason_code(self, _info: graphene.ResolveInfo) -> str:
        return str(self.reason_code)  # type: ignore[attr-defined]

    def resolve_codes(self, _info: graphene.ResolveInfo) -> list[str]:
        return [str(code) for code in self.codes]  # type: ignore[attr-defined]

    def resolve_document(self, _info: graphene.ResolveInfo) -> dict[str, Any]:
        return dict(self.document)  # type: ignore[attr-defined]


class Case(graphene.ObjectType):
    """办件. Nested lists (events, alerts, linked cases, result) are read on demand, each
    through the services in its own read-only unit of work."""

    number = graphene.String(required=True, description="办件编号")
    tenant_code = graphene.String(required=True)
    matter_code = graphene.String(required=True)
    matter_name = graphene.String(required=True)
    matter_version = graphene.Int(required=True)
    implementation_code = graphene.String(required=True)
    status = graphene.String(required=True)
    applicant_name = graphene.String(required=True)
    applicant_kind = graphene.Field(ApplicantKind, required=True)
    applicant_id = graphene.String(
        required=True, description="证件号码: 公民身份号码 or 统一社会信用代码, by applicantKind"
    )
    received_at = graphene.DateTime(required=True)
    accepted_at = graphene.DateTime()
    deadline = graphene.Field(Deadline, description="承诺办结时间 (promised deadline)")
    decision = graphene.String()
    decision_reason = graphene.String()
    concluded_at = graphene.DateTime()
    supplement_count = graphene.Int(required=True)
    origin_case = graphene.String(description="the case this one was escalated from")
    joint_case = graphene.String(description="the joint case this one is a sub-case of")
    tasks = graphene.List(
        graphene.NonNull(Task), required=True, description="open steps and waiting nodes"
    )
    events = graphene.List(graphene.NonNull(CaseEvent), required=True)
    alerts = graphene.List(graphene.NonNull(Alert), required=True)
    linked_cases = graphene.List(graphene.NonNull(LinkedCase), required=True)
    result = graphene.Field(
        SealVerification, description="the sealed result's verification (null: no result)"
    )
    result_document = graphene.Field(
        SealedResult,
        description="the sealed result itself: canonical JSON, seal, PDF address (null: none)",
    )
    cross_level = graphene.Field(
        CrossLevelType, description="an escalated application's one decision (null: none)"
    )
    audit_problems = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="problems of the case's audit chain ([]: intact)",
    )

    def resolve_deadline(self, _info: graphene.ResolveInfo) -> dict[str, Any] | None:
        return _deadline(self.deadline, self.deadline_provisional)  # type: ignore[attr-defined]

    def resolve_tasks(self, _info: graphene.ResolveInfo) -> Sequence[Any]:
        return self.open_tasks  # type: ignore[attr-defined]

    def resolve_events(self, info: graphene.ResolveInfo) -> list[Any]:
        return _read(info, lambda uow: queries.case_events(uow, self.number))

    def resolve_alerts(self, info: graphene.ResolveInfo) -> list[Any]:
        return _read(info, lambda uow: listing.case_alerts(uow, self.number))

    def resolve_linked_cases(self, info: graphene.ResolveInfo) -> list[Any]:
        return _read(info, lambda uow: listing.linked_cases(uow, self.number))

    def resolve_result(self, info: graphene.ResolveInfo) -> Any:
        results = _results(_ctx(info))

        def read(uow: UnitOfWork) -> Any:
            if not listing.has_result(uow, self.number):
                return None
            return results.verify(uow, self.number)

        return _read(info, read)

    def resolve_result_document(self, info: graphene.ResolveInfo) -> Any:
        results = _results(_ctx(info))
        return _read(info, lambda uow: results.stored(uow, self.number))

    def resolve_cross_level(self, info: graphene.ResolveInfo) -> Any:
        return _read(info, lambda uow: cross_level_of(uow, self.number))

    def resolve_audit_problems(self, info: graphene.ResolveInfo) -> list[str]:
        problems = _read(info, lambda uow: listing.verify_case_chain(uow, self.number))
        return [str(p) for p in problems]


class CaseSummary(graphene.ObjectType):
    """A row of a case list; ``detail`` opens the whole case."""

    number = graphene.String(required=True)
    tenant_code = graphene.String(required=True)
    tenant_name = graphene.String(required=True)
    matter_code = graphene.String(required=True)
    matter_name = graphene.String(required=True)
    applicant_name = graphene.String(required=True)
    status = graphene.String(required=True)
    received_at = graphene.DateTime(required=True)
    deadline = graphene.Field(Deadline, description="承诺办结时间 (promised deadline)")
    decision = graphene.String()
    concluded_at = graphene.DateTime()
    detail = graphene.Field(lambda: Case, required=True)

    def resolve_deadline(self, _info: graphene.ResolveInfo) -> dict[str, Any] | None:
        return _deadline(self.deadline, self.deadline_provisional)  # type: ignore[attr-defined]

    def resolve_detail(self, info: graphene.ResolveInfo) -> CaseView:
        return _read(info, lambda uow: queries.get_case(uow, self.number))


class WorkItem(graphene.ObjectType):
    """An open step the caller may work on (待办)."""

    case_number = graphene.String(required=True)
    matter_name = graphene.String(required=True)
    applicant_name = graphene.String(required=True)
    task = graphene.Field(Task, required=True)


class Rating(graphene.ObjectType):
    """好差评."""

    case_number = graphene.String(required=True)
    level = graphene.Int(required=True)
    label = graphene.String(required=True)
    comment = graphene.String(required=True)
    followup_due = graphene.String(description="回访整改期限 (a bad rating's follow-up)")
    followup_answer = graphene.String()


def _page_type(name: str, item: type[graphene.ObjectType]) -> type[graphene.ObjectType]:
    return type(
        name,
        (graphene.ObjectType,),
        {
            "__doc__": f"A page of {item._meta.name} items.",
            "items": graphene.List(graphene.NonNull(item), required=True),
            "next_cursor": graphene.String(description="pass as ``after``; null: last page"),
            "total": graphene.Int(required=True),
        },
    )


CasePage = _page_type("CasePage", CaseSummary)
WorkItemPage = _page_type("WorkItemPage", WorkItem)
AlertPage = _page_type("AlertPage", Alert)


# ---------------------------------------------------------------------------- inputs


class ApplicationInput(graphene.InputObjectType):
    matter_code = graphene.String(required=True, description="事项编码")
    applicant_name = graphene.String(required=True)
    applicant_kind = ApplicantKind(required=True, description="申请人类型")
    applicant_id = graphene.String(
        required=True,
        description="证件号码: NATURAL_PERSON 公民身份号码, LEGAL_PERSON 统一社会信用代码; "
        "checked with its check character (APPLICANT_ID_INVALID at /applicant_id)",
    )
    form_data = GenericScalar(required=True, description="the form, a JSON object")
    materials = graphene.List(graphene.NonNull(graphene.String), required=True)
    idempotency_key = graphene.String(description="one case per tenant and key")
    commitment = graphene.Boolean(default_value=False, description="告知承诺制: 书面承诺")


class SupplementItemInput(graphene.InputObjectType):
    target = graphene.String(
        required=True, description="a material code, or a JSON pointer into the form"
    )
    reason = graphene.String(required=True)


# ---------------------------------------------------------------------------- payloads


class CasePayload(graphene.ObjectType):
    case = graphene.Field(Case, required=True)


class RatingPayload(graphene.ObjectType):
    rating = graphene.Field(Rating, required=True)


class ComplaintPayload(graphene.ObjectType):
    complaint_id = graphene.Int(required=True)
    case_number = graphene.String(description="set when the complaint is filed")


class AlertPayload(graphene.ObjectType):
    alert_id = graphene.Int(required=True)
    alert = graphene.Field(Alert, description="the alert as the caller now sees it")

    def resolve_alert(self, info: graphene.ResolveInfo) -> Any:
        alert_id = self.alert_id  # type: ignore[attr-defined]
        found = _read(info, lambda uow: supervision.list_alerts(uow))
        return next((a for a in found if a.id == alert_id), None)


# ---------------------------------------------------------------------------- queries

_NUMBER = graphene.String(required=True, description="办件编号")


def _first() -> graphene.Int:
    return graphene.Int(default_value=DEFAULT_FIRST, description=f"page size, at most {MAX_FIRST}")


class Query:
    case = graphene.Field(Case, number=_NUMBER, description="One case by its number.")
    cases = graphene.Field(
        CasePage,
        required=True,
        status=CaseStatus(),
        first=_first(),
        after=graphene.String(),
        description="Cases of the caller's tenant (and its subtree), newest first.",
    )
    worklist = graphene.Field(
        WorkItemPage,
        required=True,
        role=StepRole(description="only steps of this role (one of the caller's)"),
        first=_first(),
        after=graphene.String(),
        description="Open steps of the caller's department and roles, earliest due first.",
    )
    alerts = graphene.Field(
        AlertPage,
        required=True,
        status=AlertStatus(),
        subtree=graphene.Boolean(default_value=True, description="include descendants' alerts"),
        first=_first(),
        after=graphene.String(),
        description="Supervision alerts of the caller's tenant, oldest first.",
    )

    def resolve_case(self, info: graphene.ResolveInfo, number: str) -> CaseView:
        ctx = _ctx(info)
        view = _read(info, lambda uow: queries.get_case(uow, number))
        if not ctx.principal.include_descendants and view.tenant_code != ctx.principal.tenant_code:
            raise NotFound("case", number)
        return view

    def resolve_cases(
        self,
        info: graphene.ResolveInfo,
        status: Any = None,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> _Page:
        value = _enum_value(status)
        return _read(info, lambda uow: _case_page(uow, value, first, after))

    def resolve_worklist(
        self,
        info: graphene.ResolveInfo,
        role: Any = None,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> _Page:
        items = _read(info, lambda uow: queries.worklist(uow, _ctx(info).actor))
        if role is not None:
            items = [i for i in items if i.task.role == _enum_value(role)]
        return _slice(items, first, after)

    def resolve_alerts(
        self,
        info: graphene.ResolveInfo,
        status: Any = None,
        subtree: bool | None = True,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> _Page:
        ctx = _ctx(info)
        subtree = subtree is not False and ctx.principal.include_descendants  # null: default
        value = _enum_value(status)
        items = _read(info, lambda uow: supervision.list_alerts(uow, subtree=subtree, status=value))
        return _slice(items, first, after)


# ---------------------------------------------------------------------------- mutations


def _command(info: graphene.ResolveInfo, run: Callable[[UnitOfWork, GraphQLContext], T]) -> T:
    """One command: one unit of work, one service call (the service commits)."""
    ctx = _ctx(info)
    with ctx.uow() as uow:
        return run(uow, ctx)


def _case_field(description: str, **arguments: Any) -> graphene.Field:
    return graphene.Field(
        CasePayload, required=True, number=_NUMBER, description=description, **arguments
    )


class Mutation:
    submit_application = graphene.Field(
        CasePayload,
        required=True,
        input=ApplicationInput(required=True),
        description="收件: one case per idempotency key (resubmitting returns the same case).",
    )
    accept_case = _case_field("受理: stamps the promised deadline.")
    reject_case = _case_field(
        "不予受理, with reasons.",
        reasons=graphene.List(graphene.NonNull(graphene.String), required=True),
    )
    request_supplement = _case_field(
        "补正: every missing or defective item at once; the clock pauses.",
        items=graphene.List(graphene.NonNull(SupplementItemInput), required=True),
    )
    provide_supplement = _case_field(
        "The applicant's supplement (by the applicant's window clerk).",
        materials=graphene.List(graphene.NonNull(graphene.String), required=True),
        form_data=GenericScalar(description="the corrected form (a JSON object)"),
    )
    complete_step = _case_field(
        "Complete a human step with an opinion.",
        node_id=graphene.String(required=True),
        opinion=StepOpinion(required=True),
        comment=graphene.String(default_value=""),
    )
    return_step = _case_field(
        "退回: send the case back to an earlier step.",
        node_id=graphene.String(required=True),
        target=graphene.String(required=True),
        comment=graphene.String(default_value=""),
    )
    start_special_procedure = _case_field(
        "特别程序: the clock pauses.",
        kind=SpecialProcedureKind(required=True),
        reason=graphene.String(required=True),
        expected_days=graphene.Int(required=True),
    )
    end_special_procedure = _case_field(
        "End the special procedure: deadlines move out by its working days.",
        result=graphene.String(required=True),
    )
    decide_case = _case_field(
        "决定: approve, or deny with reasons.",
        approve=graphene.Boolean(required=True),
        reasons=graphene.String(default_value=""),
    )
    conclude_case = _case_field("办结: an approval's result is sealed.")
    withdraw_case = _case_field(
        "撤回, for the applicant.", reason=graphene.String(default_value="")
    )
    verify_commitment = _case_field(
        "告知承诺核查: a false commitment revokes the decision and its result.",
        truthful=graphene.Boolean(required=True),
        note=graphene.String(default_value=""),
    )
    push_external_result = _case_field(
        "An external system's result for the external node it waits on.",
        node_id=graphene.String(required=True),
        approved=graphene.Boolean(required=True),
        payload=GenericScalar(description="what the system reports (a JSON object)"),
    )
    rate_service = graphene.Field(
        RatingPayload,
        required=True,
        number=_NUMBER,
        level=graphene.Int(required=True, description="5 非常满意 … 1 非常不满意"),
        comment=graphene.String(default_value=""),
        description="好差评: one rating per case, after it ends.",
    )
    answer_rating = graphene.Field(
        RatingPayload,
        required=True,
        number=_NUMBER,
        answer=graphene.String(required=True),
        description="回访整改: the handling tenant answers a bad rating.",
    )
    complain = graphene.Field(
        ComplaintPayload,
        required=True,
        number=_NUMBER,
        text=graphene.String(required=True),
        description="投诉 about a case.",
    )
    answer_complaint = graphene.Field(
        ComplaintPayload,
        required=True,
        complaint_id=graphene.Int(required=True),
        answer=graphene.String(required=True),
        description="The tenant's admin answers a complaint.",
    )
    urge_alert = graphene.Field(
        AlertPayload,
        required=True,
        alert_id=graphene.Int(required=True),
        note=graphene.String(required=True),
        description="督办: a supervisor of the alert's tenant or an ancestor.",
    )
    resolve_alert = graphene.Field(
        AlertPayload,
        required=True,
        alert_id=graphene.Int(required=True),
        resolution=graphene.String(required=True),
        description="The handling tenant's admin records the resolution.",
    )

    def resolve_submit_application(
        self, info: graphene.ResolveInfo, input: dict[str, Any]
    ) -> CasePayload:
        application = intake.Application(
            matter_code=input["matter_code"],
            applicant_name=input["applicant_name"],
            applicant_id=input["applicant_id"],
            applicant_kind=_enum_value(input["applicant_kind"]),
            form_data=_object(input["form_data"], "/input/formData"),
            materials=list(input["materials"]),
            idempotency_key=input.get("idempotency_key") or None,
            commitment=bool(input.get("commitment")),
        )
        view = _command(
            info, lambda uow, ctx: intake.submit_application(uow, ctx.env, ctx.actor, application)
        )
        return CasePayload(case=view)

    def resolve_accept_case(self, info: graphene.ResolveInfo, number: str) -> CasePayload:
        view = _command(info, lambda uow, ctx: intake.accept_case(uow, ctx.env, ctx.actor, number))
        return CasePayload(case=view)

    def resolve_reject_case(
        self, info: graphene.ResolveInfo, number: str, reasons: list[str]
    ) -> CasePayload:
        view = _command(
            info,
            lambda uow, ctx: intake.reject_at_acceptance(uow, ctx.env, ctx.actor, number, reasons),
        )
        return CasePayload(case=view)

    def resolve_request_supplement(
        self, info: graphene.ResolveInfo, number: str, items: list[dict[str, Any]]
    ) -> CasePayload:
        wanted = [pauses.SupplementItem(i["target"], i["reason"]) for i in items]
        view = _command(
            info,
            lambda uow, ctx: pauses.request_supplement(uow, ctx.env, ctx.actor, number, wanted),
        )
        return CasePayload(case=view)

    def resolve_provide_supplement(
        self,
        info: graphene.ResolveInfo,
        number: str,
        materials: list[str],
        form_data: Any = None,
    ) -> CasePayload:
        data = None if form_data is None else _object(form_data, "/formData")
        view = _command(
            info,
            lambda uow, ctx: pauses.provide_supplement(
                uow, ctx.env, ctx.actor, number, materials, data
            ),
        )
        return CasePayload(case=view)

    def resolve_complete_step(
        self,
        info: graphene.ResolveInfo,
        number: str,
        node_id: str,
        opinion: Any,
        comment: str | None = "",
    ) -> CasePayload:
        comment = comment or ""  # an explicit null is the default
        chosen = steps.Opinion(_enum_value(opinion))
        view = _command(
            info,
            lambda uow, ctx: steps.complete_step(
                uow, ctx.env, ctx.actor, number, node_id, chosen, comment
            ),
        )
        return CasePayload(case=view)

    def resolve_return_step(
        self,
        info: graphene.ResolveInfo,
        number: str,
        node_id: str,
        target: str,
        comment: str | None = "",
    ) -> CasePayload:
        comment = comment or ""  # an explicit null is the default
        view = _command(
            info,
            lambda uow, ctx: steps.return_step(
                uow, ctx.env, ctx.actor, number, node_id, target, comment
            ),
        )
        return CasePayload(case=view)

    def resolve_start_special_procedure(
        self,
        info: graphene.ResolveInfo,
        number: str,
        kind: Any,
        reason: str,
        expected_days: int,
    ) -> CasePayload:
        value = _enum_value(kind)
        view = _command(
            info,
            lambda uow, ctx: pauses.start_special_procedure(
                uow, ctx.env, ctx.actor, number, value, reason, expected_days
            ),
        )
        return CasePayload(case=view)

    def resolve_end_special_procedure(
        self, info: graphene.ResolveInfo, number: str, result: str
    ) -> CasePayload:
        view = _command(
            info,
            lambda uow, ctx: pauses.end_special_procedure(uow, ctx.env, ctx.actor, number, result),
        )
        return CasePayload(case=view)

    def resolve_decide_case(
        self, info: graphene.ResolveInfo, number: str, approve: bool, reasons: str | None = ""
    ) -> CasePayload:
        reasons = reasons or ""  # an explicit null is the default
        view = _command(
            info,
            lambda uow, ctx: steps.decide_case(uow, ctx.env, ctx.actor, number, approve, reasons),
        )
        return CasePayload(case=view)

    def resolve_conclude_case(self, info: graphene.ResolveInfo, number: str) -> CasePayload:
        view = _command(info, lambda uow, ctx: steps.conclude_case(uow, ctx.env, ctx.actor, number))
        return CasePayload(case=view)

    def resolve_withdraw_case(
        self, info: graphene.ResolveInfo, number: str, reason: str | None = ""
    ) -> CasePayload:
        reason = reason or ""  # an explicit null is the default
        view = _command(
            info, lambda uow, ctx: steps.withdraw_case(uow, ctx.env, ctx.actor, number, reason)
        )
        return CasePayload(case=view)

    def resolve_verify_commitment(
        self, info: graphene.ResolveInfo, number: str, truthful: bool, note: str | None = ""
    ) -> CasePayload:
        note = note or ""  # an explicit null is the default
        view = _command(
            info,
            lambda uow, ctx: commitment.verify_commitment(
                uow, ctx.env, ctx.actor, number, truthful, note
            ),
        )
        return CasePayload(case=view)

    def resolve_push_external_result(
        self,
        info: graphene.ResolveInfo,
        number: str,
        node_id: str,
        approved: bool,
        payload: Any = None,
    ) -> CasePayload:
        data = {} if payload is None else _object(payload, "/payload")
        view = _command(
            info,
            lambda uow, ctx: steps.push_external_result(
                uow, ctx.env, ctx.actor, number, node_id, approved, data
            ),
        )
        return CasePayload(case=view)

    def resolve_rate_service(
        self, info: graphene.ResolveInfo, number: str, level: int, comment: str | None = ""
    ) -> RatingPayload:
        comment = comment or ""  # an explicit null is the default
        rating = _command(
            info,
            lambda uow, ctx: feedback.rate_service(uow, ctx.env, ctx.actor, number, level, comment),
        )
        return RatingPayload(rating=rating)

    def resolve_answer_rating(
        self, info: graphene.ResolveInfo, number: str, answer: str
    ) -> RatingPayload:
        rating = _command(
            info, lambda uow, ctx: feedback.answer_rating(uow, ctx.env, ctx.actor, number, answer)
        )
        return RatingPayload(rating=rating)

    def resolve_complain(
        self, info: graphene.ResolveInfo, number: str, text: str
    ) -> ComplaintPayload:
        complaint_id = _command(
            info, lambda uow, ctx: feedback.complain(uow, ctx.env, ctx.actor, number, text)
        )
        return ComplaintPayload(complaint_id=complaint_id, case_number=number)

    def resolve_answer_complaint(
        self, info: graphene.ResolveInfo, complaint_id: int, answer: str
    ) -> ComplaintPayload:
        _command(
            info,
            lambda uow, ctx: feedback.answer_complaint(
                uow, ctx.env, ctx.actor, complaint_id, answer
            ),
        )
        return ComplaintPayload(complaint_id=complaint_id)

    def resolve_urge_alert(
        self, info: graphene.ResolveInfo, alert_id: int, note: str
    ) -> AlertPayload:
        _command(
            info,
            lambda uow, ctx: supervision.urge_alert(uow, ctx.actor, alert_id, note, ctx.env.now()),
        )
        return AlertPayload(alert_id=alert_id)

    def resolve_resolve_alert(
        self, info: graphene.ResolveInfo, alert_id: int, resolution: str
    ) -> AlertPayload:
        _command(
            info,
            lambda uow, ctx: supervision.resolve_alert(
                uow, ctx.actor, alert_id, resolution, ctx.env.now()
            ),
        )
        return AlertPayload(alert_id=alert_id)
