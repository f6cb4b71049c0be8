/** Operations on a matter's form schema (JSON Schema 2020-12), kept to the keywords rjsf and
 * Python jsonschema treat alike (frontend.md §2): type, properties, required, oneOf of
 * {const,title} for coded options, const, pattern, format, min/max(Length), items,
 * min/maxItems, uniqueItems, $ref, allOf of if/then for conditions, title/description/default.
 *
 * Decisions:
 * - Order: the key order of `properties` is the display order (rjsf renders in key order,
 *   Python dicts and the YAML files keep it). No `x-order` / `ui:order` is written.
 * - A pattern's readable message is kept in `x-message` next to the pattern (the server
 *   accepts unknown `x-` keywords and ignores them; the browser shows it instead of the regex).
 * - A multi-line text is marked `"x-widget": "textarea"` (an annotation only).
 * - Paths: a field's path is its property keys joined by "." (a table column is
 *   "table.column": the array's `items` adds no segment). Server problems name fields this way.
 * - Every operation returns a new schema; the input is never changed.
 * - Conditional sections (Section below) keep their fields in a root `allOf` entry's
 *   `then.properties`; such a field's path is still just its key, and the field operations
 *   (fieldAt, updateField, renameField, setRequired, moveField, removeField, addField into a
 *   group of it) find it there.
 */
import type { JsonSchema } from "../lib/types";
import { commonDefinition, commonName, commonRef, dereference } from "./commonFields";

export type FieldKind =
  | "text"
  | "textarea"
  | "number"
  | "money"
  | "date"
  | "single"
  | "multi"
  | "boolean"
  | "table"
  | "group";

export const FIELD_KIND_LABELS: Record<FieldKind, string> = {
  text: "单行文本",
  textarea: "多行文本",
  number: "数字",
  money: "金额",
  date: "日期",
  single: "单选",
  multi: "多选",
  boolean: "是/否",
  table: "明细表（重复行）",
  group: "分组",
};

export const FIELD_KINDS = Object.keys(FIELD_KIND_LABELS) as FieldKind[];

export interface CodedOption {
  value: string;
  title: string;
}

const DEFAULT_OPTIONS: CodedOption[] = [
  { value: "1", title: "选项一" },
  { value: "2", title: "选项二" },
];

function optionsSchema(options: CodedOption[]): JsonSchema[] {
  return options.map((o) => ({ const: o.value, title: o.title }));
}

/** The schema a new field of `kind` starts with. */
export function newFieldSchema(kind: FieldKind): JsonSchema {
  const title = FIELD_KIND_LABELS[kind];
  switch (kind) {
    case "text":
      return { title, type: "string", maxLength: 200 };
    case "textarea":
      return { title, type: "string", maxLength: 2000, "x-widget": "textarea" };
    case "number":
      return { title, type: "number" };
    case "money":
      return { title: "金额（分）", $ref: commonRef("money") };
    case "date":
      return { title, type: "string", format: "date" };
    case "single":
      return { title, type: "string", oneOf: optionsSchema(DEFAULT_OPTIONS) };
    case "multi":
      return { title, type: "array", items: { type: "string", oneOf: optionsSchema(DEFAULT_OPTIONS) }, uniqueItems: true };
    case "boolean":
      return { title, type: "boolean" };
    case "table":
      return {
        title,
        type: "array",
        items: { type: "object", properties: { item: { title: "项目", type: "string", maxLength: 200 } } },
        maxItems: 100,
      };
    case "group":
      return { title, type: "object", properties: {} };
  }
}

/** The schema of a reusable field: a `$ref` with the definition's title beside it (so the
 * title is found without resolving, frontend.md §8 trap 4). */
export function commonFieldSchema(name: string): JsonSchema {
  const def = commonDefinition(name);
  return { title: typeof def?.title === "string" ? def.title : name, $ref: commonRef(name) };
}

