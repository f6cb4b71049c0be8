"""Where in the designer a problem belongs: a JSON pointer into a matter document → the thing
the admin edits (a flow node or edge, a form field, a material, a limit, a fee, a guide entry
or a basic key). Pure: the pointer is read against the document the problem was found in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    kind: str  # node|edge|field|material|limit|fee|guide|basic|document
    id: str


def pointer_tokens(pointer: str) -> list[str]:
    """RFC 6901 tokens of ``pointer`` ("" is the whole document)."""
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("/").split("/")]


def _item(items: Any, token: str | None) -> Mapping[str, Any] | None:
    if token is None or not token.isdigit() or not isinstance(items, Sequence):
        return None
    index = int(token)
    if isinstance(items, str) or index >= len(items) or not isinstance(items[index], Mapping):
        return None
    found: Mapping[str, Any] = items[index]
    return found


def edge_id(edge: Mapping[str, Any]) -> str:
    """An edge's id, else "from->to" as the flow schema defaults it."""
    named = edge.get("id")
    if isinstance(named, str) and named:
        return named
    return f"{edge.get('from')}->{edge.get('to')}"


def field_path(tokens: Sequence[str], schema: Any) -> str | None:
    """The dotted field path a pointer inside a form schema names ("a.b" for
    properties/a/properties/b/…; a ``required`` entry names its field), or None."""
    path: list[str] = []
    at = 0
    while at < len(tokens):
        token = tokens[at]
        if token == "properties" and at + 1 < len(tokens):
            name = tokens[at + 1]
            path.append(name)
            node = schema.get("properties", {}) if isinstance(schema, Mapping) else {}
            schema = node.get(name) if isinstance(node, Mapping) else None
            at += 2
        elif token == "items":
            schema = schema.get("items") if isinstance(schema, Mapping) else None
            at += 1
        elif token == "required" and at + 1 < len(tokens):
            names = schema.get("required") if isinstance(schema, Mapping) else None
            index = tokens[at + 1]
            if isinstance(names, list) and index.isdigit() and int(index) < len(names):
                path.append(str(names[int(index)]))
            break
        else:
            break
    return ".".join(path) or None


def _flow_target(tokens: Sequence[str], flow: Any) -> Target:
    flow = flow if isinstance(flow, Mapping) else {}
    part = tokens[0] if tokens else None
    index = tokens[1] if len(tokens) > 1 else None
    if part == "nodes":
        node = _item(flow.get("nodes"), index)
        if node is not None and isinstance(node.get("id"), str) and node["id"]:
            return Target("node", node["id"])
    if part == "edges":
        edge = _item(flow.get("edges"), index)
        if edge is not None:
            return Target("edge", edge_id(edge))
    return Target("basic", "flow")


def _coded(kind: str, section: str, tokens: Sequence[str], items: Any) -> Target:
    item = _item(items, tokens[0] if tokens else None)
    if item is not None and isinstance(item.get("code"), str) and item["code"]:
        return Target(kind, item["code"])
    return Target("basic", section)


def problem_target(pointer: str, document: Mapping[str, Any]) -> Target | None:
    """The designer target of a problem at ``pointer``; None for the whole document."""
    tokens = pointer_tokens(pointer)
    if not tokens:
        return None
    head, rest = tokens[0], tokens[1:]
    value = document.get(head)
    if head == "flow":
        return _flow_target(rest, value)
    if head == "form":
        path = field_path(rest, value)
        return Target("field", path) if path else Target("basic", "form")
    if head == "materials":
        return _coded("material", head, rest, value)
    if head == "fees":
        return _coded("fee", head, rest, value)
    if head == "time_limits":
        return Target("limit", rest[0] if rest else head)
    if head == "guide":
        return Target("guide", rest[0] if rest else head)
    return Target("basic", head)
