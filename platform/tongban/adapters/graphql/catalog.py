"""GraphQL catalog: the caller, its tenants, the matters it may browse and their guides.

Hand-written types over the services (never generated from tables). Every resolver opens
``info.context.uow(readonly=True)`` — a unit of work bound to the caller's tenant — and
calls the services, so what a caller sees is exactly what the pages show that tenant.
An API key created without ``include_descendants`` is narrowed further here: it sees its
own tenant and its ancestors, never the tenants below it; a guide of one of those is the
same ``NOT_FOUND`` as a code that does not exist.

Pagination of ``matters`` is a simple cursor: ``{items, nextCursor}``; pass ``nextCursor``
back as ``after``; ``first`` is 1–100 (default 20).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import graphene
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.adapters.graphql.context import GraphQLContext, Principal
from tongban.adapters.graphql.paging import decode_cursor, encode_cursor
from tongban.core.definition_errors import PageSizeInvalid
from tongban.core.errors import NotFound, Violation
from tongban.core.guide import Guide as CoreGuide
from tongban.core.guide import one_time_notice_text
from tongban.core.roles import Role
from tongban.core.tenancy import Level
from tongban.services import catalog as catalog_service
from tongban.services import tenants as tenant_service
from tongban.services.catalog import CatalogEntry, TenantSummary
from tongban.services.tenants import TenantNode

DEFAULT_FIRST = 20
MAX_FIRST = catalog_service.MAX_PER_PAGE  # 100


# --- helpers ---------------------------------------------------------------------------


def _ctx(info: graphene.ResolveInfo) -> GraphQLContext:
    context: GraphQLContext = info.context
    return context


def _requested(info: graphene.ResolveInfo) -> set[str]:
    """Names of the sub-fields selected on the current field (fragments expanded)."""
    names: set[str] = set()

    def walk(selection_set: SelectionSetNode | None, seen: frozenset[str]) -> None:
        if selection_set is None:
            return
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                names.add(node.name.value)
            elif isinstance(node, InlineFragmentNode):
                walk(node.selection_set, seen)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = info.fragments.get(node.name.value)
                if fragment is not None:
                    walk(fragment.selection_set, seen | {node.name.value})

    for field_node in info.field_nodes:
        walk(field_node.selection_set, frozenset())
    return names


def _visible_nodes(uow: UnitOfWork, principal: Principal) -> list[TenantNode]:
    """The caller's lineage; a key without ``include_descendants`` stops at its tenant."""
    nodes = tenant_service.tree(uow)
    if principal.include_descendants:
        return nodes
    mine = next(n for n in nodes if n.code == principal.tenant_code)
    return [n for n in nodes if n.depth <= mine.depth]


@dataclass(frozen=True)
class _TenantView:
    node: TenantNode
    relation: str
    departments: tuple[Any, ...] = ()
    calendar: tuple[Any, ...] = ()

    @property
    def code(self) -> str:
        return self.node.code

    @property
    def name(self) -> str:
        return self.node.name


@dataclass(frozen=True)
class _GuideView:
    guide: CoreGuide
    tenant: TenantSummary
    version: int

    def __getattr__(self, name: str) -> Any:
        return getattr(self.guide, name)


@dataclass(frozen=True)
class _MatterPage:
    items: tuple[CatalogEntry, ...]
    next_cursor: str | None


# --- types -----------------------------------------------------------------------------


class MatterKind(graphene.Enum):
    """标准事项 (a standard or refinement) or 实施清单事项 (an implementation)."""

    STANDARD = "standard"
    IMPLEMENTATION = "implementation"


class TenantRelation(graphene.Enum):
    """Where a tenant is relative to the caller's."""

    ANCESTOR = "ancestor"
    SELF = "self"
    DESCENDANT = "descendant"


