"""The condition language of choice edges (docs/expressions.md)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tongban.core.flows import Expr, ExpressionError, evaluate, parse_expression
from tongban.core.flows.expr_nodes import MAX_DEPTH, MAX_SOURCE_LENGTH, quote

FLOWS_SOURCE = Path(__file__).resolve().parents[2] / "platform" / "tongban" / "core" / "flows"


def ev(source: str, data: dict[str, Any] | None = None) -> Any:
    return evaluate(parse_expression(source), data or {})


# -- values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("42", 42),
        ("3.50", Decimal("3.50")),
        ("'单引号'", "单引号"),
        ('"double"', "double"),
        (r"'it\'s'", "it's"),
        (r'"a\"b\\c\n\t\r\/"', 'a"b\\c\n\t\r/'),
        (r"'\u4e2d'", "中"),
        ("true", True),
        ("false", False),
        ("null", None),
        ("[1, 'a', [true]]", [1, "a", [True]]),
        ("[]", []),
        ("[1, 2,]", [1, 2]),
    ],
)
def test_literals(source: str, value: Any) -> None:
    assert ev(source) == value
    assert type(ev(source)) is type(value)


def test_field_paths_resolve_against_the_form_data() -> None:
    data = {"amount": 200000, "applicant": {"age": 17, "姓名": "张三"}, "申请金额": 5}
    assert ev("form.amount", data) == 200000
    assert ev("amount", data) == 200000  # the form. prefix is optional
    assert ev("form.applicant.age", data) == 17
    assert ev("applicant.姓名", data) == "张三"
    assert ev("form.申请金额 > 1", data) is True
    assert ev("form", data) == data


def test_a_missing_field_is_null() -> None:
    data = {"a": {"b": 1}, "s": "text"}
    assert ev("form.missing", data) is None
    assert ev("a.b.c", data) is None  # 1 is not an object
    assert ev("s.length", data) is None
    assert ev("form.missing == null", data) is True
    assert ev("form.missing > 3", data) is False


def test_form_floats_are_exact_decimals() -> None:
    assert ev("form.a + form.b == 0.3", {"a": 0.1, "b": 0.2}) is True
    assert ev("form.x", {"x": 1.5}) == Decimal("1.5")
    assert ev("form.x > 0", {"x": float("nan")}) is False
    assert ev("form.x", {"x": float("inf")}) is None


# -- operators ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 2 - 3", 5),
        ("10 - (2 - 3)", 11),
        ("-3 + 5", 2),
        ("--3", 3),
        ("-(2 * 3)", -6),
        ("10 / 4", Decimal("2.5")),
        ("1 / 3 * 3", Decimal("0.9999999999999999999999999999999999")),
        ("2.5 * 2", Decimal("5.0")),
        ("1 / 0", None),
        ("'a' + 1", None),
        ("null * 2", None),
        ("-'a'", None),
        ("true + 1", None),
    ],
)
def test_arithmetic(source: str, value: Any) -> None:
    assert ev(source) == value


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("1 == 1.0", True),
        ("1 != 2", True),
        ("2 < 10", True),
        ("2 <= 2", True),
        ("3 > 2.5", True),
        ("3 >= 4", False),
        ("'b' > 'a'", True),
        ("'2026-10-01' < '2026-10-08'", True),
        ("[1, 'a'] == [1.0, 'a']", True),
        ("null == null", True),
        ("true == true", True),
        # across kinds: == is false, != true, ordering false, never an error
        ("1 == '1'", False),
        ("1 != '1'", True),
        ("true == 1", False),
        ("null == 0", False),
        ("null == false", False),
        ("'a' < 1", False),
        ("'a' >= 1", False),
        ("null < 1", False),
        ("[1] < [2]", False),
        ("true > false", False),
    ],
)
def test_comparisons(source: str, value: bool) -> None:
    assert ev(source) is value


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("2 in [1, 2, 3]", True),
        ("2.0 in [1, 2]", True),
        ("'2' in [1, 2]", False),
        ("4 not in [1, 2]", True),
        ("'ell' in 'hello'", True),
        ("1 in 'hello'", False),
        ("'k' in form.obj", True),
        ("'z' in form.obj", False),
        ("1 in null", False),
        ("1 not in null", True),
        ("form.kind in ['a', 'b']", True),
        ("form.kind not in ['a', 'b']", False),
    ],
)
def test_membership(source: str, value: bool) -> None:
    assert ev(source, {"obj": {"k": 1}, "kind": "a"}) is value


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("true and false", False),
        ("true or false", True),
        ("not true", False),
        ("not null", True),
        ("not 0", True),
        ("not ''", True),
        ("not []", True),
        ("not 'x'", False),
        ("1 and 'x' and [0]", True),
        ("false or null or 0", False),
        ("not 1 == 2", True),
        ("true or 1 / 0", True),
        ("not not true", True),
    ],
)
def test_logic_gives_booleans(source: str, value: bool) -> None:
    assert ev(source) is value


def test_precedence_or_and_not_comparison() -> None:
    # and binds tighter than or; not binds looser than comparison
    assert ev("true or false and false") is True
    assert ev("(true or false) and false") is False
    assert ev("not 1 > 2 and 2 > 1") is True


def test_functions() -> None:
    data = {"name": "张三", "items": [1, 2, 3], "obj": {"a": 1}, "empty": None, "zero": 0}
    assert ev("len(form.name)", data) == 2
    assert ev("len(form.items) >= 3", data) is True
    assert ev("len(form.obj)", data) == 1
    assert ev("len(form.zero)", data) is None
    assert ev("len(form.missing)", data) is None
    assert ev("exists(form.name)", data) is True
    assert ev("exists(form.empty)", data) is False  # null counts as absent
    assert ev("exists(form.zero)", data) is True
    assert ev("exists(missing.deeper)", data) is False


def test_realistic_conditions() -> None:
    data = {"amount": 150000, "type": "a", "applicant": {"age": 30, "region": "230100"}}
    assert ev("form.amount > 100000 and form.type in ['a', 'b']", data) is True
    assert ev("form.applicant.age < 18 or not exists(form.applicant.region)", data) is False
    assert ev("form.amount / 10000 >= 15", data) is True


# -- the tree ----------------------------------------------------------------------------


def test_fields_lists_the_paths_read_without_the_form_prefix() -> None:
    expr = parse_expression("form.a > 1 and b.c in [form.d, 2] or exists(form.e.f) or len(g) > 0")
    assert expr.fields() == {"a", "b.c", "d", "e.f", "g"}
    assert parse_expression("1 + 2").fields() == set()


@pytest.mark.parametrize(
    "source",
    [
        "form.amount > 100000",
        "a or b and not c == -d + e * f",
        "(a or b) and c",
        "(a - b) - c",
        "a - (b - c)",
        "-(not a)",
        "not (a and b)",
        "(a == b) == c",
        "[1, 'x', [null]] == form.list",
        'exists(form.a) and len("多\\"\\n") > 1',
        "not not --1",
        "x not in [1.50, 2]",
    ],
)
def test_to_source_round_trips(source: str) -> None:
    expr = parse_expression(source)
    assert isinstance(expr, Expr)
    assert parse_expression(expr.to_source()) == expr
    assert str(expr) == expr.to_source()


def test_to_source_uses_minimal_parentheses() -> None:
    assert parse_expression("((a)) and ((b == 1))").to_source() == "a and b == 1"
    assert parse_expression("(a + b) * c").to_source() == "(a + b) * c"


def test_long_flat_chains_evaluate_without_deep_recursion() -> None:
    source = "+".join(["1"] * 450)
    assert len(source) <= MAX_SOURCE_LENGTH
    assert ev(source) == 450
    conj = " and ".join(["1"] * 160)
    assert ev(conj) is True


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "column", "fragment"),
    [
        ("a = 1", 3, "use '=='"),
        ("a && b", 3, "use 'and'"),
        ("a || b", 3, "use 'or'"),
        ("!a", 1, "use 'not'"),
        ("a > 1 $", 7, "unexpected character '$'"),
        ("form.金额 ＞ 1", 9, "full-width"),
        ("“a”", 1, "ASCII quotes"),
        ("1 +", 4, "ends where a value was expected"),
        ("(1 + 2", 7, "expected ')' to close the '(' at column 1"),
        ("[1, 2", 6, "expected ']'"),
        ("1 2", 3, "expected an operator or the end"),
        ("a b", 3, "name 'b'"),
        ("foo(1)", 1, "unknown function 'foo'"),
        ("len(1, 2)", 1, "len() takes 1 argument (got 2)"),
        ("len()", 1, "(got 0)"),
        ("exists(1)", 8, "exists() takes a field path"),
        ("'abc", 1, "unterminated string"),
        ("x == 'a\\", 6, "unterminated string"),
        ("'a\\qb'", 3, "unknown escape '\\q'"),
        ("'\\u12'", 2, "four hexadecimal digits"),
        ("1. + 2", 3, "digit after the decimal point"),
        ("a < b < c", 7, "do not chain"),
        ("a == b != c", 8, "do not chain"),
        ("a not b", 7, "expected 'in' after 'not'"),
        ("a.", 3, "expected a field name after '.'"),
        ("a.1", 3, "expected a field name"),
        ("a.and", 3, "expected a field name"),
        ("", 1, "empty"),
        ("   ", 1, "empty"),
        (")", 1, "expected a value, got ')'"),
        ("and", 1, "expected a value, got keyword 'and'"),
        ("1 +* 2", 4, "expected a value"),
    ],
)
def test_errors_name_the_column(source: str, column: int, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(source)
    assert caught.value.column == column, caught.value
    assert fragment in caught.value.message
    assert str(caught.value).startswith(f"column {column}: ")
    assert isinstance(caught.value, ValueError)


def test_length_limit() -> None:
    ok = "1" + " " * (MAX_SOURCE_LENGTH - 1)
    assert ev(ok) == 1
    with pytest.raises(ExpressionError) as caught:
        parse_expression(ok + " ")
    assert caught.value.column == MAX_SOURCE_LENGTH + 1
    assert "at most 1000 characters" in caught.value.message


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("(", ")"), ("[", "]"), ("not ", ""), ("-", ""), ("len(", ")")],
)
def test_depth_limit(opening: str, closing: str) -> None:
    parse_expression(opening * MAX_DEPTH + "1" + closing * MAX_DEPTH)
    with pytest.raises(ExpressionError) as caught:
        parse_expression(opening * (MAX_DEPTH + 1) + "1" + closing * (MAX_DEPTH + 1))
    assert "nested too deeply" in caught.value.message
    assert caught.value.column == len(opening) * MAX_DEPTH + 1


def test_a_non_string_source_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError):
        parse_expression(42)  # type: ignore[arg-type]


def test_the_language_never_reaches_python_evaluation() -> None:
    """No eval/exec/compile/ast anywhere in the package (re.compile is a regex)."""
    banned = re.compile(r"(?<![\w.])(eval|exec|compile|__import__)\(|\bimport ast\b|\bfrom ast\b")
    for path in FLOWS_SOURCE.glob("*.py"):
        assert not banned.search(path.read_text(encoding="utf-8")), path.name
    assert ev("__import__") is None  # just a (missing) field name
    with pytest.raises(ExpressionError):
        parse_expression("__import__('os')")


# -- properties --------------------------------------------------------------------------

KEYWORDS = {"and", "or", "not", "in", "true", "false", "null", "len", "exists"}
names = st.text(
    alphabet=st.sampled_from("abcxyz_金额申请人年龄" + "0123456789"), min_size=1, max_size=6
).filter(lambda s: s.isidentifier() and s not in KEYWORDS)
paths = st.lists(names, min_size=1, max_size=3).map(".".join)
atoms = st.one_of(
    st.integers(min_value=0, max_value=10**12).map(str),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False).map(
        lambda d: format(d, "f") if "." in format(d, "f") else format(d, "f") + ".0"
    ),
    st.text(max_size=8).map(quote),
    st.text(alphabet=st.sampled_from("ab'\"\\ \n中"), max_size=6).map(
        lambda s: "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"
    ),
    st.sampled_from(["true", "false", "null"]),
    paths,
    paths.map(lambda p: "form." + p),
)
BINARY = ["and", "or", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "+", "-", "*", "/"]


def _expressions(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return atoms
    inner = _expressions(depth - 1)
    return st.one_of(
        atoms,
        st.tuples(inner, st.sampled_from(BINARY), inner).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
        inner.map(lambda e: f"not ({e})"),
        inner.map(lambda e: f"-({e})"),
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        inner.map(lambda e: f"len({e})"),
        paths.map(lambda p: f"exists({p})"),
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["a", "b", "x", "金额"]), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    source=_expressions(3),
    data=st.dictionaries(st.sampled_from(["a", "b", "x", "金额"]), json_values),
)
def test_well_formed_expressions_parse_round_trip_and_evaluate(
    source: str, data: dict[str, Any]
) -> None:
    assume(len(source) <= MAX_SOURCE_LENGTH)
    expr = parse_expression(source)
    assert parse_expression(expr.to_source()) == expr
    evaluate(expr, data)  # never raises


GARBAGE_ALPHABET = st.sampled_from(list("ab1 .,()[]'\"\\=!<>+-*/&|中（“\n") + ["and", "not", "in"])


@settings(max_examples=500, deadline=None)
@given(source=st.one_of(st.text(max_size=40), st.lists(GARBAGE_ALPHABET, max_size=25).map("".join)))
def test_garbage_raises_expression_error_and_nothing_else(source: str) -> None:
    try:
        expr = parse_expression(source)
    except ExpressionError as error:
        assert 1 <= error.column <= len(source) + 1
        assert error.message
    else:
        assert parse_expression(expr.to_source()) == expr
