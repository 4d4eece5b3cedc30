"""Plain-value terms the rules engine works on (no ORM object ever reaches the domain).

Days and amounts are Decimal, dates are datetime.date, None means « not known / not filled in ».
The service layer maps models onto these dataclasses; the rules in hrtele.domain.rules never
touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .pattern import STANDARD_WORKING_WEEK

__all__ = [
    "ALLOWANCE_SCHEMES",
    "PLACE_KINDS",
    "REQUEST_STATUSES",
    "AgreementPeriod",
    "AgreementTerms",
    "EmployeeTerms",
    "PlaceLoad",
    "PolicyTerms",
    "PostTerms",
    "RequestTerms",
    "Violation",
]

# Allowance schemes: nothing; flat amount per month; amount per month per weekly telework day;
# amount per day actually teleworked; one-off amount (e.g. at the start).
ALLOWANCE_SCHEMES: tuple[str, ...] = (
    "none",
    "flat_monthly",
    "per_weekly_day",
    "per_day",
    "one_off",
)
PLACE_KINDS: tuple[str, ...] = ("home", "third_place")
REQUEST_STATUSES: tuple[str, ...] = ("pending", "accepted", "refused", "withdrawn")


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: the form field it belongs to, a French message, its legal basis."""

    field: str
    message: str
    basis: str
    blocking: bool


@dataclass(frozen=True, slots=True)
class PolicyTerms:
    """The employer's telework policy: caps, delays and allowance, all configurable."""

    max_days_per_week: Decimal
    half_days_allowed: bool
    min_onsite_days_per_week: Decimal
    seniority_months: int
    adaptation_months: int
    notice_days_during_adaptation: int
    notice_days_after_adaptation: int
    allowance_scheme: str
    allowance_amount: Decimal
    allowance_monthly_cap: Decimal | None
    insurance_required: bool
    electrical_statement_required: bool
    min_working_time_rate: int  # percent; 0 means no minimum
    workdays_per_week: Decimal = Decimal(5)
    default_working_hours: str = ""  # « 8 h 30 – 12 h 30 et 13 h 30 – 17 h 30 »
    default_contact_slots: str = ""
    costs_coverage: str = ""  # costs the employer covers in kind for every teleworker


@dataclass(frozen=True, slots=True)
class PostTerms:
    """A post and whether it can be teleworked (« poste télétravaillable »)."""

    code: str
    title: str
    is_eligible: bool
    ineligibility_reason: str | None
    max_days_per_week: Decimal | None  # None: only the policy cap applies


@dataclass(frozen=True, slots=True)
class EmployeeTerms:
    """The employee facts the rules need."""

    personnel_number: str
    full_name: str
    hire_date: date | None
    working_time_rate: int  # percent, 100 = full time
    is_active: bool
    working_week: str = STANDARD_WORKING_WEEK  # see hrtele.domain.pattern
    working_hours: str = ""  # empty: the employer policy's usual hours apply


@dataclass(frozen=True, slots=True)
class RequestTerms:
    """The employee's telework request (proof of the voluntary principle)."""

    request_date: date | None
    status: str  # one of REQUEST_STATUSES
    wished_days: Decimal | None
    decision_date: date | None = None  # date HR accepted (or refused) the request


@dataclass(frozen=True, slots=True)
class AgreementTerms:
    """What the telework avenant says, field by field (names match the agreement form)."""

    start_date: date | None
    end_date: date | None  # None: open-ended
    days_per_week: Decimal | None
    weekly_pattern: str  # see hrtele.domain.pattern; "" or all zeros: volume without fixed days
    place_kind: str | None  # kind of the first place (PLACE_KINDS); None: not chosen
    adaptation_months: int | None
    adaptation_end_date: date | None  # None: derived from start_date + adaptation_months
    notice_days_during_adaptation: int | None
    notice_days_after_adaptation: int | None
    contact_slots: str
    time_control: str
    allowance_scheme: str  # one of ALLOWANCE_SCHEMES
    allowance_amount: Decimal | None
    insurance_received_date: date | None
    electrical_statement_date: date | None
    equipment: str
    second_place_kind: str | None = None  # kind of the second place, if any
    reversibility_clause: str | None = None  # hrtele.domain.notice.REVERSIBILITY_CLAUSES
    costs_coverage: str = ""  # costs covered in kind (internet line, phone ...)

    @property
    def place_kinds(self) -> tuple[str, ...]:
        """Kinds of the places the agreement names (first, then second)."""
        return tuple(k for k in (self.place_kind, self.second_place_kind) if k)


@dataclass(frozen=True, slots=True)
class AgreementPeriod:
    """Another agreement of the same employee, as a closed period of days."""

    agreement_id: int
    first_day: date
    last_day: date | None  # None: open-ended
    status_label: str


@dataclass(frozen=True, slots=True)
class PlaceLoad:
    """A third place with seats, and how many other teleworkers use it on each half-day."""

    name: str
    capacity: int | None  # seats; None: not limited
    occupied: tuple[int, ...]  # 14 counts, Monday morning first (other agreements only)
