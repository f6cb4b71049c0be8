/** Keeps one failing part of a screen (a designer, a preview) from blanking the whole page. */
import { Alert } from "antd";
import { Component, type ErrorInfo, type ReactNode } from "react";

interface Props {
  what: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.what}出错`, error, info.componentStack);
  }

  render() {
    if (this.state.error) {
      return <Alert type="error" showIcon title={`${this.props.what}无法显示`} description={`请刷新页面重试；如仍出错，请联系平台管理员。（${this.state.error.message.slice(0, 200)}）`} />;
    }
    return this.props.children;
  }
}
