"""The end of a case: conclusion, the sealed result, and the answer to a linked case."""

from __future__ import annotations

from tongban.services.cases.links import answer_linked
from tongban.services.cases.runtime import CaseContext


def finish(ctx: CaseContext) -> None:
    """The flow reached its end: 办结. A case whose flow had no decide step takes its
    decision from what it waited on (an escalation's answer) or from its denials."""
    case = ctx.case
    if case.decision is None:
        case.decision = "denied" if ctx.state.denied else "approved"
        case.decided_at = ctx.now
    case.status = "concluded"
    case.concluded_at = ctx.now
    ctx.record("CaseConcluded", {"decision": case.decision})
    if case.decision == "approved" and ctx.env.sealer is not None:
        ctx.env.sealer.seal_result(ctx)
    answer_linked(ctx)
