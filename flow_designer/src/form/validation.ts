/** Validation of form data in the browser with the server's rules (platform/tongban/core/
 * forms.py): one Ajv2020 instance behind rjsf, the server's formats (check digits included),
 * and errors rewritten as "标题：消息" (frontend.md §8 traps 2–5). */
import type { ErrorTransformer, RJSFValidationError } from "@rjsf/utils";
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020";
import type Ajv from "ajv";
import localizeZh from "ajv-i18n/localize/zh";
import type { JsonSchema } from "../lib/types";
import { idCardProblem, usccProblem } from "./checkDigits";
import { COMMON_SCHEMA, dereference, resolveRef } from "./commonFields";

/** The keyword holding a field's readable message for its `pattern` (the server ignores
 * unknown `x-` keywords; its own message for a pattern is "格式不正确"). */
export const PATTERN_MESSAGE_KEY = "x-message";

const DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const DATE_TIME_RE =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|([+-])([0-9]{2}):([0-9]{2}))$/;
const EMAIL_RE = /^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$/;

function realDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // 2000 is leap: Feb has 29
  if (day > days) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return true;
}

export function isDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  const [y, m, d] = value.split("-").map(Number);
  return realDate(y, m, d);
}

export function isDateTime(value: string): boolean {
  const m = DATE_TIME_RE.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  if (!realDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return false;
  return m[10] === undefined || (Number(m[10]) < 24 && Number(m[11]) < 60);
}

/** The formats the server checks (forms.FORMATS); a form may use no other. */
export const customFormats: Record<string, (value: string) => boolean> = {
  date: isDate,
  "date-time": isDateTime,
  email: (value) => EMAIL_RE.test(value),
  "cn-id-card": (value) => idCardProblem(value) === null,
  "cn-uscc": (value) => usccProblem(value) === null,
};

const FORMAT_MESSAGES: Record<string, (value: unknown) => string> = {
  date: () => "应为 YYYY-MM-DD 格式的有效日期",
  "date-time": () => "应为有效的日期时间",
  email: () => "电子邮箱地址无效",
  "cn-id-card": (value) => (typeof value === "string" && idCardProblem(value)) || "公民身份号码无效",
  "cn-uscc": (value) => (typeof value === "string" && usccProblem(value)) || "统一社会信用代码无效",
};

export const validator = customizeValidator(
  {
    AjvClass: Ajv2020 as unknown as typeof Ajv,
    customFormats,
    extenderFn: (ajv) => {
      ajv.addSchema(COMMON_SCHEMA);
      return ajv;
    },
  },
  localizeZh,
);

function asSchema(node: unknown): JsonSchema | undefined {
  return node !== null && typeof node === "object" && !Array.isArray(node)
    ? (node as JsonSchema)
    : undefined;
}

/** The tokens of an rjsf error property (".a.0.b" → ["a","0","b"]). */
export function propertyTokens(property: string | undefined): string[] {
  return (property ?? "").split(".").filter(Boolean);
}

/** The (dereferenced) schema of the field at a data path, looking into `properties`,
 * `items` and the branches of `allOf`/`if`/`then`/`else`. */
export function fieldSchemaAt(root: JsonSchema, tokens: string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = dereference(root, root);
  for (const token of tokens) {
    if (!node) return undefined;
    const found: JsonSchema | undefined = childSchema(node, token, root);
    node = found ? dereference(found, root) : undefined;
  }
  return node;
}

function childSchema(node: JsonSchema, token: string, root: JsonSchema): JsonSchema | undefined {
  if (/^[0-9]+$/.test(token) && asSchema(node.items)) return asSchema(node.items);
  const own = asSchema(asSchema(node.properties)?.[token]);
  if (own) return own;
  const branches = [
    ...(Array.isArray(node.allOf) ? node.allOf : []),
    node.then,
    node.else,
  ];
  for (const branch of branches) {
    const schema = asSchema(branch);
    if (!schema) continue;
    const found = childSchema(dereference(schema, root), token, root);
    if (found) return found;
  }
  return undefined;
}

function valueAt(data: unknown, tokens: string[]): unknown {
  let node = data;
  for (const token of tokens) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** The schema object a "#/…/keyword" schema path ends in (the keyword's parent). */
function schemaOfKeyword(root: JsonSchema, schemaPath: string | undefined): JsonSchema | undefined {
  if (!schemaPath) return undefined;
  const parent = schemaPath.replace(/\/[^/]*$/, "");
  return resolveRef(parent === "#" ? "#" : parent, root);
}

function messageFor(error: RJSFValidationError, root: JsonSchema, field: JsonSchema | undefined, value: unknown): string {
  switch (error.name) {
    case "required":
      return "为必填项";
    case "pattern": {
      const readable =
        schemaOfKeyword(root, error.schemaPath)?.[PATTERN_MESSAGE_KEY] ?? field?.[PATTERN_MESSAGE_KEY];
      return typeof readable === "string" && readable ? readable : "格式不正确";
    }
    case "format": {
      const format = (error.params as { format?: string } | undefined)?.format ?? "";
      return FORMAT_MESSAGES[format]?.(value) ?? "格式不正确";
    }
    default:
      return error.message ?? "不符合要求";
  }
}

/** An rjsf `transformErrors` for `schema` (the inlined form rjsf renders): drops the `if`
 * noise, names each field by its title (behind `$ref` too) and reads format problems and
 * readable pattern messages. `getFormData` gives the data being validated. */
export function makeTransformErrors(schema: JsonSchema, getFormData: () => unknown): ErrorTransformer {
  return (errors) =>
    errors
      .filter((error) => error.name !== "if")
      .map((error) => {
        const tokens = propertyTokens(error.property);
        const field = fieldSchemaAt(schema, tokens);
        const title =
          (typeof field?.title === "string" && field.title) || tokens[tokens.length - 1] || "表单";
        const message = messageFor(error, schema, field, valueAt(getFormData(), tokens));
        return { ...error, title, message, stack: `${title}：${message}` };
      });
}