/** What kind of field a schema is (for the palette icon and the property panel). */
export function kindOf(field: JsonSchema, root: JsonSchema): FieldKind {
  if (commonName(field.$ref) === "money") return "money";
  const s = dereference(field, root);
  if (s.type === "object") return "group";
  if (s.type === "array") {
    const items = isSchema(s.items) ? dereference(s.items, root) : {};
    return items.type === "object" ? "table" : "multi";
  }
  if (s.type === "boolean") return "boolean";
  if (s.type === "number" || s.type === "integer") return "number";
  if (Array.isArray(s.oneOf) || Array.isArray(s.enum)) return "single";
  if (s.format === "date") return "date";
  if (s["x-widget"] === "textarea") return "textarea";
  return "text";
}

export function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// --------------------------------------------------------------------------- paths

export type FieldPath = string[];

export const pathId = (path: FieldPath): string => path.join(".");
export const parsePath = (id: string): FieldPath => (id ? id.split(".") : []);

/** The object schema whose `properties` hold the children of the field at `path` (the
 * root for []; a table's `items`). */
function container(schema: JsonSchema, path: FieldPath): JsonSchema | undefined {
  let node: JsonSchema | undefined = path.length > 0 ? holderOf(schema, path[0]) : schema;
  for (const key of path) {
    const props: unknown = node?.properties;
    const child: unknown = isSchema(props) ? props[key] : undefined;
    if (!isSchema(child)) return undefined;
    node = child.type === "array" && isSchema(child.items) ? child.items : child;
  }
  return node;
}

export function fieldAt(schema: JsonSchema, path: FieldPath): JsonSchema | undefined {
  if (path.length === 0) return undefined;
  const owner = path.length === 1 ? holderOf(schema, path[0]) : container(schema, path.slice(0, -1));
  const props = owner?.properties;
  const field = isSchema(props) ? props[path[path.length - 1]] : undefined;
  return isSchema(field) ? field : undefined;
}

/** A deep copy with the container at `parent` replaced by `edit(container)`. */
function editContainer(schema: JsonSchema, parent: FieldPath, edit: (c: JsonSchema) => JsonSchema): JsonSchema {
  if (parent.length === 0) return edit(schema);
  const [head, ...rest] = parent;
  const section = sectionIndexOf(schema, head);
  if (section >= 0) return editSectionThen(schema, section, (then) => editContainer(then, parent, edit));
  const props = isSchema(schema.properties) ? schema.properties : {};
  const child = props[head];
  if (!isSchema(child)) return schema;
  let next: JsonSchema;
  if (child.type === "array" && isSchema(child.items)) {
    next = { ...child, items: editContainer(child.items, rest, edit) };
  } else {
    next = editContainer(child, rest, edit);
  }
  return { ...schema, properties: { ...props, [head]: next } };
}

function replaceProperties(c: JsonSchema, entries: [string, unknown][]): JsonSchema {
  return { ...c, properties: Object.fromEntries(entries) };
}

/** A deep copy with the object holding the field at `path` (its parent) replaced by
 * `edit(parent)`; a top-level field of a conditional section is held by that section's `then`. */
function editOwner(schema: JsonSchema, path: FieldPath, edit: (c: JsonSchema) => JsonSchema): JsonSchema {
  if (path.length === 1) {
    const section = sectionIndexOf(schema, path[0]);
    if (section >= 0) return editSectionThen(schema, section, edit);
  }
  return editContainer(schema, path.slice(0, -1), edit);
}

// --------------------------------------------------------------------------- listing

export interface FieldInfo {
  key: string;
  path: FieldPath;
  id: string;
  title: string;
  kind: FieldKind;
  required: boolean;
  /** The reusable field it uses ("idCard"…), if any. */
  common: string | null;
  children: FieldInfo[];
}

function requiredOf(c: JsonSchema | undefined): string[] {
  return Array.isArray(c?.required) ? (c.required as string[]) : [];
}

