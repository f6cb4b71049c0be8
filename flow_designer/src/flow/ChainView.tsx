/** The structured editor: a vertical chain of step cards with a "+" between any two, and
 * 并联审批 / 条件分支 blocks whose branches stand side by side. */
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined, WarningOutlined } from "@ant-design/icons";
import { Button, Dropdown, Popconfirm, Popover, Tag, Tooltip } from "antd";
import type { MenuProps } from "antd";
import { createContext, useContext, type JSX } from "react";
import type { Department, Problem, StepKind } from "../lib/types";
import { STEP_LABELS } from "../lib/types";
import { describeCondition, parseCondition, type FormField } from "./conditions";
import { kindLabel, nodeDetail, nodeTitle } from "./labels";
import type { PlacedProblems } from "./problems";
import type { Branch, ChoiceItem, Item, ParallelItem, Slot, StructuredFlow } from "./structure";
import { chineseMessage } from "../lib/problems";

export type InsertKind = `task:${StepKind}` | "parallel" | "choice" | "escalate" | "external" | "subflow";

export type Selection = { type: "node"; id: string } | { type: "branch"; block: string; index: number };

export interface ChainActions {
  select: (selection: Selection) => void;
  insert: (slot: Slot, kind: InsertKind) => void;
  remove: (id: string) => void;
  move: (id: string, direction: -1 | 1) => void;
  addBranch: (blockId: string) => void;
  removeBranch: (blockId: string, index: number) => void;
}

interface ChainContextValue extends ChainActions {
  model: StructuredFlow;
  departments: Department[];
  placed: PlacedProblems;
  critical: Set<string>;
  fields: FormField[];
  selection: Selection | null;
  readOnly: boolean;
}

const ChainContext = createContext<ChainContextValue | null>(null);

function useChain(): ChainContextValue {
  const value = useContext(ChainContext);
  if (!value) throw new Error("ChainView parts need ChainContext");
  return value;
}

const INSERT_ITEMS: MenuProps["items"] = [
  {
    type: "group",
    label: "办理环节",
    children: (Object.keys(STEP_LABELS) as StepKind[]).map((step) => ({ key: `task:${step}`, label: STEP_LABELS[step] })),
  },
  { type: "divider" },
  { key: "parallel", label: "并联审批" },
  { key: "choice", label: "条件分支" },
  { key: "escalate", label: "上报上级" },
  { key: "external", label: "外部系统" },
  { key: "subflow", label: "子事项" },
];

export function ChainView(props: Omit<ChainContextValue, never>): JSX.Element {
  const { model } = props;
  const start = model.nodes.get(model.startId);
  const end = model.nodes.get(model.endId);
  return (
    <ChainContext.Provider value={props}>
      <div className="tb-flow-chain" role="list" aria-label="办理流程">
        {start && <StepCard id={start.id} fixed />}
        <AddButton slot={{ after: model.startId }} testId={`flow-add-${model.startId}`} afterLabel={nodeTitle(start ?? { id: "", kind: "start" })} />
        <ChainItems chain={model.main} />
        {end && <StepCard id={end.id} fixed />}
      </div>
    </ChainContext.Provider>
  );
}

function ChainItems({ chain }: { chain: Item[] }): JSX.Element {
  const { model } = useChain();
  return (
    <>
      {chain.map((item, index) => {
        const canMove = { up: index > 0, down: index < chain.length - 1 };
        if (item.type === "step") {
          const node = model.nodes.get(item.id);
          return (
            <div key={item.id} className="tb-flow-item" role="listitem">
              <StepCard id={item.id} canMove={canMove} />
              <AddButton slot={{ after: item.id }} testId={`flow-add-${item.id}`} afterLabel={node ? nodeTitle(node) : item.id} />
            </div>
          );
        }
        const afterId = item.type === "parallel" ? item.joinId : item.id;
        return (
          <div key={item.id} className="tb-flow-item" role="listitem">
            <BlockView block={item} canMove={canMove} />
            <AddButton slot={{ after: afterId }} testId={`flow-add-${afterId}`} afterLabel={item.type === "parallel" ? "并联审批" : "条件分支"} />
          </div>
        );
      })}
    </>
  );
}

