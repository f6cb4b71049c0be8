/** Every screen of the front end, with its menu entry. A new screen adds one line here. */
import type { ReactNode } from "react";
import { MatterEditor } from "../matter/MatterEditor";
import { ReviewPage } from "../matter/ReviewPage";
import { MattersPage } from "../pages/MattersPage";
import { ReviewsPage } from "../pages/ReviewsPage";

export interface AppRoute {
  path: string;
  element: ReactNode;
  /** Shown in the side menu when set; the first path segment selects it. */
  menu?: { key: string; label: string };
}

export const routes: AppRoute[] = [
  { path: "/matters", element: <MattersPage />, menu: { key: "matters", label: "事项工作台" } },
  { path: "/matters/new/:kind/:code", element: <MatterEditor isNew /> },
  { path: "/matters/:kind/:code", element: <MatterEditor /> },
  { path: "/reviews", element: <ReviewsPage />, menu: { key: "reviews", label: "待我审核" } },
  { path: "/reviews/:tenantCode/:kind/:code/:version", element: <ReviewPage /> },
];
