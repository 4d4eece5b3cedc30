"""In-app notifications (the bell), one row per recipient and event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hrtele.models.base import Base, utcnow


class Notification(Base):
    """Something that concerns a user; ``key`` makes each event notify each user once."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),
        Index("ix_notifications_user_unread", "user_id", "read_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    created_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    emailed_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
