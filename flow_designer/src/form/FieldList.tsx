/** The form's fields as a sortable tree: drag (pointer or keyboard: focus the handle, Space,
 * arrow keys, Space) or the 上移/下移 buttons reorder a field among its siblings. */
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, HolderOutlined, LockOutlined } from "@ant-design/icons";
import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from "@dnd-kit/core";
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { Badge, Button, Flex, Popconfirm, Tag, Tooltip, Typography } from "antd";
import type { JSX, KeyboardEvent } from "react";
import type { JsonSchema, Problem } from "../lib/types";
import { FIELD_KIND_LABELS, lockReason, parsePath, pathId, type FieldInfo } from "./schemaModel";
import { chineseMessage } from "../lib/problems";

export interface FieldListProps {
  fields: FieldInfo[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  onMove: (id: string, toIndex: number) => void;
  onRemove: (id: string) => void;
  problemsById: Map<string, Problem[]>;
  inherited?: JsonSchema;
  readOnly: boolean;
}

function titleOf(fields: FieldInfo[], id: string | number | undefined): string {
  const find = (list: FieldInfo[]): FieldInfo | undefined =>
    list.reduce<FieldInfo | undefined>((hit, f) => hit ?? (f.id === id ? f : find(f.children)), undefined);
  return find(fields)?.title ?? String(id ?? "");
}

export function FieldList(props: FieldListProps): JSX.Element {
  const { fields, onMove, readOnly } = props;
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const siblingsOf = (id: string): FieldInfo[] => {
    const parent = parsePath(id).slice(0, -1);
    let list = fields;
    for (let i = 0; i < parent.length; i += 1) {
      list = list.find((f) => f.id === pathId(parent.slice(0, i + 1)))?.children ?? [];
    }
    return list;
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `已拿起字段 ${titleOf(fields, active.id)}`,
    onDragOver: ({ active, over }) =>
      over ? `字段 ${titleOf(fields, active.id)} 移到 ${titleOf(fields, over.id)} 的位置` : `字段 ${titleOf(fields, active.id)} 不在可放置的位置`,
    onDragEnd: ({ active, over }) =>
      over ? `字段 ${titleOf(fields, active.id)} 已放到 ${titleOf(fields, over.id)} 的位置` : `字段 ${titleOf(fields, active.id)} 已放下`,
    onDragCancel: ({ active }) => `已取消移动字段 ${titleOf(fields, active.id)}`,
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const activeId = String(active.id);
    const siblings = siblingsOf(activeId);
    const to = siblings.findIndex((f) => f.id === String(over.id));
    if (to >= 0 && siblings.some((f) => f.id === activeId)) onMove(activeId, to);
  };
  if (fields.length === 0) {
    return <Typography.Paragraph type="secondary">表单还没有字段。请从左侧选择字段类型添加。</Typography.Paragraph>;
  }
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable: "按空格键拿起字段，用上下方向键移动，再按空格键放下，按 Esc 取消。",
        },
      }}
    >
      <Level {...props} list={fields} disabled={readOnly} />
    </DndContext>
  );
}

function Level(props: FieldListProps & { list: FieldInfo[]; disabled: boolean }): JSX.Element {
  const { list, disabled } = props;
  return (
    <SortableContext items={list.map((f) => f.id)} strategy={verticalListSortingStrategy} disabled={disabled}>
      <ul role="list" style={{ listStyle: "none", margin: 0, padding: 0 }}>
        {list.map((field, index) => (
          <Row key={field.id} {...props} field={field} index={index} count={list.length} />
        ))}
      </ul>
    </SortableContext>
  );
}

function Row(props: FieldListProps & { field: FieldInfo; index: number; count: number; disabled: boolean }): JSX.Element {
  const { field, index, count, selectedId, onSelect, onMove, onRemove, problemsById, inherited, readOnly } = props;
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: field.id,
    disabled: readOnly,
  });
  const locked = lockReason(field.path, inherited);
  const problems = problemsById.get(field.id) ?? [];
  const selected = selectedId === field.id;
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target === event.currentTarget && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      onSelect(field.id);
    }
  };
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition, opacity: isDragging ? 0.6 : 1, marginBottom: 6 }}
    >
      <div
        data-testid={`form-field-${field.id}`}
        role="button"
        tabIndex={0}
        aria-pressed={selected}
        aria-label={`字段 ${field.title}（${field.key}），${FIELD_KIND_LABELS[field.kind]}${field.required ? "，必填" : ""}${
          problems.length ? `，${problems.length} 个问题` : ""
        }`}
        onClick={() => onSelect(field.id)}
        onKeyDown={onKeyDown}
        style={{
          border: `1px solid ${selected ? "#1677ff" : problems.length ? "#ff4d4f" : "#d9d9d9"}`,
          background: selected ? "#e6f4ff" : "#fff",
          borderRadius: 6,
          padding: "6px 8px",
          cursor: "pointer",
        }}
      >
        <Flex align="center" gap={6} wrap>
          <Button
            ref={setActivatorNodeRef}
            type="text"
            size="small"
            icon={<HolderOutlined />}
            disabled={readOnly}
            aria-label={`拖动以排序：${field.title}`}
            {...attributes}
            {...listeners}
            onClick={(e) => e.stopPropagation()}
          />
          <Typography.Text strong style={{ flex: "1 1 120px", minWidth: 0 }} ellipsis>
            {field.title} <Typography.Text type="secondary" code>{field.key}</Typography.Text>
          </Typography.Text>
          <Tag>{field.common ? "通用字段" : FIELD_KIND_LABELS[field.kind]}</Tag>
          {field.required && <Tag color="red">必填</Tag>}
          {locked && (
            <Tooltip title={locked}>
              <LockOutlined aria-label={`已锁定：${locked}`} tabIndex={0} />
            </Tooltip>
          )}
          {problems.length > 0 && (
            <Tooltip title={problems.map((p) => chineseMessage(p.message)).join("\n")}>
              <Badge
                data-testid={`form-problem-${field.id}`}
                count={problems.length}
                aria-label={`${problems.length} 个问题：${problems.map((p) => chineseMessage(p.message)).join("；")}`}
                tabIndex={0}
              />
            </Tooltip>
          )}
          <Button
            size="small"
            icon={<ArrowUpOutlined />}
            aria-label={`上移 ${field.title}`}
            title="上移"
            disabled={readOnly || index === 0}
            onClick={(e) => {
              e.stopPropagation();
              onMove(field.id, index - 1);
            }}
          />
          <Button
            size="small"
            icon={<ArrowDownOutlined />}
            aria-label={`下移 ${field.title}`}
            title="下移"
            disabled={readOnly || index === count - 1}
            onClick={(e) => {
              e.stopPropagation();
              onMove(field.id, index + 1);
            }}
          />
          <Tooltip title={locked ?? "删除字段"}>
            <span onClick={(e) => e.stopPropagation()}>
              <Popconfirm
                title={`删除字段“${field.title}”？`}
                okText="删除"
                cancelText="取消"
                onConfirm={() => onRemove(field.id)}
                disabled={readOnly || locked !== null}
              >
                <Button
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={locked ? `不能删除 ${field.title}：${locked}` : `删除 ${field.title}`}
                  disabled={readOnly || locked !== null}
                />
              </Popconfirm>
            </span>
          </Tooltip>
        </Flex>
      </div>
      {field.children.length > 0 && (
        <div style={{ marginLeft: 24, marginTop: 6 }}>
          <Level {...props} list={field.children} />
        </div>
      )}
    </li>
  );
}
