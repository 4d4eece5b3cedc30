"""Agreement operations shared by the web and the CLI: one rule path (hrtele.domain.rules).

The form's validate() and the services below call the same ``agreement_violations``; the
services re-run it before writing and raise ``RuleViolations`` (hrtele.domain_adapters) when a
violation is blocking or when warnings were not confirmed.

Statuses: a plain edit is allowed in ``draft`` and ``issued`` (an issued, unsigned avenant goes
back to ``draft`` and an AgreementEvent 'edit' is recorded; the documents area then issues
version n+1). Signed or running agreements change only through an « avenant modificatif »: the
lifecycle area calls ``amend_agreement`` (same checks, status untouched, no event: the caller
records its own 'amend' transition and bumps ``amendment_version``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from hrtele.agreements.compliance import check_stored, other_agreements, place_loads
from hrtele.audit.service import changed_fields, record_change
from hrtele.domain import lifecycle
from hrtele.domain.dates import adaptation_end_date, add_months, first_interview_due
from hrtele.domain.notice import REVERSIBILITY_CLAUSES
from hrtele.domain.pattern import EMPTY_PATTERN
from hrtele.domain.rules import (
    BASIS_ADAPTATION,
    BASIS_CONDITIONS,
    BASIS_CONTRACT,
    BASIS_POLICY,
    BASIS_VOLUNTARY,
    check_agreement,
)
from hrtele.domain.terms import Violation
from hrtele.domain_adapters import (
    agreement_terms,
    employee_terms,
    employer_policy,
    policy_terms,
    post_terms,
    request_terms,
    require_compliance,
)
from hrtele.editing import BusinessRuleError, assign, check_version
from hrtele.extensions import db
from hrtele.models import (
    Agreement,
    AgreementEvent,
    Employee,
    Place,
    Policy,
    TeleworkRequest,
    User,
)
from hrtele.web.labels import LABELS, place_label
from hrtele.web.pagination import like_pattern

LABEL = "Cet accord"
BASIS_INTERVIEW = "C. trav. L1222-10 (2012) : entretien annuel"

#: Statuses in which the agreement form may be saved as a plain edit (domain registry).
EDITABLE_STATUSES: tuple[str, ...] = tuple(sorted(lifecycle.EDITABLE_STATES))
#: Statuses from which the lifecycle allows an « avenant modificatif » (event 'amend').
AMENDABLE_STATUSES: tuple[str, ...] = tuple(sorted(lifecycle.AMENDABLE_STATES))
#: Agreements still in force or in preparation (not ended, not cancelled).
LIVE_STATUSES: tuple[str, ...] = tuple(sorted(lifecycle.LIVE_STATES))

#: Keys of the data dict the services accept (form field names).
FIELDS: tuple[str, ...] = (
    "request_id",
    "place_id",
    "second_place_id",
    "days_per_week",
    "weekly_pattern",
    "start_date",
    "end_date",
    "adaptation_months",
    "notice_days_during_adaptation",
    "notice_days_after_adaptation",
    "reversibility_clause",
    "contact_slots",
    "time_control",
    "equipment",
    "costs_coverage",
    "allowance_scheme",
    "allowance_amount",
    "allowance_monthly_cap",
    "insurance_received_date",
    "insurance_insurer",
    "insurance_expiry_date",
    "electrical_statement_date",
    "annual_interview_due_date",
)

#: Domain field names -> agreement form field names (the rest have the same name).
FIELD_MAP: dict[str, str] = {
    "request": "request_id",
    "employee": "request_id",
    "post": "request_id",
    "place_kind": "place_id",
    "adaptation_end_date": "adaptation_months",
}


@dataclass
class References:
    """The rows an agreement's data points to, resolved once."""

    request: TeleworkRequest | None
    employee: Employee | None
    place: Place | None
    second_place: Place | None
    policy: Policy | None


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def list_agreements_stmt(term: str = "", status: str = "") -> Select:
    """Agreements with their employee (one query), filtered by status and employee name/number."""
    stmt = (
        select(Agreement)
        .join(Agreement.employee)
        .options(
            contains_eager(Agreement.employee),
            joinedload(Agreement.place),
            joinedload(Agreement.second_place),
        )
    )
    if status:
        stmt = stmt.where(Agreement.status == status)
    for word in term.split()[:5]:
        pattern = like_pattern(word)
        stmt = stmt.where(
            or_(
                Employee.last_name.ilike(pattern, escape="\\"),
                Employee.first_name.ilike(pattern, escape="\\"),
                Employee.personnel_number.ilike(pattern, escape="\\"),
            )
        )
    return stmt.order_by(Agreement.start_date.desc(), Agreement.id.desc())


