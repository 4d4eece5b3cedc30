"""Weekly patterns: fourteen half-day slots, Monday morning to Sunday afternoon.

Two kinds of pattern share the slot order (Monday AM, Monday PM, Tuesday AM, … Sunday PM):

- the **telework pattern** of an agreement or a request: one character per half-day, '0' when it
  is not teleworked, '1' when it is teleworked at the agreement's first place, '2' when it is
  teleworked at its second place (home on Monday, the télécentre on Thursday: "11000000220000");
- the **working week** of an employee: '1' for a half-day the employee works under the
  contract, '0' otherwise ("11111111110000" is Monday to Friday; a part-time employee off on
  Wednesday afternoon has "11110111110000"; a shop employee may work on Saturday).

A telework pattern with no slot set means the agreement sets a weekly volume of days without
fixing which ones, a legitimate choice (legal.md §4.1, « jours fixes ou volume »).

Version 1 stored ten characters (Monday to Friday, '1' only): ``from_legacy`` converts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS_FR: tuple[str, ...] = (
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
)
HALF_DAYS: tuple[str, ...] = ("am", "pm")
HALF_DAYS_FR: tuple[str, ...] = ("matin", "après-midi")
SLOTS_PER_DAY = len(HALF_DAYS)
SLOTS_PER_WEEK = len(WEEKDAYS) * SLOTS_PER_DAY
SLOT_NAMES: tuple[str, ...] = tuple(f"{day}_{half}" for day in WEEKDAYS for half in HALF_DAYS)

#: Slot codes of a telework pattern.
ON_SITE = 0  # not teleworked (on site, or not worked at all)
FIRST_PLACE = 1  # teleworked at the agreement's place
SECOND_PLACE = 2  # teleworked at the agreement's second place
PLACE_CODES: tuple[int, ...] = (FIRST_PLACE, SECOND_PLACE)
_CODE_CHARS = "012"

EMPTY_PATTERN = "0" * SLOTS_PER_WEEK
#: Monday to Friday, full days: the working week when the contract says nothing else.
STANDARD_WORKING_WEEK = "1" * 10 + "0" * 4
LEGACY_SLOTS = 10

_FULL_DAY_FR = "journée"
_NBSP = "\u00a0"


# --------------------------------------------------------------------------------------------
# Telework pattern
# --------------------------------------------------------------------------------------------


def parse_pattern(s: str) -> tuple[int, ...]:
    """Fourteen slot codes (0 none, 1 first place, 2 second place); French ValueError otherwise."""
    if not isinstance(s, str):
        raise ValueError("Le rythme hebdomadaire doit être une suite de 0, 1 et 2.")
    if len(s) != SLOTS_PER_WEEK:
        raise ValueError(
            f"Le rythme hebdomadaire doit compter {SLOTS_PER_WEEK} demi-journées "
            f"(du lundi matin au dimanche après-midi){_NBSP}; {len(s)} reçue(s)."
        )
    for position, char in enumerate(s):
        if char not in _CODE_CHARS:
            raise ValueError(
                f"Caractère «{_NBSP}{char}{_NBSP}» non admis dans le rythme hebdomadaire "
                f"({slot_label(position)}){_NBSP}: seuls 0, 1 et 2 sont acceptés."
            )
    return tuple(int(char) for char in s)


def is_valid_pattern(s: object) -> bool:
    """True when ``s`` is a well-formed telework pattern string."""
    try:
        parse_pattern(s)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def format_pattern(codes: Iterable[int | bool]) -> str:
    """Pattern string from fourteen codes (True counts as the first place)."""
    values = tuple(int(code) for code in codes)
    if len(values) != SLOTS_PER_WEEK:
        raise ValueError(
            f"Le rythme hebdomadaire doit compter {SLOTS_PER_WEEK} demi-journées{_NBSP}; "
            f"{len(values)} reçue(s)."
        )
    if any(value not in (ON_SITE, *PLACE_CODES) for value in values):
        raise ValueError("Code de demi-journée inconnu (0, 1 ou 2).")
    return "".join(str(value) for value in values)


def from_legacy(s: str) -> str:
    """Version 1's ten Monday-to-Friday characters as a fourteen-slot pattern (weekend off)."""
    if isinstance(s, str) and len(s) == LEGACY_SLOTS and set(s) <= {"0", "1"}:
        return s + "0" * (SLOTS_PER_WEEK - LEGACY_SLOTS)
    return s


def has_fixed_days(s: object) -> bool:
    """True for a valid pattern with at least one teleworked half-day (not a mere volume)."""
    return is_valid_pattern(s) and any(char != "0" for char in s)  # type: ignore[union-attr]


def describe_schedule(s: str | None, place_names: Mapping[int, str] | None = None) -> str:
    """French description of the days, or that they are a weekly volume without fixed days."""
    if not has_fixed_days(s):
        return "jours non fixés (volume hebdomadaire)"
    return describe_pattern(s, place_names)  # type: ignore[arg-type]


def telework_slots(s: str) -> tuple[bool, ...]:
    """Fourteen booleans: whether each half-day is teleworked (wherever)."""
    return tuple(code != ON_SITE for code in parse_pattern(s))


def slot_label(index: int) -> str:
    """French label of a slot index, e.g. 3 -> "mardi après-midi"."""
    if not 0 <= index < SLOTS_PER_WEEK:
        raise ValueError(f"Numéro de demi-journée hors limites{_NBSP}: {index}.")
    day, half = divmod(index, SLOTS_PER_DAY)
    return f"{WEEKDAYS_FR[day]} {HALF_DAYS_FR[half]}"


