import { describe, expect, it } from "vitest";
import type { Flow } from "../lib/types";
import { checkFlow } from "./checks";
import {
  addBranch,
  insertChoice,
  insertParallel,
  insertStep,
  moveItem,
  removeBranch,
  removeItem,
  taskTemplate,
  toFlow,
  toStructure,
  updateBranchEdge,
  updateNode,
  type EditResult,
  type StructuredFlow,
} from "./structure";
import { demoMatter, demoMatters } from "./testFlows";

const matters = demoMatters();

function structured(flow: Flow): StructuredFlow {
  const model = toStructure(flow);
  if (!model.structured) throw new Error(`not structured: ${model.reason}`);
  return model;
}

function ok(result: EditResult): StructuredFlow {
  if (!result.ok) throw new Error(result.message);
  return result.model;
}

/** The edges as "from->to" strings, in array order. */
const edgeList = (flow: Flow) => flow.edges.map((e) => `${e.from}->${e.to}`);

describe("round trip of every demo flow", () => {
  it("finds the demo flows", () => {
    expect(matters.length).toBeGreaterThanOrEqual(15);
  });

  it.each(matters.map((m) => [m.file, m.flow] as const))("%s is byte-identical", (_file, flow) => {
    const model = toStructure(flow);
    expect(model.structured).toBe(true);
    expect(JSON.stringify(toFlow(model))).toBe(JSON.stringify(flow));
    expect(checkFlow(flow)).toEqual([]);
  });
});

describe("reading blocks", () => {
  it("reads a choice whose branches meet at the next step", () => {
    const model = structured(demoMatter("230123/matters/000172111003.implementation.yaml").flow);
    expect(model.main.map((i) => i.id)).toEqual(["receive", "accept", "route", "decide", "conclude"]);
    const route = model.main[2];
    expect(route.type).toBe("choice");
    if (route.type !== "choice") return;
    expect(route.branches.map((b) => b.chain.map((i) => i.id))).toEqual([["review_chain"], ["review_full"]]);
    expect(route.branches[0].edge.when).toBe("form.storeType == '连锁门店'");
    expect(route.branches[1].edge.default).toBe(true);
  });

  it("reads a parallel block with four branches", () => {
    const model = structured(demoMatter("230123/matters/LH2300000001.implementation.yaml").flow);
    const split = model.main[2];
    expect(split.type).toBe("parallel");
    if (split.type !== "parallel") return;
    expect(split.joinId).toBe("join");
    expect(split.branches.map((b) => b.chain.map((i) => i.id))).toEqual([["registration"], ["seal"], ["tax"], ["social"]]);
  });

  it("falls back to unstructured for a graph that is not blocks, and gives it back unchanged", () => {
    const flow: Flow = {
      nodes: [
        { id: "s", kind: "start" },
        { id: "a", kind: "task", step: "receive", department: "d", role: "clerk" },
        { id: "b", kind: "task", step: "review", department: "d", role: "reviewer" },
        { id: "e", kind: "end" },
      ],
      edges: [
        { from: "s", to: "a" },
        { from: "a", to: "e" },
        { from: "s", to: "b" },
        { from: "b", to: "e" },
      ],
    };
    const model = toStructure(flow);
    expect(model.structured).toBe(false);
    if (model.structured) return;
    expect(model.reason).toContain("s");
    expect(toFlow(model)).toBe(flow);
  });

  it("falls back for an unpaired parallel split", () => {
    const flow: Flow = {
      nodes: [
        { id: "s", kind: "start" },
        { id: "p", kind: "parallel" },
        { id: "a", kind: "external", system: "x" },
        { id: "b", kind: "external", system: "y" },
        { id: "e", kind: "end" },
      ],
      edges: [
        { from: "s", to: "p" },
        { from: "p", to: "a" },
        { from: "p", to: "b" },
        { from: "a", to: "e" },
        { from: "b", to: "e" },
      ],
    };
    expect(toStructure(flow).structured).toBe(false);
  });
});

