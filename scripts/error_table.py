"""The table of error reasons in docs/api.md, generated from the registry and the catalogue.

    .venv/bin/python scripts/error_table.py          # print the table
    .venv/bin/python scripts/error_table.py --write  # replace it in docs/api.md

Every ``TongbanError`` subclass registers its ``reason`` when its module is imported, so
the script imports every module of the package first. ``tests/unit/test_error_catalogue.py``
fails when docs/api.md's table is not what this script writes.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "api.md"
START = "<!-- error-reasons:start (scripts/error_table.py --write) -->"
END = "<!-- error-reasons:end -->"
sys.path.insert(0, str(ROOT / "platform"))

from tongban.core.error_catalogue import MESSAGES  # noqa: E402
from tongban.core.errors import TongbanError  # noqa: E402


def registry() -> dict[str, type[TongbanError]]:
    """Every registered error class by reason, after importing every module of tongban."""
    import tongban

    for module in pkgutil.walk_packages(tongban.__path__, "tongban."):
        importlib.import_module(module.name)
    return dict(TongbanError.registry)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table() -> str:
    rows = [
        "| `reason` | `code` | 中文 | English |",
        "|---|---|---|---|",
    ]
    for reason, cls in sorted(registry().items()):
        zh, en = MESSAGES.get(reason, ("", ""))
        rows.append(f"| `{reason}` | `{cls.code}` | {_cell(zh)} | {_cell(en)} |")
    return "\n".join(rows) + "\n"


def documented(text: str) -> str:
    """The table between the markers of docs/api.md."""
    start = text.index(START) + len(START) + 1
    return text[start : text.index(END)]


def write() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(START) + len(START) + 1
    DOC.write_text(text[:start] + table() + text[text.index(END) :], encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        sys.stdout.write(table())
