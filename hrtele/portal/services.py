"""Operations of the employee's own space; every query is scoped to one employee.

Routes pass the employee of the logged-in account (``actor.employee_id``), never an id read
from the URL. Services flush and audit; the route commits once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext
from sqlalchemy import and_, false, or_, select, update
from sqlalchemy.orm import defer, joinedload, selectinload

from hrtele import clock
from hrtele.audit.service import changed_fields, record
from hrtele.domain import lifecycle, notice
from hrtele.domain.dates import format_date_fr
from hrtele.domain.pattern import (
    EMPTY_PATTERN,
    WEEKDAYS_FR,
    has_fixed_days,
    slots_for_weekday,
)
from hrtele.domain.rules import (
    check_request,
    monthly_allowance,
)
from hrtele.domain.terms import RequestTerms, Violation
from hrtele.domain_adapters import (
    RuleViolations,
    employee_terms,
    employer_policy,
    policy_terms,
    post_terms,
)
from hrtele.editing import BusinessRuleError, check_version
from hrtele.extensions import db
from hrtele.lifecycle.services import end_terms_for, interview_due_date
from hrtele.models import (
    Absence,
    Agreement,
    AgreementEvent,
    AnnualInterview,
    AuditEntry,
    Employee,
    EquipmentItem,
    IssuedDocument,
    Place,
    PriorityInformation,
    SignedScan,
    TeleworkRequest,
    User,
    UserSession,
)
from hrtele.models.base import utcnow
from hrtele.notifications import events as notification_events
from hrtele.places.services import describe_schedule_of, place_names
from hrtele.requests.services import (
    create_request,
    request_violations,
    update_request,
    withdraw_request,
)
from hrtele.web.filters import number_fr
from hrtele.web.labels import LABELS

#: Agreements the employee sees as current (a draft is HR's working copy, not yet issued).
LIVE_STATUSES: frozenset[str] = lifecycle.LIVE_STATES - {lifecycle.DRAFT}
#: Agreements shown in the history.
PAST_STATUSES: frozenset[str] = lifecycle.CLOSED_STATES
#: Agreements whose end the employee may ask for from their space (the same as HR's).
ENDABLE_STATUSES: frozenset[str] = lifecycle.ENDABLE_STATES
#: A wished end date further than this after the earliest possible one is a typing mistake.
MAX_END_DELAY = timedelta(days=366)
EXPORT_FORMAT = "hrtele-export-salarie/1"
NBSP = "\u00a0"
#: Place choices of the request form (hrtele/portal/forms.py uses the same values).
PLACE_HOME = "home"
PLACE_THIRD = "third_place"
PLACE_BOTH = "home_and_third_place"


# --------------------------------------------------------------------------------------------
# My telework
# --------------------------------------------------------------------------------------------


@dataclass
class AgreementView:
    """An agreement with the facts the employee's page shows, computed once."""

    agreement: Agreement
    pattern_text: str
    monthly_allowance: Decimal | None
    next_interview: date | None
    equipment: list[EquipmentItem] = field(default_factory=list)
    interviews: list[AnnualInterview] = field(default_factory=list)

    @property
    def can_request_end(self) -> bool:
        """True when the employee may ask to end this agreement from their space."""
        return self.agreement.status in ENDABLE_STATUSES

    @property
    def is_live(self) -> bool:
        """True for an agreement in force or being put in place."""
        return self.agreement.status in LIVE_STATUSES


def _monthly_allowance(agreement: Agreement) -> Decimal | None:
    """Monthly allowance of the agreement (capped), None for a one-off or unknown scheme."""
    try:
        amount = monthly_allowance(
            agreement.allowance_scheme or "none",
            agreement.allowance_amount or Decimal(0),
            agreement.days_per_week or Decimal(0),
        )
    except ValueError:
        return None
    cap = agreement.allowance_monthly_cap
    if amount is not None and cap is not None and amount > cap:
        return cap
    return amount


