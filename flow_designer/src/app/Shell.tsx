import { Layout, Menu, Space, Typography } from "antd";
import { Link, Outlet, useLocation } from "react-router";
import { boot } from "../lib/boot";
import { routes } from "./routes";

const { Header, Sider, Content } = Layout;

export function Shell() {
  const { user, tenant, logoutUrl, classicUrl } = boot();
  const location = useLocation();
  const section = location.pathname.split("/")[1] ?? "";
  const items = routes
    .filter((route) => route.menu)
    .map((route) => ({ key: route.menu!.key, label: <Link to={route.path}>{route.menu!.label}</Link> }));
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Header style={{ display: "flex", alignItems: "center", gap: 16, paddingInline: 16 }}>
        <Typography.Text strong style={{ color: "#fff", fontSize: 18, whiteSpace: "nowrap" }}>
          通办 · 事项设计器
        </Typography.Text>
        <span style={{ flex: 1 }} />
        <Space size="middle" style={{ color: "#fff" }} wrap>
          {tenant && (
            <span data-testid="current-tenant">
              {tenant.name}（{tenant.levelLabel}）
            </span>
          )}
          <span>{user.name || user.username}</span>
          <a href={classicUrl} style={{ color: "#cfe0ff" }}>
            返回首页
          </a>
          <a href={logoutUrl} style={{ color: "#cfe0ff" }}>
            退出
          </a>
        </Space>
      </Header>
      <Layout>
        <Sider breakpoint="md" collapsedWidth={0} width={180} theme="light" aria-label="导航">
          <Menu mode="inline" selectedKeys={[section]} items={items} style={{ height: "100%" }} />
        </Sider>
        <Content style={{ padding: 16, minWidth: 0 }}>
          <main>
            <Outlet />
          </main>
        </Content>
      </Layout>
    </Layout>
  );
}
