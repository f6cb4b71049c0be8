/**
 * The flow rules the designer checks in the browser, before the server's authoritative
 * validate_flow: the graph rules that structured editing guarantees (one start, ends,
 * reachability, no cycle, fan-out only at splits and choices, balanced parallel blocks) and
 * the fields a node of each kind must carry. Codes follow docs/conformance.md.
 */
import type { Flow, FlowNode } from "../lib/types";
import { edgeKey } from "./structure";

export interface LocalProblem {
  code: string;
  message: string;
  nodeId?: string;
  edgeKey?: string;
}

const REQUIRED: Partial<Record<FlowNode["kind"], (keyof FlowNode)[]>> = {
  task: ["step", "department", "role"],
  join: ["split"],
  escalate: ["to"],
  subflow: ["matter"],
  external: ["system"],
};

const FIELD_LABELS: Partial<Record<keyof FlowNode, string>> = {
  step: "环节类型",
  department: "部门",
  role: "角色",
  split: "对应的并联审批",
  to: "上报层级",
  matter: "子事项编码",
  system: "外部系统",
};

export function checkFlow(flow: Flow): LocalProblem[] {
  const problems: LocalProblem[] = [];
  const byId = new Map<string, FlowNode>();
  for (const node of flow.nodes) {
    if (byId.has(node.id)) problems.push({ code: "FLOW_DUPLICATE_NODE", nodeId: node.id, message: `环节编号 ${node.id} 重复` });
    byId.set(node.id, node);
    for (const field of REQUIRED[node.kind] ?? []) {
      const value = node[field];
      if (value === undefined || value === "") {
        problems.push({ code: "FLOW_SHAPE", nodeId: node.id, message: `环节 ${label(node)} 未填写${FIELD_LABELS[field] ?? field}` });
      }
    }
    if (node.kind === "subflow" && node.matter !== undefined && !/^[0-9A-Z]{12}$/.test(node.matter)) {
      problems.push({ code: "FLOW_SHAPE", nodeId: node.id, message: `环节 ${label(node)} 的子事项编码须为 12 位数字或大写字母` });
    }
    if (node.days !== undefined && (!Number.isInteger(node.days) || node.days < 0)) {
      problems.push({ code: "FLOW_DAYS", nodeId: node.id, message: `环节 ${label(node)} 的时限须为不小于 0 的整数个工作日` });
    }
  }
  const successors = new Map<string, string[]>(flow.nodes.map((n) => [n.id, []]));
  const predecessors = new Map<string, string[]>(flow.nodes.map((n) => [n.id, []]));
  const seenEdges = new Set<string>();
  for (const edge of flow.edges) {
    const key = edgeKey(edge.from, edge.to);
    if (!byId.has(edge.from) || !byId.has(edge.to)) {
      problems.push({ code: "FLOW_UNKNOWN_NODE", edgeKey: key, message: `连线 ${key} 连到不存在的环节` });
      continue;
    }
    if (seenEdges.has(key)) problems.push({ code: "FLOW_DUPLICATE_EDGE", edgeKey: key, message: `连线 ${key} 重复` });
    seenEdges.add(key);
    successors.get(edge.from)?.push(edge.to);
    predecessors.get(edge.to)?.push(edge.from);
    const from = byId.get(edge.from);
    if ((edge.when !== undefined || edge.default !== undefined) && from?.kind !== "choice") {
      problems.push({ code: "FLOW_CONDITION", edgeKey: key, message: `连线 ${key} 不从条件分支出发，不能带条件` });
    }
  }
  const starts = flow.nodes.filter((n) => n.kind === "start");
  const ends = flow.nodes.filter((n) => n.kind === "end");
  if (starts.length !== 1) problems.push({ code: "FLOW_START", message: starts.length ? "流程有多个开始环节" : "流程没有开始环节" });
  for (const start of starts) {
    if (predecessors.get(start.id)?.length) problems.push({ code: "FLOW_START", nodeId: start.id, message: "有连线指向开始环节" });
  }
  for (const end of ends) {
    if (successors.get(end.id)?.length) problems.push({ code: "FLOW_END", nodeId: end.id, message: "有连线从结束环节出发" });
  }
  if (!ends.length) problems.push({ code: "FLOW_NO_END", message: "流程没有结束环节" });
  const forward = reach(starts.map((n) => n.id), successors);
  const backward = reach(ends.map((n) => n.id), predecessors);
  for (const node of flow.nodes) {
    if (!forward.has(node.id)) problems.push({ code: "FLOW_UNREACHABLE", nodeId: node.id, message: `从开始无法到达环节 ${label(node)}` });
    else if (!backward.has(node.id)) problems.push({ code: "FLOW_DEAD_END", nodeId: node.id, message: `环节 ${label(node)} 无法到达结束` });
    const out = successors.get(node.id)?.length ?? 0;
    if (out > 1 && node.kind !== "parallel" && node.kind !== "choice") {
      problems.push({ code: "FLOW_BRANCH", nodeId: node.id, message: `环节 ${label(node)} 有多条出线，只有并联审批和条件分支可以分叉` });
    }
    if (node.kind === "choice") problems.push(...checkChoice(flow, node));
  }
  if (hasCycle(flow.nodes.map((n) => n.id), successors)) problems.push({ code: "FLOW_CYCLE", message: "流程中有回路" });
  problems.push(...checkBalance(flow));
  return problems;
}

