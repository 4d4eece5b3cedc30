"""Weekly telework pattern: ten half-day slots, Monday morning to Friday afternoon.

A pattern is stored as a string of ten characters, '1' for a telework half day and '0' for a
half day on site, in the order Monday AM, Monday PM, Tuesday AM, ... Friday PM.
"1100000000" is Monday (full day); "0010000001" is Tuesday morning and Friday afternoon.

A pattern with no slot set ("0000000000") means the agreement sets a weekly volume of days
without fixing which ones. That is a legitimate choice (legal.md §4.1, « jours fixes ou volume »);
the rules engine treats it as such.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

__all__ = [
    "EMPTY_PATTERN",
    "HALF_DAYS",
    "HALF_DAYS_FR",
    "SLOTS_PER_DAY",
    "SLOTS_PER_WEEK",
    "SLOT_NAMES",
    "WEEKDAYS",
    "WEEKDAYS_FR",
    "build_pattern",
    "describe_pattern",
    "format_pattern",
    "has_half_days",
    "is_valid_pattern",
    "parse_pattern",
    "pattern_days",
    "slot_label",
    "slot_names",
    "slots_for_weekday",
    "telework_weekdays",
]

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
WEEKDAYS_FR: tuple[str, ...] = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
HALF_DAYS: tuple[str, ...] = ("am", "pm")
HALF_DAYS_FR: tuple[str, ...] = ("matin", "après-midi")
SLOTS_PER_DAY = len(HALF_DAYS)
SLOTS_PER_WEEK = len(WEEKDAYS) * SLOTS_PER_DAY
SLOT_NAMES: tuple[str, ...] = tuple(f"{day}_{half}" for day in WEEKDAYS for half in HALF_DAYS)
EMPTY_PATTERN = "0" * SLOTS_PER_WEEK

_FULL_DAY_FR = "journée"
# French typography: no-break space before « : », « ; » and inside guillemets.
_NBSP = "\u00a0"


def parse_pattern(s: str) -> tuple[bool, ...]:
    """Ten booleans (Monday AM first) from a pattern string; ValueError with a French message."""
    if not isinstance(s, str):
        raise ValueError("Le rythme hebdomadaire doit être une suite de 0 et de 1.")
    if len(s) != SLOTS_PER_WEEK:
        raise ValueError(
            f"Le rythme hebdomadaire doit compter {SLOTS_PER_WEEK} demi-journées "
            f"(du lundi matin au vendredi après-midi){_NBSP}; {len(s)} reçue(s)."
        )
    for position, char in enumerate(s):
        if char not in "01":
            raise ValueError(
                f"Caractère «{_NBSP}{char}{_NBSP}» non admis dans le rythme hebdomadaire "
                f"({slot_label(position)}){_NBSP}: seuls 0 et 1 sont acceptés."
            )
    return tuple(char == "1" for char in s)


def is_valid_pattern(s: object) -> bool:
    """True when s is a well-formed pattern string."""
    try:
        parse_pattern(s)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def format_pattern(slots: Iterable[bool]) -> str:
    """Pattern string from ten booleans (the inverse of parse_pattern)."""
    values = tuple(bool(slot) for slot in slots)
    if len(values) != SLOTS_PER_WEEK:
        raise ValueError(
            f"Le rythme hebdomadaire doit compter {SLOTS_PER_WEEK} demi-journées{_NBSP}; "
            f"{len(values)} reçue(s)."
        )
    return "".join("1" if value else "0" for value in values)


def build_pattern(slots: Mapping[str, object] | Iterable[str]) -> str:
    """Pattern string from slot names ("mon_am", ...): a mapping name -> truthy, or an iterable."""
    if isinstance(slots, str):
        # A bare string would be iterated character by character: refuse it clearly.
        raise ValueError(
            f"Indiquez les demi-journées par leur nom (lundi matin{_NBSP}: «{_NBSP}mon_am{_NBSP}»)."
        )
    chosen = (
        {name for name, value in slots.items() if value}
        if isinstance(slots, Mapping)
        else set(slots)
    )
    unknown = sorted(str(name) for name in chosen if name not in SLOT_NAMES)
    if unknown:
        names = ", ".join(f"«{_NBSP}{name}{_NBSP}»" for name in unknown)
        raise ValueError(f"Demi-journée inconnue{_NBSP}: {names}.")
    return format_pattern(name in chosen for name in SLOT_NAMES)


def slot_names(s: str) -> tuple[str, ...]:
    """Names of the telework slots of a pattern ("mon_am", ...), in week order."""
    return tuple(name for name, on in zip(SLOT_NAMES, parse_pattern(s), strict=True) if on)


def slot_label(index: int) -> str:
    """French label of a slot index, e.g. 3 -> "mardi après-midi"."""
    if not 0 <= index < SLOTS_PER_WEEK:
        raise ValueError(f"Numéro de demi-journée hors limites{_NBSP}: {index}.")
    day, half = divmod(index, SLOTS_PER_DAY)
    return f"{WEEKDAYS_FR[day]} {HALF_DAYS_FR[half]}"


def _weekday_index(weekday: int | str) -> int:
    """Index 0..4 of a weekday given as an index, "mon".."fri" or "lundi".."vendredi"."""
    if isinstance(weekday, int) and not isinstance(weekday, bool):
        if 0 <= weekday < len(WEEKDAYS):
            return weekday
    elif isinstance(weekday, str):
        key = weekday.strip().lower()
        if key in WEEKDAYS:
            return WEEKDAYS.index(key)
        if key in WEEKDAYS_FR:
            return WEEKDAYS_FR.index(key)
    raise ValueError(
        f"Jour de la semaine inconnu{_NBSP}: {weekday!r} (du lundi au vendredi uniquement)."
    )


def slots_for_weekday(s: str, weekday: int | str) -> tuple[bool, bool]:
    """(morning, afternoon) of one weekday (0 = Monday, "mon" or "lundi")."""
    slots = parse_pattern(s)
    first = _weekday_index(weekday) * SLOTS_PER_DAY
    return slots[first], slots[first + 1]


def telework_weekdays(s: str) -> tuple[int, ...]:
    """Indexes (0 = Monday) of the weekdays with at least one telework half day."""
    slots = parse_pattern(s)
    return tuple(
        day
        for day in range(len(WEEKDAYS))
        if slots[day * SLOTS_PER_DAY] or slots[day * SLOTS_PER_DAY + 1]
    )


def pattern_days(s: str) -> Decimal:
    """Telework days per week of a pattern (a half day counts 0.5)."""
    return Decimal(sum(parse_pattern(s))) / SLOTS_PER_DAY


def has_half_days(s: str) -> bool:
    """True when some weekday has exactly one of its two half days teleworked."""
    slots = parse_pattern(s)
    return any(
        slots[day * SLOTS_PER_DAY] != slots[day * SLOTS_PER_DAY + 1] for day in range(len(WEEKDAYS))
    )


def describe_pattern(s: str) -> str:
    """French description, e.g. "lundi (journée), mercredi (matin)", or "aucun jour"."""
    slots = parse_pattern(s)
    parts = []
    for day, weekday_fr in enumerate(WEEKDAYS_FR):
        morning, afternoon = slots[day * SLOTS_PER_DAY], slots[day * SLOTS_PER_DAY + 1]
        if morning and afternoon:
            parts.append(f"{weekday_fr} ({_FULL_DAY_FR})")
        elif morning or afternoon:
            parts.append(f"{weekday_fr} ({HALF_DAYS_FR[0] if morning else HALF_DAYS_FR[1]})")
    return ", ".join(parts) if parts else "aucun jour"
