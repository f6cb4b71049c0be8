/** The property panel of the selected field (antd Form). Edits apply as you type; the key
 * (字段名) applies on blur / Enter once it is valid. */
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Flex, Form, Input, InputNumber, Switch, Tooltip, Typography } from "antd";
import { useEffect, useState, type JSX } from "react";
import type { JsonSchema } from "../lib/types";
import { commonDefinition, commonName, COMMON_REF_PREFIX } from "./commonFields";
import {
  FIELD_KIND_LABELS,
  keyProblem,
  kindOf,
  normalizePattern,
  optionsOf,
  optionsProblem,
  type CodedOption,
  type FieldPath,
} from "./schemaModel";

export interface FieldPropertiesProps {
  schema: JsonSchema;
  path: FieldPath;
  field: JsonSchema;
  required: boolean;
  lockedReason: string | null;
  requiredLockedReason: string | null;
  readOnly: boolean;
  onRename: (key: string) => void;
  onPatch: (patch: Record<string, unknown>) => void;
  onRequired: (required: boolean) => void;
  onOptions: (options: CodedOption[]) => void;
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const text = (v: unknown): string => (typeof v === "string" ? v : "");

export function FieldProperties(props: FieldPropertiesProps): JSX.Element {
  const { schema, path, field, required, lockedReason, requiredLockedReason, readOnly } = props;
  const { onRename, onPatch, onRequired, onOptions } = props;
  const key = path[path.length - 1];
  const kind = kindOf(field, schema);
  const common = commonName(field.$ref);
  const disabled = readOnly || lockedReason !== null;
  const [keyDraft, setKeyDraft] = useState(key);
  const [patternDraft, setPatternDraft] = useState(text(field.pattern));
  const [optionDraft, setOptionDraft] = useState<CodedOption[]>(optionsOf(field));
  useEffect(() => setKeyDraft(key), [key]);
  useEffect(() => setPatternDraft(text(field.pattern)), [field.pattern, key]);
  const optionsKey = JSON.stringify(optionsOf(field));
  useEffect(() => setOptionDraft(JSON.parse(optionsKey) as CodedOption[]), [optionsKey, key]);

  const keyError = keyDraft === key ? null : keyProblem(schema, path.slice(0, -1), keyDraft, key);
  const patternCheck = patternDraft ? normalizePattern(patternDraft) : null;
  const optionError = optionsProblem(optionDraft);

  const commitKey = () => {
    if (keyDraft !== key && !keyError) onRename(keyDraft);
  };
  const setOption = (index: number, patch: Partial<CodedOption>) => {
    const next = optionDraft.map((o, i) => (i === index ? { ...o, ...patch } : o));
    setOptionDraft(next);
    if (!optionsProblem(next)) onOptions(next);
  };
  const numberItem = (label: string, keyword: string, min?: number) => (
    <Form.Item label={label} key={keyword}>
      <InputNumber
        aria-label={label}
        min={min}
        value={num(field[keyword])}
        disabled={disabled}
        onChange={(v) => onPatch({ [keyword]: v ?? undefined })}
        style={{ width: "100%" }}
      />
    </Form.Item>
  );

  return (
    <section aria-label={`字段属性：${text(field.title) || key}`}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        字段属性 <Typography.Text type="secondary">（{common ? "通用字段" : FIELD_KIND_LABELS[kind]}）</Typography.Text>
      </Typography.Title>
      {lockedReason && <Alert type="info" showIcon title={lockedReason} style={{ marginBottom: 12 }} />}
      {common && (
        <Alert
          type="success"
          style={{ marginBottom: 12 }}
          title={`引用通用字段“${text(commonDefinition(common)?.title)}”（${COMMON_REF_PREFIX}${common}）`}
          description={text(commonDefinition(common)?.description)}
        />
      )}
      <Form layout="vertical" size="small" disabled={disabled} component="div">
        <Form.Item
          label="字段名（英文，提交数据的键）"
          validateStatus={keyError ? "error" : undefined}
          help={keyError ?? undefined}
        >
          <Input
            aria-label="字段名"
            value={keyDraft}
            onChange={(e) => setKeyDraft(e.target.value.trim())}
            onBlur={commitKey}
            onPressEnter={commitKey}
          />
        </Form.Item>
        <Form.Item label="标题" validateStatus={text(field.title) ? undefined : "warning"} help={text(field.title) ? undefined : "请填写标题，申请人看到的是标题"}>
          <Input aria-label="标题" value={text(field.title)} maxLength={200} onChange={(e) => onPatch({ title: e.target.value })} />
        </Form.Item>
        <Form.Item label="填写说明">
          <Input.TextArea
            aria-label="填写说明"
            value={text(field.description)}
            maxLength={2000}
            autoSize={{ minRows: 2, maxRows: 5 }}
            onChange={(e) => onPatch({ description: e.target.value })}
          />
        </Form.Item>
        <Form.Item label="必填">
          <Tooltip title={requiredLockedReason ?? undefined}>
            <Switch
              aria-label={requiredLockedReason ? `必填（不可更改：${requiredLockedReason}）` : "必填"}
              checked={required}
              disabled={readOnly || requiredLockedReason !== null}
              onChange={onRequired}
              checkedChildren="必填"
              unCheckedChildren="选填"
            />
          </Tooltip>
          {requiredLockedReason && (
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: "4px 0 0" }}>
              {requiredLockedReason}
            </Typography.Paragraph>
          )}
        </Form.Item>

