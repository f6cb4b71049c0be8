/** Version history and a side-by-side diff of any two versions, grouped by section. */
import { Alert, Button, Card, Empty, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { StatusTag } from "../components/StatusTag";
import { fetchDiff, type DefinitionVersion, type DiffChange, type Kind } from "./api";
import { CHANGE_LABELS, DIFF_SECTION_LABELS } from "./labels";
import { formatTime } from "./ReviewRounds";
import { groupChanges } from "./diff";
import { whoLabel } from "../lib/people";

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 2);
}

interface Props {
  kind: Kind;
  code: string;
  tenantCode?: string;
  history: DefinitionVersion[];
}

export function VersionHistory({ kind, code, tenantCode, history }: Props) {
  const versions = history.map((v) => v.version).sort((a, b) => a - b);
  const [from, setFrom] = useState<number | undefined>(versions.at(-2));
  const [to, setTo] = useState<number | undefined>(versions.at(-1));
  const [changes, setChanges] = useState<DiffChange[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const options = versions.map((v) => ({ value: v, label: `第 ${v} 版` }));

  const compare = () => {
    if (from === undefined || to === undefined) return;
    setLoading(true);
    setError(null);
    fetchDiff(kind, code, from, to, tenantCode)
      .then(setChanges)
      .catch((e: Error) => setError(`无法比较版本：${e.message}`))
      .finally(() => setLoading(false));
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Table<DefinitionVersion>
        size="small"
        rowKey="version"
        dataSource={[...history].sort((a, b) => b.version - a.version)}
        pagination={false}
        scroll={{ x: "max-content" }}
        data-testid="version-history"
        columns={[
          { title: "版本", dataIndex: "version", render: (v: number) => `第 ${v} 版` },
          { title: "状态", dataIndex: "status", render: (s: string) => <StatusTag status={s} /> },
          { title: "创建人", dataIndex: "createdBy", render: (who: string) => whoLabel(who) },
          { title: "创建时间", dataIndex: "createdAt", render: formatTime },
          { title: "发布时间", dataIndex: "publishedAt", render: formatTime },
        ]}
      />
      <Card size="small" title="版本比较">
        {versions.length < 2 ? (
          <Typography.Text type="secondary">只有一个版本，暂无可比较的版本。</Typography.Text>
        ) : (
          <Space wrap>
            <Select aria-label="比较的旧版本" value={from} options={options} onChange={setFrom} style={{ width: 120 }} />
            <span>→</span>
            <Select aria-label="比较的新版本" value={to} options={options} onChange={setTo} style={{ width: 120 }} />
            <Button onClick={compare} loading={loading} disabled={from === undefined || to === undefined || from === to}>
              比较
            </Button>
          </Space>
        )}
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 8 }} />}
        {changes && <DiffView changes={changes} from={from} to={to} />}
      </Card>
    </Space>
  );
}

export function DiffView({ changes, from, to }: { changes: DiffChange[]; from?: number; to?: number }) {
  if (!changes.length)
    return (
      <div data-testid="version-diff">
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="两个版本内容相同" />
      </div>
    );
  return (
    <div data-testid="version-diff" style={{ marginTop: 12 }}>
      {groupChanges(changes).map(([section, items]) => (
        <div key={section} style={{ marginBottom: 12 }}>
          <Typography.Title level={5}>{DIFF_SECTION_LABELS[section] ?? section}</Typography.Title>
          <Table<DiffChange>
            size="small"
            rowKey={(c) => `${c.section}/${c.key}`}
            dataSource={items}
            pagination={false}
            scroll={{ x: "max-content" }}
            columns={[
              { title: "项目", dataIndex: "label", width: 200 },
              { title: "变化", dataIndex: "change", width: 70, render: (c: string) => <Tag color={CHANGE_LABELS[c]?.color}>{CHANGE_LABELS[c]?.label ?? c}</Tag> },
              { title: from ? `第 ${from} 版` : "修改前", dataIndex: "before", render: (v: unknown) => <pre style={PRE}>{show(v)}</pre> },
              { title: to ? `第 ${to} 版` : "修改后", dataIndex: "after", render: (v: unknown) => <pre style={PRE}>{show(v)}</pre> },
            ]}
          />
        </div>
      ))}
    </div>
  );
}

const PRE = { whiteSpace: "pre-wrap", margin: 0, fontFamily: "inherit", fontSize: 12, maxWidth: 420 } as const;
