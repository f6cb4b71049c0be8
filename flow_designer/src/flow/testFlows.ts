/** Test support: the demo tenants' flows, read from /work/main/tenants (node only). */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import type { Flow, JsonSchema } from "../lib/types";

export const TENANTS_DIR = fileURLToPath(new URL("../../../tenants", import.meta.url));

export interface DemoMatter {
  file: string;
  flow: Flow;
  form?: JsonSchema;
  timeLimits?: { legal?: number | string; promised?: number | string };
}

function matterFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return matterFiles(path);
    return dir.endsWith("/matters") && entry.name.endsWith(".yaml") ? [path] : [];
  });
}

export function demoMatters(): DemoMatter[] {
  return matterFiles(TENANTS_DIR).flatMap((file) => {
    const doc = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    if (!doc.flow) return [];
    return [
      {
        file: file.slice(TENANTS_DIR.length + 1),
        flow: doc.flow as Flow,
        form: doc.form as JsonSchema | undefined,
        timeLimits: doc.time_limits as DemoMatter["timeLimits"],
      },
    ];
  });
}

export function demoMatter(fileEnd: string): DemoMatter {
  const found = demoMatters().find((m) => m.file.endsWith(fileEnd));
  if (!found) throw new Error(`no demo matter ${fileEnd}`);
  return found;
}
