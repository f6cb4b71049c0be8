"""收件 · 受理: submission, acceptance, rejection at acceptance, deemed acceptance (第32条)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tongban.adapters.db.case_models import CaseEvent
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.applicants import applicant_problems, normalize_id
from tongban.core.cases.case import Case, CaseStatus
from tongban.core.cases.clock import deemed_acceptance_due
from tongban.core.cases.engine import Outcome, start
from tongban.core.cases.errors import ApplicationInvalid, CaseInputInvalid, IdempotencyKeyReused
from tongban.core.errors import Violation
from tongban.core.forms import validate_form_data
from tongban.core.matters import MatterSpec
from tongban.services.actors import Actor
from tongban.services.cases import deadlines, dispatch, runtime
from tongban.services.cases.definitions import published_implementation
from tongban.services.cases.dispatch import receive
from tongban.services.cases.numbering import next_case_number
from tongban.services.cases.runtime import CaseContext, CaseEnv
from tongban.services.cases.time import local_date, tenant_cached
from tongban.services.cases.views import CaseView, case_view


@dataclass(frozen=True)
class Application:
    matter_code: str
    applicant_name: str
    applicant_id: str  # 证件号码: 公民身份号码 or 统一社会信用代码, by applicant_kind
    applicant_kind: str  # core.applicants.ApplicantKind: natural_person | legal_person
    form_data: Mapping[str, Any]
    materials: Sequence[str]  # codes of the materials handed in
    idempotency_key: str | None = None
    commitment: bool = False  # 告知承诺制: the applicant's written commitment


def submit_application(
    uow: UnitOfWork, env: CaseEnv, actor: Actor, application: Application
) -> CaseView:
    """SubmitApplication: one case per idempotency key, even when submitted concurrently.

    The same key with the same application returns the case it made; with a different
    application it is a ``Conflict`` (``request_digest``, kept in the CaseSubmitted event)."""
    assert uow.tenant is not None
    tenant = tenant_cached(uow, uow.tenant_id)
    digest = request_digest(application)
    if application.idempotency_key:
        existing = _by_key(uow, tenant.id, application.idempotency_key)
        if existing is not None:
            return _replayed(uow, existing, digest)
    matter_id, pinned = published_implementation(uow, env.schemas, tenant, application.matter_code)
    problems = check_application(env, pinned.doc.spec, application)
    if problems:
        raise ApplicationInvalid(problems)
    now = env.now()
    case = Case(
        tenant_id=tenant.id,
        number=next_case_number(uow, pinned.implementation_code, local_date(now)),
        matter_id=matter_id,
        matter_version=pinned.version,
        matter_code=pinned.doc.spec.code,
        matter_name=pinned.doc.spec.name,
        implementation_code=pinned.implementation_code,
        department=pinned.doc.department or "",
        applicant_name=application.applicant_name,
        applicant_id=normalize_id(application.applicant_id),
        applicant_kind=str(application.applicant_kind),
        form_data=dict(application.form_data),
        materials=sorted(set(application.materials)),
        idempotency_key=application.idempotency_key,
        received_at=now,
        promised_days=pinned.doc.spec.promised_days,
        notify_and_commit=pinned.doc.spec.notify_and_commit,
    )
    try:
        uow.cases.add_case(case)
    except IntegrityError:
        uow.rollback()
        if application.idempotency_key:
            existing = _by_key(uow, tenant.id, application.idempotency_key)
            if existing is not None:
                return _replayed(uow, existing, digest)
        raise
    ctx = CaseContext(uow, env, case, tenant, pinned, now, actor)
    ctx.record(
        "CaseSubmitted",
        {
            "matter": case.matter_code,
            "version": case.matter_version,
            "applicant": case.applicant_name,
            "materials": case.materials,
            "idempotency_key": case.idempotency_key,
            "request_digest": digest,
        },
    )
    dispatch.advance(ctx, start(pinned.flow, case.form_data))
    receive(ctx)
    return ctx.commit()


def _by_key(uow: UnitOfWork, tenant_id: int, key: str) -> Case | None:
    return uow.cases.by_idempotency_key(tenant_id, key)


def request_digest(application: Application) -> str:
    """SHA-256 of what the application asks for, in a canonical JSON form: the same
    request (materials in any order, the certificate number in either case) has the same
    digest."""
    body = {
        "matter_code": application.matter_code,
        "applicant_name": application.applicant_name,
        "applicant_id": normalize_id(application.applicant_id),
        "applicant_kind": str(application.applicant_kind),
        "form_data": application.form_data,
        "materials": sorted(set(application.materials)),
        "commitment": application.commitment,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _replayed(uow: UnitOfWork, existing: Case, digest: str) -> CaseView:
    """The case an idempotency key made, if this is the same application; else Conflict.
    Cases submitted before digests were recorded have none: they are returned as before."""
    payload = uow.session.scalar(
        select(CaseEvent.payload).where(CaseEvent.case_id == existing.id, CaseEvent.seq == 1)
    )
    recorded = payload.get("request_digest") if isinstance(payload, dict) else None
    if recorded is not None and recorded != digest:
        key = existing.idempotency_key
        raise IdempotencyKeyReused(key or "", existing.number)
    return case_view(uow, existing)


def check_application(env: CaseEnv, spec: MatterSpec, application: Application) -> list[Violation]:
    """Every problem at once: form errors by JSON pointer, missing and unknown materials,
    the applicant's declared type and certificate number (with its check character)."""
    problems = [
        v.under("/form_data")
        for v in validate_form_data(spec.form, dict(application.form_data), env.schemas.forms)
    ]
    known = {m.code: m for m in spec.materials}
    given = set(application.materials)
    for index, code in enumerate(application.materials):
        if code not in known:
            problems.append(
                Violation("MATERIAL_UNKNOWN", f"/materials/{index}", f"本事项没有材料 {code}")
            )
    for material in spec.materials:
        if material.required and not material.waived and material.code not in given:
            problems.append(
                Violation(
                    "MATERIAL_NOT_PROVIDED",
                    "/materials",
                    f"缺少必要材料 {material.name}（{material.code}）(required material missing)",
                )
            )
    if not application.applicant_name.strip():
        problems.append(Violation("APPLICANT", "/applicant_name", "申请人名称不能为空"))
    problems += applicant_problems(application.applicant_kind, application.applicant_id)
    if spec.notify_and_commit and not application.commitment:
        problems.append(
            Violation(
                "COMMITMENT_REQUIRED",
                "/commitment",
                "告知承诺制事项须提交书面承诺 (a written commitment is required)",
            )
        )
    return sorted(problems)


