import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../lib/types";
import { inlineCommonRefs } from "./commonFields";
import { isDate, isDateTime, makeTransformErrors, validator } from "./validation";

const DRAFT = "https://json-schema.org/draft/2020-12/schema";

const form: JsonSchema = {
  $schema: DRAFT,
  type: "object",
  properties: {
    applicantKind: {
      title: "申请人类型",
      type: "string",
      oneOf: [
        { const: "person", title: "自然人" },
        { const: "company", title: "法人" },
      ],
    },
    idCard: { title: "身份证号", $ref: "urn:tongban:common#/$defs/idCard" },
    uscc: { $ref: "urn:tongban:common#/$defs/uscc" },
    mobile: { title: "手机", $ref: "urn:tongban:common#/$defs/mobile" },
    code: { title: "编号", type: "string", pattern: "^[A-Z]{2}[0-9]{4}$", "x-message": "应为2位大写字母加4位数字" },
    startDate: { title: "开始日期", type: "string", format: "date" },
  },
  required: ["applicantKind"],
  allOf: [
    {
      if: { properties: { applicantKind: { const: "company" } }, required: ["applicantKind"] },
      then: { required: ["uscc"] },
      else: { required: ["idCard"] },
    },
  ],
};

function errorsFor(data: Record<string, unknown>): string[] {
  const schema = inlineCommonRefs(form);
  const transform = makeTransformErrors(schema, () => data);
  const { errors } = validator.validateFormData(data, schema, undefined, transform);
  return errors.map((e) => e.stack).sort();
}

describe("validation with the server's rules", () => {
  it("accepts valid data", () => {
    expect(errorsFor({ applicantKind: "person", idCard: "11010519491231002x", mobile: "13800138000" })).toEqual([]);
  });

  it("names the field by its title behind $ref, without the if noise", () => {
    expect(errorsFor({ applicantKind: "company" })).toEqual(["统一社会信用代码：为必填项"]);
    expect(errorsFor({ applicantKind: "person" })).toEqual(["身份证号：为必填项"]);
  });

  it("explains check digits, readable patterns and formats", () => {
    expect(
      errorsFor({
        applicantKind: "person",
        idCard: "230123199001011233",
        mobile: "12800138000",
        code: "ab1234",
        startDate: "2026-02-30",
      }),
    ).toEqual([
      "开始日期：应为 YYYY-MM-DD 格式的有效日期",
      "手机：格式不正确",
      "编号：应为2位大写字母加4位数字",
      "身份证号：公民身份号码校验码错误",
    ]);
  });

  it("refuses full-width digits as the pattern [0-9] does", () => {
    expect(errorsFor({ applicantKind: "person", idCard: "11010519491231002X", mobile: "１3800138000" })).toEqual([
      "手机：格式不正确",
    ]);
  });

  it("checks dates as Python's date.fromisoformat does", () => {
    expect(isDate("2024-02-29")).toBe(true);
    expect(isDate("2023-02-29")).toBe(false);
    expect(isDate("2024-2-9")).toBe(false);
    expect(isDateTime("2024-02-29T23:59:59+08:00")).toBe(true);
    expect(isDateTime("2024-02-29T24:00:00Z")).toBe(false);
  });
});
