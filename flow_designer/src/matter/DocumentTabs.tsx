/** The tabs of a matter document, shared by the editor and the parent's review screen
 * (read-only there). Each tab's label carries its problem count. */
import { Badge, Spin, Tabs } from "antd";
import { lazy, Suspense, type ReactNode } from "react";
import { ErrorBoundary } from "../components/ErrorBoundary";
import type { EditorTab } from "../lib/problems";
import type { Flow, JsonSchema } from "../lib/types";
import { BasicTab } from "./BasicTab";
import { daysValue, limitsOf, setTop } from "./document";
import { GuideTab } from "./GuideTab";
import { LimitsTab } from "./LimitsTab";
import { MaterialsTab } from "./MaterialsTab";
import { TAB_LABELS } from "./ProblemsPanel";
import type { TabProps } from "./tabProps";

// Loaded when their tab is first opened: the workbench and the other tabs do not wait for
// React Flow and rjsf, and a designer that fails shows an error in its tab only.
const FlowDesigner = lazy(() => import("../flow/FlowDesigner").then((m) => ({ default: m.FlowDesigner })));
const FormDesigner = lazy(() => import("../form/FormDesigner").then((m) => ({ default: m.FormDesigner })));

function Designer({ what, children }: { what: string; children: ReactNode }) {
  return (
    <ErrorBoundary what={what}>
      <Suspense fallback={<Spin description={`正在载入${what}…`} style={{ display: "block", padding: 48 }} />}>{children}</Suspense>
    </ErrorBoundary>
  );
}

const EMPTY_FLOW: Flow = { nodes: [], edges: [] };
const EMPTY_FORM: JsonSchema = { type: "object", properties: {} };

interface Props extends TabProps {
  active: EditorTab;
  onActive: (tab: EditorTab) => void;
  reviewTab?: ReactNode;
  inheritedForm?: JsonSchema;
}

export function DocumentTabs(props: Props) {
  const { document, onChange, index, readOnly, departments, active, onActive, reviewTab, inheritedForm } = props;
  const limits = limitsOf(document);
  const label = (tab: EditorTab) => (
    <span data-testid={`editor-tab-${tab}`}>
      {TAB_LABELS[tab]}
      {index.byTab[tab].length > 0 && (
        <Badge count={index.byTab[tab].length} size="small" style={{ marginInlineStart: 6 }} aria-label={`${index.byTab[tab].length} 个问题`} />
      )}
    </span>
  );
  const items: { key: EditorTab; label: ReactNode; children: ReactNode }[] = [
    { key: "basic", label: label("basic"), children: <BasicTab {...props} /> },
    { key: "materials", label: label("materials"), children: <MaterialsTab {...props} /> },
    { key: "limits", label: label("limits"), children: <LimitsTab {...props} /> },
    { key: "guide", label: label("guide"), children: <GuideTab {...props} /> },
    {
      key: "form",
      label: label("form"),
      children: (
        <Designer what="表单设计器">
        <FormDesigner
          schema={(document.form as JsonSchema | undefined) ?? EMPTY_FORM}
          onChange={(form) => onChange(setTop(document, "form", form))}
          problems={index.byTab.form}
          inherited={inheritedForm}
          readOnly={readOnly}
        />
        </Designer>
      ),
    },
  ];
  if (document.kind === "implementation") {
    items.push({
      key: "flow",
      label: label("flow"),
      children: (
        <Designer what="流程设计器">
        <FlowDesigner
          flow={document.flow ?? EMPTY_FLOW}
          onChange={(flow) => onChange(setTop(document, "flow", flow))}
          problems={index.byTab.flow}
          departments={departments}
          formSchema={document.form}
          promisedDays={daysValue(limits.promised)}
          legalDays={daysValue(limits.legal)}
          readOnly={readOnly}
        />
        </Designer>
      ),
    });
  }
  if (reviewTab) items.push({ key: "review", label: label("review"), children: reviewTab });
  // tabs that do not fit (phones) are under "more", opened by a tap or click, not by hover
  return <Tabs activeKey={active} onChange={(key) => onActive(key as EditorTab)} items={items} more={{ trigger: ["click"] }} />;
}
