/** Shapes shared by every screen: the matter document (form_schemas/matter.schema.json), its
 * flow (form_schemas/flow.schema.json) and what the server says about them. Documents are
 * kept as the server sends them (key order included) so an unchanged save is byte-identical. */

export type StepKind = "receive" | "accept" | "review" | "decide" | "conclude";
export type NodeKind =
  | "start"
  | "end"
  | "task"
  | "parallel"
  | "join"
  | "choice"
  | "escalate"
  | "external"
  | "subflow";

export interface FlowNode {
  id: string;
  kind: NodeKind;
  name?: string;
  days?: number;
  step?: StepKind;
  department?: string;
  role?: string;
  split?: string;
  min?: number;
  on_deny?: "deny" | "continue";
  to?: "nation" | "province" | "city" | "county";
  matter?: string;
  system?: string;
}

export interface FlowEdge {
  id?: string;
  from: string;
  to: string;
  name?: string;
  when?: string;
  default?: boolean;
}

export interface Flow {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** A JSON Schema (2020-12) object as stored in a matter's `form`. */
export type JsonSchema = Record<string, unknown>;

export type MatterDocument = Record<string, unknown> & {
  kind: "standard" | "implementation";
  code: string;
  name: string;
  form?: JsonSchema;
  flow?: Flow;
};

/** What a problem belongs to, as the server names it (Problem.target). */
export interface ProblemTarget {
  /** node | edge | field | material | limit | fee | guide | basic | document */
  kind: string;
  /** node id, edge id ("from->to" when unnamed), field path (a.b), material code, key */
  id: string;
}

export interface Problem {
  code: string;
  pointer: string;
  message: string;
  target?: ProblemTarget | null;
}

/** A department of the caller's tenant with the roles someone in it holds. */
export interface Department {
  code: string;
  name: string;
  roles: string[];
}

export const STEP_LABELS: Record<StepKind, string> = {
  receive: "收件",
  accept: "受理",
  review: "审查",
  decide: "决定",
  conclude: "办结",
};

export const ROLE_LABELS: Record<string, string> = {
  admin: "管理员",
  supervisor: "监察人员",
  clerk: "窗口人员",
  reviewer: "审查人员",
  approver: "审批人员",
};
