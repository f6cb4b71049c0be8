/** 基本信息: name, codes, type, legal basis, power source, service objects, conditions,
 * 告知承诺制, procedure, approval chain and (implementations) the implementing department. */
import { Checkbox, Form, Input, InputNumber, Select, Switch } from "antd";
import { fieldStatus } from "../components/InlineProblems";
import { problemsFor } from "../lib/problems";
import { STEP_LABELS, type StepKind } from "../lib/types";
import { setTop, withKey } from "./document";
import { MATTER_TYPES, POWER_SOURCES, SERVICE_OBJECTS, approvalChainLabel } from "./labels";
import type { TabProps } from "./tabProps";

const LEVELS = ["nation", "province", "city", "county", "township"];
const CHAIN_OPTIONS = [
  ...LEVELS.map((level) => ({ value: level, label: approvalChainLabel(level) })),
  ...LEVELS.flatMap((initial, i) =>
    LEVELS.slice(0, i).map((final) => {
      const value = `${initial}-initial/${final}-final`;
      return { value, label: approvalChainLabel(value) };
    }),
  ),
];
const STEP_OPTIONS = (Object.keys(STEP_LABELS) as StepKind[]).map((step) => ({ value: step, label: STEP_LABELS[step] }));

function options(labels: Record<string, string>) {
  return Object.entries(labels).map(([value, label]) => ({ value, label: `${value} ${label}` }));
}

export function BasicTab({ document, onChange, index, readOnly, departments, codeEditable }: TabProps) {
  const set = (key: string, value: unknown) => onChange(setTop(document, key, value));
  const status = (key: string) => fieldStatus(problemsFor(index, "basic", key));
  const procedure = (document.procedure ?? {}) as { steps?: string[]; max_human_steps?: number };
  const setProcedure = (key: string, value: unknown) => set("procedure", withKey(procedure, key, value, ["steps", "max_human_steps"]));
  const chain = typeof document.approval_chain === "string" ? document.approval_chain : undefined;
  const escalation = (document.escalation ?? {}) as { mode?: string };
  const implementation = document.kind === "implementation";
  const text = (key: string) => (typeof document[key] === "string" ? (document[key] as string) : "");

  return (
    <Form layout="vertical" disabled={readOnly} style={{ maxWidth: 860 }}>
      <Form.Item label="事项类别">
        <Input value={implementation ? "实施清单事项" : "标准事项（基本目录或其细化）"} disabled />
      </Form.Item>
      <Form.Item label="基本编码" htmlFor="matter-code" extra="12 位数字或大写字母，各层级一致" {...status("code")}>
        <Input id="matter-code" value={document.code} disabled={!codeEditable} maxLength={12}
          onChange={(e) => set("code", e.target.value.toUpperCase())} />
      </Form.Item>
      <Form.Item label="事项名称" htmlFor="matter-name" required {...status("name")}>
        <Input id="matter-name" value={text("name")} maxLength={200} onChange={(e) => set("name", e.target.value)} />
      </Form.Item>
      <Form.Item label="事项类型" htmlFor="matter-type" required {...status("matter_type")}>
        <Select id="matter-type" value={document.matter_type as string | undefined} options={options(MATTER_TYPES)} onChange={(v) => set("matter_type", v)} />
      </Form.Item>
      <Form.Item label="设定依据" htmlFor="matter-legal-basis" required {...status("legal_basis")}>
        <Input.TextArea id="matter-legal-basis" value={text("legal_basis")} autoSize={{ minRows: 2, maxRows: 8 }} maxLength={5000}
          onChange={(e) => set("legal_basis", e.target.value)} />
      </Form.Item>
      <Form.Item label="权力来源" htmlFor="matter-power-source" required {...status("power_source")}>
        <Select id="matter-power-source" value={document.power_source as string | undefined} options={options(POWER_SOURCES)} onChange={(v) => set("power_source", v)} />
      </Form.Item>
      <Form.Item label="服务对象" required {...status("service_objects")}>
        <Checkbox.Group
          aria-label="服务对象"
          value={(document.service_objects as string[] | undefined) ?? []}
          options={Object.entries(SERVICE_OBJECTS).map(([value, label]) => ({ value, label }))}
          onChange={(values) => set("service_objects", [...values].sort())}
        />
      </Form.Item>
      <Form.Item label="受理条件" htmlFor="matter-conditions" {...status("conditions")}>
        <Input.TextArea id="matter-conditions" value={text("conditions")} autoSize={{ minRows: 2, maxRows: 8 }} maxLength={5000}
          onChange={(e) => set("conditions", e.target.value)} />
      </Form.Item>
      <Form.Item label="告知承诺制" htmlFor="matter-notify" {...status("notify_and_commit")}>
        <Switch id="matter-notify" checked={document.notify_and_commit === true} checkedChildren="实行" unCheckedChildren="不实行"
          onChange={(checked) => set("notify_and_commit", checked)} />
      </Form.Item>
      <Form.Item label="办理环节（依次）" htmlFor="matter-steps" required {...status("procedure")}>
        <Select id="matter-steps" mode="multiple" value={procedure.steps ?? []} options={STEP_OPTIONS} onChange={(v) => setProcedure("steps", v)} />
      </Form.Item>
      <Form.Item label="人工环节数上限" htmlFor="matter-max-steps" required>
        <InputNumber id="matter-max-steps" min={1} precision={0} value={procedure.max_human_steps}
          onChange={(v) => setProcedure("max_human_steps", v ?? undefined)} />
      </Form.Item>
      <Form.Item label="审批层级" htmlFor="matter-chain" required {...status("approval_chain")}>
        <Select id="matter-chain" value={chain} options={CHAIN_OPTIONS} onChange={(v) => set("approval_chain", v)} />
      </Form.Item>
      {chain?.includes("-initial/") && (
        <Form.Item label="跨层级决定方式" htmlFor="matter-escalation" {...status("escalation")}>
          <Select
            id="matter-escalation"
            value={escalation.mode ?? "art35"}
            options={[
              { value: "art35", label: "终审层级作出决定，初审层级送达（行政许可法第三十五条）" },
              { value: "opinion", label: "上报件：终审层级出具审核签批意见，初审层级出具决定书" },
            ]}
            onChange={(mode) => set("escalation", withKey(escalation, "mode", mode, ["mode"]))}
          />
        </Form.Item>
      )}
      {implementation && (
        <Form.Item label="实施主体（本单位部门）" htmlFor="matter-department" required {...status("department")}>
          {departments.length ? (
            <Select id="matter-department" value={document.department as string | undefined}
              options={departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))}
              onChange={(v) => set("department", v)} />
          ) : (
            <Input id="matter-department" value={text("department")} onChange={(e) => set("department", e.target.value)} />
          )}
        </Form.Item>
      )}
    </Form>
  );
}
