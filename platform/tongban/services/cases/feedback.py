"""好差评 (国办发〔2019〕51号) and complaints. A bad rating (不满意 or 非常不满意) opens a
follow-up that must be answered (实名差评回访整改率 100%)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tongban.adapters.db.case_models import Case, Complaint, Rating
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.case import CaseStatus
from tongban.core.cases.errors import (
    AlreadyRated,
    CannotAnswerComplaint,
    CannotAnswerRating,
    CaseInputInvalid,
    NoRatingFollowup,
    NotConcludedYet,
)
from tongban.core.errors import (
    NotFound,
    Violation,
)
from tongban.core.roles import Role
from tongban.services.actors import Actor
from tongban.services.cases import runtime
from tongban.services.cases.runtime import CaseEnv

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
FOLLOWUP_DAYS = 5  # working days to answer a bad rating


@dataclass(frozen=True)
class RatingView:
    case_number: str
    level: int
    label: str
    comment: str
    followup_due: str | None
    followup_answer: str | None


def rate_service(
    uow: UnitOfWork, env: CaseEnv, actor: Actor, number: str, level: int, comment: str
) -> RatingView:
    if level not in LEVELS:
        raise CaseInputInvalid([Violation("RATING_LEVEL", "/level", "评价等级为 1–5")])
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_applicant(ctx)
    if ctx.case.status not in (CaseStatus.CONCLUDED, CaseStatus.REJECTED):
        raise NotConcludedYet(number)
    if uow.session.scalar(select(Rating.id).where(Rating.case_id == ctx.case.id)) is not None:
        raise AlreadyRated(number)
    rating = Rating(
        tenant_id=ctx.case.tenant_id,
        case_id=ctx.case.id,
        level=level,
        comment=comment,
        rated_at=ctx.now,
        followup_due=ctx.calendar.add(ctx.today, FOLLOWUP_DAYS) if level <= 2 else None,
    )
    uow.session.add(rating)
    ctx.record("ServiceRated", {"level": level, "label": LEVELS[level], "comment": comment})
    view = _view(number, rating)
    uow.commit()
    return view


def answer_rating(
    uow: UnitOfWork, env: CaseEnv, actor: Actor, number: str, answer: str
) -> RatingView:
    """回访整改: the handling tenant answers a bad rating."""
    ctx = runtime.load(uow, env, number, actor)
    if actor.tenant_code != ctx.tenant.code or not (actor.roles & {Role.ADMIN, Role.CLERK}):
        raise CannotAnswerRating(actor.username)
    rating = uow.session.scalar(select(Rating).where(Rating.case_id == ctx.case.id))
    if rating is None or rating.followup_due is None:
        raise NoRatingFollowup(number)
    if not answer.strip():
        raise CaseInputInvalid([Violation("ANSWER_REQUIRED", "/answer", "须填写回访整改情况")])
    rating.followup_answer, rating.answered_at, rating.answered_by = answer, ctx.now, actor.username
    ctx.record("RatingAnswered", {"answer": answer})
    view = _view(number, rating)
    uow.commit()
    return view


def complain(uow: UnitOfWork, env: CaseEnv, actor: Actor, number: str, text: str) -> int:
    if not text.strip():
        raise CaseInputInvalid([Violation("COMPLAINT_TEXT", "/text", "投诉内容不能为空")])
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_applicant(ctx)
    complaint = Complaint(
        tenant_id=ctx.case.tenant_id, case_id=ctx.case.id, text=text, filed_at=ctx.now
    )
    uow.session.add(complaint)
    uow.session.flush()
    ctx.record("ComplaintFiled", {"complaint": complaint.id, "text": text})
    uow.commit()
    return complaint.id


def answer_complaint(
    uow: UnitOfWork, env: CaseEnv, actor: Actor, complaint_id: int, answer: str
) -> None:
    complaint = uow.session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound("complaint", complaint_id)
    ctx = runtime.load(uow, env, _number(uow, complaint.case_id), actor)
    if actor.tenant_code != ctx.tenant.code or Role.ADMIN not in actor.roles:
        raise CannotAnswerComplaint(actor.username)
    complaint.answer, complaint.answered_at, complaint.answered_by = answer, ctx.now, actor.username
    ctx.record("ComplaintAnswered", {"complaint": complaint_id, "answer": answer})
    uow.commit()


def _number(uow: UnitOfWork, case_id: int) -> str:
    number = uow.session.scalar(select(Case.number).where(Case.id == case_id))
    if number is None:
        raise NotFound("case", case_id)
    return number


def _view(number: str, rating: Rating) -> RatingView:
    return RatingView(
        number,
        rating.level,
        LEVELS[rating.level],
        rating.comment,
        rating.followup_due.isoformat() if rating.followup_due else None,
        rating.followup_answer,
    )
