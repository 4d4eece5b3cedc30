"""Lifecycle operations shared by the web and the CLI.

Every operation validates through the pure domain (hrtele.domain.lifecycle, dates, rules),
applies its fields, writes an AgreementEvent (the timeline) and an audit entry, then flushes.
The caller (route or CLI command) commits once, or rolls back on TransitionRefused /
BusinessRuleError: a refused operation changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from hrtele.agreements.compliance import check_stored
from hrtele.audit.service import changed_fields, record, record_change
from hrtele.domain import dates, notice
from hrtele.domain import lifecycle as lc
from hrtele.domain.lifecycle import TransitionContext, TransitionRefused
from hrtele.domain.pattern import EMPTY_PATTERN
from hrtele.domain_adapters import (
    employer_policy,
    policy_terms,
)
from hrtele.editing import BusinessRuleError, check_version
from hrtele.extensions import db
from hrtele.models import (
    Agreement,
    AgreementEvent,
    AnnualInterview,
    Employee,
    EquipmentItem,
    Place,
    Post,
    PriorityInformation,
    User,
)

PARIS = ZoneInfo("Europe/Paris")
LABEL = "Cet accord"

# Events HR triggers from the lifecycle screens. Issuing the avenant (issue, reissue) belongs
# to the documents area; accept / refuse / withdraw to the requests area; amend has its own
# flow (amend_agreement); start_imposed creates a record (start_imposed()).
UI_EVENTS: tuple[str, ...] = (
    lc.SIGN,
    lc.ACTIVATE,
    lc.END_ADAPTATION,
    lc.NOTIFY_END,
    lc.COMPLETE_END,
    lc.SUSPEND,
    lc.RESUME,
    lc.RENEW,
    lc.CANCEL,
)

# States in which the annual interview is owed (L1222-10 4°, 2012): the domain registry.
INTERVIEW_STATES: tuple[str, ...] = tuple(sorted(lc.INTERVIEW_STATES))
# Agreements that still need their attestations (before activation too).
ATTESTATION_STATES: tuple[str, ...] = tuple(sorted(lc.ATTESTATION_STATES))
PRIORITY_STATES: tuple[str, ...] = tuple(sorted(lc.PRIORITY_STATES))
CLOSED_STATES: tuple[str, ...] = tuple(sorted(lc.CLOSED_STATES))

INITIATIVES = ("employee", "employer")
METHODS = ("lrar", "hand_delivery")

BASIS_ADAPTATION = "ANI 19/07/2005 art. 2"
BASIS_REVERSIBILITY = "ANI 19/07/2005 art. 3"
BASIS_INTERVIEW = "C. trav. L1222-10 4° (2012)"
BASIS_PRIORITY = "C. trav. L1222-10 3° (2012)"
BASIS_L1222_11 = "C. trav. L1222-11 (2012)"
BASIS_EQUIPMENT = "ANI 19/07/2005 art. 7"



def fmt(d: date | None) -> str:
    """jj/mm/aaaa, or an empty string."""
    return dates.format_date_fr(d) if d is not None else ""


def _days_fr(n: int) -> str:
    return f"{n} jour" if n <= 1 else f"{n} jours"


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------


def last_event_date(agreement: Agreement, events: tuple[str, ...]) -> date | None:
    """Date of the latest recorded event among ``events`` for this agreement."""
    return db.session.scalar(
        select(func.max(AgreementEvent.event_date)).where(
            AgreementEvent.agreement_id == agreement.id, AgreementEvent.event.in_(events)
        )
    )


def suspended_from(agreement: Agreement, today: date) -> str:
    """State the agreement was in when suspended: the last suspend event, else by the dates."""
    previous = db.session.scalar(
        select(AgreementEvent.from_state)
        .where(AgreementEvent.agreement_id == agreement.id, AgreementEvent.event == lc.SUSPEND)
        .order_by(AgreementEvent.id.desc())
        .limit(1)
    )
    if previous in (lc.ACTIVE, lc.ADAPTATION):
        return previous
    reference = agreement.suspension_start_date or today
    end = agreement.adaptation_end_date
    return lc.ADAPTATION if end is not None and reference <= end else lc.ACTIVE


def adaptation_end_of(agreement: Agreement) -> date | None:
    """Last day of the adaptation period: the stored date, else start + agreed months."""
    if agreement.adaptation_end_date is not None:
        return agreement.adaptation_end_date
    if agreement.start_date is None or not agreement.adaptation_months:
        return None
    return dates.adaptation_end_date(agreement.start_date, agreement.adaptation_months)


def end_terms_for(agreement: Agreement, notification_date: date) -> notice.EndTerms:
    """Phase, notice delay and earliest end of a notice given on ``notification_date``.

    The one entry point for every screen, document and job (hrtele.domain.notice decides).
    """
    policy = policy_terms(employer_policy())
    return notice.end_terms(
        start=agreement.start_date,
        adaptation_end=adaptation_end_of(agreement),
        clause=agreement.reversibility_clause or notice.CLAUSE_MUTUAL,
        notice_during=agreement.notice_days_during_adaptation,
        notice_after=agreement.notice_days_after_adaptation,
        policy_notice_during=policy.notice_days_during_adaptation,
        policy_notice_after=policy.notice_days_after_adaptation,
        notification_date=notification_date,
    )


# --------------------------------------------------------------------------------------------
# Transitions
# --------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What an event will do: the domain context, the fields to set, the timeline entry."""

    context: TransitionContext
    event_date: date
    note: str = ""
    changes: dict[str, Any] = field(default_factory=dict)


def _refuse(message: str, field_name: str | None = None, basis: str | None = None):
    raise TransitionRefused(message, field=field_name, basis=basis)


def _required_date(data: dict[str, Any], key: str, what: str) -> date:
    value = data.get(key)
    if not isinstance(value, date):
        _refuse(f"{what} : indiquez la date.", key)
    return value


def _not_future(value: date, key: str, what: str, today: date) -> None:
    if value > today:
        _refuse(f"{what} ({fmt(value)}) ne peut pas être dans le futur.", key)


