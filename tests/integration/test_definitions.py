"""The definition lifecycle on both databases: draft → submit → 三报三审 → publish."""

from __future__ import annotations

import pytest

from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.unit_of_work import Database
from tongban.core.errors import Conflict, Forbidden, InvalidDefinition, InvalidState, NotFound
from tongban.services import catalog, definitions
from tongban.services.conformance_report import conformance_report, impact_of_standard_change
from tongban.services.definitions import ReviewVerdicts, Verdict
from tongban.services.schemas import Schemas

from .factories import (
    APPROVE,
    MATTER_CODE,
    admin,
    implementation,
    publish_matter,
    seed_tree,
    standard,
)


@pytest.fixture
def tree(db: Database) -> Database:
    seed_tree(db)
    return db


def test_standard_goes_through_review_and_publishes(tree: Database, schemas: Schemas) -> None:
    with tree.for_tenant("230000") as uow:
        draft = definitions.save_draft(uow, admin("230000"), standard(), schemas)
    assert (draft.version, draft.status, draft.violations) == (1, "draft", ())
    with tree.for_tenant("230000") as uow:
        assert (
            definitions.submit(uow, admin("230000"), "standard", MATTER_CODE, schemas).status
            == "submitted"
        )
    with tree.for_tenant("100000") as uow:
        reviewed = definitions.review(
            uow, admin("100000"), "230000", "standard", MATTER_CODE, APPROVE
        )
    assert reviewed.status == "reviewed"
    with tree.for_tenant("230000") as uow:
        published = definitions.publish(uow, admin("230000"), "standard", MATTER_CODE, schemas)
    assert published.status == "published" and published.published_at is not None
    with tree.for_tenant("230000") as uow:
        history = definitions.history(uow, "230000", "standard", MATTER_CODE)
    assert [(v.version, v.status) for v in history] == [(1, "published")]


def test_published_version_is_immutable_and_new_draft_starts_from_it(
    tree: Database, schemas: Schemas
) -> None:
    publish_matter(tree, schemas, "230000", standard())
    with tree.for_tenant("230000") as uow:
        draft = definitions.start_draft(uow, admin("230000"), "standard", MATTER_CODE, schemas)
    assert (draft.version, draft.status) == (2, "draft")
    changed = standard(time_limits={"legal": 20, "promised": 12})
    with tree.for_tenant("230000") as uow:
        definitions.save_draft(uow, admin("230000"), changed, schemas)
    with tree.for_tenant("230000") as uow:
        v1 = definitions.document(uow, "230000", "standard", MATTER_CODE, 1)
        v2 = definitions.document(uow, "230000", "standard", MATTER_CODE, 2)
        current = definitions.document(uow, "230000", "standard", MATTER_CODE)
    assert v1["time_limits"]["promised"] == 15
    assert v2["time_limits"]["promised"] == 12
    assert current == v1  # the published one stays in force until v2 is published


def test_submit_refused_while_violations_remain_and_nothing_changes(
    tree: Database, schemas: Schemas
) -> None:
    publish_matter(tree, schemas, "230000", standard())
    loose = implementation(time_limits={"legal": 20, "promised": 30})
    loose["materials"].append({"code": "M009", "name": "营业执照复印件", "copies": 1})
    with tree.for_tenant("230123") as uow:
        draft = definitions.save_draft(uow, admin("230123"), loose, schemas)
    codes = {v.code for v in draft.violations}
    assert {"PROMISED_EXCEEDS_PARENT", "PROMISED_EXCEEDS_LEGAL", "MATERIAL_ADDED"} <= codes
    with tree.for_tenant("230123") as uow, pytest.raises(InvalidDefinition) as refused:
        definitions.submit(uow, admin("230123"), "implementation", MATTER_CODE, schemas)
    pointers = {v.pointer for v in refused.value.violations}
    assert "/materials/3" in pointers and "/time_limits/promised" in pointers
    with tree.for_tenant("230123") as uow:
        [only] = definitions.history(uow, "230123", "implementation", MATTER_CODE)
    assert only.status == "draft"


