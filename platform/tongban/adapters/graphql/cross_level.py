"""GraphQL types for an escalated application's one decision (``services.cases.cross_level``)."""

from __future__ import annotations

from typing import Any

import graphene
from graphene.types.generic import GenericScalar


class SealedRecordType(graphene.ObjectType):
    class Meta:
        name = "SealedRecord"
        description = "a sealed decision (决定书) or opinion (审核签批意见) of an escalation"

    kind = graphene.String(required=True, description="decision | opinion")
    title = graphene.String(required=True)
    document_number = graphene.String(required=True)
    case_number = graphene.String(required=True, description="the case it is sealed on")
    department_name = graphene.String(required=True, description="whose seal")
    department_uscc = graphene.String(required=True)
    key_id = graphene.String(required=True)
    digest = graphene.String(required=True, description="SM3 of the canonical document")
    basis = GenericScalar(description="the sealed opinion a decision rests on (上报件)")


class CrossLevelType(graphene.ObjectType):
    class Meta:
        name = "CrossLevel"
        description = (
            "一件申请一个决定: which level decided, whose seals, the one decision document and "
            "where the applicant collects it (docs/engine.md)"
        )

    mode = graphene.String(required=True, description="art35 | opinion (上报件)")
    mode_label = graphene.String(required=True)
    level = graphene.String(required=True, description="this case's part: initial | final")
    record_here = graphene.String(required=True, description="this case's own record")
    decided_by = graphene.String(required=True)
    decision = graphene.Field(SealedRecordType, description="the one decision (null: none)")
    opinion = graphene.Field(SealedRecordType, description="the final level's opinion (上报件)")
    delivered_by = graphene.String(required=True, description="the window that hands it out")
    collect_at = graphene.String(required=True, description="领取地点")

    @staticmethod
    def resolve_mode(parent: Any, _info: graphene.ResolveInfo) -> str:
        return str(parent.mode.value)
