/** Where each problem of a matter document belongs. The server names it (Problem.target:
 * a material code, a node id, a field path…); when it does not, the JSON pointer is read
 * against the document so a problem follows its item by id, never by list position. */
import type { MatterDocument, Problem, ProblemTarget } from "./types";

export type EditorTab = "basic" | "materials" | "limits" | "guide" | "form" | "flow" | "review";

export interface LocatedProblem extends Problem {
  target: ProblemTarget;
  tab: EditorTab;
}

export interface ProblemIndex {
  all: LocatedProblem[];
  /** `${kind}:${id}` → its problems */
  byTarget: Map<string, LocatedProblem[]>;
  byTab: Record<EditorTab, LocatedProblem[]>;
}

export function targetKey(kind: string, id: string): string {
  return `${kind}:${id}`;
}

/** RFC 6901: "/form/properties/a~1b" → ["form", "properties", "a/b"]. */
export function pointerTokens(pointer: string): string[] {
  if (!pointer || pointer === "/") return pointer === "/" ? [""] : [];
  return pointer
    .replace(/^\//, "")
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function itemAt(list: unknown, token: string | undefined): Record<string, unknown> | undefined {
  if (!Array.isArray(list) || token === undefined || !/^[0-9]+$/.test(token)) return undefined;
  return asRecord(list[Number(token)]);
}

/** The field path ("a.b") a pointer under /form names, or "" for the form as a whole. */
function fieldPath(tokens: string[], form: Record<string, unknown> | undefined): string {
  const names: string[] = [];
  let schema = form;
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    if (token === "properties" && index + 1 < tokens.length) {
      const name = tokens[index + 1];
      names.push(name);
      schema = asRecord(asRecord(schema?.properties)?.[name]);
      index += 2;
      continue;
    }
    if (token === "required" && index + 1 < tokens.length) {
      const required = schema?.required;
      const name = Array.isArray(required) ? required[Number(tokens[index + 1])] : undefined;
      if (typeof name === "string") names.push(name);
      break;
    }
    break;
  }
  return names.join(".");
}

/** What a pointer names in this document, when the server gave no target. */
export function targetFromPointer(pointer: string, document: Partial<MatterDocument> | null | undefined): ProblemTarget {
  const tokens = pointerTokens(pointer);
  const doc = (document ?? {}) as Record<string, unknown>;
  const [head, second, third] = tokens;
  if (head === undefined || head === "") return { kind: "document", id: "" };
  switch (head) {
    case "materials": {
      const material = itemAt(doc.materials, second);
      if (material && typeof material.code === "string") return { kind: "material", id: material.code };
      return { kind: "document", id: "materials" };
    }
    case "fees": {
      const fee = itemAt(doc.fees, second);
      if (fee && typeof fee.code === "string") return { kind: "fee", id: fee.code };
      return { kind: "document", id: "fees" };
    }
    case "time_limits":
      return { kind: "limit", id: second ?? "" };
    case "guide":
      return { kind: "guide", id: second ?? "" };
    case "form": {
      const path = fieldPath(tokens.slice(1), asRecord(doc.form));
      return path ? { kind: "field", id: path } : { kind: "document", id: "form" };
    }
    case "flow": {
      const flow = asRecord(doc.flow);
      if (second === "nodes") {
        const node = itemAt(flow?.nodes, third);
        if (node && typeof node.id === "string") return { kind: "node", id: node.id };
      }
      if (second === "edges") {
        const edge = itemAt(flow?.edges, third);
        if (edge) {
          const id = typeof edge.id === "string" ? edge.id : `${String(edge.from)}->${String(edge.to)}`;
          return { kind: "edge", id };
        }
      }
      return { kind: "document", id: "flow" };
    }
    default:
      return { kind: "basic", id: head };
  }
}

const TAB_OF_KIND: Record<string, EditorTab> = {
  material: "materials",
  limit: "limits",
  fee: "limits",
  guide: "guide",
  field: "form",
  node: "flow",
  edge: "flow",
};

const TAB_OF_KEY: Record<string, EditorTab> = {
  materials: "materials",
  time_limits: "limits",
  fees: "limits",
  guide: "guide",
  form: "form",
  flow: "flow",
};

export function tabOf(target: ProblemTarget): EditorTab {
  return TAB_OF_KIND[target.kind] ?? TAB_OF_KEY[target.id.split("/")[0]] ?? "basic";
}

/** Every problem with its target (the server's, else one read from its pointer) and tab. */
export function locateProblems(problems: Problem[], document: Partial<MatterDocument> | null | undefined): LocatedProblem[] {
  return problems.map((problem) => {
    const target = problem.target ?? targetFromPointer(problem.pointer, document);
    return { ...problem, target, tab: tabOf(target) };
  });
}

export const EDITOR_TABS: EditorTab[] = ["basic", "materials", "limits", "guide", "form", "flow", "review"];

export function indexProblems(problems: Problem[], document: Partial<MatterDocument> | null | undefined): ProblemIndex {
  const all = locateProblems(problems, document);
  const byTarget = new Map<string, LocatedProblem[]>();
  const byTab = Object.fromEntries(EDITOR_TABS.map((tab) => [tab, [] as LocatedProblem[]])) as Record<EditorTab, LocatedProblem[]>;
  for (const problem of all) {
    const key = targetKey(problem.target.kind, problem.target.id);
    const list = byTarget.get(key);
    if (list) list.push(problem);
    else byTarget.set(key, [problem]);
    byTab[problem.tab].push(problem);
  }
  return { all, byTarget, byTab };
}

export function problemsFor(index: ProblemIndex, kind: string, id: string): LocatedProblem[] {
  return index.byTarget.get(targetKey(kind, id)) ?? [];
}

const CJK_CHAR = /[\u3400-\u9fff]/;
/** " (" then English: a letter or quote, then letters, digits, quotes… up to a lowercase word. */
const ENGLISH_TAIL = /^ \(['"A-Za-z][A-Za-z0-9_ '".-]*?[a-z]{2}/;

function isEnglish(tail: string, head: string): boolean {
  return ENGLISH_TAIL.test(tail) && CJK_CHAR.test(head);
}

/** The Chinese half of a server message "中文 (English)": the trailing parenthesis that
 * starts in English words is dropped (quoted Chinese names may appear inside it). */
export function chineseMessage(message: string): string {
  const trimmed = message.trim();
  if (!trimmed.endsWith(")")) return trimmed;
  let from = trimmed.indexOf(" (");
  while (from > 0) {
    if (isEnglish(trimmed.slice(from), trimmed.slice(0, from))) return trimmed.slice(0, from).trim();
    from = trimmed.indexOf(" (", from + 1);
  }
  return trimmed;
}
