/** 办事指南 and 一次性告知单 computed from the document being edited, the way
 * platform/tongban/core/guide.py derives them, so the preview follows every keystroke. */
import type { Flow, FlowNode, MatterDocument } from "../lib/types";
import { STEP_LABELS } from "../lib/types";
import { daysValue, feesOf, guideOf, limitsOf, materialsOf, type Days, type Material } from "./document";
import { LEVEL_LABELS, MATERIAL_SOURCES, MATTER_TYPES, POWER_SOURCES, SERVICE_OBJECTS, approvalChainLabel } from "./labels";

export const NOT_PROVIDED = "暂无";

export interface GuideContext {
  tenantName: string;
  level: string;
  departmentNames: Record<string, string>;
}

export interface GuideMaterialRow {
  code: string;
  name: string;
  requiredLabel: string;
  countsLabel: string;
  pageLimitLabel: string;
  source: string;
  waived: boolean;
  waivable: boolean;
}

export interface GuideStage {
  number: number;
  label: string;
  parallel: boolean;
}

export interface GuideView {
  rows: [string, string][];
  materials: GuideMaterialRow[];
  stages: GuideStage[];
  notifyAndCommit: string | null;
}

export function daysLabel(days: Days | undefined): string {
  if (days === undefined) return NOT_PROVIDED;
  return days === "instant" || days === 0 ? "即办" : `${days}个工作日`;
}

export function yuan(amountFen: number): string {
  return `${Math.floor(amountFen / 100)}.${String(amountFen % 100).padStart(2, "0")}元`;
}

export function materialRow(material: Material): GuideMaterialRow {
  const originals = material.originals ?? 0;
  const copies = material.copies ?? 0;
  const counts = [originals ? `原件${originals}份` : "", copies ? `复印件${copies}份` : ""].filter(Boolean);
  return {
    code: material.code,
    name: material.name || "（未命名材料）",
    requiredLabel: material.required === false ? "非必要" : "必要",
    countsLabel: counts.join("、") || "电子材料",
    pageLimitLabel: material.page_limit ? `不超过${material.page_limit}页` : "不限",
    source: MATERIAL_SOURCES[material.source ?? "applicant"] ?? String(material.source),
    waived: material.waived === true,
    waivable: material.waivable === true,
  };
}

const STEP_NODE_KINDS = new Set(["task", "escalate", "external", "subflow"]);

function stepTitle(node: FlowNode, context: GuideContext): string {
  const days = daysLabel(node.days ?? 0);
  switch (node.kind) {
    case "task": {
      const kind = node.step ? STEP_LABELS[node.step] : "";
      const department = node.department ? (context.departmentNames[node.department] ?? node.department) : "";
      return `${node.name || kind}（${[kind, department, days].filter(Boolean).join("，")}）`;
    }
    case "escalate": {
      const level = LEVEL_LABELS[node.to ?? ""] ?? node.to ?? "";
      return `${node.name || `上报${level}审批`}（${days}）`;
    }
    case "external":
      return `${node.name || `${node.system ?? ""}办理`}（${days}）`;
    default:
      return `${node.name || `关联事项 ${node.matter ?? ""}`}（${days}）`;
  }
}

/** Nodes in an order every edge respects (file order breaks ties; cycles fall back to it). */
function orderedNodes(flow: Flow): FlowNode[] {
  const position = new Map(flow.nodes.map((node, index) => [node.id, index]));
  const incoming = new Map(flow.nodes.map((node) => [node.id, 0]));
  for (const edge of flow.edges) if (incoming.has(edge.to) && position.has(edge.from)) incoming.set(edge.to, (incoming.get(edge.to) ?? 0) + 1);
  const ready = flow.nodes.filter((node) => incoming.get(node.id) === 0);
  const result: FlowNode[] = [];
  while (ready.length) {
    ready.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
    const node = ready.shift()!;
    result.push(node);
    for (const edge of flow.edges) {
      if (edge.from !== node.id || !incoming.has(edge.to)) continue;
      const left = (incoming.get(edge.to) ?? 0) - 1;
      incoming.set(edge.to, left);
      if (left === 0) ready.push(flow.nodes[position.get(edge.to)!]);
    }
  }
  return result.length === flow.nodes.length ? result : flow.nodes;
}

function reachable(flow: Flow, from: string, forward: boolean): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const current = stack.pop()!;
    for (const edge of flow.edges) {
      const [a, b] = forward ? [edge.from, edge.to] : [edge.to, edge.from];
      if (a === current && !seen.has(b)) {
        seen.add(b);
        stack.push(b);
      }
    }
  }
  return seen;
}

/** 办理流程 as an applicant reads it; the steps between a parallel split and its join are
 * one 并联 stage. */
