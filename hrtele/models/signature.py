"""Electronic signature circuit of an issued document and the evidence of each signature.

Both tables are append-only (database triggers, migration i14_signatures): a circuit is
never edited nor cancelled (a superseded document simply leaves it unfinished), and each
signature adds one evidence row holding the signed PDF it produced. The state of a circuit is
derived from these rows (hrtele.domain.signing), so nothing in them ever needs an UPDATE.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hrtele.models.base import Base, utcnow


class SignatureRequest(Base):
    """The electronic signature circuit opened by HR for one issued document."""

    __tablename__ = "signature_requests"
    __table_args__ = (
        CheckConstraint(
            "signing_order IN ('employee_first', 'employer_first')", name="order_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("issued_documents.id"), unique=True)
    # The employer's order when the circuit opened, and the resulting steps
    # ("employee,employer"): a later policy change does not reorder a running circuit.
    signing_order: Mapped[str] = mapped_column(String(20))
    steps: Mapped[str] = mapped_column(String(40))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    requested_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def step_roles(self) -> tuple[str, ...]:
        """The ordered roles of the circuit."""
        return tuple(role for role in self.steps.split(",") if role)


class SignatureEvidence(Base):
    """One electronic signature of a document: who, when, how authenticated, what was signed.

    ``signed_sha256`` is the SHA-256 of the PDF bytes the signer was shown and signed (the
    issued file, or the previous signed revision); ``pdf_bytes`` is the PDF after this
    signature, an incremental update that keeps those bytes intact at its start.
    """

    __tablename__ = "signature_evidences"
    __table_args__ = (
        UniqueConstraint("document_id", "sequence", name="uq_signature_evidences_sequence"),
        UniqueConstraint("document_id", "role", name="uq_signature_evidences_role"),
        CheckConstraint("role IN ('employee', 'employer')", name="role_known"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("issued_documents.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("signature_requests.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(10))
    signer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_email: Mapped[str] = mapped_column(String(254))
    signer_quality: Mapped[str] = mapped_column(String(300))
    auth_method: Mapped[str] = mapped_column(String(20))
    auth_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    signed_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    signed_sha256: Mapped[str] = mapped_column(String(64))
    field_name: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    certificate_subject: Mapped[str] = mapped_column(String(500))
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    evidence_json: Mapped[str] = mapped_column(Text)
    pdf_bytes: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    created_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
