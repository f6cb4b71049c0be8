"""告知承诺制 (国办发〔2020〕42号): decided on the applicant's written commitment, verified
later; a commitment found false revokes the decision (撤销) and its result."""

from __future__ import annotations

from sqlalchemy import select

from tongban.adapters.db.case_models import ResultDocument
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.errors import CannotVerifyCommitment, NoCommitmentToVerify
from tongban.core.roles import Role
from tongban.services.actors import Actor
from tongban.services.cases import deadlines, runtime
from tongban.services.cases.runtime import CaseContext, CaseEnv
from tongban.services.cases.views import CaseView


def schedule_verification(ctx: CaseContext) -> None:
    """Called when a notify-and-commit case is approved."""
    deadlines.stamp_verification(ctx, ctx.today)
    due = ctx.case.verification_due
    assert due is not None
    ctx.record("VerificationScheduled", {"due": due.isoformat()})


def verify_commitment(
    uow: UnitOfWork, env: CaseEnv, actor: Actor, number: str, truthful: bool, note: str
) -> CaseView:
    ctx = runtime.load(uow, env, number, actor)
    if not ctx.case.notify_and_commit or ctx.case.verification_due is None:
        raise NoCommitmentToVerify(number)
    if actor.tenant_code != ctx.tenant.code or not (actor.roles & {Role.REVIEWER, Role.APPROVER}):
        raise CannotVerifyCommitment(actor.username)
    ctx.case.verification_due = None
    ctx.case.verification_due_provisional = False
    if truthful:
        ctx.record("CommitmentVerified", {"note": note})
    else:
        ctx.case.revoke(ctx.now)
        result = uow.session.scalar(
            select(ResultDocument).where(ResultDocument.case_id == ctx.case.id)
        )
        if result is not None:
            result.revoked_at = ctx.now
        ctx.record("DecisionRevoked", {"reason": f"承诺不实：{note}"})
    return ctx.commit()
