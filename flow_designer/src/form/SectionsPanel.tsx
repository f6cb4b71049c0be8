/** Conditional sections: "when field X equals V, show (and validate) these fields". Each is a
 * root `allOf` entry of if/then whose `then.properties` holds the section's fields
 * (schemaModel.Section); rjsf shows them when the condition holds, Ajv and the server
 * validate them only then.
 *
 * Stable test ids: `form-section-<index>` (a section's card, index among the sections from 0),
 * `form-section-add` (the button adding a section). The section's fields are ordinary rows
 * (`form-field-<key>`). */
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Flex, Input, Popconfirm, Select, Tooltip, Typography } from "antd";
import { useState, type JSX } from "react";
import type { JsonSchema, Problem } from "../lib/types";
import { COMMON_FIELDS } from "./commonFields";
import { valueChoices } from "./ConditionsPanel";
import { FieldList } from "./FieldList";
import {
  addSection,
  addSectionField,
  describeSection,
  FIELD_KIND_LABELS,
  FIELD_KINDS,
  fieldAt,
  listSectionFields,
  listSections,
  moveField,
  parsePath,
  pathId,
  removeField,
  removeSection,
  updateSection,
  type FieldInfo,
  type FieldKind,
  type FieldPath,
} from "./schemaModel";

export interface SectionsPanelProps {
  schema: JsonSchema;
  /** The form's own top-level fields (the conditions test one of its coded fields). */
  fields: FieldInfo[];
  onChange: (schema: JsonSchema) => void;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  problemsById: Map<string, Problem[]>;
  inherited?: JsonSchema;
  lockedReason: string | null;
  readOnly: boolean;
}

const ADD_CHOICES = [
  { label: "字段类型", options: FIELD_KINDS.map((kind) => ({ value: `kind:${kind}`, label: FIELD_KIND_LABELS[kind] })) },
  { label: "通用字段", options: COMMON_FIELDS.map((f) => ({ value: `common:${f.name}`, label: f.label })) },
];

function parseChoice(choice: string): { kind: FieldKind } | { common: string } {
  const [type, name] = choice.split(":");
  return type === "kind" ? { kind: name as FieldKind } : { common: name };
}

/** The first value a condition on `field` can take (the first option, or 是). */
function firstValue(schema: JsonSchema, field: string): string | boolean {
  const choices = valueChoices(schema, field);
  if (fieldAt(schema, [field])?.type === "boolean") return true;
  return choices?.[0]?.value ?? "";
}

