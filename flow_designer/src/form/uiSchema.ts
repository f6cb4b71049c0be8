/** The rjsf uiSchema and translations that go with a form schema. The form itself stores no
 * uiSchema: everything here is derived from the schema, so the portal renders what the
 * designer previews. */
import type { UiSchema } from "@rjsf/utils";
import { replaceStringParameters, TranslatableString } from "@rjsf/utils";
import type { JsonSchema } from "../lib/types";
import { dereference } from "./commonFields";
import { isSchema } from "./schemaModel";

/** Widgets by schema shape: `x-widget: textarea` → 多行文本, boolean → 是/否 radio, an array
 * of coded options → check boxes; groups and table rows recursively; the fields of conditional
 * sections (`allOf` … `then.properties`) too. */
export function buildUiSchema(schema: JsonSchema, root: JsonSchema = schema): UiSchema {
  const ui: UiSchema = {};
  const resolved = dereference(schema, root);
  const props = { ...conditionalProperties(resolved), ...(isSchema(resolved.properties) ? resolved.properties : {}) };
  for (const [key, value] of Object.entries(props)) {
    if (!isSchema(value)) continue;
    const field = dereference(value, root);
    if (field["x-widget"] === "textarea") ui[key] = { "ui:widget": "textarea", "ui:options": { rows: 4 } };
    else if (field.type === "boolean") ui[key] = { "ui:widget": "radio" };
    else if (field.type === "object") ui[key] = buildUiSchema(field, root);
    else if (field.type === "array" && isSchema(field.items)) {
      const items = dereference(field.items, root);
      if (items.type === "object") ui[key] = { items: buildUiSchema(items, root) };
      else if (field.uniqueItems === true) ui[key] = { "ui:widget": "checkboxes" };
    }
  }
  return ui;
}

/** The fields that `allOf` entries bring in through `then` / `else` (conditional sections,
 * schemaModel.Section): rjsf shows them when their condition holds, with these widgets. */
function conditionalProperties(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of Array.isArray(schema.allOf) ? schema.allOf : []) {
    if (!isSchema(entry)) continue;
    for (const branch of [entry.then, entry.else]) {
      if (isSchema(branch) && isSchema(branch.properties)) Object.assign(out, branch.properties);
    }
  }
  return out;
}

const ZH: Partial<Record<TranslatableString, string>> = {
  [TranslatableString.ArrayItemTitle]: "第 %1 项",
  [TranslatableString.MissingItems]: "缺少明细项定义",
  [TranslatableString.EmptyArray]: "尚无内容，请点击下方按钮添加。",
  [TranslatableString.YesLabel]: "是",
  [TranslatableString.NoLabel]: "否",
  [TranslatableString.CloseLabel]: "关闭",
  [TranslatableString.ErrorsLabel]: "请修改以下问题",
  [TranslatableString.NewStringDefault]: "新值",
  [TranslatableString.AddButton]: "添加",
  [TranslatableString.AddItemButton]: "添加一行",
  [TranslatableString.CopyButton]: "复制",
  [TranslatableString.ExpandButton]: "展开",
  [TranslatableString.MoveDownButton]: "下移",
  [TranslatableString.MoveUpButton]: "上移",
  [TranslatableString.RemoveButton]: "删除",
  [TranslatableString.NowLabel]: "现在",
  [TranslatableString.ClearLabel]: "清除",
  [TranslatableString.AriaDateLabel]: "选择日期",
  [TranslatableString.PreviewLabel]: "预览",
  [TranslatableString.DecrementAriaLabel]: "减 1",
  [TranslatableString.IncrementAriaLabel]: "加 1",
  [TranslatableString.OptionalObjectAdd]: "填写此项",
  [TranslatableString.OptionalObjectRemove]: "不填此项",
  [TranslatableString.OptionalObjectEmptyMsg]: "此项未填写",
  [TranslatableString.Type]: "类型",
  [TranslatableString.Value]: "值",
  [TranslatableString.ClearButton]: "清空",
  [TranslatableString.UnknownFieldType]: "未知的字段类型 %1",
  [TranslatableString.OptionPrefix]: "选项 %1",
  [TranslatableString.TitleOptionPrefix]: "%1 选项 %2",
  [TranslatableString.KeyLabel]: "%1 键",
  [TranslatableString.DeprecatedLabel]: "%1（已停用）",
  [TranslatableString.CycleDetected]: "字段“%1”存在循环引用",
  [TranslatableString.InvalidObjectField]: "对象字段“%1”配置无效：%2",
  [TranslatableString.UnsupportedField]: "不支持的字段定义",
  [TranslatableString.UnsupportedFieldWithId]: "字段 %1 的定义不受支持",
  [TranslatableString.UnsupportedFieldWithReason]: "不支持的字段定义：%1",
  [TranslatableString.UnsupportedFieldWithIdAndReason]: "字段 %1 的定义不受支持：%2",
  [TranslatableString.FilesInfo]: "**%1**（%2，%3 字节）",
};

/** rjsf's own strings in Chinese (every TranslatableString has an entry; a test checks). */
export function translateZh(key: TranslatableString, params?: string[]): string {
  return replaceStringParameters(ZH[key] ?? key, params);
}

export const ZH_STRINGS = ZH;
