/** The form designer of a matter: palette | sortable field list (+ conditions) | properties |
 * live preview (the applicant's form, FormPreview).
 *
 * Stable test ids:
 * - `form-designer`            the whole designer
 * - `form-palette-<kind>`      a field type in the palette: text, textarea, number, money, date,
 *                              single, multi, boolean, table, group
 * - `form-palette-common-<name>` a reusable field of common.json (idCard, uscc, mobile, …)
 * - `form-field-<path>`        a field row; path = property keys joined by "." (a table
 *                              column is "table.column")
 * - `form-problem-<path>`      the problem badge on that row (server problems whose target is
 *                              {kind: "field", id: path}; a deeper path shows on its nearest row)
 * - `form-problems-other`      field problems whose field is not in the form
 * - `form-preview`             the live preview
 * - `form-section-<index>`     a conditional section (index among the sections, from 0)
 * - `form-section-add`         the button adding a conditional section
 */
import { Alert, Col, Empty, Row, Typography } from "antd";
import { useMemo, useState, type JSX } from "react";
import type { JsonSchema, Problem } from "../lib/types";
import { ConditionsPanel } from "./ConditionsPanel";
import { FieldList } from "./FieldList";
import { FieldProperties } from "./FieldProperties";
import { FormPreview } from "./FormPreview";
import { Palette } from "./Palette";
import { SectionsPanel } from "./SectionsPanel";
import { chineseMessage } from "../lib/problems";
import {
  addField,
  addLockReason,
  conditionLockReason,
  fieldAt,
  listConditions,
  listFields,
  listSectionFields,
  listSections,
  lockReason,
  moveField,
  parsePath,
  pathId,
  removeField,
  renameField,
  requiredLockReason,
  sectionLockReason,
  setConditions,
  setOptions,
  setRequired,
  updateField,
  type FieldInfo,
  type FieldPath,
} from "./schemaModel";

export interface FormDesignerProps {
  /** The matter's `form` (JSON Schema 2020-12); may use $ref "urn:tongban:common#/$defs/x". */
  schema: JsonSchema;
  onChange: (schema: JsonSchema) => void;
  /** Server problems; those with target.kind "field" (id = "a.b" path) belong on fields. */
  problems: Problem[];
  /** The standard's form (for an implementation): its fields are locked (docs/conformance.md). */
  inherited?: JsonSchema;
  readOnly?: boolean;
}

function flatten(fields: FieldInfo[]): FieldInfo[] {
  return fields.flatMap((f) => [f, ...flatten(f.children)]);
}

/** Field problems by row id: each on its own row, or on the nearest row above it. */
export function groupFieldProblems(problems: Problem[], ids: Set<string>): { byId: Map<string, Problem[]>; other: Problem[] } {
  const byId = new Map<string, Problem[]>();
  const other: Problem[] = [];
  for (const problem of problems) {
    if (problem.target?.kind !== "field") continue;
    let path = parsePath(problem.target.id);
    while (path.length > 0 && !ids.has(pathId(path))) path = path.slice(0, -1);
    if (path.length === 0) {
      other.push(problem);
      continue;
    }
    const id = pathId(path);
    byId.set(id, [...(byId.get(id) ?? []), problem]);
  }
  return { byId, other };
}

