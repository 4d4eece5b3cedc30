"""API tokens of named integrations (HR information system, payroll tool)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hrtele.models.base import Base, TimestampMixin, VersionedMixin


class ApiToken(Base, TimestampMixin, VersionedMixin):
    """A bearer token of one integration; only its SHA-256 is stored (shown once at creation)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[str] = mapped_column(String(100))  # space-separated, sorted: "payroll read"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(16))  # shown to tell tokens apart
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    last_used_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_ip: Mapped[str] = mapped_column(String(45), default="")
    revoked_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    @property
    def scope_set(self) -> frozenset[str]:
        """The token's scopes as a set."""
        return frozenset((self.scopes or "").split())

    @property
    def is_revoked(self) -> bool:
        """True once an admin revoked the token."""
        return self.revoked_dt is not None
