"""Contact time slots (« plages horaires de joignabilité ») and working hours.

L1222-10 5° (2012) requires the employer to set, with the employee, the time slots during which
the employee can usually be contacted. They must lie within the employee's working hours and
leave the 11 consecutive hours of daily rest (C. trav. L3131-1); slots in the evening or early in
the morning intrude on private life (ANI 19/07/2005 art. 6).

Slots are written the French way, « 9 h 30 – 12 h 00 et 14 h 00 – 16 h 30 »; the parser also
accepts « 9h30-12h », « 09:30 - 12:00 », « de 9 h à 12 h », separated by « et », « , » or « ; ».
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .terms import Violation

BASIS_CONTACT_SLOTS = "C. trav. L1222-10 5° (2012) : plages horaires"
BASIS_DAILY_REST = "C. trav. L3131-1 : repos quotidien de 11 heures consécutives"
BASIS_PRIVATE_LIFE = "ANI 19/07/2005 art. 6 : vie privée"

DAILY_REST_MINUTES = 11 * 60
#: Slots starting before / ending after these times intrude on private life (a warning).
EARLY_LIMIT = 7 * 60
EVENING_LIMIT = 20 * 60
MINUTES_PER_DAY = 24 * 60

_NBSP = "\u00a0"
_TIME = r"(?P<{n}h>[0-9]{{1,2}})\s*(?:h|H|:|\.)\s*(?P<{n}m>[0-9]{{2}})?|(?P<{n}h2>[0-9]{{1,2}})\s*(?:h|H)"
_SLOT = re.compile(
    r"^\s*(?:de\s+)?(?:" + _TIME.format(n="a") + r")\s*(?:-|–|—|à|a)\s*(?:"
    + _TIME.format(n="b") + r")\s*$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:\bet\b|,|;|/|\n)\s*", re.IGNORECASE)
_MAX_SLOTS = 6


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """A time slot within a day, in minutes from midnight (end excluded)."""

    start: int
    end: int

    def label(self) -> str:
        """« 9 h 30 – 12 h 00 »."""
        return f"{_hm(self.start)} – {_hm(self.end)}"


def _hm(minutes: int) -> str:
    return f"{minutes // 60}{_NBSP}h{_NBSP}{minutes % 60:02d}"


def _minutes(hours: str, mins: str | None) -> int | None:
    h, m = int(hours), int(mins or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        return None
    return h * 60 + m


def parse_slots(text: str) -> tuple[Slot, ...]:
    """Slots of a text such as « 9 h 30 – 12 h 00 et 14 h 00 – 16 h 30 »; French ValueError."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("Aucune plage horaire n'est indiquée.")
    parts = [part for part in _SPLIT.split(text.strip()) if part]
    if len(parts) > _MAX_SLOTS:
        raise ValueError(f"Trop de plages horaires ({len(parts)}){_NBSP}: {_MAX_SLOTS} au plus.")
    slots = []
    for part in parts:
        match = _SLOT.match(part)
        if match is None:
            raise ValueError(
                f"Plage horaire illisible{_NBSP}: «{_NBSP}{part[:40]}{_NBSP}» (écrivez par exemple "
                f"«{_NBSP}9 h 30 – 12 h 00 et 14 h 00 – 16 h 30{_NBSP}»)."
            )
        start = _minutes(match["ah"] or match["ah2"], match["am"])
        end = _minutes(match["bh"] or match["bh2"], match["bm"])
        if start is None or end is None:
            raise ValueError(f"Heure invalide dans «{_NBSP}{part[:40]}{_NBSP}».")
        if end <= start:
            raise ValueError(
                f"La plage «{_NBSP}{part[:40]}{_NBSP}» doit finir après son début."
            )
        slots.append(Slot(start, end))
    slots.sort()
    for first, second in zip(slots, slots[1:], strict=False):
        if second.start < first.end:
            raise ValueError(
                f"Les plages {first.label()} et {second.label()} se chevauchent."
            )
    return tuple(slots)


def format_slots(slots: tuple[Slot, ...]) -> str:
    """« 9 h 30 – 12 h 00 et 14 h 00 – 16 h 30 »."""
    return " et ".join(slot.label() for slot in slots)


def _within(slot: Slot, hours: tuple[Slot, ...]) -> bool:
    return any(h.start <= slot.start and slot.end <= h.end for h in hours)


def check_contact_slots(
    contact_slots: str,
    working_hours: str,
    *,
    field: str = "contact_slots",
) -> list[Violation]:
    """Contact slots readable, within the working hours, leaving the daily rest; late ones warn."""
    try:
        slots = parse_slots(contact_slots)
    except ValueError as error:
        return [Violation(field, str(error), BASIS_CONTACT_SLOTS, True)]
    out: list[Violation] = []
    span = slots[-1].end - slots[0].start
    if MINUTES_PER_DAY - span < DAILY_REST_MINUTES:
        out.append(
            Violation(
                field,
                f"Des plages de {slots[0].label()} à {slots[-1].label()} ne laissent pas "
                f"11{_NBSP}heures consécutives de repos quotidien.",
                BASIS_DAILY_REST,
                True,
            )
        )
    hours: tuple[Slot, ...] | None
    try:
        hours = parse_slots(working_hours) if working_hours.strip() else None
    except ValueError:
        hours = None
        out.append(
            Violation(
                field,
                "Les horaires de travail du salarié sont illisibles : les plages de "
                "joignabilité ne peuvent pas être comparées à ses horaires.",
                BASIS_CONTACT_SLOTS,
                False,
            )
        )
    if hours is not None:
        outside = [slot.label() for slot in slots if not _within(slot, hours)]
        if outside:
            out.append(
                Violation(
                    field,
                    f"Plage{'s' if len(outside) > 1 else ''} {', '.join(outside)} en dehors "
                    f"des horaires de travail du salarié ({format_slots(hours)})"
                    f"{_NBSP}: le salarié n'est joignable que pendant son temps de travail.",
                    BASIS_CONTACT_SLOTS,
                    True,
                )
            )
    late = [s.label() for s in slots if s.start < EARLY_LIMIT or s.end > EVENING_LIMIT]
    if late:
        out.append(
            Violation(
                field,
                f"Plage{'s' if len(late) > 1 else ''} {', '.join(late)} tôt le matin ou le "
                f"soir{_NBSP}: veillez au respect de la vie privée du salarié.",
                BASIS_PRIVATE_LIFE,
                False,
            )
        )
    return out


def check_working_hours(text: str, *, field: str = "working_hours") -> list[Violation]:
    """Working hours readable and leaving the daily rest (empty means: the policy's hours)."""
    if not text.strip():
        return []
    try:
        hours = parse_slots(text)
    except ValueError as error:
        return [Violation(field, str(error), BASIS_DAILY_REST, True)]
    if MINUTES_PER_DAY - (hours[-1].end - hours[0].start) < DAILY_REST_MINUTES:
        return [
            Violation(
                field,
                f"Des horaires de {hours[0].label()} à {hours[-1].label()} ne laissent pas "
                f"11{_NBSP}heures consécutives de repos quotidien.",
                BASIS_DAILY_REST,
                True,
            )
        ]
    return []
