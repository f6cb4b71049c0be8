import { describe, expect, it } from "vitest";
import type { Flow } from "../lib/types";
import { COLUMN_WIDTH, ROW_HEIGHT, layoutFlow } from "./layout";
import { toStructure } from "./structure";
import { demoMatter, demoMatters } from "./testFlows";

describe("layoutFlow", () => {
  it("places every node of every demo flow, no two on the same spot", () => {
    for (const matter of demoMatters()) {
      const positions = layoutFlow(toStructure(matter.flow));
      expect(positions.size, matter.file).toBe(matter.flow.nodes.length);
      const spots = new Set([...positions.values()].map((p) => `${p.x},${p.y}`));
      expect(spots.size, matter.file).toBe(matter.flow.nodes.length);
    }
  });

  it("puts parallel branches side by side between the split and the join", () => {
    const positions = layoutFlow(toStructure(demoMatter("230123/matters/LH2300000001.implementation.yaml").flow));
    const row = (id: string) => (positions.get(id)?.y ?? -1) / ROW_HEIGHT;
    expect(row("split")).toBe(3);
    expect(["registration", "seal", "tax", "social"].map(row)).toEqual([4, 4, 4, 4]);
    expect(["registration", "seal", "tax", "social"].map((id) => (positions.get(id)?.x ?? 0) / COLUMN_WIDTH)).toEqual([0, 1, 2, 3]);
    expect(row("join")).toBe(5);
    expect(positions.get("split")?.x).toBe(1.5 * COLUMN_WIDTH);
    expect(positions.get("end")?.y).toBe(7 * ROW_HEIGHT);
  });

  it("lays out a flow that is not structured by layers", () => {
    const flow: Flow = {
      nodes: [
        { id: "s", kind: "start" },
        { id: "a", kind: "task" },
        { id: "b", kind: "task" },
        { id: "e", kind: "end" },
      ],
      edges: [
        { from: "s", to: "a" },
        { from: "s", to: "b" },
        { from: "a", to: "b" },
        { from: "b", to: "e" },
      ],
    };
    const positions = layoutFlow(toStructure(flow));
    expect(["s", "a", "b", "e"].map((id) => (positions.get(id)?.y ?? -1) / ROW_HEIGHT)).toEqual([0, 1, 2, 3]);
  });
});
