"""Plain-value terms the rules engine works on (no ORM object ever reaches the domain).

Days and amounts are Decimal, dates are datetime.date, None means « not known / not filled in ».
The service layer maps models onto these dataclasses; the rules in hrtele.domain.rules never
touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = [
    "ALLOWANCE_SCHEMES",
    "PLACE_KINDS",
    "REQUEST_STATUSES",
    "AgreementTerms",
    "EmployeeTerms",
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


@dataclass(frozen=True, slots=True)
class RequestTerms:
    """The employee's telework request (proof of the voluntary principle)."""

    request_date: date | None
    status: str  # one of REQUEST_STATUSES
    wished_days: Decimal | None


@dataclass(frozen=True, slots=True)
class AgreementTerms:
    """What the telework avenant says, field by field (names match the agreement form)."""

    start_date: date | None
    end_date: date | None  # None: open-ended
    days_per_week: Decimal | None
    weekly_pattern: str  # see hrtele.domain.pattern; "" or all zeros: volume without fixed days
    place_kind: str | None  # one of PLACE_KINDS
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