def _next_interview(agreement: Agreement) -> date | None:
    """Next annual interview, as HR's follow-up counts it (while telework runs or is signed)."""
    if agreement.status not in lifecycle.INTERVIEW_STATES | {lifecycle.SIGNED}:
        return None
    return interview_due_date(agreement)


def my_agreements(employee_id: int, today: date) -> list[AgreementView]:
    """The employee's issued agreements, newest first, with equipment and interviews (3 queries)."""
    agreements = list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.employee_id == employee_id, Agreement.status != lifecycle.DRAFT)
            .options(
                joinedload(Agreement.place),
                joinedload(Agreement.second_place),
                selectinload(Agreement.events),
            )
            .order_by(Agreement.start_date.desc(), Agreement.id.desc())
        ).unique()
    )
    ids = [a.id for a in agreements]
    equipment: dict[int, list[EquipmentItem]] = {i: [] for i in ids}
    interviews: dict[int, list[AnnualInterview]] = {i: [] for i in ids}
    if ids:
        for item in db.session.scalars(
            select(EquipmentItem)
            .where(EquipmentItem.agreement_id.in_(ids))
            .order_by(EquipmentItem.issued_date, EquipmentItem.id)
        ):
            equipment[item.agreement_id].append(item)
        for interview in db.session.scalars(
            select(AnnualInterview)
            .where(AnnualInterview.agreement_id.in_(ids))
            .order_by(AnnualInterview.held_date.desc(), AnnualInterview.id.desc())
        ):
            interviews[interview.agreement_id].append(interview)
    return [
        AgreementView(
            agreement=a,
            pattern_text=describe_schedule_of(a),
            monthly_allowance=_monthly_allowance(a),
            next_interview=_next_interview(a),
            equipment=equipment[a.id],
            interviews=interviews[a.id],
        )
        for a in agreements
    ]


def my_requests(employee_id: int) -> list[TeleworkRequest]:
    """The employee's telework requests, newest first."""
    return list(
        db.session.scalars(
            select(TeleworkRequest)
            .where(TeleworkRequest.employee_id == employee_id)
            .options(joinedload(TeleworkRequest.place), joinedload(TeleworkRequest.second_place))
            .order_by(TeleworkRequest.request_date.desc(), TeleworkRequest.id.desc())
        )
    )


def pending_request(employee_id: int) -> TeleworkRequest | None:
    """The employee's request still awaiting HR's answer, if any."""
    return db.session.scalar(
        select(TeleworkRequest)
        .where(TeleworkRequest.employee_id == employee_id, TeleworkRequest.status == "pending")
        .order_by(TeleworkRequest.request_date, TeleworkRequest.id)
        .limit(1)
    )


def endable_agreement(employee_id: int) -> Agreement | None:
    """The employee's agreement in adaptation or active (the one whose end may be asked)."""
    return db.session.scalar(
        select(Agreement)
        .where(Agreement.employee_id == employee_id, Agreement.status.in_(ENDABLE_STATUSES))
        .order_by(Agreement.start_date.desc(), Agreement.id.desc())
        .limit(1)
    )


# --------------------------------------------------------------------------------------------
# My documents
# --------------------------------------------------------------------------------------------


def my_documents_stmt(employee_id: int):
    """The employee's issued documents, newest first (without loading the PDF bytes)."""
    return (
        select(IssuedDocument)
        .where(IssuedDocument.employee_id == employee_id)
        .options(defer(IssuedDocument.pdf_bytes), defer(IssuedDocument.snapshot_json))
        .order_by(IssuedDocument.issued_dt.desc(), IssuedDocument.id.desc())
    )


def download_url(document_id: int, external: bool = False) -> str | None:
    """URL of the stored PDF (documents area), or None while that endpoint does not exist."""
    if "documents.download" not in current_app.view_functions:
        return None
    return url_for("documents.download", document_id=document_id, _external=external)


