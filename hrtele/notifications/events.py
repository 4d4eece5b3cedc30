"""The events that notify someone: each builds its French message and calls notify once.

Services call these right after the change they announce (same transaction); the daily scan
(``notify_due``) announces dated follow-ups. Keys come from hrtele.domain.notifications, so a
second call for the same event notifies nobody.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from hrtele.domain import notifications as rules
from hrtele.domain.refusals import refusal_wording
from hrtele.extensions import db
from hrtele.models import Agreement, DayChange, Employee, IssuedDocument, TeleworkRequest
from hrtele.notifications.services import Message, french_date, notify_about, path_for
from hrtele.web.labels import LABELS

_HALF_FR = {"day": "la journée", "am": "le matin", "pm": "l'après-midi"}


def _name(employee_id: int) -> str:
    row = db.session.execute(
        select(Employee.first_name, Employee.last_name).where(Employee.id == employee_id)
    ).first()
    return f"{row.first_name} {row.last_name.upper()}" if row else "Un salarié"


def _manager_page() -> str:
    return path_for("planning.index")


def _agreement_page(agreement_id: int) -> str:
    return path_for("lifecycle.agreement", agreement_id=agreement_id)


# --------------------------------------------------------------------------- requests


def request_submitted(req: TeleworkRequest) -> None:
    """HR (and the manager): an employee asked for telework."""
    who = _name(req.employee_id)
    body = (f"{who} a déposé le {french_date(req.request_date)} une demande de télétravail "
            "depuis son espace. Elle attend votre décision.")
    notify_about("request_new", req.employee_id, (req.id,),
                 Message(f"Nouvelle demande de télétravail de {who}", body,
                         path_for("requests.show", request_id=req.id)),
                 Message(f"Nouvelle demande de télétravail de {who}", body, _manager_page()))


def request_changed(req: TeleworkRequest) -> None:
    """HR (and the manager): the employee changed or withdrew their pending request."""
    who = _name(req.employee_id)
    if req.status == "withdrawn":
        title = f"Demande de télétravail retirée par {who}"
        body = (f"{who} a retiré depuis son espace sa demande de télétravail du "
                f"{french_date(req.request_date)} : elle n'attend plus de décision.")
    else:
        title = f"Demande de télétravail modifiée par {who}"
        body = (f"{who} a modifié depuis son espace sa demande de télétravail du "
                f"{french_date(req.request_date)}. Elle attend toujours votre décision.")
    notify_about("request_changed", req.employee_id, (req.id, req.status, req.version),
                 Message(title, body, path_for("requests.show", request_id=req.id)),
                 Message(title, body, _manager_page()))


def request_decided(req: TeleworkRequest) -> None:
    """The employee: HR accepted or refused the request."""
    if req.status == "accepted":
        title = "Votre demande de télétravail est acceptée"
        body = (f"Votre demande du {french_date(req.request_date)} a été acceptée. Le service "
                "des ressources humaines prépare votre avenant.")
    elif req.status == "refused":
        title = "Votre demande de télétravail est refusée"
        body = (f"Votre demande du {french_date(req.request_date)} a été refusée. Motif : "
                f"{refusal_wording(req.refusal_reason_label, req.refusal_reason) or 'non précisé'}. La lettre de refus motivé vous sera "
                "remise.")
    else:
        return
    notify_about("request_decided", req.employee_id, (req.id, req.status),
                 Message(title, body, path_for("portal.index")))


# --------------------------------------------------------------------------- documents

_EMPLOYEE_DOCUMENT_KINDS = ("amendment", "reversibility_notice", "refusal_letter",
                            "interview_record")


def document_issued(document: IssuedDocument) -> None:
    """The employee: a document was issued for them; they can read it and acknowledge it."""
    if document.employee_id is None or document.kind not in _EMPLOYEE_DOCUMENT_KINDS:
        return
    label = LABELS["document_kind"].get(document.kind, document.kind)
    notify_about(
        "document_issued", document.employee_id, (document.id,),
        Message(f"Nouveau document : {label}",
                f"Le document « {label} » (référence {document.reference}) vient d'être émis. "
                "Lisez-le dans votre espace et accusez-en réception.",
                path_for("portal.documents")))


def document_unacknowledged(document_id: int, employee_id: int, kind: str, reference: str
                            ) -> list:
    """The employee: a document still waits for their acknowledgement."""
    label = LABELS["document_kind"].get(kind, kind)
    return notify_about(
        "document_unacknowledged", employee_id, (document_id,),
        Message(f"Document en attente de votre accusé de réception : {label}",
                f"Le document « {label} » (référence {reference}) attend toujours votre accusé "
                "de réception.", path_for("portal.documents")))


def document_acknowledged(document: IssuedDocument) -> None:
    """HR (and the manager): the employee acknowledged a document."""
    if document.employee_id is None:
        return
    who = _name(document.employee_id)
    label = LABELS["document_kind"].get(document.kind, document.kind)
    body = f"{who} a accusé réception du document « {label} » (référence {document.reference})."
    hr_path = (_agreement_page(document.agreement_id) if document.agreement_id
               else path_for("employees.show", employee_id=document.employee_id))
    notify_about("document_acknowledged", document.employee_id, (document.id,),
                 Message(f"Document reçu par {who}", body, hr_path),
                 Message(f"Document reçu par {who}", body, _manager_page()))


# --------------------------------------------------------------------------- end of telework


def end_notified(agreement: Agreement) -> None:
    """The employee: the employer notified the end of their telework."""
    notify_about(
        "end_notified", agreement.employee_id,
        (agreement.id, agreement.ending_notification_date),
        Message("Fin de votre télétravail notifiée",
                f"La fin de votre télétravail a été notifiée le "
                f"{french_date(agreement.ending_notification_date)} ; elle prend effet le "
                f"{french_date(agreement.ending_effective_date)}.",
                path_for("portal.index")))


def end_requested(agreement: Agreement) -> None:
    """HR (and the manager): the employee asked to end telework from their space."""
    who = _name(agreement.employee_id)
    body = (f"{who} a demandé le {french_date(agreement.ending_notification_date)} la fin de son "
            f"télétravail, effective le {french_date(agreement.ending_effective_date)}.")
    notify_about("end_requested", agreement.employee_id,
                 (agreement.id, agreement.ending_notification_date),
                 Message(f"Fin du télétravail demandée par {who}", body,
                         _agreement_page(agreement.id)),
                 Message(f"Fin du télétravail demandée par {who}", body, _manager_page()))


# --------------------------------------------------------------------------- day changes


def describe_change(change: DayChange) -> str:
    """« déplacer le télétravail du 12/10/2026 (la journée) au 14/10/2026 » and the like."""
    half = _HALF_FR.get(change.half, change.half)
    if change.kind == "move":
        return (f"déplacer le télétravail du {french_date(change.from_date)} ({half}) au "
                f"{french_date(change.to_date)}")
    return f"annuler le télétravail du {french_date(change.from_date)} ({half})"


def day_change_requested(change: DayChange) -> None:
    """HR (and the manager): an employee asked to move or cancel a telework day."""
    who = _name(change.employee_id)
    body = f"{who} demande à {describe_change(change)}."
    if change.motive:
        body += f" Motif : {change.motive}"
    page = path_for("planning.day_changes")
    notify_about("day_change_new", change.employee_id, (change.id,),
                 Message(f"Changement de jour demandé par {who}", body, page),
                 Message(f"Changement de jour demandé par {who}", body, page))


def day_change_decided(change: DayChange) -> None:
    """The employee: their day change was approved or refused."""
    verdict = "accepté" if change.status == "approved" else "refusé"
    body = f"Votre demande pour {describe_change(change)} a été {verdict}e."
    if change.decision_reason:
        body += f" Motif : {change.decision_reason}"
    notify_about("day_change_decided", change.employee_id, (change.id, change.status),
                 Message(f"Changement de jour {verdict}", body,
                         path_for("portal_days.index")))


# --------------------------------------------------------------------------- daily scan


def notify_due(today: date) -> int:
    """Announce the dated follow-ups due today (idempotent); returns notifications created."""
    created = 0
    live = ("adaptation", "active", "suspended", "ending")
    rows = db.session.execute(
        select(Agreement.id, Agreement.employee_id, Agreement.status,
               Agreement.adaptation_end_date, Agreement.annual_interview_due_date,
               Agreement.insurance_expiry_date)
        .where(Agreement.status.in_(live), Agreement.kind == "regular")
    )
    for r in rows:
        if r.status == "adaptation" and rules.adaptation_warning_due(r.adaptation_end_date, today):
            created += len(notify_about(
                "adaptation_ending", r.employee_id, (r.id, r.adaptation_end_date),
                Message("Votre période d'adaptation se termine bientôt",
                        f"Votre période d'adaptation au télétravail se termine le "
                        f"{french_date(r.adaptation_end_date)}. Jusqu'à cette date, vous "
                        "comme votre employeur pouvez mettre fin au télétravail avec le délai "
                        "de prévenance convenu.", path_for("portal.index"))))
        if r.status != "suspended" and rules.interview_warning_due(
                r.annual_interview_due_date, today):
            created += len(notify_about(
                "interview_due", r.employee_id, (r.id, r.annual_interview_due_date),
                Message("Votre entretien annuel de télétravail est à tenir",
                        f"L'entretien annuel sur vos conditions d'activité et votre charge de "
                        f"travail est à tenir au plus tard le "
                        f"{french_date(r.annual_interview_due_date)}.",
                        path_for("portal.index"))))
        if rules.attestation_warning_due(r.insurance_expiry_date, today):
            created += len(notify_about(
                "attestation_expiring", r.employee_id, (r.id, r.insurance_expiry_date),
                Message("Votre attestation d'assurance habitation est à renouveler",
                        f"Votre attestation d'assurance habitation expire le "
                        f"{french_date(r.insurance_expiry_date)}. Transmettez la nouvelle au "
                        "service des ressources humaines.", path_for("portal.index"))))
    documents = db.session.execute(
        select(IssuedDocument.id, IssuedDocument.employee_id, IssuedDocument.kind,
               IssuedDocument.reference, IssuedDocument.issued_dt)
        .where(IssuedDocument.acknowledged_dt.is_(None), IssuedDocument.is_superseded.is_(False),
               IssuedDocument.employee_id.is_not(None),
               IssuedDocument.kind.in_(_EMPLOYEE_DOCUMENT_KINDS))
    )
    for d in documents:
        if rules.acknowledgement_reminder_due(d.issued_dt.date(), False, today):
            created += len(document_unacknowledged(d.id, d.employee_id, d.kind, d.reference))
    return created
