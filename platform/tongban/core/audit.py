"""The audit trail: hash chains of events, one chain per case, and their verification.

Every command appends an ``AuditEvent`` — what happened (``kind``), who did it (``actor``),
for which tenant, when (``at``) and the command's data (``payload``) — to the chain of the
thing it acted on: a case's chain is named by its case number, a tenant's definitions by
``definitions:<tenant>``. Chains are independent, so concurrent cases never serialise on
one lock. Each event carries its position (``seq`` 1, 2, 3 …), the hash of the event before
it (``prev_hash``; ``GENESIS`` for the first) and its own ``hash``, computed over all of
that. The owner of a chain (the case row) stores the chain's *head* ``(count, last hash)``,
which is what makes removing the last event, or appending one behind its back, detectable.

``verify_chain`` takes the events as stored (in storage order, not sorted by ``seq``) and
the stored head, and names every problem: an edited event (``EDITED``), a missing one
(``DELETED``), events stored or numbered out of order (``REORDERED``), an event that does not
belong (``INSERTED``) and a last event that is not the one the head records
(``HEAD_MISMATCH``).

Hash function. SHA-256 by default: in the standard library, FIPS 180-4, 128-bit collision
resistance, and recomputable by an external auditor with any tool in any language. Systems
that must pass a 商用密码应用安全性评估 (GB/T 39786-2021) are expected to use SM3
(GB/T 32905-2016) for integrity; it is also 256-bit, so ``GENESIS`` and the hex form are the
same. Every function therefore takes ``hasher: Callable[[bytes], str]`` (bytes → lower-case
hex digest), e.g. with gmssl::

    from gmssl import func, sm3
    def sm3_hex(data: bytes) -> str:
        return sm3.sm3_hash(func.bytes_to_list(data))

A chain must be verified with the hasher it was written with, so the choice is per
deployment (or must be recorded per chain), never mixed within a chain.

Limits. A hash chain proves that the stored events are the ones appended, *provided the
head is trusted*: someone able to write both the events and the case row can rewrite a
chain from any point and recompute every hash and the head. Catching that needs the heads
anchored outside the database (periodically signed — SM2 — or timestamped / published).

Stdlib only; no I/O and no clock: the caller supplies ``at`` (see ``utc_timestamp``).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

GENESIS: Final = "0" * 64
"""The ``prev_hash`` of the first event of every chain."""

EDITED: Final = "EDITED"
DELETED: Final = "DELETED"
REORDERED: Final = "REORDERED"
INSERTED: Final = "INSERTED"
HEAD_MISMATCH: Final = "HEAD_MISMATCH"

Hasher = Callable[[bytes], str]
"""Bytes → lower-case hex digest (SHA-256 by default; SM3 may be plugged in)."""


def sha256_hex(data: bytes) -> str:
    """The default hasher: SHA-256, as lower-case hex."""
    return hashlib.sha256(data).hexdigest()


def _json_default(value: object) -> object:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"not JSON-safe: {type(value).__name__}")


def canonical_json(value: object) -> bytes:
    """The canonical UTF-8 JSON of ``value``: sorted keys, no spaces, no escaping of CJK.

    Refuses NaN and infinities (not JSON) and anything that is not JSON-safe.
    """
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
    ).encode("utf-8")


def event_hash(
    chain: str,
    seq: int,
    kind: str,
    actor: str,
    tenant: str,
    at: str,
    payload: Mapping[str, Any],
    prev_hash: str,
    *,
    hasher: Hasher = sha256_hex,
) -> str:
    """The hash of an event: ``hasher`` over the canonical JSON of all its fields."""
    document = {
        "chain": chain,
        "seq": seq,
        "kind": kind,
        "actor": actor,
        "tenant": tenant,
        "at": at,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    return hasher(canonical_json(document))


@dataclass(frozen=True)
class AuditEvent:
    """One event of a chain, exactly as hashed and stored.

    ``payload`` is a plain JSON-safe dict (``append`` builds it from the canonical JSON, so
    it holds exactly what was hashed); do not mutate it.
    """

    chain: str
    seq: int
    kind: str
    actor: str
    tenant: str
    at: str
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str

    @property
    def head(self) -> tuple[int, str]:
        """The chain head after this event, ``(seq, hash)``: what the case row stores."""
        return (self.seq, self.hash)

    def computed_hash(self, hasher: Hasher = sha256_hex) -> str:
        """The hash of this event's content (equal to ``hash`` unless it was tampered with)."""
        return event_hash(
            self.chain,
            self.seq,
            self.kind,
            self.actor,
            self.tenant,
            self.at,
            self.payload,
            self.prev_hash,
            hasher=hasher,
        )


