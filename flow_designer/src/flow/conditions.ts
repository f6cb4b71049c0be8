/**
 * Conditions of choice branches (docs/expressions.md). A parser for the whole language, so
 * the designer can say what is wrong and where (column, in Chinese) before the server does,
 * and a builder model for the simple forms admins use: clauses "字段 运算 值" joined by 且 or
 * 或. Builder conditions print as expression text; text that the builder cannot show stays
 * text.
 */
import type { JsonSchema } from "../lib/types";

// ---------------------------------------------------------------- syntax tree

export type Scalar = string | number | boolean | null;

export type Expr =
  | { t: "lit"; value: Scalar }
  | { t: "field"; path: string[] }
  | { t: "list"; items: Expr[] }
  | { t: "call"; name: string; args: Expr[] }
  | { t: "not"; x: Expr }
  | { t: "neg"; x: Expr }
  | { t: "bool"; op: "and" | "or"; items: Expr[] }
  | { t: "cmp"; op: string; left: Expr; right: Expr }
  | { t: "arith"; op: string; left: Expr; right: Expr };

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

type TokenKind = "number" | "string" | "name" | "keyword" | "op" | "end";
interface Token {
  kind: TokenKind;
  text: string;
  column: number;
  value?: Scalar;
}

const KEYWORDS = new Set(["and", "or", "not", "in", "true", "false", "null"]);
const TWO_CHAR_OPS = new Set(["==", "!=", "<=", ">="]);
const ONE_CHAR_OPS = new Set("<>+-*/()[],.");
const ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", t: "\t", r: "\r", "/": "/" };
const HINTS: Record<string, string> = {
  "=": "比较请用 ==",
  "!": "取反请用 not，不等于请用 !=",
  "&": "请用 and 表示“并且”",
  "|": "请用 or 表示“或者”",
  "\u201c": "请用英文引号 ' 或 \"",
  "\u201d": "请用英文引号 ' 或 \"",
  "\u2018": "请用英文引号 ' 或 \"",
  "\u2019": "请用英文引号 ' 或 \"",
};
const FUNCTIONS: Record<string, number> = { exists: 1, len: 1 };
const MAX_LENGTH = 1000;
const MAX_DEPTH = 32;

const isDigit = (c: string) => c >= "0" && c <= "9";
const isNameStart = (c: string) => /[\p{L}\p{Nl}_]/u.test(c);
const isNameChar = (c: string) => /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u.test(c);

export function isIdentifier(name: string): boolean {
  const chars = [...name];
  return chars.length > 0 && isNameStart(chars[0]) && chars.every(isNameChar) && !KEYWORDS.has(name);
}

function tokenize(source: string): Token[] {
  const chars = [...source];
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i];
    const column = i + 1;
    if (/\s/u.test(c)) {
      i += 1;
    } else if (isDigit(c)) {
      let j = i;
      while (j < chars.length && isDigit(chars[j])) j += 1;
      if (chars[j] === ".") {
        let k = j + 1;
        while (k < chars.length && isDigit(chars[k])) k += 1;
        if (k === j + 1) throw new ExpressionError("小数点后缺少数字", j + 2);
        j = k;
      }
      const text = chars.slice(i, j).join("");
      tokens.push({ kind: "number", text, column, value: Number(text) });
      i = j;
    } else if (c === "'" || c === '"') {
      const out: string[] = [];
      let j = i + 1;
      let closed = false;
      while (j < chars.length) {
        const d = chars[j];
        if (d === c) {
          closed = true;
          break;
        }
        if (d !== "\\") {
          out.push(d);
          j += 1;
          continue;
        }
        const code = chars[j + 1] ?? "";
        if (code in ESCAPES) {
          out.push(ESCAPES[code]);
          j += 2;
        } else if (code === "u") {
          const digits = chars.slice(j + 2, j + 6).join("");
          if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw new ExpressionError("\\u 后须有四位十六进制数字", j + 1);
          out.push(String.fromCharCode(parseInt(digits, 16)));
          j += 6;
        } else if (code) throw new ExpressionError(`未知的转义 \\${code}`, j + 1);
        else break;
      }
      if (!closed) throw new ExpressionError("字符串没有结束引号", column);
      tokens.push({ kind: "string", text: chars.slice(i, j + 1).join(""), column, value: out.join("") });
      i = j + 1;
    } else if (isNameStart(c)) {
      let j = i + 1;
      while (j < chars.length && isNameChar(chars[j])) j += 1;
      const word = chars.slice(i, j).join("");
      tokens.push({ kind: KEYWORDS.has(word) ? "keyword" : "name", text: word, column });
      i = j;
    } else if (TWO_CHAR_OPS.has(c + (chars[i + 1] ?? ""))) {
      tokens.push({ kind: "op", text: c + chars[i + 1], column });
      i += 2;
    } else if (ONE_CHAR_OPS.has(c)) {
      tokens.push({ kind: "op", text: c, column });
      i += 1;
    } else {
      throw new ExpressionError(`不能识别的字符“${c}”${hint(c)}`, column);
    }
  }
  tokens.push({ kind: "end", text: "", column: chars.length + 1 });
  return tokens;
}