def test_review_with_a_failed_verdict_returns_the_draft(tree: Database, schemas: Schemas) -> None:
    publish_matter(tree, schemas, "230000", standard())
    with tree.for_tenant("230123") as uow:
        definitions.save_draft(uow, admin("230123"), implementation(), schemas)
    with tree.for_tenant("230123") as uow:
        definitions.submit(uow, admin("230123"), "implementation", MATTER_CODE, schemas)
    with tree.for_tenant("230123") as uow, pytest.raises(Conflict):
        definitions.save_draft(uow, admin("230123"), implementation(), schemas)
    verdicts = ReviewVerdicts(Verdict(True), Verdict(True), Verdict(False, "承诺时限过长"))
    with tree.for_tenant("230100") as uow:
        returned = definitions.review(
            uow, admin("230100"), "230123", "implementation", MATTER_CODE, verdicts
        )
    assert returned.status == "returned"
    with tree.for_tenant("230123") as uow, pytest.raises(InvalidState):
        definitions.publish(uow, admin("230123"), "implementation", MATTER_CODE, schemas)
    with tree.for_tenant("230123") as uow:
        again = definitions.save_draft(uow, admin("230123"), implementation(), schemas)
    assert (again.version, again.status) == (1, "draft")


def test_only_the_direct_parent_reviews(tree: Database, schemas: Schemas) -> None:
    publish_matter(tree, schemas, "230000", standard())
    with tree.for_tenant("230100") as uow:
        definitions.save_draft(uow, admin("230100"), implementation(), schemas)
    with tree.for_tenant("230100") as uow:
        definitions.submit(uow, admin("230100"), "implementation", MATTER_CODE, schemas)
    # a child cannot review its parent's submission
    with tree.for_tenant("230123") as uow, pytest.raises(Forbidden, match="下级单位不能审核上级"):
        definitions.review(uow, admin("230123"), "230100", "implementation", MATTER_CODE, APPROVE)
    # a grandparent is not the reviewer either
    with tree.for_tenant("100000") as uow, pytest.raises(Forbidden):
        definitions.review(uow, admin("100000"), "230100", "implementation", MATTER_CODE, APPROVE)
    with tree.for_tenant("230000") as uow:
        assert (
            definitions.review(
                uow, admin("230000"), "230100", "implementation", MATTER_CODE, APPROVE
            ).status
            == "reviewed"
        )


def test_actor_must_be_an_admin_of_the_unit_of_works_tenant(
    tree: Database, schemas: Schemas
) -> None:
    with tree.for_tenant("230123") as uow, pytest.raises(Forbidden):
        definitions.save_draft(uow, admin("230124"), implementation(), schemas)


def test_conformance_report_and_impact_of_a_standard_change(
    tree: Database, schemas: Schemas
) -> None:
    publish_matter(tree, schemas, "230000", standard())
    publish_matter(tree, schemas, "230123", implementation())
    publish_matter(
        tree, schemas, "230124", implementation(time_limits={"legal": 20, "promised": 9})
    )
    with platform_unit_of_work(tree, "test") as uow:
        report = conformance_report(uow, schemas)
    assert {(e.tenant_code, e.conforms) for e in report} == {("230123", True), ("230124", True)}

    tighter = standard(time_limits={"legal": 20, "promised": 9})
    with tree.for_tenant("230000") as uow:
        impact = impact_of_standard_change(uow, schemas, tighter)
    assert [(e.tenant_code, [v.code for v in e.violations]) for e in impact] == [
        ("230123", ["PROMISED_EXCEEDS_PARENT"])
    ]
    # asking changed nothing
    with tree.for_tenant("230000") as uow:
        assert (
            definitions.document(uow, "230000", "standard", MATTER_CODE)["time_limits"]["promised"]
            == 15
        )


def test_a_step_nobody_can_work_on_is_reported(tree: Database, schemas: Schemas) -> None:
    publish_matter(tree, schemas, "230000", standard())
    # the county's only approver gives up that role
    with platform_unit_of_work(tree, "test") as uow:
        officer = uow.departments.user("230123_officer")
        assert officer is not None
        officer.roles = "reviewer"
        uow.commit()
    with tree.for_tenant("230123") as uow:
        draft = definitions.save_draft(uow, admin("230123"), implementation(), schemas)
    unstaffed = [(v.code, v.pointer) for v in draft.violations]
    assert unstaffed == [("FLOW_ASSIGNEE_UNSTAFFED", "/flow/nodes/4")]  # decide: approver


# --- drafts are their owner's (issue 12, point 3) ----------------------------------------

NAME = "药品零售企业经营许可"
DRAFT_NAME = "药品零售企业经营许可（草稿）"


