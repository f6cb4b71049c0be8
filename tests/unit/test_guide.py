"""办事指南 / 一次性告知单 derived from an implementation."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tongban.core.guide import (
    Guide,
    approval_chain_label,
    build_guide,
    days_label,
    flow_stages,
    one_time_notice_text,
    yuan,
)
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

USCC = "11230123MB0000017X"


def task(node_id: str, step: str, days: int, name: str | None = None) -> dict[str, Any]:
    node = {"id": node_id, "kind": "task", "step": step, "department": "zwfw", "role": "clerk"}
    node["days"] = days
    if name:
        node["name"] = name
    return node


def linear_flow() -> dict[str, Any]:
    nodes = [
        {"id": "start", "kind": "start"},
        task("receive", "receive", 0, "收件"),
        task("accept", "accept", 1, "受理"),
        {"id": "split", "kind": "parallel"},
        {"id": "tax", "kind": "subflow", "matter": "000131127004", "days": 1, "name": "税务登记"},
        {"id": "ext", "kind": "external", "system": "金税三期", "days": 2},
        {"id": "join", "kind": "join", "split": "split"},
        task("review", "review", 5),
        {"id": "route", "kind": "choice"},
        {"id": "up", "kind": "escalate", "to": "city", "days": 10},
        task("decide", "decide", 2, "决定"),
        task("conclude", "conclude", 1, "办结"),
        {"id": "end", "kind": "end"},
    ]
    pairs = [
        ("start", "receive"),
        ("receive", "accept"),
        ("accept", "split"),
        ("split", "tax"),
        ("split", "ext"),
        ("tax", "join"),
        ("ext", "join"),
        ("join", "review"),
        ("review", "route"),
        ("route", "up"),
        ("route", "decide"),
        ("up", "conclude"),
        ("decide", "conclude"),
        ("conclude", "end"),
    ]
    return {"nodes": nodes, "edges": [{"from": a, "to": b} for a, b in pairs]}


def spec(**changes: Any) -> MatterSpec:
    base = MatterSpec(
        code="000172111003",
        name="药品零售企业经营许可",
        matter_type="01",
        legal_basis="《中华人民共和国药品管理法》第五十一条",
        power_source="1",
        service_objects=("1", "2"),
        materials=(
            Material("M001", "药品经营许可证申请表", originals=1, page_limit=5),
            Material("M002", "营业执照", copies=1, source="government", waivable=True, waived=True),
            Material("M003", "质量管理文件", required=False, copies=2),
        ),
        legal_days=20,
        promised_days=10,
        procedure=Procedure(tuple(StepKind), 5),
        approval_chain=ApprovalChain(Level.COUNTY, Level.CITY),
        fees=(Fee("F001", "工本费", 1050, "财政部文件"),),
        conditions="申请人具备药学技术人员",
        notify_and_commit=True,
    )
    return dataclasses.replace(base, **changes)


def implementation(**changes: Any) -> Implementation:
    return Implementation(
        spec=changes.pop("spec", spec()),
        tenant_code="230123",
        level=Level.COUNTY,
        department_uscc=USCC,
        flow=changes.pop("flow", linear_flow()),
        address="依兰县政务服务中心 3 号窗口",
        hours="工作日 9:00–17:00",
        phone="0451-57221234",
        complaint_phone="12345",
        **changes,
    )


@pytest.fixture
def guide() -> Guide:
    return build_guide(
        implementation(),
        tenant_name="依兰县",
        department_name="依兰县市场监督管理局",
        department_names={"zwfw": "依兰县政务服务中心"},
        matter_names={"000131127004": "企业设立登记"},
    )


def test_scalar_items(guide: Guide) -> None:
    assert guide.name == "药品零售企业经营许可"
    assert guide.implementation_code == USCC + "4" + "000172111003"
    assert guide.basic_code == "000172111003"
    assert guide.matter_type == "行政许可"
    assert guide.implementer == "依兰县市场监督管理局"
    assert guide.level == "县级"
    assert guide.approval_chain == "县级初审、市级终审"
    assert guide.service_objects == "自然人、企业法人"
    assert guide.legal_limit == "20个工作日"
    assert guide.promised_limit == "10个工作日"
    assert guide.case_type == "承诺件"
    assert guide.fees_label == "工本费 10.50元"
    assert guide.online_url == "暂无"
    assert guide.notify_and_commit and "告知承诺制" in guide.notify_and_commit
    labels = [label for label, _ in guide.rows()]
    assert labels[:3] == ["事项名称", "实施编码", "基本编码"]
    assert "监督投诉电话" in labels


def test_materials(guide: Guide) -> None:
    form, licence, quality = guide.materials
    assert (form.required_label, form.counts_label, form.page_limit_label) == (
        "必要",
        "原件1份",
        "不超过5页",
    )
    assert licence.waived and licence.source == "政府部门核发"
    assert licence.submission_label.startswith("免提交")
    assert (quality.required_label, quality.counts_label) == ("非必要", "复印件2份")
    assert [m.code for m in guide.submitted_materials] == ["M001", "M003"]


def test_process_orders_steps_and_groups_parallel_branches(guide: Guide) -> None:
    labels = [stage.label for stage in guide.stages]
    assert labels[0] == "收件（即办）"
    assert labels[1] == "受理（1个工作日）"
    assert labels[2] == "并联办理：税务登记（1个工作日）、金税三期办理（2个工作日）"
    assert guide.stages[2].parallel
    assert labels[3] == "审查（5个工作日）"
    assert guide.stages[3].steps[0].department == "依兰县政务服务中心"
    # the escalation and the local decision are alternatives after the choice
    assert labels[4] == "上报市级审批（10个工作日）（视情形）"
    assert labels[5] == "决定（2个工作日）（视情形）"
    assert labels[6] == "办结（1个工作日）"
    assert [s.number for s in guide.stages] == list(range(1, 8))


def test_an_unnamed_subflow_step_takes_the_matter_name() -> None:
    flow = linear_flow()
    del flow["nodes"][4]["name"]
    stages = flow_stages(flow, {}, {"000131127004": "企业设立登记"})
    assert stages[2].steps[0].name == "企业设立登记"
    assert flow_stages(flow, {})[2].steps[0].name == "关联事项 000131127004"


def test_instant_matter_without_fees() -> None:
    instant = spec(legal_days=0, promised_days=0, fees=(), notify_and_commit=False, conditions="")
    guide = build_guide(
        implementation(spec=instant, online_url="https://zwfw.example.gov.cn"),
        tenant_name="依兰县",
        department_name="依兰县市场监督管理局",
    )
    assert (guide.legal_limit, guide.promised_limit, guide.case_type) == ("即办", "即办", "即办件")
    assert guide.fees_label == "不收费"
    assert guide.notify_and_commit is None
    assert guide.conditions == "无特别条件"
    assert guide.online_url == "https://zwfw.example.gov.cn"
    # without department names the step shows the department code
    assert guide.stages[0].steps[0].department == "zwfw"


def test_one_time_notice_lists_every_material(guide: Guide) -> None:
    text = one_time_notice_text(guide)
    assert text.startswith("一次性告知单\n")
    assert "申请材料（共3项，需提交2项）" in text
    for name in ("药品经营许可证申请表", "营业执照", "质量管理文件"):
        assert name in text
    assert "免提交" in text
    assert "一次性告知" in text.splitlines()[-1]
    assert "告知承诺制" in text
    assert "并联办理" in text


def test_helpers() -> None:
    assert days_label(0) == "即办"
    assert days_label(3) == "3个工作日"
    assert yuan(5) == "0.05元"
    assert approval_chain_label(ApprovalChain(Level.PROVINCE, Level.PROVINCE)) == "省级审批"
    assert approval_chain_label(ApprovalChain(Level.CITY, Level.PROVINCE)) == "市级初审、省级终审"


def test_cyclic_flow_falls_back_to_file_order() -> None:
    flow = {
        "nodes": [task("b", "review", 1, "乙"), task("a", "accept", 1, "甲")],
        "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}],
    }
    assert [s.steps[0].name for s in flow_stages(flow, {})] == ["乙", "甲"]
