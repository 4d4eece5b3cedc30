"""Ending telework: phase, reversibility clause, notice delay and effective end date.

The one place where the law on ending telework is decided (ANI 19 July 2005 arts 2 and 3;
Cass. soc. 12 Feb 2014, n° 12-23.051). The HR lifecycle, the employee's space, the PDF notice and
the to-do list all call ``end_terms`` and ``check_end``; none of them computes a delay itself.

- During the adaptation period either party may end telework unilaterally, with the notice
  delay agreed in the amendment (ANI art. 2).
- After it, telework ends by agreement of both parties (ANI art. 3), unless the amendment has a
  reversibility clause allowing either party to end it with the agreed notice
  (``reversibility_clause == "notice"``). An end agreed by both parties never has to wait for the
  notice: the parties set its date.
- Notice delays are calendar days counted from the day after the notification: notified on D
  with N days, telework may end on D + N at the earliest (the first day back on site).

The phase depends on the dates only (the notification date against the last day of the
adaptation period), never on whether HR has already recorded the end of the adaptation period:
two screens reading the same agreement on the same day always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .dates import format_date_fr as _fr_date
from .terms import Violation

PHASE_NOT_STARTED = "not_started"
PHASE_ADAPTATION = "adaptation"
PHASE_AFTER_ADAPTATION = "after_adaptation"
PHASES: tuple[str, ...] = (PHASE_NOT_STARTED, PHASE_ADAPTATION, PHASE_AFTER_ADAPTATION)

#: Reversibility clause of the amendment, for the time after the adaptation period.
CLAUSE_NOTICE = "notice"  # either party may end telework with the agreed notice
CLAUSE_MUTUAL = "mutual"  # only by agreement of both parties
REVERSIBILITY_CLAUSES: tuple[str, ...] = (CLAUSE_NOTICE, CLAUSE_MUTUAL)
CLAUSE_LABELS: dict[str, str] = {
    CLAUSE_NOTICE: "chacune des parties peut y mettre fin en respectant le délai de prévenance",
    CLAUSE_MUTUAL: "fin uniquement d'un commun accord entre les parties",
}

#: Where a notice delay comes from.
SOURCE_AGREEMENT = "agreement"
SOURCE_POLICY = "policy"

INITIATIVES: tuple[str, ...] = ("employee", "employer")
INITIATIVE_PHRASES: dict[str, str] = {
    "employee": "à l'initiative du salarié",
    "employer": "à l'initiative de l'employeur",
}

BASIS_ADAPTATION = "ANI 19/07/2005 art. 2 : période d'adaptation"
BASIS_REVERSIBILITY = "ANI 19/07/2005 art. 3 : réversibilité"
BASIS_CASE_2014 = "ANI 19/07/2005 art. 3 ; Cass. soc. 12 févr. 2014, n° 12-23.051"

_NBSP = "\u00a0"


def phase_on(start: date | None, adaptation_end: date | None, day: date) -> str:
    """Phase of an agreement on ``day``: not started, adaptation (until its last day) or after."""
    if start is None or day < start:
        return PHASE_NOT_STARTED
    if adaptation_end is not None and day <= adaptation_end:
        return PHASE_ADAPTATION
    return PHASE_AFTER_ADAPTATION


def earliest_end(notification_date: date, notice_days: int) -> date:
    """First day without telework for a notice of ``notice_days`` given on ``notification_date``."""
    if notice_days < 0:
        raise ValueError("Le délai de prévenance ne peut pas être négatif.")
    return notification_date + timedelta(days=notice_days)


def last_telework_day(
    end_date: date | None,
    ending_effective_date: date | None,
    ended_date: date | None = None,
) -> date | None:
    """Last day teleworked: the term, the eve of the notified end or the recorded end (earliest)."""
    candidates = [d for d in (end_date, ended_date) if d is not None]
    if ending_effective_date is not None:
        candidates.append(ending_effective_date - timedelta(days=1))
    return min(candidates) if candidates else None


def unilateral_end_allowed(phase: str, clause: str) -> bool:
    """Whether one party alone may end telework in ``phase`` under ``clause``."""
    if phase == PHASE_ADAPTATION:
        return True
    if phase == PHASE_AFTER_ADAPTATION:
        return clause == CLAUSE_NOTICE
    return False


@dataclass(frozen=True, slots=True)
class EndTerms:
    """What ending telework on a given notification date involves."""

    notification_date: date
    phase: str
    clause: str
    notice_days: int  # the delay of the phase (0 before the start)
    notice_source: str  # SOURCE_AGREEMENT, or SOURCE_POLICY when the amendment states none
    unilateral_allowed: bool
    earliest_end: date  # for a unilateral notice; an agreed end may be earlier

    @property
    def basis(self) -> str:
        """Legal basis of the delay that applies."""
        return BASIS_ADAPTATION if self.phase == PHASE_ADAPTATION else BASIS_REVERSIBILITY


def end_terms(
    *,
    start: date | None,
    adaptation_end: date | None,
    clause: str,
    notice_during: int | None,
    notice_after: int | None,
    policy_notice_during: int,
    policy_notice_after: int,
    notification_date: date,
) -> EndTerms:
    """Phase, notice delay and earliest end for a notice given on ``notification_date``.

    An amendment always states its delays; imported or paper agreements may not, and then the
    employer policy's delay applies, which ``notice_source`` says.
    """
    if clause not in REVERSIBILITY_CLAUSES:
        raise ValueError(f"Clause de réversibilité inconnue{_NBSP}: {clause!r}.")
    phase = phase_on(start, adaptation_end, notification_date)
    if phase == PHASE_ADAPTATION:
        own, fallback = notice_during, policy_notice_during
    else:
        own, fallback = notice_after, policy_notice_after
    days, source = (own, SOURCE_AGREEMENT) if own is not None else (fallback, SOURCE_POLICY)
    if phase == PHASE_NOT_STARTED:
        days = 0
    return EndTerms(
        notification_date=notification_date,
        phase=phase,
        clause=clause,
        notice_days=days,
        notice_source=source,
        unilateral_allowed=unilateral_end_allowed(phase, clause),
        earliest_end=earliest_end(notification_date, days),
    )


def check_end(
    terms: EndTerms,
    *,
    mutual: bool,
    effective: date | None,
    agreement_end: date | None = None,
) -> list[Violation]:
    """Why ending telework as proposed is not allowed; an empty list means it is."""
    out: list[Violation] = []
    if terms.phase == PHASE_NOT_STARTED:
        out.append(
            Violation(
                "notification_date",
                "Le télétravail n'a pas encore commencé à cette date : il n'y a pas de fin à "
                "notifier (l'accord peut être abandonné avant sa mise en œuvre).",
                BASIS_ADAPTATION,
                True,
            )
        )
        return out
    if not mutual and not terms.unilateral_allowed:
        out.append(
            Violation(
                "is_end_mutual",
                "Après la période d'adaptation, l'avenant prévoit que le télétravail ne prend fin "
                "que d'un commun accord : une notification unilatérale n'est pas possible. "
                "Recueillez l'accord des deux parties.",
                BASIS_CASE_2014,
                True,
            )
        )
    if effective is None:
        return out
    if effective < terms.notification_date:
        out.append(
            Violation(
                "effective_date",
                f"La fin du télétravail ({_fr_date(effective)}) ne peut pas précéder la "
                f"notification du {_fr_date(terms.notification_date)}.",
                terms.basis,
                True,
            )
        )
    elif not mutual and effective < terms.earliest_end:
        out.append(
            Violation(
                "effective_date",
                f"La date de fin proposée ({_fr_date(effective)}) ne respecte pas le délai de "
                f"prévenance de {_days(terms.notice_days)} à compter de la notification du "
                f"{_fr_date(terms.notification_date)}{_NBSP}: fin possible au plus tôt le "
                f"{_fr_date(terms.earliest_end)}.",
                terms.basis,
                True,
            )
        )
    if agreement_end is not None and effective > agreement_end:
        out.append(
            Violation(
                "effective_date",
                f"La date de fin ({_fr_date(effective)}) est postérieure au terme de l'accord "
                f"({_fr_date(agreement_end)}), qui prend fin de lui-même à cette date.",
                terms.basis,
                True,
            )
        )
    return out


def notice_sentence(terms: EndTerms) -> str:
    """French sentence explaining the delay that applies and the earliest end date."""
    if terms.phase == PHASE_NOT_STARTED:
        return "Le télétravail n'a pas encore commencé."
    source = (
        " (délai de la politique de l'employeur, l'avenant n'en fixant pas)"
        if terms.notice_source == SOURCE_POLICY
        else ""
    )
    if terms.phase == PHASE_ADAPTATION:
        return (
            "Pendant la période d'adaptation, chacune des parties peut mettre fin au télétravail "
            f"en respectant un délai de prévenance de {_days(terms.notice_days)}{source}{_NBSP}: "
            f"notifiée le {_fr_date(terms.notification_date)}, la fin peut prendre effet au plus "
            f"tôt le {_fr_date(terms.earliest_end)}."
        )
    if terms.unilateral_allowed:
        return (
            "La période d'adaptation est terminée{nbsp}: selon la clause de réversibilité de "
            "l'avenant, chacune des parties peut mettre fin au télétravail en respectant un délai "
            f"de prévenance de {_days(terms.notice_days)}{source}{_NBSP}: notifiée le "
            f"{_fr_date(terms.notification_date)}, la fin peut prendre effet au plus tôt le "
            f"{_fr_date(terms.earliest_end)}. Une fin convenue d'un commun accord peut être "
            "plus proche."
        ).replace("{nbsp}", _NBSP)
    return (
        f"La période d'adaptation est terminée{_NBSP}: selon l'avenant, le télétravail ne prend "
        "fin que d'un commun accord entre le salarié et l'employeur, à la date qu'ils conviennent."
    )


def _days(n: int) -> str:
    return f"{n} jour" if n <= 1 else f"{n} jours"