def _sees(db: Database, viewer: str, owner: str, kind: str) -> list[tuple[int, str]]:
    """(version, status) of what ``viewer`` reads of ``owner``'s matter; [] if not found."""
    with db.for_tenant(viewer, readonly=True) as uow:
        try:
            return [
                (v.version, v.status) for v in definitions.history(uow, owner, kind, MATTER_CODE)
            ]
        except NotFound:
            return []


def _listed(db: Database, viewer: str, owner: str, kind: str) -> list[str]:
    """Names of ``owner``'s matters in ``viewer``'s catalog and on its page of ``owner``."""
    with db.for_tenant(viewer, readonly=True) as uow:
        entries = catalog.catalog(uow, kind=kind, per_page=100).items
        names = [e.name for e in entries if (e.tenant.code, e.code) == (owner, MATTER_CODE)]
        page = catalog.tenant_detail(uow, owner).matters
        return names + [e.name for e in page if (e.kind, e.code) == (kind, MATTER_CODE)]


def test_saving_a_draft_keeps_the_published_name(tree: Database, schemas: Schemas) -> None:
    publish_matter(tree, schemas, "230000", standard())
    with tree.for_tenant("230000") as uow:
        definitions.save_draft(uow, admin("230000"), standard(name=DRAFT_NAME), schemas)
    for viewer in ("230000", "230100", "230123"):  # the owner, a child and a grandchild
        assert _listed(tree, viewer, "230000", "standard") == [NAME] * 2
    with tree.for_tenant("230123", readonly=True) as uow:
        with pytest.raises(NotFound) as hidden:
            definitions.document(uow, "230000", "standard", MATTER_CODE, 2)
        with pytest.raises(NotFound) as missing:
            definitions.document(uow, "230000", "standard", MATTER_CODE, 9)
        current = definitions.document(uow, "230000", "standard", MATTER_CODE)
    assert str(hidden.value).replace("v2", "v9") == str(missing.value)
    assert current["name"] == NAME
    with tree.for_tenant("230000", readonly=True) as uow:
        draft = definitions.document(uow, "230000", "standard", MATTER_CODE, 2)
    assert draft["name"] == DRAFT_NAME


def test_a_never_published_matter_is_its_owners_and_its_reviewers(
    tree: Database, schemas: Schemas
) -> None:
    publish_matter(tree, schemas, "230000", standard())
    with tree.for_tenant("230123") as uow:
        definitions.save_draft(uow, admin("230123"), implementation(name=DRAFT_NAME), schemas)
    kind = "implementation"
    # only the owner sees it, by its draft name; the parent, the grandparent and the
    # sibling find nothing, as if it did not exist
    assert _sees(tree, "230123", "230123", kind) == [(1, "draft")]
    assert _listed(tree, "230123", "230123", kind) == [DRAFT_NAME] * 2
    for other in ("230100", "230000", "230124"):
        assert _sees(tree, other, "230123", kind) == [], other
        if other != "230124":  # the sibling's page of 依兰县 is itself not found
            assert _listed(tree, other, "230123", kind) == [], other

    # nothing published yet: the name follows the owner's draft
    with tree.for_tenant("230123") as uow:
        definitions.save_draft(uow, admin("230123"), implementation(), schemas)
    assert _listed(tree, "230123", "230123", kind) == [NAME] * 2
    with tree.for_tenant("230123") as uow:
        definitions.submit(uow, admin("230123"), kind, MATTER_CODE, schemas)
    # submitted: the reviewing parent reads it (not yet in its lists); nobody else does
    assert _sees(tree, "230100", "230123", kind) == [(1, "submitted")]
    assert _listed(tree, "230100", "230123", kind) == []
    assert _sees(tree, "230000", "230123", kind) == []
    assert _sees(tree, "230124", "230123", kind) == []

    with tree.for_tenant("230100") as uow:
        definitions.review(uow, admin("230100"), "230123", kind, MATTER_CODE, APPROVE)
    with tree.for_tenant("230123") as uow:
        definitions.publish(uow, admin("230123"), kind, MATTER_CODE, schemas)
    # published: the whole lineage sees it by its published name; the sibling still not
    for viewer in ("230100", "230000"):
        assert _sees(tree, viewer, "230123", kind) == [(1, "published")]
        assert _listed(tree, viewer, "230123", kind) == [NAME] * 2
    assert _sees(tree, "230124", "230123", kind) == []
