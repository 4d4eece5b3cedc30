"""What each campaign kind checks (dry run) and does (one agreement), through the services.

A check never re-implements a rule: it asks the documents and lifecycle services the exact
questions single issuing asks (amendment_plan, amendment_violations, notice_refusal, the
lifecycle guards), and the processing calls the same issuing services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app

from hrtele.documents import services as documents
from hrtele.documents.snapshots import Snapshot
from hrtele.domain import campaigns as domain
from hrtele.domain import dates
from hrtele.domain import lifecycle as lc
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.lifecycle import services as lifecycle
from hrtele.models import Agreement, IssuedDocument, User

STAGE_RENEWED = "renewed"


@dataclass(frozen=True)
class Verdict:
    """Dry-run answer for one agreement: can it be processed, why not, which version."""

    ok: bool
    reason: str = ""
    target_version: int | None = None


def _blocking_messages(agreement: Agreement, today: date) -> list[str]:
    return [v.message for v in documents.amendment_violations(agreement, today) if v.blocking]


def _amendment_verdict(agreement: Agreement, today: date) -> Verdict:
    plan = documents.amendment_plan(agreement)
    if not plan.allowed:
        return Verdict(False, plan.refusal or "Émission impossible.")
    blocking = _blocking_messages(agreement, today)
    if blocking:
        return Verdict(False, " ".join(blocking))
    return Verdict(True, target_version=(agreement.amendment_version or 0) + 1)


def renewal_end(agreement: Agreement) -> date | None:
    """New term of a renewed fixed-term agreement (None for an open-ended one)."""
    if agreement.end_date is None:
        return None
    return dates.add_months(agreement.end_date, domain.RENEWAL_MONTHS)


def _renew(agreement: Agreement, actor: User | None, today: date) -> None:
    lifecycle.transition(
        agreement,
        lc.RENEW,
        {"version": agreement.version, "end_date": renewal_end(agreement)},
        actor,
        today,
    )


def _renewal_verdict(agreement: Agreement, today: date) -> Verdict:
    # The real transition in a savepoint, rolled back: the lifecycle's own guards and the
    # rules engine on the renewed terms, exactly as the job will run them.
    target = (agreement.amendment_version or 0) + 1
    savepoint = db.session.begin_nested()
    try:
        _renew(agreement, None, today)
        verdict = _amendment_verdict(agreement, today)
    except lc.TransitionRefused as refused:
        verdict = Verdict(False, refused.message)
    except BusinessRuleError as refused:
        verdict = Verdict(False, str(refused))
    finally:
        savepoint.rollback()
    return Verdict(verdict.ok, verdict.reason, target if verdict.ok else None)


def _notice_verdict(agreement: Agreement, today: date) -> Verdict:
    refusal = documents.notice_refusal(agreement)
    return Verdict(False, refusal) if refusal else Verdict(True)


def missing_attestations(agreement: Agreement, today: date) -> list[str]:
    """Labels of the attestations still to provide (missing or expired)."""
    return [
        line["label"]
        for line in lifecycle.attestation_status(agreement, today)
        if line["state"] in ("missing", "expired")
    ]


def _reminder_verdict(agreement: Agreement, today: date) -> Verdict:
    if agreement.status not in lifecycle.ATTESTATION_STATES or agreement.kind != "regular":
        label = lc.STATE_LABELS.get(agreement.status, agreement.status)
        return Verdict(False, f"Accord à l'état « {label} » : aucune attestation à demander.")
    if not missing_attestations(agreement, today):
        return Verdict(False, "Aucune attestation manquante ni expirée.")
    if not (agreement.employee.email or "").strip():
        return Verdict(False, "Le salarié n'a pas d'adresse électronique enregistrée.")
    return Verdict(True)


_VERDICTS = {
    domain.AMENDMENT: _amendment_verdict,
    domain.RENEWAL: _renewal_verdict,
    domain.REVERSIBILITY_NOTICE: _notice_verdict,
    domain.ATTESTATION_REMINDER: _reminder_verdict,
}


def verdict(kind: str, agreement: Agreement, today: date) -> Verdict:
    """Dry-run verdict of one agreement for a campaign kind."""
    return _VERDICTS[kind](agreement, today)


# --------------------------------------------------------------------------- processing


def snapshot_to_render(kind: str, agreement: Agreement, today: date) -> tuple[str, Snapshot] | None:
    """(document kind, snapshot) the item will issue now, or None when nothing to render yet."""
    if kind == domain.REVERSIBILITY_NOTICE:
        if documents.notice_refusal(agreement):
            return None
        return "reversibility_notice", documents.notice_snapshot(agreement, today)
    if kind in (domain.AMENDMENT, domain.RENEWAL):
        if not documents.amendment_plan(agreement).allowed:
            return None
        return "amendment", documents.amendment_snapshot(agreement, today)
    return None


def already_issued(kind: str, agreement: Agreement, target_version: int | None) -> str | None:
    """French note when the item's document exists already (resumed or repeated job)."""
    if kind in (domain.AMENDMENT, domain.RENEWAL) and target_version is not None:
        if (agreement.amendment_version or 0) >= target_version:
            return f"Version {target_version} de l'avenant déjà émise."
    return None


def issue(kind: str, agreement: Agreement, actor: User | None, today: date) -> IssuedDocument:
    """Issue the item's document through the documents services (BusinessRuleError if refused)."""
    if kind == domain.REVERSIBILITY_NOTICE:
        return documents.issue_notice(agreement, actor, today)
    return documents.issue_amendment(agreement, actor, today)


def renew(agreement: Agreement, actor: User | None, today: date) -> None:
    """First stage of a renewal item: the lifecycle's 'renew' transition (term + 12 months)."""
    try:
        _renew(agreement, actor, today)
    except lc.TransitionRefused as refused:
        raise BusinessRuleError(refused.message) from refused


def reminder_message(agreement: Agreement, today: date) -> tuple[str, str, str]:
    """(to, subject, body) of the attestation reminder sent to the employee (French)."""
    employee = agreement.employee
    missing = missing_attestations(agreement, today)
    employer = current_app.config.get("MAIL_SENDER") or ""
    lines = [
        f"Bonjour {employee.first_name},",
        "",
        "Pour votre télétravail, le service des ressources humaines n'a pas encore reçu :",
        *[f"  - {label}" for label in missing],
        "",
        "Merci de transmettre ces attestations au service RH dès que possible ; elles sont "
        "exigées par la politique de télétravail de l'employeur.",
        "",
        "Message automatique de hrtele" + (f" ({employer})." if employer else "."),
    ]
    return employee.email.strip(), "Télétravail : attestations à fournir", "\n".join(lines)


def result_note(kind: str, document: IssuedDocument | None) -> str:
    """Short French note stored with a processed item."""
    if document is None:
        return "E-mail de relance envoyé." if kind == domain.ATTESTATION_REMINDER else ""
    return f"{document.reference} (SHA-256 {document.sha256[:12]}…)"


def describe(kind: str) -> dict[str, Any]:
    """Label and help of a kind, for templates."""
    spec = domain.KINDS[kind]
    return {"code": spec.code, "label": spec.label, "help": spec.help}
