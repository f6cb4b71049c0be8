"""The running platform as the adapters see it: settings, database, schemas, and the
capabilities only an outer adapter implements (SM2/SM3 seals and the result PDF, the seal
key check, reading an arrangement's YAML), handed in by the composition root
(``tongban.bootstrap``).

Adapters import this module, never ``tongban.bootstrap``: the dependencies point inward
(docs/architecture.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from tongban.adapters.db.unit_of_work import Database
from tongban.config import Settings
from tongban.core.calendar_doc import ArrangementDoc
from tongban.core.errors import Violation
from tongban.services.cases.results import CaseResults
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas
from tongban.services.webhooks import KeyBox


@dataclass(frozen=True)
class SealKeyStatus:
    """Can this installation's TONGBAN_SEAL_KEY be used (docs/seals.md)?"""

    usable: bool
    reason: str | None = None  # why not, naming the setting (never its value)
    checked: str | None = None  # the stored key id that was opened, if any


@dataclass(frozen=True)
class Capabilities:
    """What the platform needs from the crypto, documents and files adapters."""

    case_results: Callable[[Settings], CaseResults]
    """Sealed results for these settings (their TONGBAN_SEAL_KEY)."""
    seal_key_status: Callable[[Settings, Database], SealKeyStatus]
    """Whether the settings' seal key can open what it sealed in this database."""
    parse_arrangement: Callable[[str], tuple[ArrangementDoc | None, list[Violation]]]
    """An official arrangement (放假安排) from its YAML text, or its problems."""
    secret_box: Callable[[Settings], KeyBox]
    """Encrypts secrets at rest (webhook secrets) under the settings' TONGBAN_SEAL_KEY."""


class NotWired(RuntimeError):
    """A platform built without its capabilities was asked for one (a wiring bug)."""


@dataclass
class Platform:
    settings: Settings
    db: Database
    schemas: Schemas
    capabilities: Capabilities | None = None

    def wired(self) -> Capabilities:
        if self.capabilities is None:
            raise NotWired("platform built without capabilities: use tongban.bootstrap")
        return self.capabilities

    def with_capabilities(self, capabilities: Capabilities) -> Platform:
        """This platform, keeping capabilities it already has."""
        if self.capabilities is not None:
            return self
        return dataclasses.replace(self, capabilities=capabilities)

    def case_results(self, settings: Settings | None = None) -> CaseResults:
        """Sealed results under ``settings`` (default: the platform's own)."""
        return self.wired().case_results(settings or self.settings)

    def case_env(self, settings: Settings | None = None) -> CaseEnv:
        """What case commands need: the schemas, and the sealer that signs approvals' results."""
        return CaseEnv(self.schemas, sealer=self.case_results(settings))

    def seal_key_status(self) -> SealKeyStatus:
        return self.wired().seal_key_status(self.settings, self.db)

    def parse_arrangement(self, text: str) -> tuple[ArrangementDoc | None, list[Violation]]:
        return self.wired().parse_arrangement(text)

    def secret_box(self) -> KeyBox:
        return self.wired().secret_box(self.settings)
