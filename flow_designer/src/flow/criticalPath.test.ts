import { describe, expect, it } from "vitest";
import type { Flow } from "../lib/types";
import { criticalPath, limitDays, limitStatus } from "./criticalPath";
import { demoMatter, demoMatters } from "./testFlows";

describe("criticalPath", () => {
  it("takes the longer branch of a choice", () => {
    const path = criticalPath(demoMatter("230123/matters/000172111003.implementation.yaml").flow);
    // accept 1 + review_full 6 + decide 2 + conclude 1
    expect(path?.days).toBe(10);
    expect(path?.nodeIds).toEqual(["start", "receive", "accept", "route", "review_full", "decide", "conclude", "end"]);
    expect(path?.edgeKeys.has("route->review_full")).toBe(true);
    expect(path?.edgeKeys.has("route->review_chain")).toBe(false);
  });

  it("counts parallel branches once (the longest)", () => {
    const flow: Flow = {
      nodes: [
        { id: "s", kind: "start" },
        { id: "p", kind: "parallel", days: 0 },
        { id: "a", kind: "external", system: "x", days: 3 },
        { id: "b", kind: "external", system: "y", days: 5 },
        { id: "j", kind: "join", split: "p", days: 1 },
        { id: "e", kind: "end" },
      ],
      edges: [
        { from: "s", to: "p" },
        { from: "p", to: "a" },
        { from: "p", to: "b" },
        { from: "a", to: "j" },
        { from: "b", to: "j" },
        { from: "j", to: "e" },
      ],
    };
    const path = criticalPath(flow);
    expect(path?.days).toBe(6);
    expect(path?.nodeIds).toEqual(["s", "p", "b", "j", "e"]);
  });

  it("returns null for a cycle", () => {
    const flow: Flow = {
      nodes: [
        { id: "s", kind: "start" },
        { id: "a", kind: "task", days: 1 },
        { id: "b", kind: "task", days: 1 },
      ],
      edges: [
        { from: "s", to: "a" },
        { from: "a", to: "b" },
        { from: "b", to: "a" },
      ],
    };
    expect(criticalPath(flow)).toBeNull();
  });

  it("fits the promised limit of every demo implementation", () => {
    for (const matter of demoMatters()) {
      const path = criticalPath(matter.flow);
      const promised = limitDays(matter.timeLimits?.promised);
      expect(path, matter.file).not.toBeNull();
      if (promised !== undefined) expect(path?.days ?? 0, matter.file).toBeLessThanOrEqual(promised);
    }
  });
});

describe("limitStatus", () => {
  it("compares with the promised and the legal limit", () => {
    expect(limitStatus(10, 10, 20)).toBe("ok");
    expect(limitStatus(11, 10, 20)).toBe("over-promised");
    expect(limitStatus(21, 10, 20)).toBe("over-legal");
    expect(limitStatus(3)).toBe("unknown");
    expect(limitDays("instant")).toBe(0);
    expect(limitDays(5)).toBe(5);
    expect(limitDays(undefined)).toBeUndefined();
  });
});
