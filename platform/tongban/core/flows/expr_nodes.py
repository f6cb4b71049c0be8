"""The syntax tree of the condition language (docs/expressions.md).

Nodes are small frozen dataclasses. ``Expr.to_source()`` prints canonical source with the
fewest parentheses that keep the tree's shape, so ``parse_expression(e.to_source()) == e``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

MAX_SOURCE_LENGTH = 1000
MAX_DEPTH = 32

FORM_PREFIX = "form"
"""A path may start with ``form.``: it names the form data itself (``form.a`` ≡ ``a``)."""

Scalar = None | bool | int | Decimal | str

# Binding strength, loosest first; an operand binding no tighter than its operator is
# printed in parentheses.
PREC_OR, PREC_AND, PREC_NOT, PREC_COMPARE, PREC_ADD, PREC_MUL, PREC_NEG, PREC_ATOM = range(1, 9)

COMPARISONS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in")


class ExpressionError(ValueError):
    """A condition that does not parse. ``column`` is 1-based, in characters."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"column {column}: {message}")
        self.message = message
        self.column = column


class Expr:
    """Base of every syntax-tree node."""

    __slots__ = ()

    def precedence(self) -> int:
        return PREC_ATOM

    def children(self) -> tuple[Expr, ...]:
        return ()

    def to_source(self) -> str:
        raise NotImplementedError

    def fields(self) -> set[str]:
        """The dotted paths of the form fields this expression reads (``form.`` removed)."""
        found: set[str] = set()
        stack: list[Expr] = [self]
        while stack:
            expr = stack.pop()
            if isinstance(expr, Field) and expr.key:
                found.add(expr.key)
            stack.extend(expr.children())
        return found

    def __str__(self) -> str:
        return self.to_source()


def _wrap(expr: Expr, tighter_than: int) -> str:
    source = expr.to_source()
    return source if expr.precedence() > tighter_than else f"({source})"


def quote(text: str) -> str:
    """``text`` as a double-quoted string literal of the language."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif ord(char) < 0x20 or not char.isprintable():
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else char)
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Literal(Expr):
    value: Scalar

    def to_source(self) -> str:
        value = self.value
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, int):
            return str(value)
        return quote(value)


@dataclass(frozen=True, slots=True)
class Field(Expr):
    path: tuple[str, ...]  # as written, e.g. ("form", "applicant", "age")

    @property
    def segments(self) -> tuple[str, ...]:
        """The path below the form data: a leading ``form`` is dropped."""
        return self.path[1:] if self.path[0] == FORM_PREFIX else self.path

    @property
    def key(self) -> str:
        return ".".join(self.segments)

    def to_source(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True, slots=True)
class ListExpr(Expr):
    items: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.items

    def to_source(self) -> str:
        return "[" + ", ".join(item.to_source() for item in self.items) + "]"


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    op: str  # "-" or "not"
    operand: Expr

    def precedence(self) -> int:
        return PREC_NEG if self.op == "-" else PREC_NOT

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def to_source(self) -> str:
        # a prefix operator's operand may itself be a prefix operator: `not not a`, `--a`
        inner = _wrap(self.operand, self.precedence() - 1)
        return f"-{inner}" if self.op == "-" else f"not {inner}"


@dataclass(frozen=True, slots=True)
class BoolOp(Expr):
    op: str  # "and" or "or"
    operands: tuple[Expr, ...]  # two or more

    def precedence(self) -> int:
        return PREC_AND if self.op == "and" else PREC_OR

    def children(self) -> tuple[Expr, ...]:
        return self.operands

    def to_source(self) -> str:
        prec = self.precedence()
        return f" {self.op} ".join(_wrap(operand, prec) for operand in self.operands)


@dataclass(frozen=True, slots=True)
class Compare(Expr):
    op: str  # one of COMPARISONS
    left: Expr
    right: Expr

    def precedence(self) -> int:
        return PREC_COMPARE

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def to_source(self) -> str:
        return f"{_wrap(self.left, PREC_COMPARE)} {self.op} {_wrap(self.right, PREC_COMPARE)}"


@dataclass(frozen=True, slots=True)
class Arith(Expr):
    """A left-to-right chain at one level: ``a + b - c`` or ``a * b / c``."""

    first: Expr
    rest: tuple[tuple[str, Expr], ...]  # (operator, operand), all + - or all * /

    def precedence(self) -> int:
        return PREC_ADD if self.rest[0][0] in "+-" else PREC_MUL

    def children(self) -> tuple[Expr, ...]:
        return (self.first, *(operand for _, operand in self.rest))

    def to_source(self) -> str:
        prec = self.precedence()
        parts = [_wrap(self.first, prec)]
        for op, operand in self.rest:
            parts.append(f" {op} {_wrap(operand, prec)}")
        return "".join(parts)


@dataclass(frozen=True, slots=True)
class Call(Expr):
    name: str  # one of FUNCTIONS
    args: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.args

    def to_source(self) -> str:
        return f"{self.name}(" + ", ".join(arg.to_source() for arg in self.args) + ")"


FUNCTIONS: dict[str, int] = {"len": 1, "exists": 1}
"""Function name → number of arguments."""
