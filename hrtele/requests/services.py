"""Telework request operations shared by the web screens and the CLI.

A request proves the employee's voluntary choice (C. trav. L1222-9, 2012: volontariat). It is
recorded « pending », then accepted, refused with a reason (printed in the refusal letter) or
withdrawn, through the state machine of hrtele.domain.lifecycle. Services flush and audit; the
caller (route or CLI command) commits once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from hrtele import clock
from hrtele.audit.service import record, record_change
from hrtele.domain.lifecycle import ACCEPT, REFUSE, WITHDRAW, TransitionContext, next_state
from hrtele.domain.pattern import EMPTY_PATTERN, is_valid_pattern, pattern_days
from hrtele.domain.refusals import missing_detail, refusal_wording
from hrtele.domain.rules import BASIS_VOLUNTARY, BASIS_WORK_ORGANISATION, check_request
from hrtele.domain.terms import REQUEST_STATUSES, Violation
from hrtele.domain_adapters import (
    employee_terms,
    employer_policy,
    input_error,
    policy_terms,
    post_terms,
    request_terms,
    require_compliance,
)
from hrtele.editing import BusinessRuleError, assign, check_version
from hrtele.extensions import db
from hrtele.models import Agreement, Employee, Place, TeleworkRequest, User
from hrtele.models.base import utcnow
from hrtele.notifications import events as notification_events
from hrtele.places.services import create_place, place_allowed_for
from hrtele.refusals.services import active_reason
from hrtele.web.filters import date_fr, number_fr
from hrtele.web.labels import LABELS
from hrtele.web.pagination import like_pattern

FIELDS = (
    "employee_id", "request_date", "initiative", "wished_days", "wished_pattern", "place_id",
    "motive",
)
# place_id value asking to use (creating it if needed) the home recorded on the employee's file.
HOME_FROM_FILE = -1
# Violations of check_request() belong to these form fields.
FIELD_MAP = {"employee": "employee_id", "post": "employee_id", "status": "employee_id"}
_LIVE_AGREEMENT_STATES = ("draft", "issued", "signed", "adaptation", "active", "suspended", "ending")
_MAX_MOTIVE = 4000



def _label() -> str:
    return gettext("Cette demande")


# --------------------------------------------------------------------------------------------
# Lists and facts
# --------------------------------------------------------------------------------------------


def list_requests_stmt(term: str = "", status: str = "") -> Select:
    """Requests matching an employee search and a status; pending ones oldest first."""
    stmt = (
        select(TeleworkRequest)
        .join(Employee, TeleworkRequest.employee_id == Employee.id)
        .options(joinedload(TeleworkRequest.employee).joinedload(Employee.post))
    )
    if term:
        pattern = like_pattern(term)
        stmt = stmt.where(
            or_(
                Employee.last_name.ilike(pattern, escape="\\"),
                Employee.first_name.ilike(pattern, escape="\\"),
                (Employee.first_name + " " + Employee.last_name).ilike(pattern, escape="\\"),
                Employee.personnel_number.ilike(pattern, escape="\\"),
            )
        )
    if status in REQUEST_STATUSES:
        stmt = stmt.where(TeleworkRequest.status == status)
    if status == "pending":
        return stmt.order_by(TeleworkRequest.request_date, TeleworkRequest.id)
    return stmt.order_by(TeleworkRequest.request_date.desc(), TeleworkRequest.id.desc())


def days_waited(req: TeleworkRequest, today: date | None = None) -> int | None:
    """Days between the request and its decision (or today while it is pending)."""
    if req.request_date is None:
        return None
    end = req.decision_date if req.status != "pending" else (today or clock.today())
    if end is None:
        return None
    return (end - req.request_date).days


# --------------------------------------------------------------------------------------------
# Recording a request
# --------------------------------------------------------------------------------------------


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Known fields only, defaults for optional ones."""
    raw = data
    data = {key: data.get(key) for key in FIELDS}
    if not data["place_id"]:
        data["place_id"] = None
    # The second place (code 2 of the pattern) is set only by callers that know of it (the
    # employee's space): HR's form, which does not show it, leaves it as it is.
    if "second_place_id" in raw:
        data["second_place_id"] = raw["second_place_id"] or None
    data["initiative"] = data["initiative"] or "employee"
    data["wished_pattern"] = data["wished_pattern"] or EMPTY_PATTERN
    data["motive"] = (data["motive"] or "").strip()
    if data["wished_days"] is not None and not isinstance(data["wished_days"], Decimal):
        data["wished_days"] = Decimal(str(data["wished_days"]))
    return data


