"""Tokenizer of the condition language. Hand-written: no ``eval``, ``compile`` or ``ast``."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from tongban.core.flows.expr_nodes import ExpressionError, Scalar

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})

NUMBER, STRING, NAME, KEYWORD, OP, EOF = "number", "string", "name", "keyword", "op", "end"

_TWO_CHAR_OPS = frozenset({"==", "!=", "<=", ">="})
_ONE_CHAR_OPS = frozenset("<>+-*/()[],.")
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r", "/": "/"}
_HINTS = {
    "=": "use '==' to compare",
    "!": "use 'not', or '!=' to compare",
    "&": "use 'and'",
    "|": "use 'or'",
    "\u201c": "use ASCII quotes ' or \"",
    "\u201d": "use ASCII quotes ' or \"",
    "\u2018": "use ASCII quotes ' or \"",
    "\u2019": "use ASCII quotes ' or \"",
}


class Token(NamedTuple):  # a tuple: tokens are made by the thousand
    kind: str
    text: str  # the operator, keyword or name; the source text for literals
    column: int  # 1-based
    value: Scalar = None  # literals only

    def describe(self) -> str:
        if self.kind == EOF:
            return "the end of the expression"
        if self.kind in (NAME, KEYWORD):
            return f"{self.kind} '{self.text}'"
        if self.kind == OP:
            return f"'{self.text}'"
        return f"{self.kind} {self.text}"


def _hint(char: str) -> str:
    if char in _HINTS:
        return f"; {_HINTS[char]}"
    if "\uff01" <= char <= "\uff5e":  # full-width ASCII (全角), e.g. （ ＝ ＞
        return f"; full-width characters are not operators: use '{chr(ord(char) - 0xFEE0)}'"
    return ""


def _is_name_char(char: str) -> bool:
    return ("a" + char).isidentifier()


def tokenize(source: str) -> list[Token]:
    """The tokens of ``source``, ending with an EOF token. Raises ExpressionError."""
    tokens: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        if source[i].isspace():
            i += 1
        else:
            i = _scan(source, i, tokens)
    tokens.append(Token(EOF, "", n + 1))
    return tokens


def _scan(source: str, i: int, tokens: list[Token]) -> int:
    """Scan the token (or whitespace) at ``i``; returns the position after it."""
    char = source[i]
    column = i + 1
    if char.isspace():
        return i + 1
    if char.isdigit() and char.isascii():
        return _number(source, i, tokens)
    if char in "'\"":
        return _string(source, i, tokens)
    if char.isidentifier():
        j = i + 1
        while j < len(source) and _is_name_char(source[j]):
            j += 1
        word = source[i:j]
        tokens.append(Token(KEYWORD if word in KEYWORDS else NAME, word, column))
        return j
    if source[i : i + 2] in _TWO_CHAR_OPS:
        tokens.append(Token(OP, source[i : i + 2], column))
        return i + 2
    if char in _ONE_CHAR_OPS:
        tokens.append(Token(OP, char, column))
        return i + 1
    raise ExpressionError(f"unexpected character {char!r}{_hint(char)}", column)


def _number(source: str, start: int, tokens: list[Token]) -> int:
    n = len(source)
    j = start
    while j < n and source[j].isdigit() and source[j].isascii():
        j += 1
    if j < n and source[j] == ".":
        k = j + 1
        while k < n and source[k].isdigit() and source[k].isascii():
            k += 1
        if k == j + 1:
            raise ExpressionError("expected a digit after the decimal point", j + 2)
        text = source[start:k]
        tokens.append(Token(NUMBER, text, start + 1, Decimal(text)))
        return k
    text = source[start:j]
    tokens.append(Token(NUMBER, text, start + 1, int(text)))
    return j


def _string(source: str, start: int, tokens: list[Token]) -> int:
    quote = source[start]
    out: list[str] = []
    i, n = start + 1, len(source)
    while i < n:
        char = source[i]
        if char == quote:
            tokens.append(Token(STRING, source[start : i + 1], start + 1, "".join(out)))
            return i + 1
        if char != "\\":
            out.append(char)
            i += 1
            continue
        code = source[i + 1] if i + 1 < n else ""
        if code and code in _ESCAPES:
            out.append(_ESCAPES[code])
            i += 2
        elif code == "u":
            digits = source[i + 2 : i + 6]
            if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise ExpressionError("\\u needs four hexadecimal digits", i + 1)
            out.append(chr(int(digits, 16)))
            i += 6
        elif code:
            raise ExpressionError(f"unknown escape '\\{code}'", i + 1)
        else:
            raise ExpressionError("unterminated string (it ends with a backslash)", start + 1)
    raise ExpressionError("unterminated string", start + 1)
