"""What a case command refuses, one class per condition (words: core/error_catalogue.py).

``code`` (the category) is what these conditions always answered; ``reason`` tells them
apart; ``data`` carries their fields by name.
"""

from __future__ import annotations

from collections.abc import Sequence

from tongban.core.errors import (
    ChainBroken,
    Conflict,
    Forbidden,
    InvalidDefinition,
    InvalidState,
    Violation,
)

# --- the case's state ------------------------------------------------------------------


class CaseTransitionRefused(InvalidState):
    """A status change the case's state does not allow (core.cases.case)."""

    reason = "CASE_TRANSITION_REFUSED"

    def __init__(self, number: str, status: str, to: str) -> None:
        super().__init__(number=number, status=status, to=to)


class CaseEnded(InvalidState):
    reason = "CASE_ENDED"

    def __init__(self, number: str, status: str, label: str) -> None:
        super().__init__(number=number, status=status, label=label)


class CasePaused(InvalidState):
    reason = "CASE_PAUSED"

    def __init__(self, number: str, status: str) -> None:
        super().__init__(number=number, status=status)


class PauseAlreadyOpen(InvalidState):
    reason = "PAUSE_ALREADY_OPEN"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


class NoPauseToEnd(InvalidState):
    reason = "NO_PAUSE_TO_END"

    def __init__(self, number: str, status: str) -> None:
        super().__init__(number=number, status=status)


class NotSupplementing(InvalidState):
    reason = "NOT_SUPPLEMENTING"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


class NotInSpecialProcedure(InvalidState):
    reason = "NOT_IN_SPECIAL_PROCEDURE"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


class NoCommitmentToVerify(InvalidState):
    reason = "NO_COMMITMENT_TO_VERIFY"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


# --- steps -----------------------------------------------------------------------------


class TaskNotOpen(InvalidState):
    reason = "TASK_NOT_OPEN"

    def __init__(self, node_id: str, status: str) -> None:
        super().__init__(node_id=node_id, status=status)


class StepNotOpen(Conflict):
    reason = "STEP_NOT_OPEN"

    def __init__(self, number: str, node_id: str) -> None:
        super().__init__(number=number, node_id=node_id)


class NoOpenStep(Conflict):
    """No open human step of a kind (accept, decide, conclude …)."""

    reason = "NO_OPEN_STEP"

    def __init__(self, number: str, step: str, status: str) -> None:
        super().__init__(number=number, step=step, status=status)


class NotAHumanStep(InvalidState):
    reason = "NOT_A_HUMAN_STEP"

    def __init__(self, node_id: str, kind: str) -> None:
        super().__init__(node_id=node_id, kind=kind)


class StepHasOwnCommand(InvalidState):
    reason = "STEP_HAS_OWN_COMMAND"

    def __init__(self, node_id: str, step: str, command: str) -> None:
        super().__init__(node_id=node_id, step=step, command=command)


class CannotReturnToIntake(InvalidState):
    reason = "CANNOT_RETURN_TO_INTAKE"

    def __init__(self, step: str, label: str) -> None:
        super().__init__(step=step, label=label)


class NotAnExternalStep(InvalidState):
    reason = "NOT_AN_EXTERNAL_STEP"

    def __init__(self, node_id: str) -> None:
        super().__init__(node_id=node_id)


# --- who may act -----------------------------------------------------------------------


class NotHandlingTenant(Forbidden):
    reason = "NOT_HANDLING_TENANT"

    def __init__(self, username: str, tenant: str) -> None:
        super().__init__(username=username, tenant=tenant)


class WrongRole(Forbidden):
    reason = "WRONG_ROLE"

    def __init__(self, username: str, node_id: str, role: str) -> None:
        super().__init__(username=username, node_id=node_id, role=role)


class WrongDepartment(Forbidden):
    reason = "WRONG_DEPARTMENT"

    def __init__(self, username: str, node_id: str, department: str) -> None:
        super().__init__(username=username, node_id=node_id, department=department)


class NotApplicantOrClerk(Forbidden):
    reason = "NOT_APPLICANT_OR_CLERK"

    def __init__(self, username: str) -> None:
        super().__init__(username=username)


class NoWorkableStep(Forbidden):
    reason = "NO_WORKABLE_STEP"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


class CannotPushExternal(Forbidden):
    reason = "CANNOT_PUSH_EXTERNAL"

    def __init__(self, username: str) -> None:
        super().__init__(username=username)


