"""SM2/SM3 with gmssl: test vectors, CSPRNG nonces, strict verification, OpenSSL interop."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
from gmssl import func
from gmssl.sm2 import CryptSM2
from hypothesis import given
from hypothesis import strategies as st

from tongban.adapters.crypto import sm2
from tongban.adapters.crypto.sm2 import (
    GmsslSigner,
    GmsslVerifier,
    N,
    decode_signature,
    encode_signature,
    generate_keypair,
    on_curve,
    public_key_from_spki_der,
    public_key_of,
    public_key_pem,
    sm3_hex,
)
from tongban.core.seals import SealError

DATA = "准予行政许可决定书 — case 12345620260501000001".encode()


@pytest.fixture(scope="module")
def pair() -> tuple[str, str]:
    return generate_keypair()


def test_sm3_standard_vectors() -> None:
    # GB/T 32905-2016 appendix A
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert (
        sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_generated_keys_are_in_range_on_the_curve_and_distinct() -> None:
    keys = [generate_keypair() for _ in range(3)]
    for private_hex, public_hex in keys:
        assert 1 <= int(private_hex, 16) <= N - 2
        assert len(public_hex) == 128 and on_curve(public_hex)
        assert public_key_of(private_hex) == public_hex
    assert len({private for private, _ in keys}) == 3


def test_sign_verify_round_trip(pair: tuple[str, str]) -> None:
    private_hex, public_hex = pair
    signature = GmsslSigner(private_hex, public_hex).sign(DATA)
    assert decode_signature(signature) is not None  # canonical DER
    assert GmsslVerifier().verify(public_hex, DATA, signature)


def test_two_signatures_of_the_same_data_differ(pair: tuple[str, str]) -> None:
    signer = GmsslSigner(*pair)
    first, second = signer.sign(DATA), signer.sign(DATA)
    assert first != second  # a fresh random nonce each time
    assert GmsslVerifier().verify(pair[1], DATA, first)
    assert GmsslVerifier().verify(pair[1], DATA, second)


def test_one_changed_byte_breaks_the_signature(pair: tuple[str, str]) -> None:
    signature = GmsslSigner(*pair).sign(DATA)
    verifier = GmsslVerifier()
    for index in (0, len(DATA) // 2, len(DATA) - 1):
        tampered = bytearray(DATA)
        tampered[index] ^= 0x01
        assert not verifier.verify(pair[1], bytes(tampered), signature)
    r, s = decode_signature(signature) or (0, 0)
    assert not verifier.verify(pair[1], DATA, encode_signature(r, s ^ 1))
    assert not verifier.verify(pair[1], DATA + b"\x00", signature)


def test_another_key_does_not_verify(pair: tuple[str, str]) -> None:
    signature = GmsslSigner(*pair).sign(DATA)
    _, other_public = generate_keypair()
    assert not GmsslVerifier().verify(other_public, DATA, signature)


def test_nonce_comes_from_secrets_never_from_gmssl_random(
    pair: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(_: int) -> str:
        raise AssertionError("gmssl's Mersenne Twister nonce must never be used")

    monkeypatch.setattr(func, "random_hex", forbidden)
    bounds: list[int] = []
    real = sm2.secrets.randbelow

    def spy(bound: int) -> int:
        bounds.append(bound)
        return real(bound)

    monkeypatch.setattr(sm2.secrets, "randbelow", spy)
    signature = GmsslSigner(*pair).sign(DATA)
    assert bounds == [N - 1]  # k = randbelow(n - 1) + 1, so 1 <= k <= n - 1
    assert GmsslVerifier().verify(pair[1], DATA, signature)


def test_sign_retries_when_gmssl_returns_none(
    pair: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    signer = GmsslSigner(*pair)
    real = signer._crypt.sign_with_sm3
    calls: list[str] = []

    def flaky(data: bytes, random_hex_str: str | None = None) -> str | None:
        calls.append(random_hex_str or "")
        return None if len(calls) < 3 else real(data, random_hex_str)

    monkeypatch.setattr(signer._crypt, "sign_with_sm3", flaky)
    signature = signer.sign(DATA)
    assert len(calls) == 3 and len(set(calls)) == 3  # a new nonce for every attempt
    assert GmsslVerifier().verify(pair[1], DATA, signature)


def test_sign_gives_up_cleanly(pair: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    signer = GmsslSigner(*pair)
    monkeypatch.setattr(signer._crypt, "sign_with_sm3", lambda data, random_hex_str=None: None)
    with pytest.raises(SealError) as caught:
        signer.sign(DATA)
    assert caught.value.reason == "SM2_SIGNING_FAILED"


# d = 11 gives a public key whose x coordinate starts with hex "04"
KEY_04_PRIVATE = f"{11:064x}"
KEY_04_PUBLIC = (
    "04b3cb10c9c6d8e27c1aab770f67f543125dcdd589c2ff82668c74d78ce20ace"
    "63516355287e39fe4918e5c02e2b0b930c94816e63c4bc72739a8fd805174a4b"
)


def test_keys_starting_with_04_survive_gmssls_lstrip_bug() -> None:
    assert public_key_of(KEY_04_PRIVATE) == KEY_04_PUBLIC
    # the trap: gmssl's constructor strips every leading "0"/"4" character
    assert CryptSM2(KEY_04_PRIVATE, KEY_04_PUBLIC).public_key != KEY_04_PUBLIC
    signature = GmsslSigner(KEY_04_PRIVATE, KEY_04_PUBLIC).sign(DATA)
    assert GmsslVerifier().verify(KEY_04_PUBLIC, DATA, signature)


def test_signer_refuses_a_private_key_of_another_public_key(pair: tuple[str, str]) -> None:
    _, other_public = generate_keypair()
    with pytest.raises(SealError) as caught:
        GmsslSigner(pair[0], other_public)
    assert caught.value.reason == "SM2_KEY_MISMATCH"


@pytest.mark.parametrize("d", [0, N - 1, N, N + 5])
def test_private_keys_out_of_range_are_refused(d: int) -> None:
    with pytest.raises(SealError):
        public_key_of(f"{d:064x}")


def test_signer_repr_hides_the_private_key(pair: tuple[str, str]) -> None:
    assert pair[0] not in repr(GmsslSigner(*pair))


def test_verifier_refuses_malleable_and_out_of_range_signatures(pair: tuple[str, str]) -> None:
    signature = GmsslSigner(*pair).sign(DATA)
    r, s = decode_signature(signature) or (0, 0)
    verifier = GmsslVerifier()
    for bad in (
        encode_signature(r, s + N),  # same point, different bytes
        encode_signature(r + N, s),
        encode_signature(0, s),
        encode_signature(r, 0),
        "00" + signature,  # junk before
        signature + "00",  # junk after
        "3006020100020100",
        "",
        "zz",
    ):
        assert not verifier.verify(pair[1], DATA, bad), bad


def test_non_minimal_der_is_refused() -> None:
    # INTEGER 1 encoded with a redundant leading zero byte
    assert decode_signature("30080202000102020001") is None
    assert decode_signature("3006020101020101") == (1, 1)


def test_verifier_refuses_points_off_the_curve(pair: tuple[str, str]) -> None:
    signature = GmsslSigner(*pair).sign(DATA)
    x, y = pair[1][:64], int(pair[1][64:], 16)
    off_curve = x + f"{(y + 1) % sm2.P:064x}"
    assert not on_curve(off_curve)
    assert not GmsslVerifier().verify(off_curve, DATA, signature)
    assert not GmsslVerifier().verify("00" * 64, DATA, signature)
    assert not GmsslVerifier().verify("not hex", DATA, signature)


@given(st.integers(1, N - 1), st.integers(1, N - 1))
def test_der_encoding_round_trips(r: int, s: int) -> None:
    assert decode_signature(encode_signature(r, s)) == (r, s)


def test_public_key_pem_round_trip(pair: tuple[str, str]) -> None:
    pem = public_key_pem(pair[1])
    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    body = "".join(pem.strip().splitlines()[1:-1])
    assert public_key_from_spki_der(base64.b64decode(body)) == pair[1]


# ----------------------------------------------------------------------------- OpenSSL


def _openssl_sm2_problem() -> str | None:
    openssl = shutil.which("openssl")
    if openssl is None:
        return "openssl CLI not installed"
    version = subprocess.run([openssl, "version"], capture_output=True, text=True).stdout.strip()
    listed = subprocess.run(
        [openssl, "list", "-public-key-algorithms"], capture_output=True, text=True
    )
    if listed.returncode != 0 or "SM2" not in listed.stdout.upper():
        return f"{version or 'openssl'} has no SM2 (needs OpenSSL >= 1.1.1 built with SM2/SM3)"
    return None


OPENSSL_PROBLEM = _openssl_sm2_problem()
needs_openssl_sm2 = pytest.mark.skipif(OPENSSL_PROBLEM is not None, reason=str(OPENSSL_PROBLEM))
DISTID = "distid:1234567812345678"


def _openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@needs_openssl_sm2
@pytest.mark.parametrize("which", ["random", "x starts with 04"])
def test_openssl_verifies_our_signatures(tmp_path: Path, which: str) -> None:
    private_hex, public_hex = (
        generate_keypair() if which == "random" else (KEY_04_PRIVATE, KEY_04_PUBLIC)
    )
    (tmp_path / "pub.pem").write_text(public_key_pem(public_hex))
    (tmp_path / "data").write_bytes(DATA)
    for attempt in range(3):
        signature = GmsslSigner(private_hex, public_hex).sign(DATA)
        (tmp_path / "sig.der").write_bytes(bytes.fromhex(signature))
        args = ["-sm3", "-verify", "pub.pem", "-signature", "sig.der", "-sigopt", DISTID, "data"]
        done = _openssl("dgst", *args, cwd=tmp_path)
        assert done.returncode == 0 and "Verified OK" in done.stdout, (attempt, done.stderr)
    (tmp_path / "data").write_bytes(DATA + b"!")
    done = _openssl("dgst", *args, cwd=tmp_path)
    assert done.returncode != 0


@needs_openssl_sm2
def test_we_verify_openssl_signatures(tmp_path: Path) -> None:
    assert _openssl("genpkey", "-algorithm", "SM2", "-out", "key.pem", cwd=tmp_path).returncode == 0
    exported = subprocess.run(
        ["openssl", "pkey", "-in", "key.pem", "-pubout", "-outform", "DER"],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    public_hex = public_key_from_spki_der(exported.stdout)
    (tmp_path / "data").write_bytes(DATA)
    signed = _openssl(
        "dgst", "-sm3", "-sign", "key.pem", "-sigopt", DISTID, "-out", "sig.der", "data",
        cwd=tmp_path,
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    signature = (tmp_path / "sig.der").read_bytes().hex()
    assert GmsslVerifier().verify(public_hex, DATA, signature)
    assert not GmsslVerifier().verify(public_hex, DATA + b"!", signature)
