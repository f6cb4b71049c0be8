/**
 * 流程设计器: the structured editor of a matter's flow (a chain of step cards with "+"
 * between any two, 并联审批 and 条件分支 blocks) plus a read-only React Flow graph of the
 * same flow. The flow is the parent's state: every edit calls onChange with the new flow,
 * and a flow that was not edited is handed back byte for byte.
 *
 * Test ids (stable, for end-to-end tests):
 * - `flow-step-<nodeId>`   each card: steps, start, end, a block's head (its split / choice
 *                          id) and a parallel block's join card
 * - `flow-add-<nodeId>`    the "+" after a node: after a step its id, after the start the
 *                          start's id, after a 并联审批 block its join id, after a 条件分支
 *                          block the choice id
 * - `flow-add-<blockId>-<i>` the "+" at the top of branch i (0-based) of a block
 * - `flow-problem-<nodeId>` the red badge with the server's problems of a node
 * - `flow-critical-path`   the header strip "关键路径 N 个工作日 / 承诺时限 M 个工作日"
 * - `flow-tab-graph`       the "流程图" tab
 * - `flow-undo` / `flow-redo` the 撤销 / 重做 buttons
 */
import { RedoOutlined, UndoOutlined } from "@ant-design/icons";
import { Alert, Button, Space, Tabs, Tooltip } from "antd";
import { useEffect, useMemo, useRef, useState, type JSX } from "react";
import type { Department, Flow, FlowNode, JsonSchema, Problem, StepKind } from "../lib/types";
import { STEP_LABELS } from "../lib/types";
import { ChainView, ProblemList, type InsertKind, type Selection } from "./ChainView";
import { checkFlow } from "./checks";
import { formFields } from "./conditions";
import { criticalPath, limitStatus } from "./criticalPath";
import { FlowGraph } from "./FlowGraph";
import { PropertyPanel, type BranchPatch, type NodePatch } from "./PropertyPanel";
import { placeProblems } from "./problems";
import {
  addBranch,
  edit,
  insertChoice,
  insertParallel,
  insertStep,
  moveItem,
  removeBranch,
  removeItem,
  taskTemplate,
  toFlow,
  toStructure,
  updateBranchEdge,
  updateNode,
  type EditResult,
  type Slot,
  type StepTemplate,
  type StructuredFlow,
} from "./structure";
import "./flow.css";

export interface FlowDesignerProps {
  flow: Flow;
  onChange: (flow: Flow) => void;
  /** Server problems; those with target.kind "node"/"edge" are shown on the canvas. */
  problems: Problem[];
  /** The tenant's departments with the roles someone in them holds (GraphQL `departments`). */
  departments: Department[];
  /** The matter's form, for the condition builder. */
  formSchema?: JsonSchema;
  /** time_limits.promised in working days ("instant" = 0). */
  promisedDays?: number;
  /** time_limits.legal in working days. */
  legalDays?: number;
  readOnly?: boolean;
}

const DEFAULT_ROLE: Record<StepKind, string> = { receive: "clerk", accept: "clerk", review: "reviewer", decide: "approver", conclude: "clerk" };
const HISTORY_LIMIT = 100;

