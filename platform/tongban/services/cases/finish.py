"""The end of a case's flow: conclusion and the sealed result. Answering the case it was
started for is the dispatcher's next move (dispatch.py)."""

from __future__ import annotations

from tongban.core.cases.case import Decision
from tongban.services.cases.escalation import seal_outcome
from tongban.services.cases.runtime import CaseContext


def conclude(ctx: CaseContext) -> None:
    """The flow reached its end: 办结. A case whose flow had no decide step takes its
    decision from what it waited on (an escalation's answer) or from its denials. What is
    sealed — the decision, the final level's opinion, or nothing because the initial level
    delivers the final level's decision — follows the matter's ``escalation`` mode
    (``services.cases.escalation``)."""
    case = ctx.case
    case.conclude(ctx.now, (Decision.DENIED if ctx.state.denied else Decision.APPROVED).value)
    ctx.record("CaseConcluded", {"decision": case.decision})
    if case.decided_at is None:  # 上报件: decided when the initial level issues the decision
        case.decided_at = ctx.now
    if ctx.env.sealer is not None:
        seal_outcome(ctx, ctx.env.sealer)
