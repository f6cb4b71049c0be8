import { describe, expect, it } from "vitest";
import {
  clauseProblem,
  conditionText,
  describeCondition,
  expressionProblem,
  formFields,
  operatorsFor,
  parseCondition,
  parseExpression,
  type Condition,
} from "./conditions";
import { demoMatter } from "./testFlows";

const pharmacy = demoMatter("230123/matters/000172111003.implementation.yaml");
const food = demoMatter("230624/matters/000131064004.implementation.yaml");

const schema = {
  type: "object",
  $defs: { yesNo: { type: "boolean" } },
  properties: {
    amount: { title: "注册资本", type: "number" },
    kind: { title: "主体类型", type: "string", oneOf: [{ const: "ind", title: "个体工商户" }, { const: "coop", title: "农民专业合作社" }] },
    name: { title: "名称", type: "string" },
    start: { title: "开业日期", type: "string", format: "date" },
    tags: { title: "经营项目", type: "array", items: { type: "string", enum: ["药品", "器械"] } },
    chain: { title: "是否连锁", $ref: "#/$defs/yesNo" },
    "bad-name": { title: "不能在条件里引用", type: "string" },
  },
};
const fields = formFields(schema);

describe("formFields", () => {
  it("lists top-level fields with Chinese titles, types and options", () => {
    expect(fields.map((f) => [f.name, f.title, f.type])).toEqual([
      ["amount", "注册资本", "number"],
      ["kind", "主体类型", "string"],
      ["name", "名称", "string"],
      ["start", "开业日期", "string"],
      ["tags", "经营项目", "array"],
      ["chain", "是否连锁", "boolean"],
    ]);
    expect(fields[1].options).toEqual([
      { value: "ind", label: "个体工商户" },
      { value: "coop", label: "农民专业合作社" },
    ]);
    expect(fields[4].options?.map((o) => o.value)).toEqual(["药品", "器械"]);
    expect(fields[3].date).toBe(true);
  });

  it("offers operators by field type", () => {
    expect(operatorsFor(fields[0])).toContain("gt");
    expect(operatorsFor(fields[1])).not.toContain("gt");
    expect(operatorsFor(fields[1])).toContain("in");
    expect(operatorsFor(fields[4])).toEqual(["contains", "empty", "notEmpty"]);
    expect(operatorsFor(fields[3])).toContain("ge");
  });
});

describe("builder ⇄ text", () => {
  it("opens the demo conditions in the builder and prints them back identically", () => {
    for (const matter of [pharmacy, food]) {
      const demoFields = formFields(matter.form);
      for (const edge of matter.flow.edges.filter((e) => e.when)) {
        const condition = parseCondition(edge.when ?? "", demoFields);
        expect(condition, edge.when).not.toBeNull();
        expect(conditionText(condition as Condition)).toBe(edge.when);
      }
    }
    const storeType = parseCondition("form.storeType == '连锁门店'", formFields(pharmacy.form));
    expect(describeCondition(storeType as Condition, formFields(pharmacy.form))).toBe("门店类型 等于 连锁门店");
  });

  it("prints every operator in the expression language", () => {
    const condition: Condition = {
      join: "and",
      clauses: [
        { field: "amount", op: "gt", value: 100000 },
        { field: "kind", op: "in", value: ["ind", "coop"] },
        { field: "tags", op: "contains", value: "药品" },
        { field: "name", op: "empty" },
        { field: "start", op: "ge", value: "2026-10-01" },
        { field: "chain", op: "eq", value: true },
        { field: "name", op: "ne", value: "it's" },
      ],
    };
    const text = conditionText(condition);
    expect(text).toBe(
      "form.amount > 100000 and form.kind in ['ind', 'coop'] and '药品' in form.tags and not exists(form.name)" +
        " and form.start >= '2026-10-01' and form.chain == true and form.name != 'it\\'s'",
    );
    expect(expressionProblem(text)).toBeNull();
    expect(parseCondition(text, fields)).toEqual(condition);
    expect(describeCondition(condition, fields)).toContain("主体类型 属于其中之一 个体工商户、农民专业合作社");
  });

  it("keeps 或 conditions and leaves other forms as text", () => {
    expect(parseCondition("amount < 5 or exists(form.name)", fields)).toEqual({
      join: "or",
      clauses: [
        { field: "amount", op: "lt", value: 5 },
        { field: "name", op: "notEmpty" },
      ],
    });
    // mixed and/or, arithmetic, functions over values, unknown fields, wrong literal types
    for (const text of [
      "form.amount > 1 and form.name == 'a' or form.chain == true",
      "form.amount / 10000 >= 500",
      "len(form.tags) > 2",
      "form.unknown == 1",
      "form.amount == '5'",
      "form.amount >",
    ]) {
      expect(parseCondition(text, fields), text).toBeNull();
    }
  });

  it("names what a clause is missing", () => {
    expect(clauseProblem({ field: "amount", op: "gt" }, fields)).toBe("请填写“注册资本”大于的值");
    expect(clauseProblem({ field: "kind", op: "in", value: [] }, fields)).toBe("请选择“主体类型”属于其中之一的值");
    expect(clauseProblem({ field: "amount", op: "contains", value: 1 }, fields)).toBe("“注册资本”不能使用“包含”");
    expect(clauseProblem({ field: "", op: "eq" }, fields)).toBe("请选择字段");
    expect(clauseProblem({ field: "name", op: "notEmpty" }, fields)).toBeNull();
  });
});

describe("parseExpression", () => {
  it("parses the documented examples", () => {
    for (const text of [
      "form.amount > 100000",
      "form.type in ['个体工商户', '农民专业合作社']",
      "form.applicant.age < 18 or not exists(form.guardian)",
      "len(form.shareholders) > 50",
      "form.registered_capital / 10000 >= 500",
      "form.date >= '2026-10-01' and form.region not in ['230123', '230124']",
      "form.申请人.年龄 >= 18",
      "[1, 'a', form.x,] == [1]",
      "-3.50 < 0",
    ]) {
      expect(expressionProblem(text), text).toBeNull();
    }
    expect(parseExpression("form.a.b == 1")).toEqual({
      t: "cmp",
      op: "==",
      left: { t: "field", path: ["a", "b"] },
      right: { t: "lit", value: 1 },
    });
  });

  it("reports the documented errors with their columns in Chinese", () => {
    expect(expressionProblem("form.amount = 1")).toBe("第 13 列：不能识别的字符“=”，比较请用 ==");
    expect(expressionProblem("a && b")).toBe("第 3 列：不能识别的字符“&”，请用 and 表示“并且”");
    expect(expressionProblem("form.金额 ＞ 1")).toBe("第 9 列：不能识别的字符“＞”，全角字符不是运算符，请用“>”");
    expect(expressionProblem("(1 + 2")).toBe("第 7 列：第 1 列的“(”需要闭合：应为“)”，实际是表达式结尾");
    expect(expressionProblem("a < b < c")).toBe("第 7 列：比较不能连写，请用 and 连接");
    expect(expressionProblem("foo(1)")).toBe("第 1 列：未知的函数“foo”（可用：exists、len）");
    expect(expressionProblem("'abc")).toBe("第 1 列：字符串没有结束引号");
    expect(expressionProblem("")).toBe("第 1 列：条件为空");
    expect(expressionProblem("1.")).toBe("第 3 列：小数点后缺少数字");
    expect(expressionProblem("exists(1)")).toBe("第 1 列：exists() 的参数须为字段，例如 exists(form.a)");
  });
});