def open_request_choices(
    selected: TeleworkRequest | None = None, limit: int = 500
) -> list[tuple[int, str]]:
    """(id, label) of accepted requests without a live agreement, plus ``selected`` if given."""
    has_live = exists().where(
        and_(Agreement.request_id == TeleworkRequest.id, Agreement.status.in_(LIVE_STATUSES))
    )
    stmt = (
        select(TeleworkRequest)
        .join(TeleworkRequest.employee)
        .options(contains_eager(TeleworkRequest.employee))
        .where(TeleworkRequest.status == "accepted", ~has_live)
        .order_by(Employee.last_name, Employee.first_name, TeleworkRequest.request_date.desc())
        .limit(limit)
    )
    rows = list(db.session.scalars(stmt))
    if selected is not None and all(r.id != selected.id for r in rows):
        rows.insert(0, selected)
    return [(0, "— choisir la demande —")] + [(r.id, request_label(r)) for r in rows]


def request_label(req: TeleworkRequest) -> str:
    """« DURAND Camille (M00012) — demande du 01/09/2026 » plus its status when not accepted."""
    emp = req.employee
    text = f"{emp.last_name.upper()} {emp.first_name} ({emp.personnel_number})"
    if req.request_date is not None:
        text += f" — demande du {req.request_date:%d/%m/%Y}"
    if req.status != "accepted":
        text += f" ({LABELS['request_status'].get(req.status, req.status).lower()})"
    return text


def place_choices(employee: Employee | None) -> list[tuple[int, str]]:
    """(id, label) of the places allowed for ``employee``: their home(s) and every third place."""
    condition = Place.kind == "third_place"
    if employee is not None:
        condition = or_(condition, and_(Place.kind == "home", Place.employee_id == employee.id))
    rows = db.session.scalars(select(Place).where(condition).order_by(Place.kind, Place.name))
    return [(0, "—")] + [(p.id, place_label(p.kind, p.name)) for p in rows]


def current_violations(agreement: Agreement, today: date) -> list[Violation] | None:
    """Live compliance of a stored agreement (activation rules once signed); None: not applicable.

    Not applicable to telework imposed under L1222-11 (no avenant, no request) nor to an
    agreement that is over. Once past drafting, a start date in the past is normal: the
    back-dating warning is dropped (see _drop_backdating).
    """
    if agreement.kind == "exceptional" or agreement.status in (
        lifecycle.CLOSED_STATES | {lifecycle.IMPOSED}
    ):
        return None
    violations = check_stored(agreement, today, activation=agreement.status == lifecycle.SIGNED)
    return _drop_backdating(agreement, violations)


def _drop_backdating(agreement: Agreement | None, violations: list[Violation]) -> list[Violation]:
    """Drop the « avenant antidaté » warning for agreements already issued or signed.

    The rules' only non-blocking violation on start_date is the back-dating one; it makes sense
    while drafting, not on the show page of an agreement that has been running for months.
    (agreement_violations keeps it: the lifecycle's amend flow currently asks to confirm it.)
    """
    if agreement is None or agreement.status in EDITABLE_STATUSES:
        return violations
    return [v for v in violations if v.blocking or v.field != "start_date"]


def locked_message(agreement: Agreement) -> str | None:
    """French reason why ``agreement`` cannot be edited directly, or None when it can."""
    if agreement.status in EDITABLE_STATUSES:
        return None
    label = LABELS["agreement_status"].get(agreement.status, agreement.status)
    if agreement.status in lifecycle.CLOSED_STATES | {lifecycle.IMPOSED}:
        return f"Cet accord est « {label} » : il ne peut plus être modifié."
    return (
        f"Cet accord est « {label} » : il ne peut plus être modifié directement. Toute "
        "modification des jours de télétravail, du lieu ou de l'indemnité nécessite un avenant "
        "modificatif, c'est-à-dire une nouvelle version de l'avenant signée par les deux parties "
        "(C. trav. L1222-9, 2012 : le télétravail est prévu par le contrat de travail ou son "
        "avenant)."
    )


# --------------------------------------------------------------------------------------------
# Checks (the single rule path)
# --------------------------------------------------------------------------------------------


