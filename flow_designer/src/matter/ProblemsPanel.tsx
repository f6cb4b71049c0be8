/** Every problem of the document, in Chinese, grouped by tab; a click opens the tab. */
import { Alert, Badge, Card, List, Tag, Typography } from "antd";
import { chineseMessage, type EditorTab, type LocatedProblem, type ProblemIndex } from "../lib/problems";

export const TAB_LABELS: Record<EditorTab, string> = {
  basic: "基本信息",
  materials: "申请材料",
  limits: "时限与收费",
  guide: "办事指南",
  form: "表单",
  flow: "流程",
  review: "审核与版本",
};

interface Props {
  index: ProblemIndex;
  checking: boolean;
  error: string | null;
  onOpen: (problem: LocatedProblem) => void;
}

export function ProblemsPanel({ index, checking, error, onOpen }: Props) {
  const count = index.all.length;
  return (
    <Card
      size="small"
      data-testid="problems-panel"
      title={
        <span>
          合规检查 <Badge count={count} showZero color={count ? "red" : "green"} style={{ marginInlineStart: 4 }} />
          {checking && <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>检查中…</Typography.Text>}
        </span>
      }
    >
      {error && <Alert type="warning" showIcon title={error} style={{ marginBottom: 8 }} />}
      {count === 0 ? (
        <Typography.Text type="success">未发现问题，符合上级标准和平台规则。</Typography.Text>
      ) : (
        <List<LocatedProblem>
          size="small"
          dataSource={index.all}
          style={{ maxHeight: 320, overflowY: "auto" }}
          renderItem={(problem, i) => (
            <List.Item key={`${problem.code}-${i}`} style={{ paddingInline: 0 }}>
              <Typography.Link onClick={() => onOpen(problem)} style={{ color: "inherit" }} aria-label={`转到${TAB_LABELS[problem.tab]}：${chineseMessage(problem.message)}`}>
                <Tag color="red">{TAB_LABELS[problem.tab]}</Tag>
                {chineseMessage(problem.message)}
                <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 6 }}>{problem.code}</Typography.Text>
              </Typography.Link>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
