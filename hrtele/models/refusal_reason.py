"""The catalogue of refusal reasons HR chooses from when refusing a request."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hrtele.models.base import Base, TimestampMixin, VersionedMixin


class RefusalReason(Base, TimestampMixin, VersionedMixin):
    """One reason of the catalogue (« motif de refus »); deactivated rather than deleted once used."""

    __tablename__ = "refusal_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Seeded reasons keep a stable code (e.g. "other"); reasons HR adds have none.
    code: Mapped[str | None] = mapped_column(String(30), unique=True, nullable=True)
    label: Mapped[str] = mapped_column(String(120), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
