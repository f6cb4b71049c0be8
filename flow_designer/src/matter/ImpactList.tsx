/** 影响分析: every descendant implementation or refinement that would stop conforming if this
 * standard were published as it is now, and why. */
import { Alert, Button, Empty, List, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { chineseMessage } from "../lib/problems";
import type { MatterDocument } from "../lib/types";
import { impactOfStandardChange, type ConformanceEntry } from "./api";
import { KIND_LABELS } from "./labels";

export function useImpact(document: MatterDocument) {
  const [entries, setEntries] = useState<ConformanceEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const run = async (): Promise<ConformanceEntry[] | null> => {
    setLoading(true);
    setError(null);
    try {
      const found = await impactOfStandardChange(document);
      setEntries(found);
      return found;
    } catch (e) {
      setError(`影响分析失败：${(e as Error).message}`);
      return null;
    } finally {
      setLoading(false);
    }
  };
  return { entries, error, loading, run };
}

export function ImpactEntries({ entries }: { entries: ConformanceEntry[] }) {
  const broken = entries.filter((e) => !e.conforms);
  if (!broken.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有下级事项会因此不再符合标准" data-testid="impact-list" />;
  return (
    <List<ConformanceEntry>
      data-testid="impact-list"
      size="small"
      bordered
      dataSource={broken}
      renderItem={(entry) => (
        <List.Item key={`${entry.tenantCode}/${entry.kind}/${entry.code}`} data-testid={`impact-${entry.tenantCode}-${entry.code}`}>
          <Space orientation="vertical" size={2} style={{ width: "100%" }}>
            <span>
              <Tag>{KIND_LABELS[entry.kind] ?? entry.kind}</Tag>
              <Typography.Text strong>{entry.tenantName}</Typography.Text> · {entry.name}（{entry.code}，第 {entry.version} 版）
            </span>
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {entry.problems.map((p, i) => (
                <li key={i}>
                  <Typography.Text type="danger">{chineseMessage(p.message)}</Typography.Text>
                </li>
              ))}
            </ul>
          </Space>
        </List.Item>
      )}
    />
  );
}

export function ImpactPanel({ document }: { document: MatterDocument }) {
  const impact = useImpact(document);
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        按当前编辑内容检查本级以下已发布的细化标准和实施清单，列出发布后将不再符合标准的事项及原因。
      </Typography.Paragraph>
      <Button onClick={() => void impact.run()} loading={impact.loading} data-testid="impact-run">
        {impact.entries ? "重新分析" : "分析影响"}
      </Button>
      {impact.error && <Alert type="error" showIcon title={impact.error} />}
      {impact.entries && <ImpactEntries entries={impact.entries} />}
    </Space>
  );
}
