"""``tongban verify FILE --keys KEYS.json`` on real files: valid → 0, invalid → 1 with the reason."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tongban.adapters.crypto.sm2 import generate_keypair
from tongban.adapters.documents.pdf import FONT_PACKAGE, cjk_font_path
from tongban.bootstrap import seal_service
from tongban.commands.verify import verify
from tongban.core.seals import Outcome, ResultDocument, SealKey

ROOT = Path(__file__).resolve().parents[2]
USCC = "11230000MB1234567X"


def _require_font() -> None:
    if not cjk_font_path().is_file():
        problem = f"CJK font {cjk_font_path()} missing: run scripts/system-deps.sh ({FONT_PACKAGE})"
        if os.environ.get("TONGBAN_REQUIRE_SERVICES") == "1":
            pytest.fail(problem + " (TONGBAN_REQUIRE_SERVICES=1)")
        pytest.skip(problem)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A sealed result as .json (and .pdf when the font is there) plus the public keys file."""
    directory = tmp_path_factory.mktemp("results")
    private_hex, public_hex = generate_keypair()
    key = SealKey("hlj-scjgj-2026", USCC, public_hex, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    document = ResultDocument(
        case_number="12345620260501000001",
        outcome=Outcome.APPROVED,
        applicant_name="张三",
        matter_code="000172111003",
        matter_name="食品经营许可",
        decision="准予行政许可。",
        reasons="材料齐全，符合法定形式。",
        decided_on=dt.date(2026, 5, 6),
        department_name="黑龙江省市场监督管理局",
        department_uscc=USCC,
    ).to_document()
    service = seal_service()
    sealed = service.seal(document, key, private_hex)
    found = {"keys": directory / "keys.json", "json": directory / "result.json"}
    found["keys"].write_text(json.dumps([key.to_dict()], ensure_ascii=False), encoding="utf-8")
    found["json"].write_bytes(sealed.to_json())
    if cjk_font_path().is_file():
        _, found["pdf"] = service.write_result_files(sealed, directory, "result")
    return found


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(verify, [str(a) for a in args])
    return result.exit_code, result.output


def test_valid_json(files: dict[str, Path]) -> None:
    code, output = run(files["json"], "--keys", files["keys"])
    assert code == 0, output
    assert output.startswith("有效 VALID")
    assert "准予行政许可决定书" in output and "hlj-scjgj-2026" in output


def test_tampered_json_is_content_changed(files: dict[str, Path], tmp_path: Path) -> None:
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    data["document"]["decision"] = "不予行政许可。"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, output = run(tampered, "--keys", files["keys"])
    assert code == 1
    assert output.startswith("无效 INVALID: CONTENT_CHANGED")
    assert "文书内容在签章后被修改" in output


def test_unknown_key(files: dict[str, Path], tmp_path: Path) -> None:
    keys = tmp_path / "other-keys.json"
    _, public_hex = generate_keypair()
    other = SealKey("other", USCC, public_hex, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    keys.write_text(json.dumps([other.to_dict()]), encoding="utf-8")
    code, output = run(files["json"], "--keys", keys)
    assert code == 1 and "INVALID: UNKNOWN_KEY" in output


def test_revoked_before_signing(files: dict[str, Path], tmp_path: Path) -> None:
    keys = json.loads(files["keys"].read_text(encoding="utf-8"))
    keys[0]["revoked_at"] = "2026-01-02T00:00:00Z"
    path = tmp_path / "revoked.json"
    path.write_text(json.dumps(keys), encoding="utf-8")
    code, output = run(files["json"], "--keys", path)
    assert code == 1 and "INVALID: KEY_NOT_VALID_AT_SIGNING" in output and "revoked" in output


def test_bad_keys_file_is_a_usage_error(files: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a list"}', encoding="utf-8")
    code, output = run(files["json"], "--keys", bad)
    assert code == 2 and "须为 JSON 列表" in output


def test_valid_and_tampered_pdf(files: dict[str, Path], tmp_path: Path) -> None:
    _require_font()
    code, output = run(files["pdf"], "--keys", files["keys"])
    assert code == 0 and output.startswith("有效 VALID"), output
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(files["pdf"].read_bytes().replace(b"/Author (", b"/Author ( ", 1))
    code, output = run(tampered, "--keys", files["keys"])
    assert code == 1 and output.startswith("无效 INVALID: CONTENT_CHANGED"), output


def test_as_a_process(files: dict[str, Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tongban.commands.verify", str(files["json"])]
        + ["--keys", str(files["keys"])],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "platform")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("有效 VALID")
