"""Cryptography adapters: SM2/SM3 seals with gmssl, seal private keys encrypted at rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tongban.adapters.crypto.seal_box import SealBox, derive_seal_key
from tongban.adapters.crypto.sm2 import (
    GmsslSigner,
    GmsslVerifier,
    generate_keypair,
    public_key_of,
    public_key_pem,
    sm3_hex,
)

if TYPE_CHECKING:
    from tongban.services.seals import ResultPdf, SealService

__all__ = [
    "GmsslSigner",
    "GmsslVerifier",
    "SealBox",
    "derive_seal_key",
    "generate_keypair",
    "gmssl_seal_service",
    "public_key_of",
    "public_key_pem",
    "sm3_hex",
]


def gmssl_seal_service(pdf: ResultPdf | None = None) -> SealService:
    """The seal service wired with gmssl (SM2/SM3); ``pdf`` reads and writes the result PDF
    (the documents adapter's, passed in by ``tongban.bootstrap.seal_service``)."""
    from tongban.services.seals import SealService

    return SealService(GmsslSigner, GmsslVerifier(), sm3_hex, pdf=pdf)