def _block(field: str, message: str, basis: str) -> Violation:
    return Violation(field=field, message=message, basis=basis, blocking=True)


def _warn(field: str, message: str, basis: str) -> Violation:
    return Violation(field=field, message=message, basis=basis, blocking=False)


def _no_policy() -> Violation:
    return _block(
        "",
        "La politique de télétravail de l'employeur n'est pas encore renseignée : un "
        "administrateur doit la compléter (menu « Politique ») avant d'établir un accord.",
        BASIS_POLICY,
    )


def _get_id(model: type, value: Any) -> Any:
    if value in (None, "", 0):
        return None
    try:
        key = int(value)
    except (TypeError, ValueError):
        return None
    if not 0 < key < 2**31:
        return None
    return db.session.get(model, key)


def resolve(data: dict[str, Any], agreement: Agreement | None = None) -> References:
    """Load the request, employee, places and policy the data refers to."""
    if agreement is not None:  # the request (and so the employee) of an agreement never changes
        req, employee = agreement.request, agreement.employee
    else:
        req = _get_id(TeleworkRequest, data.get("request_id"))
        employee = req.employee if req is not None else None
    return References(
        request=req,
        employee=employee,
        place=_get_id(Place, data.get("place_id")),
        second_place=_get_id(Place, data.get("second_place_id")),
        policy=employer_policy(),
    )


def _place_checks(
    field: str, place_id: Any, place: Place | None, employee: Employee | None
) -> list[Violation]:
    if place_id in (None, "", 0):
        return []
    if place is None:
        return [_block(field, "Ce lieu de télétravail n'existe pas (ou plus).", BASIS_CONDITIONS)]
    if place.kind == "home" and employee is not None and place.employee_id != employee.id:
        return [
            _block(
                field,
                f"« {place.name} » n'est pas le domicile de ce salarié : choisissez son "
                "domicile ou un tiers-lieu.",
                BASIS_CONDITIONS,
            )
        ]
    return []


def _reference_checks(
    data: dict[str, Any], refs: References, agreement: Agreement | None
) -> list[Violation]:
    """Checks on what the data points to (request, places, other agreements)."""
    out: list[Violation] = []
    if agreement is None and refs.request is None:
        message = (
            "Cette demande de télétravail n'existe pas."
            if data.get("request_id") not in (None, "", 0)
            else "Choisissez la demande de télétravail acceptée à laquelle répond l'accord : le "
            "télétravail repose sur le volontariat du salarié."
        )
        out.append(_block("request_id", message, BASIS_VOLUNTARY))
    if refs.request is not None:
        others = select(Agreement.id).where(
            Agreement.request_id == refs.request.id, Agreement.status.in_(LIVE_STATUSES)
        )
        if agreement is not None:
            others = others.where(Agreement.id != agreement.id)
        other_id = db.session.scalar(others.limit(1))
        if other_id is not None:
            out.append(
                _block(
                    "request_id",
                    f"Un accord (n° {other_id}) répond déjà à cette demande : modifiez-le plutôt "
                    "que d'en créer un second.",
                    BASIS_CONTRACT,
                )
            )
    out += _place_checks("place_id", data.get("place_id"), refs.place, refs.employee)
    out += _place_checks(
        "second_place_id", data.get("second_place_id"), refs.second_place, refs.employee
    )
    if (
        refs.place is not None
        and refs.second_place is not None
        and refs.place.id == refs.second_place.id
    ):
        out.append(
            _block(
                "second_place_id",
                "Le second lieu doit être différent du lieu principal.",
                BASIS_CONDITIONS,
            )
        )
    return out


