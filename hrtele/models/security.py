"""Log-in security records: throttling counters, TOTP second factor, recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hrtele.models.base import Base, utcnow


class RateLimitCounter(Base):
    """One throttling counter (fixed window) shared by every worker (hrtele-db:// storage)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the key
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # POSIX seconds


class UserTotp(Base):
    """The TOTP secret of an account (RFC 6238); confirmed once a first code was typed."""

    __tablename__ = "user_totp"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(String(64))
    confirmed_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Last 30-second step accepted: a code is never accepted twice (replay).
    last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RecoveryCode(Base):
    """A one-time recovery code of the second factor (only its SHA-256 is stored)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
