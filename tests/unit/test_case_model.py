"""The case model (core/cases/case.py) without a database: every status it may move to
from every status, and what each transition records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from tongban.core.cases.case import (
    ACTIVE,
    FINAL,
    PAUSED,
    Case,
    CaseStatus,
    PauseKind,
    Task,
    TaskStatus,
    Transition,
)
from tongban.core.cases.errors import (
    CaseTransitionRefused,
    NoPauseToEnd,
    PauseAlreadyOpen,
    TaskNotOpen,
)
from tongban.core.errors import ErrorCode, InvalidState

AT = dt.datetime(2026, 9, 1, 2, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(days=3)


def case(status: CaseStatus = CaseStatus.RECEIVED) -> Case:
    return Case(
        id=7,
        tenant_id=1,
        number="N-1",
        matter_id=1,
        matter_version=1,
        matter_code="M",
        matter_name="事项",
        implementation_code="I",
        department="D",
        status=status,
        applicant_name="申请人",
        applicant_id="X",
        applicant_kind="legal_person",
        received_at=AT,
        promised_days=20,
    )


def supplement(c: Case) -> None:
    c.pause(PauseKind.SUPPLEMENT, {"kind": "supplement", "started": "2026-09-01"}, AT)


def special(c: Case) -> None:
    c.pause(PauseKind.SPECIAL_PROCEDURE, {"kind": "special_procedure"}, AT)


def resume(c: Case) -> None:
    c.resume(LATER.date(), LATER)


MOVES: dict[str, tuple[Callable[[Case], None], frozenset[CaseStatus], CaseStatus]] = {
    # name: (the move, the statuses it is allowed from, where it leads)
    "accept": (lambda c: c.accept(AT), frozenset({CaseStatus.RECEIVED}), CaseStatus.PROCESSING),
    "reject": (
        lambda c: c.reject(AT, "材料不符"),
        frozenset({CaseStatus.RECEIVED, CaseStatus.SUPPLEMENTING}),
        CaseStatus.REJECTED,
    ),
    "supplement": (
        supplement,
        frozenset({CaseStatus.RECEIVED, CaseStatus.PROCESSING}),
        CaseStatus.SUPPLEMENTING,
    ),
    "special": (special, frozenset({CaseStatus.PROCESSING}), CaseStatus.SPECIAL_PROCEDURE),
    "withdraw": (lambda c: c.withdraw(AT), ACTIVE, CaseStatus.WITHDRAWN),
    "conclude": (lambda c: c.conclude(AT, "approved"), ACTIVE, CaseStatus.CONCLUDED),
    "revoke": (lambda c: c.revoke(AT), ACTIVE | {CaseStatus.CONCLUDED}, CaseStatus.REVOKED),
}


def test_the_one_list_of_states_and_its_named_sets() -> None:
    assert [s.value for s in CaseStatus] == [
        "received",
        "supplementing",
        "processing",
        "special_procedure",
        "concluded",
        "rejected",
        "withdrawn",
        "revoked",
    ]
    assert FINAL == {"concluded", "rejected", "withdrawn", "revoked"}
    assert PAUSED == {"supplementing", "special_procedure"}
    assert ACTIVE | FINAL == set(CaseStatus) and not ACTIVE & FINAL
    assert all(s.label for s in CaseStatus)
    assert CaseStatus.REVOKED.final and CaseStatus.SUPPLEMENTING.paused


@pytest.mark.parametrize("name", sorted(MOVES))
@pytest.mark.parametrize("start", list(CaseStatus))
def test_every_move_from_every_state(name: str, start: CaseStatus) -> None:
    move, allowed, to = MOVES[name]
    c = case(start)
    if start in allowed:
        move(c)
        assert c.status is to
        assert c.transitions == [Transition(start, to, AT)]
    else:
        with pytest.raises(CaseTransitionRefused) as refused:
            move(c)
        assert refused.value.code is ErrorCode.INVALID_STATE
        assert refused.value.data == {"number": "N-1", "status": start.value, "to": to}
        assert c.status is start and c.transitions == []


def test_what_the_transitions_record() -> None:
    c = case()
    c.accept(AT)
    assert c.accepted_at == AT and c.status is CaseStatus.PROCESSING
    c.conclude(LATER, "denied")
    assert (c.decision, c.decided_at, c.concluded_at) == ("denied", LATER, LATER)
    c.revoke(LATER)
    assert c.revoked_at == LATER
    assert [(t.before, t.after) for t in c.transitions] == [
        (CaseStatus.RECEIVED, CaseStatus.PROCESSING),
        (CaseStatus.PROCESSING, CaseStatus.CONCLUDED),
        (CaseStatus.CONCLUDED, CaseStatus.REVOKED),
    ]


def test_a_decision_taken_on_the_way_is_kept_at_conclusion() -> None:
    c = case(CaseStatus.PROCESSING)
    c.decision, c.decided_at = "approved", AT
    c.conclude(LATER, "denied")
    assert (c.decision, c.decided_at) == ("approved", AT)


def test_rejection_ends_the_case_with_its_reasons() -> None:
    c = case()
    c.reject(AT, "材料不符")
    assert (c.decision, c.decision_reason, c.concluded_at) == ("rejected", "材料不符", AT)
    assert c.final


def test_a_pause_remembers_the_status_it_interrupted() -> None:
    for start in (CaseStatus.RECEIVED, CaseStatus.PROCESSING):
        c = case(start)
        supplement(c)
        assert c.paused and c.pauses[-1]["resume_status"] == start.value
        before = c.pauses
        ended = c.resume(LATER.date(), LATER)
        assert ended["ended"] == "2026-09-04" and c.status is start
        assert before[-1].get("ended") is None  # a new list: the store sees the change


def test_one_pause_at_a_time_and_no_resume_without_one() -> None:
    c = case(CaseStatus.PROCESSING)
    c.pauses = [{"kind": "supplement", "started": "2026-09-01", "ended": None}]
    with pytest.raises(PauseAlreadyOpen):
        special(c)
    with pytest.raises(NoPauseToEnd) as refused:
        resume(case(CaseStatus.PROCESSING))
    assert isinstance(refused.value, InvalidState)
    assert refused.value.data == {"number": "N-1", "status": "processing"}


def test_check_pause_refuses_what_pause_would() -> None:
    c = case(CaseStatus.RECEIVED)
    with pytest.raises(CaseTransitionRefused):
        c.check_pause(PauseKind.SPECIAL_PROCEDURE)
    c.check_pause(PauseKind.SUPPLEMENT)
    assert c.status is CaseStatus.RECEIVED and c.pauses == []


def test_a_task_closes_once() -> None:
    task = Task(tenant_id=1, case_id=7, node_id="review", kind="task", opened_at=AT)
    assert task.is_open
    task.cancel(LATER)
    assert (task.status, task.completed_at) == (TaskStatus.CANCELLED, LATER)
    with pytest.raises(TaskNotOpen):
        task.done()
    done = Task(tenant_id=1, case_id=7, node_id="decide", kind="task", opened_at=AT)
    done.done()
    assert done.status is TaskStatus.DONE and done.completed_at is None


def test_every_case_error_renders_in_both_languages() -> None:
    refused = CaseTransitionRefused("N-1", "concluded", "processing")
    assert refused.message == "办件 N-1 状态为 concluded，不能转为 processing"
    assert refused.render("en") == "case N-1 is concluded: it cannot become processing"
    assert refused.reason == "CASE_TRANSITION_REFUSED"
