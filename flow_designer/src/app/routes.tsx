/** Every screen of the front end, with its menu entry. A new screen adds one line here. */
import type { ReactNode } from "react";
import { MattersPage } from "../pages/MattersPage";

export interface AppRoute {
  path: string;
  element: ReactNode;
  /** Shown in the side menu when set; the first path segment selects it. */
  menu?: { key: string; label: string };
}

export const routes: AppRoute[] = [
  { path: "/matters", element: <MattersPage />, menu: { key: "matters", label: "事项工作台" } },
];
