import { describe, expect, it } from "vitest";
import type { Flow } from "../lib/types";
import { checkFlow } from "./checks";

const codes = (flow: Flow) => checkFlow(flow).map((p) => p.code).sort();

describe("checkFlow", () => {
  it("finds graph faults the structured editor cannot make", () => {
    const flow: Flow = {
      nodes: [
        { id: "s", kind: "start" },
        { id: "a", kind: "task", step: "review", department: "d", role: "reviewer" },
        { id: "b", kind: "task", step: "decide", department: "d", role: "approver" },
        { id: "lost", kind: "external", system: "x" },
        { id: "e", kind: "end" },
      ],
      edges: [
        { from: "s", to: "a" },
        { from: "a", to: "b" },
        { from: "a", to: "e" },
        { from: "b", to: "a" },
        { from: "e", to: "s" },
      ],
    };
    expect(codes(flow)).toEqual(["FLOW_BRANCH", "FLOW_CYCLE", "FLOW_END", "FLOW_START", "FLOW_UNREACHABLE"]);
  });

  it("checks parallel pairs, join minimums, choices and required fields", () => {
    const flow: Flow = {
      nodes: [
        { id: "s", kind: "start" },
        { id: "p", kind: "parallel" },
        { id: "x", kind: "external", system: "" },
        { id: "y", kind: "subflow", matter: "abc" },
        { id: "j", kind: "join", split: "p", min: 3 },
        { id: "c", kind: "choice" },
        { id: "t", kind: "task", step: "review", role: "reviewer" },
        { id: "e", kind: "end" },
      ],
      edges: [
        { from: "s", to: "p" },
        { from: "p", to: "x" },
        { from: "p", to: "y" },
        { from: "x", to: "j" },
        { from: "y", to: "j" },
        { from: "j", to: "c" },
        { from: "c", to: "t", when: "form.a == 1" },
        { from: "c", to: "e" },
        { from: "t", to: "e", default: true },
      ],
    };
    const problems = checkFlow(flow);
    expect(problems.map((p) => p.code).sort()).toEqual(["FLOW_CHOICE", "FLOW_CONDITION", "FLOW_JOIN_MIN", "FLOW_SHAPE", "FLOW_SHAPE", "FLOW_SHAPE"]);
    expect(problems.find((p) => p.code === "FLOW_JOIN_MIN")?.message).toBe("汇合环节 j 要求 3 个分支到达，但只有 2 个分支");
    expect(problems.filter((p) => p.code === "FLOW_SHAPE").map((p) => p.message)).toEqual([
      "环节 x 未填写外部系统",
      "环节 y 的子事项编码须为 12 位数字或大写字母",
      "环节 t 未填写部门",
    ]);
  });
});
