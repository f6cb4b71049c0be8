/**
 * A flow as the structured designer sees it: a vertical chain of steps from the start to the
 * end, where 并联审批 is a `parallel` block (branches meeting at its `join`) and 条件分支 is a
 * `choice` block (branches meeting again at the first node after the block, which is the
 * next item of the enclosing chain). Every edit below returns a model from which `toFlow`
 * builds a well-formed flow, and a model that was not edited gives back the original flow
 * byte for byte: unchanged node and edge objects are reused and keep their array positions.
 */
import type { FlowEdge, FlowNode, Flow, StepKind } from "../lib/types";

export type Item = StepItem | ParallelItem | ChoiceItem;

export interface StepItem {
  type: "step";
  id: string;
}

export interface ParallelItem {
  type: "parallel";
  id: string;
  joinId: string;
  branches: Branch[];
}

export interface ChoiceItem {
  type: "choice";
  id: string;
  branches: Branch[];
}

export interface Branch {
  /** The edge from the split/choice into the branch; its from/to are set by toFlow. */
  edge: FlowEdge;
  /** The edge's position in the flow it was read from (undefined for a new edge). */
  edgeRank?: number;
  chain: Item[];
}

export interface StructuredFlow {
  structured: true;
  base: Flow;
  startId: string;
  endId: string;
  main: Item[];
  nodes: ReadonlyMap<string, FlowNode>;
  /** Position of each node in the base flow; new or moved nodes have none. */
  nodeRank: ReadonlyMap<string, number>;
  /** The base flow's edges by "from->to", with their positions. */
  baseEdges: ReadonlyMap<string, { edge: FlowEdge; rank: number }>;
}

export interface UnstructuredFlow {
  structured: false;
  base: Flow;
  /** Why the flow cannot be shown as a chain of blocks (Chinese, for the admin). */
  reason: string;
}

export type FlowModel = StructuredFlow | UnstructuredFlow;

/** Where a "+" inserts: after a step / block (its step id, join id or choice id), or at the
 * top of branch `branch` of block `block`. */
export type Slot = { after: string } | { block: string; branch: number };

export type EditResult = { ok: true; model: StructuredFlow } | { ok: false; message: string };

export const edgeKey = (from: string, to: string): string => `${from}->${to}`;

const STEP_NODE_KINDS = new Set(["task", "escalate", "external", "subflow"]);

class NotStructured extends Error {}

// ---------------------------------------------------------------- flow → model

export function toStructure(flow: Flow): FlowModel {
  try {
    return parse(flow);
  } catch (error) {
    if (error instanceof NotStructured) return { structured: false, base: flow, reason: error.message };
    throw error;
  }
}