export function listFields(schema: JsonSchema, parent: FieldPath = []): FieldInfo[] {
  const c = container(schema, parent);
  if (!c || !isSchema(c.properties)) return [];
  const required = requiredOf(c);
  return Object.entries(c.properties).flatMap(([key, value]) => {
    if (!isSchema(value)) return [];
    const path = [...parent, key];
    const kind = kindOf(value, schema);
    const resolved = dereference(value, schema);
    return [
      {
        key,
        path,
        id: pathId(path),
        title: typeof resolved.title === "string" ? resolved.title : key,
        kind,
        required: required.includes(key),
        common: commonName(value.$ref),
        children: kind === "group" || kind === "table" ? listFields(schema, path) : [],
      },
    ];
  });
}

// --------------------------------------------------------------------------- add / remove / move

export const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export function keyProblem(schema: JsonSchema, parent: FieldPath, key: string, current?: string): string | null {
  if (!KEY_PATTERN.test(key)) return "字段名须以英文字母开头，只含英文字母、数字和下划线（至多64个字符）";
  if (key !== current && takenKeys(schema, parent).has(key)) return `本层已有字段名 ${key}`;
  return null;
}

/** The keys in use at `parent`; at the top level those of the form and of every conditional
 * section (the data is one flat object, so a section field's key must be unique there too). */
function takenKeys(schema: JsonSchema, parent: FieldPath): Set<string> {
  const props = container(schema, parent)?.properties;
  const keys = new Set(isSchema(props) ? Object.keys(props) : []);
  if (parent.length === 0) for (const s of listSections(schema)) for (const k of s.fields) keys.add(k);
  return keys;
}

function freeKey(schema: JsonSchema, parent: FieldPath, base: string): string {
  const taken = takenKeys(schema, parent);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

const KIND_KEYS: Record<FieldKind, string> = {
  text: "text",
  textarea: "remarks",
  number: "number",
  money: "amount",
  date: "date",
  single: "choice",
  multi: "choices",
  boolean: "flag",
  table: "rows",
  group: "group",
};

/** Adds a field at the end of `parent` (a group or table path, [] for the form). */
export function addField(
  schema: JsonSchema,
  parent: FieldPath,
  what: { kind: FieldKind } | { common: string },
): { schema: JsonSchema; path: FieldPath } {
  const base = "kind" in what ? KIND_KEYS[what.kind] : what.common;
  const key = freeKey(schema, parent, base);
  const field = "kind" in what ? newFieldSchema(what.kind) : commonFieldSchema(what.common);
  const next = editContainer(withObjectRoot(schema), parent, (c) =>
    replaceProperties(c, [...Object.entries(isSchema(c.properties) ? c.properties : {}), [key, field]]),
  );
  return { schema: next, path: [...parent, key] };
}

function withObjectRoot(schema: JsonSchema): JsonSchema {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    ...schema,
    properties: isSchema(schema.properties) ? schema.properties : {},
  };
}

/** Removes a field, with its mentions in `required` and in the root's conditions. */
export function removeField(schema: JsonSchema, path: FieldPath): JsonSchema {
  const parent = path.slice(0, -1);
  const key = path[path.length - 1];
  let next = editOwner(schema, path, (c) => {
    const entries = Object.entries(isSchema(c.properties) ? c.properties : {}).filter(([k]) => k !== key);
    const out = replaceProperties(c, entries);
    return setRequiredList(out, requiredOf(c).filter((k) => k !== key));
  });
  if (parent.length === 0) {
    next = setConditions(
      next,
      listConditions(next)
        .filter((c) => c.field !== key)
        .map((c) => ({ ...c, required: c.required.filter((k) => k !== key) }))
        .filter((c) => c.required.length > 0),
    );
  }
  return next;
}

/** Moves the field at `path` to position `toIndex` among its siblings. */
export function moveField(schema: JsonSchema, path: FieldPath, toIndex: number): JsonSchema {
  const key = path[path.length - 1];
  return editOwner(schema, path, (c) => {
    const entries = Object.entries(isSchema(c.properties) ? c.properties : {});
    const from = entries.findIndex(([k]) => k === key);
    if (from < 0) return c;
    const [moved] = entries.splice(from, 1);
    entries.splice(Math.max(0, Math.min(toIndex, entries.length)), 0, moved);
    return replaceProperties(c, entries);
  });
}

