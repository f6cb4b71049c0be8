/** Someone else saved this draft while it was being edited: nothing is lost — the edits stay
 * on the page until the admin chooses to look at the other version, overwrite it, or drop
 * their own edits. */
import { Alert, Button, Modal, Space, Typography } from "antd";

export interface DraftConflict {
  currentHash: string | null;
  version: number | null;
  updatedBy: string | null;
  message: string;
}

interface Props {
  conflict: DraftConflict | null;
  busy: boolean;
  onView: () => void;
  onOverwrite: () => void;
  onDiscard: () => void;
  onClose: () => void;
}

export function ConflictDialog({ conflict, busy, onView, onOverwrite, onDiscard, onClose }: Props) {
  return (
    <Modal
      open={conflict !== null}
      title="草稿已被他人修改"
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Space wrap>
          <Button onClick={onView} data-testid="conflict-view">查看对方版本</Button>
          <Button danger onClick={onOverwrite} loading={busy} data-testid="conflict-overwrite">覆盖保存</Button>
          <Button onClick={onDiscard} data-testid="conflict-discard">放弃我的修改</Button>
          <Button type="primary" onClick={onClose}>继续编辑</Button>
        </Space>
      }
    >
      <div data-testid="conflict-dialog">
        <Typography.Paragraph>
          在您编辑期间，{conflict?.updatedBy ? `用户 ${conflict.updatedBy} ` : "其他人"}已保存了这份草稿
          {conflict?.version ? `（第 ${conflict.version} 版）` : ""}，因此您的修改这次没有保存。
        </Typography.Paragraph>
        <Alert type="info" showIcon title="您的修改仍完整保留在本页，没有丢失。" style={{ marginBottom: 12 }} />
        <ul style={{ paddingInlineStart: 20, margin: 0 }}>
          <li>查看对方版本：只读查看对方保存的内容，您的修改不变。</li>
          <li>覆盖保存：用您的内容替换对方保存的草稿。</li>
          <li>放弃我的修改：载入对方保存的草稿，丢弃本页的修改。</li>
        </ul>
        {conflict?.message && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12 }}>
            服务器说明：{conflict.message}
          </Typography.Paragraph>
        )}
      </div>
    </Modal>
  );
}
