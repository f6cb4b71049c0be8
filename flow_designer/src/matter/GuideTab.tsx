/** 办事指南: the details of the guide that are typed (the rest is derived from the matter). */
import { Alert, Form, Input } from "antd";
import { fieldStatus } from "../components/InlineProblems";
import { chineseMessage, problemsFor } from "../lib/problems";
import { GUIDE_KEY_ORDER, guideOf, setGuideField } from "./document";
import { GUIDE_FIELD_LABELS } from "./labels";
import type { TabProps } from "./tabProps";

const PLACEHOLDERS: Record<string, string> = {
  address: "如：××县政务服务中心 A 区 12 号窗口",
  hours: "如：工作日 9:00–17:00（法定节假日除外）",
  phone: "如：0451-12345678",
  complaint_phone: "如：0451-12345679",
  online_url: "如：https://zwfw.example.gov.cn/…",
};

export function GuideTab({ document, onChange, index, readOnly }: TabProps) {
  if (document.kind !== "implementation") {
    return <Alert type="info" showIcon title="标准事项没有办事指南；各级实施清单事项填写办理地点、时间和电话后生成。" />;
  }
  const guide = guideOf(document);
  return (
    <Form layout="vertical" disabled={readOnly} style={{ maxWidth: 720 }}>
      {problemsFor(index, "guide", "").map((p, i) => (
        <Alert key={i} type="error" showIcon title={chineseMessage(p.message)} style={{ marginBottom: 8 }} />
      ))}
      {GUIDE_KEY_ORDER.map((key) => (
        <Form.Item key={key} label={GUIDE_FIELD_LABELS[key]} htmlFor={`guide-${key}`} {...fieldStatus(problemsFor(index, "guide", key))}>
          {key === "address" || key === "hours" ? (
            <Input.TextArea id={`guide-${key}`} value={guide[key] ?? ""} placeholder={PLACEHOLDERS[key]} autoSize={{ minRows: 1, maxRows: 4 }} maxLength={500}
              onChange={(e) => onChange(setGuideField(document, key, e.target.value))} />
          ) : (
            <Input id={`guide-${key}`} value={guide[key] ?? ""} placeholder={PLACEHOLDERS[key]} maxLength={key === "online_url" ? 2000 : 100}
              inputMode={key.includes("phone") ? "tel" : key === "online_url" ? "url" : undefined}
              onChange={(e) => onChange(setGuideField(document, key, e.target.value))} />
          )}
        </Form.Item>
      ))}
    </Form>
  );
}