def acknowledge_document(document: IssuedDocument, actor: User | None) -> bool:
    """Record the receipt of a document once; False when it was already acknowledged.

    A conditional UPDATE keeps the first timestamp even when two clicks race.
    """
    now = utcnow()
    result = db.session.execute(
        update(IssuedDocument)
        .where(IssuedDocument.id == document.id, IssuedDocument.acknowledged_dt.is_(None))
        .values(acknowledged_dt=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(document, ["acknowledged_dt"])
        return False
    db.session.refresh(document, ["acknowledged_dt"])
    record(
        "update",
        IssuedDocument.__tablename__,
        document.id,
        actor,
        {"acknowledged_dt": [None, now.isoformat()]},
    )
    notification_events.document_acknowledged(document)
    return True


# --------------------------------------------------------------------------------------------
# A voluntary telework request
# --------------------------------------------------------------------------------------------


def third_place_choices() -> list[tuple[int, str]]:
    """(id, label) of the third places open to every employee, with an empty first choice."""
    rows = db.session.execute(
        select(Place.id, Place.name, Place.address, Place.third_place_type)
        .where(Place.kind == "third_place")
        .order_by(Place.name, Place.id)
    )
    out: list[tuple[int, str]] = [(0, gettext("— Choisissez un tiers-lieu —"))]
    for r in rows:
        kind = LABELS["third_place_type"].get(r.third_place_type or "", "")
        first_line = (r.address or "").splitlines()[0].strip() if r.address else ""
        text = r.name + (f" ({kind})" if kind else "") + (f" — {first_line}" if first_line else "")
        out.append((r.id, text))
    return out


def request_precheck(employee: Employee, today: date) -> list[Violation]:
    """Points the employee should know before asking (post eligibility, seniority, rate)."""
    out = check_request(
        RequestTerms(request_date=today, status="pending", wished_days=None),
        post_terms(employee.post),
        employee_terms(employee),
        policy_terms(employer_policy()),
        today,
    )
    note = _live_agreement_note(employee.id)
    return out if note is None else [*out, note]


def max_days_hint(employee: Employee) -> str:
    """French help text on the weekly cap that applies to this employee."""
    from hrtele.domain.rules import max_days_allowed

    terms = policy_terms(employer_policy())
    cap = max_days_allowed(post_terms(employee.post), employee_terms(employee), terms)
    text = gettext(
        "Jours ou demi-journées (par ex. 1,5). Plafond applicable à votre poste : %(cap)s jour(s) "
        "par semaine ; au moins %(onsite)s jour(s) sur site.",
        cap=number_fr(cap),
        onsite=number_fr(terms.min_onsite_days_per_week),
    )
    if not terms.half_days_allowed:
        text += " " + gettext("La politique de l'employeur n'autorise que des journées entières.")
    return text


def _lock_employee(employee_id: int) -> None:
    """Serialise writes of one employee (PostgreSQL row lock; SQLite writes are serialised)."""
    db.session.execute(select(Employee.id).where(Employee.id == employee_id).with_for_update())


def _live_agreement_note(employee_id: int) -> Violation | None:
    status = db.session.scalar(
        select(Agreement.status)
        .where(
            Agreement.employee_id == employee_id, Agreement.status.in_(lifecycle.LIVE_STATES)
        )
        .order_by(Agreement.id.desc())
        .limit(1)
    )
    if status is None:
        return None
    return Violation(
        field="employee",
        message=gettext(
            "Vous avez déjà un accord de télétravail (état « %(status)s ») : votre demande sera "
            "examinée comme une demande de modification de ses conditions.",
            status=LABELS["agreement_status"].get(status, status).lower(),
        ),
        basis="",
        blocking=False,
    )


def submit_request(
    employee: Employee, data: dict[str, Any], actor: User | None, today: date | None = None
) -> tuple[TeleworkRequest, list[Violation]]:
    """Record the employee's own pending request; returns it with the warnings to show.

    Refused (nothing written) when a request is already pending or a rule blocks it; warnings
    (caps, eligibility, seniority) do not block: HR decides.
    """
    today = today or clock.today()
    _lock_employee(employee.id)
    pending = pending_request(employee.id)
    if pending is not None:
        raise BusinessRuleError(
            gettext(
                "Vous avez déjà une demande de télétravail en attente (demande du %(date)s) : "
                "attendez la réponse des ressources humaines avant d'en faire une nouvelle.",
                date=format_date_fr(pending.request_date),
            )
        )
    values = {
        "employee_id": employee.id,
        "request_date": today,
        "initiative": "employee",
        **_wishes(data),
    }
    warnings = _checked_warnings(employee, values, today)
    req = create_request(values, actor, confirm_warnings=True, today=today)
    notification_events.request_submitted(req)
    return req, warnings


def _wishes(data: dict[str, Any]) -> dict[str, Any]:
    """The part of a request the employee chooses (days, half-days, places, motive)."""
    return {
        "wished_days": data["wished_days"],
        "wished_pattern": data["wished_pattern"] or EMPTY_PATTERN,
        "place_id": data["place_id"],
        "second_place_id": data.get("second_place_id"),
        "motive": data.get("motive") or "",
    }


def _checked_warnings(employee: Employee, values: dict[str, Any], today: date,
                      request_id: int | None = None) -> list[Violation]:
    """Warnings to show the employee; RuleViolations (nothing written) when a rule blocks."""
    violations = request_violations(values, request_id=request_id, today=today)
    blocking = [v for v in violations if v.blocking]
    if blocking:
        raise RuleViolations(blocking)
    # The requests area words its context warnings for HR (« ce salarié… »); the employee gets
    # the rules engine's own warnings and a note in their words.
    warnings = [v for v in violations if v.field != "employee_id"]
    note = _live_agreement_note(employee.id)
    if note is not None:
        warnings.append(note)
    return warnings


def own_request(employee_id: int, request_id: int) -> TeleworkRequest | None:
    """One of the employee's requests, or None (someone else's request is never loaded)."""
    return db.session.scalar(
        select(TeleworkRequest)
        .where(TeleworkRequest.id == request_id, TeleworkRequest.employee_id == employee_id)
        .options(joinedload(TeleworkRequest.place), joinedload(TeleworkRequest.second_place))
    )


def _require_pending(req: TeleworkRequest) -> None:
    if req.status != "pending":
        raise BusinessRuleError(
            gettext(
                "Cette demande a déjà reçu une réponse (%(status)s) : elle ne peut plus être "
                "modifiée ni retirée.",
                status=LABELS["request_status"].get(req.status, req.status).lower(),
            )
        )


def change_own_request(
    req: TeleworkRequest, employee: Employee, data: dict[str, Any],
    expected_version: int | None, actor: User | None, today: date | None = None,
) -> list[Violation]:
    """Change the employee's pending request (same checks as asking); returns the warnings.

    The request keeps its date: it is the written proof of the employee's voluntary choice,
    and HR's answer is counted from it.
    """
    today = today or clock.today()
    _lock_employee(employee.id)
    db.session.refresh(req)
    check_version(req, expected_version, gettext("Votre demande"))
    _require_pending(req)
    values = {
        "employee_id": employee.id,
        "request_date": req.request_date,
        "initiative": req.initiative,
        **_wishes(data),
    }
    warnings = _checked_warnings(employee, values, today, request_id=req.id)
    update_request(req, values, req.version, actor, confirm_warnings=True, today=today)
    db.session.flush()
    notification_events.request_changed(req)
    return warnings


def withdraw_own_request(req: TeleworkRequest, expected_version: int | None, actor: User | None,
                         today: date | None = None) -> TeleworkRequest:
    """The employee withdraws their pending request (dated today; HR is notified)."""
    today = today or clock.today()
    _lock_employee(req.employee_id)
    db.session.refresh(req)
    check_version(req, expected_version, gettext("Votre demande"))
    _require_pending(req)
    withdraw_request(req, today, req.version, actor, today)
    notification_events.request_changed(req)
    return req


def request_place_kind(req: TeleworkRequest) -> str:
    """Which place choice of the form a stored request matches (home, third place or both)."""
    if req.second_place_id is not None:
        return PLACE_BOTH
    if req.place is not None and req.place.kind == "third_place":
        return PLACE_THIRD
    return PLACE_HOME


def form_pattern(req: TeleworkRequest) -> str:
    """The request's half-days as the form shows them (code 1 home, code 2 third place)."""
    if request_place_kind(req) == PLACE_THIRD:
        return req.wished_pattern.replace("1", "2")
    return req.wished_pattern


def stored_pattern(pattern: str, place_kind: str) -> str:
    """The form's half-days (1 home, 2 third place) in the stored encoding of the request.

    Stored codes refer to the request's places: with a third place alone, it is place 1.
    """
    if place_kind == PLACE_THIRD:
        return pattern.replace("2", "1")
    return pattern


# --------------------------------------------------------------------------------------------
# Where and when: my week
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceDay:
    """One weekday of an agreement's pattern: where each half-day is teleworked ("" on site)."""

    label: str
    morning: str
    afternoon: str


def days_by_place(agreement: Agreement) -> list[PlaceDay]:
    """The teleworked weekdays of an agreement with the place of each half-day."""
    pattern = agreement.weekly_pattern
    if not has_fixed_days(pattern):
        return []
    names = place_names(agreement.place, agreement.second_place)
    out = []
    for index, weekday in enumerate(WEEKDAYS_FR):
        morning, afternoon = slots_for_weekday(pattern, index)
        if morning or afternoon:
            out.append(PlaceDay(weekday.capitalize(), names.get(morning, ""),
                                names.get(afternoon, "")))
    return out


@dataclass(frozen=True)
class WeekDay:
    """A day of the employee's current week as the planning computes it (one-off changes in)."""

    day: date
    morning: Any
    afternoon: Any


def this_week(employee_id: int, today: date) -> tuple[list[WeekDay], Any]:
    """The employee's days of the current week (Monday to Sunday) and the planning grid."""
    from hrtele.domain import planning as dp
    from hrtele.planning.services import Filters, compute_grid

    days = dp.week_days(today)
    grid = compute_grid(Filters(employee_ids=(employee_id,)), list(days))
    if not grid.rows:
        return [], grid
    row = grid.rows[0]
    out = [WeekDay(d, row.cells[(d, "am")], row.cells[(d, "pm")]) for d in days]
    return [w for w in out if not (w.morning.kind == dp.OFF and w.afternoon.kind == dp.OFF)], grid


# --------------------------------------------------------------------------------------------
# Asking to end telework (reversibility at the employee's initiative)
# --------------------------------------------------------------------------------------------


def end_terms(agreement: Agreement, today: date) -> notice.EndTerms:
    """What applies if the employee notifies the end of telework today (the domain decides)."""
    return end_terms_for(agreement, today)


def latest_end(agreement: Agreement, terms: notice.EndTerms) -> date:
    """Latest end date the employee may ask for (a year after the earliest, within the term)."""
    latest = terms.earliest_end + MAX_END_DELAY
    if agreement.end_date is not None:
        latest = min(latest, agreement.end_date)
    return latest


def _days_fr(n: int) -> str:
    return gettext("%(n)s jour", n=n) if n <= 1 else gettext("%(n)s jours", n=n)


def _check_end_date(agreement: Agreement, terms: notice.EndTerms, wished: date) -> None:
    problems = notice.check_end(
        terms, mutual=False, effective=wished, agreement_end=agreement.end_date
    )
    if problems:
        raise RuleViolations(problems)
    if wished > terms.earliest_end + MAX_END_DELAY:
        raise RuleViolations(
            [
                Violation(
                    field="effective_date",
                    message=gettext(
                        "Date trop lointaine : choisissez une date de fin au plus tard le %(latest)s "
                        "(un an après la date la plus proche possible).",
                        latest=format_date_fr(terms.earliest_end + MAX_END_DELAY),
                    ),
                    basis="",
                    blocking=True,
                )
            ]
        )


def request_end(
    agreement: Agreement, wished: date, reason: str, actor: User | None, today: date | None = None
) -> Agreement:
    """Notify the end of telework at the employee's initiative (status « ending »).

    Checks the notice delay of the current phase, applies the ``notify_end`` transition of the
    state machine, stores the ending_* facts, appends the timeline event and audits it.
    """
    today = today or clock.today()
    db.session.execute(select(Agreement.id).where(Agreement.id == agreement.id).with_for_update())
    db.session.refresh(agreement)
    if agreement.status not in ENDABLE_STATUSES:
        raise BusinessRuleError(
            gettext(
                "Votre accord n'est plus en cours (état « %(status)s ») : la fin du télétravail "
                "ne peut pas être demandée.",
                status=LABELS["agreement_status"].get(agreement.status, agreement.status).lower(),
            )
        )
    terms = end_terms(agreement, today)
    _check_end_date(agreement, terms, wished)
    try:
        target = lifecycle.next_state(
            agreement.status,
            lifecycle.NOTIFY_END,
            lifecycle.TransitionContext(
                mutual_agreement=False,
                notice_phase=terms.phase,
                reversibility_clause=terms.clause,
            ),
        )
    except lifecycle.TransitionRefused as exc:
        raise BusinessRuleError(
            exc.message + " " + gettext("Adressez-vous au service des ressources humaines.")
        ) from None
    from_state = agreement.status
    reason = reason.strip()
    agreement.status = target
    agreement.ending_initiative = "employee"
    agreement.ending_notification_date = today
    agreement.ending_effective_date = wished
    agreement.ending_reason = reason
    # No postal method and no return arrangements yet: HR records them when it issues the
    # written notice (documents area); the notice reads the phase and delay stored here.
    agreement.ending_phase = terms.phase
    agreement.ending_notice_days = terms.notice_days
    agreement.is_end_mutual = False
    changes = changed_fields(agreement)
    note = gettext(
        "À l'initiative du salarié, demandée depuis son espace le %(today)s ; délai de "
        "prévenance de %(days)s ; fin effective le %(end)s.",
        today=format_date_fr(today),
        days=_days_fr(terms.notice_days),
        end=format_date_fr(wished),
    )
    if reason:
        note += " " + gettext("Motif : %(reason)s", reason=reason)
    db.session.add(
        AgreementEvent(
            agreement_id=agreement.id,
            event=lifecycle.NOTIFY_END,
            from_state=from_state,
            to_state=target,
            event_date=today,
            note=note[:4000],
            actor_id=actor.id if actor is not None else None,
        )
    )
    db.session.flush()
    record(
        "transition",
        Agreement.__tablename__,
        agreement.id,
        actor,
        {
            "event": lifecycle.NOTIFY_END,
            "from": from_state,
            "to": target,
            "event_date": today.isoformat(),
            **{k: v for k, v in changes.items() if k != "status"},
        },
    )
    notification_events.end_requested(agreement)
    return agreement


# --------------------------------------------------------------------------------------------
# Export of my data (GDPR art. 15 and 20)
# --------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready value: dates in ISO 8601, decimals as strings, bytes never."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    return value


def _columns(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Column values of a row as JSON-ready values (dates ISO, decimals as strings)."""
    out: dict[str, Any] = {}
    for column in obj.__table__.columns:
        if column.key in skip:
            continue
        out[column.key] = _plain(getattr(obj, column.key))
    return out


def _place(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "id": place.id,
        "kind": place.kind,
        "name": place.name,
        "address": place.address,
        "third_place_type": place.third_place_type,
    }


def _actor_view(entry_actor_id: int | None, me: User, roles: dict[int, str]) -> str:
    """Who acted, without HR staff's personal data (CNIL: rights of third parties)."""
    if entry_actor_id is None:
        return "système"
    if entry_actor_id == me.id:
        return "vous"
    role = roles.get(entry_actor_id, "")
    return LABELS["role"].get(role, "autre utilisateur")


def _audit_about(me: User, employee: Employee, ids: dict[str, list[int]]) -> list[dict]:
    conditions = [
        AuditEntry.actor_id == me.id,
        and_(AuditEntry.object_type == User.__tablename__, AuditEntry.object_id == me.id),
        and_(AuditEntry.object_type == Employee.__tablename__, AuditEntry.object_id == employee.id),
    ]
    for table, values in ids.items():
        if values:
            conditions.append(
                and_(AuditEntry.object_type == table, AuditEntry.object_id.in_(values))
            )
    entries = list(
        db.session.scalars(
            select(AuditEntry)
            .where(or_(false(), *conditions))
            .order_by(AuditEntry.at_dt, AuditEntry.id)
        )
    )
    actor_ids = {e.actor_id for e in entries if e.actor_id is not None and e.actor_id != me.id}
    roles = (
        dict(db.session.execute(select(User.id, User.role).where(User.id.in_(actor_ids))).all())
        if actor_ids
        else {}
    )
    out = []
    for e in entries:
        try:
            changes = json.loads(e.changes_json or "{}")
        except ValueError:
            changes = {}
        item = {
            "at": _plain(e.at_dt),
            "actor": _actor_view(e.actor_id, me, roles),
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "changes": changes,
        }
        if e.actor_id == me.id:
            item["ip"] = e.ip  # the employee's own address only
        out.append(item)
    return out


def _rows_in(model: Any, column: Any, ids: list[int]) -> list[Any]:
    """Rows of ``model`` whose ``column`` is one of ``ids``, by id (no query when there are none)."""
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(column.in_(ids)).order_by(model.id)))


def build_export(employee: Employee, me: User, today: date | None = None) -> dict[str, Any]:
    """Everything the application holds about ``employee`` (metadata of documents, no bytes)."""
    today = today or clock.today()
    requests = list(
        db.session.scalars(
            select(TeleworkRequest)
            .where(TeleworkRequest.employee_id == employee.id)
            .options(joinedload(TeleworkRequest.place))
            .order_by(TeleworkRequest.id)
        )
    )
    agreements = list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.employee_id == employee.id)
            .options(
                joinedload(Agreement.place),
                joinedload(Agreement.second_place),
                selectinload(Agreement.events),
            )
            .order_by(Agreement.id)
        ).unique()
    )
    agreement_ids = [a.id for a in agreements]
    equipment = _rows_in(EquipmentItem, EquipmentItem.agreement_id, agreement_ids)
    interviews = _rows_in(AnnualInterview, AnnualInterview.agreement_id, agreement_ids)
    documents = list(
        db.session.scalars(
            my_documents_stmt(employee.id).order_by(None).order_by(IssuedDocument.id)
        )
    )
    document_ids = [d.id for d in documents]
    scans = _rows_in(SignedScan, SignedScan.document_id, document_ids)
    homes = list(
        db.session.scalars(select(Place).where(Place.employee_id == employee.id).order_by(Place.id))
    )
    absences = list(
        db.session.scalars(
            select(Absence).where(Absence.employee_id == employee.id).order_by(Absence.absence_date)
        )
    )
    priority = list(
        db.session.execute(
            select(PriorityInformation.informed_date, PriorityInformation.post_id)
            .where(PriorityInformation.employee_id == employee.id)
            .order_by(PriorityInformation.informed_date)
        )
    )
    sessions = list(
        db.session.scalars(
            select(UserSession).where(UserSession.user_id == me.id).order_by(UserSession.id)
        )
    )
    post = employee.post
    snapshots: dict[int, Any] = {}
    snapshot_rows = (
        db.session.execute(
            select(IssuedDocument.id, IssuedDocument.snapshot_json).where(
                IssuedDocument.id.in_(document_ids)
            )
        )
        if document_ids
        else []
    )
    for doc_id, raw in snapshot_rows:
        try:
            snapshots[doc_id] = json.loads(raw)
        except (TypeError, ValueError):
            snapshots[doc_id] = raw
    ids = {
        Agreement.__tablename__: agreement_ids,
        TeleworkRequest.__tablename__: [r.id for r in requests],
        IssuedDocument.__tablename__: document_ids,
        Place.__tablename__: [p.id for p in homes],
        EquipmentItem.__tablename__: [e.id for e in equipment],
        AnnualInterview.__tablename__: [i.id for i in interviews],
        SignedScan.__tablename__: [s.id for s in scans],
    }
    return {
        "format": EXPORT_FORMAT,
        "generated_at": _plain(utcnow()),
        "generated_on": today.isoformat(),
        "about": _about(),
        "account": {
            "email": me.email,
            "display_name": me.display_name,
            "role": me.role,
            "created_dt": _plain(me.created_dt),
            "password_changed_dt": _plain(me.password_changed_dt),
            "sessions": [_columns(s, skip=("token_hash", "user_id")) for s in sessions],
        },
        "employee": {
            **_columns(employee, skip=("manager_id",)),
            "category": employee.category.label if employee.category else None,
            "manager": employee.manager.full_name if employee.manager else None,
        },
        "post": None
        if post is None
        else {
            **_columns(post),
            "establishment": post.establishment.name if post.establishment else None,
            "category": post.category.label if post.category else None,
        },
        "places": [_columns(p) for p in homes],
        "requests": [
            {**_columns(r, skip=("decided_by_id",)), "place": _place(r.place)} for r in requests
        ],
        "agreements": [
            {
                **_columns(a),
                "place": _place(a.place),
                "second_place": _place(a.second_place),
                "events": [_columns(ev, skip=("actor_id",)) for ev in a.events],
            }
            for a in agreements
        ],
        "equipment": [_columns(e) for e in equipment],
        "annual_interviews": [_columns(i, skip=("recorded_by_id",)) for i in interviews],
        "documents": [
            {
                **_columns(d, skip=("pdf_bytes", "snapshot_json", "issued_by_id")),
                "download_url": download_url(d.id, external=True),
                "snapshot": snapshots.get(d.id),
                "signed_scans": [
                    _columns(s, skip=("pdf_bytes", "uploaded_by_id"))
                    for s in scans
                    if s.document_id == d.id
                ],
            }
            for d in documents
        ],
        "absences": [_columns(a, skip=("employee_id",)) for a in absences],
        "priority_informations": [
            {"informed_date": _plain(p.informed_date), "post_id": p.post_id} for p in priority
        ],
        "audit": _audit_about(me, employee, ids),
    }


