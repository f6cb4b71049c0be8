import { Button, Result } from "antd";
import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <Result
      status="404"
      title="页面不存在"
      subTitle="您访问的页面不存在，或您没有查看它的权限。"
      extra={
        <Link to="/matters">
          <Button type="primary">返回事项工作台</Button>
        </Link>
      }
    />
  );
}
