"""Realistic matters for tests and benchmarks: a standard, its refinements and implementations.

Plain functions, no fixtures: ``standard()`` is a provincial 药品零售企业经营许可 with eight
materials, a fee and a 30-field form referencing ``urn:tongban:common``; ``implementation()``
is a county implementation of it with a valid small flow
(start → 收件 → 受理 → 审查 → 决定 → 办结 → end). Every builder takes overrides, so a test
states only what it changes.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from tongban.core.codes import make_uscc
from tongban.core.matters import (
    ApprovalChain,
    Fee,
    Implementation,
    Material,
    MatterSpec,
    Procedure,
    StepKind,
)
from tongban.core.tenancy import Level

COMMON = "urn:tongban:common#/$defs/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
DEPARTMENTS = frozenset({"zwfw", "scjgj", "yjj"})
KNOWN_MATTERS = frozenset({"000172111003", "000131127004"})
STEPS = (StepKind.RECEIVE, StepKind.ACCEPT, StepKind.REVIEW, StepKind.DECIDE, StepKind.CONCLUDE)
ESCALATING_STEPS = (StepKind.RECEIVE, StepKind.ACCEPT, StepKind.REVIEW, StepKind.CONCLUDE)

MATERIALS: tuple[Material, ...] = (
    Material("M001", "药品经营许可证申请表", originals=1, page_limit=5),
    Material("M002", "营业执照", copies=1, source="government", waivable=True),
    Material("M003", "法定代表人身份证明", copies=1, source="government", waivable=True),
    Material("M004", "执业药师资格证书", originals=1, copies=1, source="government", waivable=True),
    Material("M005", "经营场所平面布局图", copies=1, page_limit=3),
    Material("M006", "质量管理文件目录", originals=1, page_limit=20),
    Material("M007", "房屋产权证明或租赁合同", copies=1, required=False, source="other"),
    Material("M008", "委托代理人授权书", originals=1, required=False),
)
FEES: tuple[Fee, ...] = (Fee("F001", "许可证工本费", 1000, "《行政事业性收费标准》"),)


def form_properties() -> dict[str, Any]:
    """30 fields: applicant, enterprise, premises, pharmacists, business scope, contact."""
    props: dict[str, Any] = {
        "applicantName": {"$ref": COMMON + "personName", "title": "申请人姓名"},
        "applicantIdCard": {"$ref": COMMON + "idCard", "title": "申请人身份证号"},
        "applicantMobile": {"$ref": COMMON + "mobile", "title": "申请人手机"},
        "companyName": {"$ref": COMMON + "companyName", "title": "企业名称"},
        "uscc": {"$ref": COMMON + "uscc", "title": "统一社会信用代码"},
        "legalPerson": {"$ref": COMMON + "personName", "title": "法定代表人"},
        "legalPersonIdCard": {"$ref": COMMON + "idCard", "title": "法定代表人身份证号"},
        "registeredAddress": {"$ref": COMMON + "address", "title": "注册地址"},
        "businessAddress": {"$ref": COMMON + "address", "title": "经营地址"},
        "warehouseAddress": {"$ref": COMMON + "address", "title": "仓库地址"},
        "postcode": {"$ref": COMMON + "postcode", "title": "邮政编码"},
        "phone": {"$ref": COMMON + "phone", "title": "联系电话"},
        "email": {"$ref": COMMON + "email", "title": "电子邮箱"},
        "registeredCapital": {"$ref": COMMON + "money", "title": "注册资本（分）"},
        "foundedOn": {"$ref": COMMON + "date", "title": "成立日期"},
        "businessArea": {"type": "number", "title": "营业面积（平方米）", "minimum": 40},
        "warehouseArea": {"type": ["number", "null"], "title": "仓库面积（平方米）", "minimum": 0},
        "pharmacistName": {"$ref": COMMON + "personName", "title": "执业药师姓名"},
        "pharmacistIdCard": {"$ref": COMMON + "idCard", "title": "执业药师身份证号"},
        "pharmacistCertificate": {
            "type": "string",
            "title": "执业药师注册证号",
            "pattern": "^[0-9A-Z]{10,20}$",
        },
        "qualityManager": {"$ref": COMMON + "personName", "title": "质量负责人"},
        "businessMode": {
            "type": "string",
            "title": "经营方式",
            "enum": ["零售", "零售连锁门店", "零售连锁总部"],
        },
        "businessScope": {
            "type": "array",
            "title": "经营范围",
            "items": {
                "type": "string",
                "enum": ["处方药", "甲类非处方药", "乙类非处方药", "中药饮片", "生物制品"],
            },
            "minItems": 1,
        },
        "chainHeadquarters": {"$ref": COMMON + "companyName", "title": "连锁总部名称"},
        "employees": {"type": "integer", "title": "从业人员数", "minimum": 1},
        "hasColdChain": {"type": "boolean", "title": "是否具备冷链设施"},
        "openingDate": {"$ref": COMMON + "date", "title": "拟开业日期"},
        "agentName": {"$ref": COMMON + "personName", "title": "委托代理人"},
        "agentMobile": {"$ref": COMMON + "mobile", "title": "代理人手机"},
        "remarks": {"type": "string", "title": "备注", "maxLength": 500},
    }
    return props


REQUIRED = [
    "applicantName",
    "applicantIdCard",
    "applicantMobile",
    "companyName",
    "uscc",
    "legalPerson",
    "businessAddress",
    "businessArea",
    "pharmacistName",
    "businessMode",
    "businessScope",
]


def business_form(**extra: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "$schema": DRAFT,
        "title": "药品零售企业经营许可申请表",
        "type": "object",
        "properties": form_properties(),
        "required": list(REQUIRED),
    }
    form.update(extra)
    return form


def form_data(**overrides: Any) -> dict[str, Any]:
    """Data that passes ``business_form()``."""
    address = {
        "province": "黑龙江省",
        "city": "哈尔滨市",
        "county": "南岗区",
        "detail": "学府路 1 号",
    }
    data: dict[str, Any] = {
        "applicantName": "张三",
        "applicantIdCard": "11010519491231002X",
        "applicantMobile": "13800138000",
        "companyName": "哈尔滨某某大药房有限公司",
        "uscc": make_uscc("91230103", "MA1B2C3D"),
        "legalPerson": "李四",
        "legalPersonIdCard": "11010519491231002X",
        "registeredAddress": dict(address),
        "businessAddress": dict(address),
        "warehouseAddress": dict(address),
        "postcode": "150001",
        "phone": "0451-86661234",
        "email": "yaofang@example.cn",
        "registeredCapital": 50_000_000,
        "foundedOn": "2020-03-15",
        "businessArea": 120.5,
        "warehouseArea": None,
        "pharmacistName": "王五",
        "pharmacistIdCard": "11010519491231002X",
        "pharmacistCertificate": "ZY2026001234",
        "qualityManager": "赵六",
        "businessMode": "零售",
        "businessScope": ["处方药", "乙类非处方药"],
        "chainHeadquarters": "某某医药连锁有限公司",
        "employees": 8,
        "hasColdChain": True,
        "openingDate": "2026-12-01",
        "agentName": "钱七",
        "agentMobile": "13900139000",
        "remarks": "",
    }
    data.update(overrides)
    return data


def standard(**overrides: Any) -> MatterSpec:
    """The provincial standard 药品零售企业经营许可 (promised 15 of legal 20 working days)."""
    fields: dict[str, Any] = {
        "code": "000172111003",
        "name": "药品零售企业经营许可",
        "matter_type": "01",
        "legal_basis": "《中华人民共和国药品管理法》第五十一条、第五十二条",
        "power_source": "1",
        "service_objects": ("2",),
        "materials": MATERIALS,
        "legal_days": 20,
        "promised_days": 15,
        "procedure": Procedure(STEPS, 5),
        "approval_chain": ApprovalChain(Level.COUNTY, Level.COUNTY),
        "fees": FEES,
        "form": business_form(),
        "conditions": "申请人具备与经营药品相适应的场所、设备、人员和质量管理制度。",
    }
    fields.update(overrides)
    return MatterSpec(**fields)


def escalating_standard(**overrides: Any) -> MatterSpec:
    """A county-initial / city-final (县初审市终审) variant of ``standard()``."""
    fields: dict[str, Any] = {
        "approval_chain": ApprovalChain(Level.COUNTY, Level.CITY),
        "procedure": Procedure(ESCALATING_STEPS, 4),
    }
    fields.update(overrides)
    return standard(**fields)


def refine(spec: MatterSpec, **changes: Any) -> MatterSpec:
    """``spec`` with ``changes`` (a refinement restates the whole matter)."""
    return dataclasses.replace(spec, **changes)


def replace_material(spec: MatterSpec, code: str, **changes: Any) -> tuple[Material, ...]:
    return tuple(dataclasses.replace(m, **changes) if m.code == code else m for m in spec.materials)


def task(
    node_id: str, step: StepKind, days: int, *, role: str, department: str = "zwfw"
) -> dict[str, Any]:
    return {
        "id": node_id,
        "kind": "task",
        "step": step.value,
        "name": step.label,
        "department": department,
        "role": role,
        "days": days,
    }


def small_flow(
    *,
    days: tuple[int, int, int, int, int] = (0, 1, 3, 2, 1),
    department: str = "zwfw",
    reviewer_department: str = "yjj",
) -> dict[str, Any]:
    """start → 收件 → 受理 → 审查 → 决定 → 办结 → end: 7 working days on the critical path."""
    receive, accept, review, decide, conclude = days
    nodes = [
        {"id": "start", "kind": "start"},
        task("receive", StepKind.RECEIVE, receive, role="clerk", department=department),
        task("accept", StepKind.ACCEPT, accept, role="clerk", department=department),
        task("review", StepKind.REVIEW, review, role="reviewer", department=reviewer_department),
        task("decide", StepKind.DECIDE, decide, role="approver", department=reviewer_department),
        task("conclude", StepKind.CONCLUDE, conclude, role="clerk", department=department),
        {"id": "end", "kind": "end"},
    ]
    order = [node["id"] for node in nodes]
    edges = [{"from": a, "to": b} for a, b in zip(order, order[1:], strict=False)]
    return {"nodes": nodes, "edges": edges}


def escalating_flow(to: str = "city", *, days: int = 8) -> dict[str, Any]:
    """start → 收件 → 受理 → 初审 → 上报 (escalate) → 办结 → end."""
    nodes = [
        {"id": "start", "kind": "start"},
        task("receive", StepKind.RECEIVE, 0, role="clerk"),
        task("accept", StepKind.ACCEPT, 1, role="clerk"),
        task("review", StepKind.REVIEW, 3, role="reviewer", department="yjj"),
        {"id": "up", "kind": "escalate", "to": to, "name": "上报终审", "days": days},
        task("conclude", StepKind.CONCLUDE, 1, role="clerk"),
        {"id": "end", "kind": "end"},
    ]
    order = [node["id"] for node in nodes]
    edges = [{"from": a, "to": b} for a, b in zip(order, order[1:], strict=False)]
    return {"nodes": nodes, "edges": edges}


def implementation(
    spec: MatterSpec | None = None,
    *,
    level: Level = Level.COUNTY,
    flow: dict[str, Any] | None = None,
    tenant_code: str = "230103",
) -> Implementation:
    """A county implementation (哈尔滨市南岗区) of ``spec`` (default: ``standard()``)."""
    return Implementation(
        spec=spec if spec is not None else standard(),
        tenant_code=tenant_code,
        level=level,
        department_uscc=make_uscc("11230103", "MB123456"),
        flow=flow if flow is not None else small_flow(),
        address="哈尔滨市南岗区政务服务中心 A 区 12 号窗口",
        hours="工作日 9:00–17:00",
        phone="0451-12345678",
        complaint_phone="0451-12345679",
    )


def deep_copy_spec(spec: MatterSpec) -> MatterSpec:
    """The same spec with a form that is equal but not the same object (as if re-loaded)."""
    return dataclasses.replace(spec, form=copy.deepcopy(spec.form))
