"""Evaluation of condition syntax trees against form data. Never raises on well-formed trees.

Semantics (docs/expressions.md):
- a field that is missing (or whose parent is not an object) is ``null``;
- numbers are ``int`` or ``Decimal`` (form floats become ``Decimal(repr(x))``; infinities
  and NaN count as null); ``/`` always gives a ``Decimal``; integer arithmetic is exact up to
  1024 bits, decimal arithmetic rounds to 34 significant digits; arithmetic on anything but two numbers, or division by zero,
  gives ``null``;
- ``==`` across kinds (number, string, boolean, null, list, object) is false and ``!=`` true;
  ``<`` ``<=`` ``>`` ``>=`` compare two numbers or two strings and are false otherwise;
- ``in`` tests membership in a list, a substring of a string or a key of an object, and is
  false for anything else; ``not in`` is its negation;
- ``and``/``or``/``not`` use truthiness (null, false, 0, "" and [] are false) and give booleans.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Context, Decimal
from typing import Any

from tongban.core.flows.expr_nodes import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    Field,
    ListExpr,
    Literal,
    Unary,
)

_CTX = Context(prec=34)  # decimal128 precision, independent of the thread's context

Number = int | Decimal


def evaluate(expr: Expr, data: Mapping[str, Any]) -> Any:
    """The value of ``expr`` with ``data`` (the form data) for its field paths."""
    try:
        return _eval(expr, data)
    except RecursionError:  # pathologically nested form data in an equality test
        return None


def truthy(value: Any) -> bool:
    if value is None or value is False:
        return False
    if value is True:
        return True
    number = as_number(value)
    if number is not None:
        return number != 0
    if isinstance(value, str | list | tuple | Mapping):
        return len(value) > 0
    return True


def as_number(value: Any) -> Number | None:
    """``value`` as an exact number, or None when it is not a (finite) number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return None


def _eval(expr: Expr, data: Mapping[str, Any]) -> Any:
    match expr:
        case Literal(value=value):
            return value
        case Field():
            return _resolve(expr, data)
        case BoolOp(op="and", operands=operands):
            return all(truthy(_eval(operand, data)) for operand in operands)
        case BoolOp(operands=operands):
            return any(truthy(_eval(operand, data)) for operand in operands)
        case Unary(op="not", operand=operand):
            return not truthy(_eval(operand, data))
        case Unary(operand=operand):
            number = as_number(_eval(operand, data))
            if number is None:
                return None
            return _CTX.minus(number) if isinstance(number, Decimal) else -number
        case Compare(op=op, left=left, right=right):
            return _compare(op, _eval(left, data), _eval(right, data))
        case Arith(first=first, rest=rest):
            value = _eval(first, data)
            for op, operand in rest:
                value = _arith(op, value, _eval(operand, data))
            return value
        case ListExpr(items=items):
            return [_eval(item, data) for item in items]
        case Call(name="len", args=(arg,)):
            value = _eval(arg, data)
            return len(value) if isinstance(value, str | list | tuple | Mapping) else None
        case Call(name="exists", args=(Field() as field,)):
            return _resolve(field, data) is not None
    raise TypeError(f"not an expression node: {expr!r}")


def _resolve(field: Field, data: Mapping[str, Any]) -> Any:
    value: Any = data
    for segment in field.segments:
        if not isinstance(value, Mapping) or segment not in value:
            return None
        value = value[segment]
    return as_number(value) if isinstance(value, float) else value


def _equal(a: Any, b: Any) -> bool:
    na, nb = as_number(a), as_number(b)
    if na is not None or nb is not None:
        return na is not None and nb is not None and na == nb
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return (
            isinstance(a, list | tuple)
            and isinstance(b, list | tuple)
            and len(a) == len(b)
            and all(_equal(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return (
            isinstance(a, Mapping)
            and isinstance(b, Mapping)
            and a.keys() == b.keys()
            and all(_equal(a[key], b[key]) for key in a)
        )
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b
    return False  # NaN, infinity and other values equal nothing


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return _equal(a, b)
    if op == "!=":
        return not _equal(a, b)
    if op == "in":
        return _contains(b, a)
    if op == "not in":
        return not _contains(b, a)
    na, nb = as_number(a), as_number(b)
    if na is not None and nb is not None:
        left, right = na, nb
    elif isinstance(a, str) and isinstance(b, str):
        return _order(op, a, b)
    else:
        return False
    return _order(op, left, right)


def _order(op: str, a: Any, b: Any) -> bool:
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, list | tuple):
        return any(_equal(item, element) for element in container)
    if isinstance(container, str):
        return isinstance(item, str) and item in container
    if isinstance(container, Mapping):
        return isinstance(item, str) and item in container
    return False


def _small(number: int) -> bool:
    """Exact integer arithmetic up to 1024 bits; beyond that, rounded decimals."""
    return number.bit_length() <= 1024


def _arith(op: str, a: Any, b: Any) -> Number | None:
    na, nb = as_number(a), as_number(b)
    if na is None or nb is None:
        return None
    try:
        if op == "/":
            if nb == 0:
                return None
            return _CTX.divide(Decimal(na), Decimal(nb))
        if isinstance(na, int) and isinstance(nb, int) and _small(na) and _small(nb):
            return na + nb if op == "+" else na - nb if op == "-" else na * nb
        x, y = Decimal(na), Decimal(nb)
        if op == "+":
            return _CTX.add(x, y)
        if op == "-":
            return _CTX.subtract(x, y)
        return _CTX.multiply(x, y)
    except ArithmeticError:  # decimal overflow
        return None
