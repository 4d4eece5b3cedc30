"""The telework agreement (what the amendment says) and its follow-up records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrtele.domain import lifecycle as lc
from hrtele.domain.document_kinds import (
    AMENDMENT_REVISION_STATES,
    NOTICE_STATES,
    can_issue_amendment,
)
from hrtele.domain.lifecycle import ALL_AGREEMENT_STATES
from hrtele.domain.notice import REVERSIBILITY_CLAUSES
from hrtele.domain.pattern import EMPTY_PATTERN, SLOTS_PER_WEEK
from hrtele.models.base import Base, TimestampMixin, VersionedMixin, sql_in, utcnow
from hrtele.models.employee import Employee
from hrtele.models.place import Place
from hrtele.models.request import TeleworkRequest

#: Every state an agreement row may hold (standard and exceptional), from the domain registry.
AGREEMENT_STATUSES = ALL_AGREEMENT_STATES


class Agreement(Base, TimestampMixin, VersionedMixin):
    """Telework arrangements of one employee, printed in the amendment."""

    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint("days_per_week >= 0 AND days_per_week <= 7", name="days_range"),
        CheckConstraint("allowance_amount >= 0", name="allowance_not_negative"),
        CheckConstraint("end_date IS NULL OR end_date > start_date", name="end_after_start"),
        CheckConstraint("kind IN ('regular', 'exceptional')", name="kind_known"),
        CheckConstraint(f"status IN {sql_in(ALL_AGREEMENT_STATES)}", name="status_known"),
        CheckConstraint(
            f"reversibility_clause IN {sql_in(REVERSIBILITY_CLAUSES)}",
            name="reversibility_clause_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("telework_requests.id"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(12), default="regular")
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), nullable=True)
    second_place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), nullable=True)
    days_per_week: Mapped[Decimal] = mapped_column(Numeric(3, 1))
    # 14 half-days, Monday AM first: '0' none, '1' at place_id, '2' at second_place_id.
    weekly_pattern: Mapped[str] = mapped_column(String(SLOTS_PER_WEEK), default=EMPTY_PATTERN)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    adaptation_months: Mapped[int] = mapped_column(Integer, default=3)
    adaptation_end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    notice_days_during_adaptation: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notice_days_after_adaptation: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # After the adaptation period: 'notice' (either party may end it with the agreed notice) or
    # 'mutual' (only by mutual agreement), ANI 19/07/2005 art. 3.
    reversibility_clause: Mapped[str] = mapped_column(String(10), default="notice")
    contact_slots: Mapped[str] = mapped_column(Text, default="")
    time_control: Mapped[str] = mapped_column(Text, default="")
    equipment: Mapped[str] = mapped_column(Text, default="")
    # Costs covered in kind (internet line, phone subscription paid ...), C. trav. L1222-10 1°.
    costs_coverage: Mapped[str] = mapped_column(Text, default="")
    allowance_scheme: Mapped[str] = mapped_column(String(20), default="none")
    allowance_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    allowance_monthly_cap: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    insurance_received_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    insurance_insurer: Mapped[str] = mapped_column(String(200), default="")
    insurance_expiry_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    electrical_statement_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    annual_interview_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    employee_signed_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    employer_signed_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    suspension_reason: Mapped[str] = mapped_column(Text, default="")
    suspension_start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    suspension_end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    ending_initiative: Mapped[str | None] = mapped_column(String(10), nullable=True)
    ending_notification_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    ending_effective_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    ending_reason: Mapped[str] = mapped_column(Text, default="")
    # Reversibility notice (legal.md §4.2), recorded by the notify_end transition.
    ending_method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    ending_phase: Mapped[str | None] = mapped_column(String(20), nullable=True)
    ending_notice_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_end_mutual: Mapped[bool] = mapped_column(Boolean, default=False)
    ending_return_arrangements: Mapped[str] = mapped_column(Text, default="")
    ended_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    amendment_version: Mapped[int] = mapped_column(Integer, default=0)
    # Set by the amend / renew transitions: version amendment_version + 1 must be issued.
    has_pending_amendment: Mapped[bool] = mapped_column(Boolean, default=False)

    employee: Mapped[Employee] = relationship()
    request: Mapped[TeleworkRequest | None] = relationship()
    place: Mapped[Place | None] = relationship(foreign_keys=[place_id])
    second_place: Mapped[Place | None] = relationship(foreign_keys=[second_place_id])
    events: Mapped[list[AgreementEvent]] = relationship(
        back_populates="agreement", order_by="AgreementEvent.id"
    )

    # -- what screens ask about the state (the domain registry answers) ----------------------

    @property
    def status_label(self) -> str:
        """French label of the state."""
        return lc.STATE_LABELS.get(self.status, self.status)

    @property
    def tone(self) -> str:
        """Badge tone of the state ("ok", "warn", "info", "closed", "neutral")."""
        return lc.state_tone(self.status)

    @property
    def is_live(self) -> bool:
        """In force or in preparation (not ended nor cancelled)."""
        return self.status in lc.LIVE_STATES

    @property
    def is_teleworking(self) -> bool:
        """The employee teleworks under it today (started, not suspended, not over)."""
        return self.status in lc.TELEWORKING_STATES

    @property
    def is_endable(self) -> bool:
        """The end of telework may be notified."""
        return self.status in lc.ENDABLE_STATES

    @property
    def has_ending(self) -> bool:
        """An end of telework was notified (notice running or over)."""
        return self.status in (lc.ENDING, lc.ENDED) and self.ending_notification_date is not None

    @property
    def has_notice_stage(self) -> bool:
        """A regular agreement whose end was notified: the reversibility notice applies."""
        return self.kind == "regular" and self.status in NOTICE_STATES

    @property
    def follows_interviews(self) -> bool:
        """The annual interview is followed in this state."""
        return self.status in lc.INTERVIEW_STATES

    @property
    def awaits_amendment_version(self) -> bool:
        """A running agreement amended or renewed whose new amendment version is not issued."""
        return self.has_pending_amendment and self.status in AMENDMENT_REVISION_STATES

    @property
    def can_issue(self) -> bool:
        """An amendment version may be issued now (first issue, or after an amendment)."""
        return can_issue_amendment(self.status, self.kind, self.has_pending_amendment)


class AgreementEvent(Base):
    """One lifecycle transition of an agreement (the timeline); append-only."""

    __tablename__ = "agreement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    event: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(12), nullable=True)
    to_state: Mapped[str] = mapped_column(String(12))
    event_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="events")


class EquipmentItem(Base, TimestampMixin, VersionedMixin):
    """Equipment lent under an agreement, and its return."""

    __tablename__ = "equipment_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    item_type: Mapped[str] = mapped_column(String(100))
    serial_number: Mapped[str] = mapped_column(String(100), default="")
    issued_date: Mapped[date] = mapped_column(Date)
    returned_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    return_condition: Mapped[str] = mapped_column(String(200), default="")

    agreement: Mapped[Agreement] = relationship()


class AnnualInterview(Base, TimestampMixin, VersionedMixin):
    """Yearly interview on conditions of activity and workload (L1222-10 4°, 2012)."""

    __tablename__ = "annual_interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    held_date: Mapped[date] = mapped_column(Date)
    conditions: Mapped[str] = mapped_column(Text, default="")
    workload: Mapped[str] = mapped_column(Text, default="")
    remarks: Mapped[str] = mapped_column(Text, default="")
    next_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    agreement: Mapped[Agreement] = relationship()


class PriorityInformation(Base):
    """Record that an employee with priority return was told of a vacant post (L1222-10 3°)."""

    __tablename__ = "priority_informations"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    informed_date: Mapped[date] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Absence(Base):
    """A recorded absence day (or half day), deducted from per-day allowances."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    absence_date: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(String(100), default="")
