/** 待我审核: versions the caller's direct children submitted and nobody has reviewed yet. */
import { Alert, Button, Card, Table, Typography } from "antd";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { KindTag } from "../components/StatusTag";
import { chineseMessage } from "../lib/problems";
import { fetchPendingReviews, kindSlug, type PendingReview } from "../matter/api";
import { formatTime } from "../matter/ReviewRounds";

export function reviewPath(item: PendingReview): string {
  return `/reviews/${item.tenantCode}/${kindSlug(item.kind)}/${item.code}/${item.version}`;
}

export function ReviewsPage() {
  const [items, setItems] = useState<PendingReview[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetchPendingReviews().then(setItems).catch((e: Error) => setError(`无法载入待审核事项：${chineseMessage(e.message)}`));
  }, []);
  return (
    <Card title="待我审核">
      <Typography.Paragraph type="secondary">下级单位提交、等待本单位审核（真实性、合法性、合理性）的事项。</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<PendingReview>
        data-testid="pending-reviews-table"
        rowKey={(row) => `${row.tenantCode}/${row.kind}/${row.code}/${row.version}`}
        loading={items === null && !error}
        dataSource={items ?? []}
        scroll={{ x: "max-content" }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: "没有待审核的事项" }}
        onRow={(row) => ({ "data-testid": `pending-review-${row.tenantCode}-${row.code}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: "提交单位", dataIndex: "tenantName" },
          { title: "基本编码", dataIndex: "code" },
          { title: "事项名称", dataIndex: "name" },
          { title: "类别", dataIndex: "kind", render: (k: string) => <KindTag kind={k} /> },
          { title: "版本", dataIndex: "version", render: (v: number) => `第 ${v} 版` },
          { title: "提交时间", dataIndex: "submittedAt", render: formatTime },
          { title: "操作", render: (_, row) => <Link to={reviewPath(row)} state={{ tenantName: row.tenantName }} aria-label={`审核 ${row.tenantName} ${row.name}`}><Button size="small" type="primary">审核</Button></Link> },
        ]}
      />
    </Card>
  );
}
