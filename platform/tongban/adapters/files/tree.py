"""The ``tenants/`` tree on disk (docs/configuration.md): read into documents, written back.

``read_tree`` parses every file it finds and reports every problem of a single file (YAML
syntax, meta-schema, parse checks, file and folder names, unexpected files) with ``source``
set to the file's path relative to the root. Checks across files (division codes against
the tree, duplicates, conformance) are ``services.validation``'s.

``write_tree`` takes plain ``TenantNode``s (a tenant, its parent's code, its matters), so a
database export can build them without touching files, and writes the canonical text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tongban.adapters.files.calendar_file import CALENDAR_FILE, CALENDARS_DIR, read_arrangement
from tongban.adapters.files.schemas import load_schema_dir
from tongban.adapters.files.yaml_io import FILE_UNREADABLE, dump_canonical, load_yaml
from tongban.core.calendar_doc import ArrangementDoc
from tongban.core.config_tree import LoadedMatter, LoadedTenant, TenantNode, TreeSnapshot
from tongban.core.documents import (
    MatterDoc,
    MetaSchemas,
    TenantDoc,
    matter_file_name,
    matter_to_doc,
    parse_matter_doc,
    parse_tenant_doc,
    tenant_to_doc,
)
from tongban.core.errors import Violation
from tongban.core.tenancy import TenantRef

__all__ = [
    "LoadedMatter",
    "LoadedTenant",
    "TenantNode",
    "TreeSnapshot",
    "WriteResult",
    "read_tree",
    "render_tree",
    "write_tree",
]

TENANT_FILE = "tenant.yaml"
MATTERS_DIR = "matters"
FILE_UNEXPECTED = "FILE_UNEXPECTED"
FILE_NAME_MISMATCH = "FILE_NAME_MISMATCH"
TREE_EMPTY = "TREE_EMPTY"
_HOLDS = f"{TENANT_FILE}、{MATTERS_DIR}/、{CALENDARS_DIR}/ 和下级单位文件夹"
_HOLDS_EN = f"{TENANT_FILE}, {MATTERS_DIR}/, {CALENDARS_DIR}/ and sub-tenant folders"

_MATTER_FILE = re.compile(r"(?P<code>[^.]+)\.(?P<kind>standard|implementation)\.yaml")


def read_tree(root: str | os.PathLike[str], *, schemas: MetaSchemas | None = None) -> TreeSnapshot:
    """Read the tree under ``root`` (a folder of tenant folders, or a tenant folder itself)."""
    reader = _Reader(Path(root), schemas or MetaSchemas(load_schema_dir()))
    return reader.read()


class _Reader:
    def __init__(self, root: Path, schemas: MetaSchemas) -> None:
        self.root = root
        self.schemas = schemas
        self.tenants: list[LoadedTenant] = []
        self.orphans: list[LoadedMatter] = []
        self.violations: list[Violation] = []

    def rel(self, path: Path) -> str:
        relative = path.relative_to(self.root).as_posix()
        return "" if relative == "." else relative

    def problem(self, code: str, path: Path, message: str, pointer: str = "") -> None:
        self.violations.append(Violation(code, pointer, message, self.rel(path) or str(path)))

    def read(self) -> TreeSnapshot:
        if not self.root.is_dir():
            self.problem(FILE_UNREADABLE, self.root, f"{self.root}: 目录不存在 (no such directory)")
        elif (self.root / TENANT_FILE).is_file():
            self.tenant_folder(self.root, ())
        else:
            for child in _entries(self.root):
                if not child.is_dir():
                    continue  # README and the like may sit beside the top tenant folders
                if (child / TENANT_FILE).is_file():
                    self.tenant_folder(child, ())
                else:
                    self.problem(
                        FILE_UNEXPECTED,
                        child,
                        f"文件夹 {child.name}/ 中没有 {TENANT_FILE} "
                        f"(folder {child.name}/ has no {TENANT_FILE})",
                    )
            if not self.tenants and not self.violations:
                self.problem(
                    TREE_EMPTY,
                    self.root,
                    f"{self.root}: 未找到任何单位文件夹 (no tenant folder found)",
                )
        return TreeSnapshot(tuple(self.tenants), tuple(self.violations), tuple(self.orphans))

    def tenant_folder(self, folder: Path, parent_path: tuple[str, ...]) -> None:
        file = folder / TENANT_FILE
        source = self.rel(file)
        data, problems = load_yaml(file, name=source)
        tenant: TenantDoc | None = None
        if not problems:
            tenant, problems = parse_tenant_doc(data, schemas=self.schemas)
        self.violations += [v.with_source(source) for v in problems]
        if tenant is not None and folder != self.root and folder.name != tenant.code:
            self.problem(
                FILE_NAME_MISMATCH,
                file,
                f"文件夹 {folder.name}/ 存放的是单位 {tenant.code}，文件夹须以单位代码命名 "
                f"(folder {folder.name}/ holds tenant {tenant.code}: the folder must be named "
                "after the code)",
                "/code",
            )
        path = (*parent_path, tenant.code if tenant else folder.name)
        ref = TenantRef(tenant.code, tenant.name, tenant.level, path) if tenant else None
        departments = tenant.department_usccs() if tenant else {}
        matters = self.matters(folder / MATTERS_DIR, ref, departments)
        calendars = self.calendars(folder / CALENDARS_DIR)
        if tenant is not None and ref is not None:
            self.tenants.append(LoadedTenant(tenant, ref, source, matters, calendars))
        else:
            self.orphans += matters
        for child in _entries(folder):
            if child.name == TENANT_FILE or (
                child.name in (MATTERS_DIR, CALENDARS_DIR) and child.is_dir()
            ):
                continue
            if child.is_dir() and (child / TENANT_FILE).is_file():
                self.tenant_folder(child, path)
            elif child.is_dir():
                self.problem(
                    FILE_UNEXPECTED,
                    child,
                    f"文件夹 {child.name}/ 中没有 {TENANT_FILE}；单位文件夹只能包含 {_HOLDS} "
                    f"(folder {child.name}/ has no {TENANT_FILE}; a tenant folder holds only "
                    f"{_HOLDS_EN})",
                )
            else:
                tenant_like = child.name.startswith("tenant.")
                hint_zh = f"（应为 {TENANT_FILE}？）" if tenant_like else ""
                hint = f" (did you mean {TENANT_FILE}?)" if tenant_like else ""
                self.problem(
                    FILE_UNEXPECTED,
                    child,
                    f"多余的文件 {child.name}{hint_zh}；单位文件夹只能包含 {_HOLDS} "
                    f"(unexpected file {child.name}{hint}; a tenant folder holds only "
                    f"{_HOLDS_EN})",
                )

    def calendars(self, folder: Path) -> tuple[ArrangementDoc, ...]:
        """``calendars/<year>.yaml``: the official arrangements this tenant supplies."""
        if not folder.is_dir():
            return ()
        docs = []
        for file in _entries(folder):
            if not (file.is_file() and CALENDAR_FILE.fullmatch(file.name)):
                self.problem(
                    FILE_UNEXPECTED,
                    file,
                    f"{CALENDARS_DIR}/ 中多余的 {file.name}：只能包含 <年份>.yaml，每年一份放假安排 "
                    f"(unexpected {file.name} in {CALENDARS_DIR}/: it holds only <year>.yaml "
                    "files, one official arrangement (放假安排) per year)",
                )
                continue
            doc, problems = read_arrangement(file, name=self.rel(file))
            self.violations += problems
            if doc is not None:
                docs.append(doc)
        return tuple(docs)

    def matters(
        self, folder: Path, tenant: TenantRef | None, departments: dict[str, str]
    ) -> tuple[LoadedMatter, ...]:
        if not folder.exists():
            return ()
        if not folder.is_dir():
            self.problem(
                FILE_UNEXPECTED,
                folder,
                f"{MATTERS_DIR} 须为文件夹 ({MATTERS_DIR} must be a folder)",
            )
            return ()
        loaded = []
        for file in _entries(folder):
            match = _MATTER_FILE.fullmatch(file.name)
            if match is None or not file.is_file():
                self.problem(
                    FILE_UNEXPECTED,
                    file,
                    f"多余的{'文件夹' if file.is_dir() else '文件'} {file.name}；{MATTERS_DIR}/ "
                    "只能包含 <基本编码>.standard.yaml 和 <基本编码>.implementation.yaml "
                    f"(unexpected {'folder' if file.is_dir() else 'file'} {file.name}; "
                    f"{MATTERS_DIR}/ holds <basic code>.standard.yaml and "
                    "<basic code>.implementation.yaml files)",
                )
                continue
            loaded.append(self.matter_file(file, match["kind"], match["code"], tenant, departments))
        return tuple(loaded)

    def matter_file(
        self,
        file: Path,
        kind: str,
        code: str,
        tenant: TenantRef | None,
        departments: dict[str, str],
    ) -> LoadedMatter:
        source = self.rel(file)
        data, problems = load_yaml(file, name=source)
        doc: MatterDoc | None = None
        if not problems:
            doc, problems = parse_matter_doc(
                data, tenant=tenant, departments=departments, schemas=self.schemas
            )
        self.violations += [v.with_source(source) for v in problems]
        if isinstance(data, dict):
            for key, expected in (("code", code), ("kind", kind)):
                found = data.get(key)
                if isinstance(found, str) and found != expected:
                    self.problem(
                        FILE_NAME_MISMATCH,
                        file,
                        f"{key} {found!r} 与文件名 {file.name} 不一致 ({key} {found!r} "
                        f"disagrees with the file name {file.name}; expected "
                        f"{matter_file_name(data.get('code', code), data.get('kind', kind))})",
                        f"/{key}",
                    )
                    doc = None
        return LoadedMatter(kind, code, source, data, doc)


def _entries(folder: Path) -> list[Path]:
    """A folder's entries in name order, leaving out hidden ones (.gitkeep, .DS_Store)."""
    return sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)


