"""Random flow documents for property tests: blocks (leaves, sequences, parallels, choices)
that hypothesis strategies build, and the emitter that turns a block into nodes and edges.

Each test module chooses its own leaves, limits and choice conditions; the shapes and the
way they are wired are the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exit = tuple[str, dict[str, Any]]  # a node and the attributes of the edge leaving it


@dataclass(frozen=True)
class Leaf:
    kind: str  # task, external, subflow…


@dataclass(frozen=True)
class Seq:
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class Par:
    branches: tuple[Any, ...]  # None: an empty branch (split → join)
    min: int | None
    on_deny: str | None


@dataclass(frozen=True)
class Choice:
    branches: tuple[Any, ...]
    has_default: bool


def leaf_attrs(kind: str) -> dict[str, Any]:
    """A leaf's node: a clerk's review task, an external system's result, or a sub-matter."""
    if kind == "task":
        return {"step": "review", "department": "zwfw", "role": "clerk"}
    if kind == "external":
        return {"system": "sys"}
    if kind == "subflow":
        return {"matter": "000131127004"}
    raise AssertionError(kind)


class FlowEmitter:
    """Nodes are numbered in the order they are emitted (a topological order), each id the
    kind's first letter and its number: ``t1``, ``p2``, ``j5``…"""

    def __init__(
        self,
        when: Callable[[int], dict[str, Any]],
        leaf_attrs: Callable[[str], dict[str, Any]] = leaf_attrs,
    ) -> None:
        self.leaf_attrs = leaf_attrs  # a leaf kind → its node's attributes
        self.when = when  # branch i of a choice → its edge's condition
        self.nodes: list[dict[str, Any]] = [{"id": "start", "kind": "start"}]
        self.edges: list[dict[str, Any]] = []

    def new(self, kind: str, **attrs: Any) -> str:
        node_id = f"{kind[0]}{len(self.nodes)}"
        self.nodes.append({"id": node_id, "kind": kind, **attrs})
        return node_id

    def link(self, preds: list[Exit], target: str) -> None:
        self.edges.extend({"from": source, "to": target, **extra} for source, extra in preds)

    def emit(self, block: Any, preds: list[Exit]) -> list[Exit]:
        """Emit ``block`` after ``preds``; return its exits."""
        match block:
            case Leaf(kind=kind):
                node_id = self.new(kind, **self.leaf_attrs(kind))
                self.link(preds, node_id)
                return [(node_id, {})]
            case Seq(parts=parts):
                for part in parts:
                    preds = self.emit(part, preds)
                return preds
            case Par(branches=branches, min=least, on_deny=on_deny):
                split = self.new("parallel")
                self.link(preds, split)
                exits = [
                    x
                    for branch in branches
                    for x in ([(split, {})] if branch is None else self.emit(branch, [(split, {})]))
                ]
                attrs: dict[str, Any] = {"split": split}
                if least is not None:
                    attrs["min"] = least
                if on_deny is not None:
                    attrs["on_deny"] = on_deny
                join = self.new("join", **attrs)
                self.link(exits, join)
                return [(join, {})]
            case Choice(branches=branches, has_default=has_default):
                choice = self.new("choice")
                self.link(preds, choice)
                out: list[Exit] = []
                for i, branch in enumerate(branches):
                    last = i == len(branches) - 1
                    condition = {"default": True} if last and has_default else self.when(i)
                    out += self.emit(branch, [(choice, condition)])
                return out
        raise AssertionError(block)

    def document(self, block: Any) -> dict[str, Any]:
        """The whole flow: start → ``block`` → end."""
        exits = self.emit(block, [("start", {})])
        self.nodes.append({"id": "end", "kind": "end"})
        self.link(exits, "end")
        return {"nodes": self.nodes, "edges": self.edges}
