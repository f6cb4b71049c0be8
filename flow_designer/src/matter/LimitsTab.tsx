/** 时限与收费: legal and promised limits (working days, or 即办) and the fees. */
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Space, Table } from "antd";
import { InlineProblems, fieldStatus } from "../components/InlineProblems";
import { chineseMessage, problemsFor } from "../lib/problems";
import { feesOf, limitsOf, nextCode, setFeeField, setLimit, setTop, type Days, type Fee } from "./document";
import type { TabProps } from "./tabProps";

const LIMITS = [
  { key: "legal" as const, label: "法定办结时限", extra: "法律法规规定的时限，须与上级标准一致" },
  { key: "promised" as const, label: "承诺办结时限", extra: "不超过法定时限和上级承诺时限" },
];

function LimitInput({ id, label, value, disabled, onChange }: { id: string; label: string; value: Days | undefined; disabled: boolean; onChange: (v: Days | undefined) => void }) {
  const instant = value === "instant";
  return (
    <Space wrap>
      <Space.Compact>
        <InputNumber id={id} min={1} precision={0} value={instant ? undefined : value} disabled={disabled || instant}
          aria-label={`${label}（工作日）`} onChange={(v) => onChange(v ?? undefined)} />
        <Space.Addon>个工作日</Space.Addon>
      </Space.Compact>
      <Checkbox checked={instant} disabled={disabled} onChange={(e) => onChange(e.target.checked ? "instant" : 1)}>
        即办
      </Checkbox>
    </Space>
  );
}

export function LimitsTab({ document, onChange, index, readOnly }: TabProps) {
  const limits = limitsOf(document);
  const fees = feesOf(document);
  const setFees = (next: Fee[]) => onChange(setTop(document, "fees", next.length ? next : undefined));
  const updateFee = (position: number, key: string, value: unknown) => setFees(fees.map((f, i) => (i === position ? setFeeField(f, key, value) : f)));
  const limitProblems = (key: string) => [...problemsFor(index, "limit", key), ...problemsFor(index, "limit", `time_limits/${key}`)];

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card size="small" title="办结时限">
        {problemsFor(index, "limit", "").map((p, i) => (
          <Alert key={i} type="error" showIcon title={chineseMessage(p.message)} style={{ marginBottom: 8 }} />
        ))}
        <Form layout="vertical" disabled={readOnly}>
          {LIMITS.map(({ key, label, extra }) => (
            <Form.Item key={key} label={label} htmlFor={`limit-${key}`} extra={extra} required {...fieldStatus(limitProblems(key))} data-testid={`limit-${key}`}>
              <LimitInput id={`limit-${key}`} label={label} value={limits[key]} disabled={readOnly}
                onChange={(v) => onChange(setLimit(document, key, v))} />
            </Form.Item>
          ))}
        </Form>
      </Card>
      <Card size="small" title="收费项目">
        {problemsFor(index, "document", "fees").map((p, i) => (
          <Alert key={i} type="error" showIcon title={chineseMessage(p.message)} style={{ marginBottom: 8 }} />
        ))}
        <Table<Fee>
          size="small"
          rowKey={(_, i) => String(i)}
          dataSource={fees}
          pagination={false}
          scroll={{ x: "max-content" }}
          locale={{ emptyText: "不收费" }}
          onRow={(f) => ({ "data-testid": `fee-row-${f.code}` }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: "收费编码", render: (_, f, i) => <Input size="small" value={f.code} disabled={readOnly} aria-label={`收费 ${i + 1} 编码`} style={{ width: 96 }} onChange={(e) => updateFee(i, "code", e.target.value)} /> },
            {
              title: "收费名称",
              render: (_, f, i) => (
                <Space orientation="vertical" size={2}>
                  <Input size="small" value={f.name} disabled={readOnly} aria-label={`收费 ${i + 1} 名称`} style={{ minWidth: 160 }} onChange={(e) => updateFee(i, "name", e.target.value)} />
                  <InlineProblems problems={problemsFor(index, "fee", f.code)} testId={`fee-problem-${f.code}`} />
                </Space>
              ),
            },
            {
              title: "金额（元）",
              render: (_, f, i) => (
                <InputNumber size="small" min={0} precision={2} step={1} value={(Number(f.amount_fen) || 0) / 100} disabled={readOnly} aria-label={`收费 ${f.name || f.code} 金额（元）`}
                  onChange={(v) => updateFee(i, "amount_fen", Math.round((v ?? 0) * 100))} />
              ),
            },
            { title: "收费依据", render: (_, f, i) => <Input size="small" value={f.basis ?? ""} disabled={readOnly} aria-label={`收费 ${f.name || f.code} 依据`} style={{ minWidth: 200 }} onChange={(e) => updateFee(i, "basis", e.target.value)} /> },
            {
              title: "操作",
              render: (_, f, i) =>
                readOnly ? null : (
                  <Button size="small" danger type="text" icon={<DeleteOutlined />} aria-label={`删除收费 ${f.name || f.code}`} onClick={() => setFees(fees.filter((_, j) => j !== i))}>
                    删除
                  </Button>
                ),
            },
          ]}
        />
        {!readOnly && (
          <Button icon={<PlusOutlined />} style={{ marginTop: 8 }} data-testid="add-fee"
            onClick={() => setFees([...fees, { code: nextCode("F", fees.map((f) => f.code)), name: "", amount_fen: 0 }])}>
            添加收费项目
          </Button>
        )}
      </Card>
    </Space>
  );
}
