import { MenuOutlined } from "@ant-design/icons";
import { Button, Drawer, Grid, Layout, Menu, Space, Typography } from "antd";
import { useState } from "react";
import { Link, Outlet, useLocation } from "react-router";
import { boot } from "../lib/boot";
import { routes } from "./routes";

const { Header, Sider, Content } = Layout;

export function Shell() {
  const { user, tenant, logoutUrl, classicUrl } = boot();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const narrow = screens.md === false;
  const [menuOpen, setMenuOpen] = useState(false);
  const section = location.pathname.split("/")[1] ?? "";
  const items = routes
    .filter((route) => route.menu)
    .map((route) => ({ key: route.menu!.key, label: <Link to={route.path}>{route.menu!.label}</Link> }));
  const menu = (
    <Menu mode="inline" selectedKeys={[section]} items={items} onClick={() => setMenuOpen(false)} style={{ height: "100%", borderInlineEnd: 0 }} />
  );
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Header style={{ display: "flex", alignItems: "center", gap: 12, paddingInline: narrow ? 8 : 16, height: "auto", minHeight: 64, lineHeight: "normal", flexWrap: "wrap" }}>
        {narrow && (
          <Button type="text" icon={<MenuOutlined style={{ color: "#fff" }} />} aria-label="打开导航菜单" onClick={() => setMenuOpen(true)} />
        )}
        <Typography.Text strong style={{ color: "#fff", fontSize: narrow ? 16 : 18, whiteSpace: "nowrap" }}>
          通办 · 事项设计器
        </Typography.Text>
        <span style={{ flex: 1 }} />
        <Space size={narrow ? "small" : "middle"} style={{ color: "#fff", paddingBlock: 8 }} wrap>
          {tenant && (
            <span data-testid="current-tenant">
              {tenant.name}（{tenant.levelLabel}）
            </span>
          )}
          {!narrow && <span>{user.name || user.username}</span>}
          <a href={classicUrl} style={{ color: "#cfe0ff" }}>
            返回首页
          </a>
          <a href={logoutUrl} style={{ color: "#cfe0ff" }}>
            退出
          </a>
        </Space>
      </Header>
      <Layout>
        {narrow ? (
          <Drawer open={menuOpen} onClose={() => setMenuOpen(false)} placement="left" size={220} title="导航" styles={{ body: { padding: 0 } }}>
            <nav aria-label="导航">{menu}</nav>
          </Drawer>
        ) : (
          <Sider width={180} theme="light">
            <nav aria-label="导航" style={{ height: "100%" }}>
              {menu}
            </nav>
          </Sider>
        )}
        <Content style={{ padding: narrow ? 8 : 16, minWidth: 0 }}>
          <main>
            <Outlet />
          </main>
        </Content>
      </Layout>
    </Layout>
  );
}
