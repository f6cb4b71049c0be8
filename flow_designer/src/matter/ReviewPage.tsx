/** 三报三审 — the parent reviews a direct child's submitted version: the document read-only,
 * the three verdicts 真实性 / 合法性 / 合理性 (each 通过 or 不通过, a comment required for
 * 不通过), then 退回 or 审核通过. Earlier rounds are listed with their verdicts. */
import { ArrowLeftOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Col, Form, Input, Radio, Result, Row, Space, Spin, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { Guarded } from "../components/Guarded";
import { KindTag, StatusTag } from "../components/StatusTag";
import { boot } from "../lib/boot";
import { chineseMessage, indexProblems, type EditorTab } from "../lib/problems";
import type { MatterDocument } from "../lib/types";
import { fetchDefinition, fetchReviewRounds, kindParam, reviewDefinition, type Definition, type ReviewRound } from "./api";
import { DocumentTabs } from "./DocumentTabs";
import { GuidePreview } from "./GuidePreview";
import { VERDICT_KEYS, VERDICT_LABELS, type VerdictKey } from "./labels";
import { reviewInput, verdictProblems, type VerdictDraft, type Verdicts } from "./verdicts";
import { ReviewRounds } from "./ReviewRounds";
import { VersionHistory } from "./VersionDiff";

const CHILD_LEVEL: Record<string, string> = { nation: "province", province: "city", city: "county", county: "township" };

const EMPTY: Verdicts = { authenticity: { ok: null, comment: "" }, legality: { ok: null, comment: "" }, rationality: { ok: null, comment: "" } };

export function ReviewPage() {
  const { tenantCode = "", kind: kindText = "", code = "", version: versionText = "" } = useParams();
  const kind = kindParam(kindText);
  const version = Number(versionText) || undefined;
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [definition, setDefinition] = useState<Definition | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rounds, setRounds] = useState<ReviewRound[] | null>(null);
  const [roundsError, setRoundsError] = useState<string | null>(null);
  const [verdicts, setVerdicts] = useState<Verdicts>(EMPTY);
  const [tab, setTab] = useState<EditorTab>("basic");
  const [sending, setSending] = useState(false);
  const tenant = boot().tenant;
  const subjectName = (useLocation().state as { tenantName?: string } | null)?.tenantName ?? tenantCode;

  useEffect(() => {
    if (!kind) return;
    fetchDefinition(kind, code, tenantCode, version).then(setDefinition).catch((e: Error) => setError(chineseMessage(e.message)));
    fetchReviewRounds(kind, code, tenantCode).then(setRounds).catch((e: Error) => setRoundsError(`审核记录暂不可用：${chineseMessage(e.message)}`));
  }, [kind, code, tenantCode, version]);

  const document = definition?.document as MatterDocument | undefined;
  const index = useMemo(() => indexProblems([], document), [document]);
  const context = useMemo(() => ({ tenantName: subjectName, level: CHILD_LEVEL[tenant?.level ?? ""] ?? "", departmentNames: {} }), [subjectName, tenant]);

  if (!kind) return <Result status="404" title="页面不存在" />;
  if (error) return <Result status="error" title="无法打开待审核事项" subTitle={error} extra={<Link to="/reviews"><Button type="primary">返回待我审核</Button></Link>} />;
  if (!definition || !document) return <Spin description="正在载入…" style={{ display: "block", marginTop: 80 }} />;

  const shown = definition.history.find((h) => h.version === definition.version);
  const blocked = verdictProblems(verdicts);
  const set = (key: VerdictKey, change: Partial<VerdictDraft>) => setVerdicts((v) => ({ ...v, [key]: { ...v[key], ...change } }));

  const send = async (approve: boolean) => {
    setSending(true);
    try {
      await reviewDefinition(tenantCode, kind, code, reviewInput(verdicts));
      message.success(approve ? "已审核通过，下级可以发布" : "已退回下级单位修改");
      navigate("/reviews");
    } catch (e) {
      message.error(`审核失败：${chineseMessage((e as Error).message)}`);
    } finally {
      setSending(false);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Space wrap align="center">
        <Link to="/reviews" aria-label="返回待我审核"><ArrowLeftOutlined /></Link>
        <Typography.Title level={4} style={{ margin: 0 }}>审核：{String(document.name ?? code)}</Typography.Title>
        <KindTag kind={kind} />
        <Typography.Text type="secondary">{subjectName} · {code} · 第 {definition.version} 版</Typography.Text>
        {shown && <StatusTag status={shown.status} />}
      </Space>
      {shown && shown.status !== "SUBMITTED" && <Alert type="info" showIcon title="这个版本当前不在待审核状态，只能查看。" />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15} style={{ minWidth: 0 }}>
          <DocumentTabs document={document} onChange={() => undefined} index={index} readOnly departments={[]} active={tab} onActive={setTab}
            reviewTab={<VersionHistory kind={kind} code={code} tenantCode={tenantCode} history={definition.history} />} />
        </Col>
        <Col xs={24} xl={9} style={{ minWidth: 0 }}>
          <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
            <Card size="small" title={`审核意见（${tenant?.name ?? "上级单位"}）`}>
              <Form layout="vertical" disabled={sending || shown?.status !== "SUBMITTED"}>
                {VERDICT_KEYS.map((key) => {
                  const failed = verdicts[key].ok === false;
                  const missing = failed && !verdicts[key].comment.trim();
                  return (
                    <Form.Item key={key} label={VERDICT_LABELS[key]} required validateStatus={missing ? "error" : undefined}
                      help={missing ? `${VERDICT_LABELS[key]}不通过时须填写意见` : undefined}>
                      <Space orientation="vertical" style={{ width: "100%" }}>
                        <Radio.Group data-testid={`review-verdict-${key}`} aria-label={`${VERDICT_LABELS[key]}审核结论`} value={verdicts[key].ok}
                          onChange={(e) => set(key, { ok: e.target.value as boolean })}
                          options={[{ value: true, label: "通过" }, { value: false, label: "不通过" }]} />
                        <Input.TextArea data-testid={`review-comment-${key}`} aria-label={`${VERDICT_LABELS[key]}审核意见`} value={verdicts[key].comment}
                          placeholder={failed ? "请写明不通过的理由（必填）" : "审核意见（可选）"} autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000}
                          onChange={(e) => set(key, { comment: e.target.value })} />
                      </Space>
                    </Form.Item>
                  );
                })}
                <Space wrap>
                  <Guarded reason={blocked.return}>
                    <Button data-testid="review-return" danger disabled={blocked.return !== null} loading={sending} onClick={() => void send(false)}>退回</Button>
                  </Guarded>
                  <Guarded reason={blocked.approve}>
                    <Button data-testid="review-approve" type="primary" disabled={blocked.approve !== null} loading={sending} onClick={() => void send(true)}>审核通过</Button>
                  </Guarded>
                </Space>
              </Form>
            </Card>
            <Card size="small" title="审核记录">
              <ReviewRounds rounds={rounds} error={roundsError} />
            </Card>
            <GuidePreview document={document} context={context} />
          </Space>
        </Col>
      </Row>
    </Space>
  );
}