export function FormDesigner({ schema, onChange, problems, inherited, readOnly = false }: FormDesignerProps): JSX.Element {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [previewPassed, setPreviewPassed] = useState(false);
  const fields = useMemo(() => listFields(schema), [schema]);
  // The form's own fields and those of its conditional sections (paths are [key] for both).
  const all = useMemo(
    () => [...flatten(fields), ...listSections(schema).flatMap((_, i) => flatten(listSectionFields(schema, i)))],
    [fields, schema],
  );
  const selected = all.find((f) => f.id === selectedId) ?? null;
  const { byId, other } = useMemo(() => groupFieldProblems(problems, new Set(all.map((f) => f.id))), [problems, all]);
  const conditions = useMemo(() => listConditions(schema), [schema]);

  // New fields go into the selected group or table, else the form itself.
  const target: FieldPath = selected && (selected.kind === "group" || selected.kind === "table") ? selected.path : [];
  const targetLabel = target.length ? `“${selected?.title}”` : "表单末尾";
  const addReason = readOnly ? "只读：不能修改表单" : addLockReason(schema, target, inherited);
  const selectedPath = selected?.path ?? [];
  const selectedField = selected ? fieldAt(schema, selected.path) : undefined;

  return (
    <div data-testid="form-designer">
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8} xl={4}>
          <Palette
            targetLabel={targetLabel}
            disabledReason={addReason}
            onAdd={(what) => {
              const added = addField(schema, target, what);
              onChange(added.schema);
              setSelectedId(pathId(added.path));
            }}
          />
        </Col>
        <Col xs={24} md={16} xl={7}>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            表单字段
          </Typography.Title>
          {other.length > 0 && (
            <Alert
              data-testid="form-problems-other"
              type="error"
              showIcon
              style={{ marginBottom: 8 }}
              title="以下问题涉及的字段不在表单中"
              description={
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {other.map((p, i) => (
                    <li key={i}>{chineseMessage(p.message)}</li>
                  ))}
                </ul>
              }
            />
          )}
          <FieldList
            fields={fields}
            selectedId={selectedId}
            onSelect={setSelectedId}
            problemsById={byId}
            inherited={inherited}
            readOnly={readOnly}
            onMove={(id, toIndex) => onChange(moveField(schema, parsePath(id), toIndex))}
            onRemove={(id) => {
              onChange(removeField(schema, parsePath(id)));
              if (selectedId === id || selectedId?.startsWith(`${id}.`)) setSelectedId(null);
            }}
          />
          <ConditionsPanel
            schema={schema}
            fields={fields}
            conditions={conditions}
            lockedReason={conditionLockReason(inherited)}
            readOnly={readOnly}
            onChange={(next) => onChange(setConditions(schema, next))}
          />
          <SectionsPanel
            schema={schema}
            fields={fields}
            onChange={onChange}
            selectedId={selectedId}
            onSelect={setSelectedId}
            problemsById={byId}
            inherited={inherited}
            lockedReason={sectionLockReason(inherited)}
            readOnly={readOnly}
          />
        </Col>
        <Col xs={24} md={12} xl={6}>
          {selected && selectedField ? (
            <FieldProperties
              key={selected.id}
              schema={schema}
              path={selectedPath}
              field={selectedField}
              required={selected.required}
              lockedReason={lockReason(selectedPath, inherited)}
              requiredLockedReason={requiredLockReason(selectedPath, inherited)}
              readOnly={readOnly}
              onRename={(key) => {
                onChange(renameField(schema, selectedPath, key));
                setSelectedId(pathId([...selectedPath.slice(0, -1), key]));
              }}
              onPatch={(patch) => onChange(updateField(schema, selectedPath, patch))}
              onRequired={(required) => onChange(setRequired(schema, selectedPath, required))}
              onOptions={(options) => onChange(setOptions(schema, selectedPath, options))}
            />
          ) : (
            <Empty description="选择左侧列表中的字段以编辑其属性" />
          )}
        </Col>
        <Col xs={24} md={12} xl={7}>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            申请人看到的表单（预览，可试填）
          </Typography.Title>
          {previewPassed && (
            <Alert type="success" showIcon role="status" style={{ marginBottom: 8 }} title="试填内容通过校验（与服务器规则一致），未提交到任何地方。" />
          )}
          <FormPreview
            schema={schema}
            showSubmit
            onChange={() => setPreviewPassed(false)}
            onSubmit={() => setPreviewPassed(true)}
          />
        </Col>
      </Row>
    </div>
  );
}
