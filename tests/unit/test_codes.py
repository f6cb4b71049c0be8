from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from tongban.core.codes import id_card_problem, make_uscc, uscc_problem

# real codes published by their holders (reference/domain.md §2)
REAL_USCC = ["12441500196720244T", "91110000600037341L"]


def test_real_credit_codes_pass() -> None:
    for code in REAL_USCC:
        assert uscc_problem(code) is None


def test_each_kind_of_bad_credit_code_is_named() -> None:
    assert "18位" in (uscc_problem("1244150019672024") or "")
    assert "非法字符" in (uscc_problem("12441500196720244I") or "")
    assert "校验位错误" in (uscc_problem("12441500196720244A") or "")


@given(
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=string.digits + "ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8),
)
def test_made_codes_are_valid_and_any_single_change_of_the_check_char_is_caught(
    region: str, org: str
) -> None:
    code = make_uscc("11" + region, org)
    assert uscc_problem(code) is None
    wrong = "0" if code[-1] != "0" else "1"
    assert uscc_problem(code[:-1] + wrong) is not None


def test_citizen_id_check_digit() -> None:
    assert id_card_problem("11010519491231002X") is None  # GB 11643 example
    assert id_card_problem("110105194912310021") is not None
    assert id_card_problem("1101051949123100") is not None
