"""Every kind of event a case's audit chain records — the names webhooks subscribe to.

One list (pure data: the case domain's, so webhooks read it without importing the case
services), kept complete by tests/unit/test_event_kinds.py, which reads every event kind
the case services pass to ``record`` (and the helpers that end in it) and compares.
``StepCompleted`` is recorded with its opinion: ``StepCompleted:pass``, ``:deny``, ``:other``.
"""

from __future__ import annotations

EVENT_KINDS: tuple[str, ...] = (
    "CaseSubmitted",
    "CaseReceived",
    "CaseAccepted",
    "CaseDeemedAccepted",
    "CaseRejected",
    "CaseDecided",
    "CaseConcluded",
    "CaseWithdrawn",
    "CaseEscalated",
    "CaseEscalatedIn",
    "SubcaseStarted",
    "SubcaseReceived",
    "LinkedCaseAnswered",
    "StepCompleted",
    "StepConcluded",
    "StepReturned",
    "ExternalResult",
    "SupplementRequested",
    "SupplementProvided",
    "SpecialProcedureStarted",
    "SpecialProcedureEnded",
    "ResultSealed",
    "ResultDelivered",
    "VerificationScheduled",
    "CommitmentVerified",
    "DecisionRevoked",
    "ServiceRated",
    "RatingAnswered",
    "ComplaintFiled",
    "ComplaintAnswered",
    "DeadlinesRecomputed",
)
STEP_OPINIONS = ("pass", "deny", "other")
"""The details of ``StepCompleted:<opinion>`` (``services.cases.steps.Opinion``)."""


def base_kind(kind: str) -> str:
    """``StepCompleted:pass`` → ``StepCompleted``; any other kind as it is."""
    return kind.partition(":")[0]


def subscribable() -> frozenset[str]:
    """What a webhook may name: every kind, ``StepCompleted:<opinion>``, and ``*``."""
    detailed = {f"StepCompleted:{opinion}" for opinion in STEP_OPINIONS}
    return frozenset(EVENT_KINDS) | detailed | {"*"}