function parse(flow: Flow): StructuredFlow {
  const nodes = new Map<string, FlowNode>();
  const nodeRank = new Map<string, number>();
  flow.nodes.forEach((node, index) => {
    if (nodes.has(node.id)) throw new NotStructured(`环节编号 ${node.id} 重复`);
    nodes.set(node.id, node);
    nodeRank.set(node.id, index);
  });
  const outgoing = new Map<string, { edge: FlowEdge; rank: number }[]>();
  const baseEdges = new Map<string, { edge: FlowEdge; rank: number }>();
  flow.edges.forEach((edge, rank) => {
    if (!nodes.has(edge.from) || !nodes.has(edge.to)) {
      throw new NotStructured(`连线 ${edgeKey(edge.from, edge.to)} 指向不存在的环节`);
    }
    const key = edgeKey(edge.from, edge.to);
    if (baseEdges.has(key)) throw new NotStructured(`连线 ${key} 重复`);
    baseEdges.set(key, { edge, rank });
    const list = outgoing.get(edge.from) ?? [];
    list.push({ edge, rank });
    outgoing.set(edge.from, list);
  });
  const starts = flow.nodes.filter((node) => node.kind === "start");
  const ends = flow.nodes.filter((node) => node.kind === "end");
  if (starts.length !== 1) throw new NotStructured("流程须有且仅有一个开始环节");
  if (ends.length !== 1) throw new NotStructured("流程须有且仅有一个结束环节");
  const startId = starts[0].id;
  const endId = ends[0].id;
  const postDominators = computePostDominators(flow, outgoing, endId);
  const visited = new Set<string>();
  const out = (id: string) => outgoing.get(id) ?? [];

  const single = (id: string): string => {
    const list = out(id);
    if (list.length !== 1) throw new NotStructured(`环节 ${id} 有 ${list.length} 条出线，不是一条链`);
    return list[0].edge.to;
  };

  const parseChain = (first: string, stop: string): Item[] => {
    const chain: Item[] = [];
    let current = first;
    while (current !== stop) {
      if (visited.has(current)) throw new NotStructured(`环节 ${current} 被多条分支共用`);
      visited.add(current);
      const node = nodes.get(current);
      if (!node) throw new NotStructured(`找不到环节 ${current}`);
      if (node.kind === "parallel") {
        const joins = flow.nodes.filter((n) => n.kind === "join" && n.split === node.id);
        if (joins.length !== 1) throw new NotStructured(`并联审批 ${node.id} 须有且仅有一个汇合环节`);
        const joinId = joins[0].id;
        const branches = out(node.id).map(({ edge, rank }) => ({
          edge,
          edgeRank: rank,
          chain: parseChain(edge.to, joinId),
        }));
        if (visited.has(joinId)) throw new NotStructured(`汇合环节 ${joinId} 被重复进入`);
        visited.add(joinId);
        chain.push({ type: "parallel", id: node.id, joinId, branches });
        current = single(joinId);
      } else if (node.kind === "choice") {
        const merge = immediatePostDominator(node.id, postDominators);
        if (merge === undefined) throw new NotStructured(`条件分支 ${node.id} 的分支不再汇合`);
        const branches = out(node.id).map(({ edge, rank }) => ({
          edge,
          edgeRank: rank,
          chain: parseChain(edge.to, merge),
        }));
        chain.push({ type: "choice", id: node.id, branches });
        current = merge;
      } else if (STEP_NODE_KINDS.has(node.kind)) {
        chain.push({ type: "step", id: node.id });
        current = single(node.id);
      } else {
        throw new NotStructured(`环节 ${node.id}（${node.kind}）不能出现在链中`);
      }
    }
    return chain;
  };

  const main = parseChain(single(startId), endId);
  const model: StructuredFlow = { structured: true, base: flow, startId, endId, main, nodes, nodeRank, baseEdges };
  // The model must describe exactly the flow's edges and nodes; anything else is not a
  // structure we can edit without losing part of the graph.
  const rebuilt = toFlow(model);
  const expected = new Set(flow.edges.map((e) => edgeKey(e.from, e.to)));
  const got = new Set(rebuilt.edges.map((e) => edgeKey(e.from, e.to)));
  if (rebuilt.nodes.length !== flow.nodes.length) {
    const missing = flow.nodes.find((n) => !rebuilt.nodes.includes(n));
    throw new NotStructured(`环节 ${missing?.id ?? ""} 不在从开始到结束的链上`);
  }
  if (got.size !== expected.size || [...expected].some((key) => !got.has(key))) {
    const extra = [...expected].find((key) => !got.has(key));
    throw new NotStructured(`连线 ${extra ?? ""} 不符合分支结构`);
  }
  return model;
}

type Outgoing = Map<string, { edge: FlowEdge; rank: number }[]>;

/** Post-dominator sets over the DAG toward the end node (null entries: reach no end). */
function computePostDominators(flow: Flow, outgoing: Outgoing, endId: string): Map<string, Set<string> | null> {
  const result = new Map<string, Set<string> | null>();
  const onStack = new Set<string>();
  const visit = (id: string): Set<string> | null => {
    if (result.has(id)) return result.get(id) ?? null;
    if (onStack.has(id)) throw new NotStructured(`流程在环节 ${id} 处成环`);
    onStack.add(id);
    let sets: Set<string> | null;
    if (id === endId) sets = new Set([id]);
    else {
      const successors = (outgoing.get(id) ?? []).map(({ edge }) => visit(edge.to));
      if (successors.length === 0 || successors.some((s) => s === null)) sets = null;
      else {
        const [first, ...rest] = successors as Set<string>[];
        sets = new Set([...first].filter((n) => rest.every((s) => s.has(n))));
        sets.add(id);
      }
    }
    onStack.delete(id);
    result.set(id, sets);
    return sets;
  };
  flow.nodes.forEach((node) => visit(node.id));
  return result;
}