def utc_timestamp(moment: datetime) -> str:
    """``moment`` (timezone-aware) as the ISO 8601 UTC string events store, e.g.
    ``2026-09-30T08:15:02.123456Z``."""
    if moment.utcoffset() is None:
        raise ValueError("a naive datetime has no defined instant; pass an aware one")
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _check_utc(at: object) -> None:
    if not isinstance(at, str):
        raise TypeError(f"at must be an ISO 8601 string, got {type(at).__name__}")
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        raise ValueError(f"at is not an ISO 8601 timestamp: {at!r}") from None
    if moment.utcoffset() != timedelta(0):
        raise ValueError(f"at must be in UTC (Z or +00:00): {at!r}")


def append(
    chain_head: tuple[int, str] | None,
    *,
    chain: str,
    kind: str,
    actor: str,
    tenant: str,
    at: str,
    payload: Mapping[str, Any],
    hasher: Hasher = sha256_hex,
) -> AuditEvent:
    """The event following ``chain_head`` (``(last seq, last hash)``; ``None``: empty chain).

    The caller stores the event and sets the owner's head to ``event.head`` in the same
    transaction, holding the owner's row lock (so two commands on one case cannot both
    append event #n). Raises ``ValueError`` / ``TypeError`` on a malformed head, an empty
    ``chain`` or ``kind``, an ``at`` that is not an ISO 8601 UTC timestamp, or a payload
    that is not JSON-safe.
    """
    if chain_head is None:
        last_seq, last_hash = 0, GENESIS
    else:
        last_seq, last_hash = chain_head
        if type(last_seq) is not int or last_seq < 1:
            raise ValueError(f"chain head seq must be a positive integer, got {last_seq!r}")
        if not isinstance(last_hash, str) or not last_hash:
            raise ValueError(f"chain head hash must be a hex digest, got {last_hash!r}")
    for name, value in (("chain", chain), ("kind", kind), ("actor", actor), ("tenant", tenant)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if not chain or not kind:
        raise ValueError("chain and kind must not be empty")
    _check_utc(at)
    if not isinstance(payload, Mapping):
        raise TypeError(f"payload must be a mapping, got {type(payload).__name__}")
    # Detached from the caller's object and normalised to what JSON stores (tuples → lists),
    # so the stored payload is exactly the hashed one.
    stored_payload: dict[str, Any] = json.loads(canonical_json(payload))
    seq = last_seq + 1
    digest = event_hash(
        chain, seq, kind, actor, tenant, at, stored_payload, last_hash, hasher=hasher
    )
    return AuditEvent(chain, seq, kind, actor, tenant, at, stored_payload, last_hash, digest)


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class ChainProblem:
    """One problem with a chain. ``seq`` is the event's position (``None``: the chain as a
    whole); ``message`` names the chain, the event and what is wrong."""

    chain: str
    seq: int | None
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code} {self.message}"


_OK, _RENUMBERED, _EDITED, _OUT = "ok", "renumbered", "edited", "out"


def _label(chain: str) -> str:
    if not chain:
        return "chain ?"
    return chain if ":" in chain else f"case {chain}"


def _is_seq(value: object) -> bool:
    return type(value) is int and value >= 1


