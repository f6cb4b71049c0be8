/** 事项工作台: the caller's tenant's standards and implementations with their state and
 * conformance; 新建实施清单 from a standard published above, 新建标准事项 (province/city). */
import { PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Typography, type ButtonProps } from "antd";
import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate } from "react-router";
import { ConformanceTag, KindTag, StatusTag } from "../components/StatusTag";
import { boot } from "../lib/boot";
import { chineseMessage } from "../lib/problems";
import { fetchAvailableStandards, fetchDesignerMatters, fetchImplementationTemplate, kindSlug, type DesignerMatter, type StandardOffer } from "../matter/api";
import { formatTime } from "../matter/ReviewRounds";
import { emptyStandard } from "../matter/document";
import { STATUS_LABELS } from "../matter/labels";
import { whoLabel } from "../lib/people";

const CODE_PATTERN = /^[0-9A-Z]{12}$/;

export function matchesSearch(matter: DesignerMatter, search: string): boolean {
  const needle = search.trim().toLowerCase();
  return !needle || matter.code.toLowerCase().includes(needle) || matter.name.toLowerCase().includes(needle);
}

function NewImplementationDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [offers, setOffers] = useState<StandardOffer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    if (!open) return;
    setError(null);
    fetchAvailableStandards().then(setOffers).catch((e: Error) => setError(`无法列出可实施的标准事项：${chineseMessage(e.message)}`));
  }, [open]);
  const create = async () => {
    if (!chosen) return;
    setLoading(true);
    try {
      const document = await fetchImplementationTemplate(chosen);
      navigate(`/matters/new/implementation/${chosen}`, { state: { document } });
    } catch (e) {
      setError(`无法生成实施清单：${chineseMessage((e as Error).message)}`);
    } finally {
      setLoading(false);
    }
  };
  return (
    <Modal open={open} title="新建实施清单" onCancel={onClose} onOk={() => void create()} okText="生成并编辑" cancelText="取消"
      okButtonProps={{ disabled: !chosen, loading, "data-testid": "new-implementation-confirm" } as ButtonProps} destroyOnHidden>
      <Typography.Paragraph type="secondary">选择上级已发布、本单位尚未实施的标准事项，系统将按标准预填名称、编码、设定依据、材料、时限、收费、表单和流程环节。</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      <Form layout="vertical">
        <Form.Item label="标准事项" htmlFor="new-implementation-standard" required>
          <Select
            id="new-implementation-standard"
            data-testid="new-implementation-standard"
            showSearch={{ optionFilterProp: "label" }}
            loading={offers === null && !error}
            placeholder="按编码或名称搜索"
            value={chosen}
            onChange={setChosen}
            notFoundContent="没有可实施的标准事项"
            options={(offers ?? []).map((o) => ({ value: o.code, label: `${o.code} ${o.name}（${o.tenantName}，第 ${o.version} 版）` }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function NewStandardDialog({ open, onClose, existing }: { open: boolean; onClose: () => void; existing: Set<string> }) {
  const navigate = useNavigate();
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const codeError = !code ? null : !CODE_PATTERN.test(code) ? "基本编码须为 12 位数字或大写字母" : existing.has(code) ? "本单位已有这个编码的标准事项" : null;
  return (
    <Modal open={open} title="新建标准事项" onCancel={onClose} okText="创建并编辑" cancelText="取消" destroyOnHidden
      okButtonProps={{ disabled: !code || !name.trim() || codeError !== null }}
      onOk={() => navigate(`/matters/new/standard/${code}`, { state: { document: emptyStandard(code, name.trim()) } })}>
      <Form layout="vertical">
        <Form.Item label="基本编码" htmlFor="new-standard-code" required validateStatus={codeError ? "error" : undefined} help={codeError ?? "12 位数字或大写字母，创建后不能修改"}>
          <Input id="new-standard-code" value={code} maxLength={12} onChange={(e) => setCode(e.target.value.toUpperCase().trim())} />
        </Form.Item>
        <Form.Item label="事项名称" htmlFor="new-standard-name" required>
          <Input id="new-standard-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function MattersPage() {
  const { tenant } = boot();
  const { message } = App.useApp();
  const [items, setItems] = useState<DesignerMatter[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const [kind, setKind] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [dialog, setDialog] = useState<"implementation" | "standard" | null>(null);
  const canCreateStandard = tenant?.level === "province" || tenant?.level === "city";

  useEffect(() => {
    fetchDesignerMatters()
      .then(setItems)
      .catch((e: Error) => {
        setError(`无法载入事项：${chineseMessage(e.message)}`);
        message.error("事项列表载入失败");
      });
  }, [message]);

  const shown = useMemo(
    () => (items ?? []).filter((m) => matchesSearch(m, search) && (!kind || m.kind === kind) && (!status || m.status === status)),
    [items, search, kind, status],
  );
  const standardCodes = useMemo(() => new Set((items ?? []).filter((m) => m.kind === "STANDARD").map((m) => m.code)), [items]);

  return (
    <Card
      title="事项工作台"
      extra={
        <Space wrap>
          <Button type="primary" icon={<PlusOutlined />} data-testid="new-implementation" onClick={() => setDialog("implementation")}>
            新建实施清单
          </Button>
          {canCreateStandard && (
            <Button icon={<PlusOutlined />} data-testid="new-standard" onClick={() => setDialog("standard")}>
              新建标准事项
            </Button>
          )}
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search aria-label="搜索事项" placeholder="按编码或名称搜索" allowClear value={search} onChange={(e) => setSearch(e.target.value)} style={{ width: 260 }} />
        <Select aria-label="按类别筛选" placeholder="全部类别" allowClear value={kind} onChange={setKind} style={{ width: 140 }}
          options={[{ value: "STANDARD", label: "标准事项" }, { value: "IMPLEMENTATION", label: "实施清单" }]} />
        <Select aria-label="按状态筛选" placeholder="全部状态" allowClear value={status} onChange={setStatus} style={{ width: 160 }}
          options={Object.entries(STATUS_LABELS).map(([value, { label }]) => ({ value, label }))} />
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Table<DesignerMatter>
        data-testid="matters-table"
        rowKey={(row) => `${row.kind}/${row.code}`}
        loading={items === null && !error}
        dataSource={shown}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: search || kind || status ? "没有符合条件的事项" : "本单位还没有事项，可以新建实施清单" }}
        pagination={{ pageSize: 20, showSizeChanger: true, showTotal: (total) => `共 ${total} 项` }}
        onRow={(row) => ({ "data-testid": `matter-row-${kindSlug(row.kind)}-${row.code}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: "基本编码", dataIndex: "code", sorter: (a, b) => a.code.localeCompare(b.code) },
          { title: "事项名称", dataIndex: "name", render: (name: string, row) => <Link to={`/matters/${kindSlug(row.kind)}/${row.code}`}>{name || "（未命名）"}</Link> },
          { title: "类别", dataIndex: "kind", render: (k: string) => <KindTag kind={k} /> },
          { title: "状态", dataIndex: "status", render: (s: string) => <StatusTag status={s} /> },
          { title: "合规", dataIndex: "problemCount", render: (n: number) => <ConformanceTag count={n} />, sorter: (a, b) => a.problemCount - b.problemCount },
          { title: "最新版本", dataIndex: "latestVersion", render: (v: number) => `第 ${v} 版` },
          { title: "已发布版本", dataIndex: "publishedVersion", render: (v: number | null) => (v ? `第 ${v} 版` : "—") },
          { title: "最后修改", render: (_, row) => `${formatTime(row.updatedAt)} ${whoLabel(row.updatedBy)}` },
          { title: "操作", render: (_, row) => <Link to={`/matters/${kindSlug(row.kind)}/${row.code}`} aria-label={`编辑 ${row.name}`}>编辑</Link> },
        ]}
      />
      <NewImplementationDialog open={dialog === "implementation"} onClose={() => setDialog(null)} />
      <NewStandardDialog open={dialog === "standard"} onClose={() => setDialog(null)} existing={standardCodes} />
    </Card>
  );
}
