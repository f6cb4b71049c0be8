"""Work a case through its open steps as the users who hold them — the demo's sample
cases, ``tongban simulate`` and the scenario tests all push cases this way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.case_models import Case
from tongban.adapters.db.case_store import case_columns, case_of
from tongban.adapters.db.models import TenantUser
from tongban.adapters.db.unit_of_work import Database
from tongban.core.cases.case import FINAL, TaskKind
from tongban.core.roles import Role
from tongban.services.actors import Actor
from tongban.services.cases import intake, steps
from tongban.services.cases.runtime import CaseEnv

Decider = Callable[[str], bool]  # case number -> approve?


@dataclass(frozen=True)
class OpenStep:
    case_number: str
    tenant_code: str
    node_id: str
    step: str
    department: str
    role: str


def open_steps(db: Database, number: str) -> list[OpenStep]:
    """The open human steps of a case and of every case linked below it."""
    with platform_unit_of_work(db, "driver: open steps") as uow:
        root = uow.cases.by_number(number, lock=False)
        if root is None:
            return []
        found: list[OpenStep] = []
        frontier = [root]
        while frontier:
            case = frontier.pop()
            code = uow.tenants.by_id(case.tenant_id).code
            for task in uow.cases.open_tasks(case):
                if task.kind == TaskKind.TASK:
                    assert task.step and task.department and task.role
                    found.append(
                        OpenStep(
                            case.number, code, task.node_id, task.step, task.department, task.role
                        )
                    )
            rows = uow.session.execute(
                select(*case_columns()).where(
                    (Case.origin_case_id == case.id) | (Case.joint_case_id == case.id),
                    Case.status.not_in([s.value for s in FINAL]),
                )
            )
            frontier += [case_of(row) for row in rows.mappings()]
        return found


def holder(db: Database, tenant_code: str, department: str, role: str) -> Actor:
    """A user of ``tenant_code`` holding ``role`` in ``department``."""
    with platform_unit_of_work(db, "driver: find a step holder") as uow:
        tenant = uow.tenants.get(tenant_code)
        deps = {d.id: d.code for d in uow.departments.of_tenant(tenant.id)}
        for user in uow.session.scalars(
            select(TenantUser).where(TenantUser.tenant_id == tenant.id).order_by(TenantUser.id)
        ):
            roles = frozenset(Role(r) for r in user.roles.split(",") if r)
            if deps.get(user.department_id or -1) == department and Role(role) in roles:
                return Actor(user.username, tenant_code, roles, department)
    raise LookupError(f"no user of {tenant_code} holds {role} in {department}")


def work_step(db: Database, env: CaseEnv, item: OpenStep, approve: bool = True) -> None:
    actor = holder(db, item.tenant_code, item.department, item.role)
    with db.for_tenant(item.tenant_code) as uow:
        if item.step == "accept":
            intake.accept_case(uow, env, actor, item.case_number)
        elif item.step == "decide":
            steps.decide_case(
                uow, env, actor, item.case_number, approve, "" if approve else "不符合许可条件"
            )
        elif item.step == "conclude":
            steps.conclude_case(uow, env, actor, item.case_number)
        else:
            steps.complete_step(
                uow, env, actor, item.case_number, item.node_id, steps.Opinion.PASS, "符合要求"
            )


def work_case(
    db: Database, env: CaseEnv, number: str, *, approve: bool = True, max_steps: int = 200
) -> int:
    """Complete every open step (and linked cases' steps) until none is left; the number of
    steps taken."""
    taken = 0
    while taken < max_steps:
        pending = open_steps(db, number)
        if not pending:
            return taken
        for item in pending:
            work_step(db, env, item, approve)
            taken += 1
    raise RuntimeError(f"case {number} still has open steps after {max_steps}")
