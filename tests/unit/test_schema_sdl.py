"""docs/schema.graphql is the committed contract: it must match the schema the code builds."""

from __future__ import annotations

from pathlib import Path

from tongban.commands.api import REGENERATE, schema_sdl

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "schema.graphql"


def test_committed_sdl_is_current() -> None:
    assert COMMITTED.exists(), f"docs/schema.graphql is missing; run: {REGENERATE}"
    committed = COMMITTED.read_text(encoding="utf-8")
    assert committed == schema_sdl(), (
        f"docs/schema.graphql is stale (the GraphQL schema changed); regenerate it with:\n"
        f"    {REGENERATE}\nand commit the result."
    )
