/** The reusable fields of form_schemas/common.json ("urn:tongban:common"), as palette
 * entries, and the resolution of `urn:tongban:common#/$defs/…` references for the browser.
 *
 * rjsf resolves only local references (`#/…`), so `inlineCommonRefs` copies each referenced
 * common definition into the form's own `$defs` (under `COMMON_DEF_PREFIX` + name) and points
 * the reference there. The copy is identical to the shared definition, so Ajv validates the
 * inlined form exactly as the server validates the original. */
import common from "../../../form_schemas/common.json";
import type { JsonSchema } from "../lib/types";

export const COMMON_ID = "urn:tongban:common";
export const COMMON_REF_PREFIX = `${COMMON_ID}#/$defs/`;
export const COMMON_DEF_PREFIX = "tongban-common-";

export const COMMON_SCHEMA = common as JsonSchema;
const COMMON_DEFS = (common as { $defs: Record<string, JsonSchema> }).$defs;

export interface CommonField {
  /** The `$defs` name in common.json, e.g. "idCard". */
  name: string;
  /** The Chinese label shown in the palette (the definition's title). */
  label: string;
  description: string;
  /** The property key suggested when the field is added. */
  suggestedKey: string;
  schema: JsonSchema;
}

export const COMMON_FIELDS: CommonField[] = Object.entries(COMMON_DEFS).map(([name, def]) => ({
  name,
  label: typeof def.title === "string" ? def.title : name,
  description: typeof def.description === "string" ? def.description : "",
  suggestedKey: name,
  schema: def,
}));

export function commonRef(name: string): string {
  return COMMON_REF_PREFIX + name;
}

/** The common definition name a `$ref` points at, or null for any other reference. */
export function commonName(ref: unknown): string | null {
  if (typeof ref !== "string" || !ref.startsWith(COMMON_REF_PREFIX)) return null;
  const name = ref.slice(COMMON_REF_PREFIX.length);
  return name in COMMON_DEFS ? name : null;
}

export function commonDefinition(name: string): JsonSchema | undefined {
  return COMMON_DEFS[name];
}

function decodePointerToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** The schema a reference points at: a common definition or a `#/…` pointer into `root`. */
export function resolveRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  const name = commonName(ref);
  if (name) return COMMON_DEFS[name];
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const token of ref.slice(1).split("/").filter(Boolean).map(decodePointerToken)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node !== null && typeof node === "object" ? (node as JsonSchema) : undefined;
}

/** A field's schema with its `$ref` followed (siblings such as `title` win, as in 2020-12
 * where they both apply and the local annotation is the one shown). */
export function dereference(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; depth < 8 && typeof current.$ref === "string"; depth += 1) {
    const target = resolveRef(current.$ref, root);
    if (!target) return current;
    const { $ref: _ref, ...siblings } = current;
    void _ref;
    current = { ...target, ...siblings };
  }
  return current;
}

function rewrite(node: unknown, used: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => rewrite(item, used));
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const name = key === "$ref" ? commonName(value) : null;
    if (name) {
      used.add(name);
      out[key] = `#/$defs/${COMMON_DEF_PREFIX}${name}`;
    } else {
      out[key] = key === "const" || key === "default" || key === "enum" ? value : rewrite(value, used);
    }
  }
  return out;
}

/** A self-contained copy of `form` for rjsf and Ajv (see the module comment). */
export function inlineCommonRefs(form: JsonSchema): JsonSchema {
  const used = new Set<string>();
  const out = rewrite(form, used) as JsonSchema;
  if (used.size === 0) return out;
  const defs: Record<string, unknown> = { ...((out.$defs as Record<string, unknown>) ?? {}) };
  for (const name of used) defs[COMMON_DEF_PREFIX + name] = COMMON_DEFS[name];
  return { ...out, $defs: defs };
}
