"""办事指南 / 一次性告知单: the service guide and one-time notice sheet of an implementation.

Both are *derived* (docs/configuration.md): nothing here is typed by an admin except the
guide details an implementation carries (address, hours, phones, online address). Pure:
the flow comes in as its stored JSON (nodes + edges) and is read with networkx.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from tongban.core.matters import (
    INSTANT,
    MATERIAL_SOURCES,
    MATTER_TYPES,
    POWER_SOURCES,
    SERVICE_OBJECTS,
    ApprovalChain,
    Fee,
    Implementation,
    Material,
    MatterSpec,
    StepKind,
)
from tongban.core.tenancy import Level

NOT_PROVIDED = "暂无"

# Flow node kinds that are steps an applicant sees (the rest are structure).
_STEP_KINDS = ("task", "escalate", "external", "subflow")
_STEP_VALUES = frozenset(s.value for s in StepKind)
_LEVEL_KEYS = frozenset(level.key for level in Level)


@dataclass(frozen=True)
class GuideMaterial:
    """One line of 申请材料."""

    code: str
    name: str
    required: bool
    originals: int
    copies: int
    page_limit: int | None
    source: str  # 来源, in Chinese
    waived: bool  # 免提交: the implementing level obtains it itself

    @property
    def required_label(self) -> str:
        return "必要" if self.required else "非必要"

    @property
    def counts_label(self) -> str:
        parts = []
        if self.originals:
            parts.append(f"原件{self.originals}份")
        if self.copies:
            parts.append(f"复印件{self.copies}份")
        return "、".join(parts) or "电子材料"

    @property
    def page_limit_label(self) -> str:
        return f"不超过{self.page_limit}页" if self.page_limit else "不限"

    @property
    def submission_label(self) -> str:
        return "免提交（由本单位通过数据共享获取）" if self.waived else "需提交"


@dataclass(frozen=True)
class GuideStep:
    """One step of 办理流程, as an applicant reads it."""

    node_id: str
    name: str
    kind: str  # 受理, 审查, 上报审批, 外部系统, 关联事项 …
    department: str  # department name, or the receiving level / external system
    days: int

    @property
    def days_label(self) -> str:
        return days_label(self.days)


@dataclass(frozen=True)
class GuideStage:
    """Steps done one after another; a stage with several steps runs them 并联 (in parallel)."""

    number: int
    steps: tuple[GuideStep, ...]
    parallel: bool = False
    conditional: bool = False  # only on some routes (视情形)

    @property
    def label(self) -> str:
        names = "、".join(f"{s.name}（{s.days_label}）" for s in self.steps)
        prefix = "并联办理：" if self.parallel else ""
        suffix = "（视情形）" if self.conditional else ""
        return f"{prefix}{names}{suffix}"


@dataclass(frozen=True)
class GuideFee:
    name: str
    amount_fen: int
    basis: str

    @property
    def amount_label(self) -> str:
        return yuan(self.amount_fen)


@dataclass(frozen=True)
class Guide:
    """办事指南 of one implementation (实施清单事项)."""

    name: str  # 事项名称
    implementation_code: str  # 实施编码
    basic_code: str  # 基本编码
    matter_type: str  # 事项类型
    legal_basis: str  # 设定依据
    power_source: str  # 权力来源
    implementer: str  # 实施主体 (department name)
    tenant_name: str  # the implementing tenant
    level: str  # 行使层级
    approval_chain: str  # 审批层级
    service_objects: str  # 服务对象
    conditions: str  # 受理条件
    materials: tuple[GuideMaterial, ...]  # 申请材料
    legal_limit: str  # 法定时限
    promised_limit: str  # 承诺时限
    case_type: str  # 办件类型: 即办件 / 承诺件
    stages: tuple[GuideStage, ...]  # 办理流程
    fees: tuple[GuideFee, ...]  # 收费
    address: str  # 办理地点
    hours: str  # 办理时间
    phone: str  # 咨询电话
    complaint_phone: str  # 监督投诉电话
    online_url: str  # 网办地址
    notify_and_commit: str | None  # 告知承诺制 note, or None

    @property
    def fees_label(self) -> str:
        if not self.fees:
            return "不收费"
        return "；".join(f"{f.name} {f.amount_label}" for f in self.fees)

    @property
    def submitted_materials(self) -> tuple[GuideMaterial, ...]:
        return tuple(m for m in self.materials if not m.waived)

    def rows(self) -> list[tuple[str, str]]:
        """The guide's scalar items as (label, value), in the order a guide lists them."""
        return [
            ("事项名称", self.name),
            ("实施编码", self.implementation_code),
            ("基本编码", self.basic_code),
            ("事项类型", self.matter_type),
            ("设定依据", self.legal_basis),
            ("权力来源", self.power_source),
            ("实施主体", self.implementer),
            ("所属单位", self.tenant_name),
            ("行使层级", self.level),
            ("审批层级", self.approval_chain),
            ("服务对象", self.service_objects),
            ("受理条件", self.conditions),
            ("法定时限", self.legal_limit),
            ("承诺时限", self.promised_limit),
            ("办件类型", self.case_type),
            ("收费", self.fees_label),
            ("办理地点", self.address),
            ("办理时间", self.hours),
            ("咨询电话", self.phone),
            ("监督投诉电话", self.complaint_phone),
            ("网办地址", self.online_url),
        ]