def _plan_sign(a: Agreement, data: dict[str, Any], today: date) -> _Plan:
    employee_on = data.get("employee_signed_date")
    employer_on = data.get("employer_signed_date")
    issued_on = last_event_date(a, (lc.ISSUE, lc.REISSUE))
    for key, value, who in (
        ("employee_signed_date", employee_on, "La signature du salarié"),
        ("employer_signed_date", employer_on, "La signature de l'employeur"),
    ):
        if value is None:
            continue
        _not_future(value, key, who, today)
        if issued_on is not None and value < issued_on:
            _refuse(
                f"{who} ({fmt(value)}) ne peut pas précéder l'émission de l'avenant "
                f"({fmt(issued_on)}).",
                key,
            )
    signed = [d for d in (employee_on, employer_on) if d is not None]
    return _Plan(
        context=TransitionContext(employee_signed_on=employee_on, employer_signed_on=employer_on),
        event_date=max(signed) if signed else today,
        note=(
            f"Signé par le salarié le {fmt(employee_on)} et par l'employeur le {fmt(employer_on)}."
            if len(signed) == 2
            else ""
        ),
        changes={"employee_signed_date": employee_on, "employer_signed_date": employer_on},
    )


def activation_violations(a: Agreement, today: date):
    """Rules engine verdict for putting the agreement in force (attestations now blocking)."""
    return check_stored(a, today, activation=True)


def _plan_activate(a: Agreement, data: dict[str, Any], today: date) -> _Plan:
    what = "Démarrage impossible"
    start = _required_date(data, "event_date", "Date de démarrage")
    _not_future(start, "event_date", "La date de démarrage", today)
    if a.start_date is not None and start < a.start_date:
        _refuse(
            f"{what} : le télétravail ne peut pas démarrer avant la date de début prévue par "
            f"l'avenant ({fmt(a.start_date)}).",
            "event_date",
        )
    signed = [d for d in (a.employee_signed_date, a.employer_signed_date) if d is not None]
    if signed and start < max(signed):
        _refuse(
            f"{what} : le télétravail ne peut pas démarrer avant la signature de l'avenant "
            f"({fmt(max(signed))}).",
            "event_date",
        )
    adaptation_end = adaptation_end_of(a)
    has_adaptation = adaptation_end is not None and start <= adaptation_end
    blocking = [v for v in activation_violations(a, today) if v.blocking]
    insurance_ok = not any(v.field == "insurance_received_date" for v in blocking)
    context = TransitionContext(has_adaptation_period=has_adaptation, insurance_ok=insurance_ok)
    messages: list[str] = []
    first_field = None
    if not insurance_ok:
        try:
            lc.next_state(a.status, lc.ACTIVATE, context)
        except TransitionRefused as exc:
            messages.append(exc.message)
            first_field = "insurance_received_date"
    others = [v for v in blocking if v.field != "insurance_received_date"]
    if others:
        prefix = "" if messages else f"{what} : "
        messages.append(prefix + " ".join(f"{v.message} ({v.basis})" for v in others))
        first_field = first_field or others[0].field
    if messages:
        _refuse(" ".join(messages), first_field)
    changes: dict[str, Any] = {}
    if a.adaptation_end_date is None and adaptation_end is not None:
        changes["adaptation_end_date"] = adaptation_end
    if a.annual_interview_due_date is None and a.start_date is not None:
        changes["annual_interview_due_date"] = dates.first_interview_due(a.start_date)
    note = f"Démarrage le {fmt(start)}"
    note += (
        f" ; période d'adaptation jusqu'au {fmt(adaptation_end)}."
        if has_adaptation
        else " ; pas de période d'adaptation en cours."
    )
    return _Plan(context=context, event_date=start, note=note, changes=changes)


def _plan_end_adaptation(a: Agreement, data: dict[str, Any], today: date) -> _Plan:
    when = _required_date(data, "event_date", "Clôture de la période d'adaptation")
    _not_future(when, "event_date", "La date de clôture", today)
    end = adaptation_end_of(a)
    if end is not None and when <= end:
        _refuse(
            f"La période d'adaptation court jusqu'au {fmt(end)} inclus : elle ne peut être "
            f"close qu'à partir du lendemain. Pour mettre fin au télétravail pendant cette "
            "période, notifiez la fin du télétravail.",
            "event_date",
            BASIS_ADAPTATION,
        )
    return _Plan(
        context=TransitionContext(),
        event_date=when,
        note=f"Période d'adaptation achevée ; la clause de réversibilité s'applique depuis le {fmt(when)}.",
    )


def _plan_notify_end(a: Agreement, data: dict[str, Any], today: date) -> _Plan:
    what = "Notification impossible"
    initiative = data.get("initiative")
    if initiative not in INITIATIVES:
        _refuse(f"{what} : indiquez qui prend l'initiative (salarié ou employeur).", "initiative",
                BASIS_REVERSIBILITY)
    method = data.get("method")
    if method not in METHODS:
        _refuse(
            f"{what} : indiquez le mode de notification (lettre recommandée avec avis de "
            "réception ou remise en main propre contre décharge).",
            "method",
        )
    notified = _required_date(data, "notification_date", "Date de notification")
    _not_future(notified, "notification_date", "La date de notification", today)
    if a.start_date is not None and notified < a.start_date:
        _refuse(
            f"{what} : la notification ({fmt(notified)}) ne peut pas précéder le début du "
            f"télétravail ({fmt(a.start_date)}).",
            "notification_date",
        )
    return_arrangements = _text(data, "return_arrangements")
    if not return_arrangements:
        _refuse(
            f"{what} : indiquez les modalités de retour dans les locaux (poste, site, horaires, "
            "responsable) : le salarié retrouve un poste correspondant à sa qualification.",
            "return_arrangements",
            BASIS_ADAPTATION,
        )
    terms = end_terms_for(a, notified)
    mutual = bool(data.get("is_end_mutual"))
    effective = data.get("effective_date") or terms.earliest_end
    problems = notice.check_end(
        terms, mutual=mutual, effective=effective, agreement_end=a.end_date
    )
    # The transition guard explains a unilateral end refused after adaptation (below).
    problems = [v for v in problems if v.field != "is_end_mutual"]
    if problems:
        _refuse(problems[0].message, problems[0].field, problems[0].basis)
    phase, days = terms.phase, terms.notice_days
    context = TransitionContext(
        previous_state=suspended_from(a, today) if a.status == lc.SUSPENDED else a.status,
        mutual_agreement=mutual,
        notice_phase=phase,
        reversibility_clause=terms.clause,
    )
    who = "du salarié" if initiative == "employee" else "de l'employeur"
    how = "par LRAR" if method == "lrar" else "par remise en main propre contre décharge"
    note = (
        f"À l'initiative {who}, notifiée le {fmt(notified)} {how} ; délai de prévenance de "
        f"{_days_fr(days)} ; fin effective le {fmt(effective)}."
    )
    if mutual:
        note += " Fin convenue d'un commun accord."
    reason = _text(data, "reason")
    if reason:
        note += f" Motif : {reason}"
    return _Plan(
        context=context,
        event_date=notified,
        note=note,
        changes={
            "ending_initiative": initiative,
            "ending_notification_date": notified,
            "ending_effective_date": effective,
            "ending_reason": reason,
            "ending_method": method,
            "ending_phase": phase,
            "ending_notice_days": days,
            "is_end_mutual": mutual,
            "ending_return_arrangements": return_arrangements,
        },
    )