/** Renames a field's key, keeping its place, its `required` entry and root conditions. */
export function renameField(schema: JsonSchema, path: FieldPath, newKey: string): JsonSchema {
  const parent = path.slice(0, -1);
  const key = path[path.length - 1];
  if (key === newKey) return schema;
  let next = editOwner(schema, path, (c) => {
    const entries = Object.entries(isSchema(c.properties) ? c.properties : {}).map(
      ([k, v]): [string, unknown] => [k === key ? newKey : k, v],
    );
    return setRequiredList(replaceProperties(c, entries), requiredOf(c).map((k) => (k === key ? newKey : k)));
  });
  if (parent.length === 0) {
    next = setConditions(
      next,
      listConditions(next).map((c) => ({
        ...c,
        field: c.field === key ? newKey : c.field,
        required: c.required.map((k) => (k === key ? newKey : k)),
      })),
    );
    listSections(next).forEach((s, index) => {
      if (s.field === key) next = updateSection(next, index, { field: newKey });
    });
  }
  return next;
}

// --------------------------------------------------------------------------- properties

function setRequiredList(c: JsonSchema, required: string[]): JsonSchema {
  const { required: _old, ...rest } = c;
  void _old;
  return required.length > 0 ? { ...rest, required } : rest;
}

export function setRequired(schema: JsonSchema, path: FieldPath, required: boolean): JsonSchema {
  const key = path[path.length - 1];
  return editOwner(schema, path, (c) => {
    const list = requiredOf(c).filter((k) => k !== key);
    if (required) {
      // keep `required` in display order
      const order = Object.keys(isSchema(c.properties) ? c.properties : {});
      list.push(key);
      list.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    }
    return setRequiredList(c, list);
  });
}

/** Sets (or, with undefined / "", deletes) keywords of one field. */
export function updateField(schema: JsonSchema, path: FieldPath, patch: Record<string, unknown>): JsonSchema {
  const key = path[path.length - 1];
  return editOwner(schema, path, (c) => {
    const props = isSchema(c.properties) ? c.properties : {};
    const field = props[key];
    if (!isSchema(field)) return c;
    const next: JsonSchema = { ...field };
    for (const [keyword, value] of Object.entries(patch)) {
      if (value === undefined || value === "" || (typeof value === "number" && Number.isNaN(value))) delete next[keyword];
      else next[keyword] = value;
    }
    if (next.pattern === undefined) delete next["x-message"];
    return { ...c, properties: { ...props, [key]: next } };
  });
}

/** The coded options of a single or multiple choice field (oneOf const/title; a legacy
 * `enum` reads as options whose title is the value). */
export function optionsOf(field: JsonSchema): CodedOption[] {
  const holder = field.type === "array" && isSchema(field.items) ? field.items : field;
  if (Array.isArray(holder.oneOf)) {
    return holder.oneOf.filter(isSchema).map((o) => ({
      value: String(o.const ?? ""),
      title: typeof o.title === "string" ? o.title : String(o.const ?? ""),
    }));
  }
  if (Array.isArray(holder.enum)) return holder.enum.map((v) => ({ value: String(v), title: String(v) }));
  return [];
}

export function optionsProblem(options: CodedOption[]): string | null {
  if (options.length === 0) return "至少需要一个选项";
  const values = options.map((o) => o.value.trim());
  if (values.some((v) => !v)) return "每个选项都要有代码";
  if (options.some((o) => !o.title.trim())) return "每个选项都要有名称";
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  return dup ? `选项代码 ${dup} 重复` : null;
}

export function setOptions(schema: JsonSchema, path: FieldPath, options: CodedOption[]): JsonSchema {
  const field = fieldAt(schema, path);
  if (!field) return schema;
  const coded = { type: "string", oneOf: optionsSchema(options) };
  if (field.type === "array") {
    const items = isSchema(field.items) ? field.items : {};
    const { enum: _e, ...rest } = items;
    void _e;
    return updateField(schema, path, { items: { ...rest, ...coded } });
  }
  return updateField(schema, path, { ...coded, enum: undefined });
}

