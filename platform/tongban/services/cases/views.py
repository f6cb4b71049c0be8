"""What commands and queries return: plain data, no ORM objects past the service edge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.cases.case import Case, Task


@dataclass(frozen=True)
class TaskView:
    node_id: str
    kind: str
    step: str | None
    name: str
    department: str | None
    role: str | None
    status: str
    due_on: dt.date | None
    outcome: str | None
    opinion: str | None
    due_provisional: bool = False  # 暂定: a day of it awaits the official arrangement


@dataclass(frozen=True)
class CaseView:
    number: str
    tenant_code: str
    matter_code: str
    matter_name: str
    matter_version: int
    implementation_code: str
    status: str
    applicant_name: str
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    deadline: dt.date | None  # 承诺办结时间
    decision: str | None
    decision_reason: str | None
    concluded_at: dt.datetime | None
    supplement_count: int
    open_tasks: tuple[TaskView, ...]
    origin_case: str | None
    joint_case: str | None
    deadline_provisional: bool = False  # 暂定: a day of it awaits the official arrangement
    applicant_kind: str = ""  # core.applicants.ApplicantKind value
    applicant_id: str = ""  # 公民身份号码 or 统一社会信用代码, by applicant_kind


def task_view(task: Task) -> TaskView:
    return TaskView(
        task.node_id,
        task.kind,
        task.step,
        task.name,
        task.department,
        task.role,
        str(task.status),
        task.due_on,
        task.outcome,
        task.opinion,
        bool(task.due_provisional),
    )


def case_view(
    uow: UnitOfWork,
    case: Case,
    *,
    tasks: Sequence[Task] | None = None,
    tenant_code: str | None = None,
) -> CaseView:
    """The view of ``case``; a command passes the open tasks and tenant it already holds."""
    if tasks is None:
        tasks = uow.cases.open_tasks(case)
    links: dict[int, str] = {}
    for linked_id in (case.origin_case_id, case.joint_case_id):
        # a link is the platform's relation: the case at the other level shows by its number
        linked = uow.cases.by_link(linked_id, lock=False) if linked_id else None
        if linked_id and linked is not None:
            links[linked_id] = linked.number
    return CaseView(
        number=case.number,
        tenant_code=tenant_code or uow.tenants.by_id(case.tenant_id).code,
        matter_code=case.matter_code,
        matter_name=case.matter_name,
        matter_version=case.matter_version,
        implementation_code=case.implementation_code,
        status=str(case.status),
        applicant_name=case.applicant_name,
        received_at=case.received_at,
        accepted_at=case.accepted_at,
        deadline=case.deadline,
        decision=case.decision,
        decision_reason=case.decision_reason,
        concluded_at=case.concluded_at,
        supplement_count=case.supplement_count,
        open_tasks=tuple(task_view(t) for t in tasks),
        origin_case=links.get(case.origin_case_id) if case.origin_case_id else None,
        joint_case=links.get(case.joint_case_id) if case.joint_case_id else None,
        deadline_provisional=bool(case.deadline_provisional),
        applicant_kind=case.applicant_kind,
        applicant_id=case.applicant_id,
    )
