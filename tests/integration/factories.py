"""Test data made through the production services: a small tree with sibling counties."""

from __future__ import annotations

import copy
from typing import Any

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.unit_of_work import Database
from tongban.core.codes import make_uscc
from tongban.core.documents import DepartmentDoc, TenantDoc, UserDoc
from tongban.core.roles import Role
from tongban.core.tenancy import Level
from tongban.services import definitions, tenants
from tongban.services.actors import Actor
from tongban.services.schemas import Schemas

MATTER_CODE = "000172111003"

# (code, name, level, parent)
TREE = [
    ("100000", "国家", Level.NATION, None),
    ("230000", "黑龙江省", Level.PROVINCE, "100000"),
    ("230100", "哈尔滨市", Level.CITY, "230000"),
    ("230123", "依兰县", Level.COUNTY, "230100"),
    ("230124", "方正县", Level.COUNTY, "230100"),
]


def department(code: str, n: int = 1) -> DepartmentDoc:
    return DepartmentDoc("scjgj", f"{code} 市场监督管理局", make_uscc("11" + code, f"MB{n:06d}"))


def seed_tree(db: Database) -> None:
    with platform_unit_of_work(db, "test seed") as uow:
        for n, (code, name, level, parent) in enumerate(TREE, start=1):
            doc = TenantDoc(
                code=code,
                name=name,
                level=level,
                departments=(department(code, n),),
                users=(
                    UserDoc(f"{code}_admin", f"{name}管理员", (Role.ADMIN,)),
                    UserDoc(f"{code}_clerk", f"{name}窗口", (Role.CLERK,), "scjgj"),
                    UserDoc(
                        f"{code}_officer", f"{name}审批", (Role.REVIEWER, Role.APPROVER), "scjgj"
                    ),
                ),
            )
            tenants.upsert_tenant(uow, doc, parent)
        uow.commit()


def admin(code: str) -> Actor:
    return Actor(f"{code}_admin", code, frozenset({Role.ADMIN}))


FORM: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "companyName": {"$ref": "urn:tongban:common#/$defs/companyName", "title": "企业名称"},
        "uscc": {"$ref": "urn:tongban:common#/$defs/uscc", "title": "统一社会信用代码"},
        "address": {"type": "string", "title": "经营地址"},
    },
    "required": ["companyName", "uscc"],
}


def standard(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "standard",
        "code": MATTER_CODE,
        "name": "药品零售企业经营许可",
        "matter_type": "01",
        "legal_basis": "《中华人民共和国药品管理法》第五十一条、第五十二条",
        "power_source": "1",
        "service_objects": ["2"],
        "time_limits": {"legal": 20, "promised": 15},
        "procedure": {
            "steps": ["receive", "accept", "review", "decide", "conclude"],
            "max_human_steps": 5,
        },
        "approval_chain": "county",
        "materials": [
            {"code": "M001", "name": "药品经营许可证申请表", "originals": 1},
            {"code": "M002", "name": "营业执照", "copies": 1, "waivable": True},
            {"code": "M003", "name": "质量管理文件", "required": False, "copies": 1},
        ],
        "form": copy.deepcopy(FORM),
    }
    doc.update(changes)
    return doc


def flow(days: tuple[int, int, int, int, int] = (0, 1, 5, 2, 1)) -> dict[str, Any]:
    steps = ["receive", "accept", "review", "decide", "conclude"]
    roles = ["clerk", "clerk", "reviewer", "approver", "clerk"]
    nodes: list[dict[str, Any]] = [{"id": "start", "kind": "start"}]
    for step, role, d in zip(steps, roles, days, strict=True):
        nodes.append(
            {
                "id": step,
                "kind": "task",
                "step": step,
                "name": step,
                "department": "scjgj",
                "role": role,
                "days": d,
            }
        )
    nodes.append({"id": "end", "kind": "end"})
    ids = [n["id"] for n in nodes]
    return {
        "nodes": nodes,
        "edges": [{"from": a, "to": b} for a, b in zip(ids, ids[1:], strict=False)],
    }


def implementation(**changes: Any) -> dict[str, Any]:
    doc = standard(kind="implementation", time_limits={"legal": 20, "promised": 10})
    doc["department"] = "scjgj"
    doc["guide"] = {"address": "政务服务中心 3 号窗口", "phone": "0451-12345678"}
    doc["flow"] = flow()
    doc.update(changes)
    return doc


def publish_matter(db: Database, schemas: Schemas, tenant_code: str, doc: dict[str, Any]) -> None:
    """Draft → submit → parent review (all three verdicts pass) → publish."""
    reviewer = TREE_PARENT.get(tenant_code) or tenant_code
    with db.for_tenant(tenant_code) as uow:
        definitions.save_draft(uow, admin(tenant_code), doc, schemas)
    with db.for_tenant(tenant_code) as uow:
        definitions.submit(uow, admin(tenant_code), doc["kind"], doc["code"], schemas)
    with db.for_tenant(reviewer) as uow:
        definitions.review(uow, admin(reviewer), tenant_code, doc["kind"], doc["code"], APPROVE)
    with db.for_tenant(tenant_code) as uow:
        definitions.publish(uow, admin(tenant_code), doc["kind"], doc["code"], schemas)


TREE_PARENT = {code: parent for code, _, _, parent in TREE if parent}
APPROVE = definitions.ReviewVerdicts(
    definitions.Verdict(True, "真实"),
    definitions.Verdict(True, "合法"),
    definitions.Verdict(True, "合理"),
)