class TenantRef(graphene.ObjectType):
    """A tenant (单位), by its division code."""

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    level = graphene.String(required=True, description="nation|province|city|county|township")
    level_name = graphene.String(required=True, description="行使层级, e.g. 县级")

    @staticmethod
    def resolve_level(root: TenantSummary, _info: graphene.ResolveInfo) -> str:
        return root.level.key

    @staticmethod
    def resolve_level_name(root: TenantSummary, _info: graphene.ResolveInfo) -> str:
        return root.level.label


class Department(graphene.ObjectType):
    """A department (部门) of a tenant."""

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    uscc = graphene.String(required=True, description="统一社会信用代码")


class CalendarDay(graphene.ObjectType):
    """A tenant's own holiday or make-up workday, on top of the national calendar."""

    date = graphene.Date(required=True)
    kind = graphene.String(required=True, description="holiday|workday")
    name = graphene.String(required=True)


class Tenant(graphene.ObjectType):
    """A tenant of the caller's lineage, with its departments and calendar."""

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    level = graphene.String(required=True)
    level_name = graphene.String(required=True)
    parent_code = graphene.String()
    depth = graphene.Int(required=True, description="0 for the nation")
    relation = graphene.Field(TenantRelation, required=True)
    departments = graphene.List(graphene.NonNull(Department), required=True)
    calendar = graphene.List(graphene.NonNull(CalendarDay), required=True)

    @staticmethod
    def resolve_level(root: _TenantView, _info: graphene.ResolveInfo) -> str:
        return root.node.level.key

    @staticmethod
    def resolve_level_name(root: _TenantView, _info: graphene.ResolveInfo) -> str:
        return root.node.level.label

    @staticmethod
    def resolve_parent_code(root: _TenantView, _info: graphene.ResolveInfo) -> str | None:
        return root.node.parent_code

    @staticmethod
    def resolve_depth(root: _TenantView, _info: graphene.ResolveInfo) -> int:
        return root.node.depth


class Me(graphene.ObjectType):
    """The caller: an API key's system or a logged-in person."""

    kind = graphene.String(required=True, description="apikey|user")
    username = graphene.String(required=True, description="apikey:<name> for a key")
    tenant = graphene.Field(TenantRef, required=True)
    roles = graphene.List(graphene.NonNull(graphene.String), required=True)
    department = graphene.String(description="department code, for step roles")
    include_descendants = graphene.Boolean(required=True)


class MatterEntry(graphene.ObjectType):
    """One line of the catalog (事项目录)."""

    kind = graphene.Field(MatterKind, required=True)
    code = graphene.String(required=True, description="基本编码 / 实施编码")
    name = graphene.String(required=True)
    tenant = graphene.Field(TenantRef, required=True)
    published_version = graphene.Int()


class MatterPage(graphene.ObjectType):
    """A page of matters: pass ``nextCursor`` as ``after`` for the next (null at the end)."""

    items = graphene.List(graphene.NonNull(MatterEntry), required=True)
    next_cursor = graphene.String()


class GuideMaterial(graphene.ObjectType):
    """One line of 申请材料."""

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    required = graphene.Boolean(required=True)
    required_label = graphene.String(required=True)
    originals = graphene.Int(required=True)
    copies = graphene.Int(required=True)
    counts_label = graphene.String(required=True)
    page_limit = graphene.Int()
    source = graphene.String(required=True, description="来源")
    waived = graphene.Boolean(required=True, description="免提交")
    submission_label = graphene.String(required=True)


class GuideStep(graphene.ObjectType):
    node_id = graphene.String(required=True)
    name = graphene.String(required=True)
    kind = graphene.String(required=True)
    department = graphene.String(required=True)
    days = graphene.Int(required=True)
    days_label = graphene.String(required=True)


class GuideStage(graphene.ObjectType):
    """Steps of one stage of 办理流程 (several steps: 并联, in parallel)."""

    number = graphene.Int(required=True)
    steps = graphene.List(graphene.NonNull(GuideStep), required=True)
    parallel = graphene.Boolean(required=True)
    conditional = graphene.Boolean(required=True, description="only on some routes (视情形)")
    label = graphene.String(required=True)


