"""Derived results computed once per data change: the data version, cached results, and the
stored lines of a month's allowances (served a page at a time)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hrtele.models.base import Base, utcnow


class DataVersion(Base):
    """One row: a counter bumped by every transaction that changes business data."""

    __tablename__ = "data_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class DerivedResult(Base):
    """A computed result (to-do, observatory, a month's allowances) and the data version it saw."""

    __tablename__ = "derived_results"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    data_version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    computed_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AllowanceLine(Base):
    """One employee's row of a month's allowances, as last computed (page by page display)."""

    __tablename__ = "allowance_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    month_key: Mapped[str] = mapped_column(String(7))
    position: Mapped[int] = mapped_column(Integer)
    data_version: Mapped[int] = mapped_column(Integer)
    employee_id: Mapped[int] = mapped_column(Integer)
    personnel_number: Mapped[str] = mapped_column(String(30))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    references: Mapped[str] = mapped_column(Text, default="[]")
    agreement_ids: Mapped[str] = mapped_column(Text, default="[]")
    schemes: Mapped[str] = mapped_column(Text, default="[]")
    days: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    exempt: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    excess: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    ceiling_label: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="[]")
