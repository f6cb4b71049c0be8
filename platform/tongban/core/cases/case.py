"""The case (办件) and its tasks as plain objects: the one list of their states and the
moves between them.

A status changes only through a transition method here; each checks the move is allowed
(``CaseTransitionRefused`` names from and to) and appends it to ``Case.transitions``. Fields
other than the status (dates, decision, form data …) are set by the services directly; the
case store writes back whatever differs from what it read (adapters/db/case_store.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tongban.core.cases.errors import (
    CaseTransitionRefused,
    NoPauseToEnd,
    PauseAlreadyOpen,
    TaskNotOpen,
)


class CaseStatus(StrEnum):
    """The one list of a case's states (stored as their values)."""

    RECEIVED = "received"  # 待受理 (收件 done)
    SUPPLEMENTING = "supplementing"  # 补正中: the clock is paused
    PROCESSING = "processing"  # 办理中 (受理 done)
    SPECIAL_PROCEDURE = "special_procedure"  # 特别程序: the clock is paused
    CONCLUDED = "concluded"  # 办结
    REJECTED = "rejected"  # 不予受理
    WITHDRAWN = "withdrawn"  # 撤回
    REVOKED = "revoked"  # 撤销 (a commitment found false)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def final(self) -> bool:
        return self in FINAL

    @property
    def paused(self) -> bool:
        return self in PAUSED


STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.RECEIVED: "待受理",
    CaseStatus.PROCESSING: "办理中",
    CaseStatus.SUPPLEMENTING: "补正中",
    CaseStatus.SPECIAL_PROCEDURE: "特别程序",
    CaseStatus.CONCLUDED: "办结",
    CaseStatus.REJECTED: "不予受理",
    CaseStatus.WITHDRAWN: "撤回",
    CaseStatus.REVOKED: "撤销",
}
FINAL = frozenset(
    {CaseStatus.CONCLUDED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN, CaseStatus.REVOKED}
)
"""A case in one of these takes no more commands (but a concluded one may be revoked)."""
PAUSED = frozenset({CaseStatus.SUPPLEMENTING, CaseStatus.SPECIAL_PROCEDURE})
"""The clock stands still: no step can be worked."""
ACTIVE = frozenset(CaseStatus) - FINAL
"""Still under way: what supervision sweeps and deadline recomputation look at."""


class PauseKind(StrEnum):
    SUPPLEMENT = "supplement"  # 补正
    SPECIAL_PROCEDURE = "special_procedure"  # 特别程序


PAUSE_STATUS = {
    PauseKind.SUPPLEMENT: CaseStatus.SUPPLEMENTING,
    PauseKind.SPECIAL_PROCEDURE: CaseStatus.SPECIAL_PROCEDURE,
}

# the moves each transition may make: (allowed from, to)
ACCEPT = frozenset({CaseStatus.RECEIVED})
REJECT = frozenset({CaseStatus.RECEIVED, CaseStatus.SUPPLEMENTING})
PAUSE_FROM = {
    PauseKind.SUPPLEMENT: frozenset({CaseStatus.RECEIVED, CaseStatus.PROCESSING}),
    PauseKind.SPECIAL_PROCEDURE: frozenset({CaseStatus.PROCESSING}),
}
REVOKE = ACTIVE | {CaseStatus.CONCLUDED}


class Decision(StrEnum):
    APPROVED = "approved"
    DENIED = "denied"
    REJECTED = "rejected"  # 不予受理: no decision on the merits


@dataclass(frozen=True)
class Transition:
    """One status change, as the case records it."""

    before: CaseStatus
    after: CaseStatus
    at: dt.datetime


