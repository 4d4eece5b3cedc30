"""Employer, establishments, categories and the employer's telework policy."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrtele.models.base import Base, TimestampMixin, VersionedMixin

DEFAULT_LEGAL_FRAME = "loi n° 2012-387 du 22 mars 2012 + ANI du 19 juillet 2005"


class Employer(Base, TimestampMixin, VersionedMixin):
    """The employer running the telework scheme."""

    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str] = mapped_column(String(14), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    representative_title: Mapped[str] = mapped_column(String(200), default="")
    it_charter_ref: Mapped[str] = mapped_column(String(200), default="")

    establishments: Mapped[list[Establishment]] = relationship(back_populates="employer")
    policy: Mapped[Policy | None] = relationship(back_populates="employer", uselist=False)


class Establishment(Base, TimestampMixin, VersionedMixin):
    """A site of the employer (where non-telework days are worked)."""

    __tablename__ = "establishments"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")

    employer: Mapped[Employer] = relationship(back_populates="establishments")


class Category(Base, TimestampMixin, VersionedMixin):
    """Configurable staff category (A/B/C, cadre / non-cadre ...)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    label: Mapped[str] = mapped_column(String(100))


class Policy(Base, TimestampMixin, VersionedMixin):
    """The employer's telework policy: caps, delays and allowance defaults."""

    __tablename__ = "policies"
    __table_args__ = (
        CheckConstraint("max_days_per_week >= 0 AND max_days_per_week <= 7", name="max_days_range"),
        CheckConstraint("allowance_amount >= 0", name="allowance_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), unique=True)
    legal_frame: Mapped[str] = mapped_column(String(200), default=DEFAULT_LEGAL_FRAME)
    max_days_per_week: Mapped[Decimal] = mapped_column(Numeric(3, 1), default=Decimal("2"))
    half_days_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    min_onsite_days_per_week: Mapped[Decimal] = mapped_column(Numeric(3, 1), default=Decimal("3"))
    seniority_months: Mapped[int] = mapped_column(Integer, default=0)
    min_working_time_rate: Mapped[int] = mapped_column(Integer, default=0)
    adaptation_months: Mapped[int] = mapped_column(Integer, default=3)
    notice_days_during_adaptation: Mapped[int] = mapped_column(Integer, default=15)
    notice_days_after_adaptation: Mapped[int] = mapped_column(Integer, default=30)
    default_contact_slots: Mapped[str] = mapped_column(
        Text, default="9 h 30 – 12 h 00 et 14 h 00 – 16 h 30"
    )
    # Usual daily working hours; contact slots must fall within them (L3131-1 daily rest).
    default_working_hours: Mapped[str] = mapped_column(
        Text, default="8 h 30 – 12 h 30 et 13 h 30 – 17 h 30"
    )
    # Costs the employer covers in kind for every teleworker (C. trav. L1222-10 1°, 2012).
    costs_coverage: Mapped[str] = mapped_column(Text, default="")
    # Reversibility clause proposed for new agreements ('notice' or 'mutual').
    reversibility_clause: Mapped[str] = mapped_column(String(10), default="notice")
    default_time_control: Mapped[str] = mapped_column(
        Text, default="Auto-déclaration hebdomadaire des horaires, validée par le responsable"
    )
    allowance_scheme: Mapped[str] = mapped_column(String(20), default="per_weekly_day")
    allowance_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("10.00"))
    allowance_monthly_cap: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    insurance_required: Mapped[bool] = mapped_column(Boolean, default=True)
    electrical_statement_required: Mapped[bool] = mapped_column(Boolean, default=True)
    # Electronic signature of the amendment: who signs first (hrtele.domain.signing.ORDERS).
    signature_order: Mapped[str] = mapped_column(
        String(20), default="employee_first", server_default="employee_first"
    )

    employer: Mapped[Employer] = relationship(back_populates="policy")