function AddButton({ slot, testId, afterLabel }: { slot: Slot; testId: string; afterLabel: string }): JSX.Element {
  const { insert, readOnly } = useChain();
  return (
    <div className="tb-flow-connector">
      <span className="tb-flow-line" aria-hidden />
      {!readOnly && (
        <Dropdown
          trigger={["click"]}
          autoFocus
          menu={{ items: INSERT_ITEMS, onClick: ({ key }) => insert(slot, key as InsertKind) }}
        >
          <Button
            shape="circle"
            size="small"
            type="primary"
            icon={<PlusOutlined />}
            data-testid={testId}
            aria-label={`在“${afterLabel}”之后添加`}
          />
        </Dropdown>
      )}
      <span className="tb-flow-line" aria-hidden />
    </div>
  );
}

function ProblemBadge({ id }: { id: string }): JSX.Element | null {
  const { placed } = useChain();
  const problems = placed.byNode.get(id);
  if (!problems?.length) return null;
  return (
    <Popover
      trigger={["hover", "click"]}
      title="校验问题"
      content={<ProblemList problems={problems} />}
    >
      <button type="button" className="tb-flow-problem" data-testid={`flow-problem-${id}`} aria-label={`${problems.length} 个问题`}>
        <WarningOutlined aria-hidden /> {problems.length}
      </button>
    </Popover>
  );
}

export function ProblemList({ problems }: { problems: Problem[] }): JSX.Element {
  return (
    <ul className="tb-flow-problem-list">
      {problems.map((problem, index) => (
        <li key={`${problem.code}-${index}`}>{chineseMessage(problem.message)}</li>
      ))}
    </ul>
  );
}

function ItemActions({ id, title, canMove, block }: { id: string; title: string; canMove?: { up: boolean; down: boolean }; block?: boolean }): JSX.Element | null {
  const { move, remove, readOnly } = useChain();
  if (readOnly) return null;
  return (
    <span className="tb-flow-actions">
      {canMove && (
        <>
          <Tooltip title="上移">
            <Button size="small" type="text" icon={<ArrowUpOutlined />} disabled={!canMove.up} aria-label={`上移“${title}”`} onClick={() => move(id, -1)} />
          </Tooltip>
          <Tooltip title="下移">
            <Button size="small" type="text" icon={<ArrowDownOutlined />} disabled={!canMove.down} aria-label={`下移“${title}”`} onClick={() => move(id, 1)} />
          </Tooltip>
        </>
      )}
      <Popconfirm
        title={block ? `删除“${title}”及其全部分支？` : `删除环节“${title}”？`}
        okText="删除"
        cancelText="取消"
        onConfirm={() => remove(id)}
      >
        <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={`删除“${title}”`} />
      </Popconfirm>
    </span>
  );
}

function StepCard({ id, fixed, canMove }: { id: string; fixed?: boolean; canMove?: { up: boolean; down: boolean } }): JSX.Element | null {
  const { model, departments, critical, selection, select } = useChain();
  const node = model.nodes.get(id);
  if (!node) return null;
  const title = nodeTitle(node);
  const selected = selection?.type === "node" && selection.id === id;
  const detail = nodeDetail(node, departments);
  return (
    <div
      className={`tb-flow-card tb-flow-kind-${node.kind}${selected ? " is-selected" : ""}${critical.has(id) ? " is-critical" : ""}`}
      data-testid={`flow-step-${id}`}
    >
      <div className="tb-flow-card-head">
        <button type="button" className="tb-flow-card-title" onClick={() => select({ type: "node", id })} aria-pressed={selected}>
          {title}
        </button>
        <ProblemBadge id={id} />
        {!fixed && <ItemActions id={id} title={title} canMove={canMove} />}
      </div>
      <div className="tb-flow-card-body">
        <Tag color={node.kind === "task" ? "blue" : "default"}>{kindLabel(node)}</Tag>
        {critical.has(id) && <Tag color="orange">关键路径</Tag>}
        {detail && <div className="tb-flow-card-detail">{detail}</div>}
        {node.kind !== "start" && node.kind !== "end" && <div className="tb-flow-card-days">{`时限 ${node.days ?? 0} 个工作日`}</div>}
      </div>
    </div>
  );
}

