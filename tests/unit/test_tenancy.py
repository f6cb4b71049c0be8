from __future__ import annotations

import pytest

from tongban.core.tenancy import NATION_CODE, Level, TenantRef, division_code_problem


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        (NATION_CODE, Level.NATION, None),
        ("230000", Level.PROVINCE, NATION_CODE),
        ("230100", Level.CITY, "230000"),
        ("230123", Level.COUNTY, "230100"),
        ("230123100", Level.TOWNSHIP, "230123"),
        ("429004", Level.COUNTY, "420000"),  # 省直辖县级行政单位
    ],
)
def test_codes_that_agree_with_the_tree(code: str, level: Level, parent: str | None) -> None:
    assert division_code_problem(code, level, parent) is None


@pytest.mark.parametrize(
    ("code", "level", "parent", "fragment"),
    [
        ("230100", Level.CITY, "150000", "prefix 15"),
        ("230623", Level.COUNTY, "230100", "prefix 2301"),
        ("230124100", Level.TOWNSHIP, "230123", "must start with"),
        ("23012310", Level.TOWNSHIP, "230123", "9 digits"),
        ("230000", Level.CITY, "230000", "XXYY00"),
        ("230100", Level.COUNTY, "230100", "cannot end in 00"),
        ("2300a0", Level.PROVINCE, NATION_CODE, "6 digits"),
        ("230100", Level.PROVINCE, NATION_CODE, "XX0000"),
        ("230000", Level.PROVINCE, None, "needs a parent"),
        ("230123000", Level.TOWNSHIP, "230123", "000"),
    ],
)
def test_codes_that_contradict_the_tree(
    code: str, level: Level, parent: str | None, fragment: str
) -> None:
    problem = division_code_problem(code, level, parent)
    assert problem is not None and fragment in problem
    assert not problem[0].isascii() and problem.endswith(")")  # 中文 (English)


def test_lineage() -> None:
    city = TenantRef("230100", "哈尔滨市", Level.CITY, (NATION_CODE, "230000", "230100"))
    county = TenantRef("230123", "依兰县", Level.COUNTY, (*city.path, "230123"))
    sibling = TenantRef("230124", "方正县", Level.COUNTY, (*city.path, "230124"))
    assert city.is_ancestor_of(county) and not county.is_ancestor_of(city)
    assert not county.is_ancestor_of(sibling) and not sibling.is_self_or_ancestor_of(county)
    assert county.parent_code == "230100"


def test_level_parse_names_the_choices() -> None:
    assert Level.parse("county") is Level.COUNTY
    with pytest.raises(ValueError, match="nation, province"):
        Level.parse("village")