function hint(c: string): string {
  if (HINTS[c]) return `，${HINTS[c]}`;
  const code = c.codePointAt(0) ?? 0;
  if (code >= 0xff01 && code <= 0xff5e) return `，全角字符不是运算符，请用“${String.fromCodePoint(code - 0xfee0)}”`;
  return "";
}

const describe = (token: Token) => (token.kind === "end" ? "表达式结尾" : `“${token.text}”`);

/** Parse a condition; throws ExpressionError with a 1-based column and a Chinese message. */
export function parseExpression(source: string): Expr {
  if ([...source].length > MAX_LENGTH) throw new ExpressionError(`条件最长 ${MAX_LENGTH} 个字符`, MAX_LENGTH + 1);
  const tokens = tokenize(source);
  if (tokens.length === 1) throw new ExpressionError("条件为空", 1);
  let position = 0;
  let depth = 0;
  const peek = () => tokens[position];
  const advance = () => tokens[Math.min(position++, tokens.length - 1)];
  const at = (kind: TokenKind, text: string) => peek().kind === kind && peek().text === text;
  const expect = (text: string, context: string) => {
    const token = advance();
    if (token.kind !== "op" || token.text !== text) throw new ExpressionError(`${context}应为“${text}”，实际是${describe(token)}`, token.column);
  };
  const enter = (token: Token) => {
    depth += 1;
    if (depth > MAX_DEPTH) throw new ExpressionError(`嵌套超过 ${MAX_DEPTH} 层`, token.column);
  };

  const orExpr = (): Expr => flat("or", andExpr);
  const andExpr = (): Expr => flat("and", notExpr);
  const flat = (op: "and" | "or", next: () => Expr): Expr => {
    const items = [next()];
    while (at("keyword", op)) {
      advance();
      items.push(next());
    }
    return items.length === 1 ? items[0] : { t: "bool", op, items };
  };
  const notExpr = (): Expr => {
    if (at("keyword", "not")) {
      const token = advance();
      enter(token);
      const x = notExpr();
      depth -= 1;
      return { t: "not", x };
    }
    return comparison();
  };
  const comparisonOp = (): string | null => {
    const token = peek();
    if (token.kind === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(token.text)) return advance().text;
    if (at("keyword", "in")) return advance().text;
    if (at("keyword", "not") && tokens[position + 1]?.kind === "keyword" && tokens[position + 1].text === "in") {
      position += 2;
      return "not in";
    }
    return null;
  };
  const comparison = (): Expr => {
    const left = sum();
    const op = comparisonOp();
    if (!op) return left;
    const right = sum();
    const token = peek();
    if (comparisonOp()) throw new ExpressionError("比较不能连写，请用 and 连接", token.column);
    return { t: "cmp", op, left, right };
  };
  const chain = (next: () => Expr, ops: string[]): Expr => {
    let left = next();
    while (peek().kind === "op" && ops.includes(peek().text)) {
      const op = advance().text;
      left = { t: "arith", op, left, right: next() };
    }
    return left;
  };
  const sum = (): Expr => chain(product, ["+", "-"]);
  const product = (): Expr => chain(unary, ["*", "/"]);
  const unary = (): Expr => {
    if (at("op", "-")) {
      const token = advance();
      enter(token);
      const x = unary();
      depth -= 1;
      return { t: "neg", x };
    }
    return primary();
  };
  const items = (closing: string, context: string): Expr[] => {
    const list: Expr[] = [];
    while (!at("op", closing)) {
      list.push(orExpr());
      if (!at("op", ",")) break;
      advance();
    }
    expect(closing, context);
    return list;
  };
  const primary = (): Expr => {
    const token = advance();
    if (token.kind === "number" || token.kind === "string") return { t: "lit", value: token.value ?? null };
    if (token.kind === "keyword" && ["true", "false", "null"].includes(token.text)) {
      return { t: "lit", value: token.text === "null" ? null : token.text === "true" };
    }
    if (token.kind === "op" && token.text === "(") {
      enter(token);
      const inner = orExpr();
      expect(")", `第 ${token.column} 列的“(”需要闭合：`);
      depth -= 1;
      return inner;
    }
    if (token.kind === "op" && token.text === "[") {
      enter(token);
      const list = items("]", `第 ${token.column} 列的“[”需要闭合：`);
      depth -= 1;
      return { t: "list", items: list };
    }
    if (token.kind === "name") {
      if (at("op", "(")) {
        const arity = FUNCTIONS[token.text];
        if (arity === undefined) throw new ExpressionError(`未知的函数“${token.text}”（可用：exists、len）`, token.column);
        advance();
        enter(token);
        const args = items(")", `${token.text}() 的调用需要闭合：`);
        depth -= 1;
        if (args.length !== arity) throw new ExpressionError(`${token.text}() 需要 ${arity} 个参数（实际 ${args.length} 个）`, token.column);
        if (token.text === "exists" && args[0].t !== "field") throw new ExpressionError("exists() 的参数须为字段，例如 exists(form.a)", token.column);
        return { t: "call", name: token.text, args };
      }
      const path = [token.text];
      while (at("op", ".")) {
        advance();
        const next = advance();
        if (next.kind !== "name") throw new ExpressionError(`“.”后应为字段名，实际是${describe(next)}`, next.column);
        path.push(next.text);
      }
      if (path[0] === "form" && path.length > 1) path.shift();
      return { t: "field", path };
    }
    if (token.kind === "end") throw new ExpressionError("条件在需要一个值的地方结束了", token.column);
    throw new ExpressionError(`这里应为一个值，实际是${describe(token)}`, token.column);
  };

  const expr = orExpr();
  const rest = peek();
  if (rest.kind !== "end") throw new ExpressionError(`多余的内容：${describe(rest)}`, rest.column);
  return expr;
}

