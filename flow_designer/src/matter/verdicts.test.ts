import { describe, expect, it } from "vitest";
import { groupChanges } from "./diff";
import { reviewInput, verdictProblems, type Verdicts } from "./verdicts";

const verdicts = (a: boolean | null, l: boolean | null, r: boolean | null, comment = ""): Verdicts => ({
  authenticity: { ok: a, comment },
  legality: { ok: l, comment: "" },
  rationality: { ok: r, comment: "" },
});

describe("verdictProblems", () => {
  it("asks for every undecided verdict", () => {
    expect(verdictProblems(verdicts(true, null, null)).approve).toBe("请对合法性、合理性作出审核结论");
  });
  it("allows approving only when all three pass", () => {
    expect(verdictProblems(verdicts(true, true, true))).toEqual({ approve: null, return: "三项均通过时请选择审核通过；退回须至少一项不通过" });
  });
  it("requires a comment for each 不通过 before returning", () => {
    expect(verdictProblems(verdicts(false, true, true)).return).toBe("真实性不通过，须填写意见");
    expect(verdictProblems(verdicts(false, true, true, "  ")).return).toBe("真实性不通过，须填写意见");
    expect(verdictProblems(verdicts(false, true, true, "材料与原件不符"))).toEqual({ approve: "有不通过的审核项，只能退回", return: null });
  });
  it("sends trimmed comments and the three outcomes", () => {
    expect(reviewInput(verdicts(false, true, true, " 材料不符 "))).toEqual({
      authenticityOk: false,
      authenticityComment: "材料不符",
      legalityOk: true,
      legalityComment: "",
      rationalityOk: true,
      rationalityComment: "",
    });
  });
});

describe("groupChanges", () => {
  it("groups by section in tab order, unknown sections last", () => {
    const change = (section: string, key: string) => ({ section, key, label: key, change: "CHANGED" as const, before: 1, after: 2 });
    const groups = groupChanges([change("flow", "n1"), change("zzz", "x"), change("materials", "M001"), change("flow", "n2"), change("basic", "name")]);
    expect(groups.map(([section, items]) => [section, items.map((c) => c.key)])).toEqual([
      ["basic", ["name"]],
      ["materials", ["M001"]],
      ["flow", ["n1", "n2"]],
      ["zzz", ["x"]],
    ]);
  });
});
