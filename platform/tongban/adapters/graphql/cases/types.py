"""GraphQL cases: the enums and the object types resolvers return.

Nested lists of a case (events, alerts, linked cases, result) are read on demand, each
through the services in its own read-only unit of work.
"""

from __future__ import annotations

from typing import Any

import graphene
from graphene.types.generic import GenericScalar

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.adapters.graphql.cases.resolving import case_results_of, context_of, read_with
from tongban.adapters.graphql.cross_level import CrossLevelType
from tongban.adapters.graphql.seals import SealedResult
from tongban.core.applicants import ApplicantKind as ApplicantKindValue
from tongban.core.roles import Role as RoleValue
from tongban.services.cases import listing, pauses, queries, steps, supervision
from tongban.services.cases.cross_level import cross_level as cross_level_of
from tongban.services.cases.views import CaseView

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
        return _deadline(self.due_on, self.due_provisional)


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
        return str(self.reason_code)

    def resolve_codes(self, _info: graphene.ResolveInfo) -> list[str]:
        return [str(code) for code in self.codes]

    def resolve_document(self, _info: graphene.ResolveInfo) -> dict[str, Any]:
        return dict(self.document)


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
        return _deadline(self.deadline, self.deadline_provisional)

    def resolve_tasks(self, _info: graphene.ResolveInfo) -> Any:
        return self.open_tasks

    def resolve_events(self, info: graphene.ResolveInfo) -> list[Any]:
        return read_with(info, lambda uow: queries.case_events(uow, self.number))

    def resolve_alerts(self, info: graphene.ResolveInfo) -> list[Any]:
        return read_with(info, lambda uow: listing.case_alerts(uow, self.number))

    def resolve_linked_cases(self, info: graphene.ResolveInfo) -> list[Any]:
        return read_with(info, lambda uow: listing.linked_cases(uow, self.number))

    def resolve_result(self, info: graphene.ResolveInfo) -> Any:
        def read(uow: UnitOfWork) -> Any:
            if not listing.has_result(uow, self.number):
                return None
            return case_results_of(context_of(info)).verify(uow, self.number)

        return read_with(info, read)

    def resolve_result_document(self, info: graphene.ResolveInfo) -> Any:
        results = case_results_of(context_of(info))
        return read_with(info, lambda uow: results.stored(uow, self.number))

    def resolve_cross_level(self, info: graphene.ResolveInfo) -> Any:
        return read_with(info, lambda uow: cross_level_of(uow, self.number))

    def resolve_audit_problems(self, info: graphene.ResolveInfo) -> list[str]:
        problems = read_with(info, lambda uow: listing.verify_case_chain(uow, self.number))
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
        return _deadline(self.deadline, self.deadline_provisional)

    def resolve_detail(self, info: graphene.ResolveInfo) -> CaseView:
        return read_with(info, lambda uow: queries.get_case(uow, self.number))


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
        alert_id = self.alert_id
        found = read_with(info, lambda uow: supervision.list_alerts(uow))
        return next((a for a in found if a.id == alert_id), None)
