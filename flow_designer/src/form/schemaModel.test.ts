import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../lib/types";
import {
  addField,
  addLockReason,
  conditionLockReason,
  fieldAt,
  listConditions,
  listFields,
  lockReason,
  moveField,
  normalizePattern,
  optionsOf,
  removeField,
  renameField,
  requiredLockReason,
  setConditions,
  setOptions,
  setRequired,
  updateField,
} from "./schemaModel";

const empty: JsonSchema = { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: {} };

function build(): JsonSchema {
  let s = addField(empty, [], { common: "uscc" }).schema;
  s = addField(s, [], { kind: "text" }).schema;
  s = addField(s, [], { kind: "single" }).schema;
  s = addField(s, [], { kind: "table" }).schema;
  return s;
}

describe("schemaModel", () => {
  it("adds fields of each kind with unique keys, reusable fields as $ref with a title", () => {
    let s = build();
    s = addField(s, [], { kind: "text" }).schema;
    expect(Object.keys(s.properties as object)).toEqual(["uscc", "text", "choice", "rows", "text2"]);
    expect(fieldAt(s, ["uscc"])).toEqual({ title: "统一社会信用代码", $ref: "urn:tongban:common#/$defs/uscc" });
    expect(listFields(s).map((f) => [f.id, f.kind])).toEqual([
      ["uscc", "text"],
      ["text", "text"],
      ["choice", "single"],
      ["rows", "table"],
      ["text2", "text"],
    ]);
    expect(listFields(s)[3].children.map((f) => f.id)).toEqual(["rows.item"]);
  });

  it("adds a column to a table and a field to a group by path", () => {
    let s = build();
    s = addField(s, ["rows"], { kind: "number" }).schema;
    expect(listFields(s)[3].children.map((f) => f.id)).toEqual(["rows.item", "rows.number"]);
    const g = addField(s, [], { kind: "group" });
    s = addField(g.schema, g.path, { common: "mobile" }).schema;
    expect(fieldAt(s, ["group", "mobile"])?.$ref).toBe("urn:tongban:common#/$defs/mobile");
  });

  it("reorders by key order and keeps required in display order", () => {
    let s = build();
    s = setRequired(s, ["choice"], true);
    s = setRequired(s, ["uscc"], true);
    expect(s.required).toEqual(["uscc", "choice"]);
    s = moveField(s, ["rows"], 0);
    expect(Object.keys(s.properties as object)).toEqual(["rows", "uscc", "text", "choice"]);
    s = setRequired(s, ["uscc"], false);
    expect(s.required).toEqual(["choice"]);
  });

  it("renames and removes fields together with required and conditions", () => {
    let s = setRequired(build(), ["text"], true);
    s = setConditions(s, [{ field: "choice", equals: "2", required: ["text", "uscc"] }]);
    s = renameField(s, ["text"], "reason");
    expect(Object.keys(s.properties as object)).toEqual(["uscc", "reason", "choice", "rows"]);
    expect(s.required).toEqual(["reason"]);
    expect(listConditions(s)).toEqual([{ field: "choice", equals: "2", required: ["reason", "uscc"] }]);
    s = removeField(s, ["reason"]);
    expect(s.required).toBeUndefined();
    expect(listConditions(s)).toEqual([{ field: "choice", equals: "2", required: ["uscc"] }]);
    s = removeField(s, ["choice"]);
    expect(s.allOf).toBeUndefined();
  });

  it("writes conditions as allOf if/then with const, keeping other allOf entries", () => {
    const other = { required: ["uscc"] };
    const s = setConditions({ ...build(), allOf: [other] }, [{ field: "choice", equals: "1", required: ["text"] }]);
    expect(s.allOf).toEqual([
      other,
      { if: { properties: { choice: { const: "1" } }, required: ["choice"] }, then: { required: ["text"] } },
    ]);
  });

  it("writes coded options as oneOf const/title and reads legacy enum", () => {
    let s = setOptions(build(), ["choice"], [{ value: "A", title: "甲" }]);
    expect(fieldAt(s, ["choice"])?.oneOf).toEqual([{ const: "A", title: "甲" }]);
    s = addField(s, [], { kind: "multi" }).schema;
    s = setOptions(s, ["choices"], [{ value: "x", title: "某" }]);
    expect(fieldAt(s, ["choices"])?.items).toEqual({ type: "string", oneOf: [{ const: "x", title: "某" }] });
    expect(optionsOf({ type: "string", enum: ["单体药店"] })).toEqual([{ value: "单体药店", title: "单体药店" }]);
  });

  it("sets and deletes keywords; dropping a pattern drops its message", () => {
    let s = updateField(build(), ["text"], { pattern: "^[0-9]{6}$", "x-message": "应为6位数字", minLength: 6 });
    expect(fieldAt(s, ["text"])).toMatchObject({ pattern: "^[0-9]{6}$", "x-message": "应为6位数字", minLength: 6 });
    s = updateField(s, ["text"], { pattern: undefined, minLength: "" });
    expect(fieldAt(s, ["text"])).toEqual({ title: "单行文本", type: "string", maxLength: 200 });
  });

  it("never writes \\d and refuses what JS and Python read differently", () => {
    expect(normalizePattern("^\\d{6}$")).toEqual({ pattern: "^[0-9]{6}$", problem: null });
    expect(normalizePattern("^[\\dX]+$").pattern).toBe("^[0-9X]+$");
    expect(normalizePattern("^\\D$").pattern).toBe("^[^0-9]$");
    expect(normalizePattern("^\\w+$").problem).toContain("\\w");
    expect(normalizePattern("^(ab$").problem).toBe("正则表达式无效");
  });

  it("locks the standard's fields and keeps local additions optional", () => {
    const standard = setRequired(build(), ["uscc"], true);
    const impl = addField(standard, [], { kind: "text" }).schema;
    expect(lockReason(["uscc"], standard)).toContain("上级标准");
    expect(lockReason(["rows", "item"], standard)).toContain("上级标准");
    expect(lockReason(["text2"], standard)).toBeNull();
    expect(requiredLockReason(["text2"], standard)).toContain("只能为选填");
    expect(requiredLockReason(["uscc"], standard)).toContain("一致");
    expect(addLockReason(impl, ["rows"], standard)).toContain("明细表");
    expect(conditionLockReason(standard)).not.toBeNull();
    expect(lockReason(["uscc"], undefined)).toBeNull();
    expect(requiredLockReason(["uscc"], undefined)).toBeNull();
  });
});
