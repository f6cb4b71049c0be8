"""``tongban result export NUMBER DIR`` as a user runs it (real processes on a SQLite file):
the files it writes are what ``tongban verify`` takes, and they verify."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "tenants"


def tongban(*args: str | Path, var: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TONGBAN_VAR_DIR": str(var), "PYTHONPATH": str(ROOT / "platform")}
    env.pop("TONGBAN_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "tongban.cli", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _a_sealed_case(database: Path) -> tuple[str, str]:
    """The number of a case with a sealed result, and a tenant that cannot see it (neither
    the case's tenant nor one of its ancestors)."""
    with sqlite3.connect(database) as conn:
        row = conn.execute(
            'select c.number, t.path from result_document r join "case" c on c.id = r.case_id '
            "join tenant t on t.id = c.tenant_id order by c.id limit 1"
        ).fetchone()
        assert row is not None, "the simulation sealed no result"
        outsider = conn.execute(
            "select code from tenant where ? not like path || '%' order by path limit 1",
            (row[1],),
        ).fetchone()
    assert outsider is not None
    return str(row[0]), str(outsider[0])


def test_export_writes_files_that_verify(tmp_path: Path) -> None:
    var = tmp_path / "var"
    assert tongban("load", DEMO, var=var).returncode == 0
    simulated = tongban("simulate", "--cases", "8", "--seed", "7", var=var)
    assert simulated.returncode == 0, simulated.stderr
    number, outsider = _a_sealed_case(var / "tongban.db")

    out = tmp_path / "out"
    done = tongban("result", "export", number, out, var=var)
    assert done.returncode == 0, done.stderr
    json_path, pdf_path, keys_path = (
        out / f"{number}.json",
        out / f"{number}.pdf",
        out / "keys.json",
    )
    assert f"wrote {json_path}" in done.stdout and f"wrote {keys_path}" in done.stdout
    assert f"tongban verify {json_path} --keys {keys_path}" in done.stdout
    for path in (json_path, pdf_path):
        checked = tongban("verify", path, "--keys", keys_path, var=var)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.startswith("有效 VALID") and number in checked.stdout

    sealed = json.loads(json_path.read_text(encoding="utf-8"))
    sealed["seal"]["signed_at"] = "2026-01-01T00:00:00Z"  # back-dated: the signature breaks
    json_path.write_text(json.dumps(sealed, ensure_ascii=False), encoding="utf-8")
    checked = tongban("verify", json_path, "--keys", keys_path, var=var)
    assert checked.returncode == 1 and "SIGNATURE_INVALID" in checked.stdout, checked.stdout
    pdf = pdf_path.read_bytes()
    pdf_path.write_bytes(pdf.replace(b"/Author (", b"/Author ( ", 1))
    checked = tongban("verify", pdf_path, "--keys", keys_path, var=var)
    assert checked.returncode == 1 and "CONTENT_CHANGED" in checked.stdout, checked.stdout

    refused = tongban("result", "export", number, tmp_path / "x", "--tenant", outsider, var=var)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith("未导出 (nothing exported): ") and number in refused.stderr
    assert not (tmp_path / "x").exists()
    missing = tongban("result", "export", "0" * 30, tmp_path / "y", var=var)
    assert missing.returncode == 1 and missing.stderr.startswith("未导出"), missing.stderr
