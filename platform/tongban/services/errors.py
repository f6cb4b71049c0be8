"""The conditions the definition, review and calendar services refuse with, one class each.

Each has its category ``code``, its own ``reason`` and its fields; the words are in
``core/error_catalogue.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from tongban.core.errors import Conflict, Forbidden, InvalidState, TongbanError


class UnderReview(Conflict):
    reason = "UNDER_REVIEW"

    def __init__(self, kind: str, matter: str, version: int) -> None:
        super().__init__(kind=kind, matter=matter, version=version)


class NothingPublished(InvalidState):
    reason = "NOTHING_PUBLISHED"

    def __init__(self, kind: str, matter: str) -> None:
        super().__init__(kind=kind, matter=matter)


class UnpublishedVersionExists(Conflict):
    reason = "UNPUBLISHED_VERSION_EXISTS"

    def __init__(self, kind: str, matter: str, version: int, status: str) -> None:
        super().__init__(kind=kind, matter=matter, version=version, status=status)


class VersionNotReady(InvalidState):
    """The latest version is not in a status the action needs (``status`` none: no version)."""

    reason = "VERSION_NOT_READY"

    def __init__(
        self, kind: str, matter: str, action: str, status: str, needs: Sequence[str]
    ) -> None:
        super().__init__(kind=kind, matter=matter, action=action, status=status, needs=list(needs))


class AlreadyImplemented(Conflict):
    reason = "ALREADY_IMPLEMENTED"

    def __init__(self, matter: str) -> None:
        super().__init__(matter=matter)


class ReviewNotDirectParent(Forbidden):
    reason = "REVIEW_NOT_DIRECT_PARENT"

    def __init__(self, subject: str, reviewer: str) -> None:
        super().__init__(subject=subject, reviewer=reviewer)


class ReviewByChild(Forbidden):
    reason = "REVIEW_BY_CHILD"

    def __init__(self, subject: str, reviewer: str) -> None:
        super().__init__(subject=subject, reviewer=reviewer)


class ReviewNotSubordinate(Forbidden):
    reason = "REVIEW_NOT_SUBORDINATE"

    def __init__(self, subject: str, reviewer: str) -> None:
        super().__init__(subject=subject, reviewer=reviewer)


class TreeConflict(Conflict):
    """A configuration tree that the database refuses (a unique key taken): nothing loaded."""

    reason = "TREE_CONFLICT"

    def __init__(self, directory: str, problem: str) -> None:
        super().__init__(directory=directory, problem=problem)


class NotAMember(Forbidden):
    reason = "NOT_A_MEMBER"

    def __init__(self, username: str, tenant: str) -> None:
        super().__init__(username=username, tenant=tenant)


class RoleRequired(Forbidden):
    reason = "ROLE_REQUIRED"

    def __init__(self, username: str, role: str) -> None:
        super().__init__(username=username, role=role)


class PlatformAdminOnly(Forbidden):
    reason = "PLATFORM_ADMIN_ONLY"

    def __init__(self, username: str) -> None:
        super().__init__(username=username)


class YearOutOfRange(TongbanError):
    reason = "YEAR_OUT_OF_RANGE"

    def __init__(self, year: int, first: int, last: int) -> None:
        super().__init__(year=year, first=first, last=last)
