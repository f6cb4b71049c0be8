"""SM2 signatures and SM3 digests with gmssl 3.2.2, around its traps (reference/stack.md §6).

- gmssl's default nonce comes from ``random`` (Mersenne Twister): a predictable nonce leaks
  the private key. Every signature here passes ``k = secrets.randbelow(n - 1) + 1``.
- ``sign()`` returns None for an unlucky k (r = 0, r + k = n, s = 0): retry with a new k.
- There is no key generation: d = ``secrets.randbelow(n - 2) + 1`` (GB/T 32918 needs
  d ≤ n - 2, since 1 + d must be invertible mod n), public key = d·G.
- ``CryptSM2.__init__`` does ``public_key.lstrip("04")``, which eats the start of any key
  whose x coordinate begins with hex ``04`` (1 key in 256): the key is set after construction.
- ``verify()`` accepts any DER integers (r + n, s + n verify too) and crashes on points at
  infinity: signatures are checked to be canonical DER with 1 ≤ r, s < n, and public keys
  to lie on the curve, before gmssl sees them.
- Signing uses the default user ID 1234567812345678 and DER (``asn1=True``), as OpenSSL does
  (``openssl dgst -sm3 -sigopt distid:1234567812345678``).

gmssl is pure Python and not constant-time: keep signing on the server, away from timing
observers, or put it behind an HSM implementing the same ``Signer`` protocol.
"""

from __future__ import annotations

import base64
import re
import secrets

from gmssl import func, sm3
from gmssl.sm2 import CryptSM2, default_ecc_table

from tongban.adapters.crypto.errors import (
    DerivationFailed,
    KeyMismatch,
    NotOnCurve,
    NotPublicKey,
    PrivateKeyFormat,
    PrivateKeyRange,
    SigningFailed,
    SpkiFormat,
)

N = int(default_ecc_table["n"], 16)
P = int(default_ecc_table["p"], 16)
A = int(default_ecc_table["a"], 16)
B = int(default_ecc_table["b"], 16)
G = default_ecc_table["g"]
USER_ID = "1234567812345678"
SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")
_PRIVATE_HEX = re.compile(r"[0-9a-f]{64}")
_PUBLIC_HEX = re.compile(r"[0-9a-f]{128}")
_SIGN_ATTEMPTS = 16


def sm3_hex(data: bytes) -> str:
    """SM3 digest of ``data`` as 64 lowercase hex characters."""
    return str(sm3.sm3_hash(func.bytes_to_list(data)))


def _crypt(private_hex: str, public_hex: str) -> CryptSM2:
    crypt = CryptSM2(private_key=private_hex, public_key="", asn1=True)
    crypt.public_key = public_hex  # not through __init__: its lstrip("04") corrupts keys
    return crypt


def on_curve(public_hex: str) -> bool:
    """Whether ``public_hex`` (x‖y, 128 hex) is a point of the SM2 curve."""
    if not _PUBLIC_HEX.fullmatch(public_hex):
        return False
    x, y = int(public_hex[:64], 16), int(public_hex[64:], 16)
    if x >= P or y >= P:
        return False
    return (y * y - (x * x * x + A * x + B)) % P == 0


def public_key_of(private_hex: str) -> str:
    """d·G as x‖y hex for a private key d (64 hex, 1 ≤ d ≤ n - 2)."""
    if not _PRIVATE_HEX.fullmatch(private_hex):
        raise PrivateKeyFormat()
    d = int(private_hex, 16)
    if not 1 <= d <= N - 2:
        raise PrivateKeyRange()
    point = _crypt(private_hex, "")._kg(d, G)
    if not isinstance(point, str) or not on_curve(point):
        raise DerivationFailed()
    return point


def generate_keypair() -> tuple[str, str]:
    """A new SM2 key pair from the OS CSPRNG: (private hex, public x‖y hex)."""
    d = secrets.randbelow(N - 2) + 1
    private_hex = f"{d:064x}"
    return private_hex, public_key_of(private_hex)


