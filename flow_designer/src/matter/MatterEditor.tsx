/**
 * 事项编辑器: /designer/matters/:kind/:code, and /designer/matters/new/:kind/:code for a
 * document not saved yet. Tabs for every part of the matter, live conformance (every edit
 * re-checked ~400 ms later, problems shown where they belong), a live 办事指南 / 一次性告知单
 * preview, and the lifecycle: 保存草稿 (with conflict detection), 提交审核, 发布, 开始新版本.
 *
 * Stable data-testids for end-to-end tests:
 *   workbench (src/pages/MattersPage.tsx): matters-table, matter-row-<kind>-<code> (kind is
 *     standard|implementation), new-implementation, new-standard; reviews page
 *     (src/pages/ReviewsPage.tsx): pending-reviews-table, pending-review-<tenantCode>-<code>
 *   editor tabs: editor-tab-<basic|materials|limits|guide|form|flow|review>
 *   materials: material-row-<code>, material-problem-<code>, add-material
 *     (also materials-table, fee-row-<code>, fee-problem-<code>, add-fee, limit-<legal|promised>)
 *   header: save-draft, submit-review, publish, start-draft, problem-count, matter-status
 *   problems-panel, guide-preview, notice-preview
 *   lifecycle tab: review-round-<n>, version-history, version-diff, impact-list, impact-run
 *   conflict: conflict-dialog (buttons conflict-view, conflict-overwrite, conflict-discard)
 *   review screen (src/matter/ReviewPage.tsx): review-verdict-<authenticity|legality|rationality>
 *     (a radio group: 通过/不通过), review-comment-<…>, review-return, review-approve
 */
import { ArrowLeftOutlined } from "@ant-design/icons";
import { Alert, App, Button, Col, Drawer, Result, Row, Space, Spin, Typography } from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { Guarded } from "../components/Guarded";
import { ConformanceTag, KindTag, StatusTag } from "../components/StatusTag";
import { ApiError } from "../lib/api";
import { boot } from "../lib/boot";
import { chineseMessage, indexProblems, type EditorTab, type LocatedProblem } from "../lib/problems";
import type { Department, JsonSchema, MatterDocument } from "../lib/types";
import {
  fetchDefinition,
  fetchDepartments,
  fetchInheritedForm,
  fetchImplementationTemplate,
  impactOfStandardChange,
  kindParam,
  kindSlug,
  publishDefinition,
  saveDraft,
  startDraft,
  submitDefinition,
  type DefinitionVersion,
  type Kind,
  type Status,
} from "./api";
import { ConflictDialog, type DraftConflict } from "./ConflictDialog";
import { DocumentTabs } from "./DocumentTabs";
import { emptyStandard, serialise } from "./document";
import { GuidePreview } from "./GuidePreview";
import { ImpactEntries } from "./ImpactList";
import { LifecycleTab } from "./LifecycleTab";
import { ProblemsPanel } from "./ProblemsPanel";
import { useConformance } from "./useConformance";

interface Loaded {
  document: MatterDocument;
  savedText: string;
  baseHash: string | null;
  status: Status | null;
  version: number | null;
  history: DefinitionVersion[];
}

const EDITABLE: (Status | null)[] = [null, "DRAFT", "RETURNED"];

export function latestOf(history: DefinitionVersion[]): DefinitionVersion | undefined {
  return history.reduce<DefinitionVersion | undefined>((best, v) => (!best || v.version > best.version ? v : best), undefined);
}

async function loadExisting(kind: Kind, code: string): Promise<Loaded> {
  let definition = await fetchDefinition(kind, code);
  const latest = latestOf(definition.history);
  if (latest && latest.version !== definition.version) definition = await fetchDefinition(kind, code, undefined, latest.version);
  return {
    document: definition.document,
    savedText: serialise(definition.document),
    baseHash: latest?.contentHash ?? null,
    status: latest?.status ?? null,
    version: latest?.version ?? definition.version,
    history: definition.history,
  };
}

async function loadNew(kind: Kind, code: string, given: MatterDocument | undefined): Promise<Loaded> {
  const document = given ?? (kind === "IMPLEMENTATION" ? await fetchImplementationTemplate(code) : emptyStandard(code));
  return { document, savedText: "", baseHash: null, status: null, version: null, history: [] };
}