/** A pattern rewritten so Python `re` and JavaScript agree (frontend.md §8 trap 7): `\d`
 * becomes `[0-9]`; returns a problem for what cannot be rewritten or does not compile. */
export function normalizePattern(pattern: string): { pattern: string; problem: string | null } {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i];
    if (ch === "\\" && i + 1 < pattern.length) {
      const next = pattern[i + 1];
      i += 1;
      if (next === "d") out += inClass ? "0-9" : "[0-9]";
      else if (next === "D" && !inClass) out += "[^0-9]";
      else if (next === "D" || next === "w" || next === "W") {
        return { pattern, problem: `请不要使用 \\${next}（浏览器与服务器含义不同），请写出字符范围，如 [A-Za-z0-9_]` };
      } else out += ch + next;
      continue;
    }
    if (ch === "[" && !inClass) inClass = true;
    else if (ch === "]" && inClass) inClass = false;
    out += ch;
  }
  try {
    new RegExp(out, "u");
  } catch {
    return { pattern: out, problem: "正则表达式无效" };
  }
  return { pattern: out, problem: null };
}

// --------------------------------------------------------------------------- conditions

/** "When field X equals V, fields … are required" — one root `allOf` entry
 * `{if: {properties: {X: {const: V}}, required: [X]}, then: {required: [...]}}`. */
export interface Condition {
  field: string;
  equals: string | number | boolean;
  required: string[];
}

function conditionOf(entry: unknown): Condition | null {
  if (!isSchema(entry) || !isSchema(entry.if) || !isSchema(entry.then)) return null;
  if (Object.keys(entry).some((k) => k !== "if" && k !== "then")) return null;
  const props = entry.if.properties;
  if (!isSchema(props)) return null;
  const keys = Object.keys(props);
  if (keys.length !== 1) return null;
  const test = props[keys[0]];
  if (!isSchema(test) || !("const" in test)) return null;
  const required = entry.then.required;
  if (!Array.isArray(required) || Object.keys(entry.then).length !== 1) return null;
  const equals = test.const;
  if (typeof equals !== "string" && typeof equals !== "number" && typeof equals !== "boolean") return null;
  return { field: keys[0], equals, required: required.map(String) };
}

export function listConditions(schema: JsonSchema): Condition[] {
  const all = Array.isArray(schema.allOf) ? schema.allOf : [];
  return all.map(conditionOf).filter((c): c is Condition => c !== null);
}

function conditionSchema(c: Condition): JsonSchema {
  return { if: { properties: { [c.field]: { const: c.equals } }, required: [c.field] }, then: { required: c.required } };
}

/** Replaces the root's conditions. Other `allOf` entries (conditional sections…) are kept
 * where they are; the n-th condition is written where the n-th condition was, extra ones at
 * the end. Unchanged conditions leave the schema equal to the input. */
export function setConditions(schema: JsonSchema, conditions: Condition[]): JsonSchema {
  const all = Array.isArray(schema.allOf) ? schema.allOf : [];
  const queue = conditions.map(conditionSchema);
  const next: unknown[] = [];
  for (const entry of all) {
    if (conditionOf(entry) === null) next.push(entry);
    else if (queue.length > 0) next.push(queue.shift());
  }
  next.push(...queue);
  return withAllOf(schema, next);
}

function withAllOf(schema: JsonSchema, allOf: unknown[]): JsonSchema {
  const { allOf: _old, ...rest } = schema;
  void _old;
  return allOf.length > 0 ? { ...rest, allOf } : rest;
}

// --------------------------------------------------------------------------- conditional sections

/** The keyword naming a conditional section (an annotation: Python jsonschema and Ajv ignore
 * it; rjsf merges it into the rendered root, where it has no effect). */
export const SECTION_NAME_KEY = "x-section";