def _plan_complete_end(a: Agreement, data: dict[str, Any], today: date) -> _Plan:
    when = _required_date(data, "event_date", "Date de fin")
    _not_future(when, "event_date", "La date de fin", today)
    if a.status == lc.ENDING and a.ending_effective_date is not None and when < a.ending_effective_date:
        _refuse(
            f"La fin du télétravail ne peut pas être constatée avant sa date d'effet "
            f"({fmt(a.ending_effective_date)}), qui respecte le délai de prévenance.",
            "event_date",
        )
    if a.start_date is not None and when < a.start_date:
        _refuse(
            f"La date de fin ({fmt(when)}) ne peut pas précéder le début du télétravail "
            f"({fmt(a.start_date)}).",
            "event_date",
        )
    note = f"Fin du télétravail le {fmt(when)}."
    if a.status == lc.IMPOSED:
        note = f"Fin des circonstances exceptionnelles et du télétravail imposé le {fmt(when)}."
    return _Plan(context=TransitionContext(), event_date=when, note=note,
                 changes={"ended_date": when})


def _plan_suspend(a: Agreement, data: dict[str, Any], today: date) -> _Plan:
    reason = _text(data, "reason")
    start = data.get("start_date")
    end = data.get("end_date")
    context = TransitionContext(reason=reason, start_date=start, end_date=end)
    if isinstance(start, date) and a.start_date is not None and start < a.start_date:
        _refuse(
            f"Suspension impossible : elle ne peut pas commencer ({fmt(start)}) avant le début "
            f"du télétravail ({fmt(a.start_date)}).",
            "start_date",
        )
    note = f"Motif : {reason} ; à partir du {fmt(start)}" if start else f"Motif : {reason}"
    note += f", fin prévue le {fmt(end)}." if end else ", sans date de fin prévue."
    return _Plan(
        context=context,
        event_date=start if isinstance(start, date) else today,
        note=note,
        changes={
            "suspension_reason": reason,
            "suspension_start_date": start,
            "suspension_end_date": end,
        },
    )


def _plan_resume(a: Agreement, data: dict[str, Any], today: date) -> _Plan:
    when = _required_date(data, "event_date", "Date de reprise")
    _not_future(when, "event_date", "La date de reprise", today)
    if a.suspension_start_date is not None and when < a.suspension_start_date:
        _refuse(
            f"La reprise ({fmt(when)}) ne peut pas précéder le début de la suspension "
            f"({fmt(a.suspension_start_date)}).",
            "event_date",
        )
    previous = suspended_from(a, today)
    label = lc.STATE_LABELS[previous]
    return _Plan(
        context=TransitionContext(previous_state=previous),
        event_date=when,
        note=f"Reprise du télétravail le {fmt(when)} (état antérieur : {label}).",
        changes={"suspension_end_date": when},
    )


def _plan_renew(a: Agreement, data: dict[str, Any], today: date) -> _Plan:
    new_end = data.get("end_date")
    context = TransitionContext(
        is_fixed_term=a.end_date is not None, current_end_date=a.end_date, end_date=new_end
    )
    changes: dict[str, Any] = {"end_date": new_end, "has_pending_amendment": True}
    note = f"Échéance portée du {fmt(a.end_date)} au {fmt(new_end)} ; avenant de renouvellement à émettre."
    if a.status == lc.ENDING:
        changes.update(
            ending_initiative=None,
            ending_notification_date=None,
            ending_effective_date=None,
            ending_reason="",
            ending_method=None,
            ending_phase=None,
            ending_notice_days=None,
            is_end_mutual=False,
            ending_return_arrangements="",
        )
        note += " La fin notifiée est annulée."
    return _Plan(context=context, event_date=today, note=note, changes=changes)


def _plan_cancel(a: Agreement, data: dict[str, Any], today: date) -> _Plan:
    reason = _text(data, "reason")
    note = f"Motif : {reason}" if reason else "Abandonné avant signature."
    return _Plan(context=TransitionContext(), event_date=today, note=note)


_PLANNERS = {
    lc.SIGN: _plan_sign,
    lc.ACTIVATE: _plan_activate,
    lc.END_ADAPTATION: _plan_end_adaptation,
    lc.NOTIFY_END: _plan_notify_end,
    lc.COMPLETE_END: _plan_complete_end,
    lc.SUSPEND: _plan_suspend,
    lc.RESUME: _plan_resume,
    lc.RENEW: _plan_renew,
    lc.CANCEL: _plan_cancel,
}


def check_allowed(agreement: Agreement, event: str) -> None:
    """Raise the domain's French refusal when ``event`` is impossible in the current state."""
    if event not in lc.allowed_events(agreement.status):
        lc.next_state(agreement.status, event)  # raises TransitionRefused with the message


