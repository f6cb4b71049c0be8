"""The tenant tree: nation → province → city → county → township.

Levels are the 行使层级 codes of GB/T 39046 A.2; tenants are identified by their GB/T 2260
administrative division code (6 digits; 9 for a township, GB/T 10114). The nation root uses
the code ``100000`` (中华人民共和国, as the national platform does).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

NATION_CODE = "100000"


class Level(IntEnum):
    """行使层级 (GB/T 39046 A.2)."""

    NATION = 1
    PROVINCE = 2
    CITY = 3
    COUNTY = 4
    TOWNSHIP = 5

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def key(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | int) -> Level:
        if isinstance(value, int):
            return cls(value)
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(
                f"unknown level {value!r}; expected one of " + ", ".join(level.key for level in cls)
            ) from None


_LEVEL_LABELS = {
    Level.NATION: "国家级",
    Level.PROVINCE: "省级",
    Level.CITY: "市级",
    Level.COUNTY: "县级",
    Level.TOWNSHIP: "镇(乡、街道)级",
}


@dataclass(frozen=True)
class TenantRef:
    """What the domain needs to know of a tenant: its code, level and place in the tree."""

    code: str
    name: str
    level: Level
    path: tuple[str, ...]  # codes from the root down to and including this tenant

    @property
    def parent_code(self) -> str | None:
        return self.path[-2] if len(self.path) > 1 else None

    def is_ancestor_of(self, other: TenantRef) -> bool:
        return len(other.path) > len(self.path) and other.path[: len(self.path)] == self.path

    def is_self_or_ancestor_of(self, other: TenantRef) -> bool:
        return other.path[: len(self.path)] == self.path


def division_code_problem(code: str, level: Level, parent_code: str | None) -> str | None:
    """Why ``code`` cannot be a tenant of ``level`` under ``parent_code``, or None if it can."""
    if level is Level.NATION:
        if parent_code is not None:
            return "国家级单位是根节点，没有上级 (the nation tenant is the root and has no parent)"
        return (
            None
            if code == NATION_CODE
            else f"国家级单位的代码为 {NATION_CODE} (the nation tenant's code is {NATION_CODE})"
        )
    if parent_code is None:
        return f"{level.label}单位须有上级 (a {level.key} tenant needs a parent)"
    if level is Level.TOWNSHIP:
        if len(code) != 9 or not code.isdigit():
            return "乡镇代码为 9 位数字：6 位县级代码加 3 位 (a township code has 9 digits: 6-digit county code + 3 digits)"
        if code[:6] != parent_code:
            return (
                f"乡镇代码 {code} 须以所属县级代码 {parent_code} 开头 "
                f"(township code {code} must start with its county's code {parent_code})"
            )
        if code[6:] == "000":
            return "乡镇代码后 3 位不能为 000 (a township code's last 3 digits cannot be 000)"
        return None
    if len(code) != 6 or not code.isdigit():
        return "行政区划代码为 6 位数字 (an administrative division code has 6 digits)"
    if level is Level.PROVINCE:
        if parent_code != NATION_CODE:
            return "省级单位的上级是国家级 (a province's parent is the nation)"
        if code[2:] != "0000" or code[:2] == "00":
            return "省级代码的形式为 XX0000 (a province code has the form XX0000)"
        return None
    if level is Level.CITY:
        if code[4:] != "00" or code[2:4] == "00":
            return (
                "市级代码的形式为 XXYY00，且 YY ≠ 00 (a city code has the form XXYY00 with YY ≠ 00)"
            )
        if code[:2] != parent_code[:2]:
            return (
                f"市级代码 {code} 须带所属省的前缀 {parent_code[:2]} "
                f"(city code {code} must carry its province's prefix {parent_code[:2]})"
            )
        return None
    # county: under a city (shares the city's first 4 digits), or directly under a province
    if code[4:] == "00":
        return "县级代码不能以 00 结尾 (a county code cannot end in 00)"
    if len(parent_code) != 6:
        return "县级单位的上级须为市级或省级 (a county's parent must be a city or a province)"
    if parent_code.endswith("0000"):
        prefix = parent_code[:2]
    else:
        prefix = parent_code[:4]
    if not code.startswith(prefix):
        return (
            f"县级代码 {code} 须带上级的前缀 {prefix} "
            f"(county code {code} must carry its parent's prefix {prefix})"
        )
    return None


ALLOWED_CHILD_LEVEL: dict[Level, tuple[Level, ...]] = {
    Level.NATION: (Level.PROVINCE,),
    Level.PROVINCE: (Level.CITY, Level.COUNTY),
    Level.CITY: (Level.COUNTY,),
    Level.COUNTY: (Level.TOWNSHIP,),
    Level.TOWNSHIP: (),
}