# ---------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class WriteResult:
    written: tuple[str, ...]  # created or changed, relative to the root
    removed: tuple[str, ...]  # stale files of ours that were deleted
    unchanged: int


def render_tree(nodes: Iterable[TenantNode]) -> dict[str, str]:
    """The canonical text of every file of ``nodes``, by path relative to the root.

    A tenant whose parent is not among ``nodes`` goes at the top.
    """
    nodes = list(nodes)
    by_code: dict[str, TenantNode] = {}
    for node in nodes:
        if node.tenant.code in by_code:
            raise ValueError(f"tenant {node.tenant.code} appears twice")
        by_code[node.tenant.code] = node
    files: dict[str, str] = {}
    for node in nodes:
        folder = _folder(node, by_code)
        files[str(folder / TENANT_FILE)] = dump_canonical(tenant_to_doc(node.tenant))
        for matter in node.matters:
            name = str(folder / MATTERS_DIR / matter.file_name)
            if name in files:
                raise ValueError(f"{name} appears twice")
            files[name] = dump_canonical(matter_to_doc(matter))
        for arrangement in node.calendars:
            files[str(folder / CALENDARS_DIR / f"{arrangement.year}.yaml")] = dump_canonical(
                arrangement.to_doc()
            )
    return files


def _folder(node: TenantNode, by_code: dict[str, TenantNode]) -> PurePosixPath:
    codes = [node.tenant.code]
    parent = node.parent_code
    while parent is not None and parent in by_code:
        if parent in codes:
            raise ValueError(f"tenant {parent} is its own ancestor")
        codes.append(parent)
        parent = by_code[parent].parent_code
    return PurePosixPath(*reversed(codes))