def public_key_pem(public_hex: str) -> str:
    """The SubjectPublicKeyInfo PEM OpenSSL reads (``openssl dgst -verify pub.pem``)."""
    if not on_curve(public_hex):
        raise NotPublicKey()
    der = SPKI_PREFIX + b"\x04" + bytes.fromhex(public_hex)
    body = base64.encodebytes(der).decode("ascii")
    return f"-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----\n"


def public_key_from_spki_der(der: bytes) -> str:
    """x‖y hex from an SM2 SubjectPublicKeyInfo DER (as ``openssl pkey -pubout -outform DER``)."""
    if len(der) != len(SPKI_PREFIX) + 65 or not der.startswith(SPKI_PREFIX + b"\x04"):
        raise SpkiFormat()
    public_hex = der[-64:].hex()
    if not on_curve(public_hex):
        raise NotOnCurve()
    return public_hex


def _der_integer(value: int) -> bytes:
    body = value.to_bytes((value.bit_length() + 8) // 8, "big")  # room for a sign bit
    if len(body) > 1 and body[0] == 0 and body[1] < 0x80:
        body = body[1:]
    return b"\x02" + bytes([len(body)]) + body


def encode_signature(r: int, s: int) -> str:
    """DER ``SEQUENCE { INTEGER r, INTEGER s }`` as hex."""
    body = _der_integer(r) + _der_integer(s)
    return (b"\x30" + bytes([len(body)]) + body).hex()


def decode_signature(signature_hex: str) -> tuple[int, int] | None:
    """(r, s) of a canonical DER SM2 signature with 1 ≤ r, s < n; None for anything else."""
    if not isinstance(signature_hex, str) or len(signature_hex) > 2 * 80:
        return None
    try:
        der = bytes.fromhex(signature_hex)
    except ValueError:
        return None
    if len(der) < 8 or der[0] != 0x30 or der[1] != len(der) - 2:
        return None
    values: list[int] = []
    at = 2
    for _ in range(2):
        if at + 2 > len(der) or der[at] != 0x02:
            return None
        size = der[at + 1]
        body = der[at + 2 : at + 2 + size]
        if size == 0 or len(body) != size:
            return None
        values.append(int.from_bytes(body, "big", signed=True))
        at += 2 + size
    if at != len(der):
        return None
    r, s = values
    if not (1 <= r < N and 1 <= s < N):
        return None
    if encode_signature(r, s) != signature_hex.lower():
        return None  # not the minimal encoding: refuse malleable variants
    return r, s


class GmsslSigner:
    """Signs with one department's SM2 private key; a CSPRNG nonce for every signature."""

    def __init__(self, private_hex: str, public_hex: str) -> None:
        if public_key_of(private_hex) != public_hex:
            raise KeyMismatch()
        self._crypt = _crypt(private_hex, public_hex)
        self.public_hex = public_hex

    def __repr__(self) -> str:  # never show the private key
        return f"GmsslSigner(public_hex={self.public_hex[:16]}…)"

    def sign(self, data: bytes) -> str:
        for _ in range(_SIGN_ATTEMPTS):
            k = secrets.randbelow(N - 1) + 1  # 1 ≤ k ≤ n - 1
            signature = self._crypt.sign_with_sm3(data, random_hex_str=f"{k:064x}")
            if signature and decode_signature(signature) is not None:
                return str(signature)
        raise SigningFailed()  # ~never: each retry fails w.p. ~2^-255


class GmsslVerifier:
    """Verifies SM2-with-SM3 DER signatures; returns False (never raises) on bad input."""

    def verify(self, public_hex: str, data: bytes, signature_hex: str) -> bool:
        if not on_curve(public_hex) or decode_signature(signature_hex) is None:
            return False
        try:
            return bool(_crypt("", public_hex).verify_with_sm3(signature_hex.lower(), data))
        except (ValueError, TypeError, IndexError):
            return False