function immediatePostDominator(id: string, postDominators: Map<string, Set<string> | null>): string | undefined {
  const own = postDominators.get(id);
  if (!own) return undefined;
  let best: string | undefined;
  let bestSize = -1;
  for (const candidate of own) {
    if (candidate === id) continue;
    const size = postDominators.get(candidate)?.size ?? 0;
    if (size > bestSize) {
      best = candidate;
      bestSize = size;
    }
  }
  return best;
}

// ---------------------------------------------------------------- model → flow

interface Pending {
  from: string;
  template?: FlowEdge;
  rank?: number;
}

interface Ranked<T> {
  key: string;
  value: T;
  rank?: number;
}

export function toFlow(model: FlowModel): Flow {
  if (!model.structured) return model.base;
  const nodeItems: Ranked<FlowNode>[] = [];
  const edgeItems: Ranked<FlowEdge>[] = [];
  // what each branch's entry edge became, to list a block's entry edges in branch order
  const entryOut = new Map<FlowEdge, FlowEdge>();
  const blocks: Branch[][] = [];
  const emitNode = (id: string) => {
    const node = model.nodes.get(id);
    if (!node) throw new Error(`model lost node ${id}`);
    nodeItems.push({ key: id, value: node, rank: model.nodeRank.get(id) });
  };
  const connect = (pending: Pending[], to: string) => {
    for (const p of pending) {
      const key = edgeKey(p.from, to);
      if (p.template) {
        const edge = p.template.from === p.from && p.template.to === to ? p.template : { ...p.template, from: p.from, to };
        entryOut.set(p.template, edge);
        edgeItems.push({ key, value: edge, rank: p.rank });
      } else {
        const base = model.baseEdges.get(key);
        edgeItems.push(base ? { key, value: base.edge, rank: base.rank } : { key, value: { from: p.from, to } });
      }
    }
  };
  const enter = (from: string, branch: Branch): Pending[] => [{ from, template: branch.edge, rank: branch.edgeRank }];
  const emitChain = (chain: Item[], entering: Pending[]): Pending[] => {
    let pending = entering;
    for (const item of chain) {
      connect(pending, item.id);
      emitNode(item.id);
      if (item.type === "step") pending = [{ from: item.id }];
      else if (item.type === "parallel") {
        for (const branch of item.branches) connect(emitChain(branch.chain, enter(item.id, branch)), item.joinId);
        blocks.push(item.branches);
        emitNode(item.joinId);
        pending = [{ from: item.joinId }];
      } else {
        pending = item.branches.flatMap((branch) => emitChain(branch.chain, enter(item.id, branch)));
        blocks.push(item.branches);
      }
    }
    return pending;
  };
  emitNode(model.startId);
  connect(emitChain(model.main, [{ from: model.startId }]), model.endId);
  emitNode(model.endId);
  const edges = mergeOrder(edgeItems);
  for (const branches of blocks) {
    const inOrder = branches.map((branch) => entryOut.get(branch.edge) as FlowEdge);
    const positions = inOrder.map((edge) => edges.indexOf(edge)).sort((a, b) => a - b);
    positions.forEach((position, i) => {
      edges[position] = inOrder[i];
    });
  }
  return { ...model.base, nodes: mergeOrder(nodeItems), edges };
}

/** Items with a rank keep the base order; a new item goes right after the item it follows
 * in the model's natural order. */
function mergeOrder<T>(natural: Ranked<T>[]): T[] {
  const ranked = natural.filter((item) => item.rank !== undefined).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  const result = [...ranked];
  natural.forEach((item, index) => {
    if (item.rank !== undefined) return;
    const previous = index > 0 ? natural[index - 1] : undefined;
    const at = previous ? result.indexOf(previous) + 1 : 0;
    result.splice(at, 0, item);
  });
  return result.map((item) => item.value);
}

// ---------------------------------------------------------------- reading the model

export interface Location {
  chain: Item[];
  index: number;
}

/** Every chain of the model with the block and branch that hold it (main: no block). */
export function* chains(
  chain: Item[],
  owner?: { block: ParallelItem | ChoiceItem; branch: number },
): Generator<{ chain: Item[]; owner?: { block: ParallelItem | ChoiceItem; branch: number } }> {
  yield { chain, owner };
  for (const item of chain) {
    if (item.type !== "step") {
      for (let b = 0; b < item.branches.length; b += 1) yield* chains(item.branches[b].chain, { block: item, branch: b });
    }
  }
}

