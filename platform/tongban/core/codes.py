"""Check digits of the national codes the platform relies on.

- GB 32100-2015 unified social credit code (统一社会信用代码, 18 chars);
- GB 11714 organisation code embedded in it (chars 9–17);
- GB 11643-1999 citizen ID number (公民身份号码, 18 chars, ISO 7064 MOD 11-2).
"""

from __future__ import annotations

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    total = sum(_ORG_CHARSET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    r = 11 - total % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or None when it is."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位 (got {len(code)} characters)"
    bad = [c for c in code if c not in USCC_CHARSET]
    if bad:
        return f"统一社会信用代码含非法字符 {''.join(sorted(set(bad)))!r}"
    if not all("0" <= c <= "9" for c in code[2:8]):
        return "统一社会信用代码第3–8位应为登记管理机关行政区划码"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误 (expected {expected}, got {code[17]})"
    org = code[8:17]
    if all(c in _ORG_CHARSET for c in org[:8]) and org_code_check_char(org[:8]) != org[8]:
        return "统一社会信用代码中的组织机构代码校验位错误"
    return None


def is_valid_uscc(code: str) -> bool:
    return uscc_problem(code) is None


def make_uscc(prefix8: str, org8: str) -> str:
    """Build a valid USCC from its first 8 chars and an 8-char organisation code body."""
    body = prefix8 + org8 + org_code_check_char(org8)
    return body + uscc_check_char(body)


def id_card_problem(number: str) -> str | None:
    """Why ``number`` is not a valid 18-digit citizen ID number, or None when it is."""
    # ASCII digits only: str.isdigit() also takes full-width ０-９, which the browser refuses
    if len(number) != 18 or not all("0" <= c <= "9" for c in number[:17]):
        return "公民身份号码应为17位数字加1位校验码"
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    expected = _ID_CHECK[total % 11]
    if number[17].upper() != expected:
        return f"公民身份号码校验码错误 (expected {expected})"
    return None


def is_valid_id_card(number: str) -> bool:
    return id_card_problem(number) is None
