"""电子监察: the periodic sweep, urging (督办) and resolution of alerts.

The sweep raises time-based alerts and deemed acceptances. Each case is checked in its own
transaction under its row lock, and every alert has a unique (case, kind, subject) key, so a
sweep run twice — or two sweeps at once — raises nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.case_models import Case as CaseRow
from tongban.adapters.db.case_models import CaseTask, Rating, SupervisionAlert
from tongban.adapters.db.unit_of_work import Database, UnitOfWork
from tongban.core.cases.case import (
    ACTIVE,
    FINAL,
    Case,
    CaseStatus,
    Decision,
    Task,
    TaskKind,
    TaskStatus,
)
from tongban.core.cases.errors import NotOwnAlert
from tongban.core.errors import NotFound, TongbanError
from tongban.core.roles import Role
from tongban.core.tenancy import Level
from tongban.services.actors import Actor
from tongban.services.cases import alerts, chain_guard, dispatch, runtime
from tongban.services.cases.intake import deem_accepted_if_due
from tongban.services.cases.runtime import CaseContext, CaseEnv
from tongban.services.cases.time import local_date

LINK_KINDS = (TaskKind.ESCALATE, TaskKind.SUBFLOW)  # tasks that wait for a linked case's result
INITIAL_REVIEW_DAYS = 20  # 行政许可法第43条: the lower level finishes review within 20 days
SUPERVISOR = Actor("system:supervision", "", frozenset({Role.SUPERVISOR}))


@dataclass
class SweepSummary:
    checked: int = 0
    deemed_accepted: list[str] = field(default_factory=list)
    raised: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # case number -> why it was skipped

    def describe(self) -> str:
        raised = ", ".join(f"{k} {v}" for k, v in sorted(self.raised.items())) or "none"
        errors = "".join(f"\n  skipped {n}: {why}" for n, why in sorted(self.errors.items()))
        return (
            f"checked {self.checked} case(s); deemed accepted {len(self.deemed_accepted)}; "
            f"alerts raised: {raised}{errors}"
        )


def sweep(db: Database, env: CaseEnv, tenant_code: str | None = None) -> SweepSummary:
    """Check every active case (of one tenant's subtree, or all)."""
    with platform_unit_of_work(db, "supervision sweep") as uow:
        pending_followup = select(Rating.case_id).where(
            Rating.followup_due.is_not(None), Rating.answered_at.is_(None)
        )
        query = select(CaseRow.number, CaseRow.tenant_id).where(
            CaseRow.status.in_([s.value for s in ACTIVE])
            | CaseRow.verification_due.is_not(None)
            | CaseRow.id.in_(pending_followup)
        )
        if tenant_code is not None:
            root = uow.tenants.get(tenant_code)
            ids = [t.id for t in uow.tenants.subtree(root)]
            query = query.where(CaseRow.tenant_id.in_(ids))
        work = [(number, uow.tenants.by_id(tid).code) for number, tid in uow.session.execute(query)]
    summary = SweepSummary()
    for number, code in work:
        try:
            _sweep_case(db, env, number, code, summary)
        except TongbanError as exc:  # e.g. no calendar for 2027 yet: say so, go on
            summary.errors[number] = exc.message
    return summary


def _sweep_case(db: Database, env: CaseEnv, number: str, code: str, summary: SweepSummary) -> None:
    with db.for_tenant(code) as uow:
        _walk_chain(uow, env, number, summary)
        ctx = runtime.load(uow, env, number, SUPERVISOR)
        summary.checked += 1
        deemed = ctx.case.status in ACTIVE and deem_accepted_if_due(ctx)
        raised = answer_lost_links(ctx) + check_case(ctx)
        uow.commit()
    if deemed:
        summary.deemed_accepted.append(number)
    for kind in raised:
        summary.raised[kind] = summary.raised.get(kind, 0) + 1


def _walk_chain(uow: UnitOfWork, env: CaseEnv, number: str, summary: SweepSummary) -> None:
    """The full walk of the case's audit chain (commands only check its head): a broken
    chain raises ``AUDIT_CHAIN_BROKEN`` once and the case is skipped (``ChainBroken``)."""
    case = uow.cases.by_number(number)
    if case is None:
        return
    problems = chain_guard.full_problems(uow, case)
    if problems:
        first = str(problems[0]) + (f" (+{len(problems) - 1})" if len(problems) > 1 else "")
        if chain_guard.raise_alert(uow, case, first, env.now()):
            summary.raised[chain_guard.ALERT] = summary.raised.get(chain_guard.ALERT, 0) + 1
        raise chain_guard.broken(case, first)


def check_case(ctx: CaseContext) -> list[str]:
    """The time-based alerts this case deserves now and has not had; raises them."""
    raised = []
    today, case = ctx.today, ctx.case
    for task in ctx.open_tasks():
        if task.due_on is not None and today > task.due_on and case.status is CaseStatus.PROCESSING:
            if alerts.raise_once(
                ctx.uow,
                case,
                "STEP_OVERDUE",
                task.node_id,
                f"办件 {case.number} 环节 {task.name} 已超过环节时限 {task.due_on}",
                ctx.now,
            ):
                raised.append("STEP_OVERDUE")
    if case.deadline is not None and case.status is CaseStatus.PROCESSING:
        if today > case.deadline and case.deadline_provisional:
            if alerts.raise_once(
                ctx.uow,
                case,
                "CASE_OVERDUE_PROVISIONAL",
                case.deadline.isoformat(),
                f"办件 {case.number} 已过暂定承诺办结时间 {case.deadline}；该日期按法定节假日"
                "规则推算，待载入正式放假安排后确认，不出红牌",
                ctx.now,
            ):
                raised.append("CASE_OVERDUE_PROVISIONAL")
        elif today > case.deadline:
            if alerts.raise_once(
                ctx.uow,
                case,
                "CASE_OVERDUE",
                "",
                f"办件 {case.number} 已超过承诺办结时间 {case.deadline}（红牌）",
                ctx.now,
            ):
                raised.append("CASE_OVERDUE")
        elif ctx.calendar.count(today, case.deadline) <= ctx.tenant.near_limit_days:
            if alerts.raise_once(
                ctx.uow,
                case,
                "CASE_NEAR_LIMIT",
                "",
                f"办件 {case.number} 临近承诺办结时间 {case.deadline}（黄牌）",
                ctx.now,
            ):
                raised.append("CASE_NEAR_LIMIT")
    if case.verification_due is not None and today > case.verification_due:
        if alerts.raise_once(
            ctx.uow,
            case,
            "VERIFICATION_OVERDUE",
            "",
            f"办件 {case.number} 告知承诺核查已逾期（应于 {case.verification_due} 前核查）",
            ctx.now,
        ):
            raised.append("VERIFICATION_OVERDUE")
    rating = ctx.uow.session.scalar(select(Rating).where(Rating.case_id == case.id))
    if (
        rating
        and rating.followup_due
        and rating.answered_at is None
        and today > rating.followup_due
    ):
        if alerts.raise_once(
            ctx.uow,
            case,
            "FOLLOWUP_OVERDUE",
            "",
            f"办件 {case.number} 的差评未在 {rating.followup_due} 前回访整改",
            ctx.now,
        ):
            raised.append("FOLLOWUP_OVERDUE")
    if _forwarding_late(ctx):
        if alerts.raise_once(
            ctx.uow,
            case,
            "LATE_FORWARDING",
            "",
            f"办件 {case.number} 初审已超过 {INITIAL_REVIEW_DAYS} 个工作日仍未上报",
            ctx.now,
        ):
            raised.append("LATE_FORWARDING")
    return raised


def _forwarding_late(ctx: CaseContext) -> bool:
    chain = ctx.pinned.doc.spec.approval_chain
    if not chain.escalates or Level(ctx.tenant.level) != chain.initial:
        return False
    if ctx.case.accepted_at is None or ctx.case.status is not CaseStatus.PROCESSING:
        return False
    escalated = ctx.uow.session.scalar(
        select(CaseTask.id).where(CaseTask.case_id == ctx.case.id, CaseTask.kind == "escalate")
    )
    if escalated is not None:
        return False
    accepted = local_date(ctx.case.accepted_at)
    return ctx.calendar.count(accepted, ctx.today) > INITIAL_REVIEW_DAYS


DECISION_LABELS = {
    Decision.APPROVED.value: "准予许可",
    Decision.DENIED.value: "不予许可",
    Decision.REJECTED.value: "不予受理",
}


def answer_lost_links(ctx: CaseContext) -> list[str]:
    """Self-healing: a task waiting on a linked case (``escalate``, ``subflow``) whose case
    has ended with a result that never came back gets that result now, and one
    ``LINK_ANSWER_RECOVERED`` alert says so. The task is then no longer open, so the next
    sweep finds nothing; the alert's unique key is the wall."""
    raised = []
    for task in ctx.open_tasks():
        linked = _ended_link(ctx, task)
        if linked is None:
            continue
        dispatch.answer(ctx, task, linked, "LinkedCaseAnswered")
        if alerts.raise_once(
            ctx.uow,
            ctx.case,
            "LINK_ANSWER_RECOVERED",
            task.node_id,
            _recovered_message(ctx.case, linked),
            ctx.now,
        ):
            raised.append("LINK_ANSWER_RECOVERED")
    return raised


def _ended_link(ctx: CaseContext, task: Task) -> Case | None:
    """The case ``task`` waits for, if it has ended with a decision. Read without a lock:
    an ended case does not change, and a command ending it locks it before this case, so
    locking it here, under this case's lock, could deadlock with that command."""
    if (
        task.status is not TaskStatus.OPEN
        or task.kind not in LINK_KINDS
        or task.linked_case_id is None
    ):
        return None
    linked = ctx.uow.cases.by_link(task.linked_case_id, lock=False)
    if linked is None or linked.status not in FINAL or linked.decision is None:
        return None
    return linked


def _recovered_message(case: Case, linked: Case) -> str:
    ended = local_date(linked.concluded_at) if linked.concluded_at else "此前"
    return (
        f"办件 {case.number} 等待的关联办件 {linked.number} 已于 {ended} 办结"
        f"（{DECISION_LABELS.get(linked.decision or '', linked.decision)}），结果未交回；"
        f"电子监察已补交，本办件继续办理"
    )


@dataclass(frozen=True)
class AlertView:
    id: int
    case_number: str
    tenant_code: str
    kind: str
    subject: str
    level: str
    message: str
    raised_at: dt.datetime
    status: str
    urge_note: str | None
    resolution: str | None

    @classmethod
    def of(cls, alert: SupervisionAlert, case_number: str, tenant_code: str) -> AlertView:
        return cls(
            alert.id,
            case_number,
            tenant_code,
            alert.kind,
            alert.subject,
            alert.level,
            alert.message,
            alert.raised_at,
            alert.status,
            alert.urge_note,
            alert.resolution,
        )


def list_alerts(
    uow: UnitOfWork, *, subtree: bool = True, status: str | None = None
) -> list[AlertView]:
    """The unit of work's tenant's alerts, and with ``subtree`` its descendants' (never an
    ancestor's or a sibling's)."""
    assert uow.tenant is not None
    me = uow.tenants.get(uow.tenant.code)
    ids = [t.id for t in uow.tenants.subtree(me)] if subtree else [me.id]
    query = (
        select(SupervisionAlert, CaseRow.number)
        .join(CaseRow, CaseRow.id == SupervisionAlert.case_id)
        .where(SupervisionAlert.tenant_id.in_(ids))
        .order_by(SupervisionAlert.raised_at, SupervisionAlert.id)
    )
    if status:
        query = query.where(SupervisionAlert.status == status)
    codes = {t.id: t.code for t in uow.tenants.subtree(me)}
    return [AlertView.of(a, number, codes[a.tenant_id]) for a, number in uow.session.execute(query)]


def urge_alert(uow: UnitOfWork, actor: Actor, alert_id: int, note: str, now: dt.datetime) -> None:
    """督办: a supervisor of the alert's tenant or of an ancestor urges its resolution."""
    assert uow.tenant is not None
    actor.require(Role.SUPERVISOR, uow.tenant.code)
    alert = _alert_in_subtree(uow, alert_id)
    alert.status = "urged" if alert.status == "open" else alert.status
    alert.urged_at, alert.urged_by, alert.urge_note = now, actor.username, note
    uow.grant_write(alert.tenant_id)
    uow.commit()


def resolve_alert(
    uow: UnitOfWork, actor: Actor, alert_id: int, resolution: str, now: dt.datetime
) -> None:
    """The handling tenant (its admin) records how the alert was resolved."""
    assert uow.tenant is not None
    actor.require(Role.ADMIN, uow.tenant.code)
    me = uow.tenants.get(uow.tenant.code)
    alert = _alert_in_subtree(uow, alert_id)
    if alert.tenant_id != me.id:
        raise NotOwnAlert(alert_id)
    alert.status = "resolved"
    alert.resolved_at, alert.resolved_by, alert.resolution = now, actor.username, resolution
    uow.commit()


def _alert_in_subtree(uow: UnitOfWork, alert_id: int) -> SupervisionAlert:
    assert uow.tenant is not None
    me = uow.tenants.get(uow.tenant.code)
    ids = {t.id for t in uow.tenants.subtree(me)}
    alert = uow.session.get(SupervisionAlert, alert_id)
    if alert is None or alert.tenant_id not in ids:
        raise NotFound("alert", alert_id)
    return alert
