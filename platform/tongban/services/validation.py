"""Lint a ``tenants/`` tree without a database: every problem, each with file and pointer.

``read_tree`` (the files adapter) reports what is wrong with single files. On top of that this checks the tree
(division codes against their place, levels, duplicate tenant codes, usernames and credit
codes across tenants) and every parsed matter in its context through
``services.matter_checks.check_matter_document`` — the same checks the database services
run: form, refinement against the nearest standard strictly above, implementation (flow
included) against the nearest standard at its tenant or above.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tongban.core.config_tree import LoadedMatter, LoadedTenant, TreeSnapshot
from tongban.core.errors import Violation
from tongban.core.tenancy import ALLOWED_CHILD_LEVEL, division_code_problem
from tongban.services.matter_checks import (
    MatterContext,
    check_matter_document,
    raw_flow_violations,
)
from tongban.services.schemas import Schemas

TenantPath = tuple[str, ...]  # tenant codes from the root down


def validate_snapshot(snapshot: TreeSnapshot, schemas: Schemas) -> list[Violation]:
    """Every problem of a tree read by the files adapter (``adapters.files.config_io``
    ``validate_tree``), sorted by file and pointer ([] = clean)."""
    found = dict.fromkeys(snapshot.violations)
    for violation in [*_tenant_violations(snapshot), *_matter_violations(snapshot, schemas)]:
        found.setdefault(violation)
    return sorted(found, key=lambda v: (v.source, v.pointer, v.code, v.message))


def _tenant_violations(snapshot: TreeSnapshot) -> Iterator[Violation]:
    by_path = {t.ref.path: t for t in snapshot.tenants}
    first_with_code: dict[str, LoadedTenant] = {}
    for tenant in snapshot.tenants:
        doc, parent_code = tenant.doc, tenant.parent_code
        problem = division_code_problem(doc.code, doc.level, parent_code)
        if problem:
            yield Violation("TENANT_DIVISION_CODE", "/code", f"{doc.code}: {problem}", tenant.path)
        parent = by_path.get(tenant.ref.path[:-1])
        if parent is not None and doc.level not in ALLOWED_CHILD_LEVEL[parent.doc.level]:
            allowed = ", ".join(lv.key for lv in ALLOWED_CHILD_LEVEL[parent.doc.level]) or "none"
            yield Violation(
                "TENANT_LEVEL",
                "/level",
                f"{doc.level.label}单位不能隶属于{parent.doc.level.label}单位 {parent.doc.code} "
                f"(a {doc.level.key} tenant cannot sit under the {parent.doc.level.key} "
                f"{parent.doc.code}; allowed: {allowed})",
                tenant.path,
            )
        if doc.code in first_with_code:
            yield Violation(
                "TENANT_DUPLICATE_CODE",
                "/code",
                f"单位代码 {doc.code} 已在 {first_with_code[doc.code].path} 中定义 "
                f"(tenant code {doc.code} is also defined in {first_with_code[doc.code].path})",
                tenant.path,
            )
        else:
            first_with_code[doc.code] = tenant
    yield from _across_tenants(
        snapshot,
        "USER_DUPLICATE_USERNAME",
        "用户名 {value!r} 已在 {where} 中使用 (username {value!r} is also used in {where})",
        lambda t: [(f"/users/{i}/username", u.username) for i, u in enumerate(t.doc.users)],
    )
    yield from _across_tenants(
        snapshot,
        "DEPARTMENT_DUPLICATE_USCC",
        "统一社会信用代码 {value} 已在 {where} 中使用 (USCC {value} is also used in {where})",
        lambda t: [(f"/departments/{i}/uscc", d.uscc) for i, d in enumerate(t.doc.departments)],
    )


def _across_tenants(
    snapshot: TreeSnapshot,
    code: str,
    message: str,
    values: Callable[[LoadedTenant], list[tuple[str, str]]],
) -> Iterator[Violation]:
    """Values that must be unique platform-wide; repeats within one tenant are the parser's."""
    first: dict[str, tuple[str, str]] = {}
    for tenant in snapshot.tenants:
        for pointer, value in values(tenant):
            if value not in first:
                first[value] = (tenant.path, pointer)
            elif first[value][0] != tenant.path:
                where = "#".join(first[value])
                yield Violation(
                    code, pointer, message.format(value=value, where=where), tenant.path
                )


def _matter_violations(snapshot: TreeSnapshot, schemas: Schemas) -> Iterator[Violation]:
    by_path = {t.ref.path: t for t in snapshot.tenants}
    files: dict[tuple[TenantPath, str, str], LoadedMatter] = {
        (t.ref.path, m.kind, m.code): m for t in snapshot.tenants for m in t.matters
    }
    for tenant in snapshot.tenants:
        implemented = frozenset(m.code for m in tenant.matters if m.kind == "implementation")
        lineage = [tenant.ref.path[:n] for n in range(len(tenant.ref.path), 0, -1)]
        for matter in tenant.matters:
            if matter.doc is None:  # its parse problems are in the snapshot already
                yield from (v.with_source(matter.path) for v in raw_flow_violations(matter.raw))
                continue
            searched = lineage if matter.kind == "implementation" else lineage[1:]
            standard_file = next(
                (
                    files[p, "standard", matter.code]
                    for p in searched
                    if (p, "standard", matter.code) in files
                ),
                None,
            )
            if standard_file is not None and standard_file.doc is None:
                continue  # the standard it depends on is broken, and reported in its own file
            standard = standard_file.doc.spec if standard_file and standard_file.doc else None
            receiver: bool | None = None
            if matter.kind == "implementation" and standard and standard.approval_chain.escalates:
                final = standard.approval_chain.final
                if tenant.doc.level > final:  # this tenant hands cases up
                    target = next(
                        (p for p in lineage[1:] if p in by_path and by_path[p].doc.level == final),
                        None,
                    )
                    receiver = (
                        target is not None and (target, "implementation", matter.code) in files
                    )
            context = MatterContext(
                tenant=tenant.ref,
                departments=tenant.doc.department_usccs(),
                parent_standard=standard,
                known_matters=implemented,
                receiver_published=receiver,
                staffed=frozenset(
                    (user.department, role.value)
                    for user in tenant.doc.users
                    if user.department
                    for role in user.roles
                ),
            )
            _, problems = check_matter_document(matter.raw, context, schemas)
            yield from (v.with_source(matter.path) for v in problems)