def slot_index(weekday: int, half: int) -> int:
    """Slot index of a weekday (0 = Monday) and a half (0 = morning, 1 = afternoon)."""
    if not (0 <= weekday < len(WEEKDAYS) and 0 <= half < SLOTS_PER_DAY):
        raise ValueError(f"Demi-journée hors limites{_NBSP}: {weekday}, {half}.")
    return weekday * SLOTS_PER_DAY + half


def _weekday_index(weekday: int | str) -> int:
    """Index 0..6 of a weekday given as an index, "mon".."sun" or "lundi".."dimanche"."""
    if isinstance(weekday, int) and not isinstance(weekday, bool):
        if 0 <= weekday < len(WEEKDAYS):
            return weekday
    elif isinstance(weekday, str):
        key = weekday.strip().lower()
        if key in WEEKDAYS:
            return WEEKDAYS.index(key)
        if key in WEEKDAYS_FR:
            return WEEKDAYS_FR.index(key)
    raise ValueError(f"Jour de la semaine inconnu{_NBSP}: {weekday!r}.")


def slots_for_weekday(s: str, weekday: int | str) -> tuple[int, int]:
    """(morning code, afternoon code) of one weekday (0 = Monday, "mon" or "lundi")."""
    codes = parse_pattern(s)
    first = _weekday_index(weekday) * SLOTS_PER_DAY
    return codes[first], codes[first + 1]


def codes_on(s: str, day: date) -> tuple[int, int]:
    """(morning code, afternoon code) of the pattern on a calendar date."""
    return slots_for_weekday(s, day.weekday())


def pattern_days(s: str) -> Decimal:
    """Telework days per week of a pattern (a half-day counts 0.5)."""
    return Decimal(sum(telework_slots(s))) / SLOTS_PER_DAY


def has_half_days(s: str) -> bool:
    """True when some weekday has exactly one of its two half-days teleworked."""
    slots = telework_slots(s)
    return any(
        slots[day * SLOTS_PER_DAY] != slots[day * SLOTS_PER_DAY + 1] for day in range(len(WEEKDAYS))
    )


def place_codes_used(s: str) -> frozenset[int]:
    """The place codes (1, 2) that some half-day of the pattern uses."""
    return frozenset(code for code in parse_pattern(s) if code != ON_SITE)


def describe_pattern(s: str, place_names: Mapping[int, str] | None = None) -> str:
    """French description, e.g. "lundi (journée), jeudi (matin, télécentre)", or "aucun jour".

    With ``place_names`` (code -> name), each day says where it is teleworked when the pattern
    uses more than one place.
    """
    codes = parse_pattern(s)
    several = place_names is not None and len(place_codes_used(s)) > 1
    parts = []
    for day, weekday_fr in enumerate(WEEKDAYS_FR):
        morning, afternoon = codes[day * SLOTS_PER_DAY], codes[day * SLOTS_PER_DAY + 1]
        if not (morning or afternoon):
            continue
        if morning and afternoon:
            if several and morning != afternoon:
                parts.append(
                    f"{weekday_fr} ({HALF_DAYS_FR[0]}{_NBSP}: {place_names.get(morning, '')}, "
                    f"{HALF_DAYS_FR[1]}{_NBSP}: {place_names.get(afternoon, '')})"
                )
                continue
            when = _FULL_DAY_FR
        else:
            when = HALF_DAYS_FR[0] if morning else HALF_DAYS_FR[1]
        where = f", {place_names.get(morning or afternoon, '')}" if several else ""
        parts.append(f"{weekday_fr} ({when}{where})")
    return ", ".join(parts) if parts else "aucun jour"


# --------------------------------------------------------------------------------------------
# Working week of an employee
# --------------------------------------------------------------------------------------------


def parse_working_week(s: str) -> tuple[bool, ...]:
    """Fourteen booleans (half-day worked); French ValueError when malformed."""
    if not isinstance(s, str) or len(s) != SLOTS_PER_WEEK or set(s) - {"0", "1"}:
        raise ValueError(
            f"La semaine de travail doit indiquer, pour chacune des {SLOTS_PER_WEEK} "
            "demi-journées du lundi matin au dimanche après-midi, si elle est travaillée."
        )
    return tuple(char == "1" for char in s)


def is_valid_working_week(s: object) -> bool:
    """True when ``s`` is a well-formed working week."""
    try:
        parse_working_week(s)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def worked_days(working_week: str) -> Decimal:
    """Days worked per week (a half-day counts 0.5)."""
    return Decimal(sum(parse_working_week(working_week))) / SLOTS_PER_DAY


def unworked_telework_slots(pattern: str, working_week: str) -> tuple[int, ...]:
    """Indexes of the teleworked half-days that the employee does not work."""
    worked = parse_working_week(working_week)
    return tuple(
        index for index, on in enumerate(telework_slots(pattern)) if on and not worked[index]
    )




def describe_working_week(working_week: str) -> str:
    """French description, e.g. "du lundi au vendredi" or "lundi, mardi, jeudi (matin)"."""
    worked = parse_working_week(working_week)
    days: list[tuple[int, str]] = []
    for day, weekday_fr in enumerate(WEEKDAYS_FR):
        morning, afternoon = worked[day * SLOTS_PER_DAY], worked[day * SLOTS_PER_DAY + 1]
        if morning and afternoon:
            days.append((day, weekday_fr))
        elif morning or afternoon:
            days.append((day, f"{weekday_fr} ({HALF_DAYS_FR[0] if morning else HALF_DAYS_FR[1]})"))
    if not days:
        return "aucun jour travaillé"
    full = [d for d, text in days if text == WEEKDAYS_FR[d]]
    if len(days) >= 3 and len(full) == len(days) and full == list(range(full[0], full[-1] + 1)):
        return f"du {WEEKDAYS_FR[full[0]]} au {WEEKDAYS_FR[full[-1]]}"
    return ", ".join(text for _, text in days)