def _record_event(
    agreement: Agreement,
    event: str,
    from_state: str | None,
    to_state: str,
    event_date: date,
    note: str,
    actor: User | None,
) -> AgreementEvent:
    row = AgreementEvent(
        agreement_id=agreement.id,
        event=event,
        from_state=from_state,
        to_state=to_state,
        event_date=event_date,
        note=note[:4000],
        actor_id=actor.id if actor is not None else None,
    )
    db.session.add(row)
    return row


def transition(
    agreement: Agreement, event: str, data: dict[str, Any], actor: User | None, today: date
) -> AgreementEvent:
    """Apply ``event`` to the agreement after the domain's checks; writes the event and audit.

    ``data`` carries the form values and ``version`` (the version the user loaded). Raises
    TransitionRefused (French message, nothing changed) or ConcurrentEditError (409).
    """
    if event not in _PLANNERS:
        raise ValueError(f"Action non prise en charge ici : {event!r}")
    check_version(agreement, data.get("version"), LABEL)
    check_allowed(agreement, event)
    plan = _PLANNERS[event](agreement, data, today)
    from_state = agreement.status
    target = lc.next_state(from_state, event, plan.context)
    for key, value in plan.changes.items():
        setattr(agreement, key, value)
    agreement.status = target
    changes = changed_fields(agreement)
    row = _record_event(agreement, event, from_state, target, plan.event_date, plan.note, actor)
    db.session.flush()
    record(
        "transition",
        "agreements",
        agreement.id,
        actor,
        {"event": event, "from": from_state, "to": target, "event_date": plan.event_date,
         **{k: v for k, v in changes.items() if k != "status"}},
    )
    return row


def start_imposed(
    employee: Employee, data: dict[str, Any], actor: User | None, today: date
) -> Agreement:
    """Create an exceptional agreement: telework imposed under L1222-11 (epidemic, force majeure)."""
    what = "Télétravail imposé impossible"
    if not employee.is_active:
        _refuse(f"{what} : {employee.full_name} ne fait plus partie des effectifs.", "employee")
    reason = _text(data, "reason")
    start = data.get("start_date")
    end = data.get("end_date")
    lc.next_state(None, lc.START_IMPOSED,
                  TransitionContext(reason=reason, start_date=start, end_date=end))
    running = db.session.scalar(
        select(Agreement).where(
            Agreement.employee_id == employee.id,
            Agreement.kind == "exceptional",
            Agreement.status == lc.IMPOSED,
        ).limit(1)
    )
    if running is not None:
        _refuse(
            f"{what} : un télétravail imposé est déjà en cours pour ce salarié depuis le "
            f"{fmt(running.start_date)}. Constatez d'abord sa fin.",
            "start_date",
        )
    days = data.get("days_per_week")
    if not isinstance(days, Decimal) or not Decimal("0.5") <= days <= 5 or (days * 2) % 1:
        _refuse(
            f"{what} : indiquez le nombre de jours de télétravail par semaine (de 0,5 à 5, "
            "par journées ou demi-journées).",
            "days_per_week",
        )
    policy = employer_policy()
    home = db.session.scalar(
        select(Place).where(Place.employee_id == employee.id, Place.kind == "home")
        .order_by(Place.id).limit(1)
    )
    contact_slots = _text(data, "contact_slots") or (policy.default_contact_slots if policy else "")
    time_control = _text(data, "time_control") or (policy.default_time_control if policy else "")
    agreement = Agreement(
        employee_id=employee.id,
        kind="exceptional",
        status=lc.IMPOSED,
        place_id=home.id if home is not None else None,
        days_per_week=days,
        weekly_pattern=EMPTY_PATTERN,
        start_date=start,
        end_date=end if end is not None and end > start else None,
        adaptation_months=0,
        contact_slots=contact_slots,
        time_control=time_control,
        equipment=_text(data, "equipment"),
        allowance_scheme="none",
        allowance_amount=Decimal("0"),
        suspension_reason=reason,
        suspension_start_date=start,
        suspension_end_date=end,
    )
    db.session.add(agreement)
    record_change(agreement, actor)
    note = f"Circonstances : {reason} ; à partir du {fmt(start)}"
    note += f", fin prévue le {fmt(end)}." if end else ", sans date de fin prévue."
    _record_event(agreement, lc.START_IMPOSED, None, lc.IMPOSED, start, note, actor)
    db.session.flush()
    record("transition", "agreements", agreement.id, actor,
           {"event": lc.START_IMPOSED, "from": None, "to": lc.IMPOSED, "event_date": start})
    return agreement


# --------------------------------------------------------------------------------------------
# Amendment (« avenant modificatif »): days, place or allowance of a running agreement.
# The rule checks and the write are the agreements area's (agreements.services.amend_agreement);
# this flow adds the 'amend' event and flags version n + 1 of the avenant for issuing.
# --------------------------------------------------------------------------------------------

AMENDABLE_FIELDS = (
    "days_per_week",
    "weekly_pattern",
    "place_id",
    "second_place_id",
    "allowance_scheme",
    "allowance_amount",
    "allowance_monthly_cap",
)
_AMEND_LABELS = {
    "days_per_week": "jours par semaine",
    "weekly_pattern": "jours de télétravail",
    "place_id": "lieu",
    "second_place_id": "second lieu",
    "allowance_scheme": "modalité d'allocation",
    "allowance_amount": "montant de l'allocation",
    "allowance_monthly_cap": "plafond mensuel",
}


def amendment_data(agreement: Agreement, data: dict[str, Any]) -> dict[str, Any]:
    """The agreements services' data dict: the current terms with the amended ones replaced."""
    from hrtele.agreements.services import FIELDS

    full = {key: getattr(agreement, key) for key in FIELDS if key != "request_id"}
    for key in AMENDABLE_FIELDS:
        full[key] = data.get(key)
    for key in ("place_id", "second_place_id"):
        full[key] = full[key] or None
    return full


def amendment_violations(agreement: Agreement, data: dict[str, Any], today: date):
    """What the rules say of the amended agreement (the agreements area's single rule path).

    Blocking violations are all kept; warnings only on the terms the amendment changes (a
    running agreement's start date is always « in the past », which is no news).
    """
    from hrtele.agreements.services import agreement_violations

    violations = agreement_violations(amendment_data(agreement, data), today, agreement)
    return [v for v in violations if v.blocking or v.field in AMENDABLE_FIELDS]