def days_label(days: int) -> str:
    return "即办" if days == INSTANT else f"{days}个工作日"


def yuan(amount_fen: int) -> str:
    return f"{amount_fen // 100}.{amount_fen % 100:02d}元"


def approval_chain_label(chain: ApprovalChain) -> str:
    """县级初审、市级终审 — or 县级审批 when the matter is decided where it is received."""
    if not chain.escalates:
        return f"{chain.final.label}审批"
    return f"{chain.initial.label}初审、{chain.final.label}终审"


def build_guide(
    implementation: Implementation,
    *,
    tenant_name: str,
    department_name: str,
    department_names: Mapping[str, str] | None = None,
    matter_names: Mapping[str, str] | None = None,
) -> Guide:
    """The guide of ``implementation``. ``department_names`` (code → name) and
    ``matter_names`` (basic code → name, for subflows) name the flow's steps."""
    spec = implementation.spec
    return Guide(
        name=spec.name,
        implementation_code=implementation.implementation_code,
        basic_code=spec.code,
        matter_type=MATTER_TYPES.get(spec.matter_type, spec.matter_type),
        legal_basis=spec.legal_basis,
        power_source=POWER_SOURCES.get(spec.power_source, spec.power_source),
        implementer=department_name,
        tenant_name=tenant_name,
        level=implementation.level.label,
        approval_chain=approval_chain_label(spec.approval_chain),
        service_objects="、".join(SERVICE_OBJECTS.get(s, s) for s in spec.service_objects),
        conditions=spec.conditions or "无特别条件",
        materials=build_materials(spec),
        legal_limit=days_label(spec.legal_days),
        promised_limit=days_label(spec.promised_days),
        case_type="即办件" if spec.instant else "承诺件",
        stages=flow_stages(implementation.flow, department_names or {}, matter_names or {}),
        fees=tuple(_fee(f) for f in spec.fees),
        address=implementation.address or NOT_PROVIDED,
        hours=implementation.hours or NOT_PROVIDED,
        phone=implementation.phone or NOT_PROVIDED,
        complaint_phone=implementation.complaint_phone or NOT_PROVIDED,
        online_url=implementation.online_url or NOT_PROVIDED,
        notify_and_commit=(
            "本事项实行告知承诺制：申请人书面承诺已经符合告知的条件、标准、要求的，"
            "当场作出审批决定，事后依法核查。"
            if spec.notify_and_commit
            else None
        ),
    )


def build_materials(spec: MatterSpec) -> tuple[GuideMaterial, ...]:
    """申请材料 as a guide lists them (also for a standard, which has no guide)."""
    return tuple(_material(m) for m in spec.materials)


def _material(material: Material) -> GuideMaterial:
    return GuideMaterial(
        code=material.code,
        name=material.name,
        required=material.required,
        originals=material.originals,
        copies=material.copies,
        page_limit=material.page_limit,
        source=MATERIAL_SOURCES.get(material.source, material.source),
        waived=material.waived,
    )


def _fee(fee: Fee) -> GuideFee:
    return GuideFee(fee.name, fee.amount_fen, fee.basis)


# ---------------------------------------------------------------------------------------
# 办理流程 from the flow graph


def flow_graph(flow: Mapping[str, Any]) -> nx.DiGraph:
    """The stored flow (nodes + edges) as a DiGraph; node attributes are the node dicts."""
    graph: nx.DiGraph = nx.DiGraph()
    for index, node in enumerate(flow.get("nodes", [])):
        graph.add_node(str(node["id"]), index=index, **{k: v for k, v in node.items() if k != "id"})
    for edge in flow.get("edges", []):
        source, target = str(edge["from"]), str(edge["to"])
        if source in graph and target in graph:
            graph.add_edge(
                source, target, **{k: v for k, v in edge.items() if k not in ("from", "to")}
            )
    return graph


def flow_stages(
    flow: Mapping[str, Any],
    department_names: Mapping[str, str],
    matter_names: Mapping[str, str] | None = None,
) -> tuple[GuideStage, ...]:
    """The human-facing steps of a flow, in order; parallel branches form one 并联 stage.

    A flow that is not a DAG (the designer refuses those) yields its steps in file order.
    """
    graph = flow_graph(flow)
    names = _Names(department_names, matter_names or {})
    ordered = _ordered_nodes(graph)
    groups = _parallel_groups(graph)
    conditional = _conditional_nodes(graph)
    stages: list[GuideStage] = []
    seen_groups: set[str] = set()
    for node_id in ordered:
        if graph.nodes[node_id].get("kind") not in _STEP_KINDS:
            continue
        group = groups.get(node_id)
        if group is None:
            stages.append(
                GuideStage(
                    len(stages) + 1,
                    (_step(graph, node_id, names),),
                    conditional=node_id in conditional,
                )
            )
            continue
        if group in seen_groups:
            continue
        seen_groups.add(group)
        members = [
            n
            for n in ordered
            if groups.get(n) == group and graph.nodes[n].get("kind") in _STEP_KINDS
        ]
        stages.append(
            GuideStage(
                len(stages) + 1,
                tuple(_step(graph, n, names) for n in members),
                parallel=len(members) > 1,
                conditional=all(n in conditional for n in members),
            )
        )
    return tuple(stages)


