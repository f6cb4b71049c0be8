/** Editing a matter document without disturbing what was not edited: keys keep their
 * place, new keys go where the meta-schema (form_schemas/matter.schema.json) lists them,
 * optional keys at their default are left out (the canonical form), and untouched parts
 * stay the very same objects — so an unchanged document serialises byte for byte. */
import type { MatterDocument } from "../lib/types";

export const MATTER_KEY_ORDER = [
  "kind",
  "code",
  "name",
  "matter_type",
  "legal_basis",
  "power_source",
  "service_objects",
  "conditions",
  "notify_and_commit",
  "time_limits",
  "procedure",
  "approval_chain",
  "escalation",
  "materials",
  "fees",
  "form",
  "department",
  "guide",
  "flow",
] as const;

export const MATERIAL_KEY_ORDER = ["code", "name", "required", "originals", "copies", "page_limit", "source", "waivable", "waived"] as const;
export const FEE_KEY_ORDER = ["code", "name", "amount_fen", "basis"] as const;
export const GUIDE_KEY_ORDER = ["address", "hours", "phone", "complaint_phone", "online_url"] as const;
export const LIMIT_KEY_ORDER = ["legal", "promised"] as const;

export const MATERIAL_DEFAULTS: Record<string, unknown> = { required: true, originals: 0, copies: 0, source: "applicant", waivable: false, waived: false };
const TOP_DEFAULTS: Record<string, unknown> = { notify_and_commit: false };

export type Days = number | "instant";

export interface Material {
  code: string;
  name: string;
  required?: boolean;
  originals?: number;
  copies?: number;
  page_limit?: number;
  source?: "applicant" | "government" | "intermediary" | "other";
  waivable?: boolean;
  waived?: boolean;
}

export interface Fee {
  code: string;
  name: string;
  amount_fen: number;
  basis?: string;
}

export type Guide = Partial<Record<(typeof GUIDE_KEY_ORDER)[number], string>>;

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** `object` with `key` set to `value` (removed when empty or equal to `defaults[key]`).
 * An existing key keeps its place; a new one is inserted where `order` lists it. */
export function withKey<T extends object>(
  object: T,
  key: string,
  value: unknown,
  order: readonly string[],
  defaults: Record<string, unknown> = {},
): T {
  const source = object as Record<string, unknown>;
  const remove = isEmpty(value) || (key in defaults && defaults[key] === value);
  if (remove) {
    if (!(key in source)) return object;
    const { [key]: _dropped, ...rest } = source;
    return rest as T;
  }
  if (key in source) {
    if (source[key] === value) return object;
    return { ...source, [key]: value } as T;
  }
  const rank = order.indexOf(key);
  const result: Record<string, unknown> = {};
  let placed = false;
  for (const [existing, existingValue] of Object.entries(source)) {
    const existingRank = order.indexOf(existing);
    if (!placed && rank >= 0 && existingRank > rank) {
      result[key] = value;
      placed = true;
    }
    result[existing] = existingValue;
  }
  if (!placed) result[key] = value;
  return result as T;
}

export function setTop(document: MatterDocument, key: string, value: unknown): MatterDocument {
  return withKey(document, key, value, MATTER_KEY_ORDER, TOP_DEFAULTS);
}

export function setMaterialField(material: Material, key: string, value: unknown): Material {
  return withKey(material, key, value, MATERIAL_KEY_ORDER, MATERIAL_DEFAULTS);
}

export function setFeeField(fee: Fee, key: string, value: unknown): Fee {
  return withKey(fee, key, value, FEE_KEY_ORDER);
}

export function materialsOf(document: MatterDocument): Material[] {
  return Array.isArray(document.materials) ? (document.materials as Material[]) : [];
}

export function feesOf(document: MatterDocument): Fee[] {
  return Array.isArray(document.fees) ? (document.fees as Fee[]) : [];
}

export function guideOf(document: MatterDocument): Guide {
  const guide = document.guide;
  return guide && typeof guide === "object" ? (guide as Guide) : {};
}

export function limitsOf(document: MatterDocument): { legal?: Days; promised?: Days } {
  const limits = document.time_limits;
  return limits && typeof limits === "object" ? (limits as { legal?: Days; promised?: Days }) : {};
}

/** The material with `code` replaced by `update(material)`; the others are the same objects. */
export function updateMaterial(document: MatterDocument, code: string, update: (m: Material) => Material): MatterDocument {
  const materials = materialsOf(document).map((m) => (m.code === code ? update(m) : m));
  return setTop(document, "materials", materials);
}

export function moveItem<T>(list: T[], from: number, to: number): T[] {
  if (from === to || from < 0 || to < 0 || from >= list.length || to >= list.length) return list;
  const result = [...list];
  const [item] = result.splice(from, 1);
  result.splice(to, 0, item);
  return result;
}

/** The next free code "M001", "M002"… (or "F001"… for fees) not yet used in `codes`. */
export function nextCode(prefix: string, codes: string[]): string {
  const used = new Set(codes);
  for (let n = 1; ; n += 1) {
    const code = `${prefix}${String(n).padStart(3, "0")}`;
    if (!used.has(code)) return code;
  }
}

export function setGuideField(document: MatterDocument, key: string, value: string): MatterDocument {
  const guide = withKey(guideOf(document), key, value, GUIDE_KEY_ORDER);
  return setTop(document, "guide", guide);
}

export function setLimit(document: MatterDocument, key: "legal" | "promised", value: Days | undefined): MatterDocument {
  return setTop(document, "time_limits", withKey(limitsOf(document), key, value, LIMIT_KEY_ORDER));
}

/** Working days of a limit: instant is 0; absent is undefined. */
export function daysValue(days: Days | undefined): number | undefined {
  if (days === undefined) return undefined;
  return days === "instant" ? 0 : days;
}

/** A new, empty standard with every required key (the admin fills them in). */
export function emptyStandard(code: string, name = ""): MatterDocument {
  return {
    kind: "standard",
    code,
    name,
    matter_type: "01",
    legal_basis: "",
    power_source: "1",
    service_objects: ["1"],
    time_limits: { legal: 20, promised: 20 },
    procedure: { steps: ["receive", "accept", "review", "decide", "conclude"], max_human_steps: 5 },
    approval_chain: "county",
    materials: [],
    form: { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: {} },
  } as MatterDocument;
}

/** The document as the server stores and compares it. */
export function serialise(document: MatterDocument): string {
  return JSON.stringify(document);
}
