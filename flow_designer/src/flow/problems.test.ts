import { describe, expect, it } from "vitest";
import type { Problem } from "../lib/types";
import { placeProblems } from "./problems";
import { demoMatter } from "./testFlows";

const flow = demoMatter("230123/matters/000172111003.implementation.yaml").flow;

describe("placeProblems", () => {
  it("puts node, edge and pointer-only problems where they belong", () => {
    const problems: Problem[] = [
      { code: "FLOW_ASSIGNEE", pointer: "/flow/nodes/4/role", message: "角色不是办理角色", target: { kind: "node", id: "review_chain" } },
      { code: "FLOW_CONDITION", pointer: "/flow/edges/3/when", message: "条件读取了表单没有的字段", target: { kind: "edge", id: "route->review_chain" } },
      { code: "FLOW_DAYS", pointer: "/flow/nodes/2/days", message: "时限须为整数" },
      { code: "FLOW_CRITICAL_PATH", pointer: "/flow", message: "关键路径超出承诺时限", target: null },
      { code: "MATERIAL_ADDED", pointer: "/materials/0", message: "材料不在上级标准中", target: { kind: "material", id: "M009" } },
      { code: "FLOW_UNREACHABLE", pointer: "/flow/nodes/9", message: "已删除的环节", target: { kind: "node", id: "gone" } },
    ];
    const placed = placeProblems(problems, flow);
    expect(placed.byNode.get("review_chain")?.map((p) => p.code)).toEqual(["FLOW_ASSIGNEE"]);
    expect(placed.byEdge.get("route->review_chain")?.map((p) => p.code)).toEqual(["FLOW_CONDITION"]);
    expect(placed.byNode.get("route")?.map((p) => p.code)).toEqual(["FLOW_CONDITION"]);
    expect(placed.byNode.get("accept")?.map((p) => p.code)).toEqual(["FLOW_DAYS"]);
    expect(placed.other.map((p) => p.code)).toEqual(["FLOW_CRITICAL_PATH", "FLOW_UNREACHABLE"]);
  });
});
