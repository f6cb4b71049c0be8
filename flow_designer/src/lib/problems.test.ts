import { describe, expect, it } from "vitest";
import type { MatterDocument } from "./types";
import { chineseMessage, indexProblems, pointerTokens, problemsFor, targetFromPointer } from "./problems";

const doc = {
  kind: "implementation",
  code: "000172111003",
  name: "药品零售企业经营许可",
  materials: [
    { code: "M001", name: "申请表" },
    { code: "M002", name: "营业执照" },
    { code: "M007", name: "房屋产权证明" },
  ],
  fees: [{ code: "F001", name: "工本费", amount_fen: 1000 }],
  form: {
    type: "object",
    properties: { company: { type: "object", properties: { "a/b": { type: "string" } } }, remarks: { type: "string" } },
    required: ["company", "remarks"],
  },
  flow: {
    nodes: [
      { id: "start", kind: "start" },
      { id: "accept", kind: "task" },
      { id: "end", kind: "end" },
    ],
    edges: [
      { from: "start", to: "accept" },
      { id: "done", from: "accept", to: "end" },
    ],
  },
} as unknown as MatterDocument;

describe("pointerTokens", () => {
  it("unescapes ~1 and ~0 and keeps empty pointers empty", () => {
    expect(pointerTokens("/form/properties/a~1b/x~0y")).toEqual(["form", "properties", "a/b", "x~y"]);
    expect(pointerTokens("")).toEqual([]);
  });
});

describe("targetFromPointer", () => {
  it("names the material by its code, not its position", () => {
    expect(targetFromPointer("/materials/2/name", doc)).toEqual({ kind: "material", id: "M007" });
    expect(targetFromPointer("/materials/0", doc)).toEqual({ kind: "material", id: "M001" });
  });
  it("falls back to the list when the index is past the end or absent", () => {
    expect(targetFromPointer("/materials/9", doc)).toEqual({ kind: "document", id: "materials" });
    expect(targetFromPointer("/materials", doc)).toEqual({ kind: "document", id: "materials" });
  });
  it("reads fees, limits and guide fields", () => {
    expect(targetFromPointer("/fees/0/amount_fen", doc)).toEqual({ kind: "fee", id: "F001" });
    expect(targetFromPointer("/time_limits/promised", doc)).toEqual({ kind: "limit", id: "promised" });
    expect(targetFromPointer("/guide/phone", doc)).toEqual({ kind: "guide", id: "phone" });
  });
  it("turns form pointers into dotted field paths, required entries included", () => {
    expect(targetFromPointer("/form/properties/company/properties/a~1b/maxLength", doc)).toEqual({ kind: "field", id: "company.a/b" });
    expect(targetFromPointer("/form/required/1", doc)).toEqual({ kind: "field", id: "remarks" });
    expect(targetFromPointer("/form/required", doc)).toEqual({ kind: "document", id: "form" });
  });
  it("names flow nodes by id and unnamed edges as from->to", () => {
    expect(targetFromPointer("/flow/nodes/1/department", doc)).toEqual({ kind: "node", id: "accept" });
    expect(targetFromPointer("/flow/edges/0", doc)).toEqual({ kind: "edge", id: "start->accept" });
    expect(targetFromPointer("/flow/edges/1/to", doc)).toEqual({ kind: "edge", id: "done" });
    expect(targetFromPointer("/flow", doc)).toEqual({ kind: "document", id: "flow" });
  });
  it("puts top-level keys under basic and the empty pointer on the document", () => {
    expect(targetFromPointer("/name", doc)).toEqual({ kind: "basic", id: "name" });
    expect(targetFromPointer("/procedure/steps", doc)).toEqual({ kind: "basic", id: "procedure" });
    expect(targetFromPointer("", doc)).toEqual({ kind: "document", id: "" });
  });
});

describe("indexProblems", () => {
  it("prefers the server's target over the pointer and groups by target and tab", () => {
    const index = indexProblems(
      [
        { code: "MATERIAL_RENAMED", pointer: "/materials/2/name", message: "m" },
        // the document moved on since: the server's target wins over the stale index
        { code: "MATERIAL_COUNT_INCREASED", pointer: "/materials/0/copies", message: "c", target: { kind: "material", id: "M007" } },
        { code: "FLOW_DAYS", pointer: "/flow/nodes/1/days", message: "d" },
        { code: "PROMISED_EXCEEDS_LEGAL", pointer: "/time_limits/promised", message: "p" },
        { code: "FEE_RAISED", pointer: "/fees/0/amount_fen", message: "f" },
        { code: "NAME_CHANGED", pointer: "/name", message: "n" },
        { code: "MATERIAL_MISSING", pointer: "/materials", message: "x" },
      ],
      doc,
    );
    expect(problemsFor(index, "material", "M007").map((p) => p.code)).toEqual(["MATERIAL_RENAMED", "MATERIAL_COUNT_INCREASED"]);
    expect(problemsFor(index, "material", "M001")).toEqual([]);
    expect(index.byTab.materials.map((p) => p.code)).toEqual(["MATERIAL_RENAMED", "MATERIAL_COUNT_INCREASED", "MATERIAL_MISSING"]);
    expect(index.byTab.flow.map((p) => p.target.id)).toEqual(["accept"]);
    expect(index.byTab.limits.map((p) => p.code)).toEqual(["PROMISED_EXCEEDS_LEGAL", "FEE_RAISED"]);
    expect(index.byTab.basic.map((p) => p.code)).toEqual(["NAME_CHANGED"]);
    expect(index.all).toHaveLength(7);
  });
  it("follows a material after the list is reordered", () => {
    const reordered = { ...doc, materials: [...(doc.materials as unknown[])].reverse() } as MatterDocument;
    const index = indexProblems([{ code: "MATERIAL_RENAMED", pointer: "/materials/0/name", message: "m" }], reordered);
    expect(index.all[0].target).toEqual({ kind: "material", id: "M007" });
  });
});

describe("chineseMessage", () => {
  it("drops the English tail", () => {
    expect(chineseMessage("事项名称须与上级标准一致 (name must equal the parent standard's '药品零售企业经营许可', got 'x')")).toBe(
      "事项名称须与上级标准一致",
    );
    expect(chineseMessage("节点 'accept'：未知部门 (node 'accept': unknown department (zwfw))")).toBe("节点 'accept'：未知部门");
    expect(chineseMessage("材料 营业执照复印件（M009）不在上级标准中 (M009 is not in the parent standard)")).toBe(
      "材料 营业执照复印件（M009）不在上级标准中",
    );
  });
  it("drops tails naming Chinese values many times", () => {
    expect(chineseMessage("材料名称须为 药品经营许可证申请表 (material M001 must keep its name '药品经营许可证申请表', got '申请表')")).toBe(
      "材料名称须为 药品经营许可证申请表",
    );
  });
  it("drops a tail that starts with a quoted value", () => {
    expect(chineseMessage("取值无效 ('' should be non-empty)")).toBe("取值无效");
  });
  it("keeps messages without an English tail", () => {
    expect(chineseMessage("缺少材料 ('申请书' 未列出)")).toBe("缺少材料 ('申请书' 未列出)");
    expect(chineseMessage("办理地点 (A 区 12 号窗口)")).toBe("办理地点 (A 区 12 号窗口)");
    expect(chineseMessage("only english (really)")).toBe("only english (really)");
    expect(chineseMessage("承诺时限不得超过法定时限")).toBe("承诺时限不得超过法定时限");
    expect(chineseMessage("办理地点 (A 区)")).toBe("办理地点 (A 区)");
  });
});