class GuideFee(graphene.ObjectType):
    name = graphene.String(required=True)
    amount_fen = graphene.Int(required=True)
    amount_label = graphene.String(required=True)
    basis = graphene.String(required=True)


class Guide(graphene.ObjectType):
    """办事指南 of an implementation, and its 一次性告知单 (one-time notice)."""

    tenant = graphene.Field(TenantRef, required=True)
    version = graphene.Int(required=True)
    name = graphene.String(required=True, description="事项名称")
    implementation_code = graphene.String(required=True, description="实施编码")
    basic_code = graphene.String(required=True, description="基本编码")
    matter_type = graphene.String(required=True, description="事项类型")
    legal_basis = graphene.String(required=True, description="设定依据")
    power_source = graphene.String(required=True, description="权力来源")
    implementer = graphene.String(required=True, description="实施主体")
    tenant_name = graphene.String(required=True)
    level = graphene.String(required=True, description="行使层级")
    approval_chain = graphene.String(required=True, description="审批层级")
    service_objects = graphene.String(required=True, description="服务对象")
    conditions = graphene.String(required=True, description="受理条件")
    materials = graphene.List(graphene.NonNull(GuideMaterial), required=True)
    legal_limit = graphene.String(required=True, description="法定时限")
    promised_limit = graphene.String(required=True, description="承诺时限")
    case_type = graphene.String(required=True, description="办件类型: 即办件 / 承诺件")
    stages = graphene.List(graphene.NonNull(GuideStage), required=True, description="办理流程")
    fees = graphene.List(graphene.NonNull(GuideFee), required=True)
    fees_label = graphene.String(required=True, description="收费, e.g. 不收费")
    address = graphene.String(required=True, description="办理地点")
    hours = graphene.String(required=True, description="办理时间")
    phone = graphene.String(required=True, description="咨询电话")
    complaint_phone = graphene.String(required=True, description="监督投诉电话")
    online_url = graphene.String(required=True, description="网办地址")
    notify_and_commit = graphene.String(description="告知承诺制 note")
    one_time_notice = graphene.String(required=True, description="一次性告知单, plain text")

    @staticmethod
    def resolve_one_time_notice(root: _GuideView, _info: graphene.ResolveInfo) -> str:
        return one_time_notice_text(root.guide)


# --- fields ----------------------------------------------------------------------------


def _relation(node: TenantNode, mine: TenantNode) -> str:
    relation: Any = TenantRelation  # graphene's metaclass makes the attributes enum members
    if node.code == mine.code:
        return str(relation.SELF.value)
    return str(relation.ANCESTOR.value if node.depth < mine.depth else relation.DESCENDANT.value)


def _load_tenants(
    uow: UnitOfWork, nodes: Iterable[TenantNode], mine: TenantNode, wanted: set[str]
) -> list[_TenantView]:
    views = []
    for node in nodes:
        departments: tuple[Any, ...] = ()
        calendar: tuple[Any, ...] = ()
        if wanted & {"departments", "calendar"}:
            tenant = tenant_service.visible_tenant(uow, node.code)
            if "departments" in wanted:
                departments = tuple(
                    Department(code=d.code, name=d.name, uscc=d.uscc)
                    for d in uow.departments.of_tenant(tenant.id)
                )
            if "calendar" in wanted:
                calendar = tuple(
                    CalendarDay(date=c.day, kind=c.kind, name=c.name)
                    for c in uow.departments.calendar_of_tenant(tenant.id)
                )
        views.append(_TenantView(node, _relation(node, mine), departments, calendar))
    return views