def _attestation_and_interview_checks(values: dict[str, Any]) -> list[Violation]:
    """Adaptation length given; insurance expiry and annual interview against the other dates."""
    out: list[Violation] = []
    if values.get("adaptation_months") is None:
        out.append(
            _block(
                "adaptation_months",
                "Indiquez la durée de la période d'adaptation, pendant laquelle chaque partie "
                "peut mettre fin au télétravail.",
                BASIS_ADAPTATION,
            )
        )
    start = values.get("start_date")
    received = values.get("insurance_received_date")
    expiry = values.get("insurance_expiry_date")
    if expiry is not None and received is not None and expiry < received:
        out.append(
            _block(
                "insurance_expiry_date",
                f"L'attestation d'assurance expirerait le {expiry:%d/%m/%Y}, avant d'avoir été "
                f"reçue le {received:%d/%m/%Y}.",
                BASIS_POLICY,
            )
        )
    elif expiry is not None and start is not None and expiry < start:
        out.append(
            _warn(
                "insurance_expiry_date",
                f"L'attestation d'assurance expire le {expiry:%d/%m/%Y}, avant le début du "
                "télétravail : demandez une attestation à jour.",
                BASIS_POLICY,
            )
        )
    due = values.get("annual_interview_due_date")
    if due is not None and start is not None:
        if due < start:
            out.append(
                _block(
                    "annual_interview_due_date",
                    f"L'entretien annuel ({due:%d/%m/%Y}) ne peut pas précéder le début du "
                    f"télétravail ({start:%d/%m/%Y}).",
                    BASIS_INTERVIEW,
                )
            )
        elif due > _safe_add_months(start, 12, due):
            out.append(
                _warn(
                    "annual_interview_due_date",
                    f"Entretien annuel prévu le {due:%d/%m/%Y}, plus d'un an après le début du "
                    "télétravail : il doit avoir lieu chaque année.",
                    BASIS_INTERVIEW,
                )
            )
    return out


def _safe_add_months(start: date, months: int, fallback: date | None = None) -> date | None:
    try:
        return add_months(start, months)
    except (OverflowError, ValueError):
        return fallback


def prepare(data: dict[str, Any]) -> dict[str, Any]:
    """Normalised column values from the data: derived dates, trimmed texts, pattern."""
    values = {key: data.get(key) for key in FIELDS if key != "request_id"}
    for key in ("place_id", "second_place_id"):
        values[key] = values[key] or None
    for key in ("contact_slots", "time_control", "insurance_insurer"):
        values[key] = (values[key] or "").strip()
    values["costs_coverage"] = "\n".join(
        line.strip() for line in (values["costs_coverage"] or "").splitlines() if line.strip()
    )
    if values["reversibility_clause"] not in REVERSIBILITY_CLAUSES:
        values["reversibility_clause"] = None
    values["equipment"] = "\n".join(
        line.strip() for line in (values["equipment"] or "").splitlines() if line.strip()
    )
    values["weekly_pattern"] = values["weekly_pattern"] or EMPTY_PATTERN
    values["allowance_scheme"] = values["allowance_scheme"] or "none"
    if values["allowance_amount"] is None:
        values["allowance_amount"] = Decimal("0")
    start, months = values["start_date"], values["adaptation_months"]
    values["adaptation_end_date"] = None
    if start is not None and months is not None and months > 0:
        try:
            values["adaptation_end_date"] = adaptation_end_date(start, months)
        except (OverflowError, ValueError):
            values["adaptation_end_date"] = None
    if values["annual_interview_due_date"] is None and start is not None:
        try:
            values["annual_interview_due_date"] = first_interview_due(start)
        except (OverflowError, ValueError):
            values["annual_interview_due_date"] = None
    return values


#: Sanity bounds of the numbers and dates (beyond them a value is a typing mistake).
INT_BOUNDS: dict[str, tuple[int, int, str]] = {
    "adaptation_months": (0, 36, "Entre 0 et 36 mois."),
    "notice_days_during_adaptation": (0, 365, "Entre 0 et 365 jours."),
    "notice_days_after_adaptation": (0, 365, "Entre 0 et 365 jours."),
}
DATE_FIELDS: tuple[str, ...] = (
    "start_date",
    "end_date",
    "insurance_received_date",
    "insurance_expiry_date",
    "electrical_statement_date",
    "annual_interview_due_date",
)
MIN_YEAR, MAX_YEAR = 1900, 2200


def _bounds_checks(data: dict[str, Any]) -> tuple[list[Violation], dict[str, Any]]:
    """Out-of-range numbers and dates: refused, and left out (None) of the rule checks."""
    out: list[Violation] = []
    data = dict(data)
    for key, (low, high, message) in INT_BOUNDS.items():
        value = data.get(key)
        if value is not None and not (isinstance(value, int) and low <= value <= high):
            out.append(_block(key, message, BASIS_POLICY))
            data[key] = None
    for key in DATE_FIELDS:
        value = data.get(key)
        if value is not None and not (
            isinstance(value, date) and MIN_YEAR <= value.year <= MAX_YEAR
        ):
            out.append(
                _block(key, f"Date hors limites (années {MIN_YEAR} à {MAX_YEAR}).", BASIS_POLICY)
            )
            data[key] = None
    days = data.get("days_per_week")
    if days is not None and not (
        isinstance(days, Decimal) and days.is_finite() and abs(days) < 10**7
    ):
        out.append(_block("days_per_week", "Nombre de jours invalide.", BASIS_POLICY))
        data["days_per_week"] = None
    return out, data


