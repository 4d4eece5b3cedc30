"""The employee's voluntary written telework request and HR's decision."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrtele.domain.pattern import EMPTY_PATTERN, SLOTS_PER_WEEK
from hrtele.models.base import Base, TimestampMixin, VersionedMixin
from hrtele.models.employee import Employee
from hrtele.models.place import Place
from hrtele.models.refusal_reason import RefusalReason

REQUEST_STATUSES = ("pending", "accepted", "refused", "withdrawn")


class TeleworkRequest(Base, TimestampMixin, VersionedMixin):
    """A request for telework ("demande de télétravail")."""

    __tablename__ = "telework_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'accepted', 'refused', 'withdrawn')", name="status_known"
        ),
        CheckConstraint("initiative IN ('employee', 'employer')", name="initiative_known"),
        CheckConstraint("wished_days > 0 AND wished_days <= 7", name="wished_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    request_date: Mapped[date] = mapped_column(Date)
    initiative: Mapped[str] = mapped_column(String(10), default="employee")
    wished_days: Mapped[Decimal] = mapped_column(Numeric(3, 1))
    # Same encoding as Agreement.weekly_pattern ('1' at place_id, '2' at second_place_id).
    wished_pattern: Mapped[str] = mapped_column(String(SLOTS_PER_WEEK), default=EMPTY_PATTERN)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), nullable=True)
    second_place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), nullable=True)
    motive: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    # Free text of the refusal; the catalogue reason is refusal_reason_id (None before i13).
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    refusal_reason_id: Mapped[int | None] = mapped_column(
        ForeignKey("refusal_reasons.id"), nullable=True, index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    employee: Mapped[Employee] = relationship()
    place: Mapped[Place | None] = relationship(foreign_keys=[place_id])
    second_place: Mapped[Place | None] = relationship(foreign_keys=[second_place_id])
    # Joined: lists show the label without one query per row (many-to-one, tiny table).
    catalogue_reason: Mapped[RefusalReason | None] = relationship(lazy="joined")

    @property
    def refusal_reason_label(self) -> str | None:
        """Label of the catalogue reason of a refusal (None when none was chosen)."""
        return self.catalogue_reason.label if self.catalogue_reason is not None else None
