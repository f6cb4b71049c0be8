/** Live conformance: the document is re-checked ~400 ms after the last edit; a newer check
 * aborts the older one, and an answer that is not the newest is dropped (LatestRequest). */
import { useEffect, useRef, useState } from "react";
import type { MatterDocument, Problem } from "../lib/types";
import { validateDefinition } from "./api";
import { LatestRequest } from "./latest";

export interface Conformance {
  problems: Problem[];
  checking: boolean;
  error: string | null;
  /** Whether the problems shown belong to the document as it is now. */
  current: boolean;
}

export const CONFORMANCE_DELAY_MS = 400;

export function useConformance(document: MatterDocument | null): Conformance {
  const [state, setState] = useState<Conformance>({ problems: [], checking: false, error: null, current: false });
  const latest = useRef(new LatestRequest<Problem[]>());

  useEffect(() => {
    if (!document) return undefined;
    const requests = latest.current;
    requests.supersede();
    setState((s) => ({ ...s, current: false }));
    const timer = window.setTimeout(() => {
      setState((s) => ({ ...s, checking: true }));
      requests
        .run((signal) => validateDefinition(document, signal))
        .then((answer) => {
          if (answer) setState({ problems: answer.value, checking: false, error: null, current: true });
        })
        .catch((error: Error) => setState((s) => ({ ...s, checking: false, error: `合规检查失败：${error.message}` })));
    }, CONFORMANCE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [document]);

  useEffect(() => () => latest.current.supersede(), []);
  return state;
}
