"""Reading, writing and validating ``tenants/`` trees: every problem names file and pointer."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.unit.test_documents import (
    MATTER_CODE,
    department,
    implementation_doc,
    linear_flow,
    standard_doc,
    task,
    tenant_doc,
    uscc,
)

from tongban.adapters.files.config_io import validate_tree
from tongban.adapters.files.tree import (
    TenantNode,
    owned_files,
    read_tree,
    render_tree,
    write_tree,
)
from tongban.adapters.files.yaml_io import dump_canonical, load_yaml
from tongban.core.errors import Violation

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "form_schemas"

NATION = "100000"
PROVINCE = "100000/230000"
CITY = "100000/230000/230100"
DAOLI = "100000/230000/230100/230102"
NANGANG = "100000/230000/230100/230103"
STANDARD = f"{NATION}/matters/{MATTER_CODE}.standard.yaml"
DAOLI_IMPL = f"{DAOLI}/matters/{MATTER_CODE}.implementation.yaml"
NANGANG_IMPL = f"{NANGANG}/matters/{MATTER_CODE}.implementation.yaml"


def write(root: Path, name: str, doc: Any) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_canonical(doc), encoding="utf-8")
    return path


def edit(root: Path, name: str, change: Callable[[Any], None]) -> None:
    data, problems = load_yaml(root / name)
    assert problems == []
    change(data)
    write(root, name, data)


def build_tree(root: Path) -> Path:
    """国家 → 黑龙江省 → 哈尔滨市 → two sibling counties (道里区, 南岗区) implementing one
    national standard."""
    write(root, f"{NATION}/tenant.yaml", tenant_doc("100000", "国家", "nation"))
    write(root, STANDARD, standard_doc())
    write(root, f"{PROVINCE}/tenant.yaml", tenant_doc("230000", "黑龙江省", "province"))
    write(root, f"{CITY}/tenant.yaml", tenant_doc("230100", "哈尔滨市", "city"))
    write(root, f"{DAOLI}/tenant.yaml", tenant_doc("230102", "道里区", "county"))
    write(root, f"{NANGANG}/tenant.yaml", tenant_doc("230103", "南岗区", "county"))
    write(root, DAOLI_IMPL, implementation_doc())
    write(root, NANGANG_IMPL, implementation_doc())
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return build_tree(tmp_path / "tenants")


def validate(root: Path) -> list[Violation]:
    return validate_tree(root, SCHEMAS)


def found(violations: list[Violation], code: str, source: str, pointer: str) -> Violation:
    """The one violation with this code, file and pointer (a clear failure otherwise)."""
    matches = [v for v in violations if (v.code, v.source, v.pointer) == (code, source, pointer)]
    assert matches, f"no {code} at {source}#{pointer}; got:\n" + "\n".join(map(str, violations))
    return matches[0]


def only(violations: list[Violation], *expected: tuple[str, str, str]) -> None:
    got = {(v.code, v.source, v.pointer) for v in violations}
    assert got == set(expected), "\n".join(map(str, violations))


# ------------------------------------------------------------------ the good tree


def test_good_tree_is_clean(tree: Path) -> None:
    assert validate(tree) == []
    snapshot = read_tree(tree)
    assert [t.doc.code for t in snapshot.tenants] == [
        "100000",
        "230000",
        "230100",
        "230102",
        "230103",
    ]
    daoli = snapshot.tenants[3]
    assert daoli.ref.path == ("100000", "230000", "230100", "230102")
    assert daoli.parent_code == "230100" and daoli.path == f"{DAOLI}/tenant.yaml"
    [matter] = daoli.matters
    assert matter.path == DAOLI_IMPL and matter.doc is not None
    assert matter.doc.implementation is not None
    assert matter.doc.implementation.department_uscc == uscc("230102", 2)


def test_a_tenant_folder_can_be_the_root(tree: Path) -> None:
    assert validate(tree / NATION) == []
    assert read_tree(tree / NATION).tenants[3].path == "230000/230100/230102/tenant.yaml"


def test_hidden_files_and_files_beside_the_top_are_ignored(tree: Path) -> None:
    (tree / "README.md").write_text("配置\n", encoding="utf-8")
    (tree / DAOLI / "matters" / ".gitkeep").write_text("", encoding="utf-8")
    (tree / CITY / ".DS_Store").write_bytes(b"\0")
    assert validate(tree) == []


def test_empty_and_missing_trees(tmp_path: Path) -> None:
    only(validate(tmp_path), ("TREE_EMPTY", str(tmp_path), ""))
    [missing] = validate(tmp_path / "nope")
    assert missing.code == "FILE_UNREADABLE"


# ------------------------------------------------------------------ single files


def test_malformed_yaml(tree: Path) -> None:
    (tree / DAOLI / "tenant.yaml").write_text("code: '230102'\nname: [道里区\n", encoding="utf-8")
    violations = validate(tree)
    only(violations, ("FILE_SYNTAX", f"{DAOLI}/tenant.yaml", ""))
    assert f"{DAOLI}/tenant.yaml:3:1:" in violations[0].message


def test_duplicate_yaml_key(tree: Path) -> None:
    path = tree / DAOLI_IMPL
    path.write_text(path.read_text(encoding="utf-8") + "name: 重复的名称\n", encoding="utf-8")
    violations = validate(tree)
    only(violations, ("FILE_DUPLICATE_KEY", DAOLI_IMPL, ""))
    assert "duplicate key 'name' (first at line 3, column 1)" in violations[0].message
    assert violations[0].message.startswith(DAOLI_IMPL + ":")


def test_unknown_key(tree: Path) -> None:
    edit(tree, f"{CITY}/tenant.yaml", lambda d: d["departments"][0].update(phone="0451"))
    edit(tree, DAOLI_IMPL, lambda d: d["guide"].update(email="a@b.cn"))
    violations = validate(tree)
    only(
        violations,
        ("SCHEMA_UNKNOWN_KEY", f"{CITY}/tenant.yaml", "/departments/0/phone"),
        ("SCHEMA_UNKNOWN_KEY", DAOLI_IMPL, "/guide/email"),
    )


def test_form_not_valid_2020_12(tree: Path) -> None:
    edit(tree, DAOLI_IMPL, lambda d: d["form"]["properties"]["applicant"].update(type="strng"))
    violations = validate(tree)
    bad = [v for v in violations if v.code == "FORM_INVALID_SCHEMA"]
    assert bad and all(v.source == DAOLI_IMPL for v in bad)
    assert any(v.pointer.startswith("/form/properties/applicant") for v in bad), bad
    assert {v.source for v in violations} == {DAOLI_IMPL}


def test_unresolvable_ref(tree: Path) -> None:
    edit(
        tree,
        STANDARD,
        lambda d: d["form"]["properties"]["credit_code"].update(
            {"$ref": "urn:tongban:common#/$defs/nosuch"}
        ),
    )
    violations = validate(tree)
    found(violations, "FORM_UNRESOLVABLE_REF", STANDARD, "/form/properties/credit_code/$ref")


def test_bad_credit_code(tree: Path) -> None:
    def corrupt(doc: dict[str, Any]) -> None:
        code = doc["departments"][1]["uscc"]
        doc["departments"][1]["uscc"] = code[:-1] + ("1" if code[-1] == "0" else "0")

    edit(tree, f"{NANGANG}/tenant.yaml", corrupt)
    violations = validate(tree)
    only(violations, ("DEPARTMENT_INVALID_USCC", f"{NANGANG}/tenant.yaml", "/departments/1/uscc"))


def test_file_name_disagrees_with_content(tree: Path) -> None:
    shutil.move(
        tree / NANGANG_IMPL, tree / NANGANG / "matters" / "000172111004.implementation.yaml"
    )
    shutil.move(tree / DAOLI_IMPL, tree / DAOLI / "matters" / f"{MATTER_CODE}.standard.yaml")
    violations = validate(tree)
    only(
        violations,
        ("FILE_NAME_MISMATCH", f"{NANGANG}/matters/000172111004.implementation.yaml", "/code"),
        ("FILE_NAME_MISMATCH", f"{DAOLI}/matters/{MATTER_CODE}.standard.yaml", "/kind"),
    )
    assert "000172111003.implementation.yaml" in violations[1].message


def test_folder_name_disagrees_with_code(tree: Path) -> None:
    shutil.move(tree / NANGANG, tree / CITY / "230104")
    violations = validate(tree)
    only(violations, ("FILE_NAME_MISMATCH", f"{CITY}/230104/tenant.yaml", "/code"))


def test_unexpected_files(tree: Path) -> None:
    (tree / CITY / "notes.txt").write_text("x", encoding="utf-8")
    (tree / CITY / "tenant.yml").write_text("x", encoding="utf-8")
    (tree / DAOLI / "matters" / "000172111003.yml").write_text("x", encoding="utf-8")
    (tree / CITY / "230199").mkdir()
    violations = validate(tree)
    only(
        violations,
        ("FILE_UNEXPECTED", f"{CITY}/notes.txt", ""),
        ("FILE_UNEXPECTED", f"{CITY}/tenant.yml", ""),
        ("FILE_UNEXPECTED", f"{DAOLI}/matters/000172111003.yml", ""),
        ("FILE_UNEXPECTED", f"{CITY}/230199", ""),
    )
    assert (
        "did you mean tenant.yaml"
        in found(violations, "FILE_UNEXPECTED", f"{CITY}/tenant.yml", "").message
    )


# ------------------------------------------------------------------ the tree


def test_division_code_contradicting_the_tree(tree: Path) -> None:
    shutil.move(tree / NANGANG, tree / CITY / "240103")
    edit(tree, f"{CITY}/240103/tenant.yaml", lambda d: d.update(code="240103"))
    violations = validate(tree)
    problem = found(violations, "TENANT_DIVISION_CODE", f"{CITY}/240103/tenant.yaml", "/code")
    assert "2301" in problem.message
    assert {v.code for v in violations} == {"TENANT_DIVISION_CODE"}


def test_level_contradicting_the_tree(tree: Path) -> None:
    edit(tree, f"{NANGANG}/tenant.yaml", lambda d: d.update(level="city"))
    violations = validate(tree)
    found(violations, "TENANT_LEVEL", f"{NANGANG}/tenant.yaml", "/level")
    found(violations, "TENANT_DIVISION_CODE", f"{NANGANG}/tenant.yaml", "/code")


def test_root_must_be_the_nation(tmp_path: Path) -> None:
    write(tmp_path, "230000/tenant.yaml", tenant_doc("230000", "黑龙江省", "province"))
    only(validate(tmp_path), ("TENANT_DIVISION_CODE", "230000/tenant.yaml", "/code"))


def test_duplicate_tenant_code(tree: Path) -> None:
    # 230102 again, directly under the province (a valid place for a county code)
    shutil.copytree(tree / DAOLI, tree / PROVINCE / "230102")
    edit(tree, f"{PROVINCE}/230102/tenant.yaml", lambda d: (d.pop("users"), d.pop("departments")))
    shutil.rmtree(tree / PROVINCE / "230102" / "matters")
    violations = validate(tree)
    problem = found(violations, "TENANT_DUPLICATE_CODE", f"{PROVINCE}/230102/tenant.yaml", "/code")
    assert f"{CITY}/230102/tenant.yaml" in problem.message
    assert {v.code for v in violations} == {"TENANT_DUPLICATE_CODE"}


def test_duplicate_department_code(tree: Path) -> None:
    edit(
        tree,
        f"{DAOLI}/tenant.yaml",
        lambda d: d["departments"].append(department("zwfw", "另一个", "230102", 9)),
    )
    violations = validate(tree)
    only(violations, ("DEPARTMENT_DUPLICATE_CODE", f"{DAOLI}/tenant.yaml", "/departments/2/code"))


def test_duplicate_username_and_credit_code_across_tenants(tree: Path) -> None:
    def clash(doc: dict[str, Any]) -> None:
        doc["users"][1]["username"] = "clerk_230102"
        doc["departments"][0]["uscc"] = uscc("230102", 1)

    edit(tree, f"{NANGANG}/tenant.yaml", clash)
    violations = validate(tree)
    only(
        violations,
        ("USER_DUPLICATE_USERNAME", f"{NANGANG}/tenant.yaml", "/users/1/username"),
        ("DEPARTMENT_DUPLICATE_USCC", f"{NANGANG}/tenant.yaml", "/departments/0/uscc"),
    )
    assert f"{DAOLI}/tenant.yaml#/users/1/username" in violations[1].message


# ------------------------------------------------------------------ flows and conformance


def test_flow_with_a_cycle(tree: Path) -> None:
    edit(tree, DAOLI_IMPL, lambda d: d["flow"]["edges"].append({"from": "review", "to": "accept"}))
    violations = validate(tree)
    cycle = [v for v in violations if v.code == "FLOW_CYCLE"]
    assert cycle and {v.source for v in cycle} == {DAOLI_IMPL}
    assert all(v.pointer.startswith("/flow") for v in cycle)
    assert {v.source for v in violations} == {DAOLI_IMPL}


def test_flow_with_an_unreachable_node(tree: Path) -> None:
    def orphan(doc: dict[str, Any]) -> None:
        doc["flow"]["nodes"].insert(6, task("extra", "review", "scjgj", "reviewer", 1))
        doc["flow"]["edges"].append({"from": "extra", "to": "end"})

    edit(tree, DAOLI_IMPL, orphan)
    violations = validate(tree)
    found(violations, "FLOW_UNREACHABLE", DAOLI_IMPL, "/flow/nodes/6")
    assert {v.source for v in violations} == {DAOLI_IMPL}


def test_flow_assignee_must_be_a_department_of_the_tenant(tree: Path) -> None:
    edit(tree, DAOLI_IMPL, lambda d: d["flow"]["nodes"][3].update(department="wjw"))
    violations = validate(tree)
    assert any(v.source == DAOLI_IMPL and v.pointer.startswith("/flow/nodes/3") for v in violations)


def test_implementation_without_a_standard(tree: Path) -> None:
    write(
        tree,
        f"{DAOLI}/matters/000172111009.implementation.yaml",
        implementation_doc("000172111009"),
    )
    only(
        validate(tree),
        ("MATTER_NO_STANDARD", f"{DAOLI}/matters/000172111009.implementation.yaml", "/code"),
    )


def test_top_standard_is_checked_alone(tree: Path) -> None:
    edit(tree, STANDARD, lambda d: d.update(time_limits={"legal": 10, "promised": 12}))
    violations = validate(tree)
    found(violations, "PROMISED_EXCEEDS_LEGAL", STANDARD, "/time_limits/promised")


def test_refinement_against_the_standard_above(tree: Path) -> None:
    write(
        tree,
        f"{PROVINCE}/matters/{MATTER_CODE}.standard.yaml",
        standard_doc(time_limits={"legal": 20, "promised": 18}),
    )
    violations = validate(tree)
    only(
        violations,
        (
            "PROMISED_EXCEEDS_PARENT",
            f"{PROVINCE}/matters/{MATTER_CODE}.standard.yaml",
            "/time_limits/promised",
        ),
    )


def test_implementation_against_the_nearest_standard(tree: Path) -> None:
    # the province tightens the promise to 12 days; 道里区 promises 15 (fine nationally)
    write(
        tree,
        f"{PROVINCE}/matters/{MATTER_CODE}.standard.yaml",
        standard_doc(time_limits={"legal": 20, "promised": 12}),
    )
    edit(tree, NANGANG_IMPL, lambda d: d.update(time_limits={"legal": 20, "promised": 12}))
    violations = validate(tree)
    only(violations, ("PROMISED_EXCEEDS_PARENT", DAOLI_IMPL, "/time_limits/promised"))


def test_implementation_may_rest_on_its_own_tenants_standard(tree: Path) -> None:
    write(tree, f"{DAOLI}/matters/000172111009.standard.yaml", standard_doc("000172111009"))
    write(
        tree,
        f"{DAOLI}/matters/000172111009.implementation.yaml",
        implementation_doc("000172111009"),
    )
    assert validate(tree) == []


def test_material_added_by_an_implementation(tree: Path) -> None:
    edit(tree, DAOLI_IMPL, lambda d: d["materials"].append({"code": "M009", "name": "额外材料"}))
    only(validate(tree), ("MATERIAL_ADDED", DAOLI_IMPL, "/materials/2"))


def _escalating_flow() -> dict[str, Any]:
    flow = linear_flow()
    nodes = flow["nodes"]
    nodes.insert(4, {"id": "up", "kind": "escalate", "to": "city", "days": 2})
    flow["edges"] = [
        {"from": a["id"], "to": b["id"]} for a, b in zip(nodes, nodes[1:], strict=False)
    ]
    return flow


def test_escalation_needs_a_receiving_implementation(tree: Path) -> None:
    chain = "county-initial/city-final"
    edit(tree, STANDARD, lambda d: d.update(approval_chain=chain))
    for impl in (DAOLI_IMPL, NANGANG_IMPL):
        edit(tree, impl, lambda d: d.update(approval_chain=chain, flow=_escalating_flow()))
    violations = validate(tree)
    only(
        violations,
        ("APPROVAL_CHAIN_NO_RECEIVER", DAOLI_IMPL, "/approval_chain"),
        ("APPROVAL_CHAIN_NO_RECEIVER", NANGANG_IMPL, "/approval_chain"),
    )
    write(
        tree,
        f"{CITY}/matters/{MATTER_CODE}.implementation.yaml",
        implementation_doc(approval_chain=chain),
    )
    assert validate(tree) == []


def test_a_broken_standard_does_not_cascade(tree: Path) -> None:
    (tree / STANDARD).write_text("kind: standard\ncode: [\n", encoding="utf-8")
    only(validate(tree), ("FILE_SYNTAX", STANDARD, ""))


def test_matters_of_a_broken_tenant_are_still_checked(tree: Path) -> None:
    edit(tree, f"{DAOLI}/tenant.yaml", lambda d: d.update(level="district"))
    edit(tree, DAOLI_IMPL, lambda d: d.update(colour="red"))
    only(
        validate(tree),
        ("SCHEMA_INVALID", f"{DAOLI}/tenant.yaml", "/level"),
        ("SCHEMA_UNKNOWN_KEY", DAOLI_IMPL, "/colour"),
    )
    assert len(read_tree(tree).orphan_matters) == 1


def test_every_problem_is_reported_at_once(tree: Path) -> None:
    edit(tree, f"{CITY}/tenant.yaml", lambda d: d.update(colour="red"))
    edit(tree, DAOLI_IMPL, lambda d: d["flow"]["edges"].append({"from": "review", "to": "accept"}))
    edit(tree, NANGANG_IMPL, lambda d: d["materials"].append({"code": "M009", "name": "额外"}))
    sources = {v.source for v in validate(tree)}
    assert sources == {f"{CITY}/tenant.yaml", DAOLI_IMPL, NANGANG_IMPL}


# ------------------------------------------------------------------ writing


def test_write_tree_reproduces_a_canonical_tree(tree: Path, tmp_path: Path) -> None:
    snapshot = read_tree(tree)
    out = tmp_path / "export"
    result = write_tree(snapshot.nodes(), out)
    assert sorted(result.written) == sorted(owned_files(tree))
    for name in result.written:
        assert (out / name).read_bytes() == (tree / name).read_bytes(), name
    again = write_tree(read_tree(out).nodes(), out)
    assert again.written == () and again.removed == () and again.unchanged == len(result.written)


def test_write_tree_removes_only_its_own_stale_files(tree: Path) -> None:
    (tree / "README.md").write_text("keep\n", encoding="utf-8")
    (tree / NANGANG / "notes.txt").write_text("keep\n", encoding="utf-8")
    nodes = read_tree(tree).nodes()
    # 道里区 drops its implementation; 南岗区 disappears altogether
    nodes = [n if n.tenant.code != "230102" else TenantNode(n.tenant, n.parent_code) for n in nodes]
    nodes = [n for n in nodes if n.tenant.code != "230103"]
    result = write_tree(nodes, tree)
    assert set(result.removed) == {DAOLI_IMPL, NANGANG_IMPL, f"{NANGANG}/tenant.yaml"}
    assert not (tree / DAOLI / "matters").exists()
    assert (tree / NANGANG / "notes.txt").exists() and (tree / "README.md").exists()
    assert not (tree / NANGANG / "matters").exists()


def test_render_tree_places_children_under_parents() -> None:
    from tongban.core.documents import TenantDoc
    from tongban.core.tenancy import Level

    nation = TenantDoc("100000", "国家", Level.NATION)
    province = TenantDoc("230000", "黑龙江省", Level.PROVINCE)
    files = render_tree([TenantNode(province, "100000"), TenantNode(nation, None)])
    assert set(files) == {"100000/tenant.yaml", "100000/230000/tenant.yaml"}
    with pytest.raises(ValueError, match="twice"):
        render_tree([TenantNode(nation, None), TenantNode(nation, None)])


# ------------------------------------------------------------------ the shipped demo tree


def test_demo_tree_validates_clean_and_is_canonical() -> None:
    demo = ROOT / "tenants"
    assert demo.is_dir(), "tenants/ (the demo tree) is missing"
    assert validate(demo) == []
    files = render_tree(read_tree(demo).nodes())
    assert set(files) == owned_files(demo)
    for name, text in files.items():
        assert (demo / name).read_text(encoding="utf-8") == text, f"{name} is not canonical"


def test_a_task_whose_role_nobody_holds_is_reported(tmp_path: Path) -> None:
    tree = tmp_path / "tenants"
    shutil.copytree(ROOT / "tenants", tree)
    county = tree / "100000/230000/230100/230124/tenant.yaml"
    doc = yaml.safe_load(county.read_text(encoding="utf-8"))
    doc["users"] = [u for u in doc["users"] if "approver" not in u.get("roles", [])]
    county.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems = [v for v in validate_tree(tree) if v.code == "FLOW_ASSIGNEE_UNSTAFFED"]
    assert problems and all("230124/matters/" in v.source for v in problems)
    assert all(v.pointer.startswith("/flow/nodes/") and "approver" in v.message for v in problems)