def _input_errors(data: dict[str, Any], employee: Employee | None) -> list[Violation]:
    """Blocking errors on the raw input (unknown employee, bad place, malformed values)."""
    errors: list[Violation] = []

    def error(field: str, message: str) -> None:
        errors.append(Violation(field=field, message=message, basis="", blocking=True))

    if employee is None:
        error("employee_id", gettext("Choisissez le salarié qui demande le télétravail."))
    if data["request_date"] is None:
        error("request_date", gettext("La date de la demande est obligatoire."))
    if data["initiative"] not in LABELS["initiative"]:
        error("initiative", gettext("Indiquez qui est à l'initiative : salarié ou employeur."))
    days = data["wished_days"]
    if days is None:
        error("wished_days", gettext("Indiquez le nombre de jours souhaités."))
    elif not Decimal("0.5") <= days <= Decimal(5) or (days * 2) % 1 != 0:
        error(
            "wished_days",
            gettext("Entre 0,5 et 5 jours par semaine, en journées ou demi-journées."),
        )
    if not is_valid_pattern(data["wished_pattern"]):
        error("wished_pattern", gettext("Rythme hebdomadaire invalide."))
    if len(data["motive"]) > _MAX_MOTIVE:
        error("motive", gettext("4 000 caractères au plus."))
    place_id = data["place_id"]
    if place_id == HOME_FROM_FILE:
        if employee is not None and not (employee.home_address or "").strip():
            error(
                "place_id",
                gettext(
                    "L'adresse du domicile n'est pas renseignée sur la fiche du salarié : "
                    "complétez-la ou choisissez un autre lieu."
                ),
            )
    elif place_id is not None:
        place = db.session.get(Place, place_id)
        if place is None:
            error("place_id", gettext("Ce lieu n'existe pas."))
        elif employee is not None and not place_allowed_for(place, employee.id):
            error("place_id", gettext("Ce domicile est celui d'un autre salarié."))
    second_id = data.get("second_place_id")
    if second_id is not None:
        second = db.session.get(Place, second_id)
        if second is None:
            error("second_place_id", gettext("Ce lieu n'existe pas."))
        elif employee is not None and not place_allowed_for(second, employee.id):
            error("second_place_id", gettext("Ce domicile est celui d'un autre salarié."))
        elif second_id == place_id:
            error("second_place_id", gettext("Le second lieu doit différer du premier."))
    elif is_valid_pattern(data["wished_pattern"]) and "2" in data["wished_pattern"] \
            and "second_place_id" in data:
        error("wished_pattern", gettext(
            "Des demi-journées sont demandées dans un second lieu qui n'est pas indiqué."))
    return errors


def _context_warnings(data: dict[str, Any], employee: Employee,
                      request_id: int | None) -> list[Violation]:
    """Warnings beyond the rules engine: pattern vs days, duplicates, live agreement."""
    out: list[Violation] = []
    pattern = data["wished_pattern"]
    days = data["wished_days"]
    if days is not None and is_valid_pattern(pattern) and pattern != EMPTY_PATTERN:
        ticked = pattern_days(pattern)
        if ticked != days:
            out.append(
                Violation(
                    field="wished_pattern",
                    message=gettext(
                        "Les demi-journées cochées représentent %(ticked)s jour(s) par semaine, "
                        "et non les %(days)s jour(s) demandés.",
                        ticked=number_fr(ticked),
                        days=number_fr(days),
                    ),
                    basis=BASIS_WORK_ORGANISATION,
                    blocking=False,
                )
            )
    other = db.session.scalar(
        select(TeleworkRequest)
        .where(
            TeleworkRequest.employee_id == employee.id,
            TeleworkRequest.status == "pending",
            TeleworkRequest.id != (request_id or 0),
        )
        .order_by(TeleworkRequest.request_date)
        .limit(1)
    )
    if other is not None:
        out.append(
            Violation(
                field="employee_id",
                message=gettext(
                    "Une autre demande de ce salarié, du %(date)s, est déjà en attente : "
                    "vérifiez qu'il ne s'agit pas d'un doublon.",
                    date=date_fr(other.request_date),
                ),
                basis=BASIS_VOLUNTARY,
                blocking=False,
            )
        )
    live = db.session.scalar(
        select(Agreement.status)
        .where(Agreement.employee_id == employee.id, Agreement.status.in_(_LIVE_AGREEMENT_STATES))
        .order_by(Agreement.id.desc())
        .limit(1)
    )
    if live is not None:
        out.append(
            Violation(
                field="employee_id",
                message=gettext(
                    "Ce salarié a déjà un accord de télétravail (état « %(status)s ») : "
                    "cette demande en modifiera les conditions.",
                    status=LABELS["agreement_status"].get(live, live),
                ),
                basis=BASIS_VOLUNTARY,
                blocking=False,
            )
        )
    return out


