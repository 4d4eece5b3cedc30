"""Which amendment an agreement rests on (issued in the app or signed on paper), what the
notice needs, and whether a new amendment version is worth issuing.

Pure rules: the services, the agreement page and the API all ask these functions, so one
answer holds on every screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from . import lifecycle as lc
from .document_kinds import AMENDMENT_IMPLIED_STATES, NOTICE_STATES

#: Where the amendment of an agreement comes from.
ISSUED = "issued"  # issued (rendered and stored) in the app
PAPER = "paper"  # signed on paper before the app, recorded by HR

#: Snapshot keys that change on every issue and say nothing about the terms.
VOLATILE_SNAPSHOT_KEYS: frozenset[str] = frozenset(
    {"kind", "schema_version", "reference", "version", "issue_date"}
)

#: French names of the amendment's printed parts (for « what changed since version n »).
SNAPSHOT_PART_LABELS: dict[str, str] = {
    "employer": "employeur",
    "employee": "salarié",
    "establishment": "établissement",
    "request": "demande",
    "places": "lieux de télétravail",
    "days_per_week": "jours de télétravail par semaine",
    "weekly_pattern": "jours de télétravail",
    "half_days": "demi-journées",
    "eligibility_statement": "éligibilité du poste",
    "teleworked_tasks": "activités télétravaillées",
    "renewal": "renouvellement",
    "insurance_required": "attestation d'assurance",
    "electrical_statement_required": "attestation de conformité électrique",
    "it_charter_ref": "charte informatique",
    "annual_interview_first_date": "premier entretien annuel",
    "start_date": "date d'effet",
    "end_date": "date de fin",
    "adaptation": "période d'adaptation",
    "notice_days_after": "délai de prévenance",
    "contact_slots": "plages de joignabilité",
    "time_control": "contrôle du temps de travail",
    "equipment": "équipements",
    "allowance": "allocation",
    "onsite_min_days": "jours de présence sur site",
    "reversibility_clause": "clause de réversibilité",
    "working_week": "semaine de travail",
    "costs_coverage": "coûts pris en charge",
    "place_of_signature": "lieu de signature",
}


def amendment_basis(has_issued_amendment: bool, paper_signed_date: date | None) -> str | None:
    """ISSUED, PAPER or None: the amendment the agreement rests on (the app's one wins)."""
    if has_issued_amendment:
        return ISSUED
    if paper_signed_date is not None:
        return PAPER
    return None


def paper_amendment_refusal(
    state: str, kind: str, has_issued_amendment: bool, signed_date: date | None, today: date
) -> str | None:
    """French reason why a paper amendment cannot be recorded (None: it can).

    Only for a regular agreement past the amendment stage whose amendment was never issued in
    the app (imported, or signed on paper before the app); ``signed_date`` may be None to ask
    whether the form may be shown at all.
    """
    if kind != "regular":
        return (
            "Un télétravail imposé pour circonstances exceptionnelles (L1222-11) ne repose pas "
            "sur un avenant."
        )
    if has_issued_amendment:
        return (
            "L'avenant de cet accord a été émis dans l'application : la notification de fin "
            "s'y réfère, il n'y a pas d'avenant papier à enregistrer."
        )
    if state not in AMENDMENT_IMPLIED_STATES or state == lc.ISSUED:
        label = lc.STATE_LABELS.get(state, state)
        return (
            f"L'accord est à l'état « {label} » : son avenant s'émet dans l'application, "
            "l'avenant papier ne concerne que les accords signés avant elle."
        )
    if signed_date is not None and signed_date > today:
        return "La date de signature de l'avenant papier ne peut pas être dans le futur."
    return None


def notice_refusal(
    state: str, kind: str, has_issued_amendment: bool, has_paper_amendment: bool
) -> str | None:
    """French reason why the reversibility notice cannot be issued now (None: it can).

    The notice needs the end to be notified (ending or ended) and an amendment to refer to:
    issued in the app, or signed on paper and recorded.
    """
    if kind != "regular":
        return (
            "Un télétravail imposé pour circonstances exceptionnelles prend fin sans "
            "notification de réversibilité."
        )
    if state not in NOTICE_STATES:
        label = lc.STATE_LABELS.get(state, state)
        return (
            "La notification de fin de télétravail s'émet une fois la fin notifiée dans le "
            f"suivi de l'accord ; cet accord est à l'état « {label} »."
        )
    if not (has_issued_amendment or has_paper_amendment):
        return (
            "La notification de fin doit se référer à l'avenant de télétravail, qui n'a pas été "
            "émis dans l'application : enregistrez d'abord l'avenant signé sur papier (date de "
            "signature et, si possible, son scan)."
        )
    return None


def _comparable(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in snapshot.items() if k not in VOLATILE_SNAPSHOT_KEYS}


def amendment_changes(
    previous: Mapping[str, Any] | None, current: Mapping[str, Any]
) -> tuple[str, ...]:
    """French names of the printed parts that differ from the last issued version.

    ``previous`` is None when no version was issued, or when it cannot be read back: then
    everything counts as changed (a one-element answer naming the whole amendment).
    """
    if previous is None:
        return ("avenant",)
    before, after = _comparable(previous), _comparable(current)
    keys = sorted(set(before) | set(after))
    return tuple(
        SNAPSHOT_PART_LABELS.get(key, key.replace("_", " "))
        for key in keys
        if before.get(key) != after.get(key)
    )


#: Codes of the next step shown in the agreement page's header.
STEP_ISSUE_AMENDMENT = "issue_amendment"
STEP_FIX_AMENDMENT = "fix_amendment"
STEP_SIGN = "sign"
STEP_ACTIVATE = "activate"
STEP_END_ADAPTATION = "end_adaptation"
STEP_FOLLOW_UP = "follow_up"
STEP_RESUME = "resume"
STEP_RECORD_PAPER = "record_paper"
STEP_ISSUE_NOTICE = "issue_notice"
STEP_COMPLETE_END = "complete_end"
STEP_NONE = "none"


def next_step(
    state: str,
    kind: str,
    *,
    can_issue_amendment: bool,
    has_amendment: bool,
    notice_issued: bool,
) -> str:
    """The one thing HR should do next on the agreement (a STEP_* code).

    ``can_issue_amendment``: a version is due and can be issued now (first issue, or terms
    changed); ``has_amendment``: issued in the app or recorded on paper.
    """
    if kind != "regular":
        return STEP_COMPLETE_END if state == lc.IMPOSED else STEP_NONE
    if state == lc.DRAFT:
        return STEP_ISSUE_AMENDMENT if can_issue_amendment else STEP_FIX_AMENDMENT
    if can_issue_amendment and state in (lc.ISSUED, lc.ADAPTATION, lc.ACTIVE, lc.SUSPENDED):
        return STEP_ISSUE_AMENDMENT
    if state == lc.ISSUED:
        return STEP_SIGN
    if state == lc.SIGNED:
        return STEP_ACTIVATE
    if state == lc.ADAPTATION:
        return STEP_END_ADAPTATION
    if state == lc.ACTIVE:
        return STEP_FOLLOW_UP
    if state == lc.SUSPENDED:
        return STEP_RESUME
    if state in NOTICE_STATES and not notice_issued:
        return STEP_ISSUE_NOTICE if has_amendment else STEP_RECORD_PAPER
    if state == lc.ENDING:
        return STEP_COMPLETE_END
    return STEP_NONE


#: French sentence of each next step (the header prints it).
STEP_TEXTS: dict[str, str] = {
    STEP_ISSUE_AMENDMENT: "Émettre l'avenant, puis le faire signer par les deux parties.",
    STEP_FIX_AMENDMENT: "Compléter l'accord : l'avenant ne peut pas encore être émis.",
    STEP_SIGN: "Faire signer l'avenant par les deux parties, puis enregistrer les signatures.",
    STEP_ACTIVATE: "Démarrer le télétravail à la date d'effet de l'avenant.",
    STEP_END_ADAPTATION: "Clore la période d'adaptation à son terme.",
    STEP_FOLLOW_UP: "Télétravail en cours : suivre les attestations, les équipements et "
    "l'entretien annuel.",
    STEP_RESUME: "Reprendre le télétravail à la fin des circonstances exceptionnelles.",
    STEP_RECORD_PAPER: "Enregistrer l'avenant signé sur papier, puis émettre la notification "
    "de fin de télétravail.",
    STEP_ISSUE_NOTICE: "Émettre la notification de fin de télétravail.",
    STEP_COMPLETE_END: "Constater la fin du télétravail à la date prévue.",
    STEP_NONE: "Aucune action n'est attendue sur cet accord.",
}