export function FlowDesigner(props: FlowDesignerProps): JSX.Element {
  const { flow, onChange, problems, departments, formSchema, promisedDays, legalDays, readOnly = false } = props;
  const model = useMemo(() => toStructure(flow), [flow]);
  const fields = useMemo(() => formFields(formSchema), [formSchema]);
  const placed = useMemo(() => placeProblems(problems, flow), [problems, flow]);
  const path = useMemo(() => criticalPath(flow), [flow]);
  const local = useMemo(() => checkFlow(flow), [flow]);
  const criticalNodes = useMemo(() => new Set(path?.nodeIds ?? []), [path]);
  const criticalEdges = useMemo(() => path?.edgeKeys ?? new Set<string>(), [path]);
  const [tab, setTab] = useState<string>(model.structured ? "chain" : "graph");
  const [selection, setSelection] = useState<Selection | null>(null);
  const [editError, setEditError] = useState<string | null>(null);

  // undo/redo over the flows this designer emitted; a flow from elsewhere starts afresh
  const undo = useRef<Flow[]>([]);
  const redo = useRef<Flow[]>([]);
  const emitted = useRef<Flow | null>(null);
  const lastEditKey = useRef<string | null>(null);
  const [, setHistoryVersion] = useState(0);
  useEffect(() => {
    if (flow !== emitted.current) {
      undo.current = [];
      redo.current = [];
      lastEditKey.current = null;
      setHistoryVersion((v) => v + 1);
    }
  }, [flow]);

  const emit = (next: Flow, editKey: string | null) => {
    if (editKey === null || editKey !== lastEditKey.current) {
      undo.current = [...undo.current.slice(-HISTORY_LIMIT + 1), flow];
    }
    redo.current = [];
    lastEditKey.current = editKey;
    emitted.current = next;
    setHistoryVersion((v) => v + 1);
    onChange(next);
  };

  const apply = (change: (m: StructuredFlow) => EditResult, editKey: string | null = null): EditResult => {
    if (readOnly) return { ok: false, message: "只读模式下不能修改流程" };
    const result = edit(model, change);
    if (!result.ok) setEditError(result.message);
    else {
      setEditError(null);
      emit(toFlow(result.model), editKey);
    }
    return result;
  };

  const stepHistory = (from: typeof undo, to: typeof redo) => {
    const previous = from.current[from.current.length - 1];
    if (!previous) return;
    from.current = from.current.slice(0, -1);
    to.current = [...to.current, flow];
    lastEditKey.current = null;
    emitted.current = previous;
    setHistoryVersion((v) => v + 1);
    setSelection(null);
    onChange(previous);
  };

  const defaultDepartment = (role: string): string | undefined =>
    departments.find((d) => d.roles.includes(role))?.code ?? departments[0]?.code;
  const task = (step: StepKind, name: string = STEP_LABELS[step]): StepTemplate => taskTemplate(step, name, defaultDepartment(DEFAULT_ROLE[step]));

  const insert = (slot: Slot, kind: InsertKind) => {
    if (readOnly) return;
    let result: EditResult & { id?: string };
    if (kind.startsWith("task:")) {
      result = edit(model, (m) => insertStep(m, slot, task(kind.slice(5) as StepKind)));
    } else if (kind === "parallel") {
      result = edit(model, (m) => insertParallel(m, slot, [task("review", "并联审查一"), task("review", "并联审查二")]));
    } else if (kind === "choice") {
      result = edit(model, (m) => insertChoice(m, slot, task("review", "条件审查")));
    } else {
      const names: Record<string, string> = { escalate: "上报上级", external: "外部系统", subflow: "子事项" };
      const template: StepTemplate = { kind: kind as FlowNode["kind"], name: names[kind], days: 0 };
      result = edit(model, (m) => insertStep(m, slot, template));
    }
    if (!result.ok) {
      setEditError(result.message);
      return;
    }
    setEditError(null);
    emit(toFlow(result.model), null);
    const id = "id" in result ? result.id : undefined;
    if (id) setSelection(kind === "choice" ? { type: "branch", block: id, index: 0 } : { type: "node", id });
  };

  const remove = (id: string) => {
    if (apply((m) => removeItem(m, id)).ok && selection?.type === "node" && selection.id === id) setSelection(null);
  };

  const status = path ? limitStatus(path.days, promisedDays, legalDays) : "unknown";
  const over = status === "over-promised" || status === "over-legal";
  const localNotes = local.filter((p) => !p.nodeId || !placed.byNode.has(p.nodeId));

  return (
    <div className="tb-flow-designer">
      <div className={`tb-flow-header${over ? " is-over" : ""}`} data-testid="flow-critical-path" role="status">
        <span>
          {`关键路径 ${path ? path.days : "—"} 个工作日`}
          {promisedDays !== undefined && ` / 承诺时限 ${promisedDays} 个工作日`}
          {legalDays !== undefined && <span className="tb-flow-header-legal">{`（法定时限 ${legalDays} 个工作日）`}</span>}
        </span>
        {status === "over-promised" && <span className="tb-flow-header-note">关键路径超出承诺时限，请缩短环节时限</span>}
        {status === "over-legal" && <span className="tb-flow-header-note">关键路径超出法定时限</span>}
        {!path && <span className="tb-flow-header-note">流程中有回路，无法计算关键路径</span>}
        {!readOnly && (
          <Space className="tb-flow-history">
            <Tooltip title="撤销">
              <Button size="small" icon={<UndoOutlined />} aria-label="撤销" data-testid="flow-undo" disabled={!undo.current.length} onClick={() => stepHistory(undo, redo)} />
            </Tooltip>
            <Tooltip title="重做">
              <Button size="small" icon={<RedoOutlined />} aria-label="重做" data-testid="flow-redo" disabled={!redo.current.length} onClick={() => stepHistory(redo, undo)} />
            </Tooltip>
          </Space>
        )}
      </div>
      {editError && <Alert type="error" showIcon closable title={editError} onClose={() => setEditError(null)} style={{ marginBottom: 8 }} />}
      {placed.other.length > 0 && <Alert type="error" showIcon title="流程的校验问题" description={<ProblemList problems={placed.other} />} style={{ marginBottom: 8 }} />}
      {localNotes.length > 0 && (
        <Alert type="warning" showIcon title="流程尚未完成" description={<ProblemList problems={localNotes.map((p) => ({ code: p.code, pointer: "", message: p.message }))} />} style={{ marginBottom: 8 }} />
      )}
      {!model.structured && (
        <Alert
          type="info"
          showIcon
          title="此流程无法按结构编辑"
          description={`${model.reason}。请在“流程图”中查看。`}
          style={{ marginBottom: 8 }}
        />
      )}
      <Tabs
        activeKey={model.structured ? tab : "graph"}
        onChange={setTab}
        items={[
          {
            key: "chain",
            label: <span data-testid="flow-tab-chain">流程编辑</span>,
            disabled: !model.structured,
            children: model.structured ? (
              <div className="tb-flow-canvas">
                <ChainView
                  model={model}
                  departments={departments}
                  placed={placed}
                  critical={criticalNodes}
                  fields={fields}
                  selection={selection}
                  readOnly={readOnly}
                  select={setSelection}
                  insert={insert}
                  remove={remove}
                  move={(id, direction) => apply((m) => moveItem(m, id, direction))}
                  addBranch={(blockId) => apply((m) => addBranch(m, blockId, task("review", "分支审查")))}
                  removeBranch={(blockId, index) => {
                    if (apply((m) => removeBranch(m, blockId, index)).ok) setSelection(null);
                  }}
                />
              </div>
            ) : null,
          },
          {
            key: "graph",
            label: <span data-testid="flow-tab-graph">流程图</span>,
            children:
              tab === "graph" || !model.structured ? (
                <FlowGraph
                  model={model}
                  flow={flow}
                  departments={departments}
                  placed={placed}
                  criticalNodes={criticalNodes}
                  criticalEdges={criticalEdges}
                  fields={fields}
                  selectedId={selection?.type === "node" ? selection.id : undefined}
                  onSelect={(id) => setSelection({ type: "node", id })}
                />
              ) : null,
          },
        ]}
      />
      {model.structured && (
        <PropertyPanel
          model={model}
          selection={selection}
          departments={departments}
          fields={fields}
          problems={placed.byNode}
          readOnly={readOnly}
          onClose={() => setSelection(null)}
          onNodeChange={(id: string, patch: NodePatch, field: string) => apply((m) => updateNode(m, id, patch), `node:${id}:${field}`)}
          onBranchChange={(block: string, index: number, patch: BranchPatch, field: string) =>
            apply((m) => updateBranchEdge(m, block, index, patch), `branch:${block}:${index}:${field}`)
          }
          onRemove={remove}
        />
      )}
    </div>
  );
}
