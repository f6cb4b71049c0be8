/** A control that may be disabled, with a tooltip saying why (a disabled button gets no
 * pointer events, so the tooltip sits on a wrapper). */
import { Tooltip } from "antd";
import type { ReactNode } from "react";

export function Guarded({ reason, children }: { reason: string | null; children: ReactNode }) {
  if (!reason) return <>{children}</>;
  return (
    <Tooltip title={reason}>
      <span style={{ display: "inline-block" }} tabIndex={0} aria-label={reason}>
        {children}
      </span>
    </Tooltip>
  );
}