def owned_files(root: str | os.PathLike[str]) -> set[str]:
    """The files under ``root`` that ``write_tree`` owns: every tenant.yaml, and the matter
    and calendar files in the matters/ and calendars/ folders beside one."""
    base = Path(root)
    owned: set[str] = set()
    for tenant_file in base.rglob(TENANT_FILE):
        owned.add(tenant_file.relative_to(base).as_posix())
        for folder, name in ((MATTERS_DIR, _MATTER_FILE), (CALENDARS_DIR, CALENDAR_FILE)):
            files = tenant_file.parent / folder
            if files.is_dir():
                owned.update(
                    f.relative_to(base).as_posix()
                    for f in files.iterdir()
                    if f.is_file() and name.fullmatch(f.name)
                )
    return owned


def write_tree(nodes: Iterable[TenantNode], root: str | os.PathLike[str]) -> WriteResult:
    """Write the canonical files of ``nodes`` under ``root``; delete stale files we own.

    Files whose text is already right are left alone (mtimes stay); folders emptied by the
    deletions are removed; anything else under ``root`` is never touched.
    """
    base = Path(root)
    files = render_tree(nodes)
    stale = owned_files(base) - set(files) if base.is_dir() else set()
    written, unchanged = [], 0
    for name, text in sorted(files.items()):
        target = base / name
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        temporary.replace(target)
        written.append(name)
    for name in sorted(stale):
        (base / name).unlink()
    for name in sorted(stale, key=lambda n: -n.count("/")):
        _remove_empty_parents((base / name).parent, base)
    return WriteResult(tuple(written), tuple(sorted(stale)), unchanged)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