@dataclass(kw_only=True, eq=False)
class Case:
    """办件. ``tenant_id`` is the tenant that holds (handles) it; ``id`` is None until
    stored. Field names are the ``case`` table's columns."""

    id: int | None = None
    tenant_id: int
    number: str
    matter_id: int
    matter_version: int
    matter_code: str
    matter_name: str
    implementation_code: str
    department: str
    status: CaseStatus = CaseStatus.RECEIVED
    applicant_name: str
    applicant_id: str
    applicant_kind: str
    form_data: dict[str, Any] = field(default_factory=dict)
    materials: list[Any] = field(default_factory=list)
    flow_state: dict[str, Any] = field(default_factory=dict)
    pauses: list[dict[str, Any]] = field(default_factory=list)
    idempotency_key: str | None = None
    received_at: dt.datetime
    accepted_at: dt.datetime | None = None
    promised_days: int
    deadline: dt.date | None = None
    deadline_provisional: bool = False
    supplement_count: int = 0
    decision: str | None = None
    decision_reason: str | None = None
    decided_at: dt.datetime | None = None
    concluded_at: dt.datetime | None = None
    origin_case_id: int | None = None
    joint_case_id: int | None = None
    parent_node: str | None = None
    initial_opinion: str | None = None
    notify_and_commit: bool = False
    verification_due: dt.date | None = None
    verification_due_provisional: bool = False
    revoked_at: dt.datetime | None = None
    row_version: int = 1
    audit_seq: int = 0
    audit_head: str = "0" * 64
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    transitions: list[Transition] = field(default_factory=list, repr=False)

    # --- reading ---------------------------------------------------------------------

    @property
    def final(self) -> bool:
        return self.status in FINAL

    @property
    def paused(self) -> bool:
        return self.status in PAUSED

    @property
    def key(self) -> int:
        """The stored case's id (a case not stored yet has none: a programming error)."""
        if self.id is None:
            raise RuntimeError(f"case {self.number} is not stored yet")
        return self.id

    @property
    def linked_id(self) -> int | None:
        """The case this one answers: its escalation origin or its joint case."""
        return self.origin_case_id or self.joint_case_id

    @property
    def open_pause(self) -> dict[str, Any] | None:
        if self.pauses and self.pauses[-1].get("ended") is None:
            return self.pauses[-1]
        return None

    # --- transitions -----------------------------------------------------------------

    def accept(self, at: dt.datetime) -> None:
        """受理: the promised deadline runs from ``at`` (the caller stamps it)."""
        self._move(ACCEPT, CaseStatus.PROCESSING, at)
        self.accepted_at = at

    def reject(self, at: dt.datetime, reason: str) -> None:
        """不予受理, with the reasons: ends the case."""
        self._move(REJECT, CaseStatus.REJECTED, at)
        self.decision = Decision.REJECTED.value
        self.decision_reason = reason
        self.concluded_at = at

    def pause(self, kind: PauseKind, entry: dict[str, Any], at: dt.datetime) -> None:
        """Stop the clock (补正, 特别程序); ``entry`` is the stored pause (its JSON form),
        kept with the status to come back to."""
        self.check_pause(kind)
        before = self.status
        self._move(PAUSE_FROM[kind], PAUSE_STATUS[kind], at)
        self.pauses = [*self.pauses, {**entry, "resume_status": before.value}]

    def check_pause(self, kind: PauseKind) -> None:
        """Refuse what ``pause`` would refuse, before anything else is done."""
        if self.status not in PAUSE_FROM[kind]:
            raise CaseTransitionRefused(self.number, self.status.value, PAUSE_STATUS[kind].value)
        if self.open_pause is not None:
            raise PauseAlreadyOpen(self.number)

    def resume(self, ended: dt.date, at: dt.datetime) -> dict[str, Any]:
        """End the open pause on ``ended``: the status it interrupted again. The pause."""
        if self.open_pause is None or not self.paused:
            raise NoPauseToEnd(self.number, self.status.value)
        pauses = [dict(p) for p in self.pauses]
        last = pauses[-1]
        last["ended"] = ended.isoformat()
        self.pauses = pauses
        self._move(frozenset({self.status}), CaseStatus(last["resume_status"]), at)
        return last

    def withdraw(self, at: dt.datetime) -> None:
        """撤回 by the applicant, before the case ends."""
        self._move(ACTIVE, CaseStatus.WITHDRAWN, at)
        self.concluded_at = at

    def conclude(self, at: dt.datetime, decision: str | None = None) -> None:
        """办结: the flow reached its end; ``decision`` if none was taken on the way."""
        self._move(ACTIVE, CaseStatus.CONCLUDED, at)
        if self.decision is None and decision is not None:
            self.decision = decision
            self.decided_at = at
        self.concluded_at = at

    def revoke(self, at: dt.datetime) -> None:
        """撤销: the commitment the approval rested on was found false."""
        self._move(REVOKE, CaseStatus.REVOKED, at)
        self.revoked_at = at

    def _move(self, allowed: frozenset[CaseStatus], to: CaseStatus, at: dt.datetime) -> None:
        before = self.status
        if before not in allowed:
            raise CaseTransitionRefused(self.number, before.value, to.value)
        self.status = to
        self.transitions.append(Transition(before, to, at))


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskKind(StrEnum):
    TASK = "task"  # a human step
    EXTERNAL = "external"  # a result another system pushes
    ESCALATE = "escalate"  # waits for a case at a higher level
    SUBFLOW = "subflow"  # waits for a joint matter's sub-case


@dataclass(kw_only=True, eq=False)
class Task:
    """A node the case waits on. Field names are the ``case_task`` table's columns."""

    id: int | None = None
    tenant_id: int
    case_id: int
    node_id: str
    kind: str
    step: str | None = None
    name: str = ""
    department: str | None = None
    role: str | None = None
    status: TaskStatus = TaskStatus.OPEN
    opened_at: dt.datetime
    days: int = 0
    due_on: dt.date | None = None
    due_provisional: bool = False
    completed_at: dt.datetime | None = None
    completed_by: str | None = None
    outcome: str | None = None
    opinion: str | None = None
    linked_case_id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status is TaskStatus.OPEN

    def done(self) -> None:
        """The flow moved past it (its completion is recorded by whoever completed it)."""
        self._close(TaskStatus.DONE)

    def cancel(self, at: dt.datetime) -> None:
        """The flow no longer waits on it (a branch decided, the case ended)."""
        self._close(TaskStatus.CANCELLED)
        self.completed_at = at

    def _close(self, to: TaskStatus) -> None:
        if self.status is not TaskStatus.OPEN:
            raise TaskNotOpen(self.node_id, self.status.value)
        self.status = to