        {(kind === "text" || kind === "textarea") && !common && (
          <>
            <Flex gap={8}>
              {numberItem("最少字符数", "minLength", 0)}
              {numberItem("最多字符数", "maxLength", 1)}
            </Flex>
            <Form.Item
              label="格式（正则表达式，数字请写 [0-9]）"
              validateStatus={patternCheck?.problem ? "error" : undefined}
              help={
                patternCheck?.problem ??
                (patternCheck && patternCheck.pattern !== patternDraft ? `将保存为 ${patternCheck.pattern}` : undefined)
              }
            >
              <Input
                aria-label="格式（正则表达式）"
                value={patternDraft}
                placeholder="例如 ^[0-9]{6}$"
                onChange={(e) => {
                  setPatternDraft(e.target.value);
                  const checked = e.target.value ? normalizePattern(e.target.value) : null;
                  if (!checked) onPatch({ pattern: undefined });
                  else if (!checked.problem) onPatch({ pattern: checked.pattern });
                }}
              />
            </Form.Item>
            <Form.Item label="格式不符时的提示" help={field.pattern ? undefined : "先填写格式"}>
              <Input
                aria-label="格式不符时的提示"
                value={text(field["x-message"])}
                placeholder="例如 应为6位数字"
                disabled={disabled || !field.pattern}
                onChange={(e) => onPatch({ "x-message": e.target.value })}
              />
            </Form.Item>
          </>
        )}

        {kind === "number" && (
          <>
            <Flex gap={8}>
              {numberItem("最小值", "minimum")}
              {numberItem("最大值", "maximum")}
            </Flex>
            <Form.Item label="只允许整数">
              <Switch
                aria-label="只允许整数"
                checked={field.type === "integer"}
                onChange={(v) => onPatch({ type: v ? "integer" : "number" })}
              />
            </Form.Item>
          </>
        )}
        {kind === "money" && numberItem("最大金额（分）", "maximum", 0)}

        {(kind === "single" || kind === "multi") && (
          <Form.Item label="选项（代码 + 名称）" validateStatus={optionError ? "error" : undefined} help={optionError ?? undefined}>
            <Flex vertical gap={6}>
              {optionDraft.map((option, index) => (
                <Flex gap={6} key={index}>
                  <Input
                    aria-label={`选项 ${index + 1} 代码`}
                    placeholder="代码"
                    value={option.value}
                    onChange={(e) => setOption(index, { value: e.target.value })}
                    style={{ width: 90 }}
                  />
                  <Input
                    aria-label={`选项 ${index + 1} 名称`}
                    placeholder="名称"
                    value={option.title}
                    onChange={(e) => setOption(index, { title: e.target.value })}
                  />
                  <Button
                    aria-label={`删除选项 ${index + 1}`}
                    icon={<DeleteOutlined />}
                    disabled={disabled || optionDraft.length <= 1}
                    onClick={() => {
                      const next = optionDraft.filter((_, i) => i !== index);
                      setOptionDraft(next);
                      if (!optionsProblem(next)) onOptions(next);
                    }}
                  />
                </Flex>
              ))}
              <Button
                icon={<PlusOutlined />}
                onClick={() => {
                  const next = [...optionDraft, { value: String(optionDraft.length + 1), title: `选项${optionDraft.length + 1}` }];
                  setOptionDraft(next);
                  if (!optionsProblem(next)) onOptions(next);
                }}
              >
                添加选项
              </Button>
            </Flex>
          </Form.Item>
        )}
        {kind === "multi" && (
          <Flex gap={8}>
            {numberItem("至少选几项", "minItems", 0)}
            {numberItem("至多选几项", "maxItems", 1)}
          </Flex>
        )}
        {kind === "table" && (
          <Flex gap={8}>
            {numberItem("最少行数", "minItems", 0)}
            {numberItem("最多行数", "maxItems", 1)}
          </Flex>
        )}
        {kind === "group" && (
          <Typography.Paragraph type="secondary">选中分组后，从左侧添加的字段会放进这个分组。</Typography.Paragraph>
        )}
        {kind === "table" && (
          <Typography.Paragraph type="secondary">选中明细表后，从左侧添加的字段会成为表的一列。</Typography.Paragraph>
        )}
      </Form>
    </section>
  );
}
