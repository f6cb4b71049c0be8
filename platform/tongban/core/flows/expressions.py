"""The condition language of choice edges: a hand-written recursive-descent parser.

Grammar (docs/expressions.md), loosest binding first::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := sum (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in") sum)?
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | STRING | "true" | "false" | "null" | "(" expr ")"
                | "[" (expr ("," expr)* ","?)? "]" | NAME "(" args ")" | NAME ("." NAME)*

Source text is never handed to ``eval``, ``exec``, ``compile`` or ``ast``: a condition can
only read the form data it is given. Sources are limited to ``MAX_SOURCE_LENGTH`` characters
and ``MAX_DEPTH`` levels of nesting, so parsing and evaluation cannot exhaust the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from tongban.core.flows.expr_eval import evaluate
from tongban.core.flows.expr_lexer import EOF, KEYWORD, NAME, NUMBER, OP, STRING, Token, tokenize
from tongban.core.flows.expr_nodes import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_SOURCE_LENGTH,
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    ExpressionError,
    Field,
    ListExpr,
    Literal,
    Unary,
)

__all__ = ["Expr", "ExpressionError", "evaluate", "parse_expression"]

_LITERAL_KEYWORDS = {"true": True, "false": False, "null": None}
_COMPARE_OPS = frozenset({"==", "!=", "<", "<=", ">", ">="})


def parse_expression(source: str) -> Expr:
    """The syntax tree of ``source``; raises ExpressionError naming the 1-based column.

    Trees are immutable, so parses are cached by source text.
    """
    if not isinstance(source, str):
        raise ExpressionError("a condition must be a string", 1)
    return _parse(source)


@lru_cache(maxsize=2048)
def _parse(source: str) -> Expr:
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(
            f"a condition is at most {MAX_SOURCE_LENGTH} characters (got {len(source)})",
            MAX_SOURCE_LENGTH + 1,
        )
    if not source.strip():
        raise ExpressionError("the condition is empty", 1)
    return _Parser(tokenize(source)).parse()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    # -- helpers ---------------------------------------------------------------------------

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != EOF:
            self.pos += 1
        return token

    def at(self, kind: str, text: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == kind and token.text == text

    def expect(self, text: str, context: str) -> Token:
        token = self.peek()
        if token.kind != OP or token.text != text:
            raise ExpressionError(
                f"expected '{text}' {context}, got {token.describe()}", token.column
            )
        return self.advance()

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"the condition is nested too deeply (more than {MAX_DEPTH} levels)", token.column
            )

    # -- grammar ---------------------------------------------------------------------------

    def parse(self) -> Expr:
        expr = self.or_expr()
        token = self.peek()
        if token.kind != EOF:
            raise ExpressionError(
                f"expected an operator or the end of the condition, got {token.describe()}",
                token.column,
            )
        return expr

    def or_expr(self) -> Expr:
        operands = [self.and_expr()]
        while self.at(KEYWORD, "or"):
            self.advance()
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def and_expr(self) -> Expr:
        operands = [self.not_expr()]
        while self.at(KEYWORD, "and"):
            self.advance()
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def not_expr(self) -> Expr:
        if self.at(KEYWORD, "not"):
            token = self.advance()
            self.enter(token)
            operand = self.not_expr()
            self.depth -= 1
            return Unary("not", operand)
        return self.comparison()

    def comparison_op(self) -> str | None:
        token = self.peek()
        if token.kind == OP and token.text in _COMPARE_OPS:
            self.advance()
            return token.text
        if token.kind == KEYWORD and token.text == "in":
            self.advance()
            return "in"
        if token.kind == KEYWORD and token.text == "not":
            self.advance()
            after = self.peek()
            if not (after.kind == KEYWORD and after.text == "in"):
                raise ExpressionError(
                    f"expected 'in' after 'not', got {after.describe()}", after.column
                )
            self.advance()
            return "not in"
        return None

    def comparison(self) -> Expr:
        left = self.sum()
        op = self.comparison_op()
        if op is None:
            return left
        right = self.sum()
        token = self.peek()
        if self.comparison_op() is not None:
            raise ExpressionError("comparisons do not chain: combine them with 'and'", token.column)
        return Compare(op, left, right)

    def sum(self) -> Expr:
        return self.chain(self.product, "+-")

    def product(self) -> Expr:
        return self.chain(self.unary, "*/")

    def chain(self, parse: Callable[[], Expr], ops: str) -> Expr:
        first = parse()
        rest: list[tuple[str, Expr]] = []
        while (token := self.peek()).kind == OP and token.text in ops and len(token.text) == 1:
            self.advance()
            rest.append((token.text, parse()))
        return Arith(first, tuple(rest)) if rest else first

    def unary(self) -> Expr:
        if self.at(OP, "-"):
            token = self.advance()
            self.enter(token)
            operand = self.unary()
            self.depth -= 1
            return Unary("-", operand)
        return self.primary()

    def primary(self) -> Expr:
        token = self.advance()
        if token.kind in (NUMBER, STRING):
            return Literal(token.value)
        if token.kind == KEYWORD and token.text in _LITERAL_KEYWORDS:
            return Literal(_LITERAL_KEYWORDS[token.text])
        if token.kind == OP and token.text == "(":
            self.enter(token)
            inner = self.or_expr()
            self.expect(")", f"to close the '(' at column {token.column}")
            self.depth -= 1
            return inner
        if token.kind == OP and token.text == "[":
            self.enter(token)
            items = self.items("]", f"to close the '[' at column {token.column}")
            self.depth -= 1
            return ListExpr(items)
        if token.kind == NAME:
            if self.at(OP, "("):
                return self.call(token)
            return self.path(token)
        if token.kind == EOF:
            raise ExpressionError("the condition ends where a value was expected", token.column)
        raise ExpressionError(f"expected a value, got {token.describe()}", token.column)

    def items(self, closing: str, context: str) -> tuple[Expr, ...]:
        items: list[Expr] = []
        while not self.at(OP, closing):
            items.append(self.or_expr())
            if not self.at(OP, ","):
                break
            self.advance()
        self.expect(closing, context)
        return tuple(items)

    def call(self, name: Token) -> Expr:
        arity = FUNCTIONS.get(name.text)
        if arity is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"unknown function '{name.text}' (known: {known})", name.column)
        self.advance()  # "("
        self.enter(name)
        first_arg = self.peek()
        args = self.items(")", f"to close the call of {name.text}()")
        self.depth -= 1
        if len(args) != arity:
            raise ExpressionError(
                f"{name.text}() takes {arity} argument{'s' if arity != 1 else ''} "
                f"(got {len(args)})",
                name.column,
            )
        if name.text == "exists" and not isinstance(args[0], Field):
            raise ExpressionError(
                "exists() takes a field path, e.g. exists(form.a)", first_arg.column
            )
        return Call(name.text, args)

    def path(self, first: Token) -> Expr:
        segments = [first.text]
        while self.at(OP, "."):
            self.advance()
            token = self.advance()
            if token.kind != NAME:
                raise ExpressionError(
                    f"expected a field name after '.', got {token.describe()}", token.column
                )
            segments.append(token.text)
        return Field(tuple(segments))
