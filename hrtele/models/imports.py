"""CSV import batches from the HR system: the uploaded file kept server-side between preview and apply."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hrtele.models.base import Base, utcnow

IMPORT_KINDS = ("employees", "posts")


class ImportBatch(Base):
    """One uploaded CSV file: previewed (dry run), then applied once.

    The file content stays here between the preview and the apply step, so the apply never
    trusts data sent back by the browser; it re-parses these very bytes (checked against
    ``sha256``). The content is wiped once the batch is applied or abandoned (personal data).
    """

    __tablename__ = "import_batches"
    __table_args__ = (CheckConstraint("kind IN ('employees', 'posts')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), nullable=True, index=True
    )
    created_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    applied_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    result_json: Mapped[str] = mapped_column(Text, default="")
