/** The condition of a choice branch: a builder over the form's fields, or the expression text
 * when the builder cannot show it. */
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Input, InputNumber, Radio, Select, Space, Typography } from "antd";
import { useState, type JSX } from "react";
import {
  OPERATORS,
  clauseProblem,
  conditionText,
  expressionProblem,
  operatorsFor,
  parseCondition,
  type Clause,
  type Condition,
  type FormField,
  type OperatorId,
  type Scalar,
} from "./conditions";

export interface ConditionEditorProps {
  value: string | undefined;
  fields: FormField[];
  onChange: (when: string) => void;
  readOnly?: boolean;
}

export function ConditionEditor({ value, fields, onChange, readOnly }: ConditionEditorProps): JSX.Element {
  const parsed = value ? parseCondition(value, fields) : null;
  const startAsBuilder = fields.length > 0 && (!value || parsed !== null);
  const [mode, setMode] = useState<"builder" | "text">(startAsBuilder ? "builder" : "text");
  const [editingText, setEditingText] = useState(!value);
  const [condition, setCondition] = useState<Condition>(parsed ?? { join: "and", clauses: [{ field: "", op: "eq" }] });
  const [text, setText] = useState(value ?? "");

  if (mode === "text") {
    const problem = text ? expressionProblem(text) : "请填写条件";
    return (
      <div className="tb-flow-condition">
        {fields.length === 0 && <Alert type="info" showIcon title="事项表单中没有可用于条件的字段，请直接编写表达式。" />}
        {!editingText ? (
          <>
            <Typography.Paragraph>
              <code className="tb-flow-expression">{value}</code>
            </Typography.Paragraph>
            {!readOnly && (
              <Button onClick={() => setEditingText(true)}>编辑表达式</Button>
            )}
          </>
        ) : (
          <>
            <Input.TextArea
              aria-label="条件表达式"
              value={text}
              rows={3}
              maxLength={1000}
              disabled={readOnly}
              placeholder="例如：form.amount > 100000"
              onChange={(event) => setText(event.target.value)}
              status={problem ? "error" : undefined}
            />
            {problem && <div className="tb-flow-field-error" role="alert">{problem}</div>}
            <Space style={{ marginTop: 8 }}>
              <Button type="primary" disabled={!!problem || readOnly} onClick={() => onChange(text.trim())}>
                应用表达式
              </Button>
              {fields.length > 0 && (
                <Button
                  onClick={() => {
                    const back = parseCondition(text, fields);
                    if (back) setCondition(back);
                    setMode("builder");
                  }}
                >
                  改用条件构建器
                </Button>
              )}
            </Space>
          </>
        )}
      </div>
    );
  }

  const problems = condition.clauses.map((clause) => clauseProblem(clause, fields));
  const complete = problems.every((p) => p === null);
  const update = (next: Condition) => {
    setCondition(next);
    if (next.clauses.length && next.clauses.every((c) => clauseProblem(c, fields) === null)) onChange(conditionText(next));
  };
  const setClause = (index: number, clause: Clause) => update({ ...condition, clauses: condition.clauses.map((c, i) => (i === index ? clause : c)) });
  return (
    <div className="tb-flow-condition">
      {condition.clauses.length > 1 && (
        <Radio.Group
          aria-label="条件之间的关系"
          value={condition.join}
          disabled={readOnly}
          onChange={(event) => update({ ...condition, join: event.target.value as "and" | "or" })}
          options={[
            { value: "and", label: "同时满足（且）" },
            { value: "or", label: "满足任一（或）" },
          ]}
        />
      )}
      {condition.clauses.map((clause, index) => (
        <ClauseRow
          key={index}
          index={index}
          clause={clause}
          fields={fields}
          problem={problems[index]}
          readOnly={readOnly}
          onChange={(next) => setClause(index, next)}
          onRemove={condition.clauses.length > 1 ? () => update({ ...condition, clauses: condition.clauses.filter((_, i) => i !== index) }) : undefined}
        />
      ))}
      {!readOnly && (
        <Space wrap>
          <Button icon={<PlusOutlined />} onClick={() => setCondition({ ...condition, clauses: [...condition.clauses, { field: "", op: "eq" }] })}>
            添加条件
          </Button>
          <Button
            onClick={() => {
              setText(complete ? conditionText(condition) : (value ?? ""));
              setEditingText(true);
              setMode("text");
            }}
          >
            编辑表达式
          </Button>
        </Space>
      )}
      <div className="tb-flow-generated">
        生成的表达式：
        <code className="tb-flow-expression">{complete ? conditionText(condition) : "（条件未填写完整）"}</code>
      </div>
    </div>
  );
}

