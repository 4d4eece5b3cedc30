"""Telework places: the employee's home or a third place (télécentre, coworking)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrtele.models.base import Base, TimestampMixin, VersionedMixin
from hrtele.models.employee import Employee

PLACE_KINDS = ("home", "third_place")


class Place(Base, TimestampMixin, VersionedMixin):
    """Where telework happens."""

    __tablename__ = "places"
    __table_args__ = (
        CheckConstraint("kind IN ('home', 'third_place')", name="kind_known"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    third_place_type: Mapped[str] = mapped_column(String(30), default="")  # télécentre, coworking
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id"), nullable=True, index=True
    )

    employee: Mapped[Employee | None] = relationship()
