"""The audit hash chain: appending, and naming every edit, deletion, reordering, insertion."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.core.audit import (
    DELETED,
    EDITED,
    GENESIS,
    HEAD_MISMATCH,
    INSERTED,
    REORDERED,
    AuditEvent,
    ChainProblem,
    append,
    event_hash,
    sha256_hex,
    utc_timestamp,
    verify_chain,
)

CASE = "2301232026093000017"
KINDS = (
    "CaseSubmitted",
    "CaseReceived",
    "CaseAccepted",
    "MaterialsSupplemented",
    "CaseReviewed",
    "CaseApproved",
    "CaseDecided",
    "CertificateIssued",
    "CaseConcluded",
    "CaseArchived",
)
START = datetime(2026, 9, 30, 1, 2, 3, tzinfo=UTC)


def build(
    n: int = 10, *, chain: str = CASE, hasher: Any = sha256_hex
) -> tuple[list[AuditEvent], tuple[int, str] | None]:
    events: list[AuditEvent] = []
    head: tuple[int, str] | None = None
    for i in range(n):
        event = append(
            head,
            chain=chain,
            kind=KINDS[i % len(KINDS)],
            actor=f"user-{i % 3}",
            tenant="230123",
            at=utc_timestamp(START + timedelta(minutes=7 * i)),
            payload={"step": i, "意见": "同意", "materials": ["M001", "M002"][: i % 3]},
            hasher=hasher,
        )
        events.append(event)
        head = event.head
    return events, head


def codes(problems: list[ChainProblem]) -> list[tuple[str, int | None]]:
    return [(p.code, p.seq) for p in problems]


# --------------------------------------------------------------------------- appending


def test_append_links_events_and_hashes_every_field() -> None:
    events, head = build(3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert head == (3, events[2].hash)
    first = events[0]
    assert first.hash == event_hash(
        first.chain,
        first.seq,
        first.kind,
        first.actor,
        first.tenant,
        first.at,
        first.payload,
        first.prev_hash,
    )
    assert len(first.hash) == 64 and first.hash == first.computed_hash()


def test_payload_is_detached_and_normalised() -> None:
    payload: dict[str, Any] = {"items": ("a", "b"), "nested": {"x": 1}}
    event = append(
        None,
        chain=CASE,
        kind="K",
        actor="a",
        tenant="t",
        at="2026-01-01T00:00:00Z",
        payload=payload,
    )
    payload["nested"]["x"] = 2
    assert event.payload == {"items": ["a", "b"], "nested": {"x": 1}}
    assert verify_chain([event], head=event.head) == []


@pytest.mark.parametrize(
    ("at", "error"),
    [
        ("2026-01-01T08:00:00+08:00", ValueError),
        ("2026-01-01T00:00:00", ValueError),
        ("yesterday", ValueError),
        (1700000000, TypeError),
    ],
)
def test_append_requires_a_utc_iso_timestamp(at: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        append(None, chain=CASE, kind="K", actor="a", tenant="t", at=at, payload={})


def test_append_refuses_bad_heads_and_payloads() -> None:
    kwargs: dict[str, Any] = dict(
        chain=CASE, kind="K", actor="a", tenant="t", at="2026-01-01T00:00:00+00:00"
    )
    with pytest.raises(ValueError):
        append((0, GENESIS), payload={}, **kwargs)
    with pytest.raises(ValueError):
        append(None, payload={"x": float("nan")}, **kwargs)
    with pytest.raises(TypeError):
        append(None, payload={"x": object()}, **kwargs)
    with pytest.raises(ValueError):
        append(None, payload={}, **{**kwargs, "kind": ""})


def test_utc_timestamp() -> None:
    east8 = timezone(timedelta(hours=8))
    assert utc_timestamp(datetime(2026, 9, 30, 9, 0, tzinfo=east8)) == "2026-09-30T01:00:00.000000Z"
    with pytest.raises(ValueError):
        utc_timestamp(datetime(2026, 9, 30))  # noqa: DTZ001 - the point of the test


def test_hash_function_is_injectable_sm3() -> None:
    gmssl = pytest.importorskip("gmssl")
    from gmssl import func, sm3

    assert gmssl is not None

    def sm3_hex(data: bytes) -> str:
        return str(sm3.sm3_hash(func.bytes_to_list(data)))

    events, head = build(5, hasher=sm3_hex)
    assert verify_chain(events, head=head, hasher=sm3_hex) == []
    # a chain must be verified with the function it was written with
    assert {p.code for p in verify_chain(events, head=head)} == {EDITED}


# --------------------------------------------------------------------------- verifying


def test_clean_chain_of_ten_verifies() -> None:
    events, head = build(10)
    assert verify_chain(events, head=head) == []
    assert verify_chain([], head=None) == []


@pytest.mark.parametrize(
    "change",
    [
        {"payload": {"step": 2, "意见": "不同意", "materials": []}},
        {"actor": "intruder"},
        {"at": "2026-09-30T01:17:03.000000Z"},
        {"kind": "CaseRejected"},
        {"tenant": "230100"},
    ],
)
def test_edited_event_is_named(change: dict[str, Any]) -> None:
    events, head = build(10)
    events[2] = dataclasses.replace(events[2], **change)
    problems = verify_chain(events, head=head)
    assert codes(problems) == [(EDITED, 3)]
    kind = change.get("kind", "CaseAccepted")
    assert problems[0].message == (
        f"case {CASE}: event #3 ({kind}) was edited: its hash does not match its content"
    )


def test_deleted_middle_event_is_named() -> None:
    events, head = build(10)
    del events[4]
    problems = verify_chain(events, head=head)
    assert codes(problems) == [(DELETED, 5)]
    assert "event #5 was deleted" in problems[0].message


def test_several_deletions_are_reported_as_runs() -> None:
    events, head = build(10)
    kept = [e for e in events if e.seq not in (3, 4, 5, 8)]
    problems = verify_chain(kept, head=head)
    assert codes(problems) == [(DELETED, 3), (DELETED, 8)]
    assert "events #3–#5 were deleted" in problems[0].message


def test_deleted_last_event_is_detected_via_the_head() -> None:
    events, head = build(10)
    problems = verify_chain(events[:-1], head=head)
    assert codes(problems) == [(DELETED, 10)]
    assert "the chain head records 10 events" in problems[0].message
    # without the head it would be invisible: a 9-event chain is intact
    assert verify_chain(events[:-1], head=events[-2].head) == []


def test_all_events_deleted() -> None:
    _, head = build(4)
    problems = verify_chain([], head=head, chain=CASE)
    assert codes(problems) == [(DELETED, 1)]
    assert problems[0].message.startswith(f"case {CASE}: events #1–#4 were deleted")


def test_swapped_events_are_reordered() -> None:
    events, head = build(10)
    events[3], events[6] = events[6], events[3]
    problems = verify_chain(events, head=head)
    assert {p.code for p in problems} == {REORDERED}
    assert {p.seq for p in problems} == {4, 7}
    assert "event #7 (CaseDecided) is stored out of order" in " ".join(p.message for p in problems)


def test_adjacent_swap_names_both_events() -> None:
    events, head = build(10)
    events[3], events[4] = events[4], events[3]
    problems = verify_chain(events, head=head)
    assert codes(problems) in ([(REORDERED, 4)], [(REORDERED, 5)])
    assert "#4 (MaterialsSupplemented)" in problems[0].message
    assert "#5 (CaseReviewed)" in problems[0].message


def test_an_event_moved_far_is_the_only_one_named() -> None:
    events, head = build(10)
    moved = events.pop(1)
    events.insert(8, moved)
    problems = verify_chain(events, head=head)
    assert codes(problems) == [(REORDERED, 2)]
    assert "event #2 (CaseReceived) is stored out of order: after event #9" in problems[0].message


def test_swapped_sequence_numbers_are_reordered() -> None:
    events, head = build(10)
    three, four = events[2], events[3]
    events[2] = dataclasses.replace(three, seq=4)
    events[3] = dataclasses.replace(four, seq=3)
    problems = verify_chain(events, head=head)
    assert codes(problems) == [(REORDERED, 3), (REORDERED, 4)]
    assert "event #3 (CaseAccepted) was renumbered #4" in problems[0].message


def test_forged_event_inserted_with_recomputed_hashes_is_detected() -> None:
    events, head = build(10)
    forged = append(
        events[4].head,
        chain=CASE,
        kind="CaseApproved",
        actor="intruder",
        tenant="230123",
        at=events[5].at,
        payload={"approved": True},
    )
    tampered = [*events[:5], forged, *events[5:]]
    problems = verify_chain(tampered, head=head)
    assert codes(problems) == [(INSERTED, 6)]
    assert "(CaseApproved) was inserted: a second event #6" in problems[0].message


def test_forged_event_appended_behind_the_heads_back() -> None:
    events, head = build(10)
    forged = append(
        head,
        chain=CASE,
        kind="CaseReopened",
        actor="x",
        tenant="230123",
        at=events[-1].at,
        payload={},
    )
    problems = verify_chain([*events, forged], head=head)
    assert codes(problems) == [(INSERTED, 11)]
    assert "beyond the chain head" in problems[0].message


def test_rewritten_event_with_recomputed_hash_is_detected() -> None:
    events, head = build(10)
    old = events[3]
    new_hash = event_hash(
        old.chain, old.seq, old.kind, "intruder", old.tenant, old.at, old.payload, old.prev_hash
    )
    events[3] = dataclasses.replace(old, actor="intruder", hash=new_hash)
    problems = verify_chain(events, head=head)
    assert codes(problems) == [(EDITED, 4)]
    assert "rewritten with a recomputed hash" in problems[0].message
    assert "event #5 (CaseReviewed) still links to its former hash" in problems[0].message


def test_replaced_event_is_detected() -> None:
    events, head = build(10)
    forged = append(
        events[3].head,
        chain=CASE,
        kind="CaseRejected",
        actor="x",
        tenant="230123",
        at=events[4].at,
        payload={},
    )
    # the forger links #5' to #4 properly, but cannot make #6 link to it
    events[4] = forged
    problems = verify_chain(events, head=head)
    assert codes(problems) == [(EDITED, 5)]
    # a replacement that does not even link back is a stranger
    events, head = build(10)
    events[4] = dataclasses.replace(forged, prev_hash="f" * 64)
    events[4] = dataclasses.replace(events[4], hash=events[4].computed_hash())
    assert codes(verify_chain(events, head=head)) == [(INSERTED, 5)]


def test_rewritten_last_event_is_a_head_mismatch() -> None:
    events, head = build(10)
    last = dataclasses.replace(events[-1], payload={"decision": "forged"})
    events[-1] = dataclasses.replace(last, hash=last.computed_hash())
    problems = verify_chain(events, head=head)
    assert codes(problems) == [(HEAD_MISMATCH, 10)]


def test_events_without_a_head() -> None:
    events, _ = build(3)
    assert codes(verify_chain(events, head=None)) == [(HEAD_MISMATCH, None)]


def test_event_of_another_chain() -> None:
    events, head = build(5)
    other, _ = build(7, chain="2301232026093000018")
    problems = verify_chain([*events, other[5]], head=head)
    assert codes(problems) == [(INSERTED, 6)]
    assert "belongs to chain '2301232026093000018'" in problems[0].message


def test_every_problem_is_reported() -> None:
    events, head = build(10)
    events[1] = dataclasses.replace(events[1], actor="x")  # edited #2
    del events[5]  # deleted #6
    events[6], events[7] = events[7], events[6]  # #8 and #9 swapped
    events.pop()  # deleted #10 (last)
    found = codes(verify_chain(events, head=head))
    assert (EDITED, 2) in found and (DELETED, 6) in found and (DELETED, 10) in found
    assert any(code == REORDERED and seq in (8, 9) for code, seq in found)


def test_definitions_chain_label() -> None:
    events, head = build(3, chain="definitions:230123")
    events[0] = dataclasses.replace(events[0], payload={})
    (problem,) = verify_chain(events, head=head)
    assert problem.message.startswith("definitions:230123: event #1 (CaseSubmitted) was edited")
    assert str(problem).startswith("EDITED definitions:230123:")


def test_sha256_is_the_default() -> None:
    assert sha256_hex(b"abc") == hashlib.sha256(b"abc").hexdigest()


# --------------------------------------------------------------------------- property

FIELDS = ("kind", "actor", "tenant", "at", "payload", "prev_hash", "hash", "chain")


@st.composite
def mutated_chains(draw: st.DrawFn) -> tuple[str, int, list[AuditEvent], tuple[int, str] | None]:
    n = draw(st.integers(1, 15))
    events, head = build(n)
    mutation = draw(
        st.sampled_from(
            ["edit", "rewrite", "delete", "swap", "insert"]
            if n > 1
            else ["edit", "rewrite", "delete", "insert"]
        )
    )
    k = draw(st.integers(0, n - 1))
    if mutation == "edit":
        field = draw(st.sampled_from(FIELDS))
        old = events[k]
        if field == "payload":
            new: Any = {**old.payload, "step": draw(st.integers()).__add__(1000)}
        elif field in ("prev_hash", "hash"):
            new = draw(st.text("0123456789abcdef", min_size=64, max_size=64))
        else:
            new = getattr(old, field) + draw(st.text(min_size=1, max_size=3))
        if new == getattr(old, field):
            new = getattr(old, field) + "!"
        events[k] = dataclasses.replace(old, **{field: new})
    elif mutation == "rewrite":  # edited, and its own hash recomputed
        changed = dataclasses.replace(events[k], actor="intruder")
        events[k] = dataclasses.replace(changed, hash=changed.computed_hash())
    elif mutation == "delete":
        del events[k]
    elif mutation == "swap":
        j = draw(st.integers(0, n - 1).filter(lambda j: j != k))
        events[k], events[j] = events[j], events[k]
        k = k * 100 + j  # both positions, for the check
    else:
        at = draw(st.integers(0, n))
        base = events[at - 1].head if at > 0 else None
        forged = append(
            base,
            chain=CASE,
            kind="Forged",
            actor="x",
            tenant="230123",
            at=START.isoformat(),
            payload={},
        )
        events.insert(at, forged)
    return mutation, k, events, head


@settings(max_examples=300, deadline=None)
@given(mutated_chains())
def test_any_single_mutation_is_detected(
    case: tuple[str, int, list[AuditEvent], tuple[int, str] | None],
) -> None:
    mutation, k, events, head = case
    problems = verify_chain(events, head=head, chain=CASE)
    assert problems, mutation
    found = codes(problems)
    if mutation == "edit":
        assert found == [(EDITED, k + 1)]
    elif mutation == "rewrite":
        assert found == ([(HEAD_MISMATCH, k + 1)] if k + 1 == len(events) else [(EDITED, k + 1)])
    elif mutation == "delete":
        assert found == [(DELETED, k + 1)]
    elif mutation == "swap":
        one, two = sorted(divmod(k, 100))
        assert {code for code, _ in found} == {REORDERED}
        named = {seq for _, seq in found}
        if two - one > 1:
            assert named == {one + 1, two + 1}
        else:
            assert len(named) == 1 and named < {one + 1, two + 1}
            assert f"#{one + 1} (" in problems[0].message and f"#{two + 1} (" in problems[0].message
    else:
        assert [code for code, _ in found] == [INSERTED]