export function SectionsPanel(props: SectionsPanelProps): JSX.Element {
  const { schema, fields, onChange, lockedReason, readOnly } = props;
  const disabled = readOnly || lockedReason !== null;
  const sections = listSections(schema);
  const coded = fields.filter((f) => f.kind === "single" || f.kind === "boolean");
  const [adding, setAdding] = useState<Record<number, string | undefined>>({});
  return (
    <section aria-label="条件显示分区" style={{ marginTop: 16 }}>
      <Typography.Title level={5}>条件显示分区</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        当某个选项字段取某个值时，才显示并校验分区中的字段。
      </Typography.Paragraph>
      {lockedReason && <Alert type="info" showIcon title={lockedReason} style={{ marginBottom: 8 }} />}
      <Flex vertical gap={8}>
        {sections.map((section, index) => {
          const label = section.name || `分区 ${index + 1}`;
          const choices = valueChoices(schema, section.field);
          const isBoolean = fieldAt(schema, [section.field])?.type === "boolean";
          const triggerMissing = !fields.some((f) => f.key === section.field);
          const sectionFields = listSectionFields(schema, index);
          const choice = adding[index];
          return (
            <Card
              size="small"
              key={index}
              data-testid={`form-section-${index}`}
              title={`分区 ${index + 1}：${label}`}
              extra={
                <Popconfirm
                  title={`删除分区“${label}”及其中的字段？`}
                  okText="删除"
                  cancelText="取消"
                  disabled={disabled}
                  onConfirm={() => {
                    onChange(removeSection(schema, index));
                    if (section.fields.includes(parsePath(props.selectedId ?? "")[0] ?? "")) props.onSelect(null);
                  }}
                >
                  <Button size="small" danger icon={<DeleteOutlined />} aria-label={`删除分区 ${label}`} disabled={disabled} />
                </Popconfirm>
              }
            >
              <Flex vertical gap={6}>
                <Typography.Text>{describeSection(schema, section)}</Typography.Text>
                <Flex gap={6} align="center" wrap>
                  <label htmlFor={`tb-section-${index}-name`}>分区名称</label>
                  <Input
                    id={`tb-section-${index}-name`}
                    aria-label={`分区 ${index + 1} 的名称`}
                    style={{ width: 200 }}
                    value={section.name}
                    disabled={disabled}
                    onChange={(e) => onChange(updateSection(schema, index, { name: e.target.value }))}
                  />
                </Flex>
                <Flex gap={6} align="center" wrap>
                  <span>当</span>
                  <Select
                    aria-label={`分区 ${index + 1} 的条件字段`}
                    style={{ minWidth: 140 }}
                    value={triggerMissing ? undefined : section.field}
                    placeholder="选择字段"
                    disabled={disabled}
                    options={coded.map((f) => ({ value: f.key, label: `${f.title}（${f.key}）` }))}
                    onChange={(field: string) => onChange(updateSection(schema, index, { field, equals: firstValue(schema, field) }))}
                  />
                  <span>为</span>
                  {choices ? (
                    <Select
                      aria-label={`分区 ${index + 1} 的条件取值`}
                      style={{ minWidth: 120 }}
                      value={String(section.equals)}
                      disabled={disabled}
                      options={choices}
                      onChange={(v: string) => onChange(updateSection(schema, index, { equals: isBoolean ? v === "true" : v }))}
                    />
                  ) : (
                    <Input
                      aria-label={`分区 ${index + 1} 的条件取值`}
                      style={{ width: 120 }}
                      value={String(section.equals)}
                      disabled={disabled}
                      onChange={(e) => onChange(updateSection(schema, index, { equals: e.target.value }))}
                    />
                  )}
                  <span>时显示本分区</span>
                </Flex>
                {triggerMissing && (
                  <Typography.Text type="danger">条件字段“{section.field}”已不在表单中，请重新选择。</Typography.Text>
                )}
                {sectionFields.length > 0 ? (
                  <FieldList
                    fields={sectionFields}
                    selectedId={props.selectedId}
                    onSelect={props.onSelect}
                    problemsById={props.problemsById}
                    inherited={props.inherited}
                    readOnly={disabled}
                    onMove={(id, toIndex) => onChange(moveField(schema, parsePath(id), toIndex))}
                    onRemove={(id) => {
                      onChange(removeField(schema, parsePath(id)));
                      if (props.selectedId === id || props.selectedId?.startsWith(`${id}.`)) props.onSelect(null);
                    }}
                  />
                ) : (
                  <Typography.Text type="secondary">本分区还没有字段，请在下方添加。</Typography.Text>
                )}
                <Flex gap={6} align="center" wrap>
                  <Select
                    aria-label={`要添加到分区 ${label} 的字段`}
                    style={{ minWidth: 180 }}
                    placeholder="选择字段类型"
                    value={choice}
                    disabled={disabled}
                    options={ADD_CHOICES}
                    onChange={(v: string) => setAdding({ ...adding, [index]: v })}
                  />
                  <Button
                    icon={<PlusOutlined />}
                    disabled={disabled || !choice}
                    onClick={() => {
                      if (!choice) return;
                      const added = addSectionField(schema, index, parseChoice(choice));
                      onChange(added.schema);
                      props.onSelect(pathId(added.path as FieldPath));
                    }}
                  >
                    添加到本分区
                  </Button>
                </Flex>
              </Flex>
            </Card>
          );
        })}
        <Tooltip title={coded.length === 0 ? "表单中需要先有单选或是/否字段作为条件" : undefined}>
          <Button
            data-testid="form-section-add"
            icon={<PlusOutlined />}
            disabled={disabled || coded.length === 0}
            onClick={() => {
              const first = coded[0];
              const added = addSection(schema, {
                name: `分区 ${sections.length + 1}`,
                field: first.key,
                equals: firstValue(schema, first.key),
              });
              onChange(added.schema);
            }}
          >
            添加条件显示分区
          </Button>
        </Tooltip>
      </Flex>
    </section>
  );
}
