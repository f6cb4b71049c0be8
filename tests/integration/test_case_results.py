"""Sealed results: an approval's result is sealed at conclusion and verifiable later."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tongban.adapters.db.unit_of_work import Database
from tongban.bootstrap import case_results
from tongban.config import load_settings
from tongban.core.errors import NotFound
from tongban.services.cases.driver import work_case
from tongban.services.cases.results import CaseResults
from tongban.services.cases.runtime import CaseEnv, ResultSealer

from .case_support import application, submit

YILAN = "100000/230000/230100/230123"
DRUG = "000172111003"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def results() -> CaseResults:
    return case_results(load_settings({"TONGBAN_SECRET_KEY": "x" * 40}))


@pytest.fixture
def sealer(results: CaseResults) -> ResultSealer:
    return results


def test_an_approval_is_sealed_and_a_tampered_result_is_rejected(
    demo: Database, env: CaseEnv, results: CaseResults, tmp_path: Path
) -> None:
    approved = submit(demo, env, "230123", application(YILAN, DRUG)).number
    denied = submit(demo, env, "230123", application(YILAN, DRUG)).number
    work_case(demo, env, approved)
    work_case(demo, env, denied, approve=False)
    with demo.for_tenant("230123", readonly=True) as uow:
        check = results.verify(uow, approved)
        unsealed = results.verify(uow, denied)
        json_path, pdf_path, keys_path = results.export(uow, approved, tmp_path)
    assert check.valid, check.problems
    assert check.document["title"] == "准予行政许可决定书"
    assert not unsealed.valid and unsealed.reason_code == "UNSEALED"
    with demo.for_tenant("230124", readonly=True) as uow, pytest.raises(NotFound):
        results.verify(uow, approved)  # a sibling cannot even ask

    verify = [sys.executable, "-m", "tongban.cli", "verify", "--keys", str(keys_path)]
    env_vars = {"PYTHONPATH": str(ROOT / "platform"), "PATH": "/usr/bin:/bin"}
    for path in (json_path, pdf_path):
        done = subprocess.run([*verify, str(path)], capture_output=True, text=True, env=env_vars)
        assert done.returncode == 0, done.stdout + done.stderr
    tampered = json.loads(json_path.read_text(encoding="utf-8"))
    tampered["document"]["applicant"]["name"] = "冒名公司"
    json_path.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([*verify, str(json_path)], capture_output=True, text=True, env=env_vars)
    assert done.returncode == 1 and "CONTENT_CHANGED" in done.stdout + done.stderr

    with demo.engine.begin() as conn:  # someone edits the stored result in the database
        conn.execute(
            text(
                "update result_document set document = :d where case_id = "
                '(select id from "case" where number = :n)'
            ),
            {
                "d": json.dumps(
                    {**check.document, "decision": "准予许可（扩大范围）"}, ensure_ascii=False
                ),
                "n": approved,
            },
        )
    with demo.for_tenant("230123", readonly=True) as uow:
        after = results.verify(uow, approved)
    assert not after.valid and after.reason_code == "CONTENT_CHANGED"