/** A Chinese message for the text, or null when it parses. */
export function expressionProblem(source: string): string | null {
  try {
    parseExpression(source);
    return null;
  } catch (error) {
    if (error instanceof ExpressionError) return `第 ${error.column} 列：${error.message}`;
    throw error;
  }
}

// ---------------------------------------------------------------- form fields

export type FieldType = "string" | "number" | "integer" | "boolean" | "array" | "object" | "unknown";

export interface FieldOption {
  value: string | number | boolean;
  label: string;
}

export interface FormField {
  name: string;
  title: string;
  type: FieldType;
  /** Coded values (enum or oneOf const/title); for an array, of its items. */
  options?: FieldOption[];
  /** A date or date-time string: compares as text. */
  date?: boolean;
}

/** The form's top-level fields (conditions may read only those), with their Chinese titles. */
export function formFields(schema: JsonSchema | undefined): FormField[] {
  const properties = asRecord(schema?.properties);
  if (!properties) return [];
  return Object.entries(properties).flatMap(([name, raw]) => {
    if (!isIdentifier(name)) return [];
    const property = resolve(schema ?? {}, raw);
    const type = fieldType(property.type);
    const optionSource = type === "array" ? resolve(schema ?? {}, property.items) : property;
    const options = optionsOf(optionSource);
    const field: FormField = { name, title: typeof property.title === "string" ? property.title : name, type };
    if (options) field.options = options;
    if (property.format === "date" || property.format === "date-time") field.date = true;
    return [field];
  });
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function resolve(root: JsonSchema, raw: unknown): Record<string, unknown> {
  let schema = asRecord(raw) ?? {};
  for (let hops = 0; typeof schema.$ref === "string" && schema.$ref.startsWith("#/") && hops < 8; hops += 1) {
    let target: unknown = root;
    for (const part of schema.$ref.slice(2).split("/")) target = asRecord(target)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    const { $ref: _ref, ...siblings } = schema;
    void _ref;
    schema = { ...(asRecord(target) ?? {}), ...siblings };
  }
  return schema;
}

function fieldType(type: unknown): FieldType {
  const first = Array.isArray(type) ? type.find((t) => t !== "null") : type;
  return ["string", "number", "integer", "boolean", "array", "object"].includes(first as string) ? (first as FieldType) : "unknown";
}

function optionsOf(schema: Record<string, unknown>): FieldOption[] | undefined {
  if (Array.isArray(schema.enum)) {
    return schema.enum.filter(isOptionValue).map((value) => ({ value, label: String(value) }));
  }
  const oneOf = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (oneOf && oneOf.every((o) => asRecord(o) && "const" in (o as object))) {
    return oneOf.map((o) => {
      const option = o as Record<string, unknown>;
      const value = isOptionValue(option.const) ? option.const : String(option.const);
      return { value, label: typeof option.title === "string" ? option.title : String(value) };
    });
  }
  return undefined;
}

const isOptionValue = (v: unknown): v is string | number | boolean => ["string", "number", "boolean"].includes(typeof v);

// ---------------------------------------------------------------- the builder

export type OperatorId = "eq" | "ne" | "gt" | "ge" | "lt" | "le" | "in" | "notIn" | "contains" | "empty" | "notEmpty";

export const OPERATORS: Record<OperatorId, { label: string; symbol?: string; needsValue: "one" | "list" | "none" }> = {
  eq: { label: "等于", symbol: "==", needsValue: "one" },
  ne: { label: "不等于", symbol: "!=", needsValue: "one" },
  gt: { label: "大于", symbol: ">", needsValue: "one" },
  ge: { label: "大于等于", symbol: ">=", needsValue: "one" },
  lt: { label: "小于", symbol: "<", needsValue: "one" },
  le: { label: "小于等于", symbol: "<=", needsValue: "one" },
  in: { label: "属于其中之一", needsValue: "list" },
  notIn: { label: "不属于其中任何一个", needsValue: "list" },
  contains: { label: "包含", needsValue: "one" },
  empty: { label: "为空", needsValue: "none" },
  notEmpty: { label: "不为空", needsValue: "none" },
};

const SYMBOL_TO_OPERATOR: Record<string, OperatorId> = { "==": "eq", "!=": "ne", ">": "gt", ">=": "ge", "<": "lt", "<=": "le" };

/** The operators that make sense for a field. */
export function operatorsFor(field: FormField): OperatorId[] {
  switch (field.type) {
    case "number":
    case "integer":
      return ["eq", "ne", "gt", "ge", "lt", "le", "empty", "notEmpty"];
    case "boolean":
      return ["eq", "ne", "empty", "notEmpty"];
    case "array":
      return ["contains", "empty", "notEmpty"];
    case "string":
      if (field.options) return ["eq", "ne", "in", "notIn", "empty", "notEmpty"];
      return field.date
        ? ["eq", "ne", "gt", "ge", "lt", "le", "empty", "notEmpty"]
        : ["eq", "ne", "contains", "in", "notIn", "empty", "notEmpty"];
    default:
      return ["empty", "notEmpty"];
  }
}

export type ClauseValue = Scalar | Scalar[];

export interface Clause {
  field: string;
  op: OperatorId;
  value?: ClauseValue;
}

export interface Condition {
  join: "and" | "or";
  clauses: Clause[];
}

/** The value kind a field's literals must have in a clause. */
function literalKind(field: FormField): "string" | "number" | "boolean" | "any" {
  if (field.type === "number" || field.type === "integer") return "number";
  if (field.type === "boolean") return "boolean";
  if (field.type === "string") return "string";
  if (field.type === "array" && field.options?.length) return typeof field.options[0].value as "string" | "number" | "boolean";
  return field.type === "array" ? "string" : "any";
}

export function literal(value: Scalar): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("not a finite number");
    const text = String(value);
    return /e/i.test(text) ? value.toFixed(20).replace(/0+$/, "").replace(/\.$/, "") : text;
  }
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}'`;
}