def request_violations(data: dict[str, Any], *, request_id: int | None = None,
                       today: date | None = None) -> list[Violation]:
    """Every rule the request data breaks (input errors, rules engine, context warnings)."""
    data = _clean(data)
    employee = db.session.get(Employee, data["employee_id"]) if data["employee_id"] else None
    errors = _input_errors(data, employee)
    if employee is None or any(e.field in ("request_date", "wished_days") for e in errors):
        return errors
    terms = request_terms(
        SimpleNamespace(request_date=data["request_date"], status="pending",
                        wished_days=data["wished_days"])
    )
    violations = check_request(
        terms,
        post_terms(employee.post),
        employee_terms(employee),
        policy_terms(employer_policy()),
        today or clock.today(),
    )
    return errors + violations + _context_warnings(data, employee, request_id)


def _resolve_home(data: dict[str, Any], actor: User | None) -> None:
    """Replace HOME_FROM_FILE by the employee's home place (created from their file if needed)."""
    if data["place_id"] != HOME_FROM_FILE:
        return
    employee = db.session.get(Employee, data["employee_id"])
    address = (employee.home_address or "").strip()
    existing = db.session.scalar(
        select(Place)
        .where(Place.kind == "home", Place.employee_id == employee.id, Place.address == address)
        .order_by(Place.id)
        .limit(1)
    )
    if existing is None:
        existing = create_place({"kind": "home", "employee_id": employee.id, "address": address},
                                actor)
    data["place_id"] = existing.id


def create_request(data: dict[str, Any], actor: User | None, *, confirm_warnings: bool = False,
                   today: date | None = None) -> TeleworkRequest:
    """Record a pending request; blocking violations refuse it, warnings need confirm_warnings."""
    data = _clean(data)
    require_compliance(request_violations(data, today=today), confirm_warnings)
    _resolve_home(data, actor)
    req = TeleworkRequest(status="pending")
    assign(req, data)
    db.session.add(req)
    record_change(req, actor)
    return req


def update_request(req: TeleworkRequest, data: dict[str, Any], expected_version: int | None,
                   actor: User | None, *, confirm_warnings: bool = False,
                   today: date | None = None) -> TeleworkRequest:
    """Correct a pending request (same checks as recording); decided requests are frozen."""
    check_version(req, expected_version, _label())
    if req.status != "pending":
        raise BusinessRuleError(
            gettext(
                "Cette demande a déjà reçu une réponse (%(status)s) : elle ne peut plus être "
                "modifiée.",
                status=LABELS["request_status"].get(req.status, req.status).lower(),
            )
        )
    data = _clean(data)
    if data["employee_id"] != req.employee_id:
        raise input_error(
            "employee_id",
            gettext(
                "Le salarié d'une demande ne peut pas être changé : enregistrez une nouvelle "
                "demande pour l'autre salarié."
            ),
        )
    require_compliance(request_violations(data, request_id=req.id, today=today), confirm_warnings)
    _resolve_home(data, actor)
    assign(req, data)
    record_change(req, actor)
    return req


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


