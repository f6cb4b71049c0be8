/** 三报三审: every submission numbered 第 N 轮 with the parent's three verdicts. */
import { Card, Descriptions, Empty, Space, Tag, Typography } from "antd";
import dayjs from "dayjs";
import type { ReviewRound } from "./api";
import { VERDICT_KEYS, VERDICT_LABELS } from "./labels";
import { whoLabel } from "../lib/people";

export function formatTime(value: string | null | undefined): string {
  return value ? dayjs(value).format("YYYY-MM-DD HH:mm") : "—";
}

function outcome(round: ReviewRound) {
  if (round.approved === null || round.approved === undefined) return <Tag color="processing">待审核</Tag>;
  return round.approved ? <Tag color="success">审核通过</Tag> : <Tag color="error">已退回</Tag>;
}

export function ReviewRounds({ rounds, error }: { rounds: ReviewRound[] | null; error?: string | null }) {
  if (error) return <Typography.Text type="secondary">{error}</Typography.Text>;
  if (rounds === null) return <Typography.Text type="secondary">加载中…</Typography.Text>;
  if (!rounds.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未提交审核" />;
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      {[...rounds].reverse().map((round) => (
        <Card key={round.round} size="small" data-testid={`review-round-${round.round}`}
          title={<span>第 {round.round} 轮 · 第 {round.version} 版 {outcome(round)}</span>}>
          <Descriptions size="small" column={{ xs: 1, sm: 2 }}
            items={[
              { key: "s", label: "提交", children: `${formatTime(round.submittedAt)}${round.submittedBy ? `（${whoLabel(round.submittedBy)}）` : ""}` },
              { key: "r", label: "审核", children: round.reviewedAt ? `${formatTime(round.reviewedAt)}（${round.reviewer ?? "上级单位"}）` : "尚未审核" },
            ]} />
          {round.reviewedAt && (
            <Descriptions size="small" bordered column={1} style={{ marginTop: 8 }}
              items={VERDICT_KEYS.map((key) => {
                const verdict = round[key];
                return {
                  key,
                  label: VERDICT_LABELS[key],
                  children: verdict ? (
                    <span>
                      <Tag color={verdict.ok ? "success" : "error"}>{verdict.ok ? "通过" : "不通过"}</Tag>
                      {verdict.comment}
                    </span>
                  ) : "—",
                };
              })} />
          )}
        </Card>
      ))}
    </Space>
  );
}