def _ordered_nodes(graph: nx.DiGraph) -> list[str]:
    order = {n: graph.nodes[n]["index"] for n in graph}
    if nx.is_directed_acyclic_graph(graph):
        return list(nx.lexicographical_topological_sort(graph, key=lambda n: order[n]))
    return sorted(graph, key=lambda n: order[n])


def _parallel_groups(graph: nx.DiGraph) -> dict[str, str]:
    """Node → the outermost parallel split whose branches it lies on."""
    if not nx.is_directed_acyclic_graph(graph):
        return {}
    groups: dict[str, str] = {}
    splits = [n for n in _ordered_nodes(graph) if graph.nodes[n].get("kind") == "parallel"]
    for split in splits:
        joins = [
            n
            for n in graph
            if graph.nodes[n].get("kind") == "join" and graph.nodes[n].get("split") == split
        ]
        if not joins:
            continue
        inside = nx.descendants(graph, split) & nx.ancestors(graph, joins[0])
        for node in inside:
            groups.setdefault(node, split)
    return groups


def _conditional_nodes(graph: nx.DiGraph) -> set[str]:
    """Nodes some route through a choice skips: a choice above them has a branch that
    never reaches them."""
    if not nx.is_directed_acyclic_graph(graph):
        return set()
    result: set[str] = set()
    for choice in (n for n in graph if graph.nodes[n].get("kind") == "choice"):
        below = nx.descendants(graph, choice)
        for node in below:
            for branch in graph.successors(choice):
                if branch != node and node not in nx.descendants(graph, branch):
                    result.add(node)
                    break
    return result


@dataclass(frozen=True)
class _Names:
    departments: Mapping[str, str]
    matters: Mapping[str, str]


def _step(graph: nx.DiGraph, node_id: str, names: _Names) -> GuideStep:
    node = graph.nodes[node_id]
    kind = node.get("kind")
    days = int(node.get("days", 0))
    if kind == "task":
        step = str(node.get("step", ""))
        kind_label = StepKind(step).label if step in _STEP_VALUES else step
        department = str(node.get("department", ""))
        return GuideStep(
            node_id,
            str(node.get("name") or kind_label),
            kind_label,
            names.departments.get(department, department),
            days,
        )
    if kind == "escalate":
        to = str(node.get("to", ""))
        level = Level.parse(to).label if to in _LEVEL_KEYS else to
        return GuideStep(
            node_id, str(node.get("name") or f"上报{level}审批"), "上报审批", level, days
        )
    if kind == "external":
        system = str(node.get("system", ""))
        return GuideStep(
            node_id, str(node.get("name") or f"{system}办理"), "外部系统", system, days
        )
    matter = str(node.get("matter", ""))
    title = names.matters.get(matter) or f"关联事项 {matter}"
    return GuideStep(node_id, str(node.get("name") or title), "关联事项", matter, days)


# ---------------------------------------------------------------------------------------
# 一次性告知单


def _numbered(lines: Sequence[str]) -> Iterator[str]:
    for number, line in enumerate(lines, start=1):
        yield f"  {number}. {line}"


def material_line(material: GuideMaterial) -> str:
    parts = [
        material.name,
        material.required_label,
        material.counts_label,
        f"页数{material.page_limit_label}",
        f"来源：{material.source}",
    ]
    if material.waived:
        parts.append(material.submission_label)
    return "，".join(parts)


def one_time_notice_text(guide: Guide) -> str:
    """一次性告知单 as plain text: every material at once, so the applicant comes once."""
    lines = [
        "一次性告知单",
        "",
        f"事项名称：{guide.name}",
        f"实施编码：{guide.implementation_code}",
        f"实施主体：{guide.implementer}（{guide.tenant_name}）",
        f"受理条件：{guide.conditions}",
        "",
        f"申请材料（共{len(guide.materials)}项，需提交{len(guide.submitted_materials)}项）：",
        *_numbered([material_line(m) for m in guide.materials]),
        "",
        "办理流程：",
        *_numbered([stage.label for stage in guide.stages]),
        "",
        f"法定时限：{guide.legal_limit}；承诺时限：{guide.promised_limit}（{guide.case_type}）",
        f"收费：{guide.fees_label}",
        f"办理地点：{guide.address}",
        f"办理时间：{guide.hours}",
        f"咨询电话：{guide.phone}；监督投诉电话：{guide.complaint_phone}",
        f"网办地址：{guide.online_url}",
    ]
    if guide.notify_and_commit:
        lines += ["", guide.notify_and_commit]
    lines += [
        "",
        "以上为办理本事项所需的全部材料和要求，本单位一次性告知。"
        "申请人按本单提交材料后，不再要求提交清单以外的材料。",
    ]
    return "\n".join(lines) + "\n"
