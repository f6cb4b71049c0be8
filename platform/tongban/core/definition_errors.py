"""Definitions and documents refused with their violations, one class per occasion.

Each is an ``InvalidDefinition`` (``violations`` listed in GraphQL's ``extensions``); its
summary line comes from ``core/error_catalogue.py``, followed by one line per violation.
"""

from __future__ import annotations

from collections.abc import Sequence

from tongban.core.errors import InvalidDefinition, Violation


class NotSubmittable(InvalidDefinition):
    reason = "DEFINITION_NOT_SUBMITTABLE"

    def __init__(
        self, violations: Sequence[Violation], kind: str, matter: str, version: int
    ) -> None:
        self._take(violations, kind=kind, matter=matter, version=version)


class NotPublishable(InvalidDefinition):
    reason = "DEFINITION_NOT_PUBLISHABLE"

    def __init__(
        self, violations: Sequence[Violation], kind: str, matter: str, version: int
    ) -> None:
        self._take(violations, kind=kind, matter=matter, version=version)


class ApiKeyRefused(InvalidDefinition):
    reason = "API_KEY_REFUSED"

    def __init__(self, violations: Sequence[Violation]) -> None:
        self._take(violations)


class TreeInvalid(InvalidDefinition):
    """A configuration tree with problems: nothing of it is loaded."""

    reason = "TREE_INVALID"

    def __init__(self, violations: Sequence[Violation], directory: str) -> None:
        self._take(violations, directory=directory)


class LoadedMatterInvalid(InvalidDefinition):
    reason = "LOADED_MATTER_INVALID"

    def __init__(
        self, violations: Sequence[Violation], tenant: str, kind: str, matter: str
    ) -> None:
        self._take(violations, tenant=tenant, kind=kind, matter=matter)


class SharedSchemasInvalid(InvalidDefinition):
    reason = "SHARED_SCHEMAS_INVALID"

    def __init__(self, violations: Sequence[Violation]) -> None:
        self._take(violations)


class FormSchemaInvalid(InvalidDefinition):
    reason = "FORM_SCHEMA_INVALID"

    def __init__(self, violations: Sequence[Violation]) -> None:
        self._take(violations)


class SchemaFilesInvalid(InvalidDefinition):
    reason = "SCHEMA_FILES_INVALID"

    def __init__(self, violations: Sequence[Violation], directory: str) -> None:
        self._take(violations, directory=directory)


class ArrangementInvalid(InvalidDefinition):
    """An official holiday arrangement with problems: it is not loaded."""

    reason = "ARRANGEMENT_INVALID"

    def __init__(self, violations: Sequence[Violation]) -> None:
        self._take(violations)


class PageSizeInvalid(InvalidDefinition):
    reason = "PAGE_SIZE_INVALID"

    def __init__(self, violations: Sequence[Violation]) -> None:
        self._take(violations)
