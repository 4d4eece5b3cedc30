"""Refusal reasons: the seeded catalogue and how a catalogue label and free text combine."""

from __future__ import annotations

#: Catalogue seeded by the migration (code, French label). HR may rename or add reasons;
#: the code keeps the seeded "other" recognisable whatever its label becomes.
DEFAULT_REASONS: tuple[tuple[str, str], ...] = (
    ("post_not_eligible", "Poste non éligible au télétravail"),
    ("seniority", "Ancienneté insuffisante"),
    ("service_organisation", "Organisation du service"),
    ("working_time", "Temps de travail"),
    ("other", "Autre motif"),
)
OTHER = "other"
#: Observatory line of refusals recorded before the catalogue, without a reason chosen.
UNCATALOGUED = "Motif non catalogué"
LABEL_MAX = 120
DETAIL_MAX = 4000


def missing_detail(code: str | None, detail: str) -> str | None:
    """French error when the free text is required (reason "other" or no reason), else None."""
    if (code is None or code == OTHER) and not (detail or "").strip():
        return "Précisez le motif du refus : il figure dans la lettre de refus."
    return None


def refusal_wording(label: str | None, detail: str) -> str:
    """One sentence for the letter: « Organisation du service : précision », or either alone."""
    label = (label or "").strip().rstrip(".")
    detail = " ".join((detail or "").split()).rstrip(".")
    if label and detail:
        return f"{label} : {detail}"
    return label or detail


def check_label(label: str, existing: set[str]) -> str | None:
    """French error for a catalogue label (empty, too long, already used), else None."""
    label = " ".join((label or "").split())
    if not label:
        return "Le libellé du motif est obligatoire."
    if len(label) > LABEL_MAX:
        return f"{LABEL_MAX} caractères au plus."
    if label.casefold() in {other.casefold() for other in existing}:
        return "Un motif porte déjà ce libellé."
    return None
