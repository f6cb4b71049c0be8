"""Chinese labels and formatting for the case pages: statuses, events, alerts, times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tongban.adapters.web.presenters import NODE_KIND_LABELS
from tongban.core.applicants import ID_LABELS, KIND_LABELS
from tongban.core.beijing import beijing_text
from tongban.core.cases.case import CaseStatus, TaskStatus
from tongban.core.matters import StepKind
from tongban.core.roles import Role

CASE_STATUS_LABELS = {status.value: status.label for status in CaseStatus}

CASE_STATUS_STYLES = {
    CaseStatus.RECEIVED.value: "info",
    CaseStatus.SUPPLEMENTING.value: "warning",
    CaseStatus.PROCESSING.value: "primary",
    CaseStatus.SPECIAL_PROCEDURE.value: "warning",
    CaseStatus.CONCLUDED.value: "success",
    CaseStatus.REJECTED.value: "default",
    CaseStatus.WITHDRAWN.value: "default",
    CaseStatus.REVOKED.value: "danger",
}
assert set(CASE_STATUS_STYLES) == set(CASE_STATUS_LABELS), "a status without its style"

DECISION_LABELS = {"approved": "准予许可", "denied": "不予许可"}

APPLICANT_KIND_LABELS = {kind.value: label for kind, label in KIND_LABELS.items()}
APPLICANT_ID_LABELS = {kind.value: label for kind, label in ID_LABELS.items()}

OUTCOME_LABELS = {"pass": "通过", "deny": "不通过", "other": "其他"}

TASK_STATUS_LABELS = {
    TaskStatus.OPEN.value: "办理中",
    TaskStatus.DONE.value: "已完成",
    TaskStatus.CANCELLED.value: "已取消",
}

LINK_LABELS = {
    "origin": "上报来源办件",
    "escalated": "上报至上级办件",
    "joint": "一表制主办件",
    "subcase": "一表制子办件",
}

EVENT_LABELS = {
    "CaseSubmitted": "提交申请",
    "CaseReceived": "收件",
    "CaseAccepted": "受理",
    "CaseDeemedAccepted": "逾期视为受理",
    "CaseRejected": "不予受理",
    "CaseDecided": "作出决定",
    "CaseConcluded": "办结",
    "CaseWithdrawn": "撤回申请",
    "CaseEscalated": "上报上级",
    "CaseEscalatedIn": "收到下级上报",
    "SubcaseStarted": "发起一表制子办件",
    "SubcaseReceived": "一表制子办件收件",
    "LinkedCaseAnswered": "关联办件办结回告",
    "StepCompleted": "环节办理",
    "StepConcluded": "办结环节",
    "StepReturned": "退回",
    "ExternalResult": "外部系统结果",
    "SupplementRequested": "一次性告知补正",
    "SupplementProvided": "补正材料",
    "SpecialProcedureStarted": "进入特别程序",
    "SpecialProcedureEnded": "特别程序结束",
    "ResultSealed": "结果文书加盖电子印章",
    "ResultDelivered": "送达上级决定书",
    "VerificationScheduled": "告知承诺核查排期",
    "CommitmentVerified": "告知承诺核查通过",
    "DecisionRevoked": "撤销决定",
    "ServiceRated": "好差评",
    "RatingAnswered": "差评回访整改",
    "ComplaintFiled": "投诉",
    "ComplaintAnswered": "投诉答复",
    "DeadlinesRecomputed": "按正式放假安排重算期限",
}

PAYLOAD_LABELS = {
    "applicant": "申请人",
    "version": "版本",
    "node": "环节",
    "outcome": "结果",
    "opinion": "意见",
    "opened": "开启",
    "cancelled": "取消",
    "decision": "决定",
    "reasons": "理由",
    "reason": "理由",
    "case": "办件",
    "to": "上报至",
    "from": "来自",
    "matter": "事项",
    "key": "印章密钥",
    "digest": "摘要",
    "deadline": "承诺办结时间",
    "materials": "材料",
    "result": "结果",
    "due": "期限",
    "note": "说明",
    "level": "评价",
    "label": "等级",
    "comment": "评语",
    "answer": "答复",
    "text": "内容",
    "complaint": "投诉",
    "paused_working_days": "暂停工作日",
    "why": "原因",
    "changes": "变更",
}

ALERT_KIND_LABELS = {
    "STEP_OVERDUE": "环节超时",
    "CASE_NEAR_LIMIT": "临近承诺时限",
    "CASE_OVERDUE": "超过承诺时限",
    "CASE_OVERDUE_PROVISIONAL": "已过暂定承诺时限",
    "SUPPLEMENT_EXCEEDED": "补正超过次数",
    "LATE_FORWARDING": "初审逾期未上报",
    "VERIFICATION_OVERDUE": "告知承诺核查逾期",
    "FOLLOWUP_OVERDUE": "差评整改逾期",
    "LINK_ANSWER_RECOVERED": "关联办件结果补交",
    "AUDIT_CHAIN_BROKEN": "审计链校验失败",
}

ALERT_LEVEL_LABELS = {"warning": "预警", "yellow": "黄牌", "red": "红牌"}
ALERT_LEVEL_STYLES = {"warning": "info", "yellow": "warning", "red": "danger"}
ALERT_STATUS_LABELS = {"open": "待处置", "urged": "已督办", "resolved": "已处置"}

STEP_LABELS = {s.value: s.label for s in StepKind}
ROLE_LABELS = {r.value: r.label for r in Role}
TASK_KIND_LABELS = {
    "task": NODE_KIND_LABELS["task"],
    "external": NODE_KIND_LABELS["external"],
    "escalate": NODE_KIND_LABELS["escalate"],
    "subflow": NODE_KIND_LABELS["subflow"],
}

PAYLOAD_SUMMARY_LIMIT = 160


def beijing(value: dt.datetime | str | None) -> str:
    """A stored instant in Beijing time, ``2026-09-01 10:00:00``. Datetimes without a zone
    are UTC (SQLite returns them so); strings are ISO 8601 (event and seal timestamps)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return beijing_text(moment)
    return beijing_text(value)


