/** The one front end: antd in Chinese, one layout, one router under /designer/. Screens
 * (designer now; workbench, portal and reports later) are routes below it. */
import { App as AntApp, ConfigProvider } from "antd";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { Shell } from "./Shell";
import { routes } from "./routes";
import { NotFoundPage } from "../pages/NotFoundPage";

dayjs.locale("zh-cn");

export const BASENAME = "/designer";

export function App() {
  return (
    <ConfigProvider
      locale={zhCN}
      theme={{ token: { colorPrimary: "#1f5fbf", borderRadius: 4, fontFamily: "'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif" } }}
    >
      <AntApp>
        <BrowserRouter basename={BASENAME}>
          <Routes>
            <Route element={<Shell />}>
              <Route index element={<Navigate to="/matters" replace />} />
              {routes.map((route) => (
                <Route key={route.path} path={route.path} element={route.element} />
              ))}
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}