class _Verifier:
    def __init__(
        self,
        events: Sequence[AuditEvent],
        head: tuple[int, str] | None,
        hasher: Hasher,
        chain: str | None,
    ) -> None:
        self.events = list(events)
        self.head = head
        self.hasher = hasher
        if chain is None:
            counts = Counter(event.chain for event in self.events)
            chain = counts.most_common(1)[0][0] if counts else ""
        self.chain = chain
        self.label = _label(chain)
        self.problems: list[ChainProblem] = []
        # per stored index: status, effective position, its own problem (at most one)
        self.status: list[str] = []
        self.position: list[int] = []
        self.own: dict[int, ChainProblem] = {}
        self.by_hash: dict[str, list[int]] = {}
        self.by_prev: dict[str, list[int]] = {}
        for index, event in enumerate(self.events):
            self.by_hash.setdefault(event.hash, []).append(index)
            self.by_prev.setdefault(event.prev_hash, []).append(index)

    # -- helpers
    def name(self, index: int) -> str:
        event = self.events[index]
        return f"event #{self.position[index]} ({event.kind})"

    def problem(self, seq: int | None, code: str, text: str) -> ChainProblem:
        return ChainProblem(self.chain, seq, code, f"{self.label}: {text}")

    def rehash(self, event: AuditEvent, seq: int) -> str | None:
        try:
            return event_hash(
                event.chain,
                seq,
                event.kind,
                event.actor,
                event.tenant,
                event.at,
                event.payload,
                event.prev_hash,
                hasher=self.hasher,
            )
        except (TypeError, ValueError):  # content no longer JSON-safe: edited
            return None

    def original_seq(self, index: int) -> int | None:
        """The position a renumbered event had: the one at which its hash matches its
        content, among those its neighbours' links (or the head) point to."""
        event = self.events[index]
        candidates: set[int] = set()
        for other in self.by_prev.get(event.hash, ()):
            if other != index and _is_seq(self.events[other].seq):
                candidates.add(self.events[other].seq - 1)
        if self.head is not None and event.hash == self.head[1]:
            candidates.add(self.head[0])
        if event.prev_hash == GENESIS:
            candidates.add(1)
        for other in self.by_hash.get(event.prev_hash, ()):
            if other != index and _is_seq(self.events[other].seq):
                candidates.add(self.events[other].seq + 1)
        for seq in sorted(candidates):
            if _is_seq(seq) and seq != event.seq and self.rehash(event, seq) == event.hash:
                return seq
        return None

    # -- the passes
    def content(self) -> None:
        """Each event's hash against its content: intact, renumbered or edited."""
        for index, event in enumerate(self.events):
            claimed = event.seq
            if self.rehash(event, claimed) == event.hash:
                self.status.append(_OK)
                self.position.append(claimed)
                continue
            original = self.original_seq(index)
            if original is not None:
                self.status.append(_RENUMBERED)
                self.position.append(original)
                self.own[index] = self.problem(
                    original,
                    REORDERED,
                    f"{self.name(index)} was renumbered #{claimed}: its content matches its "
                    f"hash only as event #{original}",
                )
                continue
            self.status.append(_EDITED)
            self.position.append(claimed)
            self.own[index] = self.problem(
                claimed if _is_seq(claimed) else None,
                EDITED,
                f"{self.name(index)} was edited: its hash does not match its content",
            )

    def membership(self) -> None:
        """Intact events of another chain, or at no valid position, do not belong."""
        for index, event in enumerate(self.events):
            if self.status[index] == _EDITED:
                if not _is_seq(self.position[index]):
                    self.status[index] = _OUT
                continue
            if event.chain != self.chain:
                self.status[index] = _OUT
                self.own[index] = self.problem(
                    self.position[index] if _is_seq(self.position[index]) else None,
                    INSERTED,
                    f"{self.name(index)} belongs to chain {event.chain!r}",
                )
            elif not _is_seq(self.position[index]):
                self.status[index] = _OUT
                self.own[index] = self.problem(
                    None, INSERTED, f"{self.name(index)} has no valid position in the chain"
                )

    def sound(self, index: int) -> bool:
        return self.status[index] in (_OK, _RENUMBERED)

    def choose(self) -> dict[int, int]:
        """One event per position; any other claiming that position was inserted."""
        groups: dict[int, list[int]] = {}
        for index in range(len(self.events)):
            if self.status[index] != _OUT:
                groups.setdefault(self.position[index], []).append(index)
        chosen: dict[int, int] = {}
        for seq, members in groups.items():
            if len(members) == 1:
                chosen[seq] = members[0]
                continue

            def score(index: int, seq: int = seq) -> tuple[bool, bool, bool, int]:
                event = self.events[index]
                linked_by_next = any(
                    self.events[other].prev_hash == event.hash for other in groups.get(seq + 1, ())
                ) or (self.head is not None and self.head == (seq, event.hash))
                links_back = (
                    event.prev_hash == GENESIS
                    if seq == 1
                    else any(
                        self.events[other].hash == event.prev_hash
                        for other in groups.get(seq - 1, ())
                    )
                )
                return (self.sound(index), linked_by_next, links_back, -index)

            genuine = max(members, key=score)
            chosen[seq] = genuine
            for index in members:
                if index == genuine:
                    continue
                copy = self.events[index].hash == self.events[genuine].hash
                why = (
                    "a copy of it"
                    if copy
                    else "its hash does not match its content either"
                    if self.status[index] == _EDITED
                    else "not linked into the chain"
                )
                self.status[index] = _OUT
                self.own[index] = self.problem(
                    seq,
                    INSERTED,
                    f"{self.name(index)} was inserted: a second event #{seq} beside "
                    f"{self.name(genuine)}, {why}",
                )
        return dict(sorted(chosen.items()))

    def against_head(self, chosen: dict[int, int]) -> int:
        """Events beyond the head, and the head of an empty chain; returns the count."""
        if self.head is None:
            if chosen:
                self.problems.append(
                    self.problem(
                        None,
                        HEAD_MISMATCH,
                        f"the chain head records no events, but {len(self.events)} are stored",
                    )
                )
            return max(chosen, default=0)
        count, last = self.head
        if count == 0 and last != GENESIS:
            self.problems.append(
                self.problem(None, HEAD_MISMATCH, "the chain head of an empty chain is not genesis")
            )
        for seq in [seq for seq in chosen if seq > count]:
            index = chosen.pop(seq)
            self.status[index] = _OUT
            self.own.setdefault(
                index,
                self.problem(
                    seq,
                    INSERTED,
                    f"{self.name(index)} was inserted beyond the chain head, "
                    f"which records {count} events",
                ),
            )
        return count

    def deletions(self, chosen: dict[int, int], count: int) -> None:
        seq = 1
        while seq <= count:
            if seq in chosen:
                seq += 1
                continue
            end = seq
            while end + 1 <= count and end + 1 not in chosen:
                end += 1
            what = f"event #{seq} was" if end == seq else f"events #{seq}–#{end} were"
            tail = (
                f" (after the last stored event; the chain head records {count} events)"
                if end == count and self.head is not None
                else ""
            )
            self.problems.append(self.problem(seq, DELETED, f"{what} deleted{tail}"))
            seq = end + 1

    def links(self, chosen: dict[int, int], count: int) -> None:
        """``prev_hash`` links between intact neighbours, and the last event vs the head."""
        broken: set[int] = set()
        for seq, index in chosen.items():
            if not self.sound(index):
                continue
            if seq == 1:
                expected = GENESIS
            elif seq - 1 in chosen and self.sound(chosen[seq - 1]):
                expected = self.events[chosen[seq - 1]].hash
            else:
                continue
            if self.events[index].prev_hash != expected:
                broken.add(seq)
        head_broken = (
            self.head is not None
            and count in chosen
            and self.sound(chosen[count])
            and self.events[chosen[count]].hash != self.head[1]
        )
        explained: set[int] = set()
        for seq in sorted(broken):
            if seq in explained:
                continue
            index = chosen[seq]
            if seq + 1 in broken or (seq == count and head_broken):
                # neither linked to its predecessor nor by its successor: a stranger
                after = (
                    f"event #{seq + 1} does not link to it"
                    if seq + 1 in broken
                    else "it is not the last event the chain head records"
                )
                self.own[index] = self.problem(
                    seq,
                    INSERTED,
                    f"{self.name(index)} is forged or replaced: it does not link to "
                    f"{'genesis' if seq == 1 else f'event #{seq - 1}'}, and {after}",
                )
                explained.add(seq + 1)
                if seq == count:
                    head_broken = False
            elif seq == 1:
                self.own[index] = self.problem(
                    1,
                    EDITED,
                    f"{self.name(index)} was rewritten: it does not link to genesis",
                )
            else:
                before = chosen[seq - 1]
                self.own[before] = self.problem(
                    seq - 1,
                    EDITED,
                    f"{self.name(before)} was rewritten with a recomputed hash: "
                    f"{self.name(index)} still links to its former hash",
                )
        if head_broken:
            index = chosen[count]
            self.problems.append(
                self.problem(
                    count,
                    HEAD_MISMATCH,
                    f"{self.name(index)} is not the last event the chain head records: its "
                    "hash differs (rewritten with a recomputed hash, or replaced)",
                )
            )

    def storage_order(self, chosen: dict[int, int]) -> None:
        """Events stored out of their order: those off a longest increasing run."""
        indices = sorted(chosen.values())
        values = [self.position[index] for index in indices]
        keep = _longest_increasing(values)
        if len(keep) == len(values):
            return
        n = len(values)
        prefix_max: list[int] = []  # position (in ``values``) of the largest before k
        best = -1
        for k in range(n):
            prefix_max.append(best)
            if best < 0 or values[k] > values[best]:
                best = k
        suffix_min: list[int] = [-1] * n  # position of the smallest after k
        best = -1
        for k in range(n - 1, -1, -1):
            suffix_min[k] = best
            if best < 0 or values[k] < values[best]:
                best = k
        for k in range(n):
            if k in keep:
                continue
            if k > 0 and values[k - 1] > values[k]:
                where = f"after {self.name(indices[k - 1])}"
            elif k + 1 < n and values[k + 1] < values[k]:
                where = f"before {self.name(indices[k + 1])}"
            elif prefix_max[k] >= 0 and values[prefix_max[k]] > values[k]:
                where = f"after {self.name(indices[prefix_max[k]])}"
            else:
                where = f"before {self.name(indices[suffix_min[k]])}"
            self.problems.append(
                self.problem(
                    values[k],
                    REORDERED,
                    f"{self.name(indices[k])} is stored out of order: {where}",
                )
            )

    def run(self) -> list[ChainProblem]:
        self.content()
        self.membership()
        chosen = self.choose()
        count = self.against_head(chosen)
        self.deletions(chosen, count)
        self.links(chosen, count)
        self.storage_order(chosen)
        problems = [*self.own.values(), *self.problems]
        return sorted(
            problems,
            key=lambda p: (p.seq is None, p.seq or 0, p.code, p.message),
        )


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Positions of a longest strictly increasing subsequence of distinct ``values``.

    Among the longest, one keeping the most values already at their own rank (so a swap of
    two events names those two, not a bystander). O(n log n): a Fenwick tree of prefix
    maxima over the values' ranks.
    """
    n = len(values)
    rank = {value: r for r, value in enumerate(sorted(values))}
    tree: list[tuple[int, int, int]] = [(0, 0, -1)] * (n + 1)  # (length, in place, position)
    parent = [-1] * n
    best: tuple[int, int, int] = (0, 0, -1)
    for k, value in enumerate(values):
        r = rank[value]
        found: tuple[int, int, int] = (0, 0, -1)
        i = r  # prefix maximum over ranks < r (tree indices 1..r)
        while i > 0:
            found = max(found, tree[i])
            i -= i & -i
        parent[k] = found[2]
        entry = (found[0] + 1, found[1] + (r == k), k)
        best = max(best, entry)
        i = r + 1
        while i <= n:
            tree[i] = max(tree[i], entry)
            i += i & -i
    keep: set[int] = set()
    k = best[2]
    while k >= 0:
        keep.add(k)
        k = parent[k]
    return keep


def verify_chain(
    events: Sequence[AuditEvent],
    *,
    head: tuple[int, str] | None,
    hasher: Hasher = sha256_hex,
    chain: str | None = None,
) -> list[ChainProblem]:
    """Every problem with one chain; ``[]`` when it is intact.

    ``events`` are the chain's events as stored, in storage order (e.g. by row id), not
    sorted by ``seq``. ``head`` is the ``(count, last hash)`` stored by the chain's owner;
    ``None`` means the owner records no events. ``chain`` names the chain (default: the
    chain most events name — pass it when there may be none).

    Problems, sorted by position:

    - ``EDITED``: an event's hash does not match its content; or an event was rewritten
      with a recomputed hash, which its successor's ``prev_hash`` still contradicts;
    - ``DELETED``: positions missing from 1 to the head's count (the last included);
    - ``REORDERED``: an event stored out of order, or renumbered (its content matches its
      hash only at another position — e.g. two ``seq``\\ s swapped);
    - ``INSERTED``: a second event at a taken position, an event beyond the head, of
      another chain, or intact but linked neither to its predecessor nor by its successor;
    - ``HEAD_MISMATCH``: the last event is not the one the head records, or events are
      stored for a chain whose head records none.
    """
    return _Verifier(events, head, hasher, chain).run()
