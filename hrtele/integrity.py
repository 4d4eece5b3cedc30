"""Stored bytes and their SHA-256: checked at every download and by ``flask verify-store``.

Every table that keeps bytes with their hash is listed in HASHED_TABLES (issue 14: add the
signatures table there). ``verified()`` is what a download calls before serving bytes; a
mismatch raises IntegrityFailure, which the web layer turns into a refusal (nothing is
served) plus an audit entry and an error log.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class HashedTable:
    """A table storing bytes with their SHA-256 (and optionally their size)."""

    name: str
    label: str  # French, for reports
    data_column: str
    hash_column: str = "sha256"
    size_column: str | None = "size"


HASHED_TABLES: tuple[HashedTable, ...] = (
    HashedTable("issued_documents", "document émis", "pdf_bytes"),
    HashedTable("signed_scans", "scan signé", "pdf_bytes"),
    HashedTable("payroll_exports", "export de paie", "csv_bytes", size_column=None),
    HashedTable("signature_evidences", "PDF signé", "pdf_bytes", hash_column="pdf_sha256"),
)


class IntegrityFailure(Exception):
    """Stored bytes no longer match their recorded SHA-256."""

    def __init__(self, object_type: str, object_id: int | None):
        super().__init__(f"{object_type} {object_id}: stored bytes do not match their SHA-256")
        self.object_type = object_type
        self.object_id = object_id


def matches(data: bytes | None, sha256: str, size: int | None = None) -> bool:
    """True when data has this SHA-256 (and this size, when given)."""
    data = data or b""
    if size is not None and len(data) != size:
        return False
    return hashlib.sha256(data).hexdigest() == sha256


def verified(data: bytes | None, sha256: str, *, size: int | None = None,
             object_type: str = "", object_id: int | None = None) -> bytes:
    """The bytes, once checked against their stored hash; IntegrityFailure otherwise."""
    if not matches(data, sha256, size):
        raise IntegrityFailure(object_type, object_id)
    return data or b""


@dataclass
class StoreReport:
    """Result of a full verification."""

    checked: dict[str, int] = field(default_factory=dict)
    audit_entries: int = 0
    audit_head: tuple[int, str] = (0, "")
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_store(session: Session) -> StoreReport:
    """Check every stored file against its hash and walk the audit chain."""
    from hrtele.audit.chain import verify_chain

    report = StoreReport()
    conn = session.connection()
    for spec in HASHED_TABLES:
        table = sa.table(spec.name, sa.column("id"), sa.column(spec.data_column),
                         sa.column(spec.hash_column),
                         *( [sa.column(spec.size_column)] if spec.size_column else []))
        n = 0
        result = conn.execution_options(yield_per=200).execute(sa.select(table).order_by(table.c.id))
        for row in result:
            n += 1
            size = getattr(row, spec.size_column) if spec.size_column else None
            if not matches(getattr(row, spec.data_column), getattr(row, spec.hash_column), size):
                report.problems.append(
                    f"{spec.label} id {row.id} ({spec.name}) : le contenu ne correspond plus "
                    "à son empreinte SHA-256 enregistrée"
                )
        report.checked[spec.name] = n
    chain = verify_chain(session)
    report.audit_entries = chain.entries
    report.audit_head = (chain.head_seq, chain.head_hash)
    report.problems += chain.problems
    return report