export function MatterEditor({ isNew = false }: { isNew?: boolean }) {
  const params = useParams();
  const kind = kindParam(params.kind ?? "");
  const code = params.code ?? "";
  const location = useLocation();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const tenant = boot().tenant;

  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [document, setDocument] = useState<MatterDocument | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [tab, setTab] = useState<EditorTab>("basic");
  const [busy, setBusy] = useState<string | null>(null);
  const [conflict, setConflict] = useState<DraftConflict | null>(null);
  const [theirs, setTheirs] = useState<MatterDocument | null>(null);
  const givenDocument = (location.state as { document?: MatterDocument } | null)?.document;
  const given = useRef(givenDocument);

  const load = useCallback(async () => {
    if (!kind) return;
    setLoadError(null);
    try {
      const next = isNew ? await loadNew(kind, code, given.current) : await loadExisting(kind, code);
      setLoaded(next);
      setDocument(next.document);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, [kind, code, isNew]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    fetchDepartments().then(setDepartments).catch(() => setDepartments([]));
  }, []);
  // the standard's form: its fields are locked in the form designer as the rules say
  const [inheritedForm, setInheritedForm] = useState<JsonSchema | undefined>(undefined);
  useEffect(() => {
    let current = true;
    if (!kind || !code) return undefined;
    fetchInheritedForm(kind, code)
      .then((form) => current && setInheritedForm(form ?? undefined))
      .catch(() => current && setInheritedForm(undefined));
    return () => {
      current = false;
    };
  }, [kind, code]);

  const conformance = useConformance(document);
  const index = useMemo(() => indexProblems(conformance.problems, document), [conformance.problems, document]);
  const dirty = document !== null && loaded !== null && (isNew || serialise(document) !== loaded.savedText);

  useEffect(() => {
    if (!dirty) return undefined;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const guideContext = useMemo(
    () => ({
      tenantName: tenant?.name ?? "",
      level: tenant?.level ?? "",
      departmentNames: Object.fromEntries(departments.map((d) => [d.code, d.name])),
    }),
    [tenant, departments],
  );

  if (!kind) return <Result status="404" title="页面不存在" subTitle="事项类别只能是标准事项或实施清单。" />;
  if (loadError)
    return (
      <Result status="error" title="无法打开事项" subTitle={chineseMessage(loadError)}
        extra={<Link to="/matters"><Button type="primary">返回事项工作台</Button></Link>} />
    );
  if (!loaded || !document) return <Spin description="正在载入事项…" style={{ display: "block", marginTop: 80 }} />;

  const status = loaded.status;
  const readOnly = !EDITABLE.includes(status) || busy !== null;
  const problemCount = index.all.length;
  const isStandard = kind === "STANDARD";
  const showImpact = isStandard && (tenant?.level === "province" || tenant?.level === "city");

  const afterSave = (version: DefinitionVersion, saved: MatterDocument) => {
    if (isNew) {
      navigate(`/matters/${kindSlug(kind)}/${saved.code}`, { replace: true });
      return;
    }
    setLoaded((l) => l && {
      ...l,
      savedText: serialise(saved),
      baseHash: version.contentHash ?? null,
      status: version.status,
      version: version.version,
      history: [...l.history.filter((h) => h.version !== version.version), version],
    });
  };

  const save = async (baseHash: string | null) => {
    setBusy("save");
    const saved = document;
    try {
      const version = await saveDraft(saved, baseHash);
      setConflict(null);
      message.success(version.problems.length ? `草稿已保存（第 ${version.version} 版），还有 ${version.problems.length} 个问题需要解决` : `草稿已保存（第 ${version.version} 版）`);
      afterSave(version, saved);
    } catch (e) {
      if (e instanceof ApiError && e.code === "DRAFT_CONFLICT") {
        const ext = e.extensions;
        setConflict({
          currentHash: typeof ext.currentHash === "string" ? ext.currentHash : null,
          version: typeof ext.version === "number" ? ext.version : null,
          updatedBy: typeof ext.updatedBy === "string" ? ext.updatedBy : null,
          message: chineseMessage(e.message),
        });
      } else {
        message.error(`保存失败：${chineseMessage((e as Error).message)}`);
      }
    } finally {
      setBusy(null);
    }
  };

  const lifecycle = async (action: "submit" | "publish" | "start", run: () => Promise<DefinitionVersion>, done: string) => {
    setBusy(action);
    try {
      const version = await run();
      message.success(done);
      if (action === "start") {
        await load();
      } else {
        setLoaded((l) => l && { ...l, status: version.status, version: version.version, history: [...l.history.filter((h) => h.version !== version.version), version] });
      }
    } catch (e) {
      const problems = e instanceof ApiError ? e.problems : [];
      const why = problems.length ? `，还有 ${problems.length} 个问题：${problems.slice(0, 3).map((p) => chineseMessage(p.message)).join("；")}` : `：${chineseMessage((e as Error).message)}`;
      message.error(`${action === "submit" ? "提交审核" : action === "publish" ? "发布" : "开始新版本"}失败${why}`);
    } finally {
      setBusy(null);
    }
  };

  const publish = async () => {
    if (!isStandard || !showImpact) {
      void lifecycle("publish", () => publishDefinition(kind, code), "已发布");
      return;
    }
    setBusy("impact");
    let entries;
    try {
      entries = await impactOfStandardChange(document);
    } catch (e) {
      message.error(`影响分析失败，暂不能发布：${chineseMessage((e as Error).message)}`);
      return;
    } finally {
      setBusy(null);
    }
    const broken = entries.filter((x) => !x.conforms).length;
    modal.confirm({
      title: broken ? `发布后将有 ${broken} 个下级事项不再符合标准` : "确认发布",
      width: 720,
      content: <ImpactEntries entries={entries} />,
      okText: broken ? "仍然发布" : "发布",
      okButtonProps: { danger: broken > 0 },
      cancelText: "取消",
      onOk: () => lifecycle("publish", () => publishDefinition(kind, code), "已发布"),
    });
  };

  const viewTheirs = async () => {
    try {
      const definition = await fetchDefinition(kind, code, undefined, conflict?.version ?? undefined);
      setTheirs(definition.document);
    } catch (e) {
      message.error(`无法载入对方版本：${chineseMessage((e as Error).message)}`);
    }
  };

  const discardMine = async () => {
    setConflict(null);
    await load();
    message.info("已载入对方保存的草稿");
  };

  const leave = (event: React.MouseEvent) => {
    if (!dirty) return;
    event.preventDefault();
    modal.confirm({
      title: "有未保存的修改",
      content: "离开后，本页尚未保存的修改将丢失。",
      okText: "放弃修改并离开",
      okButtonProps: { danger: true },
      cancelText: "留在本页",
      onOk: () => navigate("/matters"),
    });
  };

  const openProblem = (problem: LocatedProblem) => {
    setTab(problem.tab);
    if (problem.target.kind === "material") {
      window.setTimeout(() => globalThis.document.getElementById(`material-row-${problem.target.id}`)?.scrollIntoView({ block: "center" }), 50);
    }
  };

  const submitReason = isNew
    ? "请先保存草稿"
    : !EDITABLE.includes(status)
      ? `当前状态为“${status ? ({ SUBMITTED: "待审核", REVIEWED: "审核通过待发布", PUBLISHED: "已发布" } as Record<string, string>)[status] : ""}”，不能提交审核`
      : dirty
        ? "有未保存的修改，请先保存草稿"
        : !conformance.current
          ? "正在检查合规性，请稍候"
          : problemCount
            ? `还有 ${problemCount} 个问题未解决，全部解决后才能提交审核`
            : null;
  const publishReason =
    status !== "REVIEWED"
      ? status === "SUBMITTED"
        ? "正在等待上级审核，审核通过后才能发布"
        : status === "PUBLISHED"
          ? "当前版本已发布"
          : "须先提交审核，经上级审核通过后才能发布"
      : !conformance.current
        ? "正在检查合规性，请稍候"
        : problemCount
          ? `还有 ${problemCount} 个问题未解决，全部解决后才能发布`
          : null;
  const saveReason = !EDITABLE.includes(status) ? (status === "PUBLISHED" ? "已发布的版本不能修改，请先开始新版本" : "审核中的版本不能修改") : !dirty ? "没有需要保存的修改" : null;

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Space wrap align="center" style={{ justifyContent: "space-between", width: "100%" }}>
        <Space wrap align="center">
          <Link to="/matters" aria-label="返回事项工作台" onClick={leave}><ArrowLeftOutlined /></Link>
          <Typography.Title level={4} style={{ margin: 0 }}>{typeof document.name === "string" && document.name ? document.name : "（未命名事项）"}</Typography.Title>
          <KindTag kind={kind} />
          <Typography.Text type="secondary">{code}</Typography.Text>
          <span data-testid="matter-status">{status ? <StatusTag status={status} /> : <StatusTag status="新建（未保存）" />}</span>
          {loaded.version && <Typography.Text type="secondary">第 {loaded.version} 版</Typography.Text>}
          <ConformanceTag count={problemCount} testId="problem-count" />
          {dirty && <Typography.Text type="warning">有未保存的修改</Typography.Text>}
        </Space>
        <Space wrap>
          <Guarded reason={saveReason}>
            <Button data-testid="save-draft" type="primary" disabled={saveReason !== null || busy !== null} loading={busy === "save"} onClick={() => void save(isNew ? null : loaded.baseHash)}>
              保存草稿
            </Button>
          </Guarded>
          <Guarded reason={submitReason}>
            <Button data-testid="submit-review" disabled={submitReason !== null || busy !== null} loading={busy === "submit"}
              onClick={() => void lifecycle("submit", () => submitDefinition(kind, code), "已提交上级审核")}>
              提交审核
            </Button>
          </Guarded>
          <Guarded reason={publishReason}>
            <Button data-testid="publish" disabled={publishReason !== null || busy !== null} loading={busy === "publish" || busy === "impact"} onClick={() => void publish()}>
              发布
            </Button>
          </Guarded>
          {status === "PUBLISHED" && (
            <Button data-testid="start-draft" disabled={busy !== null} loading={busy === "start"}
              onClick={() => void lifecycle("start", () => startDraft(kind, code), "已开始新版本，可以编辑")}>
              开始新版本
            </Button>
          )}
        </Space>
      </Space>
      {status === "RETURNED" && <Alert type="warning" showIcon title="上级已退回此版本，请按“审核与版本”中的审核意见修改后重新提交。" />}
      {(status === "SUBMITTED" || status === "REVIEWED") && <Alert type="info" showIcon title={status === "SUBMITTED" ? "此版本已提交上级审核，审核期间不能修改。" : "此版本已审核通过，发布后生效。"} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15} style={{ minWidth: 0 }}>
          <DocumentTabs
            document={document}
            onChange={setDocument}
            index={index}
            readOnly={readOnly}
            departments={departments}
            codeEditable={isNew && isStandard}
            inheritedForm={inheritedForm}
            active={tab}
            onActive={setTab}
            reviewTab={
              <LifecycleTab kind={kind} code={code} status={status} version={loaded.version} history={loaded.history} document={document}
                showImpact={showImpact} refreshKey={`${status}-${loaded.version}`} />
            }
          />
        </Col>
        <Col xs={24} xl={9} style={{ minWidth: 0 }}>
          <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
            <ProblemsPanel index={index} checking={conformance.checking} error={conformance.error} onOpen={openProblem} />
            <GuidePreview document={document} context={guideContext} />
          </Space>
        </Col>
      </Row>
      <ConflictDialog
        conflict={conflict}
        busy={busy === "save"}
        onView={() => void viewTheirs()}
        onOverwrite={() => void save(conflict?.currentHash ?? null)}
        onDiscard={() => void discardMine()}
        onClose={() => setConflict(null)}
      />
      <Drawer open={theirs !== null} onClose={() => setTheirs(null)} title="对方保存的版本（只读）" size="large" destroyOnHidden>
        {theirs && <ReadOnlyDocument document={theirs} departments={departments} />}
      </Drawer>
    </Space>
  );
}

/** A document shown read-only with its own tabs (the other party's draft, a submitted version). */
export function ReadOnlyDocument({ document, departments }: { document: MatterDocument; departments: Department[] }) {
  const [tab, setTab] = useState<EditorTab>("basic");
  const index = useMemo(() => indexProblems([], document), [document]);
  return <DocumentTabs document={document} onChange={() => undefined} index={index} readOnly departments={departments} active={tab} onActive={setTab} />;
}
