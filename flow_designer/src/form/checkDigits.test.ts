import { describe, expect, it } from "vitest";
import table from "../../../tests/data/check_digits.json";
import { idCardProblem, usccProblem } from "./checkDigits";
import { customFormats } from "./validation";

interface Case {
  format: "cn-id-card" | "cn-uscc";
  value: string;
  valid: boolean;
  why: string;
}
const cases = table.cases as Case[];

describe("check digits agree with tests/data/check_digits.json (shared with pytest)", () => {
  it.each(cases)("$format $value → $valid ($why)", ({ format, value, valid }) => {
    const problem = format === "cn-id-card" ? idCardProblem(value) : usccProblem(value);
    expect(problem === null).toBe(valid);
    expect(customFormats[format](value)).toBe(valid);
  });

  it("covers both formats with both verdicts", () => {
    const seen = new Set(cases.map((c) => `${c.format}:${c.valid}`));
    expect([...seen].sort()).toEqual(["cn-id-card:false", "cn-id-card:true", "cn-uscc:false", "cn-uscc:true"]);
  });

  it("says what is wrong in Chinese", () => {
    expect(idCardProblem("230123199001011233")).toBe("公民身份号码校验码错误");
    expect(idCardProblem("23012319900101123")).toBe("公民身份号码应为17位数字加1位校验码");
    expect(usccProblem("91230100MI1ABCDE8J")).toBe("统一社会信用代码含非法字符 I");
    expect(usccProblem("91230100MA1ABCDE8")).toBe("统一社会信用代码应为18位（当前17位）");
    expect(usccProblem("91230100MA1ABCDE0R")).toBe("统一社会信用代码中的组织机构代码校验位错误");
  });
});
