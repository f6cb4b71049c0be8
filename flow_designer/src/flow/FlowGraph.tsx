/** The read-only graph of any flow: top-down layout, problem badges, critical path in colour. */
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { Popover } from "antd";
import { useMemo, type JSX } from "react";
import type { Department, Flow, FlowNode, Problem } from "../lib/types";
import { ProblemList } from "./ChainView";
import { describeCondition, parseCondition, type FormField } from "./conditions";
import { layoutFlow } from "./layout";
import { kindLabel, nodeDetail, nodeTitle } from "./labels";
import type { PlacedProblems } from "./problems";
import { edgeKey, type FlowModel } from "./structure";

interface GraphNodeData extends Record<string, unknown> {
  node: FlowNode;
  detail?: string;
  problems: Problem[];
  critical: boolean;
  selected: boolean;
}

type GraphNode = Node<GraphNodeData, "flowNode">;

function GraphNodeView({ data }: NodeProps<GraphNode>): JSX.Element {
  const { node, detail, problems, critical } = data;
  return (
    <div className={`tb-flow-gnode tb-flow-kind-${node.kind}${critical ? " is-critical" : ""}${data.selected ? " is-selected" : ""}`}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="tb-flow-gnode-title">
        <span>{nodeTitle(node)}</span>
        {problems.length > 0 && (
          <Popover trigger={["hover", "click"]} title="校验问题" content={<ProblemList problems={problems} />}>
            <button type="button" className="tb-flow-problem nodrag" aria-label={`${problems.length} 个问题`}>
              {problems.length}
            </button>
          </Popover>
        )}
      </div>
      <div className="tb-flow-gnode-kind">{kindLabel(node)}</div>
      {detail && <div className="tb-flow-gnode-detail">{detail}</div>}
      {node.kind !== "start" && node.kind !== "end" && <div className="tb-flow-gnode-detail">{`时限 ${node.days ?? 0} 个工作日`}</div>}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { flowNode: GraphNodeView };

const ARIA_LABELS = {
  "node.a11yDescription.default": "按 Enter 或空格选择环节。",
  "node.a11yDescription.keyboardDisabled": "环节不可用键盘移动。",
  "node.a11yDescription.ariaLiveMessage": ({ direction, x, y }: { direction: string; x: number; y: number }) =>
    `环节已向${{ up: "上", down: "下", left: "左", right: "右" }[direction] ?? direction}移动，位置 x：${x}，y：${y}`,
  "edge.a11yDescription.default": "按 Enter 或空格选择连线。",
  "controls.ariaLabel": "流程图控制",
  "controls.zoomIn.ariaLabel": "放大流程图",
  "controls.zoomOut.ariaLabel": "缩小流程图",
  "controls.fitView.ariaLabel": "适应画布",
  "controls.interactive.ariaLabel": "切换交互",
  "minimap.ariaLabel": "缩略图",
  "handle.ariaLabel": "连接点",
};

export interface FlowGraphProps {
  model: FlowModel;
  flow: Flow;
  departments: Department[];
  placed: PlacedProblems;
  criticalNodes: Set<string>;
  criticalEdges: Set<string>;
  fields: FormField[];
  selectedId?: string;
  onSelect: (id: string) => void;
}

export function FlowGraph({ model, flow, departments, placed, criticalNodes, criticalEdges, fields, selectedId, onSelect }: FlowGraphProps): JSX.Element {
  const { nodes, edges } = useMemo(() => {
    const positions = layoutFlow(model);
    const nodes: GraphNode[] = flow.nodes.map((node) => ({
      id: node.id,
      type: "flowNode",
      position: positions.get(node.id) ?? { x: 0, y: 0 },
      data: {
        node,
        detail: nodeDetail(node, departments),
        problems: placed.byNode.get(node.id) ?? [],
        critical: criticalNodes.has(node.id),
        selected: node.id === selectedId,
      },
      ariaLabel: `${kindLabel(node)}：${nodeTitle(node)}`,
      draggable: false,
      connectable: false,
      domAttributes: { "aria-roledescription": "环节" },
    }));
    const edges: Edge[] = flow.edges.map((edge, index) => {
      const key = edgeKey(edge.from, edge.to);
      const critical = criticalEdges.has(key);
      const problems = placed.byEdge.get(key);
      const condition = edge.when ? parseCondition(edge.when, fields) : null;
      const label = edge.default ? "默认" : edge.when ? (condition ? describeCondition(condition, fields) : edge.when) : edge.name;
      return {
        id: `${index}:${key}`,
        source: edge.from,
        target: edge.to,
        label: problems?.length ? `${label ? `${label} ` : ""}⚠ ${problems.length}` : label,
        type: "smoothstep",
        labelBgPadding: [4, 2],
        labelStyle: { fontSize: 12 },
        animated: critical,
        markerEnd: { type: MarkerType.ArrowClosed, color: critical ? "#d46b08" : "#8c8c8c" },
        style: { stroke: problems?.length ? "#cf1322" : critical ? "#d46b08" : "#8c8c8c", strokeWidth: critical ? 2.5 : 1.5 },
        ariaLabel: `连线 ${edge.from} 到 ${edge.to}${label ? `：${label}` : ""}${critical ? "（关键路径）" : ""}`,
        focusable: true,
        domAttributes: { "aria-roledescription": "连线" },
      };
    });
    return { nodes, edges };
  }, [model, flow, departments, placed, criticalNodes, criticalEdges, fields, selectedId]);

  return (
    <div className="tb-flow-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable
        fitView
        fitViewOptions={{ maxZoom: 1 }}
        deleteKeyCode={null}
        minZoom={0.2}
        ariaLabelConfig={ARIA_LABELS}
        onNodeClick={(_, node) => onSelect(node.id)}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
