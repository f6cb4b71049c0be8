/** A version diff grouped by section, sections in the order the editor's tabs show them. */
import type { DiffChange } from "./api";

const SECTION_ORDER = ["basic", "materials", "limits", "fees", "guide", "form", "flow"];

export function groupChanges(changes: DiffChange[]): [string, DiffChange[]][] {
  const groups = new Map<string, DiffChange[]>();
  for (const change of changes) groups.set(change.section, [...(groups.get(change.section) ?? []), change]);
  const rank = (section: string) => (SECTION_ORDER.includes(section) ? SECTION_ORDER.indexOf(section) : SECTION_ORDER.length);
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b));
}

