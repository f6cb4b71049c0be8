/** The parent's three verdicts (三报三审) as typed, and what keeps them from being sent. */
import type { ReviewInput } from "./api";
import { VERDICT_KEYS, VERDICT_LABELS, type VerdictKey } from "./labels";

export interface VerdictDraft {
  ok: boolean | null;
  comment: string;
}

export type Verdicts = Record<VerdictKey, VerdictDraft>;

/** Why the verdicts cannot be sent as they are, per action (null: they can). */
export function verdictProblems(verdicts: Verdicts): { approve: string | null; return: string | null } {
  const undecided = VERDICT_KEYS.filter((k) => verdicts[k].ok === null).map((k) => VERDICT_LABELS[k]);
  const failed = VERDICT_KEYS.filter((k) => verdicts[k].ok === false);
  const uncommented = failed.filter((k) => !verdicts[k].comment.trim()).map((k) => VERDICT_LABELS[k]);
  const pending = undecided.length ? `请对${undecided.join("、")}作出审核结论` : null;
  return {
    approve: pending ?? (failed.length ? "有不通过的审核项，只能退回" : null),
    return: pending ?? (!failed.length ? "三项均通过时请选择审核通过；退回须至少一项不通过" : uncommented.length ? `${uncommented.join("、")}不通过，须填写意见` : null),
  };
}

export function reviewInput(verdicts: Verdicts): ReviewInput {
  return {
    authenticityOk: verdicts.authenticity.ok === true,
    authenticityComment: verdicts.authenticity.comment.trim(),
    legalityOk: verdicts.legality.ok === true,
    legalityComment: verdicts.legality.comment.trim(),
    rationalityOk: verdicts.rationality.ok === true,
    rationalityComment: verdicts.rationality.comment.trim(),
  };
}