function BlockView({ block, canMove }: { block: ParallelItem | ChoiceItem; canMove: { up: boolean; down: boolean } }): JSX.Element {
  const { model, addBranch, readOnly, select, selection } = useChain();
  const node = model.nodes.get(block.id);
  const title = node ? nodeTitle(node) : block.id;
  const selected = selection?.type === "node" && selection.id === block.id;
  return (
    <section className={`tb-flow-block tb-flow-block-${block.type}`} aria-label={title}>
      <div className={`tb-flow-block-head${selected ? " is-selected" : ""}`} data-testid={`flow-step-${block.id}`}>
        <button type="button" className="tb-flow-card-title" onClick={() => select({ type: "node", id: block.id })} aria-pressed={selected}>
          {title}
        </button>
        <Tag color={block.type === "parallel" ? "purple" : "gold"}>{block.type === "parallel" ? "并联审批" : "条件分支"}</Tag>
        <ProblemBadge id={block.id} />
        {!readOnly && (
          <Button size="small" icon={<PlusOutlined />} onClick={() => addBranch(block.id)}>
            添加分支
          </Button>
        )}
        <ItemActions id={block.id} title={title} canMove={canMove} block />
      </div>
      <div className="tb-flow-branches">
        {block.branches.map((branch, index) => (
          <BranchView key={index} block={block} branch={branch} index={index} />
        ))}
      </div>
      {block.type === "parallel" && <StepCard id={block.joinId} fixed />}
    </section>
  );
}

function BranchView({ block, branch, index }: { block: ParallelItem | ChoiceItem; branch: Branch; index: number }): JSX.Element {
  const { removeBranch, readOnly, select, selection, fields, placed } = useChain();
  const label = branchLabel(block, branch, index, fields);
  const selected = selection?.type === "branch" && selection.block === block.id && selection.index === index;
  const missing = block.type === "choice" && !branch.edge.when && branch.edge.default !== true;
  const firstId = branch.chain[0]?.id;
  const edgeProblems = firstId ? placed.byEdge.get(`${block.id}->${firstId}`) : undefined;
  return (
    <div className="tb-flow-branch" role="group" aria-label={`第 ${index + 1} 个分支`}>
      <div className={`tb-flow-branch-head${selected ? " is-selected" : ""}${missing ? " is-missing" : ""}`}>
        <button type="button" className="tb-flow-branch-title" onClick={() => select({ type: "branch", block: block.id, index })} aria-pressed={selected}>
          {label}
        </button>
        {edgeProblems?.length ? (
          <Popover trigger={["hover", "click"]} title="校验问题" content={<ProblemList problems={edgeProblems} />}>
            <button type="button" className="tb-flow-problem" aria-label={`${edgeProblems.length} 个问题`}>
              <WarningOutlined aria-hidden /> {edgeProblems.length}
            </button>
          </Popover>
        ) : null}
        {!readOnly && (
          <Popconfirm title="删除这个分支及其中的环节？" okText="删除" cancelText="取消" onConfirm={() => removeBranch(block.id, index)}>
            <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={`删除第 ${index + 1} 个分支`} />
          </Popconfirm>
        )}
      </div>
      <AddButton slot={{ block: block.id, branch: index }} testId={`flow-add-${block.id}-${index}`} afterLabel={`第 ${index + 1} 个分支开头`} />
      <ChainItems chain={branch.chain} />
      {branch.chain.length === 0 && <div className="tb-flow-empty-branch">（直接通过）</div>}
    </div>
  );
}

export function branchLabel(block: ParallelItem | ChoiceItem, branch: Branch, index: number, fields: FormField[]): string {
  if (branch.edge.name) return branch.edge.name;
  if (block.type === "parallel") return `分支 ${index + 1}`;
  if (branch.edge.default) return "默认分支（其他情况）";
  if (!branch.edge.when) return "未设置条件";
  const condition = parseCondition(branch.edge.when, fields);
  return condition ? describeCondition(condition, fields) : branch.edge.when;
}
