"""Stamping a case's dates — 承诺办结时间, step limits, 核查期限 — with whether they are 暂定.

A date computed over any day that only the provisional calendar decided is stored with its
``*_provisional`` flag set (core.cases.workdays). When the official arrangement arrives,
:func:`recompute` puts every such date of an open case on the new calendar and records one
``DeadlinesRecomputed`` event with the old and new dates and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tongban.core.cases.case import Task
from tongban.core.cases.clock import CaseClock, step_due
from tongban.services.cases.context import CaseContext
from tongban.services.cases.time import local_date

VERIFICATION_DAYS = 20
"""Working days after the decision within which a commitment is verified (核查)."""


def stamp_deadline(ctx: CaseContext) -> None:
    """承诺办结时间 from 受理 on, pauses after 受理 extending it (open ones up to today)."""
    if ctx.case.accepted_at is None:
        return
    accepted_on = local_date(ctx.case.accepted_at)
    counted = tuple(p for p in ctx.pauses if p.started >= accepted_on)
    clock = CaseClock(accepted_on, ctx.case.promised_days, counted)
    ctx.case.deadline = clock.deadline(ctx.calendar, ctx.today)
    ctx.case.deadline_provisional = ctx.calendar.provisional_between(accepted_on, ctx.case.deadline)


def stamp_step_due(ctx: CaseContext, task: Task) -> None:
    """A step's limit, counted from the day it opened."""
    opened_on = local_date(task.opened_at)
    task.due_on = step_due(ctx.calendar, opened_on, task.days, ctx.pauses, ctx.today)
    task.due_provisional = ctx.calendar.provisional_between(opened_on, task.due_on)


def shift_step_due(ctx: CaseContext, task: Task, shift: int) -> None:
    """A pause ended: the step's limit moves out by the working days it froze."""
    if task.due_on is None or not shift:
        return
    task.due_on = ctx.calendar.add(task.due_on, shift)
    task.due_provisional = ctx.calendar.provisional_between(local_date(task.opened_at), task.due_on)


def stamp_verification(ctx: CaseContext, decided_on: dt.date) -> None:
    ctx.case.verification_due = ctx.calendar.add(decided_on, VERIFICATION_DAYS)
    ctx.case.verification_due_provisional = ctx.calendar.provisional_between(
        decided_on, ctx.case.verification_due
    )


def has_provisional(ctx: CaseContext) -> bool:
    return (
        ctx.case.deadline_provisional
        or ctx.case.verification_due_provisional
        or any(t.due_provisional for t in ctx.open_tasks())
    )


def recompute(ctx: CaseContext, why: str) -> dict[str, Any] | None:
    """Put every 暂定 date of the case on the calendar as it is now; record what changed.

    Returns the event's payload, or None when nothing was provisional."""
    if not has_provisional(ctx):
        return None
    changes: list[dict[str, Any]] = []
    if ctx.case.deadline_provisional:
        old = ctx.case.deadline
        _restamp_deadline(ctx)
        changes.append(
            _change(
                "deadline", "承诺办结时间", old, ctx.case.deadline, ctx.case.deadline_provisional
            )
        )
    tasks = [t for t in ctx.open_tasks() if t.due_provisional]
    for task in tasks:
        old = task.due_on
        stamp_step_due(ctx, task)
        changes.append(
            _change(
                f"step:{task.node_id}",
                f"环节 {task.name} 时限",
                old,
                task.due_on,
                task.due_provisional,
            )
        )
    if ctx.case.verification_due_provisional and ctx.case.decided_at is not None:
        old = ctx.case.verification_due
        stamp_verification(ctx, local_date(ctx.case.decided_at))
        changes.append(
            _change(
                "verification_due",
                "告知承诺核查期限",
                old,
                ctx.case.verification_due,
                ctx.case.verification_due_provisional,
            )
        )
    payload = {"why": why, "changes": changes}
    ctx.record("DeadlinesRecomputed", payload)
    return payload


def _restamp_deadline(ctx: CaseContext) -> None:
    """A joint matter's sub-case shares the joint case's deadline (one receipt, one
    deadline); the joint case, older, has been recomputed first."""
    joint_id = ctx.case.joint_case_id
    joint = ctx.uow.cases.by_id(joint_id, lock=False) if joint_id else None
    if joint is None:
        stamp_deadline(ctx)
        return
    ctx.case.deadline = joint.deadline
    ctx.case.deadline_provisional = joint.deadline_provisional


def _change(
    field: str, label: str, old: dt.date | None, new: dt.date | None, provisional: bool
) -> dict[str, Any]:
    return {
        "field": field,
        "label": label,
        "old": old.isoformat() if old else None,
        "new": new.isoformat() if new else None,
        "provisional": provisional,
    }