function locate(main: Item[], id: string): (Location & { owner?: { block: ParallelItem | ChoiceItem; branch: number } }) | undefined {
  for (const { chain, owner } of chains(main)) {
    const index = chain.findIndex((item) => item.id === id || (item.type === "parallel" && item.joinId === id));
    if (index >= 0) return { chain, index, owner };
  }
  return undefined;
}

export function findBlock(model: StructuredFlow, id: string): ParallelItem | ChoiceItem | undefined {
  for (const { chain } of chains(model.main)) {
    const item = chain.find((i) => i.id === id);
    if (item && item.type !== "step") return item;
  }
  return undefined;
}

/** All node ids in use, for naming new ones. */
export function nodeIds(model: StructuredFlow): Set<string> {
  return new Set(model.nodes.keys());
}

export function freshId(taken: Set<string>, prefix: string): string {
  const clean = prefix.replace(/[^A-Za-z0-9_]/g, "_") || "node";
  for (let n = 2; ; n += 1) {
    const candidate = taken.has(clean) ? `${clean}_${n}` : clean;
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
}

// ---------------------------------------------------------------- edits

function cloneChain(chain: Item[]): Item[] {
  return chain.map((item) =>
    item.type === "step"
      ? { ...item }
      : { ...item, branches: item.branches.map((branch) => ({ ...branch, chain: cloneChain(branch.chain) })) },
  );
}

interface Draft {
  main: Item[];
  nodes: Map<string, FlowNode>;
  nodeRank: Map<string, number>;
}

function draftOf(model: StructuredFlow): Draft {
  return { main: cloneChain(model.main), nodes: new Map(model.nodes), nodeRank: new Map(model.nodeRank) };
}

function finish(model: StructuredFlow, draft: Draft): EditResult {
  const result: StructuredFlow = { ...model, main: draft.main, nodes: draft.nodes, nodeRank: draft.nodeRank };
  const problem = duplicateEmptyBranch(result);
  return problem ? { ok: false, message: problem } : { ok: true, model: result };
}

/** Two empty branches of one block would be two edges between the same nodes. */
function duplicateEmptyBranch(model: StructuredFlow): string | undefined {
  for (const { chain } of chains(model.main)) {
    for (const item of chain) {
      if (item.type !== "step" && item.branches.filter((b) => b.chain.length === 0).length > 1) {
        return `${blockLabel(item)}最多只能有一个没有环节的分支`;
      }
    }
  }
  return undefined;
}

const blockLabel = (item: ParallelItem | ChoiceItem) => (item.type === "parallel" ? "并联审批" : "条件分支");

function slotLocation(draft: Draft, model: StructuredFlow, slot: Slot): Location | string {
  if ("block" in slot) {
    const found = locate(draft.main, slot.block);
    const item = found?.chain[found.index];
    if (!item || item.type === "step" || item.id !== slot.block) return `找不到分支块 ${slot.block}`;
    const branch = item.branches[slot.branch];
    if (!branch) return `分支块 ${slot.block} 没有第 ${slot.branch + 1} 个分支`;
    return { chain: branch.chain, index: 0 };
  }
  if (slot.after === model.startId) return { chain: draft.main, index: 0 };
  const found = locate(draft.main, slot.after);
  if (!found) return `找不到环节 ${slot.after}`;
  const item = found.chain[found.index];
  if (item.type === "parallel" && item.id === slot.after) return `请在并联审批 ${slot.after} 的某个分支内或汇合之后插入`;
  return { chain: found.chain, index: found.index + 1 };
}

export type StepTemplate = Omit<FlowNode, "id">;

const DEFAULT_ROLE: Record<StepKind, string> = {
  receive: "clerk",
  accept: "clerk",
  review: "reviewer",
  decide: "approver",
  conclude: "clerk",
};

/** A new 办理环节 of the given kind, in the key order of docs/configuration.md. */
export function taskTemplate(step: StepKind, name: string, department: string | undefined): StepTemplate {
  const node: StepTemplate = { kind: "task", step, name };
  if (department) node.department = department;
  node.role = DEFAULT_ROLE[step];
  node.days = 0;
  return node;
}

function addNode(draft: Draft, prefix: string, template: StepTemplate): string {
  const id = freshId(new Set(draft.nodes.keys()), prefix);
  draft.nodes.set(id, { id, ...template } as FlowNode);
  return id;
}

function idPrefix(template: StepTemplate): string {
  return template.kind === "task" && template.step ? template.step : template.kind;
}

/** Insert one step (task, escalate, external or subflow) at the slot. Returns the new id too. */
export function insertStep(model: StructuredFlow, slot: Slot, template: StepTemplate): EditResult & { id?: string } {
  if (!STEP_NODE_KINDS.has(template.kind)) return { ok: false, message: `不能把 ${template.kind} 作为单个环节插入` };
  const draft = draftOf(model);
  const at = slotLocation(draft, model, slot);
  if (typeof at === "string") return { ok: false, message: at };
  const id = addNode(draft, idPrefix(template), template);
  at.chain.splice(at.index, 0, { type: "step", id });
  return { ...finish(model, draft), id };
}

/** Insert a 并联审批 block (split, two branches each holding one new step, join). */
export function insertParallel(model: StructuredFlow, slot: Slot, branchSteps: [StepTemplate, StepTemplate]): EditResult & { id?: string } {
  const draft = draftOf(model);
  const at = slotLocation(draft, model, slot);
  if (typeof at === "string") return { ok: false, message: at };
  const id = addNode(draft, "parallel", { kind: "parallel", name: "并联审批" });
  const joinId = addNode(draft, "join", { kind: "join", name: "并联汇合", split: id });
  const branches = branchSteps.map((template) => ({
    edge: { from: id, to: "" },
    chain: [{ type: "step" as const, id: addNode(draft, idPrefix(template), template) }],
  }));
  at.chain.splice(at.index, 0, { type: "parallel", id, joinId, branches });
  return { ...finish(model, draft), id };
}

/** Insert a 条件分支 block: a conditional branch with one new step, and an empty default branch
 * (cases that meet no condition go straight on). */
export function insertChoice(model: StructuredFlow, slot: Slot, conditionStep: StepTemplate, when?: string): EditResult & { id?: string } {
  const draft = draftOf(model);
  const at = slotLocation(draft, model, slot);
  if (typeof at === "string") return { ok: false, message: at };
  const id = addNode(draft, "choice", { kind: "choice", name: "条件分支" });
  const stepId = addNode(draft, idPrefix(conditionStep), conditionStep);
  const conditional: FlowEdge = when ? { from: id, to: "", when } : { from: id, to: "" };
  at.chain.splice(at.index, 0, {
    type: "choice",
    id,
    branches: [
      { edge: conditional, chain: [{ type: "step", id: stepId }] },
      { edge: { from: id, to: "", default: true }, chain: [] },
    ],
  });
  return { ...finish(model, draft), id };
}

/** Add a branch holding one new step to a block (for a choice, before its default branch). */
export function addBranch(model: StructuredFlow, blockId: string, step: StepTemplate): EditResult {
  const draft = draftOf(model);
  const found = locate(draft.main, blockId);
  const block = found?.chain[found.index];
  if (!block || block.type === "step" || block.id !== blockId) return { ok: false, message: `找不到分支块 ${blockId}` };
  const stepId = addNode(draft, idPrefix(step), step);
  const branch: Branch = { edge: { from: blockId, to: "" }, chain: [{ type: "step", id: stepId }] };
  const defaultAt = block.branches.findIndex((b) => b.edge.default === true);
  if (block.type === "choice" && defaultAt >= 0) block.branches.splice(defaultAt, 0, branch);
  else block.branches.push(branch);
  return finish(model, draft);
}

/** Remove branch `index` with its steps. A block left with one branch is dissolved: that
 * branch's steps take the block's place in the chain. */
export function removeBranch(model: StructuredFlow, blockId: string, index: number): EditResult {
  const draft = draftOf(model);
  const found = locate(draft.main, blockId);
  const block = found?.chain[found.index];
  if (!found || !block || block.type === "step" || block.id !== blockId) return { ok: false, message: `找不到分支块 ${blockId}` };
  const [removed] = block.branches.splice(index, 1);
  if (!removed) return { ok: false, message: `分支块 ${blockId} 没有第 ${index + 1} 个分支` };
  dropNodes(draft, removed.chain);
  if (block.branches.length === 1) {
    draft.nodes.delete(block.id);
    if (block.type === "parallel") draft.nodes.delete(block.joinId);
    found.chain.splice(found.index, 1, ...block.branches[0].chain);
  }
  return finish(model, draft);
}

function dropNodes(draft: Draft, chain: Item[]) {
  for (const item of chain) {
    draft.nodes.delete(item.id);
    if (item.type === "parallel") draft.nodes.delete(item.joinId);
    if (item.type !== "step") item.branches.forEach((branch) => dropNodes(draft, branch.chain));
  }
}

/** Delete a step, or a whole block (given its split, join or choice id) with its branches. */
export function removeItem(model: StructuredFlow, id: string): EditResult {
  const draft = draftOf(model);
  const found = locate(draft.main, id);
  if (!found) return { ok: false, message: `找不到环节 ${id}` };
  const [item] = found.chain.splice(found.index, 1);
  dropNodes(draft, [item]);
  if (found.owner && found.chain.length === 0 && found.owner.block.type === "parallel") {
    // an emptied parallel branch does nothing: drop it (dissolving the block if one is left)
    const block = locate(draft.main, found.owner.block.id);
    const live = block?.chain[block.index];
    if (block && live && live.type === "parallel") {
      live.branches.splice(found.owner.branch, 1);
      if (live.branches.length === 1) {
        draft.nodes.delete(live.id);
        draft.nodes.delete(live.joinId);
        block.chain.splice(block.index, 1, ...live.branches[0].chain);
      }
    }
  }
  return finish(model, draft);
}

/** Move a step or block one place up (-1) or down (+1) in its chain. */
export function moveItem(model: StructuredFlow, id: string, direction: -1 | 1): EditResult {
  const draft = draftOf(model);
  const found = locate(draft.main, id);
  if (!found) return { ok: false, message: `找不到环节 ${id}` };
  const target = found.index + direction;
  if (target < 0 || target >= found.chain.length) {
    return { ok: false, message: direction < 0 ? "已是本链第一个环节" : "已是本链最后一个环节" };
  }
  const [item] = found.chain.splice(found.index, 1);
  found.chain.splice(target, 0, item);
  // a moved node is listed where it now runs, not where it used to
  draft.nodeRank.delete(item.id);
  return finish(model, draft);
}

/** Change a node's properties; `undefined` removes a key. Unchanged keys keep their order. */
export function updateNode(model: StructuredFlow, id: string, patch: Partial<Omit<FlowNode, "id" | "kind">>): EditResult {
  const node = model.nodes.get(id);
  if (!node) return { ok: false, message: `找不到环节 ${id}` };
  const nodes = new Map(model.nodes);
  nodes.set(id, patchObject(node, patch));
  return { ok: true, model: { ...model, nodes } };
}

/** Change the entry edge of branch `index` of a choice or parallel block (when, default, name).
 * Making a branch the default removes the flag (and its condition) elsewhere. */
export function updateBranchEdge(
  model: StructuredFlow,
  blockId: string,
  index: number,
  patch: Partial<Pick<FlowEdge, "when" | "default" | "name">>,
): EditResult {
  const draft = draftOf(model);
  const found = locate(draft.main, blockId);
  const block = found?.chain[found.index];
  if (!block || block.type === "step" || block.id !== blockId) return { ok: false, message: `找不到分支块 ${blockId}` };
  const branch = block.branches[index];
  if (!branch) return { ok: false, message: `分支块 ${blockId} 没有第 ${index + 1} 个分支` };
  if (block.type === "parallel" && (patch.when !== undefined || patch.default !== undefined)) {
    return { ok: false, message: "并联审批的分支没有条件" };
  }
  if (patch.default === true) {
    block.branches.forEach((other, i) => {
      if (i !== index && other.edge.default !== undefined) other.edge = patchObject(other.edge, { default: undefined });
    });
    branch.edge = patchObject(branch.edge, { ...patch, when: undefined });
  } else if (patch.when) branch.edge = patchObject(branch.edge, { ...patch, default: undefined });
  else branch.edge = patchObject(branch.edge, patch);
  return finish(model, draft);
}

export function patchObject<T extends object>(object: T, patch: NoInfer<Partial<T>>): T {
  const out = { ...object } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out as T;
}

export function edit(model: FlowModel, apply: (m: StructuredFlow) => EditResult): EditResult {
  if (!model.structured) return { ok: false, message: `此流程无法按结构编辑：${model.reason}` };
  return apply(model);
}
