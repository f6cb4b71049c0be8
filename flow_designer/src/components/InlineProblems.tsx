/** The problems of one item (a material, a field…), in Chinese, right where the item is. */
import { Typography } from "antd";
import type { Problem } from "../lib/types";
import { chineseMessage } from "../lib/problems";

export function InlineProblems({ problems, testId }: { problems: Problem[]; testId?: string }) {
  if (!problems.length) return null;
  return (
    <div data-testid={testId} role="alert">
      {problems.map((problem, index) => (
        <Typography.Text key={`${problem.code}-${index}`} type="danger" style={{ display: "block", fontSize: 12 }}>
          {chineseMessage(problem.message)}
        </Typography.Text>
      ))}
    </div>
  );
}

/** Form.Item props that mark a control as wrong and say why. */
export function fieldStatus(problems: Problem[]): { validateStatus?: "error"; help?: string } {
  if (!problems.length) return {};
  return { validateStatus: "error", help: problems.map((p) => chineseMessage(p.message)).join("；") };
}
