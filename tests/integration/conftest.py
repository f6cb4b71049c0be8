from __future__ import annotations

import pytest

from tongban.adapters.files.schemas import load_schema_dir
from tongban.services.schemas import Schemas


@pytest.fixture(scope="session")
def schemas() -> Schemas:
    return Schemas.from_documents(load_schema_dir())
