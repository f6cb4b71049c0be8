/**
 * The critical path: the longest start-to-end path in working days, summing node `days`
 * (parallel branches run at the same time and a choice takes one way, so both count their
 * longest branch). Computed over the graph, so it works for any acyclic flow.
 */
import type { Flow } from "../lib/types";
import { edgeKey } from "./structure";

export interface CriticalPath {
  days: number;
  /** Node ids on the path, start to end. */
  nodeIds: string[];
  /** Edge keys ("from->to") on the path. */
  edgeKeys: Set<string>;
}

export function criticalPath(flow: Flow): CriticalPath | null {
  const days = new Map(flow.nodes.map((n) => [n.id, n.days ?? 0]));
  const successors = new Map<string, string[]>(flow.nodes.map((n) => [n.id, []]));
  for (const edge of flow.edges) {
    if (days.has(edge.from) && days.has(edge.to)) successors.get(edge.from)?.push(edge.to);
  }
  // longest path from each node to the end of its paths, memoised; null on a cycle
  const best = new Map<string, { total: number; next?: string }>();
  const onStack = new Set<string>();
  const visit = (id: string): number | null => {
    const known = best.get(id);
    if (known) return known.total;
    if (onStack.has(id)) return null;
    onStack.add(id);
    let total = 0;
    let next: string | undefined;
    for (const successor of successors.get(id) ?? []) {
      const sub = visit(successor);
      if (sub === null) return null;
      if (next === undefined || sub > total) {
        total = sub;
        next = successor;
      }
    }
    onStack.delete(id);
    best.set(id, { total: total + (days.get(id) ?? 0), next });
    return total + (days.get(id) ?? 0);
  };
  const starts = flow.nodes.filter((n) => n.kind === "start");
  const roots = starts.length ? starts : flow.nodes.slice(0, 1);
  let first: string | undefined;
  let longest = -1;
  for (const root of roots) {
    const total = visit(root.id);
    if (total === null) return null;
    if (total > longest) {
      longest = total;
      first = root.id;
    }
  }
  const nodeIds: string[] = [];
  const edgeKeys = new Set<string>();
  for (let id = first; id !== undefined; id = best.get(id)?.next) {
    const previous = nodeIds[nodeIds.length - 1];
    if (previous !== undefined) edgeKeys.add(edgeKey(previous, id));
    nodeIds.push(id);
  }
  return { days: Math.max(longest, 0), nodeIds, edgeKeys };
}

export type LimitStatus = "ok" | "over-promised" | "over-legal" | "unknown";

/** How the critical path compares with the promised and legal limits (working days). */
export function limitStatus(days: number, promisedDays?: number, legalDays?: number): LimitStatus {
  if (legalDays !== undefined && days > legalDays) return "over-legal";
  if (promisedDays !== undefined && days > promisedDays) return "over-promised";
  return promisedDays === undefined && legalDays === undefined ? "unknown" : "ok";
}

/** time_limits values are working days or "instant" (即办, 0 days). */
export function limitDays(value: unknown): number | undefined {
  if (value === "instant") return 0;
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
