/** The property panel of the selected node or choice/parallel branch. */
import { Alert, Button, Drawer, Form, Input, InputNumber, Popconfirm, Select, Switch, Typography } from "antd";
import { useRef, type JSX } from "react";
import type { Department, FlowEdge, FlowNode, Problem, StepKind } from "../lib/types";
import { ROLE_LABELS, STEP_LABELS } from "../lib/types";
import { ConditionEditor } from "./ConditionEditor";
import { ProblemList, type Selection } from "./ChainView";
import type { FormField } from "./conditions";
import { LEVEL_LABELS, NODE_KIND_LABELS, ON_DENY_LABELS, nodeTitle } from "./labels";
import type { StructuredFlow } from "./structure";
import { findBlock } from "./structure";

export type NodePatch = Partial<Omit<FlowNode, "id" | "kind">>;
export type BranchPatch = Partial<Pick<FlowEdge, "when" | "default" | "name">>;

export interface PropertyPanelProps {
  model: StructuredFlow;
  selection: Selection | null;
  departments: Department[];
  fields: FormField[];
  problems: Map<string, Problem[]>;
  readOnly: boolean;
  onClose: () => void;
  onNodeChange: (id: string, patch: NodePatch, field: string) => void;
  onBranchChange: (block: string, index: number, patch: BranchPatch, field: string) => void;
  onRemove: (id: string) => void;
}

const SUBFLOW_CODE = /^[0-9A-Z]{12}$/;

export function PropertyPanel(props: PropertyPanelProps): JSX.Element {
  const { model, selection, onClose } = props;
  let title = "属性";
  let body: JSX.Element | null = null;
  if (selection?.type === "node") {
    const node = model.nodes.get(selection.id);
    if (node) {
      title = `${NODE_KIND_LABELS[node.kind]}：${nodeTitle(node)}`;
      body = <NodeForm {...props} node={node} />;
    }
  } else if (selection?.type === "branch") {
    const block = findBlock(model, selection.block);
    const branch = block?.branches[selection.index];
    if (block && branch) {
      title = `${block.type === "parallel" ? "并联审批" : "条件分支"}的第 ${selection.index + 1} 个分支`;
      body = <BranchForm {...props} blockType={block.type} block={block.id} index={selection.index} edge={branch.edge} />;
    }
  }
  // keep showing the last content while the drawer slides out
  const shown = useRef<{ title: string; body: JSX.Element | null }>({ title, body });
  if (body) shown.current = { title, body };
  return (
    <Drawer title={shown.current.title} open={body !== null} onClose={onClose} mask={false} size="min(440px, 100vw)" destroyOnHidden>
      {shown.current.body}
    </Drawer>
  );
}