def accept_case(uow: UnitOfWork, env: CaseEnv, actor: Actor, number: str) -> CaseView:
    """AcceptCase (受理): stamps the promised deadline (承诺办结时间)."""
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    task = ctx.open_step("accept")
    runtime.require_step_actor(ctx, task)
    _accept(ctx, "CaseAccepted")
    return ctx.commit()


def _accept(ctx: CaseContext, event: str) -> None:
    ctx.case.accept(ctx.now)
    deadlines.stamp_deadline(ctx)
    task = ctx.open_step("accept")
    dispatch.complete_node(ctx, task, Outcome.PASS, "受理", event)


def reject_at_acceptance(
    uow: UnitOfWork, env: CaseEnv, actor: Actor, number: str, reasons: Sequence[str]
) -> CaseView:
    """RejectAtAcceptance (不予受理): with reasons, ends the case."""
    reasons = [r.strip() for r in reasons if r.strip()]
    if not reasons:
        raise CaseInputInvalid([Violation("REASONS_REQUIRED", "/reasons", "不予受理须说明理由")])
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    task = ctx.open_step("accept")
    runtime.require_step_actor(ctx, task)
    ctx.close_all()
    ctx.case.reject(ctx.now, "；".join(reasons))
    ctx.record("CaseRejected", {"reasons": reasons})
    dispatch.answer_linked(ctx)
    return ctx.commit()


def deem_accepted_if_due(ctx: CaseContext) -> bool:
    """第32条: no decision on acceptance within 5 working days of receipt ⇒ deemed accepted."""
    if ctx.case.status is not CaseStatus.RECEIVED:
        return False
    received = local_date(ctx.case.received_at)
    due = deemed_acceptance_due(ctx.calendar, received, ctx.pauses)
    if due is None or ctx.today <= due:  # None: a supplement is outstanding
        return False
    _accept(ctx, "CaseDeemedAccepted")
    return True
