/** Chinese labels of the flow designer. */
import type { Department, FlowNode, NodeKind } from "../lib/types";
import { ROLE_LABELS, STEP_LABELS } from "../lib/types";

export const NODE_KIND_LABELS: Record<NodeKind, string> = {
  start: "开始",
  end: "结束",
  task: "办理环节",
  parallel: "并联审批",
  join: "并联汇合",
  choice: "条件分支",
  escalate: "上报上级",
  external: "外部系统",
  subflow: "子事项",
};

export const LEVEL_LABELS: Record<NonNullable<FlowNode["to"]>, string> = {
  nation: "国家级",
  province: "省级",
  city: "市级",
  county: "县级",
};

export const ON_DENY_LABELS: Record<NonNullable<FlowNode["on_deny"]>, string> = {
  deny: "任一分支不通过即结束并联（默认）",
  continue: "不通过也计为一个分支到达",
};

export function kindLabel(node: FlowNode): string {
  return node.kind === "task" && node.step ? STEP_LABELS[node.step] : NODE_KIND_LABELS[node.kind];
}

export function nodeTitle(node: FlowNode): string {
  return node.name ?? kindLabel(node);
}

export function roleLabel(role: string | undefined): string {
  return role ? (ROLE_LABELS[role] ?? role) : "未选择角色";
}

export function departmentLabel(code: string | undefined, departments: Department[]): string {
  if (!code) return "未选择部门";
  return departments.find((d) => d.code === code)?.name ?? code;
}

/** One line describing what a node does, for cards and graph nodes. */
export function nodeDetail(node: FlowNode, departments: Department[]): string | undefined {
  switch (node.kind) {
    case "task":
      return `${departmentLabel(node.department, departments)}·${roleLabel(node.role)}`;
    case "escalate":
      return node.to ? `上报至${LEVEL_LABELS[node.to]}` : "未选择上报层级";
    case "external":
      return node.system ? `外部系统：${node.system}` : "未填写外部系统";
    case "subflow":
      return node.matter ? `子事项：${node.matter}` : "未填写子事项编码";
    case "join":
      return node.min ? `${node.min} 个分支到达后继续` : "全部分支到达后继续";
    default:
      return undefined;
  }
}
