"""A ``tenants/`` tree on disk, checked, loaded into and exported from the database: the
files adapter reads and writes the files, the services (``services.config_io``,
``services.validation``) do the rest (docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path

from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.schemas import load_schema_dir
from tongban.adapters.files.tree import read_tree, write_tree
from tongban.core.errors import Violation
from tongban.services.cases.runtime import CaseEnv
from tongban.services.config_io import LoadSummary, export_nodes, load_snapshot
from tongban.services.schemas import Schemas
from tongban.services.validation import validate_snapshot


def validate_tree(
    root: str | os.PathLike[str], schema_dir: str | os.PathLike[str] | None = None
) -> list[Violation]:
    """Every problem of the tree under ``root``, sorted by file and pointer ([] = clean)."""
    schemas = Schemas.from_documents(load_schema_dir(schema_dir))
    return validate_snapshot(read_tree(Path(root), schemas=schemas.meta), schemas)


def load_tree(
    db: Database,
    directory: str | os.PathLike[str],
    schemas: Schemas,
    env: CaseEnv | None = None,
) -> LoadSummary:
    """Read the tree under ``directory`` and load it (``services.config_io.load_snapshot``:
    all or nothing, and nothing unless the whole tree is clean)."""
    snapshot = read_tree(Path(directory), schemas=schemas.meta)
    return load_snapshot(db, snapshot, schemas, env, directory=str(directory))


def export_tree(db: Database, directory: str | os.PathLike[str], schemas: Schemas) -> int:
    """Write every tenant and published matter; returns the number of files written."""
    return len(write_tree(export_nodes(db, schemas), directory).written)
