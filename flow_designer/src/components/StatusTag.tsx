import { Tag } from "antd";
import { KIND_LABELS, STATUS_LABELS } from "../matter/labels";

export function StatusTag({ status }: { status: string }) {
  const known = STATUS_LABELS[status];
  return <Tag color={known?.color ?? "default"}>{known?.label ?? status}</Tag>;
}

export function KindTag({ kind }: { kind: string }) {
  const standard = kind.toUpperCase() === "STANDARD";
  return <Tag color={standard ? "blue" : "green"}>{KIND_LABELS[kind] ?? kind}</Tag>;
}

/** 符合 / N 个问题 */
export function ConformanceTag({ count, testId }: { count: number; testId?: string }) {
  return (
    <Tag color={count ? "error" : "success"} data-testid={testId}>
      {count ? `${count} 个问题` : "符合"}
    </Tag>
  );
}