describe("edits", () => {
  const simple = demoMatter("230123/matters/000131127004.implementation.yaml").flow;

  it("inserts a step after a node with a readable id, and deleting it restores the original", () => {
    const base = structured(simple);
    const inserted = insertStep(base, { after: "review" }, taskTemplate("review", "复核", "scjgj"));
    const model = ok(inserted);
    expect(inserted.id).toBe("review_2");
    const flow = toFlow(model);
    expect(checkFlow(flow)).toEqual([]);
    expect(edgeList(flow)).toEqual([
      "start->receive",
      "receive->accept",
      "accept->review",
      "review->review_2",
      "review_2->decide",
      "decide->conclude",
      "conclude->end",
    ]);
    expect(flow.nodes.map((n) => n.id)).toEqual(["start", "receive", "accept", "review", "review_2", "decide", "conclude", "end"]);
    expect(flow.nodes[4]).toEqual({ id: "review_2", kind: "task", step: "review", name: "复核", department: "scjgj", role: "reviewer", days: 0 });
    // the edit round-trips too
    expect(JSON.stringify(toFlow(structured(flow)))).toBe(JSON.stringify(flow));
    const undone = toFlow(ok(removeItem(structured(flow), "review_2")));
    expect(JSON.stringify(undone)).toBe(JSON.stringify(simple));
  });

  it("inserts a parallel block after the start and removes it again", () => {
    const base = structured(simple);
    const result = insertParallel(base, { after: "start" }, [
      { kind: "external", name: "税务核验", system: "金税三期", days: 1 },
      { kind: "subflow", name: "刻章", matter: "000131127004", days: 2 },
    ]);
    const flow = toFlow(ok(result));
    expect(checkFlow(flow)).toEqual([]);
    expect(edgeList(flow).slice(0, 6)).toEqual([
      "start->parallel",
      "parallel->external",
      "external->join",
      "parallel->subflow",
      "subflow->join",
      "join->receive",
    ]);
    expect(flow.nodes.find((n) => n.id === "join")).toEqual({ id: "join", kind: "join", name: "并联汇合", split: "parallel" });
    const again = structured(flow);
    expect(again.main[0].type).toBe("parallel");
    expect(JSON.stringify(toFlow(ok(removeItem(again, "join"))))).toBe(JSON.stringify(simple));
  });

  it("inserts a choice block; it is complete once the condition is set", () => {
    const base = structured(simple);
    const inserted = insertChoice(base, { after: "review" }, taskTemplate("review", "现场核查", "scjgj"));
    let model = ok(inserted);
    const pending = checkFlow(toFlow(model));
    expect(pending.map((p) => p.code)).toEqual(["FLOW_CHOICE"]);
    model = ok(updateBranchEdge(model, inserted.id ?? "", 0, { when: "form.amount > 100" }));
    const flow = toFlow(model);
    expect(checkFlow(flow)).toEqual([]);
    expect(flow.edges.filter((e) => e.from === "choice")).toEqual([
      { from: "choice", to: "review_2", when: "form.amount > 100" },
      { from: "choice", to: "decide", default: true },
    ]);
    expect(JSON.stringify(toFlow(structured(flow)))).toBe(JSON.stringify(flow));
  });

  it("adds and removes branches; a block left with one branch dissolves", () => {
    const original = demoMatter("230123/matters/000172111003.implementation.yaml").flow;
    let model = structured(original);
    model = ok(addBranch(model, "route", taskTemplate("review", "简易审查", "scjgj")));
    let flow = toFlow(model);
    // the new conditional branch goes before the default one and still needs its condition
    expect(flow.edges.filter((e) => e.from === "route").map((e) => e.to)).toEqual(["review_chain", "review", "review_full"]);
    const route = structured(flow).main[2];
    expect(route.type === "choice" && route.branches.map((b) => b.chain[0]?.id)).toEqual(["review_chain", "review", "review_full"]);
    expect(checkFlow(flow).map((p) => p.code)).toEqual(["FLOW_CHOICE"]);
    model = ok(removeBranch(structured(flow), "route", 1));
    expect(JSON.stringify(toFlow(model))).toBe(JSON.stringify(original));
    model = ok(removeBranch(model, "route", 0));
    flow = toFlow(model);
    expect(checkFlow(flow)).toEqual([]);
    expect(flow.nodes.map((n) => n.id)).toEqual(["start", "receive", "accept", "review_full", "decide", "conclude", "end"]);
    expect(edgeList(flow)).toContain("accept->review_full");
  });

  it("refuses a second empty branch in one block", () => {
    const model = structured(demoMatter("230123/matters/000172111003.implementation.yaml").flow);
    const first = ok(removeItem(model, "review_full"));
    const second = removeItem(first, "review_chain");
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.message).toContain("条件分支");
  });

  it("drops an emptied parallel branch and keeps the block balanced", () => {
    const model = structured(demoMatter("230123/matters/LH2300000001.implementation.yaml").flow);
    const flow = toFlow(ok(removeItem(model, "seal")));
    expect(checkFlow(flow)).toEqual([]);
    expect(flow.edges.filter((e) => e.from === "split").map((e) => e.to)).toEqual(["registration", "tax", "social"]);
  });

  it("moves a step and keeps the flow well-formed", () => {
    const model = ok(moveItem(structured(simple), "review", 1));
    const flow = toFlow(model);
    expect(checkFlow(flow)).toEqual([]);
    expect(structured(flow).main.map((i) => i.id)).toEqual(["receive", "accept", "decide", "review", "conclude"]);
    expect(moveItem(structured(simple), "receive", -1).ok).toBe(false);
    const back = toFlow(ok(moveItem(structured(flow), "review", -1)));
    expect(edgeList(back)).toEqual(edgeList(simple));
  });

  it("edits a node's properties in place, keeping key order", () => {
    const model = ok(updateNode(structured(simple), "review", { days: 3, name: "材料审查" }));
    const flow = toFlow(model);
    const index = simple.nodes.findIndex((n) => n.id === "review");
    expect(Object.keys(flow.nodes[index])).toEqual(Object.keys(simple.nodes[index]));
    expect(flow.nodes[index].days).toBe(3);
    expect(flow.nodes.filter((_, i) => i !== index)).toEqual(simple.nodes.filter((_, i) => i !== index));
  });

  it("makes another branch the default", () => {
    const model = structured(demoMatter("230123/matters/000172111003.implementation.yaml").flow);
    const flow = toFlow(ok(updateBranchEdge(model, "route", 0, { default: true })));
    expect(flow.edges.filter((e) => e.from === "route")).toEqual([
      { from: "route", to: "review_chain", default: true },
      { from: "route", to: "review_full" },
    ]);
  });

  it("nests a choice inside a parallel branch", () => {
    const withParallel = ok(
      insertParallel(structured(simple), { after: "accept" }, [taskTemplate("review", "甲", "a"), taskTemplate("review", "乙", "b")]),
    );
    const nested = ok(insertChoice(withParallel, { block: "parallel", branch: 1 }, taskTemplate("review", "丙", "c"), "form.x == 1"));
    const flow = toFlow(nested);
    expect(checkFlow(flow)).toEqual([]);
    const again = structured(flow);
    const block = again.main[2];
    expect(block.type === "parallel" && block.branches[1].chain.map((i) => i.type)).toEqual(["choice", "step"]);
    expect(JSON.stringify(toFlow(again))).toBe(JSON.stringify(flow));
  });
});