class CannotVerifyCommitment(Forbidden):
    reason = "CANNOT_VERIFY_COMMITMENT"

    def __init__(self, username: str) -> None:
        super().__init__(username=username)


# --- storage and links -----------------------------------------------------------------


class CaseChangedMeanwhile(Conflict):
    reason = "CASE_CHANGED_MEANWHILE"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


class CaseRowsNotWritable(Forbidden):
    reason = "CASE_ROWS_NOT_WRITABLE"

    def __init__(self, tenant_id: int) -> None:
        super().__init__(tenant_id=tenant_id)


class IdempotencyKeyReused(Conflict):
    reason = "IDEMPOTENCY_KEY_REUSED"

    def __init__(self, key: str, case: str) -> None:
        super().__init__(idempotencyKey=key, case=case)


class NoEscalationTarget(InvalidState):
    reason = "NO_ESCALATION_TARGET"

    def __init__(self, node_id: str, tenant: str, level: str) -> None:
        super().__init__(node_id=node_id, tenant=tenant, level=level)


class EscalationTargetUnpublished(InvalidState):
    reason = "ESCALATION_TARGET_UNPUBLISHED"

    def __init__(self, node_id: str, target_name: str, target: str, matter: str) -> None:
        super().__init__(node_id=node_id, target_name=target_name, target=target, matter=matter)


class LinkedCaseMissing(InvalidState):
    reason = "LINKED_CASE_MISSING"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


class LinkedCaseNotWaiting(InvalidState):
    reason = "LINKED_CASE_NOT_WAITING"

    def __init__(self, waiting: str, node_id: str, number: str) -> None:
        super().__init__(waiting=waiting, node_id=node_id, number=number)


class NoSealedOpinion(InvalidState):
    """A 上报件's final level kept no sealed opinion for the initial level to decide on."""

    reason = "NO_SEALED_OPINION"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


class CaseChainBroken(ChainBroken):
    """The case's audit chain does not verify: it takes no command (an alert is raised)."""

    reason = "CASE_CHAIN_BROKEN"

    def __init__(self, case: str, problem: str) -> None:
        super().__init__(case=case, problem=problem)


# --- after the case: ratings, complaints, alerts ---------------------------------------


class NotConcludedYet(InvalidState):
    reason = "NOT_CONCLUDED_YET"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


class AlreadyRated(Conflict):
    reason = "ALREADY_RATED"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


class NoRatingFollowup(InvalidState):
    reason = "NO_RATING_FOLLOWUP"

    def __init__(self, number: str) -> None:
        super().__init__(number=number)


class CannotAnswerRating(Forbidden):
    reason = "CANNOT_ANSWER_RATING"

    def __init__(self, username: str) -> None:
        super().__init__(username=username)


class CannotAnswerComplaint(Forbidden):
    reason = "CANNOT_ANSWER_COMPLAINT"

    def __init__(self, username: str) -> None:
        super().__init__(username=username)


class NotOwnAlert(Forbidden):
    reason = "NOT_OWN_ALERT"

    def __init__(self, alert_id: int) -> None:
        super().__init__(alert_id=alert_id)


# --- what a command was given: its violations, listed -----------------------------------


class ApplicationInvalid(InvalidDefinition):
    """An application's form, materials or applicant have problems: every one at once."""

    reason = "APPLICATION_INVALID"

    def __init__(self, violations: Sequence[Violation]) -> None:
        self._take(violations)


class SupplementListInvalid(InvalidDefinition):
    reason = "SUPPLEMENT_LIST_INVALID"

    def __init__(self, violations: Sequence[Violation], number: str) -> None:
        self._take(violations, number=number)


class SupplementIncomplete(InvalidDefinition):
    reason = "SUPPLEMENT_INCOMPLETE"

    def __init__(self, violations: Sequence[Violation], number: str) -> None:
        self._take(violations, number=number)


class CaseInputInvalid(InvalidDefinition):
    """A case command's own input (reasons, a rating level, a procedure kind …)."""

    reason = "CASE_INPUT_INVALID"

    def __init__(self, violations: Sequence[Violation]) -> None:
        self._take(violations)


class PinnedVersionUnrunnable(InvalidDefinition):
    """The implementation version a case is pinned to no longer parses (or its flow)."""

    reason = "PINNED_VERSION_UNRUNNABLE"

    def __init__(self, violations: Sequence[Violation], matter: str, version: int) -> None:
        self._take(violations, matter=matter, version=version)