def _check_decision_date(req: TeleworkRequest, decision_date: date | None, today: date) -> None:
    """The decision is dated, not before the request and not in the future."""
    if decision_date is None:
        raise input_error("decision_date", gettext("La date de la décision est obligatoire."))
    if decision_date < req.request_date:
        raise input_error(
            "decision_date",
            gettext(
                "La date de la décision ne peut pas précéder celle de la demande (%(date)s).",
                date=date_fr(req.request_date),
            ),
        )
    if decision_date > today:
        raise input_error(
            "decision_date", gettext("La date de la décision ne peut pas être dans le futur.")
        )


def _decide(req: TeleworkRequest, event: str, decision_date: date | None,
            expected_version: int | None, actor: User | None, today: date | None,
            context: TransitionContext | None = None, detail: str | None = None,
            reason_id: int | None = None) -> TeleworkRequest:
    """Apply a decision event through the state machine, then stamp and audit it."""
    check_version(req, expected_version, _label())
    target = next_state(req.status, event, context)  # TransitionRefused: nothing changed
    _check_decision_date(req, decision_date, today or clock.today())
    actor_id = actor.id if actor is not None else None  # loaded before any change (autoflush)
    values = {
        "status": target,
        "decision_date": decision_date,
        "decided_by_id": actor_id,
        # The free text alone: the catalogue reason is its own column.
        "refusal_reason": detail if event == REFUSE else None,
        "refusal_reason_id": reason_id if event == REFUSE else None,
    }
    changes: dict[str, Any] = {"event": event}
    with db.session.no_autoflush:
        for key, value in values.items():
            if value is None and key in ("refusal_reason", "refusal_reason_id"):
                continue
            old = getattr(req, key)
            if old != value:
                changes[key] = [_plain(old), _plain(value)]
            setattr(req, key, value)
        req.decided_dt = utcnow()
    db.session.flush()
    if event == REFUSE:
        db.session.expire(req, ["catalogue_reason"])  # follow the new refusal_reason_id
    record("transition", req.__tablename__, req.id, actor, changes)
    if event in (ACCEPT, REFUSE):
        notification_events.request_decided(req)
    return req


def _plain(value: Any) -> Any:
    """JSON-friendly value for the audit trail."""
    return value.isoformat() if isinstance(value, date) else value


def accept_request(req: TeleworkRequest, decision_date: date | None,
                   expected_version: int | None, actor: User | None,
                   today: date | None = None) -> TeleworkRequest:
    """Accept a pending request (the agreement is drafted next)."""
    check_version(req, expected_version, _label())
    next_state(req.status, ACCEPT)  # an illegal transition is reported before anything else
    employee = req.employee
    if employee is not None and not employee.is_active:
        raise BusinessRuleError(
            gettext(
                "%(name)s ne fait plus partie des effectifs : la demande ne peut pas être "
                "acceptée.",
                name=employee.full_name,
            )
        )
    return _decide(req, ACCEPT, decision_date, expected_version, actor, today)


def refuse_request(req: TeleworkRequest, reason: str, decision_date: date | None,
                   expected_version: int | None, actor: User | None,
                   today: date | None = None, reason_id: int | None = None) -> TeleworkRequest:
    """Refuse a pending request: a catalogue reason (default « autre ») and a free precision.

    Both are printed in the refusal letter; the precision is mandatory with « autre ».
    """
    detail = (reason or "").strip()
    if len(detail) > _MAX_MOTIVE:
        raise input_error("refusal_reason", gettext("4 000 caractères au plus."))
    chosen = active_reason(reason_id, keep_id=req.refusal_reason_id)
    code, label = (chosen.code, chosen.label) if chosen is not None else (None, None)
    # A missing precision leaves the state machine's guard without a reason: it refuses
    # (after its own check of the current state) with its French message.
    wording = "" if missing_detail(code, detail) else refusal_wording(label, detail)
    return _decide(req, REFUSE, decision_date, expected_version, actor, today,
                   TransitionContext(reason=wording), detail=detail,
                   reason_id=chosen.id if chosen is not None else None)


def withdraw_request(req: TeleworkRequest, decision_date: date | None,
                     expected_version: int | None, actor: User | None,
                     today: date | None = None) -> TeleworkRequest:
    """Record that the employee withdrew a pending request (dated)."""
    return _decide(req, WITHDRAW, decision_date, expected_version, actor, today)

