/** The palette: field types and the reusable fields of common.json. Each entry is a button
 * (keyboard and screen-reader usable) that adds the field to `targetLabel`. */
import { Button, Flex, Tooltip, Typography } from "antd";
import type { JSX } from "react";
import { COMMON_FIELDS } from "./commonFields";
import { FIELD_KIND_LABELS, FIELD_KINDS, type FieldKind } from "./schemaModel";

export interface PaletteProps {
  onAdd: (what: { kind: FieldKind } | { common: string }) => void;
  targetLabel: string;
  disabledReason: string | null;
}

export function Palette({ onAdd, targetLabel, disabledReason }: PaletteProps): JSX.Element {
  const disabled = disabledReason !== null;
  const entry = (testId: string, label: string, help: string, add: () => void) => (
    <Tooltip key={testId} title={disabledReason ?? help} placement="right">
      <Button
        block
        data-testid={testId}
        disabled={disabled}
        aria-label={`添加${label}到${targetLabel}`}
        onClick={add}
        style={{ justifyContent: "flex-start" }}
      >
        {label}
      </Button>
    </Tooltip>
  );
  return (
    <nav aria-label="字段组件">
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        字段类型
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        点击添加到：{targetLabel}
      </Typography.Paragraph>
      <Flex vertical gap={6}>
        {FIELD_KINDS.map((kind) =>
          entry(`form-palette-${kind}`, FIELD_KIND_LABELS[kind], `添加一个${FIELD_KIND_LABELS[kind]}字段`, () =>
            onAdd({ kind }),
          ),
        )}
      </Flex>
      <Typography.Title level={5}>通用字段</Typography.Title>
      <Flex vertical gap={6}>
        {COMMON_FIELDS.map((field) =>
          entry(`form-palette-common-${field.name}`, field.label, field.description, () =>
            onAdd({ common: field.name }),
          ),
        )}
      </Flex>
    </nav>
  );
}