/** What is missing from a clause, in Chinese, or null when it is complete. */
export function clauseProblem(clause: Clause, fields: FormField[]): string | null {
  const field = fields.find((f) => f.name === clause.field);
  if (!field) return clause.field ? `表单中没有字段“${clause.field}”` : "请选择字段";
  if (!operatorsFor(field).includes(clause.op)) return `“${field.title}”不能使用“${OPERATORS[clause.op].label}”`;
  const need = OPERATORS[clause.op].needsValue;
  const kind = literalKind(field);
  const fits = (v: Scalar) => kind === "any" || typeof v === kind;
  if (need === "one" && (clause.value === undefined || clause.value === null || clause.value === "" || Array.isArray(clause.value) || !fits(clause.value))) {
    return `请填写“${field.title}”${OPERATORS[clause.op].label}的值`;
  }
  if (need === "list" && (!Array.isArray(clause.value) || clause.value.length === 0 || !clause.value.every(fits))) {
    return `请选择“${field.title}”${OPERATORS[clause.op].label}的值`;
  }
  return null;
}

function clauseText(clause: Clause): string {
  const path = `form.${clause.field}`;
  const value = clause.value;
  switch (clause.op) {
    case "empty":
      return `not exists(${path})`;
    case "notEmpty":
      return `exists(${path})`;
    case "contains":
      return `${literal(value as Scalar)} in ${path}`;
    case "in":
    case "notIn":
      return `${path} ${clause.op === "in" ? "in" : "not in"} [${(value as Scalar[]).map(literal).join(", ")}]`;
    default:
      return `${path} ${OPERATORS[clause.op].symbol} ${literal(value as Scalar)}`;
  }
}

