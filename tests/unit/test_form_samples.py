"""Every demo form accepts its generated sample (the demo and simulate rely on it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tongban.adapters.files.schemas import load_registry
from tongban.core.form_samples import sample_instance
from tongban.core.forms import validate_form_data

DEMO = Path(__file__).resolve().parents[2] / "tenants"
FILES = sorted(DEMO.rglob("*.yaml"))


@pytest.mark.parametrize("path", [p for p in FILES if "matters" in p.parts], ids=lambda p: p.name)
def test_sample_of_every_demo_form_is_valid(path: Path) -> None:
    form = yaml.safe_load(path.read_text(encoding="utf-8"))["form"]
    registry = load_registry()
    assert validate_form_data(form, sample_instance(form), registry) == []
    assert validate_form_data(form, sample_instance(form, all_fields=False), registry) == []