def agreement_violations(
    data: dict[str, Any], today: date, agreement: Agreement | None = None
) -> list[Violation]:
    """Every rule the data breaks (domain rules plus references); field names of the form."""
    refs = resolve(data, agreement)
    out, data = _bounds_checks(data)
    values = prepare(data)
    out += _reference_checks(data, refs, agreement)
    if refs.policy is None:
        out.append(_no_policy())
    elif refs.employee is not None:
        shadow = SimpleNamespace(**values)
        own_id = agreement.id if agreement is not None else None
        out += check_agreement(
            agreement_terms(shadow, place=refs.place, second_place=refs.second_place),
            post_terms(refs.employee.post),
            employee_terms(refs.employee),
            request_terms(refs.request),
            policy_terms(refs.policy),
            today,
            others=other_agreements(refs.employee.id, own_id),
            place_loads=place_loads(
                refs.place, refs.second_place, own_id, values["start_date"], values["end_date"]
            ),
        )
    out += _attestation_and_interview_checks(values)
    return [Violation(FIELD_MAP.get(v.field, v.field), v.message, v.basis, v.blocking) for v in out]


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _event(
    agreement: Agreement,
    event: str,
    from_state: str | None,
    to_state: str,
    actor: User | None,
    today: date,
    note: str = "",
) -> AgreementEvent:
    row = AgreementEvent(
        agreement_id=agreement.id,
        event=event,
        from_state=from_state,
        to_state=to_state,
        event_date=today,
        note=note,
        actor_id=actor.id if actor is not None else None,
    )
    db.session.add(row)
    return row


def create_agreement(
    data: dict[str, Any], actor: User | None, confirm_warnings: bool, today: date
) -> Agreement:
    """Create a draft agreement answering an accepted request (RuleViolations if refused)."""
    require_compliance(agreement_violations(data, today), confirm_warnings)
    refs = resolve(data)
    agreement = Agreement(
        employee_id=refs.employee.id,
        request_id=refs.request.id,
        kind="regular",
        status=lifecycle.initial_state(lifecycle.KIND_STANDARD),
    )
    assign(agreement, prepare(data))
    db.session.add(agreement)
    record_change(agreement, actor)
    _event(agreement, "create", None, agreement.status, actor, today)
    return agreement


def update_agreement(
    agreement: Agreement,
    data: dict[str, Any],
    expected_version: int | None,
    actor: User | None,
    confirm_warnings: bool,
    today: date,
    *,
    allow_statuses: tuple[str, ...] = EDITABLE_STATUSES,
) -> Agreement:
    """Edit an agreement (409 if stale); an issued avenant goes back to draft with an event.

    ``allow_statuses`` lets the lifecycle's amend flow edit a running agreement: outside
    EDITABLE_STATUSES the status is left as is and no event is written (the caller does it).
    """
    check_version(agreement, expected_version, LABEL)
    if agreement.status not in allow_statuses:
        raise BusinessRuleError(locked_message(agreement) or "Cet accord ne peut pas être modifié.")
    require_compliance(agreement_violations(data, today, agreement), confirm_warnings)
    assign(agreement, prepare(data))
    previous = agreement.status
    reissue = previous == lifecycle.ISSUED and bool(changed_fields(agreement))
    if reissue:
        agreement.status = lifecycle.DRAFT
    record_change(agreement, actor)
    if reissue:
        _event(
            agreement,
            "edit",
            previous,
            agreement.status,
            actor,
            today,
            note="Avenant émis modifié avant signature : une nouvelle version doit être émise.",
        )
    return agreement


def amend_agreement(
    agreement: Agreement,
    data: dict[str, Any],
    expected_version: int | None,
    actor: User | None,
    confirm_warnings: bool,
    today: date,
) -> Agreement:
    """Same checks as update_agreement, for the lifecycle's « avenant modificatif » flow."""
    return update_agreement(
        agreement,
        data,
        expected_version,
        actor,
        confirm_warnings,
        today,
        allow_statuses=EDITABLE_STATUSES + AMENDABLE_STATUSES,
    )