function checkChoice(flow: Flow, node: FlowNode): LocalProblem[] {
  const out = flow.edges.filter((e) => e.from === node.id);
  const problems: LocalProblem[] = [];
  if (out.length < 2) problems.push({ code: "FLOW_CHOICE", nodeId: node.id, message: `条件分支 ${label(node)} 至少要有两个分支` });
  out.forEach((edge, index) => {
    if (!edge.when && edge.default !== true) {
      problems.push({
        code: "FLOW_CHOICE",
        nodeId: node.id,
        edgeKey: edgeKey(edge.from, edge.to),
        message: `条件分支 ${label(node)} 的第 ${index + 1} 个分支没有设置条件，也不是默认分支`,
      });
    }
  });
  if (out.filter((e) => e.default === true).length > 1) {
    problems.push({ code: "FLOW_CHOICE", nodeId: node.id, message: `条件分支 ${label(node)} 只能有一个默认分支` });
  }
  return problems;
}

/** Each parallel split has one join naming it; each join names a parallel split. */
function checkBalance(flow: Flow): LocalProblem[] {
  const problems: LocalProblem[] = [];
  for (const split of flow.nodes.filter((n) => n.kind === "parallel")) {
    const joins = flow.nodes.filter((n) => n.kind === "join" && n.split === split.id);
    if (joins.length !== 1) {
      problems.push({ code: "FLOW_UNBALANCED", nodeId: split.id, message: `并联审批 ${label(split)} 须有且仅有一个汇合环节（现有 ${joins.length} 个）` });
    }
  }
  for (const join of flow.nodes.filter((n) => n.kind === "join")) {
    const split = flow.nodes.find((n) => n.id === join.split);
    if (!split || split.kind !== "parallel") {
      problems.push({ code: "FLOW_UNBALANCED", nodeId: join.id, message: `汇合环节 ${label(join)} 没有对应的并联审批` });
    }
    if (split && join.min !== undefined) {
      const branches = flow.edges.filter((e) => e.from === split.id).length;
      if (join.min > branches) {
        problems.push({ code: "FLOW_JOIN_MIN", nodeId: join.id, message: `汇合环节 ${label(join)} 要求 ${join.min} 个分支到达，但只有 ${branches} 个分支` });
      }
    }
  }
  return problems;
}

function reach(sources: string[], neighbours: Map<string, string[]>): Set<string> {
  const seen = new Set(sources);
  const stack = [...sources];
  while (stack.length) {
    for (const next of neighbours.get(stack.pop() as string) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

function hasCycle(ids: string[], successors: Map<string, string[]>): boolean {
  const state = new Map<string, 1 | 2>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 2) return false;
    if (state.get(id) === 1) return true;
    state.set(id, 1);
    const cyclic = (successors.get(id) ?? []).some(visit);
    state.set(id, 2);
    return cyclic;
  };
  return ids.some(visit);
}

const label = (node: FlowNode) => (node.name ? `${node.name}（${node.id}）` : node.id);
