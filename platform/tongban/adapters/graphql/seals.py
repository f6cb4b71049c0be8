"""GraphQL for sealed results and the published seal keys (docs/seals.md, docs/api.md).

``Case.resultDocument`` (``SealedResult``) hands out the sealed result itself: its canonical
JSON (the exact text of the ``.json`` file ``tongban verify`` takes), the seal's key id,
digest and signing time, and the web address of its PDF. ``sealKeys(tenantCode)`` lists a
tenant's public seal keys: public for any tenant, like ``GET /seal-keys/<code>.json``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import graphene
from graphene.types.generic import GenericScalar

from tongban.adapters.graphql.context import GraphQLContext
from tongban.core.seals import SealKey
from tongban.services.seal_keys import PublishedKey, PublishedKeys, keys_url, published_keys


def result_pdf_url(number: str) -> str:
    """The web app's PDF of a case's result, for a login that may see the case."""
    return f"/cases/{quote(number, safe='')}/result.pdf"


class SealedResult(graphene.ObjectType):
    """A case's sealed result document (准予行政许可决定书) as stored. Whether it is valid
    now is ``Case.result`` (the verification)."""

    kind = graphene.String(
        required=True, description="decision (决定书) | opinion (审核签批意见 of a 上报件)"
    )
    title = graphene.String(required=True, description="e.g. 准予行政许可决定书")
    document_number = graphene.String(required=True, description="文书编号")
    canonical_json = graphene.String(
        required=True,
        description="the sealed file: canonical JSON of {document, seal}, byte for byte what "
        "`tongban verify FILE --keys KEYS` takes",
    )
    document = GenericScalar(required=True, description="the signed document")
    seal = GenericScalar(description="the seal (null: unsealed, hence not valid)")
    key_id = graphene.String(required=True, description="the seal key's id ('' unsealed)")
    department_uscc = graphene.String(required=True, description="the sealing department")
    digest = graphene.String(required=True, description="SM3 of the document's canonical JSON")
    signed_at = graphene.String(required=True, description="signing time as sealed (UTC)")
    sealed_at = graphene.DateTime(required=True, description="when it was stored")
    revoked_at = graphene.DateTime(description="when the decision was revoked (null: not)")
    pdf_url = graphene.String(
        required=True,
        description="the PDF (sealed JSON attached), a path on this web app for a login that "
        "may see the case (the same session; other callers get 404)",
    )
    keys_tenant_code = graphene.String(
        required=True, description="the tenant whose department's key signed it"
    )
    keys_url = graphene.String(
        required=True, description="that tenant's public keys file, a path needing no login"
    )

    def resolve_title(self, _info: graphene.ResolveInfo) -> str:
        return str(self.sealed.document.get("title", ""))  # type: ignore[attr-defined]

    def resolve_document_number(self, _info: graphene.ResolveInfo) -> str:
        return str(self.sealed.document.get("document_number", ""))  # type: ignore[attr-defined]

    def resolve_document(self, _info: graphene.ResolveInfo) -> dict[str, Any]:
        return dict(self.sealed.document)  # type: ignore[attr-defined]

    def resolve_seal(self, _info: graphene.ResolveInfo) -> dict[str, Any] | None:
        seal = self.sealed.seal  # type: ignore[attr-defined]
        return dict(seal) if seal else None

    def resolve_sealed_at(self, _info: graphene.ResolveInfo) -> Any:
        return self.created_at  # type: ignore[attr-defined]

    def resolve_pdf_url(self, _info: graphene.ResolveInfo) -> str:
        return result_pdf_url(self.case_number)  # type: ignore[attr-defined]

    def resolve_keys_tenant_code(self, _info: graphene.ResolveInfo) -> str:
        return str(self.signer_tenant)  # type: ignore[attr-defined]

    def resolve_keys_url(self, _info: graphene.ResolveInfo) -> str:
        return keys_url(self.signer_tenant)  # type: ignore[attr-defined]


class PublicSealKey(graphene.ObjectType):
    """A department's public SM2 seal key and when it may sign: a signature counts if made
    in [validFrom, validUntil) and before revokedAt."""

    key_id = graphene.String(required=True)
    department_code = graphene.String(required=True)
    department_name = graphene.String(required=True)
    department_uscc = graphene.String(required=True)
    public_key_hex = graphene.String(required=True, description="x‖y, 128 hex characters")
    valid_from = graphene.DateTime(required=True)
    valid_until = graphene.DateTime(description="null: no end")
    revoked_at = graphene.DateTime(description="null: not revoked")

    def resolve_key_id(self, _info: graphene.ResolveInfo) -> str:
        return _key(self).key_id

    def resolve_department_uscc(self, _info: graphene.ResolveInfo) -> str:
        return _key(self).department_uscc

    def resolve_public_key_hex(self, _info: graphene.ResolveInfo) -> str:
        return _key(self).public_key_hex

    def resolve_valid_from(self, _info: graphene.ResolveInfo) -> dt.datetime:
        return _key(self).valid_from

    def resolve_valid_until(self, _info: graphene.ResolveInfo) -> dt.datetime | None:
        return _key(self).valid_until

    def resolve_revoked_at(self, _info: graphene.ResolveInfo) -> dt.datetime | None:
        return _key(self).revoked_at


def _key(item: object) -> SealKey:
    assert isinstance(item, PublishedKey)
    return item.key


class SealKeySet(graphene.ObjectType):
    """A tenant's published seal keys."""

    tenant_code = graphene.String(required=True)
    tenant_name = graphene.String(required=True)
    keys = graphene.List(graphene.NonNull(PublicSealKey), required=True)
    keys_file = graphene.String(
        required=True, description="the keys as the file `tongban verify --keys` takes"
    )
    url = graphene.String(required=True, description="the same file on the web, no login")

    def resolve_keys_file(self, _info: graphene.ResolveInfo) -> str:
        return self.keys_file().decode("utf-8")  # type: ignore[attr-defined]

    def resolve_url(self, _info: graphene.ResolveInfo) -> str:
        return keys_url(self.tenant_code)  # type: ignore[attr-defined]


class Query:
    seal_keys = graphene.Field(
        SealKeySet,
        required=True,
        tenant_code=graphene.String(required=True, description="单位代码"),
        description="公开的印章公钥: a tenant's departments' public seal keys with their "
        "validity windows. Public for any tenant (not only the caller's lineage), like "
        "GET /seal-keys/<tenantCode>.json; NOT_FOUND for a tenant that does not exist.",
    )

    def resolve_seal_keys(self, info: graphene.ResolveInfo, tenant_code: str) -> PublishedKeys:
        context = info.context
        assert isinstance(context, GraphQLContext), "the view must pass a GraphQLContext"
        with context.platform.db.for_tenant(tenant_code, readonly=True, subtree=False) as uow:
            return published_keys(uow)
