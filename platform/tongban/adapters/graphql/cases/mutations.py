"""GraphQL cases: the Mutation fields (mixed into schema.Mutation). Each is one command:
one unit of work, one service call (the service commits)."""

from __future__ import annotations

from typing import Any

import graphene
from graphene.types.generic import GenericScalar

from tongban.adapters.graphql.cases.resolving import NUMBER, command, enum_value, json_object
from tongban.adapters.graphql.cases.types import (
    AlertPayload,
    ApplicantKind,
    CasePayload,
    ComplaintPayload,
    RatingPayload,
    SpecialProcedureKind,
    StepOpinion,
)
from tongban.services.cases import commitment, feedback, intake, pauses, steps, supervision

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


def _case_field(description: str, **arguments: Any) -> graphene.Field:
    return graphene.Field(
        CasePayload, required=True, number=NUMBER, description=description, **arguments
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
        number=NUMBER,
        level=graphene.Int(required=True, description="5 非常满意 … 1 非常不满意"),
        comment=graphene.String(default_value=""),
        description="好差评: one rating per case, after it ends.",
    )
    answer_rating = graphene.Field(
        RatingPayload,
        required=True,
        number=NUMBER,
        answer=graphene.String(required=True),
        description="回访整改: the handling tenant answers a bad rating.",
    )
    complain = graphene.Field(
        ComplaintPayload,
        required=True,
        number=NUMBER,
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
            applicant_kind=enum_value(input["applicant_kind"]),
            form_data=json_object(input["form_data"], "/input/formData"),
            materials=list(input["materials"]),
            idempotency_key=input.get("idempotency_key") or None,
            commitment=bool(input.get("commitment")),
        )
        view = command(
            info, lambda uow, ctx: intake.submit_application(uow, ctx.env, ctx.actor, application)
        )
        return CasePayload(case=view)

    def resolve_accept_case(self, info: graphene.ResolveInfo, number: str) -> CasePayload:
        view = command(info, lambda uow, ctx: intake.accept_case(uow, ctx.env, ctx.actor, number))
        return CasePayload(case=view)

    def resolve_reject_case(
        self, info: graphene.ResolveInfo, number: str, reasons: list[str]
    ) -> CasePayload:
        view = command(
            info,
            lambda uow, ctx: intake.reject_at_acceptance(uow, ctx.env, ctx.actor, number, reasons),
        )
        return CasePayload(case=view)

    def resolve_request_supplement(
        self, info: graphene.ResolveInfo, number: str, items: list[dict[str, Any]]
    ) -> CasePayload:
        wanted = [pauses.SupplementItem(i["target"], i["reason"]) for i in items]
        view = command(
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
        data = None if form_data is None else json_object(form_data, "/formData")
        view = command(
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
        chosen = steps.Opinion(enum_value(opinion))
        view = command(
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
        view = command(
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
        value = enum_value(kind)
        view = command(
            info,
            lambda uow, ctx: pauses.start_special_procedure(
                uow, ctx.env, ctx.actor, number, value, reason, expected_days
            ),
        )
        return CasePayload(case=view)

    def resolve_end_special_procedure(
        self, info: graphene.ResolveInfo, number: str, result: str
    ) -> CasePayload:
        view = command(
            info,
            lambda uow, ctx: pauses.end_special_procedure(uow, ctx.env, ctx.actor, number, result),
        )
        return CasePayload(case=view)

    def resolve_decide_case(
        self, info: graphene.ResolveInfo, number: str, approve: bool, reasons: str | None = ""
    ) -> CasePayload:
        reasons = reasons or ""  # an explicit null is the default
        view = command(
            info,
            lambda uow, ctx: steps.decide_case(uow, ctx.env, ctx.actor, number, approve, reasons),
        )
        return CasePayload(case=view)

    def resolve_conclude_case(self, info: graphene.ResolveInfo, number: str) -> CasePayload:
        view = command(info, lambda uow, ctx: steps.conclude_case(uow, ctx.env, ctx.actor, number))
        return CasePayload(case=view)

    def resolve_withdraw_case(
        self, info: graphene.ResolveInfo, number: str, reason: str | None = ""
    ) -> CasePayload:
        reason = reason or ""  # an explicit null is the default
        view = command(
            info, lambda uow, ctx: steps.withdraw_case(uow, ctx.env, ctx.actor, number, reason)
        )
        return CasePayload(case=view)

    def resolve_verify_commitment(
        self, info: graphene.ResolveInfo, number: str, truthful: bool, note: str | None = ""
    ) -> CasePayload:
        note = note or ""  # an explicit null is the default
        view = command(
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
        data = {} if payload is None else json_object(payload, "/payload")
        view = command(
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
        rating = command(
            info,
            lambda uow, ctx: feedback.rate_service(uow, ctx.env, ctx.actor, number, level, comment),
        )
        return RatingPayload(rating=rating)

    def resolve_answer_rating(
        self, info: graphene.ResolveInfo, number: str, answer: str
    ) -> RatingPayload:
        rating = command(
            info, lambda uow, ctx: feedback.answer_rating(uow, ctx.env, ctx.actor, number, answer)
        )
        return RatingPayload(rating=rating)

    def resolve_complain(
        self, info: graphene.ResolveInfo, number: str, text: str
    ) -> ComplaintPayload:
        complaint_id = command(
            info, lambda uow, ctx: feedback.complain(uow, ctx.env, ctx.actor, number, text)
        )
        return ComplaintPayload(complaint_id=complaint_id, case_number=number)

    def resolve_answer_complaint(
        self, info: graphene.ResolveInfo, complaint_id: int, answer: str
    ) -> ComplaintPayload:
        command(
            info,
            lambda uow, ctx: feedback.answer_complaint(
                uow, ctx.env, ctx.actor, complaint_id, answer
            ),
        )
        return ComplaintPayload(complaint_id=complaint_id)

    def resolve_urge_alert(
        self, info: graphene.ResolveInfo, alert_id: int, note: str
    ) -> AlertPayload:
        command(
            info,
            lambda uow, ctx: supervision.urge_alert(uow, ctx.actor, alert_id, note, ctx.env.now()),
        )
        return AlertPayload(alert_id=alert_id)

    def resolve_resolve_alert(
        self, info: graphene.ResolveInfo, alert_id: int, resolution: str
    ) -> AlertPayload:
        command(
            info,
            lambda uow, ctx: supervision.resolve_alert(
                uow, ctx.actor, alert_id, resolution, ctx.env.now()
            ),
        )
        return AlertPayload(alert_id=alert_id)
