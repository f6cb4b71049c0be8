/** 申请材料: a table editor — add, remove, reorder (buttons, keyboard-usable), every field of
 * a material, 免提交 (waivable by data sharing / e-licence, waived here) with its reason,
 * and each material's problems on its own row (matched by code, not position). */
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Checkbox, Input, InputNumber, Select, Space, Table, Tag, Tooltip } from "antd";
import { InlineProblems } from "../components/InlineProblems";
import { problemsFor } from "../lib/problems";
import { chineseMessage } from "../lib/problems";
import { materialsOf, moveItem, nextCode, setMaterialField, setTop, type Material } from "./document";
import { MATERIAL_SOURCES } from "./labels";
import type { TabProps } from "./tabProps";

export function waiverReason(material: Material): string | null {
  if (material.waived) return "免提交：本级通过数据共享或电子证照自行获取，申请人无需提交";
  if (material.waivable) return "可免提交：可通过数据共享或电子证照获取，本级可选择免提交";
  return null;
}

export function MaterialsTab({ document, onChange, index, readOnly }: TabProps) {
  const materials = materialsOf(document);
  const setMaterials = (next: Material[]) => onChange(setTop(document, "materials", next));
  const update = (position: number, key: string, value: unknown) =>
    setMaterials(materials.map((m, i) => (i === position ? setMaterialField(m, key, value) : m)));
  const listProblems = problemsFor(index, "document", "materials");

  const add = () => setMaterials([...materials, { code: nextCode("M", materials.map((m) => m.code)), name: "" }]);

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      {listProblems.map((p, i) => (
        <Alert key={i} type="error" showIcon title={chineseMessage(p.message)} />
      ))}
      <Table<Material>
        data-testid="materials-table"
        size="small"
        rowKey={(_, i) => String(i)}
        dataSource={materials}
        pagination={false}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: "尚无申请材料" }}
        onRow={(m) => ({ "data-testid": `material-row-${m.code}`, id: `material-row-${m.code}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: "序号",
            width: 96,
            render: (_, m, i) => (
              <Space size={2}>
                <span>{i + 1}</span>
                {!readOnly && (
                  <>
                    <Button size="small" type="text" icon={<ArrowUpOutlined />} aria-label={`上移 ${m.name || m.code}`} disabled={i === 0}
                      onClick={() => setMaterials(moveItem(materials, i, i - 1))} />
                    <Button size="small" type="text" icon={<ArrowDownOutlined />} aria-label={`下移 ${m.name || m.code}`} disabled={i === materials.length - 1}
                      onClick={() => setMaterials(moveItem(materials, i, i + 1))} />
                  </>
                )}
              </Space>
            ),
          },
          {
            title: "材料编码",
            width: 110,
            render: (_, m, i) => (
              <Input size="small" value={m.code} aria-label={`材料 ${i + 1} 编码`} disabled={readOnly} style={{ width: 96 }}
                onChange={(e) => update(i, "code", e.target.value)} />
            ),
          },
          {
            title: "材料名称",
            render: (_, m, i) => (
              <Space orientation="vertical" size={2} style={{ minWidth: 220 }}>
                <Input size="small" value={m.name} aria-label={`材料 ${i + 1} 名称`} disabled={readOnly} maxLength={200}
                  onChange={(e) => update(i, "name", e.target.value)} />
                {waiverReason(m) && <Tag color={m.waived ? "blue" : "default"} style={{ whiteSpace: "normal" }}>{waiverReason(m)}</Tag>}
                <InlineProblems problems={problemsFor(index, "material", m.code)} testId={`material-problem-${m.code}`} />
              </Space>
            ),
          },
          {
            title: "必要",
            render: (_, m, i) => (
              <Checkbox checked={m.required !== false} disabled={readOnly} aria-label={`材料 ${m.name || m.code} 必要`}
                onChange={(e) => update(i, "required", e.target.checked)} />
            ),
          },
          {
            title: "原件（份）",
            render: (_, m, i) => (
              <InputNumber size="small" min={0} precision={0} value={m.originals ?? 0} disabled={readOnly} aria-label={`材料 ${m.name || m.code} 原件份数`}
                style={{ width: 72 }} onChange={(v) => update(i, "originals", v ?? 0)} />
            ),
          },
          {
            title: "复印件（份）",
            render: (_, m, i) => (
              <InputNumber size="small" min={0} precision={0} value={m.copies ?? 0} disabled={readOnly} aria-label={`材料 ${m.name || m.code} 复印件份数`}
                style={{ width: 72 }} onChange={(v) => update(i, "copies", v ?? 0)} />
            ),
          },
          {
            title: "页数上限",
            render: (_, m, i) => (
              <InputNumber size="small" min={1} precision={0} value={m.page_limit} placeholder="不限" disabled={readOnly}
                aria-label={`材料 ${m.name || m.code} 页数上限`} style={{ width: 80 }} onChange={(v) => update(i, "page_limit", v ?? undefined)} />
            ),
          },
          {
            title: "来源",
            render: (_, m, i) => (
              <Select size="small" value={m.source ?? "applicant"} disabled={readOnly} aria-label={`材料 ${m.name || m.code} 来源`} style={{ width: 130 }}
                options={Object.entries(MATERIAL_SOURCES).map(([value, label]) => ({ value, label }))} onChange={(v) => update(i, "source", v)} />
            ),
          },
          {
            title: <Tooltip title="可通过数据共享或电子证照获取（由上级标准标记）">可免提交</Tooltip>,
            render: (_, m, i) => (
              <Checkbox checked={m.waivable === true} disabled={readOnly} aria-label={`材料 ${m.name || m.code} 可免提交`}
                onChange={(e) => update(i, "waivable", e.target.checked)} />
            ),
          },
          {
            title: <Tooltip title="本级自行获取，申请人无需提交">免提交</Tooltip>,
            render: (_, m, i) => (
              <Checkbox checked={m.waived === true} disabled={readOnly} aria-label={`材料 ${m.name || m.code} 免提交`}
                onChange={(e) => update(i, "waived", e.target.checked)} />
            ),
          },
          {
            title: "操作",
            render: (_, m, i) =>
              readOnly ? null : (
                <Button size="small" danger type="text" icon={<DeleteOutlined />} aria-label={`删除材料 ${m.name || m.code}`}
                  onClick={() => setMaterials(materials.filter((_, j) => j !== i))}>
                  删除
                </Button>
              ),
          },
        ]}
      />
      {!readOnly && (
        <Button icon={<PlusOutlined />} onClick={add} data-testid="add-material">
          添加材料
        </Button>
      )}
    </Space>
  );
}