/** "When field X equals V, show (and validate) the section's fields" — one root `allOf` entry
 *
 *     { "if":   { "properties": { X: { "const": V } }, "required": [X] },
 *       "then": { "x-section": "<name>", "properties": { <fields…> }, "required": [<some of them>] } }
 *
 * The section's fields live only in `then.properties` (never in the root's `properties`);
 * `required` is left out when empty. `required: [X]` in the `if` makes the condition false
 * while X is unanswered (otherwise an empty form would match every `const`). rjsf merges
 * `then` into the rendered form when the condition holds, so the fields appear, after the
 * form's own fields, and Ajv / Python jsonschema validate them only then. The data stays one
 * flat object, so a section field's key is unique among the form's top-level keys. */
export interface Section {
  name: string;
  field: string;
  equals: string | number | boolean;
  /** The section's field keys, in display order. */
  fields: string[];
  required: string[];
}

const SECTION_THEN_KEYS = new Set([SECTION_NAME_KEY, "properties", "required"]);

function sectionOf(entry: unknown): Section | null {
  if (!isSchema(entry) || !isSchema(entry.if) || !isSchema(entry.then)) return null;
  if (Object.keys(entry).some((k) => k !== "if" && k !== "then")) return null;
  const then = entry.then;
  if (!isSchema(then.properties) || Object.keys(then).some((k) => !SECTION_THEN_KEYS.has(k))) return null;
  if (then.required !== undefined && !Array.isArray(then.required)) return null;
  if (then[SECTION_NAME_KEY] !== undefined && typeof then[SECTION_NAME_KEY] !== "string") return null;
  const test = testOf(entry.if);
  if (!test) return null;
  return {
    name: typeof then[SECTION_NAME_KEY] === "string" ? then[SECTION_NAME_KEY] : "",
    field: test.field,
    equals: test.equals,
    fields: Object.keys(then.properties),
    required: requiredOf(then),
  };
}

/** The `{properties: {X: {const: V}}, required: [X]}` test of a condition or a section. */
function testOf(test: JsonSchema): { field: string; equals: string | number | boolean } | null {
  if (Object.keys(test).some((k) => k !== "properties" && k !== "required")) return null;
  const props = test.properties;
  if (!isSchema(props)) return null;
  const keys = Object.keys(props);
  if (keys.length !== 1) return null;
  const constant = props[keys[0]];
  if (!isSchema(constant) || Object.keys(constant).length !== 1 || !("const" in constant)) return null;
  const equals = constant.const;
  if (typeof equals !== "string" && typeof equals !== "number" && typeof equals !== "boolean") return null;
  if (!Array.isArray(test.required) || test.required.length !== 1 || test.required[0] !== keys[0]) return null;
  return { field: keys[0], equals };
}

/** Positions in the root `allOf` of the conditional sections, in order. */
function sectionPositions(schema: JsonSchema): number[] {
  const all = Array.isArray(schema.allOf) ? schema.allOf : [];
  return all.flatMap((entry, i) => (sectionOf(entry) ? [i] : []));
}

export function listSections(schema: JsonSchema): Section[] {
  const all = Array.isArray(schema.allOf) ? schema.allOf : [];
  return all.map(sectionOf).filter((s): s is Section => s !== null);
}

/** The index of the section holding top-level field `key` (-1: none, or the form holds it). */
function sectionIndexOf(schema: JsonSchema, key: string): number {
  if (isSchema(schema.properties) && key in schema.properties) return -1;
  return listSections(schema).findIndex((s) => s.fields.includes(key));
}

/** The object whose `properties` hold top-level field `key`: the form, or a section's `then`. */
function holderOf(schema: JsonSchema, key: string): JsonSchema {
  const index = sectionIndexOf(schema, key);
  if (index < 0) return schema;
  const entry = (schema.allOf as JsonSchema[])[sectionPositions(schema)[index]];
  return entry.then as JsonSchema;
}