def _about() -> dict[str, Any]:
    """GDPR art. 15 information and the meaning of the codes used in the file (CNIL)."""
    return {
        "purpose": (
            "Gestion du télétravail : demandes, avenants, réversibilité, allocations, suivi "
            "(C. trav. L1222-9 à L1222-11, loi n° 2012-387 ; ANI du 19 juillet 2005)."
        ),
        "legal_basis": "Exécution du contrat de travail et obligations légales de l'employeur.",
        "recipients": (
            "Service des ressources humaines de l'employeur ; service paie pour les allocations."
        ),
        "retention": (
            "Pendant la relation de travail, puis 5 ans pour les avenants, notifications et "
            "allocations (C. civ. art. 2224) ; journal des opérations : 6 à 12 mois."
        ),
        "documents_note": (
            "Les PDF ne sont pas inclus : chaque document est décrit par son empreinte SHA-256 "
            "et se télécharge à l'adresse indiquée (download_url)."
        ),
        "codes": {
            "request_status": LABELS["request_status"],
            "agreement_status": LABELS["agreement_status"],
            "agreement_event": LABELS["agreement_event"],
            "place_kind": LABELS["place_kind"],
            "allowance_scheme": LABELS["allowance_scheme"],
            "initiative": LABELS["initiative"],
            "document_kind": LABELS["document_kind"],
            "ending_phase": LABELS["ending_phase"],
            "audit_action": LABELS["audit_action"],
            "weekly_pattern": (
                "14 caractères du lundi matin au dimanche après-midi ; 0 = sur site (ou non "
                "travaillé), 1 = télétravail au lieu (place), 2 = télétravail au second lieu "
                "(second_place)."
            ),
        },
    }


def record_export(employee: Employee, actor: User | None) -> None:
    """Audit the export of the employee's data (CNIL: consultation and sharing are traced)."""
    record("export", Employee.__tablename__, employee.id, actor, {"format": EXPORT_FORMAT})