function NodeForm({ node, departments, problems, readOnly, onNodeChange, onRemove, onClose }: PropertyPanelProps & { node: FlowNode }): JSX.Element {
  const change = (patch: NodePatch, field: string) => onNodeChange(node.id, patch, field);
  const department = departments.find((d) => d.code === node.department);
  const roleHeld = !node.role || !department || department.roles.includes(node.role);
  const nodeProblems = problems.get(node.id);
  const matterInvalid = node.kind === "subflow" && !!node.matter && !SUBFLOW_CODE.test(node.matter);
  return (
    <Form layout="vertical" disabled={readOnly}>
      {nodeProblems?.length ? <Alert type="error" showIcon title="服务器校验问题" description={<ProblemList problems={nodeProblems} />} style={{ marginBottom: 16 }} /> : null}
      <Typography.Paragraph type="secondary">环节编号：{node.id}</Typography.Paragraph>
      <Form.Item label="名称" htmlFor={`flow-name-${node.id}`}>
        <Input id={`flow-name-${node.id}`} value={node.name ?? ""} maxLength={200} onChange={(e) => change({ name: e.target.value || undefined }, "name")} />
      </Form.Item>
      {node.kind === "task" && (
        <>
          <Form.Item label="环节类型" htmlFor={`flow-step-${node.id}-kind`}>
            <Select
              id={`flow-step-${node.id}-kind`}
              value={node.step}
              options={(Object.keys(STEP_LABELS) as StepKind[]).map((step) => ({ value: step, label: STEP_LABELS[step] }))}
              onChange={(step: StepKind) => change({ step }, "step")}
            />
          </Form.Item>
          <Form.Item
            label="办理部门"
            htmlFor={`flow-dept-${node.id}`}
            validateStatus={!node.department ? "warning" : undefined}
            help={!node.department ? "请选择办理部门" : node.department && !department ? `部门 ${node.department} 不在本单位的部门中` : undefined}
          >
            <Select
              id={`flow-dept-${node.id}`}
              value={node.department}
              placeholder="选择部门"
              showSearch={{ optionFilterProp: "label" }}
              options={departments.map((d) => ({ value: d.code, label: d.name }))}
              notFoundContent="没有可选的部门"
              onChange={(code: string) => {
                const next = departments.find((d) => d.code === code);
                // keep the role if someone in the new department holds it
                const role = node.role && next?.roles.includes(node.role) ? node.role : next?.roles[0];
                change({ department: code, role }, "department");
              }}
            />
          </Form.Item>
          <Form.Item
            label="办理角色"
            htmlFor={`flow-role-${node.id}`}
            validateStatus={!roleHeld || !node.role ? "warning" : undefined}
            help={!node.role ? "请选择办理角色" : !roleHeld ? `部门“${department?.name ?? ""}”中没有人担任${ROLE_LABELS[node.role] ?? node.role}，案件到此将无人办理` : undefined}
          >
            <Select
              id={`flow-role-${node.id}`}
              value={node.role}
              placeholder={department ? "选择角色" : "请先选择部门"}
              options={(department?.roles ?? []).map((role) => ({ value: role, label: ROLE_LABELS[role] ?? role }))}
              notFoundContent="该部门中没有人担任办理角色"
              onChange={(role: string) => change({ role }, "role")}
            />
          </Form.Item>
        </>
      )}
      {node.kind === "escalate" && (
        <Form.Item label="上报至" htmlFor={`flow-to-${node.id}`} validateStatus={!node.to ? "warning" : undefined} help={!node.to ? "请选择上报的上级层级" : undefined}>
          <Select
            id={`flow-to-${node.id}`}
            value={node.to}
            placeholder="选择层级"
            options={(Object.keys(LEVEL_LABELS) as (keyof typeof LEVEL_LABELS)[]).map((level) => ({ value: level, label: LEVEL_LABELS[level] }))}
            onChange={(to: FlowNode["to"]) => change({ to }, "to")}
          />
        </Form.Item>
      )}
      {node.kind === "subflow" && (
        <Form.Item
          label="子事项基本编码"
          htmlFor={`flow-matter-${node.id}`}
          validateStatus={!node.matter || matterInvalid ? "error" : undefined}
          help={!node.matter ? "请填写子事项的 12 位基本编码" : matterInvalid ? "基本编码须为 12 位数字或大写字母" : undefined}
        >
          <Input
            id={`flow-matter-${node.id}`}
            value={node.matter ?? ""}
            maxLength={12}
            placeholder="例如 000131127004"
            onChange={(e) => change({ matter: e.target.value.trim().toUpperCase() || undefined }, "matter")}
          />
        </Form.Item>
      )}
      {node.kind === "external" && (
        <Form.Item label="外部系统" htmlFor={`flow-system-${node.id}`} validateStatus={!node.system ? "error" : undefined} help={!node.system ? "请填写外部系统名称" : undefined}>
          <Input id={`flow-system-${node.id}`} value={node.system ?? ""} maxLength={200} placeholder="例如 金税三期" onChange={(e) => change({ system: e.target.value || undefined }, "system")} />
        </Form.Item>
      )}
      {node.kind === "join" && (
        <>
          <Form.Item label="至少到达的分支数" htmlFor={`flow-min-${node.id}`} extra="留空表示全部分支到达后继续">
            <InputNumber id={`flow-min-${node.id}`} style={{ width: 180 }} min={1} precision={0} value={node.min ?? null} onChange={(min) => change({ min: typeof min === "number" ? min : undefined }, "min")} />
          </Form.Item>
          <Form.Item label="分支不通过时" htmlFor={`flow-deny-${node.id}`}>
            <Select
              id={`flow-deny-${node.id}`}
              value={node.on_deny ?? "deny"}
              options={(Object.keys(ON_DENY_LABELS) as (keyof typeof ON_DENY_LABELS)[]).map((v) => ({ value: v, label: ON_DENY_LABELS[v] }))}
              onChange={(value: FlowNode["on_deny"]) => change({ on_deny: value === "deny" && node.on_deny === undefined ? undefined : value }, "on_deny")}
            />
          </Form.Item>
        </>
      )}
      <Form.Item label="时限" htmlFor={`flow-days-${node.id}`} extra="本环节的办理时限（工作日），0 表示即办">
        <InputNumber
          id={`flow-days-${node.id}`}
          min={0}
          precision={0}
          suffix="个工作日"
          style={{ width: 180 }}
          value={node.days ?? 0}
          onChange={(days) => change({ days: typeof days === "number" ? days : undefined }, "days")}
        />
      </Form.Item>
      {!readOnly && node.kind !== "start" && node.kind !== "end" && (
        <Popconfirm
          title={node.kind === "parallel" || node.kind === "join" || node.kind === "choice" ? "删除整个分支块及其中的环节？" : "删除这个环节？"}
          okText="删除"
          cancelText="取消"
          onConfirm={() => {
            onRemove(node.id);
            onClose();
          }}
        >
          <Button danger>删除</Button>
        </Popconfirm>
      )}
    </Form>
  );
}

interface BranchFormProps extends PropertyPanelProps {
  blockType: "parallel" | "choice";
  block: string;
  index: number;
  edge: FlowEdge;
}

function BranchForm({ blockType, block, index, edge, fields, readOnly, onBranchChange }: BranchFormProps): JSX.Element {
  const change = (patch: BranchPatch, field: string) => onBranchChange(block, index, patch, field);
  return (
    <Form layout="vertical" disabled={readOnly}>
      <Form.Item label="分支名称" htmlFor={`flow-branch-${block}-${index}`} extra="可不填，不填时显示条件">
        <Input id={`flow-branch-${block}-${index}`} value={edge.name ?? ""} maxLength={200} onChange={(e) => change({ name: e.target.value || undefined }, "name")} />
      </Form.Item>
      {blockType === "choice" && (
        <>
          <Form.Item label="默认分支" htmlFor={`flow-default-${block}-${index}`} extra="不满足其他分支条件的案件走默认分支；每个条件分支最多一个默认分支">
            <Switch
              id={`flow-default-${block}-${index}`}
              checked={edge.default === true}
              checkedChildren="是"
              unCheckedChildren="否"
              onChange={(on) => change({ default: on ? true : undefined }, "default")}
            />
          </Form.Item>
          {edge.default !== true && (
            <Form.Item label="条件" required>
              <ConditionEditor key={`${block}-${index}`} value={edge.when} fields={fields} readOnly={readOnly} onChange={(when) => change({ when }, "when")} />
            </Form.Item>
          )}
        </>
      )}
    </Form>
  );
}
