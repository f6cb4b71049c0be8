"""补正 and 特别程序: the two things that pause the clock.

A supplement request lists every missing or defective item at once (一次性告知); the clock
pauses until the applicant provides them. Special procedures (听证, 检验, 专家评审…, 行政许可法
第45条) pause it too; when a pause ends the deadline and the open steps' due dates move out
by the working days it lasted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.case import CaseStatus, PauseKind, TaskKind
from tongban.core.cases.clock import Pause
from tongban.core.cases.errors import (
    CaseInputInvalid,
    NotInSpecialProcedure,
    NotSupplementing,
    NoWorkableStep,
    SupplementIncomplete,
    SupplementListInvalid,
)
from tongban.core.errors import Forbidden, Violation
from tongban.core.forms import validate_form_data
from tongban.services.actors import Actor
from tongban.services.cases import alerts, deadlines, runtime
from tongban.services.cases.runtime import CaseContext, CaseEnv, pause_from_json, pause_to_json
from tongban.services.cases.views import CaseView

SPECIAL_PROCEDURES = {
    "hearing": "听证",
    "tender": "招标",
    "auction": "拍卖",
    "inspection": "检验",
    "testing": "检测",
    "quarantine": "检疫",
    "appraisal": "鉴定",
    "expert_review": "专家评审",
    "extension": "延长审批",
}


@dataclass(frozen=True)
class SupplementItem:
    target: str  # a material code, or a JSON pointer into the form data ("/applicant/phone")
    reason: str


def request_supplement(
    uow: UnitOfWork, env: CaseEnv, actor: Actor, number: str, items: Sequence[SupplementItem]
) -> CaseView:
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    ctx.case.check_pause(PauseKind.SUPPLEMENT)
    _require_some_open_step(ctx)
    problems = _check_items(ctx, items)
    if problems:
        raise SupplementListInvalid(problems, number)
    _pause(ctx, PauseKind.SUPPLEMENT, reason="；".join(i.reason for i in items))
    ctx.case.pauses[-1]["items"] = [{"target": i.target, "reason": i.reason} for i in items]
    ctx.case.supplement_count += 1
    ctx.record(
        "SupplementRequested",
        {"round": ctx.case.supplement_count, "items": ctx.case.pauses[-1]["items"]},
    )
    threshold = ctx.tenant.supplement_alert_threshold
    if ctx.case.supplement_count > threshold:
        alerts.raise_once(
            uow,
            ctx.case,
            "SUPPLEMENT_EXCEEDED",
            "",
            f"办件 {number} 已补正 {ctx.case.supplement_count} 次，超过 {threshold} 次",
            ctx.now,
        )
    return ctx.commit()


def provide_supplement(
    uow: UnitOfWork,
    env: CaseEnv,
    actor: Actor,
    number: str,
    materials: Sequence[str],
    form_data: Mapping[str, Any] | None = None,
) -> CaseView:
    """ProvideSupplement: every requested material must now be there; the form is re-checked."""
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    runtime.require_applicant(ctx)
    if ctx.case.status is not CaseStatus.SUPPLEMENTING:
        raise NotSupplementing(number)
    requested = ctx.case.pauses[-1].get("items", [])
    given = set(ctx.case.materials) | set(materials)
    data = dict(form_data) if form_data is not None else dict(ctx.case.form_data)
    known = {m.code for m in ctx.pinned.doc.spec.materials}
    problems = [
        Violation("SUPPLEMENT_MISSING", f"/items/{i}", f"仍缺少补正材料 {item['target']}")
        for i, item in enumerate(requested)
        if item["target"] in known and item["target"] not in given
    ]
    problems += [
        v.under("/form_data")
        for v in validate_form_data(ctx.pinned.doc.spec.form, data, env.schemas.forms)
    ]
    if problems:
        raise SupplementIncomplete(problems, number)
    ctx.case.materials = sorted(given)
    ctx.case.form_data = data
    _resume(ctx, "SupplementProvided", {"materials": sorted(materials)})
    return ctx.commit()


def start_special_procedure(
    uow: UnitOfWork,
    env: CaseEnv,
    actor: Actor,
    number: str,
    kind: str,
    reason: str,
    expected_days: int,
) -> CaseView:
    if kind not in SPECIAL_PROCEDURES:
        raise CaseInputInvalid(
            [
                Violation(
                    "SPECIAL_PROCEDURE_KIND",
                    "/kind",
                    f"未知的特别程序 {kind}，可选：" + "、".join(SPECIAL_PROCEDURES),
                )
            ]
        )
    if not reason.strip() or expected_days < 0:
        raise CaseInputInvalid(
            [Violation("SPECIAL_PROCEDURE", "/reason", "特别程序须说明理由和预计时长")]
        )
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    ctx.case.check_pause(PauseKind.SPECIAL_PROCEDURE)
    _require_some_open_step(ctx)
    _pause(ctx, PauseKind.SPECIAL_PROCEDURE, reason=reason, expected_days=expected_days, label=kind)
    ctx.record(
        "SpecialProcedureStarted",
        {
            "kind": kind,
            "label": SPECIAL_PROCEDURES[kind],
            "reason": reason,
            "expected_days": expected_days,
        },
    )
    return ctx.commit()


def end_special_procedure(
    uow: UnitOfWork, env: CaseEnv, actor: Actor, number: str, result: str
) -> CaseView:
    ctx = runtime.load(uow, env, number, actor)
    runtime.require_active(ctx)
    if ctx.case.status is not CaseStatus.SPECIAL_PROCEDURE:
        raise NotInSpecialProcedure(number)
    _require_some_open_step(ctx)
    _resume(ctx, "SpecialProcedureEnded", {"result": result})
    return ctx.commit()


def _pause(
    ctx: CaseContext,
    kind: PauseKind,
    *,
    reason: str,
    expected_days: int | None = None,
    label: str | None = None,
) -> None:
    entry = pause_to_json(Pause(kind.value, ctx.today, None, reason, expected_days))
    if label:
        entry["label"] = label
    ctx.case.pause(kind, entry, ctx.now)


def _resume(ctx: CaseContext, event: str, payload: Mapping[str, Any]) -> None:
    pause = pause_from_json(ctx.case.resume(ctx.today, ctx.now))
    shift = ctx.calendar.count(pause.started, ctx.today)
    if ctx.case.accepted_at is not None:
        deadlines.stamp_deadline(ctx)
        for task in ctx.open_tasks():
            deadlines.shift_step_due(ctx, task, shift)
    ctx.record(event, {**payload, "paused_working_days": shift, "deadline": _iso(ctx)})


def _iso(ctx: CaseContext) -> str | None:
    return ctx.case.deadline.isoformat() if ctx.case.deadline else None


def _check_items(ctx: CaseContext, items: Sequence[SupplementItem]) -> list[Violation]:
    if not items:
        return [Violation("SUPPLEMENT_EMPTY", "/items", "补正清单不能为空：须一次性告知全部内容")]
    known = {m.code for m in ctx.pinned.doc.spec.materials}
    problems = []
    for index, item in enumerate(items):
        if item.target not in known and not item.target.startswith("/"):
            problems.append(
                Violation(
                    "SUPPLEMENT_TARGET",
                    f"/items/{index}/target",
                    f"{item.target!r} 既不是本事项的材料编码，也不是表单字段路径",
                )
            )
        if not item.reason.strip():
            problems.append(
                Violation("SUPPLEMENT_REASON", f"/items/{index}/reason", "须说明补正原因")
            )
    return problems


def _require_some_open_step(ctx: CaseContext) -> None:
    """The actor must be able to work on at least one of the case's open human steps."""
    last: Forbidden | None = None
    for task in ctx.open_tasks():
        if task.kind != TaskKind.TASK:
            continue
        try:
            runtime.require_step_actor(ctx, task)
        except Forbidden as exc:
            last = exc
            continue
        return
    raise last or NoWorkableStep(ctx.case.number)
