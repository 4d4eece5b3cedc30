"""Bulk campaigns: the kinds HR can start, what each one produces, and the time left.

Pure: no Flask, no SQLAlchemy. Whether one agreement can get its document is never decided
here: each kind asks the same services single issuing uses (documents, lifecycle).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CampaignKind:
    """One kind of campaign: its label, what it produces, how it is described to HR."""

    code: str
    label: str
    document_kind: str | None  # issued document kind, None for e-mail reminders
    help: str


AMENDMENT = "amendment"
RENEWAL = "renewal"
REVERSIBILITY_NOTICE = "reversibility_notice"
ATTESTATION_REMINDER = "attestation_reminder"

#: Renewal of a fixed-term agreement: its term moves by this many months.
RENEWAL_MONTHS = 12

KINDS: dict[str, CampaignKind] = {
    kind.code: kind
    for kind in (
        CampaignKind(
            AMENDMENT,
            "Nouvelle version de l'avenant",
            "amendment",
            "Émet la version suivante de l'avenant de chaque accord retenu (brouillons, avenants "
            "à réémettre, avenants modificatifs décidés), avec les mêmes contrôles qu'à l'unité.",
        ),
        CampaignKind(
            RENEWAL,
            "Renouvellement annuel",
            "amendment",
            f"Prolonge de {RENEWAL_MONTHS} mois le terme de chaque accord à durée déterminée "
            "puis émet l'avenant de renouvellement.",
        ),
        CampaignKind(
            REVERSIBILITY_NOTICE,
            "Notifications de fin de télétravail",
            "reversibility_notice",
            "Émet la notification de fin de télétravail des accords dont la fin a été notifiée.",
        ),
        CampaignKind(
            ATTESTATION_REMINDER,
            "Relance des attestations manquantes",
            None,
            "Envoie à chaque salarié concerné un e-mail listant les attestations (assurance "
            "habitation, conformité électrique) qu'il doit encore fournir.",
        ),
    )
}


def eta_seconds(processed: int, remaining: int, elapsed_seconds: float) -> float | None:
    """Seconds left at the pace observed so far; None before the first item is processed."""
    if remaining <= 0:
        return 0.0
    if processed <= 0 or elapsed_seconds <= 0:
        return None
    return remaining * elapsed_seconds / processed


def describe_duration(seconds: float | None) -> str:
    """« environ 3 min 20 s », « moins d'une minute » or « estimation en cours » (French)."""
    if seconds is None:
        return "estimation en cours"
    seconds = int(round(seconds))
    if seconds < 60:
        return "moins d'une minute"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"environ {hours} h {minutes:02d} min"
    return f"environ {minutes} min {secs:02d} s"
