"""URSSAF ceilings (editable table) and closed monthly payroll exports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hrtele.models.base import Base, TimestampMixin, VersionedMixin, utcnow


class UrssafCeiling(Base, TimestampMixin, VersionedMixin):
    """Exemption ceiling of the flat telework allowance for a period."""

    __tablename__ = "urssaf_ceilings"

    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(Date, unique=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    per_weekly_day_monthly: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    per_day: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    monthly_cap: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")


class PayrollExport(Base):
    """A closed month's payroll CSV, stored once and served unchanged afterwards."""

    __tablename__ = "payroll_exports"
    __table_args__ = (UniqueConstraint("year", "month", name="uq_payroll_exports_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    csv_bytes: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    closed_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
