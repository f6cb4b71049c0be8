"""Per-tenant roles. A user holds roles within one tenant, and a department for step roles."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # tenant admin: definitions, review of subordinate tenants, users
    CLERK = "clerk"  # 窗口人员: receive and accept
    REVIEWER = "reviewer"  # 审查人员
    APPROVER = "approver"  # 决定 / 签批
    SUPERVISOR = "supervisor"  # 电子监察

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Role.ADMIN: "管理员",
    Role.CLERK: "窗口人员",
    Role.REVIEWER: "审查人员",
    Role.APPROVER: "审批人员",
    Role.SUPERVISOR: "监察人员",
}

STEP_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER})
"""Roles that act on flow steps, and so must belong to a department."""
