import { ConfigProvider } from "antd";
import zhCN from "antd/locale/zh_CN";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import example from "../../../tests/data/form_section_example.json";
import type { JsonSchema } from "../lib/types";
import { inlineCommonRefs } from "./commonFields";
import { FormDesigner } from "./FormDesigner";
import { FormPreview } from "./FormPreview";
import {
  addField,
  addLockReason,
  addSection,
  addSectionField,
  describeSection,
  fieldAt,
  keyProblem,
  listConditions,
  listFields,
  listSectionFields,
  listSections,
  moveField,
  removeField,
  removeSection,
  renameField,
  sectionLockReason,
  setConditions,
  setRequired,
  updateField,
  updateSection,
} from "./schemaModel";
import { buildUiSchema } from "./uiSchema";
import { makeTransformErrors, validator } from "./validation";

const EXAMPLE = example.schema as JsonSchema;

/** The example's form without its allOf: where a designer user starts. */
function base(): JsonSchema {
  const { allOf: _a, ...rest } = structuredClone(EXAMPLE);
  void _a;
  return rest;
}

/** The example built with the designer's operations, step by step. */
function buildExample(): JsonSchema {
  let s = addSection(base(), { name: "分区 1", field: "businessType", equals: "sales" }).schema;
  s = updateSection(s, 0, { name: "餐饮服务信息", equals: "catering" });
  s = addSectionField(s, 0, { kind: "number" }).schema;
  s = renameField(s, ["number"], "seats");
  s = updateField(s, ["seats"], { title: "就餐座位数", type: "integer", minimum: 0 });
  s = addSectionField(s, 0, { kind: "number" }).schema;
  s = renameField(s, ["number"], "kitchenArea");
  s = updateField(s, ["kitchenArea"], { title: "厨房面积（平方米）", minimum: 0 });
  s = setRequired(s, ["kitchenArea"], true);
  s = setRequired(s, ["seats"], true);
  return setConditions(s, [{ field: "businessType", equals: "canteen", required: ["remarks"] }]);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function validate(schema: JsonSchema, data: Record<string, unknown>) {
  const rendered = inlineCommonRefs(schema);
  const raw = validator.validateFormData(data, rendered).errors;
  const { errors } = validator.validateFormData(data, rendered, undefined, makeTransformErrors(rendered, () => data));
  return { raw, errors };
}

const html = (node: ReactElement) => renderToStaticMarkup(<ConfigProvider locale={zhCN}>{node}</ConfigProvider>);

describe("conditional sections: schema operations", () => {
  it("build exactly the documented shape (tests/data/form_section_example.json)", () => {
    const built = buildExample();
    expect(built).toEqual(EXAMPLE);
    expect(JSON.stringify(built)).toBe(JSON.stringify(EXAMPLE)); // key order too
    expect(built.properties).not.toHaveProperty("seats");
  });

  it("list sections, their fields and a Chinese summary", () => {
    expect(listSections(EXAMPLE)).toEqual([
      { name: "餐饮服务信息", field: "businessType", equals: "catering", fields: ["seats", "kitchenArea"], required: ["seats", "kitchenArea"] },
    ]);
    expect(listConditions(EXAMPLE)).toEqual([{ field: "businessType", equals: "canteen", required: ["remarks"] }]);
    expect(listFields(EXAMPLE).map((f) => f.key)).toEqual(["companyName", "businessType", "remarks"]);
    expect(listSectionFields(EXAMPLE, 0).map((f) => [f.id, f.title, f.kind, f.required])).toEqual([
      ["seats", "就餐座位数", "number", true],
      ["kitchenArea", "厨房面积（平方米）", "number", true],
    ]);
    expect(describeSection(EXAMPLE, listSections(EXAMPLE)[0])).toBe("当『主体业态』为『餐饮服务经营者』时显示：就餐座位数、厨房面积（平方米）");
    const flag = addField(base(), [], { kind: "boolean" });
    const withFlag = addSection(updateField(flag.schema, flag.path, { title: "是否连锁" }), { name: "连锁", field: "flag", equals: true }).schema;
    expect(describeSection(withFlag, listSections(withFlag)[0])).toBe("当『是否连锁』为『是』时显示：（尚无字段）");
  });

  it("edit section fields by their top-level path, keeping keys unique across form and sections", () => {
    let s = structuredClone(EXAMPLE);
    expect(fieldAt(s, ["seats"])).toEqual({ title: "就餐座位数", type: "integer", minimum: 0 });
    expect(keyProblem(s, [], "seats")).toContain("已有");
    expect(keyProblem(s, [], "companyName", "seats")).toContain("已有");
    expect(addField(s, [], { kind: "number" }).path).toEqual(["number"]);
    expect(addSectionField(s, 0, { kind: "text" }).path).toEqual(["text"]);
    s = addField(s, [], { kind: "text" }).schema;
    expect(addSectionField(s, 0, { kind: "text" }).path).toEqual(["text2"]);
    s = moveField(s, ["kitchenArea"], 0);
    expect(listSections(s)[0].fields).toEqual(["kitchenArea", "seats"]);
    expect(listSections(s)[0].required).toEqual(["seats", "kitchenArea"]);
    s = setRequired(s, ["seats"], false);
    expect(listSections(s)[0].required).toEqual(["kitchenArea"]);
    s = renameField(s, ["kitchenArea"], "area");
    expect(listSections(s)[0]).toMatchObject({ fields: ["area", "seats"], required: ["area"] });
    s = removeField(s, ["area"]);
    expect(listSections(s)[0]).toMatchObject({ fields: ["seats"], required: [] });
    expect(fieldAt(s, ["seats"])).toBeDefined();
    expect(Object.keys(s.properties as object)).toEqual(["companyName", "businessType", "remarks", "text"]);
    // a group inside a section gains children through the ordinary path operations
    const g = addSectionField(s, 0, { kind: "group" });
    s = addField(g.schema, g.path, { common: "mobile" }).schema;
    expect(fieldAt(s, ["group", "mobile"])?.$ref).toBe("urn:tongban:common#/$defs/mobile");
    expect(listSectionFields(s, 0)[1].children.map((f) => f.id)).toEqual(["group.mobile"]);
  });

  it("rename the condition field everywhere; removing it keeps the section; remove a section", () => {
    let s = renameField(structuredClone(EXAMPLE), ["businessType"], "kind");
    expect(listSections(s)[0].field).toBe("kind");
    expect(listConditions(s)[0].field).toBe("kind");
    s = removeField(s, ["kind"]);
    expect(listSections(s)).toHaveLength(1);
    expect(listConditions(s)).toEqual([]);
    s = removeSection(structuredClone(EXAMPLE), 0);
    expect(s.allOf).toEqual([EXAMPLE.allOf && (EXAMPLE.allOf as unknown[])[1]]);
    expect(fieldAt(s, ["seats"])).toBeUndefined();
    expect(removeSection(s, 0)).toBe(s);
  });

  it("drops root conditions that mention a removed section's fields", () => {
    let s = setConditions(structuredClone(EXAMPLE), [
      { field: "businessType", equals: "canteen", required: ["remarks"] },
      { field: "businessType", equals: "catering", required: ["seats"] },
    ]);
    s = removeSection(s, 0);
    expect(listConditions(s)).toEqual([{ field: "businessType", equals: "canteen", required: ["remarks"] }]);
  });

  it("do not mistake a 'required when' condition for a section, nor the reverse", () => {
    const s = setConditions(structuredClone(EXAMPLE), []);
    expect(listSections(s)).toHaveLength(1);
    expect(listConditions(s)).toEqual([]);
    expect(listSections({ allOf: [{ if: { properties: { a: { const: 1 } }, required: ["a"] }, then: { required: ["b"] } }] })).toEqual([]);
  });

  it("lock sections in an implementation", () => {
    expect(sectionLockReason(EXAMPLE)).toContain("FORM_CONSTRAINT_CHANGED");
    expect(sectionLockReason(undefined)).toBeNull();
    const g = addSectionField(structuredClone(EXAMPLE), 0, { kind: "group" });
    expect(addLockReason(g.schema, g.path, g.schema)).toContain("FORM_CONSTRAINT_CHANGED");
  });

  it("leave an untouched schema byte for byte unchanged", () => {
    const frozen = deepFreeze(structuredClone(EXAMPLE));
    const before = JSON.stringify(frozen);
    for (const next of [
      setConditions(frozen, listConditions(frozen)),
      updateSection(frozen, 0, {}),
      updateSection(frozen, 0, listSections(frozen)[0]),
      moveField(frozen, ["seats"], 0),
      renameField(frozen, ["seats"], "seats"),
      setRequired(frozen, ["seats"], true),
    ]) {
      expect(JSON.stringify(next)).toBe(before);
    }
    // listing and rendering the designer never change it
    listSections(frozen);
    listSectionFields(frozen, 0);
    html(<FormDesigner schema={frozen} onChange={() => undefined} problems={[]} />);
    expect(JSON.stringify(frozen)).toBe(before);
  });
});

describe("conditional sections: validation in the browser", () => {
  it.each(example.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const { errors } = validate(EXAMPLE, c.data);
    expect(errors.length === 0, JSON.stringify(errors.map((e) => e.stack))).toBe(c.valid);
    if ("missing" in c && c.missing) {
      expect(errors.filter((e) => e.name === "required").map((e) => e.property?.replace(/^\./, "")).sort()).toEqual(
        [...c.missing].sort(),
      );
    }
  });

  it("names section fields by title and filters the if noise", () => {
    const { raw, errors } = validate(EXAMPLE, { companyName: "乙饭店", businessType: "catering", seats: 40 });
    expect(raw.some((e) => e.name === "if")).toBe(true);
    expect(errors.map((e) => e.stack)).toEqual(["厨房面积（平方米）：为必填项"]);
    expect(validate(EXAMPLE, { companyName: "乙饭店", businessType: "catering", seats: -1, kitchenArea: 1 }).errors.map((e) => e.stack)).toEqual([
      "就餐座位数：应当为 >= 0",
    ]);
  });
});

