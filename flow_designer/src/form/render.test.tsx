import { TranslatableString } from "@rjsf/utils";
import { ConfigProvider } from "antd";
import zhCN from "antd/locale/zh_CN";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { JsonSchema, Problem } from "../lib/types";
import { FormDesigner, groupFieldProblems } from "./FormDesigner";
import { FormPreview } from "./FormPreview";
import { buildUiSchema, ZH_STRINGS } from "./uiSchema";

const form: JsonSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    companyName: { title: "企业名称", $ref: "urn:tongban:common#/$defs/companyName" },
    uscc: { title: "统一社会信用代码", $ref: "urn:tongban:common#/$defs/uscc" },
    remarks: { title: "备注", type: "string", maxLength: 500, "x-widget": "textarea" },
    agreed: { title: "是否同意", type: "boolean" },
    staff: {
      title: "人员",
      type: "array",
      items: { type: "object", properties: { name: { title: "姓名", $ref: "urn:tongban:common#/$defs/personName" } } },
    },
  },
  required: ["companyName", "uscc"],
};

const problems: Problem[] = [
  { code: "FORM_FIELD_CHANGED", pointer: "/form/properties/uscc", message: "统一社会信用代码须与上级标准相同", target: { kind: "field", id: "uscc" } },
  { code: "FORM_DEFAULT_INVALID", pointer: "/form/properties/staff/items/properties/name/default", message: "默认值不符", target: { kind: "field", id: "staff.name" } },
  { code: "FORM_FIELD_MISSING", pointer: "/form/properties/gone", message: "缺少字段 gone", target: { kind: "field", id: "gone" } },
  { code: "MATERIAL_MISSING", pointer: "/materials", message: "不是表单的问题", target: { kind: "material", id: "M001" } },
];

const html = (node: ReactElement) => renderToStaticMarkup(<ConfigProvider locale={zhCN}>{node}</ConfigProvider>);

describe("FormDesigner and FormPreview render in Chinese with their test ids", () => {
  it("puts problems on fields by path, not by index", () => {
    const out = html(<FormDesigner schema={form} onChange={() => undefined} problems={problems} />);
    for (const id of ["companyName", "uscc", "remarks", "agreed", "staff", "staff.name"]) {
      expect(out).toContain(`data-testid="form-field-${id}"`);
    }
    expect(out).toContain('data-testid="form-problem-uscc"');
    expect(out).toContain('data-testid="form-problem-staff.name"');
    expect(out).not.toContain('data-testid="form-problem-companyName"');
    expect(out).toContain('data-testid="form-problems-other"');
    expect(out).toContain("缺少字段 gone");
    expect(out).not.toContain("不是表单的问题");
    expect(out).toContain('data-testid="form-palette-table"');
    expect(out).toContain('data-testid="form-palette-common-idCard"');
    expect(out).toContain('data-testid="form-preview"');
  });

  it("locks the standard's fields in an implementation and says why", () => {
    const standard: JsonSchema = { ...form, properties: { uscc: (form.properties as Record<string, unknown>).uscc }, required: ["uscc"] };
    const out = html(<FormDesigner schema={form} inherited={standard} onChange={() => undefined} problems={[]} />);
    expect(out).toContain("不能删除 统一社会信用代码");
    expect(out).toContain("已锁定：该字段来自上级标准");
    expect(out).not.toContain("不能删除 备注");
    expect(out).toContain('aria-label="删除 备注"');
    expect(out).toContain("实施清单的表单条件须与上级标准相同");
  });

  it("groups a deeper problem onto its nearest row", () => {
    const { byId, other } = groupFieldProblems(
      [{ code: "X", pointer: "", message: "m", target: { kind: "field", id: "staff.name.first" } }],
      new Set(["staff", "staff.name"]),
    );
    expect([...byId.keys()]).toEqual(["staff.name"]);
    expect(other).toEqual([]);
  });

  it("renders the preview without English leftovers", () => {
    const out = html(<FormPreview schema={form} formData={{ staff: [{}] }} />);
    expect(out).toContain("企业名称");
    expect(out).toMatch(/提\s?交/);
    expect(out).toContain('aria-label="删除"');
    expect(out).toContain('aria-label="添加一行"');
    for (const english of ["Submit", "Add Item", "Remove", "Move up", "Move down", "Yes", "No<", "Item "]) {
      expect(out).not.toContain(english);
    }
  });

  it("hides the submit button when asked", () => {
    expect(html(<FormPreview schema={form} showSubmit={false} />)).not.toMatch(/提\s?交/);
  });

  it("translates every rjsf string", () => {
    for (const key of Object.values(TranslatableString)) expect(ZH_STRINGS[key], key).toBeTruthy();
  });

  it("derives widgets from the schema", () => {
    expect(buildUiSchema(form)).toEqual({
      remarks: { "ui:widget": "textarea", "ui:options": { rows: 4 } },
      agreed: { "ui:widget": "radio" },
      staff: { items: {} },
    });
  });
});
