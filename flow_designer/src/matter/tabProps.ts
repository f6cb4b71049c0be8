import type { ProblemIndex } from "../lib/problems";
import type { Department, MatterDocument } from "../lib/types";

/** What every tab of the matter editor is handed. */
export interface TabProps {
  document: MatterDocument;
  onChange: (document: MatterDocument) => void;
  index: ProblemIndex;
  readOnly: boolean;
  departments: Department[];
  /** A new, never saved standard: its code may still be typed. */
  codeEditable?: boolean;
}
