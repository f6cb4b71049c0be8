/** 事项工作台 (placeholder until the workbench query lands): the catalog the caller sees. */
import { Alert, Card, Table, Tag } from "antd";
import { useEffect, useState } from "react";
import { gql } from "../lib/api";

interface MatterEntry {
  kind: "STANDARD" | "IMPLEMENTATION";
  code: string;
  name: string;
  tenant: { code: string; name: string };
  publishedVersion: number | null;
}

const QUERY = `query Matters($first: Int) { matters(first: $first) { items { kind code name publishedVersion tenant { code name } } } }`;

export function MattersPage() {
  const [items, setItems] = useState<MatterEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    gql<{ matters: { items: MatterEntry[] } }>(QUERY, { first: 100 })
      .then((data) => setItems(data.matters.items))
      .catch((e: Error) => setError(e.message));
  }, []);
  return (
    <Card title="事项工作台">
      {error && <Alert type="error" showIcon title={error} />}
      <Table<MatterEntry>
        rowKey={(row) => `${row.tenant.code}/${row.kind}/${row.code}`}
        loading={items === null && !error}
        dataSource={items ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: "事项编码", dataIndex: "code" },
          { title: "事项名称", dataIndex: "name" },
          { title: "类别", dataIndex: "kind", render: (kind: string) => (kind === "STANDARD" ? <Tag color="blue">标准事项</Tag> : <Tag color="green">实施清单</Tag>) },
          { title: "单位", render: (_, row) => row.tenant.name },
          { title: "已发布版本", dataIndex: "publishedVersion", render: (v: number | null) => (v ? `v${v}` : "—") },
        ]}
      />
    </Card>
  );
}