function editSection(schema: JsonSchema, index: number, edit: (entry: JsonSchema) => JsonSchema): JsonSchema {
  const position = sectionPositions(schema)[index];
  if (position === undefined) return schema;
  const all = schema.allOf as unknown[];
  return { ...schema, allOf: all.map((entry, i) => (i === position ? edit(entry as JsonSchema) : entry)) };
}

function editSectionThen(schema: JsonSchema, index: number, edit: (then: JsonSchema) => JsonSchema): JsonSchema {
  return editSection(schema, index, (entry) => ({ ...entry, then: edit(entry.then as JsonSchema) }));
}

function sectionTest(field: string, equals: string | number | boolean): JsonSchema {
  return { properties: { [field]: { const: equals } }, required: [field] };
}

/** Adds an empty section at the end of the root `allOf`; returns it with its index. */
export function addSection(
  schema: JsonSchema,
  section: { name: string; field: string; equals: string | number | boolean },
): { schema: JsonSchema; index: number } {
  const all = Array.isArray(schema.allOf) ? schema.allOf : [];
  const entry = { if: sectionTest(section.field, section.equals), then: { [SECTION_NAME_KEY]: section.name, properties: {} } };
  return { schema: withAllOf(schema, [...all, entry]), index: listSections(schema).length };
}

/** Changes a section's name or condition (its fields are edited with the field operations,
 * by their top-level path [key]). */
export function updateSection(
  schema: JsonSchema,
  index: number,
  patch: Partial<Pick<Section, "name" | "field" | "equals">>,
): JsonSchema {
  const current = listSections(schema)[index];
  if (!current) return schema;
  const field = patch.field ?? current.field;
  const equals = patch.equals ?? current.equals;
  return editSection(schema, index, (entry) => {
    const then = entry.then as JsonSchema;
    const nextThen = patch.name === undefined ? then : { ...then, [SECTION_NAME_KEY]: patch.name };
    const sameTest = field === current.field && equals === current.equals;
    return { ...entry, if: sameTest ? entry.if : sectionTest(field, equals), then: nextThen };
  });
}

/** Removes a section and its fields (and their mentions in the root's conditions). */
export function removeSection(schema: JsonSchema, index: number): JsonSchema {
  const section = listSections(schema)[index];
  const position = sectionPositions(schema)[index];
  if (!section || position === undefined) return schema;
  const next = withAllOf(schema, (schema.allOf as unknown[]).filter((_, i) => i !== position));
  const gone = new Set(section.fields);
  const conditions = listConditions(next);
  const kept = conditions
    .filter((c) => !gone.has(c.field))
    .map((c) => ({ ...c, required: c.required.filter((k) => !gone.has(k)) }))
    .filter((c) => c.required.length > 0);
  const changed = JSON.stringify(kept) !== JSON.stringify(conditions);
  return changed ? setConditions(next, kept) : next;
}

/** Adds a field of `kind` (or a reusable field) at the end of section `index`. */
export function addSectionField(
  schema: JsonSchema,
  index: number,
  what: { kind: FieldKind } | { common: string },
): { schema: JsonSchema; path: FieldPath } {
  if (!listSections(schema)[index]) return { schema, path: [] };
  const base = "kind" in what ? KIND_KEYS[what.kind] : what.common;
  const key = freeKey(schema, [], base);
  const field = "kind" in what ? newFieldSchema(what.kind) : commonFieldSchema(what.common);
  const next = editSectionThen(schema, index, (then) =>
    replaceProperties(then, [...Object.entries(isSchema(then.properties) ? then.properties : {}), [key, field]]),
  );
  return { schema: next, path: [key] };
}

/** The section's fields as rows (paths are [key], as for the form's own fields). */
export function listSectionFields(schema: JsonSchema, index: number): FieldInfo[] {
  const section = listSections(schema)[index];
  const position = sectionPositions(schema)[index];
  if (!section || position === undefined) return [];
  const then = (schema.allOf as JsonSchema[])[position].then as JsonSchema;
  const props = isSchema(then.properties) ? then.properties : {};
  return section.fields.flatMap((key) => {
    const value = props[key];
    if (!isSchema(value)) return [];
    const kind = kindOf(value, schema);
    const resolved = dereference(value, schema);
    return [
      {
        key,
        path: [key],
        id: key,
        title: typeof resolved.title === "string" ? resolved.title : key,
        kind,
        required: section.required.includes(key),
        common: commonName(value.$ref),
        children: kind === "group" || kind === "table" ? listFields(schema, [key]) : [],
      },
    ];
  });
}