def event_label(kind: str) -> str:
    """An event kind in Chinese where known (``StepCompleted:pass`` → 环节办理（通过）)."""
    base, _, detail = kind.partition(":")
    label = EVENT_LABELS.get(base)
    if label is None:
        return kind
    return f"{label}（{OUTCOME_LABELS.get(detail, detail)}）" if detail else label


def _value(key: str, value: Any) -> str:
    if key == "changes" and isinstance(value, list | tuple):
        return "、".join(_date_change(change) for change in value if isinstance(change, Mapping))
    if isinstance(value, list | tuple):
        return "、".join(_value(key, v) for v in value)
    if isinstance(value, Mapping):
        return "，".join(f"{k}={_value(str(k), v)}" for k, v in value.items())
    if key == "outcome":
        return OUTCOME_LABELS.get(str(value), str(value))
    if key == "decision":
        return DECISION_LABELS.get(str(value), str(value))
    return str(value)


def _date_change(change: Mapping[str, Any]) -> str:
    mark = "（暂定）" if change.get("provisional") else ""
    return f"{change.get('label', '')} {change.get('old') or '—'}→{change.get('new') or '—'}{mark}"


def payload_summary(payload: Mapping[str, Any], limit: int = PAYLOAD_SUMMARY_LIMIT) -> str:
    """An event's data on one line, Chinese keys where known, empty values left out."""
    parts = [
        f"{PAYLOAD_LABELS.get(key, key)}：{_value(key, value)}"
        for key, value in payload.items()
        if value not in (None, "", [], {})
    ]
    text = "；".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def task_assignee(department: str | None, role: str | None, departments: Mapping[str, str]) -> str:
    """``部门 · 角色`` of a human step."""
    parts = []
    if department:
        parts.append(departments.get(department, department))
    if role:
        parts.append(ROLE_LABELS.get(role, role))
    return " · ".join(parts) or "—"
