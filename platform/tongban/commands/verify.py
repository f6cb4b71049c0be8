"""``tongban verify FILE --keys KEYS.json``: check the seal of a result ``.json`` or ``.pdf``.

Exit status 0 when the seal is valid, 1 when it is not (the reason code and an explanation
are printed), 2 for usage errors (unreadable key file, missing font for a PDF…).
Also runnable alone: ``python -m tongban.commands.verify FILE --keys KEYS.json``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tongban.core.errors import TongbanError
from tongban.core.seal_errors import KeysFileNotList, KeysFileUnreadable
from tongban.core.seals import SealCheck, SealKey, keys_by_id, parse_json_strict


def load_keys_file(path: Path) -> dict[str, SealKey]:
    """Public seal keys from a JSON list of ``SealKey.to_dict()`` objects."""
    try:
        data = parse_json_strict(path.read_bytes())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KeysFileUnreadable(str(path), str(exc)) from exc
    if not isinstance(data, list):
        raise KeysFileNotList(str(path))
    return keys_by_id([SealKey.from_dict(item) for item in data])


def _describe_valid(check: SealCheck) -> str:
    document = check.document
    title = document.get("title", "")
    case_number = document.get("case_number", "")
    return (
        f"有效 VALID: {title} {case_number} — sealed by key {check.key_id} "
        f"({check.department_uscc}) at {check.signed_at}"
    )


@click.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--keys",
    "keys_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON list of public seal keys (key_id, department_uscc, public_key_hex, "
    "valid_from, valid_until, revoked_at).",
)
def verify(file: Path, keys_path: Path) -> None:
    """Verify the e-seal of a result document (.json or .pdf) and explain any failure."""
    from tongban.bootstrap import seal_service

    try:
        keys = load_keys_file(keys_path)
        check = seal_service().verify_file(file, keys)
    except TongbanError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    if check.valid:
        click.echo(_describe_valid(check))
        return
    first, *rest = check.problems
    click.echo(f"无效 INVALID: {first}")
    for problem in rest:
        click.echo(f"  also: {problem}")
    sys.exit(1)


if __name__ == "__main__":
    verify()