def _check_amendment(agreement: Agreement, data: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    check_allowed(agreement, lc.AMEND)
    effective = data.get("effective_date")
    if not isinstance(effective, date):
        _refuse("Indiquez la date d'effet de l'avenant modificatif.", "effective_date")
    if agreement.start_date is not None and effective < agreement.start_date:
        _refuse(
            f"La date d'effet ({fmt(effective)}) ne peut pas précéder le début du télétravail "
            f"({fmt(agreement.start_date)}).",
            "effective_date",
        )
    if agreement.end_date is not None and effective > agreement.end_date:
        _refuse(
            f"La date d'effet ({fmt(effective)}) est postérieure au terme de l'accord "
            f"({fmt(agreement.end_date)}).",
            "effective_date",
        )
    full = amendment_data(agreement, data)
    diff = {
        key: (getattr(agreement, key), full[key])
        for key in AMENDABLE_FIELDS
        if _differs(getattr(agreement, key), full[key])
    }
    if not diff:
        _refuse(
            "Aucune modification : les jours, le lieu et l'allocation sont identiques à ceux "
            "de l'avenant en vigueur.",
            "days_per_week",
        )
    return diff


def check_amendment(agreement: Agreement, data: dict[str, Any]) -> None:
    """Raise TransitionRefused when the amendment is impossible (state, date, nothing changed)."""
    _check_amendment(agreement, data)


def amend_agreement(
    agreement: Agreement,
    data: dict[str, Any],
    actor: User | None,
    today: date,
    *,
    confirm_warnings: bool = False,
) -> AgreementEvent:
    """Record an « avenant modificatif »: new terms, an 'amend' event, version n + 1 to issue.

    Raises TransitionRefused (state, date, no change), RuleViolations (blocking rules or
    unconfirmed warnings) or ConcurrentEditError (409); nothing is changed then.
    """
    from hrtele.agreements import services as agreements

    check_version(agreement, data.get("version"), LABEL)
    diff = _check_amendment(agreement, data)
    state = agreement.status
    agreements.amend_agreement(
        agreement, amendment_data(agreement, data), data.get("version"), actor,
        confirm_warnings, today,
    )
    agreement.has_pending_amendment = True
    effective = data["effective_date"]
    parts = [f"{_AMEND_LABELS[k]} : {_show(k, old)} → {_show(k, new)}" for k, (old, new) in diff.items()]
    note = f"Avenant modificatif à effet du {fmt(effective)} ; " + " ; ".join(parts) + "."
    reason = _text(data, "reason")
    if reason:
        note += f" Motif : {reason}"
    row = _record_event(agreement, lc.AMEND, state, state, effective, note, actor)
    db.session.flush()
    record("transition", "agreements", agreement.id, actor,
           {"event": lc.AMEND, "from": state, "to": state, "event_date": effective,
            "has_pending_amendment": True,
            **{k: [_plain_value(old), _plain_value(new)] for k, (old, new) in diff.items()}})
    return row


def _plain_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        if old is None or new is None:
            return old is not new
        return Decimal(old) != Decimal(new)
    return (old or None) != (new or None)


def _show(key: str, value: Any) -> str:
    from hrtele.domain.pattern import describe_schedule
    from hrtele.web.filters import euros, label, number_fr

    if value is None or value == "":
        return "—"
    if key in ("place_id", "second_place_id"):
        place = db.session.get(Place, value)
        return place.name if place is not None else "—"
    if key == "weekly_pattern":
        try:
            return describe_schedule(value)
        except ValueError:
            return value
    if key == "allowance_scheme":
        return label(value, "allowance_scheme")
    if key in ("allowance_amount", "allowance_monthly_cap"):
        return euros(value)
    return number_fr(value)


# --------------------------------------------------------------------------------------------
# Annual interview (L1222-10 4°, 2012)
# --------------------------------------------------------------------------------------------


def interview_due_date(agreement: Agreement) -> date | None:
    """Next interview due date: the stored one, else the first anniversary of the start."""
    if agreement.annual_interview_due_date is not None:
        return agreement.annual_interview_due_date
    if agreement.start_date is None:
        return None
    return dates.first_interview_due(agreement.start_date)


def _interview_values(
    agreement: Agreement, data: dict[str, Any], today: date
) -> dict[str, Any]:
    if agreement.status not in INTERVIEW_STATES:
        label = lc.STATE_LABELS.get(agreement.status, agreement.status)
        raise BusinessRuleError(
            f"Un entretien annuel ne peut être enregistré que pour un télétravail en cours "
            f"(état actuel : « {label} »)."
        )
    held = data.get("held_date")
    if not isinstance(held, date):
        raise _input("held_date", "Indiquez la date de l'entretien.")
    if held > today:
        raise _input("held_date", f"L'entretien ({fmt(held)}) ne peut pas être enregistré avant d'avoir eu lieu.")
    if agreement.start_date is not None and held < agreement.start_date:
        raise _input(
            "held_date",
            f"L'entretien ({fmt(held)}) ne peut pas précéder le début du télétravail "
            f"({fmt(agreement.start_date)}).",
        )
    conditions = _text(data, "conditions")
    workload = _text(data, "workload")
    if not conditions:
        raise _input("conditions", "Résumez les échanges sur les conditions d'activité.", BASIS_INTERVIEW)
    if not workload:
        raise _input("workload", "Résumez les échanges sur la charge de travail.", BASIS_INTERVIEW)
    deadline = dates.next_interview_deadline(agreement.start_date, held)
    next_date = data.get("next_date") or dates.next_interview_due(agreement.start_date, held)
    if next_date <= held:
        raise _input("next_date", "Le prochain entretien doit être postérieur à celui-ci.")
    if next_date > deadline:
        raise _input(
            "next_date",
            f"Le prochain entretien doit avoir lieu au plus tard le {fmt(deadline)} : un "
            "entretien est dû chaque année à compter du début du télétravail.",
            BASIS_INTERVIEW,
        )
    return {
        "held_date": held,
        "conditions": conditions,
        "workload": workload,
        "remarks": _text(data, "remarks"),
        "next_date": next_date,
    }


def _input(field_name: str, message: str, basis: str = ""):
    from hrtele.domain_adapters import input_error

    return input_error(field_name, message, basis)


def _refresh_interview_due(agreement: Agreement, actor: User | None) -> None:
    latest = db.session.scalar(
        select(AnnualInterview.next_date)
        .where(AnnualInterview.agreement_id == agreement.id)
        .order_by(AnnualInterview.held_date.desc(), AnnualInterview.id.desc())
        .limit(1)
    )
    if latest is not None and agreement.annual_interview_due_date != latest:
        agreement.annual_interview_due_date = latest
        record_change(agreement, actor)


def record_interview(
    agreement: Agreement, data: dict[str, Any], actor: User | None, today: date
) -> AnnualInterview:
    """Record an annual interview and move the agreement's next due date."""
    values = _interview_values(agreement, data, today)
    interview = AnnualInterview(agreement_id=agreement.id, recorded_by_id=actor.id if actor else None,
                                **values)
    db.session.add(interview)
    record_change(interview, actor)
    _refresh_interview_due(agreement, actor)
    return interview


def update_interview(
    interview: AnnualInterview, data: dict[str, Any], actor: User | None, today: date
) -> AnnualInterview:
    """Correct a recorded interview (409 if someone else saved it meanwhile)."""
    check_version(interview, data.get("version"), "Cet entretien")
    values = _interview_values(interview.agreement, data, today)
    for key, value in values.items():
        setattr(interview, key, value)
    record_change(interview, actor)
    _refresh_interview_due(interview.agreement, actor)
    return interview


def interview_snapshot_data(interview: AnnualInterview) -> dict[str, Any]:
    """Plain values of an interview for its printable record (ISO dates, strings, ints)."""
    agreement = interview.agreement
    employee = agreement.employee
    post = employee.post
    recorder = db.session.get(User, interview.recorded_by_id) if interview.recorded_by_id else None
    from hrtele.web.filters import number_fr

    return {
        "interview_id": interview.id,
        "agreement_id": agreement.id,
        "employee": {
            "personnel_number": employee.personnel_number,
            "full_name": employee.full_name,
            "post_title": post.title if post is not None else "",
            "department": post.department if post is not None else "",
        },
        "agreement_start_date": agreement.start_date.isoformat() if agreement.start_date else None,
        "days_per_week": number_fr(agreement.days_per_week),
        "held_date": interview.held_date.isoformat(),
        "conditions": interview.conditions,
        "workload": interview.workload,
        "remarks": interview.remarks,
        "next_date": interview.next_date.isoformat() if interview.next_date else None,
        "recorded_by": (recorder.display_name or recorder.email) if recorder is not None else "",
        "legal_basis": "C. trav. L1222-10 4° (rédaction loi n° 2012-387)",
    }


# --------------------------------------------------------------------------------------------
# Attestations (home insurance; electrical conformity for home telework)
# --------------------------------------------------------------------------------------------


def attestation_requirements(agreement: Agreement) -> tuple[bool, bool]:
    """(insurance required, electrical statement required) for this agreement under the policy."""
    policy = policy_terms(employer_policy())
    place = agreement.place
    is_home = place is None or place.kind == "home"
    return policy.insurance_required, policy.electrical_statement_required and is_home


def update_attestations(
    agreement: Agreement, data: dict[str, Any], actor: User | None, today: date
) -> Agreement:
    """Record the attestations received (home insurance, electrical conformity)."""
    check_version(agreement, data.get("version"), LABEL)
    if agreement.status in CLOSED_STATES:
        raise BusinessRuleError("Cet accord est clos : ses attestations ne peuvent plus être modifiées.")
    received = data.get("insurance_received_date")
    insurer = _text(data, "insurance_insurer")
    expiry = data.get("insurance_expiry_date")
    electrical = data.get("electrical_statement_date")
    if received is not None:
        if received > today:
            raise _input("insurance_received_date",
                         f"L'attestation ne peut pas avoir été reçue à une date future ({fmt(received)}).")
        if not insurer:
            raise _input("insurance_insurer", "Indiquez l'assureur qui a délivré l'attestation.")
        if expiry is None:
            raise _input("insurance_expiry_date", "Indiquez la date de fin de validité de l'attestation.")
    elif insurer or expiry is not None:
        raise _input("insurance_received_date", "Indiquez la date de réception de l'attestation d'assurance.")
    if expiry is not None and received is not None and expiry <= received:
        raise _input("insurance_expiry_date",
                     f"La fin de validité ({fmt(expiry)}) doit être postérieure à la réception ({fmt(received)}).")
    if electrical is not None and electrical > today:
        raise _input("electrical_statement_date",
                     f"L'attestation ne peut pas avoir été reçue à une date future ({fmt(electrical)}).")
    agreement.insurance_received_date = received
    agreement.insurance_insurer = insurer
    agreement.insurance_expiry_date = expiry
    agreement.electrical_statement_date = electrical
    record_change(agreement, actor)
    return agreement


def attestation_status(agreement: Agreement, today: date, horizon_days: int = 30) -> list[dict[str, Any]]:
    """One line per attestation: label, state ('ok', 'missing', 'expiring', 'expired'), dates."""
    insurance_required, electrical_required = attestation_requirements(agreement)
    out = []
    expiry = agreement.insurance_expiry_date
    if agreement.insurance_received_date is None:
        state = "missing" if insurance_required else "not_required"
    elif expiry is not None and expiry < today:
        state = "expired"
    elif expiry is not None and dates.days_until(expiry, today) <= horizon_days:
        state = "expiring"
    else:
        state = "ok"
    out.append({"label": "Assurance multirisque habitation", "state": state,
                "received": agreement.insurance_received_date, "expiry": expiry,
                "insurer": agreement.insurance_insurer})
    if agreement.electrical_statement_date is None:
        state = "missing" if electrical_required else "not_required"
    else:
        state = "ok"
    out.append({"label": "Conformité électrique du domicile", "state": state,
                "received": agreement.electrical_statement_date, "expiry": None, "insurer": ""})
    return out


# --------------------------------------------------------------------------------------------
# Equipment (ANI art. 7): issued under the agreement, returned at the end
# --------------------------------------------------------------------------------------------


def agreement_equipment(agreement_id: int) -> list[EquipmentItem]:
    """Equipment lent under the agreement, oldest first."""
    return list(
        db.session.scalars(
            select(EquipmentItem)
            .where(EquipmentItem.agreement_id == agreement_id)
            .order_by(EquipmentItem.issued_date, EquipmentItem.id)
        )
    )


def add_equipment(
    agreement: Agreement, data: dict[str, Any], actor: User | None, today: date
) -> EquipmentItem:
    """Record an item lent to the employee under the agreement."""
    if agreement.status in CLOSED_STATES:
        raise BusinessRuleError("Cet accord est clos : aucun équipement ne peut plus y être rattaché.")
    item_type = _text(data, "item_type")
    if not item_type:
        raise _input("item_type", "Indiquez le type d'équipement.")
    issued = data.get("issued_date")
    if not isinstance(issued, date):
        raise _input("issued_date", "Indiquez la date de remise.")
    if issued > today:
        raise _input("issued_date", f"La remise ({fmt(issued)}) ne peut pas être dans le futur.")
    item = EquipmentItem(
        agreement_id=agreement.id,
        item_type=item_type,
        serial_number=_text(data, "serial_number"),
        issued_date=issued,
    )
    db.session.add(item)
    record_change(item, actor)
    return item


def return_equipment(
    item: EquipmentItem, data: dict[str, Any], actor: User | None, today: date
) -> EquipmentItem:
    """Record the return of an item (date and condition)."""
    check_version(item, data.get("version"), "Cet équipement")
    if item.returned_date is not None:
        raise BusinessRuleError(f"Cet équipement a déjà été restitué le {fmt(item.returned_date)}.")
    returned = data.get("returned_date")
    if not isinstance(returned, date):
        raise _input("returned_date", "Indiquez la date de restitution.")
    if returned > today:
        raise _input("returned_date", f"La restitution ({fmt(returned)}) ne peut pas être dans le futur.")
    if returned < item.issued_date:
        raise _input("returned_date",
                     f"La restitution ({fmt(returned)}) ne peut pas précéder la remise ({fmt(item.issued_date)}).")
    condition = _text(data, "return_condition")
    if not condition:
        raise _input("return_condition", "Indiquez l'état du matériel restitué.")
    item.returned_date = returned
    item.return_condition = condition
    record_change(item, actor)
    return item


# --------------------------------------------------------------------------------------------
# Priority return to a non-telework post (L1222-10 3°, 2012)
# --------------------------------------------------------------------------------------------


def vacant_posts_stmt() -> Select:
    """Vacant posts that cannot be teleworked, by code."""
    return (
        select(Post)
        .where(Post.is_vacant.is_(True), Post.is_eligible.is_(False))
        .options(joinedload(Post.category), joinedload(Post.establishment))
        .order_by(Post.code, Post.id)
    )


def _candidates_stmt() -> Select:
    """(post id, employee, agreement) rows: employees with priority for each vacant post."""
    own_post = aliased(Post)
    category = func.coalesce(own_post.category_id, Employee.category_id)
    other = aliased(Agreement)
    still_teleworking = exists().where(
        other.employee_id == Employee.id,
        other.kind == "regular",
        other.status.in_(lc.LIVE_STATES - {lc.ENDING, lc.IMPOSED}),
    )
    return (
        select(
            Post.id.label("post_id"),
            Employee.id.label("employee_id"),
            Employee.first_name,
            Employee.last_name,
            Employee.personnel_number,
            Agreement.id.label("agreement_id"),
            Agreement.status,
            Agreement.ending_effective_date,
            Agreement.ended_date,
        )
        .select_from(Agreement)
        .join(Employee, Employee.id == Agreement.employee_id)
        .outerjoin(own_post, own_post.id == Employee.post_id)
        .join(Post, and_(Post.category_id.is_not(None), Post.category_id == category))
        .where(
            Post.is_vacant.is_(True),
            Post.is_eligible.is_(False),
            Agreement.kind == "regular",
            Agreement.status.in_(PRIORITY_STATES),
            Employee.is_active.is_(True),
            or_(Employee.post_id.is_(None), Employee.post_id != Post.id),
            ~still_teleworking,
        )
        .order_by(Post.id, Employee.last_name, Employee.first_name, Agreement.id.desc())
    )


@dataclass
class Candidate:
    """An employee with priority for a vacant post, and when they were last informed of it."""

    post_id: int
    employee_id: int
    full_name: str
    personnel_number: str
    agreement_id: int
    status: str
    end_date: date | None
    informed_date: date | None = None


def priority_candidates(post_ids: list[int] | None = None,
                        employee_id: int | None = None) -> dict[int, list[Candidate]]:
    """{post id: candidates}, one query for the candidates and one for the informations."""
    stmt = _candidates_stmt()
    if post_ids is not None:
        if not post_ids:
            return {}
        stmt = stmt.where(Post.id.in_(post_ids))
    if employee_id is not None:
        stmt = stmt.where(Employee.id == employee_id)
    out: dict[int, list[Candidate]] = {}
    seen: set[tuple[int, int]] = set()
    for row in db.session.execute(stmt):
        key = (row.post_id, row.employee_id)
        if key in seen:  # several ended agreements: the latest one is enough
            continue
        seen.add(key)
        out.setdefault(row.post_id, []).append(
            Candidate(
                post_id=row.post_id,
                employee_id=row.employee_id,
                full_name=f"{row.first_name} {row.last_name.upper()}",
                personnel_number=row.personnel_number,
                agreement_id=row.agreement_id,
                status=row.status,
                end_date=row.ended_date or row.ending_effective_date,
            )
        )
    if out:
        informed = db.session.execute(
            select(
                PriorityInformation.post_id,
                PriorityInformation.employee_id,
                func.max(PriorityInformation.informed_date).label("last"),
            )
            .where(PriorityInformation.post_id.in_(list(out)))
            .group_by(PriorityInformation.post_id, PriorityInformation.employee_id)
        )
        last = {(r.post_id, r.employee_id): r.last for r in informed}
        for candidates in out.values():
            for c in candidates:
                c.informed_date = last.get((c.post_id, c.employee_id))
    return out


def uninformed_priority_count() -> int:
    """Number of (vacant post, employee with priority) pairs nobody has informed yet."""
    sub = (
        _candidates_stmt()
        .with_only_columns(Post.id.label("post_id"), Employee.id.label("employee_id"))
        .order_by(None)
        .distinct()
        .subquery()
    )
    informed = exists().where(
        PriorityInformation.post_id == sub.c.post_id,
        PriorityInformation.employee_id == sub.c.employee_id,
    )
    return db.session.scalar(select(func.count()).select_from(sub).where(~informed)) or 0


def inform_priority(
    post: Post, employee: Employee, data: dict[str, Any], actor: User | None, today: date
) -> PriorityInformation:
    """Record that an employee with priority was told of a vacant non-telework post."""
    if not (post.is_vacant and not post.is_eligible):
        raise BusinessRuleError(
            f"Le poste « {post.title} » n'est pas un poste vacant sans télétravail."
        )
    candidates = priority_candidates([post.id], employee_id=employee.id).get(post.id, [])
    if not candidates:
        raise BusinessRuleError(
            f"{employee.full_name} n'a pas de priorité de retour pour le poste « {post.title} » "
            "(aucune fin de télétravail dans une catégorie correspondante)."
        )
    informed = data.get("informed_date") or today
    if informed > today:
        raise _input("informed_date", f"L'information ({fmt(informed)}) ne peut pas être datée du futur.")
    duplicate = db.session.scalar(
        select(PriorityInformation.id).where(
            PriorityInformation.post_id == post.id,
            PriorityInformation.employee_id == employee.id,
            PriorityInformation.informed_date == informed,
        )
    )
    if duplicate is not None:
        raise BusinessRuleError(
            f"L'information de {employee.full_name} sur ce poste est déjà enregistrée au {fmt(informed)}."
        )
    row = PriorityInformation(
        employee_id=employee.id, post_id=post.id, informed_date=informed,
        actor_id=actor.id if actor else None,
    )
    db.session.add(row)
    db.session.flush()
    record("create", "priority_informations", row.id, actor,
           {"employee_id": employee.id, "post_id": post.id, "informed_date": informed})
    return row


def matching_vacant_posts(agreement: Agreement) -> list[tuple[Post, date | None]]:
    """Vacant non-telework posts the agreement's employee has priority for, with last informed date."""
    by_post = priority_candidates(employee_id=agreement.employee_id)
    if not by_post:
        return []
    posts = {p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_(list(by_post))))}
    return [
        (posts[post_id], candidates[0].informed_date)
        for post_id, candidates in sorted(by_post.items(), key=lambda kv: posts[kv[0]].code)
    ]