describe("conditional sections: designer and preview", () => {
  it("lists sections with their condition in Chinese and stable test ids", () => {
    const out = html(<FormDesigner schema={EXAMPLE} onChange={() => undefined} problems={[]} />);
    expect(out).toContain('data-testid="form-section-0"');
    expect(out).toContain('data-testid="form-section-add"');
    expect(out).toContain("当『主体业态』为『餐饮服务经营者』时显示：就餐座位数、厨房面积（平方米）");
    expect(out).toContain('data-testid="form-field-seats"');
    expect(out).toContain('aria-label="删除分区 餐饮服务信息"');
    expect(out).toContain('aria-label="删除 就餐座位数"');
    const locked = html(<FormDesigner schema={EXAMPLE} inherited={EXAMPLE} onChange={() => undefined} problems={[]} />);
    expect(locked).toContain("实施清单的条件显示分区须与上级标准相同");
  });

  it("shows the section's fields in the preview only when the condition holds", () => {
    const shown = html(<FormPreview schema={EXAMPLE} formData={{ businessType: "catering" }} />);
    expect(shown).toContain("就餐座位数");
    expect(shown).toContain("厨房面积（平方米）");
    const hidden = html(<FormPreview schema={EXAMPLE} formData={{ businessType: "sales" }} />);
    expect(hidden).toContain("主体业态");
    expect(hidden).not.toContain("就餐座位数");
    expect(html(<FormPreview schema={EXAMPLE} formData={{}} />)).not.toContain("就餐座位数");
  });

  it("derives widgets for section fields", () => {
    const s = addSectionField(structuredClone(EXAMPLE), 0, { kind: "boolean" }).schema;
    expect(buildUiSchema(s)).toMatchObject({ flag: { "ui:widget": "radio" }, remarks: { "ui:widget": "textarea" } });
  });
});
