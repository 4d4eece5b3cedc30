"""Posts and whether they can be done remotely."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrtele.models.base import Base, TimestampMixin, VersionedMixin
from hrtele.models.organisation import Category, Establishment


class Post(Base, TimestampMixin, VersionedMixin):
    """A post ("poste"), eligible to telework or not."""

    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint(
            "max_days_per_week IS NULL OR (max_days_per_week >= 0 AND max_days_per_week <= 7)",
            name="max_days_range",
        ),
        CheckConstraint("headcount >= 0", name="headcount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200), default="", index=True)
    establishment_id: Mapped[int | None] = mapped_column(
        ForeignKey("establishments.id"), nullable=True, index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id"), nullable=True, index=True
    )
    is_eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    eligibility_reason: Mapped[str] = mapped_column(Text, default="")
    teleworkable_tasks: Mapped[str] = mapped_column(Text, default="")
    max_days_per_week: Mapped[Decimal | None] = mapped_column(Numeric(3, 1), nullable=True)
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    is_vacant: Mapped[bool] = mapped_column(Boolean, default=False)

    establishment: Mapped[Establishment | None] = relationship()
    category: Mapped[Category | None] = relationship()
