/** The applicant's form exactly as the portal renders it: rjsf with the antd theme, the
 * server's validation rules (./validation) and Chinese throughout. */
import Form, { Templates } from "@rjsf/antd";
import type { IChangeEvent } from "@rjsf/core";
import { TranslatableString, type IconButtonProps, type RJSFSchema, type TemplatesType, type ValidatorType } from "@rjsf/utils";
import type { ComponentType } from "react";
import { useMemo, useRef, useState, type JSX } from "react";
import type { JsonSchema } from "../lib/types";
import { inlineCommonRefs } from "./commonFields";
import { buildUiSchema, translateZh } from "./uiSchema";
import { makeTransformErrors, validator } from "./validation";

export interface FormPreviewProps {
  schema: JsonSchema;
  formData?: unknown;
  onChange?: (data: unknown) => void;
  onSubmit?: (data: unknown) => void;
  showSubmit?: boolean;
}

/** The shared validator, noting the data it validates so messages can quote check-digit
 * problems of the value (rjsf's transformErrors receives the errors only). */
function recordingValidator(seen: { current: unknown }): ValidatorType {
  const wrapped: ValidatorType = Object.create(validator);
  wrapped.validateFormData = (formData, schema, customValidate, transformErrors, uiSchema) => {
    seen.current = formData;
    return validator.validateFormData(formData, schema, customValidate, transformErrors, uiSchema);
  };
  return wrapped;
}

type ButtonName = "AddButton" | "CopyButton" | "MoveDownButton" | "MoveUpButton" | "RemoveButton" | "ClearButton";
const BUTTON_LABELS: Record<ButtonName, TranslatableString> = {
  AddButton: TranslatableString.AddItemButton,
  CopyButton: TranslatableString.CopyButton,
  MoveDownButton: TranslatableString.MoveDownButton,
  MoveUpButton: TranslatableString.MoveUpButton,
  RemoveButton: TranslatableString.RemoveButton,
  ClearButton: TranslatableString.ClearButton,
};

/** The antd theme's icon buttons named in Chinese for screen readers (their icons carry
 * English aria-labels such as "delete"). */
const buttonTemplates = Object.fromEntries(
  (Object.keys(BUTTON_LABELS) as ButtonName[]).map((name) => {
    const Base = Templates.ButtonTemplates?.[name] as ComponentType<IconButtonProps>;
    const Labelled = (props: IconButtonProps) => (
      <Base aria-label={props.registry.translateString(BUTTON_LABELS[name])} {...props} />
    );
    return [name, Labelled];
  }),
) as Partial<TemplatesType["ButtonTemplates"]>;

export function FormPreview({ schema, formData, onChange, onSubmit, showSubmit = true }: FormPreviewProps): JSX.Element {
  const seen = useRef<unknown>(undefined);
  const wrapped = useMemo(() => recordingValidator(seen), []);
  const rendered = useMemo(() => inlineCommonRefs(schema), [schema]);
  const uiSchema = useMemo(
    () => ({
      ...buildUiSchema(rendered),
      "ui:submitButtonOptions": { submitText: "提交", norender: !showSubmit, props: { type: "primary" } },
    }),
    [rendered, showSubmit],
  );
  const transformErrors = useMemo(() => makeTransformErrors(rendered, () => seen.current), [rendered]);
  const [local, setLocal] = useState<unknown>(formData);
  const data = formData !== undefined ? formData : local;

  return (
    <div data-testid="form-preview" className="tb-form-preview">
      <Form
        schema={rendered as RJSFSchema}
        uiSchema={uiSchema}
        formData={data}
        validator={wrapped}
        transformErrors={transformErrors}
        translateString={translateZh}
        templates={{ ButtonTemplates: buttonTemplates }}
        liveValidate="onChange"
        showErrorList="top"
        noHtml5Validate
        idPrefix="tb-form"
        onChange={(event: IChangeEvent) => {
          setLocal(event.formData);
          onChange?.(event.formData);
        }}
        onSubmit={(event: IChangeEvent) => onSubmit?.(event.formData)}
      />
    </div>
  );
}
