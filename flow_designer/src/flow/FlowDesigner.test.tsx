import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Department, Flow, Problem } from "../lib/types";
import { FlowDesigner } from "./FlowDesigner";
import { demoMatter } from "./testFlows";

const pharmacy = demoMatter("230123/matters/000172111003.implementation.yaml");
const departments: Department[] = [
  { code: "zwfw", name: "县政务服务中心", roles: ["clerk"] },
  { code: "scjgj", name: "县市场监督管理局", roles: ["reviewer", "approver"] },
];
const noop = () => undefined;

function render(flow: Flow, extra: Partial<Parameters<typeof FlowDesigner>[0]> = {}): string {
  return renderToString(
    <FlowDesigner flow={flow} onChange={noop} problems={[]} departments={departments} formSchema={pharmacy.form} promisedDays={10} legalDays={20} {...extra} />,
  );
}

describe("FlowDesigner (server-rendered markup)", () => {
  it("renders a card and a + for every node, with the documented test ids", () => {
    const html = render(pharmacy.flow);
    for (const node of pharmacy.flow.nodes) expect(html).toContain(`data-testid="flow-step-${node.id}"`);
    for (const id of ["start", "receive", "accept", "route", "review_chain", "review_full", "decide", "conclude"]) {
      expect(html).toContain(`data-testid="flow-add-${id}"`);
    }
    expect(html).toContain('data-testid="flow-add-route-0"');
    expect(html).toContain('data-testid="flow-add-route-1"');
    expect(html).not.toContain('data-testid="flow-add-end"');
    expect(html).toContain('data-testid="flow-tab-graph"');
    expect(html).toContain("门店类型 等于 连锁门店");
    expect(html).toContain("默认分支（其他情况）");
    expect(html).toContain("县市场监督管理局·审查人员");
    expect(html).toContain("时限 6 个工作日");
    expect(html).toContain('aria-label="在“受理”之后添加"');
  });

  it("shows the critical path against the promised limit, red when over", () => {
    const ok = render(pharmacy.flow);
    const strip = /<div class="tb-flow-header([^"]*)" data-testid="flow-critical-path"[^>]*>(.*?)<\/div>/.exec(ok);
    expect(strip?.[1]).toBe("");
    expect(strip?.[2].replace(/<[^>]+>/g, "")).toContain("关键路径 10 个工作日 / 承诺时限 10 个工作日（法定时限 20 个工作日）");
    const over = render(pharmacy.flow, { promisedDays: 8 });
    expect(over).toContain('class="tb-flow-header is-over" data-testid="flow-critical-path"');
    expect(over).toContain("关键路径超出承诺时限");
  });

  it("puts server problems on their node as a badge", () => {
    const problems: Problem[] = [
      { code: "FLOW_ASSIGNEE_UNSTAFFED", pointer: "/flow/nodes/5", message: "部门中没有人担任审查人员", target: { kind: "node", id: "review_full" } },
      { code: "FLOW_DAYS", pointer: "/flow/nodes/2/days", message: "时限须为整数", target: { kind: "node", id: "accept" } },
    ];
    const html = render(pharmacy.flow, { problems });
    expect(html).toContain('data-testid="flow-problem-review_full"');
    expect(html).toContain('data-testid="flow-problem-accept"');
    expect(html).not.toContain('data-testid="flow-problem-decide"');
    expect(html).toContain('aria-label="1 个问题"');
  });

  it("has no + or delete buttons when read-only", () => {
    const html = render(pharmacy.flow, { readOnly: true });
    expect(html).not.toContain("flow-add-");
    expect(html).not.toContain("删除");
    expect(html).toContain('data-testid="flow-step-review_chain"');
  });

  it("opens a flow that is not structured on the graph tab with an explanation", () => {
    const flow: Flow = {
      nodes: [
        { id: "s", kind: "start" },
        { id: "a", kind: "external", system: "x" },
        { id: "e", kind: "end" },
      ],
      edges: [
        { from: "s", to: "a" },
        { from: "s", to: "e" },
        { from: "a", to: "e" },
      ],
    };
    const html = render(flow);
    expect(html).toContain("此流程无法按结构编辑");
    expect(html).toContain('data-testid="flow-critical-path"');
  });
});
