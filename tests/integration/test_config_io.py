"""Configuration as code against both databases: load, reload, export, refuse bad trees."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.models import Department, Matter, MatterVersion, Tenant
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import export_tree, load_tree
from tongban.core.codes import make_uscc
from tongban.core.documents import DepartmentDoc
from tongban.core.errors import Conflict, InvalidDefinition
from tongban.services.schemas import Schemas

DEMO = Path(__file__).resolve().parents[2] / "tenants"
COUNTY = "100000/230000/230100/230123"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _counts(db: Database) -> tuple[int, int, int]:
    with platform_unit_of_work(db, "test") as uow:
        return (
            uow.session.scalar(select(func.count()).select_from(Tenant)) or 0,
            uow.session.scalar(select(func.count()).select_from(Matter)) or 0,
            uow.session.scalar(select(func.count()).select_from(MatterVersion)) or 0,
        )


def test_demo_tree_loads_reloads_and_exports_byte_for_byte(
    db: Database, schemas: Schemas, tmp_path: Path
) -> None:
    first = load_tree(db, DEMO, schemas)
    assert first.tenants == 12 and len(first.matters_new) == 32
    counts = _counts(db)
    again = load_tree(db, DEMO, schemas)
    assert (again.matters_new, again.matters_changed, again.matters_unchanged) == ([], [], 32)
    assert _counts(db) == counts  # idempotent: no new versions
    export_tree(db, tmp_path / "out", schemas)
    assert _files(tmp_path / "out") == _files(DEMO)


def test_a_changed_file_makes_a_new_version_and_keeps_history(
    db: Database, schemas: Schemas, tmp_path: Path
) -> None:
    tree = tmp_path / "tenants"
    shutil.copytree(DEMO, tree)
    load_tree(db, tree, schemas)
    path = tree / COUNTY / "matters" / "000172111003.implementation.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["guide"]["phone"] = "0451-57000000"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    summary = load_tree(db, tree, schemas)
    assert summary.matters_changed == ["230123/implementation/000172111003"]
    with db.for_tenant("230123") as uow:
        matter = uow.matters.get(uow.tenant_id, "implementation", "000172111003")
        versions = [(v.version, v.status) for v in uow.matters.versions(matter)]
        assert matter.published_version == 2
    assert versions == [(1, "published"), (2, "published")]


def test_a_bad_tree_loads_nothing_and_names_every_problem(
    db: Database, schemas: Schemas, tmp_path: Path
) -> None:
    tree = tmp_path / "tenants"
    shutil.copytree(DEMO, tree)
    flow_file = tree / COUNTY / "matters" / "000172111003.implementation.yaml"
    doc = yaml.safe_load(flow_file.read_text(encoding="utf-8"))
    doc["flow"]["edges"].append({"from": "conclude", "to": "receive"})  # a cycle
    flow_file.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tenant_file = tree / COUNTY / "tenant.yaml"
    tenant_doc = yaml.safe_load(tenant_file.read_text(encoding="utf-8"))
    tenant_doc["departments"][0]["uscc"] = "11230123MB0000010A"  # bad check digit
    tenant_file.write_text(
        yaml.safe_dump(tenant_doc, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    with pytest.raises(InvalidDefinition) as refused:
        load_tree(db, tree, schemas)
    where = {(v.source, v.code) for v in refused.value.violations}
    assert (f"{COUNTY}/matters/000172111003.implementation.yaml", "FLOW_CYCLE") in where
    assert any(
        s == f"{COUNTY}/tenant.yaml" and "uscc" in p
        for s, p in ((v.source, v.pointer) for v in refused.value.violations)
    )
    assert _counts(db) == (0, 0, 0)


def test_a_conflict_only_the_database_sees_rolls_back_the_whole_load(
    db: Database, schemas: Schemas, tmp_path: Path
) -> None:
    load_tree(db, DEMO, schemas)
    before = _counts(db)
    taken = make_uscc("11230624", "MB999999")
    with platform_unit_of_work(db, "test") as uow:  # a department added outside the files
        tenant = uow.tenants.get("230624")
        uow.session.add(Department(tenant_id=tenant.id, code="extra", name="临时机构", uscc=taken))
        uow.commit()
    tree = tmp_path / "tenants"
    shutil.copytree(DEMO, tree)
    national = tree / "100000" / "matters" / "000150001002.implementation.yaml"
    doc = yaml.safe_load(national.read_text(encoding="utf-8"))
    doc["guide"]["phone"] = "010-00000000"  # a change early in the load …
    national.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tenant_file = tree / COUNTY / "tenant.yaml"
    tenant_doc = yaml.safe_load(tenant_file.read_text(encoding="utf-8"))
    extra = DepartmentDoc("newdep", "新设机构", taken)  # … and a clash later
    tenant_doc["departments"].append({"code": extra.code, "name": extra.name, "uscc": extra.uscc})
    tenant_file.write_text(
        yaml.safe_dump(tenant_doc, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    with pytest.raises(Conflict, match="未载入任何内容") as caught:
        load_tree(db, tree, schemas)
    assert caught.value.reason == "TREE_CONFLICT"
    assert _counts(db) == before
    with db.for_tenant("100000") as uow:
        matter = uow.matters.get(uow.tenant_id, "implementation", "000150001002")
        assert matter.published_version == 1