# --------------------------------------------------------------------------------------------
# Panels (agreement page, employee page)
# --------------------------------------------------------------------------------------------


def timeline(agreement_id: int) -> list[tuple[AgreementEvent, str]]:
    """(event, actor label) in order, one query."""
    rows = db.session.execute(
        select(AgreementEvent, User.display_name, User.email)
        .outerjoin(User, User.id == AgreementEvent.actor_id)
        .where(AgreementEvent.agreement_id == agreement_id)
        .order_by(AgreementEvent.id)
    )
    return [(r[0], r.display_name or r.email or "système") for r in rows]


def agreement_interviews(agreement_id: int) -> list[AnnualInterview]:
    """Interviews of the agreement, latest first."""
    return list(
        db.session.scalars(
            select(AnnualInterview)
            .where(AnnualInterview.agreement_id == agreement_id)
            .order_by(AnnualInterview.held_date.desc(), AnnualInterview.id.desc())
        )
    )


def panel_data(agreement: Agreement, today: date) -> dict[str, Any]:
    """Everything the lifecycle panel shows for one agreement (a handful of queries)."""
    allowed = lc.allowed_events(agreement.status) if agreement.status in lc.STATE_LABELS else []
    due = interview_due_date(agreement) if agreement.status in INTERVIEW_STATES else None
    equipment = agreement_equipment(agreement.id)
    return {
        # Renewal only concerns fixed-term agreements (the domain guard refuses the others).
        "allowed": [e for e in allowed
                    if e in UI_EVENTS and not (e == lc.RENEW and agreement.end_date is None)],
        "can_issue": any(e in (lc.ISSUE, lc.REISSUE) for e in allowed),
        "can_amend": lc.AMEND in allowed and agreement.kind != "exceptional",
        "timeline": timeline(agreement.id),
        "interviews": agreement_interviews(agreement.id),
        "interview_due": due,
        "interview_overdue": due is not None and due < today,
        "attestations": attestation_status(agreement, today),
        "equipment": equipment,
        "equipment_out": [i for i in equipment if i.returned_date is None],
        "priority_posts": (
            matching_vacant_posts(agreement)
            if agreement.status in PRIORITY_STATES and agreement.kind == "regular"
            else []
        ),
        "adaptation_end": adaptation_end_of(agreement),
        "is_closed": agreement.status in CLOSED_STATES,
        "interviews_open": agreement.status in INTERVIEW_STATES,
        "today": today,
    }


def employee_panel_data(employee: Employee, today: date) -> dict[str, Any]:
    """The employee's agreements and priority-return situation (three queries)."""
    agreements = list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.employee_id == employee.id)
            .order_by(Agreement.start_date.desc(), Agreement.id.desc())
        )
    )
    priority = priority_candidates(employee_id=employee.id)
    posts = (
        list(db.session.scalars(select(Post).where(Post.id.in_(list(priority))).order_by(Post.code)))
        if priority
        else []
    )
    informed = {pid: c[0].informed_date for pid, c in priority.items()}
    imposed_running = any(a.status == lc.IMPOSED for a in agreements)
    return {
        "agreements": agreements,
        "priority_posts": [(p, informed.get(p.id)) for p in posts],
        "can_impose": employee.is_active and not imposed_running,
        "today": today,
    }
