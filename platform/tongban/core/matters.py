"""Standard matters (事项), refinements and implementations (实施清单事项).

A ``MatterSpec`` is the same shape at every level: a standard defined at one level, a
refinement of it at a level below, and an implementation by a tenant all carry one. The
conformance checker (``core.conformance``) compares a spec with its parent's effective spec.
Only an implementation carries a flow and an implementing department.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tongban.core.tenancy import Level

# GB/T 39046 A.1 事项类型
MATTER_TYPES: dict[str, str] = {
    "00": "行政权力事项",
    "01": "行政许可",
    "02": "行政处罚",
    "03": "行政强制",
    "04": "行政征收",
    "05": "行政给付",
    "06": "行政检查",
    "07": "行政确认",
    "08": "行政奖励",
    "09": "行政裁决",
    "10": "其他行政权力",
    "20": "公共服务事项",
}

# 权力来源 as used by the national platform's importers
POWER_SOURCES: dict[str, str] = {
    "1": "法定本级行使",
    "2": "上级下放",
    "3": "上级授权",
    "4": "同级授权",
    "5": "上级委托",
    "6": "同级委托",
}

# GB/T 39046 A.4 服务对象
SERVICE_OBJECTS: dict[str, str] = {
    "1": "自然人",
    "2": "企业法人",
    "3": "事业法人",
    "4": "社会组织法人",
    "5": "行政机关",
    "6": "其他组织",
}

MATERIAL_SOURCES: dict[str, str] = {
    "applicant": "申请人自备",
    "government": "政府部门核发",
    "intermediary": "中介机构出具",
    "other": "其他",
}


class StepKind(StrEnum):
    """收件 · 受理 · 审查 · 决定 · 办结: the kinds of human step a procedure lists."""

    RECEIVE = "receive"
    ACCEPT = "accept"
    REVIEW = "review"
    DECIDE = "decide"
    CONCLUDE = "conclude"

    @property
    def label(self) -> str:
        return _STEP_LABELS[self]


_STEP_LABELS = {
    StepKind.RECEIVE: "收件",
    StepKind.ACCEPT: "受理",
    StepKind.REVIEW: "审查",
    StepKind.DECIDE: "决定",
    StepKind.CONCLUDE: "办结",
}

INSTANT = 0
"""A time limit of 0 working days means 即办 (instant)."""


@dataclass(frozen=True)
class Material:
    code: str
    name: str
    required: bool = True
    originals: int = 0
    copies: int = 0
    page_limit: int | None = None
    source: str = "applicant"
    waivable: bool = False  # may be obtained by data sharing or e-licence lookup (免提交)
    waived: bool = False  # this level obtains it itself: the applicant need not submit it


@dataclass(frozen=True)
class Fee:
    code: str
    name: str
    amount_fen: int  # 分, so money is never a float
    basis: str = ""


@dataclass(frozen=True)
class ApprovalChain:
    """Who reviews first and who decides: e.g. county-initial/city-final (县初审市终审).

    ``initial == final`` means the matter is decided where it is received.
    """

    initial: Level
    final: Level

    @property
    def escalates(self) -> bool:
        return self.initial != self.final

    @property
    def key(self) -> str:
        if not self.escalates:
            return self.initial.key
        return f"{self.initial.key}-initial/{self.final.key}-final"

    @classmethod
    def parse(cls, value: str) -> ApprovalChain:
        if "/" not in value:
            level = Level.parse(value)
            return cls(level, level)
        first, _, second = value.partition("/")
        if not first.endswith("-initial") or not second.endswith("-final"):
            raise ValueError(
                f"approval chain {value!r}: expected LEVEL or LEVEL-initial/LEVEL-final"
            )
        initial = Level.parse(first.removesuffix("-initial"))
        final = Level.parse(second.removesuffix("-final"))
        if final >= initial:
            raise ValueError(f"approval chain {value!r}: the final level must be above the initial")
        return cls(initial, final)


class EscalationMode(StrEnum):
    """How a matter decided at a higher level (县初审市终审 …) yields its one decision.

    - ``art35`` (行政许可法第三十五条): the final level decides and its department seals the
      决定书; the initial level's case delivers (送达) that sealed document to the applicant.
    - ``opinion`` (上报件, 乌兰察布 2015): the final level's reviewed and signed opinion
      (审核签批意见) comes back sealed by its department, and the initial level's window issues
      the decision document on that basis, naming the opinion it rests on.
    """

    ART35 = "art35"
    OPINION = "opinion"

    @property
    def label(self) -> str:
        return _ESCALATION_LABELS[self]


_ESCALATION_LABELS = {
    EscalationMode.ART35: "终审层级决定并送达（行政许可法第三十五条）",
    EscalationMode.OPINION: "终审层级审核签批、初审层级出具决定书（上报件）",
}
DEFAULT_ESCALATION = EscalationMode.ART35


@dataclass(frozen=True)
class Procedure:
    steps: tuple[StepKind, ...]  # ordered step kinds every path must contain
    max_human_steps: int


@dataclass(frozen=True)
class MatterSpec:
    """Everything a standard, a refinement or an implementation says about one matter."""

    code: str  # 基本编码, 12 chars
    name: str
    matter_type: str  # GB/T 39046 A.1
    legal_basis: str
    power_source: str
    service_objects: tuple[str, ...]
    materials: tuple[Material, ...]
    legal_days: int  # 法定办结时限 in working days; INSTANT = 即办
    promised_days: int  # 承诺办结时限 in working days; INSTANT = 即办
    procedure: Procedure
    approval_chain: ApprovalChain
    fees: tuple[Fee, ...] = ()
    form: dict[str, Any] = field(default_factory=dict)  # JSON Schema Draft 2020-12
    conditions: str = ""  # 受理条件
    notify_and_commit: bool = False  # 告知承诺制
    escalation: EscalationMode = DEFAULT_ESCALATION  # only meaningful when the chain escalates

    @property
    def instant(self) -> bool:
        return self.promised_days == INSTANT


@dataclass(frozen=True)
class Implementation:
    """A tenant's implementation (实施清单事项) of a standard matter."""

    spec: MatterSpec
    tenant_code: str
    level: Level
    department_uscc: str  # 实施主体 (its 统一社会信用代码)
    flow: dict[str, Any]
    address: str = ""  # 办理地点
    hours: str = ""  # 办理时间
    phone: str = ""  # 咨询电话
    complaint_phone: str = ""  # 监督投诉电话
    online_url: str = ""

    @property
    def implementation_code(self) -> str:
        """实施编码 = implementer USCC (18) + 行使层级 (1) + 基本编码 (12): derived, never typed."""
        return implementation_code(self.department_uscc, self.level, self.spec.code)


def implementation_code(department_uscc: str, level: Level, basic_code: str) -> str:
    return f"{department_uscc}{int(level)}{basic_code}"


BASIC_CODE_LENGTH = 12


def basic_code_problem(code: str) -> str | None:
    if len(code) != BASIC_CODE_LENGTH:
        return (
            f"基本编码应为 {BASIC_CODE_LENGTH} 位 "
            f"(a basic code has {BASIC_CODE_LENGTH} characters, got {len(code)})"
        )
    if not code.isalnum() or not code.isascii() or code != code.upper():
        return "基本编码只能包含数字和大写字母 (digits and upper-case letters only)"
    return None
