/** "Required when" conditions: "when field X equals V, fields … are required". Written as root
 * `allOf` entries of if/then (schemaModel.Condition), which rjsf and the server both apply.
 * (Conditional sections, whose fields are shown only when a condition holds: SectionsPanel.) */
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Flex, Input, Select, Typography } from "antd";
import type { JSX } from "react";
import type { JsonSchema } from "../lib/types";
import { fieldAt, optionsOf, type Condition, type FieldInfo } from "./schemaModel";
import { dereference } from "./commonFields";

export interface ConditionsPanelProps {
  schema: JsonSchema;
  fields: FieldInfo[];
  conditions: Condition[];
  onChange: (conditions: Condition[]) => void;
  lockedReason: string | null;
  readOnly: boolean;
}

export function valueChoices(schema: JsonSchema, key: string): { value: string; label: string }[] | null {
  const field = fieldAt(schema, [key]);
  if (!field) return null;
  const resolved = dereference(field, schema);
  if (resolved.type === "boolean") return [{ value: "true", label: "是" }, { value: "false", label: "否" }];
  const options = optionsOf(resolved);
  return options.length > 0 ? options.map((o) => ({ value: o.value, label: o.title })) : null;
}

export function ConditionsPanel({ schema, fields, conditions, onChange, lockedReason, readOnly }: ConditionsPanelProps): JSX.Element {
  const disabled = readOnly || lockedReason !== null;
  const fieldOptions = fields.map((f) => ({ value: f.key, label: `${f.title}（${f.key}）` }));
  const testable = fields.filter((f) => f.kind === "single" || f.kind === "boolean" || f.kind === "text");
  const update = (index: number, patch: Partial<Condition>) =>
    onChange(conditions.map((c, i) => (i === index ? { ...c, ...patch } : c)));
  return (
    <section aria-label="条件必填">
      <Typography.Title level={5}>条件必填</Typography.Title>
      {lockedReason && <Alert type="info" showIcon title={lockedReason} style={{ marginBottom: 8 }} />}
      <Flex vertical gap={8}>
        {conditions.map((condition, index) => {
          const choices = valueChoices(schema, condition.field);
          const isBoolean = fieldAt(schema, [condition.field])?.type === "boolean";
          return (
            <Card size="small" key={index} title={`条件 ${index + 1}`} extra={
              <Button
                size="small"
                danger
                icon={<DeleteOutlined />}
                aria-label={`删除条件 ${index + 1}`}
                disabled={disabled}
                onClick={() => onChange(conditions.filter((_, i) => i !== index))}
              />
            }>
              <Flex vertical gap={6}>
                <Flex gap={6} align="center" wrap>
                  <span>当</span>
                  <Select
                    aria-label={`条件 ${index + 1} 的字段`}
                    style={{ minWidth: 140 }}
                    value={condition.field}
                    disabled={disabled}
                    options={testable.map((f) => ({ value: f.key, label: `${f.title}（${f.key}）` }))}
                    onChange={(field: string) => update(index, { field, equals: valueChoices(schema, field)?.[0]?.value === "true" ? true : valueChoices(schema, field)?.[0]?.value ?? "" })}
                  />
                  <span>等于</span>
                  {choices ? (
                    <Select
                      aria-label={`条件 ${index + 1} 的取值`}
                      style={{ minWidth: 100 }}
                      value={String(condition.equals)}
                      disabled={disabled}
                      options={choices}
                      onChange={(v: string) => update(index, { equals: isBoolean ? v === "true" : v })}
                    />
                  ) : (
                    <Input
                      aria-label={`条件 ${index + 1} 的取值`}
                      style={{ width: 120 }}
                      value={String(condition.equals)}
                      disabled={disabled}
                      onChange={(e) => update(index, { equals: e.target.value })}
                    />
                  )}
                  <span>时，以下字段必填：</span>
                </Flex>
                <Select
                  mode="multiple"
                  aria-label={`条件 ${index + 1} 成立时必填的字段`}
                  value={condition.required}
                  disabled={disabled}
                  options={fieldOptions.filter((o) => o.value !== condition.field)}
                  onChange={(required: string[]) => update(index, { required })}
                  placeholder="选择字段"
                />
                {condition.required.length === 0 && (
                  <Typography.Text type="danger">请至少选择一个字段。</Typography.Text>
                )}
              </Flex>
            </Card>
          );
        })}
        <Button
          icon={<PlusOutlined />}
          disabled={disabled || testable.length === 0}
          onClick={() => {
            const first = testable[0];
            const choice = valueChoices(schema, first.key)?.[0]?.value;
            onChange([...conditions, { field: first.key, equals: choice === "true" ? true : choice ?? "", required: [] }]);
          }}
        >
          添加条件
        </Button>
      </Flex>
    </section>
  );
}
