"""Official arrangement files (``<tenant>/calendars/<year>.yaml``) read with line numbers."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tongban.adapters.files.yaml_io import loads_yaml, pointer_lines, read_text
from tongban.core.calendar_doc import ArrangementDoc, parse_arrangement
from tongban.core.errors import Violation

CALENDARS_DIR = "calendars"
CALENDAR_FILE = re.compile(r"(?P<year>\d{4})\.yaml")


def read_arrangement(
    path: str | os.PathLike[str], *, name: str | None = None
) -> tuple[ArrangementDoc | None, list[Violation]]:
    """Parse and check one arrangement file; a ``YYYY.yaml`` name must match its ``year``."""
    label = name if name is not None else str(path)
    text, problems = read_text(path, label)
    if text is None:
        return None, problems
    return parse_arrangement_text(text, source=label, file_name=Path(path).name)


def parse_arrangement_text(
    text: str, *, source: str, file_name: str = ""
) -> tuple[ArrangementDoc | None, list[Violation]]:
    data, problems = loads_yaml(text, name=source)
    if problems:
        return None, problems
    lines = pointer_lines(text)
    match = CALENDAR_FILE.fullmatch(file_name)
    return parse_arrangement(
        data,
        source=source,
        line_of=lines.get,
        expected_year=int(match["year"]) if match else None,
    )
