"""Hash chain of the audit trail: each entry seals the previous one.

At flush time (a SQLAlchemy ``before_flush`` hook, so every writer of AuditEntry is covered)
the new entries get the next ``seq`` numbers, the previous entry's hash and their own hash;
the single ``audit_chain_head`` row is locked and moved forward in the same transaction, so
concurrent writers (several workers, several instances) are ordered and never fork the
chain. ``verify_chain`` walks the whole trail and reports every break.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from hrtele.models import AuditChainHead, AuditEntry

GENESIS = "0" * 64
HEAD_ID = 1
_order = count()


def mark_new(entry: AuditEntry) -> None:
    """Remember the order in which entries were recorded (flush order inside one request)."""
    entry._chain_order = next(_order)  # type: ignore[attr-defined]


def _instant(dt: datetime | None) -> str:
    if dt is None:
        return ""
    if dt.tzinfo is None:  # SQLite hands back naive UTC
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_digest(entry: AuditEntry, seq: int, prev_hash: str) -> str:
    """SHA-256 of the entry's content, its number and the previous entry's hash."""
    payload = json.dumps(
        [seq, prev_hash, _instant(entry.at_dt), entry.actor_id, entry.actor_label or "",
         entry.action, entry.object_type, entry.object_id, entry.changes_json or "{}",
         entry.ip or ""],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@event.listens_for(Session, "before_flush")
def _seal_new_entries(session: Session, _context, _instances) -> None:
    entries = [o for o in session.new if isinstance(o, AuditEntry) and o.entry_hash is None]
    if not entries:
        return
    entries.sort(key=lambda e: getattr(e, "_chain_order", 0))
    conn = session.connection()
    head = AuditChainHead.__table__
    row = conn.execute(
        select(head.c.seq, head.c.entry_hash).where(head.c.id == HEAD_ID).with_for_update()
    ).one_or_none()
    if row is None:  # a database emptied by hand (tests): the chain starts again
        conn.execute(head.insert().values(id=HEAD_ID, seq=0, entry_hash=GENESIS))
        seq, prev = 0, GENESIS
    else:
        seq, prev = row.seq, row.entry_hash
    for entry in entries:
        if entry.at_dt is None:  # the column default would only be applied after hashing
            entry.at_dt = datetime.now(UTC)
        seq += 1
        entry.seq = seq
        entry.prev_hash = prev
        entry.entry_hash = entry_digest(entry, seq, prev)
        prev = entry.entry_hash
    conn.execute(update(head).where(head.c.id == HEAD_ID).values(seq=seq, entry_hash=prev))


@dataclass(frozen=True)
class ChainReport:
    """What the walk of the chain found."""

    entries: int
    head_seq: int
    head_hash: str
    problems: list[str]


def _rows(session: Session) -> Iterator[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=2000)
    yield from session.scalars(stmt)


def anchors(session: Session) -> dict[int, str]:
    """{first kept seq: its prev_hash} declared by retention purges of the trail."""
    out: dict[int, str] = {}
    for changes in session.scalars(
        select(AuditEntry.changes_json).where(AuditEntry.action == "audit_purged")
    ):
        try:
            data = json.loads(changes)
            out[int(data["first_seq"])] = str(data["anchor"])
        except (ValueError, KeyError, TypeError):
            continue
    return out


def verify_chain(session: Session) -> ChainReport:
    """Walk every entry in order: numbering, links, hashes and the head."""
    problems: list[str] = []
    known_anchors = anchors(session)
    expected_seq: int | None = None
    prev = GENESIS
    n = 0
    for entry in _rows(session):
        n += 1
        if expected_seq is None:
            if entry.seq != 1 and known_anchors.get(entry.seq) != entry.prev_hash:
                problems.append(
                    f"journal : le premier maillon est le n° {entry.seq} alors que la chaîne "
                    "commence au n° 1 (entrées supprimées sans purge déclarée)"
                )
            prev = entry.prev_hash if entry.seq != 1 else GENESIS
            expected_seq = entry.seq
        if entry.seq != expected_seq:
            problems.append(
                f"journal : entrées n° {expected_seq} à {entry.seq - 1} manquantes "
                f"(avant l'entrée id {entry.id})"
            )
        elif entry.prev_hash != prev:
            problems.append(f"journal : l'entrée n° {entry.seq} (id {entry.id}) ne suit pas "
                            "l'entrée précédente (maillon rompu)")
        if entry_digest(entry, entry.seq, entry.prev_hash) != entry.entry_hash:
            problems.append(f"journal : l'entrée n° {entry.seq} (id {entry.id}) a été modifiée "
                            "(empreinte différente)")
        prev = entry.entry_hash
        expected_seq = entry.seq + 1
    head = session.get(AuditChainHead, HEAD_ID)
    head_seq = head.seq if head else 0
    head_hash = head.entry_hash if head else GENESIS
    last_seq = (expected_seq or 1) - 1
    if head is not None and (head_seq != last_seq or (n and head_hash != prev)):
        problems.append(
            f"journal : la tête de chaîne indique l'entrée n° {head_seq} mais la dernière "
            f"entrée présente est la n° {last_seq} (entrées finales supprimées ?)"
        )
    return ChainReport(entries=n, head_seq=head_seq, head_hash=head_hash, problems=problems)
