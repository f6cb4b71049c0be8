"""Raising supervision alerts (电子监察) exactly once per (case, kind, subject)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tongban.adapters.db.case_models import SupervisionAlert
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.case import Case

LEVELS = {
    "STEP_OVERDUE": "warning",  # 环节超时
    "CASE_NEAR_LIMIT": "yellow",  # 临近时限 黄牌
    "CASE_OVERDUE": "red",  # 超过承诺时限 红牌
    "CASE_OVERDUE_PROVISIONAL": "yellow",  # 已过暂定时限: never red from a provisional date
    "SUPPLEMENT_EXCEEDED": "warning",  # 补正超过次数
    "LATE_FORWARDING": "yellow",  # 初审逾期未上报
    "VERIFICATION_OVERDUE": "warning",  # 告知承诺核查逾期
    "FOLLOWUP_OVERDUE": "warning",  # 差评整改逾期
    "LINK_ANSWER_RECOVERED": "warning",  # 关联办件结果未交回，监察补交
    "AUDIT_CHAIN_BROKEN": "red",  # 审计链校验失败: the case takes no command
}


def raise_once(
    uow: UnitOfWork, case: Case, kind: str, subject: str, message: str, now: dt.datetime
) -> bool:
    """Raise the alert unless it was raised before; True when raised now. Callers hold the
    case's row lock, so two sweeps cannot both pass the check; the unique key is the wall."""
    exists = uow.session.scalar(
        select(SupervisionAlert.id).where(
            SupervisionAlert.case_id == case.id,
            SupervisionAlert.kind == kind,
            SupervisionAlert.subject == subject,
        )
    )
    if exists is not None:
        return False
    uow.session.add(
        SupervisionAlert(
            tenant_id=case.tenant_id,
            case_id=case.id,
            kind=kind,
            subject=subject,
            level=LEVELS[kind],
            message=message,
            raised_at=now,
        )
    )
    uow.session.flush()
    return True