/** The title of a top-level field, and of value `equals` among its coded options. */
function conditionLabels(schema: JsonSchema, field: string, equals: string | number | boolean): [string, string] {
  const raw = fieldAt(schema, [field]);
  if (!raw) return [field, String(equals)];
  const resolved = dereference(raw, schema);
  const title = typeof resolved.title === "string" ? resolved.title : field;
  if (typeof equals === "boolean") return [title, equals ? "是" : "否"];
  const option = optionsOf(resolved).find((o) => o.value === String(equals));
  return [title, option?.title ?? String(equals)];
}

/** "当『主体业态』为『餐饮服务经营者』时显示：就餐座位数、厨房面积". */
export function describeSection(schema: JsonSchema, section: Section): string {
  const [title, value] = conditionLabels(schema, section.field, section.equals);
  const fields = section.fields.map((key) => {
    const f = fieldAt(schema, [key]);
    const resolved = f ? dereference(f, schema) : {};
    return typeof resolved.title === "string" ? resolved.title : key;
  });
  return `当『${title}』为『${value}』时显示：${fields.length > 0 ? fields.join("、") : "（尚无字段）"}`;
}

// --------------------------------------------------------------------------- inheritance

/** Why a field cannot be changed (null: it can). Fields of the standard's form must stay
 * identical in an implementation (conformance FORM_FIELD_MISSING, FORM_FIELD_CHANGED). */
export function lockReason(path: FieldPath, inherited: JsonSchema | undefined): string | null {
  if (!inherited || !fieldAt(inherited, path)) return null;
  return "该字段来自上级标准的表单，实施清单不能删除、改名或修改其定义（规则 FORM_FIELD_MISSING / FORM_FIELD_CHANGED）";
}

/** Why a field's required switch cannot be changed (null: it can). */
export function requiredLockReason(path: FieldPath, inherited: JsonSchema | undefined): string | null {
  if (!inherited) return null;
  if (fieldAt(inherited, path)) {
    return "必填与否须与上级标准一致（规则 FORM_REQUIRED_DROPPED / FORM_REQUIRED_ADDED）";
  }
  return "本级新增的字段只能为选填（规则 FORM_REQUIRED_ADDED）";
}

/** Why fields cannot be added under `parent` (null: they can). A nested object of the
 * standard may gain optional fields; a table's columns (array items) may not. */
export function addLockReason(schema: JsonSchema, parent: FieldPath, inherited: JsonSchema | undefined): string | null {
  if (!inherited || parent.length === 0) return null;
  if (sectionIndexOf(schema, parent[0]) >= 0) return sectionLockReason(inherited);
  const field = fieldAt(inherited, parent);
  if (field && fieldAt(schema, parent)?.type === "array") {
    return "明细表来自上级标准，其列不能增减（规则 FORM_FIELD_CHANGED）";
  }
  return null;
}

/** Why the conditions cannot be changed (null: they can): FORM_CONSTRAINT_CHANGED. */
export function conditionLockReason(inherited: JsonSchema | undefined): string | null {
  return inherited ? "实施清单的表单条件须与上级标准相同（规则 FORM_CONSTRAINT_CHANGED）" : null;
}

/** Why the conditional sections (their condition, name and fields) cannot be changed (null:
 * they can). A section is a condition of the form: FORM_CONSTRAINT_CHANGED. */
export function sectionLockReason(inherited: JsonSchema | undefined): string | null {
  return inherited ? "实施清单的条件显示分区须与上级标准相同（规则 FORM_CONSTRAINT_CHANGED）" : null;
}
