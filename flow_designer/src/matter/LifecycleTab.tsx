/** 审核与版本: where the matter is in its lifecycle, the review rounds (三报三审), the version
 * history with a diff of any two versions, and (standards at province/city level) 影响分析. */
import { Card, Descriptions, Space, Steps } from "antd";
import { useEffect, useState } from "react";
import { StatusTag } from "../components/StatusTag";
import type { MatterDocument } from "../lib/types";
import { fetchReviewRounds, type DefinitionVersion, type Kind, type ReviewRound, type Status } from "./api";
import { ImpactPanel } from "./ImpactList";
import { ReviewRounds } from "./ReviewRounds";
import { VersionHistory } from "./VersionDiff";

const STEP_OF: Record<Status, number> = { DRAFT: 0, RETURNED: 0, SUBMITTED: 1, REVIEWED: 2, PUBLISHED: 3 };

interface Props {
  kind: Kind;
  code: string;
  status: Status | null;
  version: number | null;
  history: DefinitionVersion[];
  document: MatterDocument;
  showImpact: boolean;
  /** Changes when the matter was saved, submitted or published: the rounds are read again. */
  refreshKey: string;
}

export function LifecycleTab({ kind, code, status, version, history, document, showImpact, refreshKey }: Props) {
  const [rounds, setRounds] = useState<ReviewRound[] | null>(null);
  const [roundsError, setRoundsError] = useState<string | null>(null);
  useEffect(() => {
    if (status === null) {
      setRounds([]);
      return;
    }
    fetchReviewRounds(kind, code)
      .then((r) => {
        setRounds(r);
        setRoundsError(null);
      })
      .catch((e: Error) => setRoundsError(`审核记录暂不可用：${e.message}`));
  }, [kind, code, status, refreshKey]);

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card size="small" title="当前状态">
        <Descriptions size="small" column={{ xs: 1, sm: 2 }}
          items={[
            { key: "status", label: "状态", children: status ? <StatusTag status={status} /> : "尚未保存" },
            { key: "version", label: "版本", children: version ? `第 ${version} 版` : "—" },
          ]} />
        <Steps
          size="small"
          style={{ marginTop: 12 }}
          current={status ? STEP_OF[status] : 0}
          status={status === "RETURNED" ? "error" : undefined}
          items={[
            { title: status === "RETURNED" ? "已退回，修改后重新提交" : "编辑草稿" },
            { title: "上级审核（真实性、合法性、合理性）" },
            { title: "审核通过待发布" },
            { title: "已发布" },
          ]}
        />
      </Card>
      <Card size="small" title="审核记录（三报三审）">
        <ReviewRounds rounds={rounds} error={roundsError} />
      </Card>
      {showImpact && (
        <Card size="small" title="影响分析">
          <ImpactPanel document={document} />
        </Card>
      )}
      <Card size="small" title="版本历史">
        <VersionHistory kind={kind} code={code} history={history} />
      </Card>
    </Space>
  );
}