interface ClauseRowProps {
  index: number;
  clause: Clause;
  fields: FormField[];
  problem: string | null;
  readOnly?: boolean;
  onChange: (clause: Clause) => void;
  onRemove?: () => void;
}

function ClauseRow({ index, clause, fields, problem, readOnly, onChange, onRemove }: ClauseRowProps): JSX.Element {
  const field = fields.find((f) => f.name === clause.field);
  const operators = field ? operatorsFor(field) : [];
  const need = OPERATORS[clause.op].needsValue;
  return (
    <div className="tb-flow-clause" role="group" aria-label={`条件 ${index + 1}`}>
      <Space wrap>
        <Select
          aria-label={`条件 ${index + 1} 的字段`}
          placeholder="选择字段"
          style={{ minWidth: 140 }}
          disabled={readOnly}
          value={clause.field || undefined}
          showSearch={{ optionFilterProp: "label" }}
          options={fields.map((f) => ({ value: f.name, label: f.title }))}
          onChange={(name: string) => {
            const next = fields.find((f) => f.name === name);
            const ops = next ? operatorsFor(next) : [];
            onChange({ field: name, op: ops.includes(clause.op) ? clause.op : (ops[0] ?? "eq") });
          }}
        />
        <Select
          aria-label={`条件 ${index + 1} 的运算`}
          style={{ minWidth: 120 }}
          disabled={readOnly || !field}
          value={clause.op}
          options={operators.map((op) => ({ value: op, label: OPERATORS[op].label }))}
          onChange={(op: OperatorId) => onChange({ field: clause.field, op })}
        />
        {field && need !== "none" && (
          <ValueInput field={field} index={index} list={need === "list"} value={clause.value} readOnly={readOnly} onChange={(value) => onChange({ ...clause, value })} />
        )}
        {onRemove && !readOnly && <Button type="text" danger icon={<DeleteOutlined />} aria-label={`删除条件 ${index + 1}`} onClick={onRemove} />}
      </Space>
      {problem && <div className="tb-flow-field-error">{problem}</div>}
    </div>
  );
}

interface ValueInputProps {
  field: FormField;
  index: number;
  list: boolean;
  value: Clause["value"];
  readOnly?: boolean;
  onChange: (value: Clause["value"]) => void;
}

function ValueInput({ field, index, list, value, readOnly, onChange }: ValueInputProps): JSX.Element {
  const label = `条件 ${index + 1} 的值`;
  if (field.options) {
    return (
      <Select
        aria-label={label}
        mode={list ? "multiple" : undefined}
        style={{ minWidth: 160 }}
        placeholder="选择值"
        disabled={readOnly}
        value={(value ?? undefined) as Scalar | Scalar[] | undefined}
        options={field.options.map((o) => ({ value: o.value, label: o.label }))}
        onChange={(next: Scalar | Scalar[]) => onChange(next)}
      />
    );
  }
  if (field.type === "boolean") {
    return (
      <Select
        aria-label={label}
        style={{ minWidth: 100 }}
        disabled={readOnly}
        value={typeof value === "boolean" ? value : undefined}
        options={[
          { value: true, label: "是" },
          { value: false, label: "否" },
        ]}
        onChange={(next: boolean) => onChange(next)}
      />
    );
  }
  if (list) {
    return (
      <Select
        aria-label={label}
        mode="tags"
        style={{ minWidth: 160 }}
        placeholder="输入后回车"
        disabled={readOnly}
        value={Array.isArray(value) ? value.map(String) : []}
        onChange={(next: string[]) => onChange(field.type === "number" || field.type === "integer" ? next.map(Number).filter(Number.isFinite) : next)}
      />
    );
  }
  if (field.type === "number" || field.type === "integer") {
    return (
      <InputNumber
        aria-label={label}
        disabled={readOnly}
        precision={field.type === "integer" ? 0 : undefined}
        value={typeof value === "number" ? value : null}
        onChange={(next) => onChange(typeof next === "number" ? next : undefined)}
      />
    );
  }
  return (
    <Input
      aria-label={label}
      style={{ width: 160 }}
      disabled={readOnly}
      placeholder={field.date ? "例如 2026-10-01" : "输入值"}
      value={typeof value === "string" ? value : ""}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
