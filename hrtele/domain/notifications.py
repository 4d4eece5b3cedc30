"""Which events notify whom, when a dated follow-up is announced, and each event's unique key.

Pure domain code. An event is notified once per recipient: its key (kind plus the facts that
make it a new event, e.g. the agreement and the adaptation end date) is unique per user, so a
job run twice, a double click or a retried request never sends a second message. When the
underlying date changes (a renewed attestation, a new interview date), the key changes and the
employee is told again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = [
    "ACK_REMINDER_DAYS",
    "ADAPTATION_WARNING_DAYS",
    "ATTESTATION_WARNING_DAYS",
    "AUDIENCE_EMPLOYEE",
    "AUDIENCE_HR",
    "INTERVIEW_WARNING_DAYS",
    "KINDS",
    "Kind",
    "acknowledgement_reminder_due",
    "adaptation_warning_due",
    "attestation_warning_due",
    "event_key",
    "interview_warning_due",
]

AUDIENCE_EMPLOYEE = "employee"
AUDIENCE_HR = "hr"  # HR staff and, when one is set, the employee's manager

# The fixed horizon for the end of the adaptation period; the other horizons are the
# to-do list's (hrtele.todo.services.HORIZON_DAYS = 30) so both lists announce the same items.
ADAPTATION_WARNING_DAYS = 15
INTERVIEW_WARNING_DAYS = 30
ATTESTATION_WARNING_DAYS = 30
ACK_REMINDER_DAYS = 7


@dataclass(frozen=True)
class Kind:
    """A kind of notification: who receives it and its French label (notifications page)."""

    key: str
    audience: str
    label: str


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("request_decided", AUDIENCE_EMPLOYEE, "Décision sur votre demande de télétravail"),
        Kind("document_issued", AUDIENCE_EMPLOYEE, "Document émis, à lire et à accuser"),
        Kind("document_unacknowledged", AUDIENCE_EMPLOYEE, "Document en attente d'accusé"),
        Kind("end_notified", AUDIENCE_EMPLOYEE, "Fin du télétravail notifiée"),
        Kind("adaptation_ending", AUDIENCE_EMPLOYEE, "Fin prochaine de la période d'adaptation"),
        Kind("interview_due", AUDIENCE_EMPLOYEE, "Entretien annuel à tenir"),
        Kind("attestation_expiring", AUDIENCE_EMPLOYEE, "Attestation d'assurance à renouveler"),
        Kind("day_change_decided", AUDIENCE_EMPLOYEE, "Décision sur un changement de jour"),
        Kind("request_new", AUDIENCE_HR, "Nouvelle demande de télétravail"),
        Kind("request_changed", AUDIENCE_HR, "Demande modifiée ou retirée par le salarié"),
        Kind("end_requested", AUDIENCE_HR, "Fin du télétravail demandée par un salarié"),
        Kind("day_change_new", AUDIENCE_HR, "Changement de jour demandé"),
        Kind("document_acknowledged", AUDIENCE_HR, "Document reçu par le salarié"),
    )
}


def event_key(kind: str, *facts: object) -> str:
    """Unique key of one event: « kind:fact1:fact2 » (dates in ISO form); ValueError if unknown."""
    if kind not in KINDS:
        raise ValueError(f"Type de notification inconnu : {kind!r}.")
    parts = [kind]
    for fact in facts:
        parts.append(fact.isoformat() if isinstance(fact, date) else str(fact))
    key = ":".join(parts)
    if len(key) > 200:
        raise ValueError("Clé de notification trop longue.")
    return key


def _within(target: date | None, today: date, horizon: int) -> bool:
    return target is not None and (target - today).days <= horizon


def adaptation_warning_due(adaptation_end: date | None, today: date) -> bool:
    """True from 15 days before the end of the adaptation period up to that day."""
    return adaptation_end is not None and 0 <= (adaptation_end - today).days <= (
        ADAPTATION_WARNING_DAYS
    )


def interview_warning_due(due: date | None, today: date) -> bool:
    """True when the annual interview is due within 30 days, or overdue."""
    return _within(due, today, INTERVIEW_WARNING_DAYS)


def attestation_warning_due(expiry: date | None, today: date) -> bool:
    """True when the insurance attestation expires within 30 days, or has expired."""
    return _within(expiry, today, ATTESTATION_WARNING_DAYS)


def acknowledgement_reminder_due(issued_on: date, acknowledged: bool, today: date) -> bool:
    """True when a document issued at least 7 days ago is still not acknowledged."""
    return not acknowledged and (today - issued_on).days >= ACK_REMINDER_DAYS
