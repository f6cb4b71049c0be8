"""What the error reporter returns, and how its nodes combine their reports.

A record is ``(tokens, title, zh, en)``: ``tokens`` the instance path *reversed* (each
enclosing property / item appends its token on the way out, so valid subtrees cost nothing),
``title`` the title of the schema that failed (``None`` if none), and the message: ``zh`` /
``en`` to be framed with the field's label, or, when ``zh`` is ``None``, ``en`` verbatim.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tongban.core.form_compiler.messages import describe

Record = tuple[list[str | int], str | None, str | None, str]
Report = list[Record] | None
Node = Callable[[Any], Report]


def ok(_: Any) -> Report:
    return None


def record(title: str | None, zh: str | None, en: str) -> Record:
    return ([], title, zh, en)


def sequence(nodes: list[Node]) -> Node:
    nodes = [node for node in nodes if node is not ok]
    if not nodes:
        return ok
    if len(nodes) == 1:
        return nodes[0]
    if len(nodes) == 2:
        first, second = nodes

        def pair(x: Any) -> Report:
            out = first(x)
            found = second(x)
            if not found:
                return out
            if not out:
                return found
            out.extend(found)
            return out

        return pair
    frozen = tuple(nodes)

    def node(x: Any) -> Report:
        out: Report = None
        for each in frozen:
            found = each(x)
            if found:
                if out is None:
                    out = found
                else:
                    out.extend(found)
        return out

    return node


def under(found: list[Record], token: str | int) -> list[Record]:
    for record in found:
        record[0].append(token)
    return found


def generic(title: str | None, message: str) -> Record:
    """A record whose English is jsonschema's own message (no Chinese words of its own)."""
    return ([], title, *describe(None, None, None, message))
