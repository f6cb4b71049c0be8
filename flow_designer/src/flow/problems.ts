/** Which server problems belong to which node or edge of the flow. */
import type { Flow, Problem } from "../lib/types";
import { edgeKey } from "./structure";

export interface PlacedProblems {
  /** By node id. An edge's problems are listed under its `from` node too, so the chain view,
   * which draws no edges, still shows them. */
  byNode: Map<string, Problem[]>;
  /** By edge key "from->to". */
  byEdge: Map<string, Problem[]>;
  /** Problems of the flow that name no node or edge of it. */
  other: Problem[];
}

const POINTER = /^\/flow\/(nodes|edges)\/([0-9]+)(\/|$)/;

export function placeProblems(problems: Problem[], flow: Flow): PlacedProblems {
  const byNode = new Map<string, Problem[]>();
  const byEdge = new Map<string, Problem[]>();
  const other: Problem[] = [];
  const add = (map: Map<string, Problem[]>, key: string, problem: Problem) => map.set(key, [...(map.get(key) ?? []), problem]);
  const nodeIds = new Set(flow.nodes.map((n) => n.id));
  const edgeById = new Map(flow.edges.map((e) => [e.id ?? edgeKey(e.from, e.to), e]));
  for (const problem of problems) {
    let nodeId: string | undefined;
    let edge = undefined as (typeof flow.edges)[number] | undefined;
    if (problem.target?.kind === "node") nodeId = problem.target.id;
    else if (problem.target?.kind === "edge") edge = edgeById.get(problem.target.id);
    else if (!problem.target) {
      // older servers: only a pointer such as /flow/nodes/3/role
      const match = POINTER.exec(problem.pointer);
      if (match?.[1] === "nodes") nodeId = flow.nodes[Number(match[2])]?.id;
      if (match?.[1] === "edges") edge = flow.edges[Number(match[2])];
    }
    if (nodeId !== undefined && nodeIds.has(nodeId)) add(byNode, nodeId, problem);
    else if (edge) {
      add(byEdge, edgeKey(edge.from, edge.to), problem);
      add(byNode, edge.from, problem);
    } else if (problem.pointer.startsWith("/flow") || problem.target?.kind === "node" || problem.target?.kind === "edge") {
      other.push(problem);
    }
  }
  return { byNode, byEdge, other };
}
