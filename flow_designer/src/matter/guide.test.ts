import { describe, expect, it } from "vitest";
import type { MatterDocument } from "../lib/types";
import { buildGuide, flowStages, noticeText, yuan } from "./guide";

const context = { tenantName: "依兰县", level: "county", departmentNames: { zwfw: "依兰县政务服务中心", scjgj: "依兰县市场监督管理局" } };

const doc = {
  kind: "implementation",
  code: "000172111003",
  name: "药品零售企业经营许可",
  matter_type: "01",
  legal_basis: "《药品管理法》",
  power_source: "1",
  service_objects: ["2"],
  time_limits: { legal: 20, promised: 15 },
  approval_chain: "county-initial/city-final",
  materials: [
    { code: "M001", name: "申请表", originals: 1, page_limit: 5 },
    { code: "M002", name: "营业执照", copies: 1, waivable: true, waived: true, source: "government" },
  ],
  fees: [{ code: "F001", name: "工本费", amount_fen: 1005 }],
  department: "scjgj",
  guide: { address: "A 区 12 号窗口", phone: "0451-12345678" },
  flow: {
    nodes: [
      { id: "start", kind: "start" },
      { id: "accept", kind: "task", step: "accept", department: "zwfw", role: "clerk", days: 1 },
      { id: "split", kind: "parallel" },
      { id: "a", kind: "task", step: "review", name: "现场核查", department: "scjgj", role: "reviewer", days: 3 },
      { id: "b", kind: "external", system: "金税三期", days: 1 },
      { id: "join", kind: "join", split: "split" },
      { id: "up", kind: "escalate", to: "city", days: 10 },
      { id: "end", kind: "end" },
    ],
    edges: [
      { from: "start", to: "accept" },
      { from: "accept", to: "split" },
      { from: "split", to: "a" },
      { from: "split", to: "b" },
      { from: "a", to: "join" },
      { from: "b", to: "join" },
      { from: "join", to: "up" },
      { from: "up", to: "end" },
    ],
  },
} as unknown as MatterDocument;

describe("guide preview", () => {
  it("formats fees in yuan", () => {
    expect(yuan(1005)).toBe("10.05元");
    expect(yuan(0)).toBe("0.00元");
  });
  it("lists the flow as stages with parallel branches together", () => {
    expect(flowStages(doc.flow, context).map((s) => s.label)).toEqual([
      "受理（受理，依兰县政务服务中心，1个工作日）",
      "并联办理：现场核查（审查，依兰县市场监督管理局，3个工作日）、金税三期办理（1个工作日）",
      "上报市级审批（10个工作日）",
    ]);
  });
  it("fills the guide rows from the document and says 暂无 for what is missing", () => {
    const rows = Object.fromEntries(buildGuide(doc, context).rows);
    expect(rows["实施主体"]).toBe("依兰县市场监督管理局");
    expect(rows["审批层级"]).toBe("县级初审、市级终审");
    expect(rows["承诺时限"]).toBe("15个工作日");
    expect(rows["办理时间"]).toBe("暂无");
    expect(rows["收费"]).toBe("工本费 10.05元");
  });
  it("writes the one-time notice with waived materials marked", () => {
    const notice = noticeText(buildGuide(doc, context));
    expect(notice).toContain("申请材料（共2项，需提交1项）：");
    expect(notice).toContain("  1. 申请表，必要，原件1份，页数不超过5页，来源：申请人自备");
    expect(notice).toContain("  2. 营业执照，必要，复印件1份，页数不限，来源：政府部门核发，免提交（由本单位通过数据共享获取）");
    expect(notice.endsWith("不再要求提交清单以外的材料。\n")).toBe(true);
  });
});
