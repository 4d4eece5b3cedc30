"""Issued documents: immutable PDF bytes with their hash and data snapshot."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrtele.domain.document_kinds import DOCUMENT_KIND_CODES
from hrtele.models.base import Base, sql_in, utcnow
from hrtele.models.employee import Employee

#: Every kind of issued document (the domain registry; the constraint below lists the same).
DOCUMENT_KINDS = DOCUMENT_KIND_CODES


class IssuedDocument(Base):
    """A generated document as issued; its bytes never change (a DB trigger enforces it)."""

    __tablename__ = "issued_documents"
    __table_args__ = (
        UniqueConstraint("employee_id", "kind", "version", name="uq_issued_documents_version"),
        CheckConstraint(f"kind IN {sql_in(DOCUMENT_KIND_CODES)}", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id"), nullable=True, index=True
    )
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id"), nullable=True, index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("telework_requests.id"), nullable=True, index=True
    )
    pdf_bytes: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    snapshot_json: Mapped[str] = mapped_column(Text)
    template_version: Mapped[str] = mapped_column(String(40))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    issued_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Mutable bookkeeping, kept apart from the immutable columns above.
    is_superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledged_dt: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )

    employee: Mapped[Employee | None] = relationship()


class SignedScan(Base):
    """The signed scan attached by HR to an issued document (PDF only)."""

    __tablename__ = "signed_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("issued_documents.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    pdf_bytes: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    uploaded_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PaperAmendment(Base):
    """An amendment signed on paper before the app (imported agreements), recorded by HR.

    Rows are only ever added: a correction is a new row and the latest one counts, so a notice
    issued earlier keeps pointing at what it printed. The optional scan is stored like a
    signed scan (PDF bytes checked on upload, SHA-256 re-checked on download).
    """

    __tablename__ = "paper_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    signed_date: Mapped[date] = mapped_column(Date)
    filename: Mapped[str | None] = mapped_column(String(200), nullable=True)
    pdf_bytes: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    recorded_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def has_scan(self) -> bool:
        """A scan of the signed paper amendment was uploaded."""
        return self.sha256 is not None
