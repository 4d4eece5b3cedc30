"""Bridge between the ORM models and the pure rules engine (hrtele.domain).

The domain never sees an ORM object: services map models onto the plain dataclasses of
hrtele.domain.terms with the functions below, run the rules, then call require_compliance().

Every mapper takes either a model instance or any object with the same attribute names (for
instance ``types.SimpleNamespace(**form_data)`` for a record not saved yet). An attribute left
at None on a transient model falls back to the column's default, so an unsaved Policy() or
TeleworkRequest() maps to the same terms as the row the database would store.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from hrtele.domain.rules import summarise
from hrtele.domain.terms import (
    AgreementTerms,
    EmployeeTerms,
    PolicyTerms,
    PostTerms,
    RequestTerms,
    Violation,
)
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import Agreement, Employee, Place, Policy, Post, TeleworkRequest

__all__ = [
    "RuleViolations",
    "agreement_terms",
    "employee_terms",
    "employer_policy",
    "input_error",
    "policy_terms",
    "post_terms",
    "request_terms",
    "require_compliance",
]


# --------------------------------------------------------------------------------------------
# Refusals carrying violations (services raise them; routes show them beside the fields)
# --------------------------------------------------------------------------------------------


class RuleViolations(BusinessRuleError):
    """The rules refused the operation; ``violations`` say which field and why (French)."""

    def __init__(self, violations: Iterable[Violation]):
        self.violations = list(violations)
        super().__init__(" ".join(v.message for v in self.violations))

    @property
    def blocking(self) -> list[Violation]:
        """The blocking violations."""
        return [v for v in self.violations if v.blocking]

    @property
    def warnings(self) -> list[Violation]:
        """The non-blocking violations (warnings)."""
        return [v for v in self.violations if not v.blocking]


def input_error(field: str, message: str, basis: str = "") -> RuleViolations:
    """A RuleViolations with one blocking violation on ``field`` (to raise from a service)."""
    return RuleViolations([Violation(field=field, message=message, basis=basis, blocking=True)])


def require_compliance(violations: Iterable[Violation], confirm_warnings: bool = False) -> None:
    """Raise RuleViolations if a violation is blocking, or if warnings were not confirmed."""
    violations = list(violations)
    blocking, warnings = summarise(violations)
    if blocking or (warnings and not confirm_warnings):
        raise RuleViolations(violations)


# --------------------------------------------------------------------------------------------
# Model -> terms
# --------------------------------------------------------------------------------------------


def _get(obj: Any, name: str, model: type | None = None) -> Any:
    """obj.name, or the column default of ``model`` (or obj's class) when it is None."""
    value = getattr(obj, name, None) if obj is not None else None
    if value is not None:
        return value
    table = getattr(model or type(obj), "__table__", None)
    if table is None or name not in table.c:
        return None
    default = table.c[name].default
    if default is not None and getattr(default, "is_scalar", False):
        return default.arg
    return None


def _decimal(value: Any) -> Decimal | None:
    """Decimal of value, None kept."""
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def employer_policy() -> Policy | None:
    """The employer's telework policy row (None while the employer is not configured)."""
    return db.session.scalar(select(Policy).order_by(Policy.id).limit(1))


def policy_terms(policy: Policy | Any | None) -> PolicyTerms:
    """PolicyTerms of a policy row; None gives the defaults a new policy would have."""

    def get(name: str) -> Any:
        return _get(policy, name, Policy)

    return PolicyTerms(
        max_days_per_week=_decimal(get("max_days_per_week")),
        half_days_allowed=bool(get("half_days_allowed")),
        min_onsite_days_per_week=_decimal(get("min_onsite_days_per_week")),
        seniority_months=int(get("seniority_months") or 0),
        adaptation_months=int(get("adaptation_months") or 0),
        notice_days_during_adaptation=int(get("notice_days_during_adaptation") or 0),
        notice_days_after_adaptation=int(get("notice_days_after_adaptation") or 0),
        allowance_scheme=get("allowance_scheme") or "none",
        allowance_amount=_decimal(get("allowance_amount")) or Decimal(0),
        allowance_monthly_cap=_decimal(get("allowance_monthly_cap")),
        insurance_required=bool(get("insurance_required")),
        electrical_statement_required=bool(get("electrical_statement_required")),
        min_working_time_rate=int(get("min_working_time_rate") or 0),
        default_working_hours=get("default_working_hours") or "",
        default_contact_slots=get("default_contact_slots") or "",
        costs_coverage=get("costs_coverage") or "",
    )


def post_terms(post: Post | Any | None) -> PostTerms:
    """PostTerms of a post; None (employee without a post) is a non-teleworkable post."""
    if post is None:
        return PostTerms(
            code="",
            title=gettext("aucun poste renseigné"),
            is_eligible=False,
            ineligibility_reason=gettext("aucun poste n'est affecté au salarié"),
            max_days_per_week=None,
        )
    reason = post.eligibility_reason or ""
    return PostTerms(
        code=post.code or "",
        title=post.title or "",
        is_eligible=bool(post.is_eligible),
        ineligibility_reason=reason.strip() or None,
        max_days_per_week=_decimal(post.max_days_per_week),
    )


def employee_terms(employee: Employee | Any) -> EmployeeTerms:
    """EmployeeTerms of an employee."""
    first = (employee.first_name or "").strip()
    last = (employee.last_name or "").strip().upper()
    rate = _get(employee, "working_time_rate", Employee)
    active = _get(employee, "is_active", Employee)
    return EmployeeTerms(
        personnel_number=employee.personnel_number or "",
        full_name=f"{first} {last}".strip(),
        hire_date=employee.hire_date,
        working_time_rate=int(rate if rate is not None else 100),
        is_active=bool(active),
        working_week=_get(employee, "working_pattern", Employee),
        working_hours=getattr(employee, "working_hours", None) or "",
    )


def request_terms(req: TeleworkRequest | Any | None) -> RequestTerms | None:
    """RequestTerms of a telework request (None stays None: no request attached)."""
    if req is None:
        return None
    return RequestTerms(
        request_date=req.request_date,
        status=_get(req, "status", TeleworkRequest) or "pending",
        wished_days=_decimal(req.wished_days),
        decision_date=getattr(req, "decision_date", None),
    )


def agreement_terms(
    agreement: Agreement | Any,
    place: Place | Any | None = None,
    second_place: Place | Any | None = None,
) -> AgreementTerms:
    """AgreementTerms of an agreement; ``place``/``second_place`` override its places (forms).

    Only column defaults of the model itself are read for missing values; a rule's input is
    never filled in from the employer policy here (the domain decides what a missing value means).
    """

    def get(name: str) -> Any:
        return _get(agreement, name, Agreement)

    if place is None:
        place = getattr(agreement, "place", None)
    if second_place is None:
        second_place = getattr(agreement, "second_place", None)
    amount = get("allowance_amount")
    return AgreementTerms(
        start_date=get("start_date"),
        end_date=get("end_date"),
        days_per_week=_decimal(get("days_per_week")),
        weekly_pattern=get("weekly_pattern") or "",
        place_kind=getattr(place, "kind", None) if place is not None else None,
        adaptation_months=get("adaptation_months"),
        adaptation_end_date=get("adaptation_end_date"),
        notice_days_during_adaptation=get("notice_days_during_adaptation"),
        notice_days_after_adaptation=get("notice_days_after_adaptation"),
        contact_slots=get("contact_slots") or "",
        time_control=get("time_control") or "",
        allowance_scheme=get("allowance_scheme") or "none",
        allowance_amount=_decimal(amount),
        insurance_received_date=get("insurance_received_date"),
        electrical_statement_date=get("electrical_statement_date"),
        equipment=get("equipment") or "",
        second_place_kind=getattr(second_place, "kind", None) if second_place is not None else None,
        reversibility_clause=getattr(agreement, "reversibility_clause", None),
        costs_coverage=get("costs_coverage") or "",
    )
