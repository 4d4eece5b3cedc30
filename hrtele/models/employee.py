"""Employees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrtele.domain.pattern import (
    SLOTS_PER_WEEK,
    STANDARD_WORKING_WEEK,
    describe_working_week,
    is_valid_working_week,
)
from hrtele.models.base import Base, TimestampMixin, VersionedMixin
from hrtele.models.organisation import Category
from hrtele.models.post import Post


class Employee(Base, TimestampMixin, VersionedMixin):
    """An employee of the employer."""

    __tablename__ = "employees"
    __table_args__ = (
        CheckConstraint(
            "working_time_rate > 0 AND working_time_rate <= 100", name="working_time_rate_range"
        ),
        CheckConstraint("commute_km >= 0", name="commute_km_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    personnel_number: Mapped[str] = mapped_column(String(30), unique=True)
    civility: Mapped[str] = mapped_column(String(10), default="")
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), nullable=True, index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id"), nullable=True, index=True
    )
    hire_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    contract_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    working_time_rate: Mapped[int] = mapped_column(Integer, default=100)
    # Half-days worked under the contract, Monday AM first ('1' worked): see domain.pattern.
    working_pattern: Mapped[str] = mapped_column(
        String(SLOTS_PER_WEEK), default=STANDARD_WORKING_WEEK
    )
    # Daily working hours (« 8 h 30 – 12 h 30 et 13 h 30 – 17 h 30 »); empty: the policy's.
    working_hours: Mapped[str] = mapped_column(Text, default="")
    home_address: Mapped[str] = mapped_column(Text, default="")
    commute_km: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal("0"))
    commute_mode: Mapped[str] = mapped_column(String(20), default="voiture")
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id"), nullable=True, index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    post: Mapped[Post | None] = relationship()
    category: Mapped[Category | None] = relationship()
    manager: Mapped[Employee | None] = relationship(remote_side=[id])

    @property
    def working_week_text(self) -> str:
        """French description of the working week (« du lundi au vendredi »)."""
        if not is_valid_working_week(self.working_pattern):
            return "non renseignée"
        return describe_working_week(self.working_pattern)

    @property
    def full_name(self) -> str:
        """First name then last name in capitals, as French HR documents print it."""
        return f"{self.first_name} {self.last_name.upper()}"
