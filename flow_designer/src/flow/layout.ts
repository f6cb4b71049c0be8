/**
 * Top-down positions for the read-only graph. A structured flow is laid out from its
 * blocks (branches side by side, each block centred over its branches); any other flow by
 * layers (a node's row is its longest distance from the start).
 */
import type { Flow } from "../lib/types";
import type { FlowModel, Item } from "./structure";

export const COLUMN_WIDTH = 260;
export const ROW_HEIGHT = 120;

export type Positions = Map<string, { x: number; y: number }>;

export function layoutFlow(model: FlowModel): Positions {
  return model.structured ? layoutStructured(model.startId, model.endId, model.main) : layoutLayers(model.base);
}

function chainWidth(chain: Item[]): number {
  return Math.max(1, ...chain.map(itemWidth));
}

function itemWidth(item: Item): number {
  return item.type === "step" ? 1 : item.branches.reduce((sum, branch) => sum + chainWidth(branch.chain), 0);
}

function layoutStructured(startId: string, endId: string, main: Item[]): Positions {
  const positions: Positions = new Map();
  const put = (id: string, column: number, row: number) => positions.set(id, { x: column * COLUMN_WIDTH, y: row * ROW_HEIGHT });
  // lays out a chain in columns [left, left + width), centre at left + (width - 1) / 2; returns the next free row
  const place = (chain: Item[], left: number, width: number, row: number): number => {
    const centre = left + (width - 1) / 2;
    for (const item of chain) {
      put(item.id, centre, row);
      row += 1;
      if (item.type === "step") continue;
      let column = left + (width - itemWidth(item)) / 2;
      let bottom = row;
      for (const branch of item.branches) {
        const w = chainWidth(branch.chain);
        bottom = Math.max(bottom, place(branch.chain, column, w, row));
        column += w;
      }
      row = bottom;
      if (item.type === "parallel") {
        put(item.joinId, centre, row);
        row += 1;
      }
    }
    return row;
  };
  const width = chainWidth(main);
  put(startId, (width - 1) / 2, 0);
  const last = place(main, 0, width, 1);
  put(endId, (width - 1) / 2, last);
  return positions;
}

function layoutLayers(flow: Flow): Positions {
  const ids = flow.nodes.map((n) => n.id);
  const predecessors = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const edge of flow.edges) predecessors.get(edge.to)?.push(edge.from);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle: break it here
    visiting.add(id);
    const value = Math.max(-1, ...(predecessors.get(id) ?? []).filter((p) => predecessors.has(p)).map(depth)) + 1;
    visiting.delete(id);
    layer.set(id, value);
    return value;
  };
  ids.forEach(depth);
  const rows = new Map<number, string[]>();
  for (const id of ids) rows.set(layer.get(id) ?? 0, [...(rows.get(layer.get(id) ?? 0) ?? []), id]);
  const widest = Math.max(1, ...[...rows.values()].map((r) => r.length));
  const positions: Positions = new Map();
  for (const [row, members] of rows) {
    const offset = (widest - members.length) / 2;
    members.forEach((id, i) => positions.set(id, { x: (offset + i) * COLUMN_WIDTH, y: row * ROW_HEIGHT }));
  }
  return positions;
}
