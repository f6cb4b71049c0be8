/** The 办事指南 and 一次性告知单 as the applicant will see them, from the document being typed. */
import { Alert, Card, Descriptions, Table, Tabs, Tag, Typography } from "antd";
import { useMemo } from "react";
import type { MatterDocument } from "../lib/types";
import { buildGuide, noticeText, type GuideContext, type GuideMaterialRow } from "./guide";

const IMPLEMENTATION_ONLY = new Set(["实施编码", "实施主体", "所属单位", "行使层级", "办理地点", "办理时间", "咨询电话", "监督投诉电话", "网办地址", "办件类型"]);

function MaterialsPreview({ materials }: { materials: GuideMaterialRow[] }) {
  return (
    <Table<GuideMaterialRow>
      size="small"
      rowKey={(_, i) => String(i)}
      dataSource={materials}
      pagination={false}
      scroll={{ x: "max-content" }}
      locale={{ emptyText: "无需材料" }}
      columns={[
        { title: "序号", render: (_, __, i) => i + 1 },
        { title: "材料名称", render: (_, m) => <>{m.name} <Typography.Text type="secondary">{m.code}</Typography.Text></> },
        { title: "必要性", dataIndex: "requiredLabel" },
        { title: "原件/复印件", dataIndex: "countsLabel" },
        { title: "页数", dataIndex: "pageLimitLabel" },
        { title: "来源", dataIndex: "source" },
        { title: "提交方式", render: (_, m) => (m.waived ? <Tag color="blue">免提交</Tag> : "需提交") },
      ]}
    />
  );
}

export function GuidePreview({ document, context }: { document: MatterDocument; context: GuideContext }) {
  const view = useMemo(() => buildGuide(document, context), [document, context]);
  const implementation = document.kind === "implementation";
  const notice = useMemo(() => (implementation ? noticeText(view) : ""), [implementation, view]);
  const rows = implementation ? view.rows : view.rows.filter(([label]) => !IMPLEMENTATION_ONLY.has(label));
  return (
    <Card size="small" title="实时预览" styles={{ body: { paddingTop: 0 } }}>
      <Tabs
        items={[
          {
            key: "guide",
            label: implementation ? "办事指南" : "标准内容",
            children: (
              <div data-testid="guide-preview" aria-live="polite">
                <Descriptions size="small" bordered column={1} styles={{ label: { width: 104, whiteSpace: "nowrap" } }} items={rows.map(([label, value]) => ({ key: label, label, children: value }))} />
                {view.notifyAndCommit && <Alert type="info" style={{ marginTop: 8 }} title={view.notifyAndCommit} />}
                <Typography.Title level={5} style={{ marginTop: 12 }}>申请材料</Typography.Title>
                <MaterialsPreview materials={view.materials} />
                {implementation && (
                  <>
                    <Typography.Title level={5} style={{ marginTop: 12 }}>办理流程</Typography.Title>
                    {view.stages.length ? (
                      <ol style={{ paddingInlineStart: 20 }}>
                        {view.stages.map((stage) => (
                          <li key={stage.number}>
                            {stage.parallel && <Tag color="orange">并联</Tag>}
                            {stage.label}
                          </li>
                        ))}
                      </ol>
                    ) : (
                      <Typography.Text type="secondary">流程尚无办理环节</Typography.Text>
                    )}
                  </>
                )}
              </div>
            ),
          },
          {
            key: "notice",
            label: "一次性告知单",
            children: (
              <div data-testid="notice-preview">
                {implementation ? (
                  <pre style={{ whiteSpace: "pre-wrap", fontFamily: "inherit", margin: 0, fontSize: 13 }}>{notice}</pre>
                ) : (
                  <Alert type="info" showIcon title="一次性告知单由各级实施清单事项生成；标准事项的申请材料见“标准内容”。" />
                )}
              </div>
            ),
          },
        ]}
      />
    </Card>
  );
}
