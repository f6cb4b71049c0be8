"""The schema documents every definition check needs, loaded once per process."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tongban.core.documents import MetaSchemas
from tongban.core.forms import SchemaRegistry


@dataclass(frozen=True)
class Schemas:
    forms: SchemaRegistry  # common field definitions that matter forms $ref
    meta: MetaSchemas  # meta-schemas of tenant and matter documents

    @classmethod
    def from_documents(cls, documents: Mapping[str, Mapping[str, Any]]) -> Schemas:
        return cls(SchemaRegistry(documents), MetaSchemas(documents))
