"""Per-node rules: choices and their conditions, task assignees, escalation, subflows."""

from __future__ import annotations

from collections.abc import Collection

from tongban.core.errors import Violation
from tongban.core.flows.codes import (
    FLOW_ASSIGNEE,
    FLOW_CHOICE,
    FLOW_CONDITION,
    FLOW_ESCALATE,
    FLOW_SUBFLOW,
)
from tongban.core.flows.definition import FlowDef, FlowEdge, FlowNode
from tongban.core.flows.expr_nodes import ExpressionError
from tongban.core.flows.expressions import parse_expression
from tongban.core.flows.form_paths import FormPaths
from tongban.core.roles import STEP_ROLES, Role
from tongban.core.tenancy import Level

_STEP_ROLE_NAMES = ", ".join(role.value for role in Role if role in STEP_ROLES)


def choice_violations(flow: FlowDef, known: FormPaths | None) -> list[Violation]:
    """Choices: ≥ 2 ways out, a parsing ``when`` on each but one ``default``; ``when`` and
    ``default`` nowhere else. With ``known``, conditions read only what the form declares."""
    violations: list[Violation] = []
    for node in flow.nodes:
        out = flow.out_edges[node.id]
        if node.kind != "choice":
            for edge in out:
                violations.extend(_misplaced(edge, node))
            continue
        if len(out) < 2:
            violations.append(
                node.violation(
                    FLOW_CHOICE,
                    f"条件分支至少需要 2 条出线（现有 {len(out)} 条）",
                    f"a choice needs at least 2 outgoing edges (has {len(out)})",
                )
            )
        default = None
        for edge in out:
            if edge.default:
                if default is not None:
                    violations.append(
                        edge.violation(
                            FLOW_CHOICE,
                            f"条件分支 {node.id!r} 已有默认连线 {default.id!r}",
                            f"choice {node.id!r} already has the default edge {default.id!r}",
                            "default",
                        )
                    )
                default = default or edge
                if edge.when is not None:
                    violations.append(
                        edge.violation(
                            FLOW_CHOICE,
                            "默认连线不能带条件",
                            "a default edge carries no condition",
                            "when",
                        )
                    )
                    continue
            elif edge.when is None:
                violations.append(
                    edge.violation(
                        FLOW_CHOICE,
                        f"从条件分支 {node.id!r} 出发却没有条件：请设置 when（或设为 default）",
                        f"leaves choice {node.id!r} without a condition: give it `when` "
                        "(or make it the `default`)",
                    )
                )
                continue
            if edge.when is not None:
                violations.extend(_condition(edge, edge.when, known))
    return violations


def _misplaced(edge: FlowEdge, source: FlowNode) -> list[Violation]:
    found = []
    zh = f"起点 {source.id!r}（{source.kind or '节点'}）不是条件分支"
    en = f"leaves {source.id!r} ({source.kind or 'a node'}), not a choice"
    if edge.when is not None:
        found.append(
            edge.violation(FLOW_CONDITION, f"带有条件，但{zh}", f"has a condition but {en}", "when")
        )
    if edge.default:
        found.append(
            edge.violation(
                FLOW_CONDITION, f"标为默认连线，但{zh}", f"is marked default but {en}", "default"
            )
        )
    return found


def known_fields(form_fields: Collection[str]) -> FormPaths:
    """The form's top-level field names only (``form.`` removed): deeper paths unchecked."""
    return FormPaths(frozenset(name.removeprefix("form.") for name in form_fields))


def _condition(edge: FlowEdge, source: str, known: FormPaths | None) -> list[Violation]:
    try:
        expr = parse_expression(source)
    except ExpressionError as error:
        return [
            edge.violation(
                FLOW_CONDITION,
                f"条件在第 {error.column} 列无法解析：{error.message}",
                f"condition does not parse at column {error.column}: {error.message}",
                "when",
            )
        ]
    if known is None:
        return []
    violations = []
    for path in sorted(expr.fields()):
        problem = known.problem(path)
        if problem is not None:
            code, zh, en = problem
            violations.append(edge.violation(code, zh, en, "when"))
    return violations


def task_violations(flow: FlowDef, departments: Collection[str] | None) -> list[Violation]:
    """Task assignees: a step role and, when ``departments`` is given, one of them."""
    violations: list[Violation] = []
    known = frozenset(departments) if departments is not None else None
    for node in flow.of_kind("task"):
        if node.role is not None and node.role not in STEP_ROLES:
            violations.append(
                node.violation(
                    FLOW_ASSIGNEE,
                    f"角色 {node.role!r} 不是办理环节角色（{_STEP_ROLE_NAMES}）",
                    f"role {node.role!r} is not a step role ({_STEP_ROLE_NAMES})",
                    "role",
                )
            )
        if known is not None and node.department is not None and node.department not in known:
            violations.append(
                node.violation(
                    FLOW_ASSIGNEE,
                    f"部门 {node.department!r} 不是本单位的部门",
                    f"department {node.department!r} is not a department of this tenant",
                    "department",
                )
            )
    return violations


def escalate_violations(flow: FlowDef, tenant_level: Level | None) -> list[Violation]:
    if tenant_level is None:
        return []
    return [
        node.violation(
            FLOW_ESCALATE,
            f"上报至{node.to.label}，不高于本单位所在的{tenant_level.label}",
            f"escalates to {node.to.key}, which is not above this {tenant_level.key} tenant",
            "to",
        )
        for node in flow.of_kind("escalate")
        if node.to is not None and node.to >= tenant_level
    ]


def subflow_violations(flow: FlowDef, known_matters: Collection[str] | None) -> list[Violation]:
    if known_matters is None:
        return []
    known = frozenset(known_matters)
    return [
        node.violation(
            FLOW_SUBFLOW,
            f"子流程事项 {node.matter!r} 不存在",
            f"matter {node.matter!r} is not a known matter",
            "matter",
        )
        for node in flow.of_kind("subflow")
        if node.matter is not None and node.matter not in known
    ]
