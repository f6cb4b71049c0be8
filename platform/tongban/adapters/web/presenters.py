"""Turn stored definitions into rows the templates print: form fields, flow nodes and edges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tongban.core.forms import SchemaRegistry
from tongban.core.guide import (
    GuideMaterial,
    approval_chain_label,
    build_materials,
    days_label,
    yuan,
)
from tongban.core.matters import (
    MATTER_TYPES,
    POWER_SOURCES,
    SERVICE_OBJECTS,
    MatterSpec,
    StepKind,
)
from tongban.core.roles import Role
from tongban.core.tenancy import Level

TYPE_LABELS = {
    "string": "字符串",
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
    "object": "对象",
    "array": "列表",
    "null": "空",
}

NODE_KIND_LABELS = {
    "start": "开始",
    "end": "结束",
    "task": "人工环节",
    "parallel": "并联分支",
    "join": "并联汇合",
    "choice": "条件分支",
    "escalate": "上报",
    "external": "外部系统",
    "subflow": "关联事项",
}

KIND_LABELS = {"standard": "标准事项", "implementation": "实施清单事项"}

STATUS_LABELS = {
    "draft": "草稿",
    "submitted": "已提交待审",
    "reviewed": "审核通过待发布",
    "returned": "已退回",
    "published": "已发布",
}


@dataclass(frozen=True)
class FormField:
    name: str  # dotted path, e.g. address.detail
    title: str
    type: str
    required: bool
    format: str  # format / pattern / enum summary
    ref: str  # the $ref, if any
    depth: int


def _resolve(
    ref: str, root: Mapping[str, Any], registry: SchemaRegistry | None
) -> Mapping[str, Any]:
    if registry is None:
        return {}
    try:
        found = registry.resolver_for(root).lookup(ref).contents
    except Exception:  # noqa: BLE001 - an unresolvable ref is shown as written
        return {}
    return found if isinstance(found, Mapping) else {}


def _type_label(schema: Mapping[str, Any]) -> str:
    value = schema.get("type")
    if isinstance(value, list):
        return " 或 ".join(TYPE_LABELS.get(str(v), str(v)) for v in value)
    if value is None:
        return "—"
    return TYPE_LABELS.get(str(value), str(value))


def _format_label(schema: Mapping[str, Any]) -> str:
    if "format" in schema:
        return str(schema["format"])
    if "enum" in schema:
        return "可选值：" + "、".join(str(v) for v in schema["enum"])
    if "pattern" in schema:
        return f"格式：{schema['pattern']}"
    return ""


def form_fields(
    schema: Mapping[str, Any], registry: SchemaRegistry | None = None
) -> list[FormField]:
    """The form's fields as a flat table (nested objects indented below their parent)."""
    rows: list[FormField] = []

    def visit(node: Mapping[str, Any], prefix: str, depth: int) -> None:
        required = set(node.get("required", []))
        for name, prop in (node.get("properties") or {}).items():
            if not isinstance(prop, Mapping):
                continue
            ref = str(prop.get("$ref", ""))
            target = {**_resolve(ref, schema, registry), **prop} if ref else dict(prop)
            path = f"{prefix}{name}"
            rows.append(
                FormField(
                    name=path,
                    title=str(target.get("title", "")),
                    type=_type_label(target),
                    required=name in required,
                    format=_format_label(target),
                    ref=ref,
                    depth=depth,
                )
            )
            if target.get("type") == "object":
                visit(target, path + ".", depth + 1)
            items = target.get("items")
            if target.get("type") == "array" and isinstance(items, Mapping):
                if items.get("type") == "object":
                    visit(items, path + "[].", depth + 1)

    visit(schema, "", 0)
    return rows


@dataclass(frozen=True)
class FlowNodeRow:
    id: str
    kind: str
    name: str
    step: str
    assignee: str  # department + role, or the level / system / matter
    days: int


@dataclass(frozen=True)
class FlowEdgeRow:
    id: str
    source: str
    target: str
    condition: str


def _step_label(value: object) -> str:
    values = {s.value: s.label for s in StepKind}
    return values.get(str(value), str(value or ""))


def _role_label(value: object) -> str:
    labels = {r.value: r.label for r in Role}
    return labels.get(str(value), str(value or ""))


def _assignee(node: Mapping[str, Any], departments: Mapping[str, str]) -> str:
    kind = node.get("kind")
    if kind == "task":
        dept = str(node.get("department", ""))
        return f"{departments.get(dept, dept)} · {_role_label(node.get('role'))}"
    if kind == "escalate":
        to = str(node.get("to", ""))
        levels = {lv.key: lv.label for lv in Level}
        return f"上报{levels.get(to, to)}"
    if kind == "external":
        return str(node.get("system", ""))
    if kind == "subflow":
        return f"事项 {node.get('matter', '')}"
    if kind == "join":
        text = f"汇合 {node.get('split', '')}"
        return text + (f"（{node['min']} 个分支即可）" if "min" in node else "")
    return ""


def flow_rows(
    flow: Mapping[str, Any], departments: Mapping[str, str]
) -> tuple[list[FlowNodeRow], list[FlowEdgeRow]]:
    nodes = [
        FlowNodeRow(
            id=str(n.get("id", "")),
            kind=NODE_KIND_LABELS.get(str(n.get("kind")), str(n.get("kind"))),
            name=str(n.get("name", "")),
            step=_step_label(n.get("step")) if n.get("kind") == "task" else "",
            assignee=_assignee(n, departments),
            days=int(n.get("days", 0)),
        )
        for n in flow.get("nodes", [])
    ]
    edges = []
    for e in flow.get("edges", []):
        condition = str(e.get("when", ""))
        if e.get("default"):
            condition = "默认" + (f"；{condition}" if condition else "")
        edges.append(
            FlowEdgeRow(
                id=str(e.get("id") or f"{e.get('from')}->{e.get('to')}"),
                source=str(e.get("from", "")),
                target=str(e.get("to", "")),
                condition=condition,
            )
        )
    return nodes, edges


def standard_rows(spec: MatterSpec) -> list[tuple[str, str]]:
    """A standard's items as (label, value), in 办事指南 wording."""
    return [
        ("事项名称", spec.name),
        ("基本编码", spec.code),
        ("事项类型", MATTER_TYPES.get(spec.matter_type, spec.matter_type)),
        ("设定依据", spec.legal_basis),
        ("权力来源", POWER_SOURCES.get(spec.power_source, spec.power_source)),
        ("服务对象", "、".join(SERVICE_OBJECTS.get(s, s) for s in spec.service_objects)),
        ("受理条件", spec.conditions or "无特别条件"),
        ("法定时限", days_label(spec.legal_days)),
        ("承诺时限", days_label(spec.promised_days)),
        ("办件类型", "即办件" if spec.instant else "承诺件"),
        ("办理程序", " → ".join(step.label for step in spec.procedure.steps)),
        ("人工环节上限", f"{spec.procedure.max_human_steps} 个"),
        ("审批层级", approval_chain_label(spec.approval_chain)),
        ("告知承诺制", "是" if spec.notify_and_commit else "否"),
        (
            "收费",
            "；".join(f"{f.name} {yuan(f.amount_fen)}" for f in spec.fees) or "不收费",
        ),
    ]


def material_rows(spec: MatterSpec) -> list[GuideMaterial]:
    return list(build_materials(spec))
