"""Planning: teams with their on-site minimum, one-off day changes, calendar feed tokens."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrtele.models.base import Base, TimestampMixin, VersionedMixin, utcnow
from hrtele.models.employee import Employee

DAY_CHANGE_KINDS = ("move", "cancel")
DAY_CHANGE_STATUSES = ("pending", "approved", "refused", "withdrawn")
HALVES = ("day", "am", "pm")
FEED_SCOPES = ("personal", "team")


class Team(Base, TimestampMixin, VersionedMixin):
    """A working team; HR sets how many of its members must be on site each half-day."""

    __tablename__ = "teams"
    __table_args__ = (CheckConstraint("min_on_site >= 0", name="min_on_site_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    department: Mapped[str] = mapped_column(String(200), default="")
    min_on_site: Mapped[int] = mapped_column(Integer, default=0)


class DayChange(Base, TimestampMixin, VersionedMixin):
    """A one-off change asked by the employee: move a telework day (or half-day), or cancel it."""

    __tablename__ = "day_changes"
    __table_args__ = (
        CheckConstraint("kind IN ('move', 'cancel')", name="kind_known"),
        CheckConstraint(
            "status IN ('pending', 'approved', 'refused', 'withdrawn')", name="status_known"
        ),
        CheckConstraint("half IN ('day', 'am', 'pm')", name="half_known"),
        CheckConstraint("kind = 'cancel' OR to_date IS NOT NULL", name="move_has_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    half: Mapped[str] = mapped_column(String(3), default="day")
    from_date: Mapped[date] = mapped_column(Date, index=True)
    to_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    motive: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    employee: Mapped[Employee] = relationship()


class CalendarFeed(Base):
    """A secret calendar address (ICS); only the SHA-256 of its token is stored."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (CheckConstraint("scope IN ('personal', 'team')", name="scope_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(10))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