export function flowStages(flow: Flow | undefined, context: GuideContext): GuideStage[] {
  if (!flow || !Array.isArray(flow.nodes) || !Array.isArray(flow.edges)) return [];
  const groups = new Map<string, string>();
  for (const split of flow.nodes.filter((n) => n.kind === "parallel")) {
    const join = flow.nodes.find((n) => n.kind === "join" && n.split === split.id);
    if (!join) continue;
    const below = reachable(flow, split.id, true);
    const above = reachable(flow, join.id, false);
    for (const id of below) if (above.has(id) && !groups.has(id)) groups.set(id, split.id);
  }
  const ordered = orderedNodes(flow).filter((node) => STEP_NODE_KINDS.has(node.kind));
  const stages: GuideStage[] = [];
  const seen = new Set<string>();
  for (const node of ordered) {
    const group = groups.get(node.id);
    if (!group) {
      stages.push({ number: stages.length + 1, label: stepTitle(node, context), parallel: false });
      continue;
    }
    if (seen.has(group)) continue;
    seen.add(group);
    const members = ordered.filter((n) => groups.get(n.id) === group);
    const label = members.map((n) => stepTitle(n, context)).join("、");
    stages.push({ number: stages.length + 1, label: members.length > 1 ? `并联办理：${label}` : label, parallel: members.length > 1 });
  }
  return stages;
}

function text(value: unknown): string {
  return typeof value === "string" && value ? value : NOT_PROVIDED;
}

export function buildGuide(document: MatterDocument, context: GuideContext): GuideView {
  const limits = limitsOf(document);
  const guide = guideOf(document);
  const fees = feesOf(document);
  const objects = Array.isArray(document.service_objects) ? (document.service_objects as string[]) : [];
  const department = typeof document.department === "string" ? document.department : "";
  const instant = daysValue(limits.promised) === 0;
  const feesLabel = fees.length ? fees.map((f) => `${f.name} ${yuan(Number(f.amount_fen) || 0)}`).join("；") : "不收费";
  const rows: [string, string][] = [
    ["事项名称", text(document.name)],
    ["实施编码", "由系统生成（实施主体统一社会信用代码＋行使层级＋基本编码）"],
    ["基本编码", text(document.code)],
    ["事项类型", MATTER_TYPES[String(document.matter_type)] ?? text(document.matter_type)],
    ["设定依据", text(document.legal_basis)],
    ["权力来源", POWER_SOURCES[String(document.power_source)] ?? text(document.power_source)],
    ["实施主体", department ? (context.departmentNames[department] ?? department) : NOT_PROVIDED],
    ["所属单位", context.tenantName],
    ["行使层级", LEVEL_LABELS[context.level] ?? context.level],
    ["审批层级", approvalChainLabel(document.approval_chain)],
    ["服务对象", objects.map((o) => SERVICE_OBJECTS[o] ?? o).join("、") || NOT_PROVIDED],
    ["受理条件", typeof document.conditions === "string" && document.conditions ? document.conditions : "无特别条件"],
    ["法定时限", daysLabel(limits.legal)],
    ["承诺时限", daysLabel(limits.promised)],
    ["办件类型", instant ? "即办件" : "承诺件"],
    ["收费", feesLabel],
    ["办理地点", text(guide.address)],
    ["办理时间", text(guide.hours)],
    ["咨询电话", text(guide.phone)],
    ["监督投诉电话", text(guide.complaint_phone)],
    ["网办地址", text(guide.online_url)],
  ];
  return {
    rows,
    materials: materialsOf(document).map(materialRow),
    stages: flowStages(document.flow, context),
    notifyAndCommit:
      document.notify_and_commit === true
        ? "本事项实行告知承诺制：申请人书面承诺已经符合告知的条件、标准、要求的，当场作出审批决定，事后依法核查。"
        : null,
  };
}

export function materialLine(material: GuideMaterialRow): string {
  const parts = [material.name, material.requiredLabel, material.countsLabel, `页数${material.pageLimitLabel}`, `来源：${material.source}`];
  if (material.waived) parts.push("免提交（由本单位通过数据共享获取）");
  return parts.join("，");
}

/** 一次性告知单 as plain text, line for line as core/guide.py writes it. */
export function noticeText(view: GuideView): string {
  const row = (label: string) => view.rows.find(([l]) => l === label)?.[1] ?? NOT_PROVIDED;
  const numbered = (lines: string[]) => lines.map((line, i) => `  ${i + 1}. ${line}`);
  const submitted = view.materials.filter((m) => !m.waived).length;
  const lines = [
    "一次性告知单",
    "",
    `事项名称：${row("事项名称")}`,
    `实施编码：${row("实施编码")}`,
    `实施主体：${row("实施主体")}（${row("所属单位")}）`,
    `受理条件：${row("受理条件")}`,
    "",
    `申请材料（共${view.materials.length}项，需提交${submitted}项）：`,
    ...numbered(view.materials.map(materialLine)),
    "",
    "办理流程：",
    ...numbered(view.stages.map((s) => s.label)),
    "",
    `法定时限：${row("法定时限")}；承诺时限：${row("承诺时限")}（${row("办件类型")}）`,
    `收费：${row("收费")}`,
    `办理地点：${row("办理地点")}`,
    `办理时间：${row("办理时间")}`,
    `咨询电话：${row("咨询电话")}；监督投诉电话：${row("监督投诉电话")}`,
    `网办地址：${row("网办地址")}`,
  ];
  if (view.notifyAndCommit) lines.push("", view.notifyAndCommit);
  lines.push("", "以上为办理本事项所需的全部材料和要求，本单位一次性告知。申请人按本单提交材料后，不再要求提交清单以外的材料。");
  return `${lines.join("\n")}\n`;
}