/** The expression text of a complete condition (see clauseProblem), e.g. form.storeType == '连锁门店'. */
export function conditionText(condition: Condition): string {
  return condition.clauses.map(clauseText).join(` ${condition.join} `);
}

/** The builder's reading of an expression, or null when it is not a simple form over the
 * given fields (then it stays text). */
export function parseCondition(source: string, fields: FormField[]): Condition | null {
  let expr: Expr;
  try {
    expr = parseExpression(source);
  } catch {
    return null;
  }
  const parts = expr.t === "bool" ? expr.items : [expr];
  const clauses: Clause[] = [];
  for (const part of parts) {
    const clause = readClause(part, fields);
    if (!clause || clauseProblem(clause, fields) !== null) return null;
    clauses.push(clause);
  }
  return { join: expr.t === "bool" ? expr.op : "and", clauses };
}

function fieldName(expr: Expr, fields: FormField[]): string | null {
  if (expr.t !== "field" || expr.path.length !== 1) return null;
  return fields.some((f) => f.name === expr.path[0]) ? expr.path[0] : null;
}

function readClause(expr: Expr, fields: FormField[]): Clause | null {
  if (expr.t === "call" && expr.name === "exists") {
    const field = fieldName(expr.args[0], fields);
    return field ? { field, op: "notEmpty" } : null;
  }
  if (expr.t === "not" && expr.x.t === "call" && expr.x.name === "exists") {
    const field = fieldName(expr.x.args[0], fields);
    return field ? { field, op: "empty" } : null;
  }
  if (expr.t !== "cmp") return null;
  const left = fieldName(expr.left, fields);
  if (expr.op in SYMBOL_TO_OPERATOR) {
    return left && expr.right.t === "lit" ? { field: left, op: SYMBOL_TO_OPERATOR[expr.op], value: expr.right.value } : null;
  }
  if ((expr.op === "in" || expr.op === "not in") && left && expr.right.t === "list") {
    const values = expr.right.items.map((item) => (item.t === "lit" ? item.value : undefined));
    if (values.some((v) => v === undefined)) return null;
    return { field: left, op: expr.op === "in" ? "in" : "notIn", value: values as Scalar[] };
  }
  const right = fieldName(expr.right, fields);
  if (expr.op === "in" && right && expr.left.t === "lit") return { field: right, op: "contains", value: expr.left.value };
  return null;
}

/** A Chinese reading of a condition for branch headers, e.g. 门店类型 等于 连锁门店. */
export function describeCondition(condition: Condition, fields: FormField[]): string {
  return condition.clauses
    .map((clause) => {
      const field = fields.find((f) => f.name === clause.field);
      const show = (v: Scalar) => field?.options?.find((o) => o.value === v)?.label ?? String(v);
      const op = OPERATORS[clause.op];
      const value = Array.isArray(clause.value) ? clause.value.map(show).join("、") : clause.value === undefined ? "" : show(clause.value);
      return [field?.title ?? clause.field, op.label, value].filter(Boolean).join(" ");
    })
    .join(condition.join === "and" ? " 且 " : " 或 ");
}