class Query:
    me = graphene.Field(Me, required=True, description="Who is calling.")
    tenants = graphene.List(
        graphene.NonNull(Tenant),
        required=True,
        description=(
            "The caller's tenant, its ancestors (for context) and — for people and keys "
            "created with include_descendants — its subtree; root first."
        ),
    )
    matters = graphene.Field(
        MatterPage,
        required=True,
        kind=graphene.Argument(MatterKind),
        first=graphene.Int(default_value=DEFAULT_FIRST, description="1–100"),
        after=graphene.String(description="a nextCursor from the previous page"),
        description="The catalog the caller may browse, ordered by tenant, then code.",
    )
    guide = graphene.Field(
        Guide,
        tenant_code=graphene.String(required=True),
        code=graphene.String(required=True, description="the matter's code, as in `matters`"),
        description=(
            "办事指南 of a published (else latest) implementation. Null with a NOT_FOUND "
            "error if it does not exist or is not the caller's to see."
        ),
    )

    @staticmethod
    def resolve_me(_root: Any, info: graphene.ResolveInfo) -> Me:
        ctx = _ctx(info)
        actor = ctx.actor
        with ctx.uow(readonly=True) as uow:
            mine = tenant_service.visible_tenant(uow, actor.tenant_code)
            summary = TenantSummary(mine.code, mine.name, Level(mine.level))
        return Me(
            kind=ctx.principal.kind,
            username=actor.username,
            tenant=summary,
            roles=[role.value for role in Role if role in actor.roles],
            department=actor.department,
            include_descendants=ctx.principal.include_descendants,
        )

    @staticmethod
    def resolve_tenants(_root: Any, info: graphene.ResolveInfo) -> list[_TenantView]:
        ctx = _ctx(info)
        with ctx.uow(readonly=True) as uow:
            nodes = _visible_nodes(uow, ctx.principal)
            mine = next(n for n in nodes if n.code == ctx.principal.tenant_code)
            return _load_tenants(uow, nodes, mine, _requested(info))

    @staticmethod
    def resolve_matters(
        _root: Any,
        info: graphene.ResolveInfo,
        kind: str | None = None,
        first: int | None = DEFAULT_FIRST,
        after: str | None = None,
    ) -> _MatterPage:
        first = DEFAULT_FIRST if first is None else first  # an explicit null is the default
        if not 1 <= first <= MAX_FIRST:
            raise PageSizeInvalid(
                [
                    Violation(
                        "PAGE_SIZE",
                        "/first",
                        f"first 须为 1–{MAX_FIRST} (first must be 1–{MAX_FIRST})",
                    )
                ]
            )
        offset = decode_cursor(after) if after else 0
        kind_value = getattr(kind, "value", kind)
        ctx = _ctx(info)
        with ctx.uow(readonly=True) as uow:
            allowed = {n.code for n in _visible_nodes(uow, ctx.principal)}
            number, skip = divmod(offset, first)
            page = catalog_service.catalog(uow, kind=kind_value, page=number + 1, per_page=first)
            entries = list(page.items) if page.page == number + 1 else []
            if skip and entries and page.has_next:
                following = catalog_service.catalog(
                    uow, kind=kind_value, page=number + 2, per_page=first
                )
                entries += following.items
            window = entries[skip : skip + first]
            total = page.total
        items: list[CatalogEntry] = []
        for entry in window:
            if entry.tenant.code not in allowed:
                # descendants come last (ordered by tenant path): a narrow key stops here
                return _MatterPage(tuple(items), None)
            items.append(entry)
        end = offset + len(items)
        return _MatterPage(tuple(items), encode_cursor(end) if end < total else None)

    @staticmethod
    def resolve_guide(
        _root: Any, info: graphene.ResolveInfo, tenant_code: str, code: str
    ) -> _GuideView:
        ctx = _ctx(info)
        with ctx.uow(readonly=True) as uow:
            allowed = {n.code for n in _visible_nodes(uow, ctx.principal)}
            if tenant_code not in allowed:
                raise NotFound("implementation", code)
            detail = catalog_service.matter_detail(
                uow, ctx.platform.schemas, tenant_code, "implementation", code
            )
        if detail.guide is None:
            raise NotFound("implementation", code)
        return _GuideView(detail.guide, detail.tenant, detail.version)


class Mutation:
    pass
