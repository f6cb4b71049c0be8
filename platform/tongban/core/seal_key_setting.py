"""The form TONGBAN_SEAL_KEY must have (docs/seals.md): 64 hex characters, or a passphrase
of at least ``MIN_PASSPHRASE`` characters. A rule on a setting, so settings checks and the
crypto adapter share it."""

from __future__ import annotations

import re

MIN_PASSPHRASE = 16
HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def seal_key_problem(setting: str) -> str | None:
    """Why the TONGBAN_SEAL_KEY value cannot be used, or None (checked at start-up and by
    ``/health``; the reason names the setting, never its value)."""
    if not setting:
        return (
            "未配置 TONGBAN_SEAL_KEY，无法加解密印章私钥 "
            "(TONGBAN_SEAL_KEY is not configured: seal private keys cannot be "
            "encrypted/decrypted)"
        )
    if HEX64.fullmatch(setting):
        return None
    if len(setting) < MIN_PASSPHRASE:
        return (
            f"TONGBAN_SEAL_KEY 须为 64 位十六进制或至少 {MIN_PASSPHRASE} 个字符的口令 "
            f"(TONGBAN_SEAL_KEY must be 64 hex characters or a passphrase of at least "
            f"{MIN_PASSPHRASE} characters)"
        )
    return None
