"""Weekly patterns as the API shows them: lists of half-days, never the stored strings.

Everything is read through hrtele.domain.pattern: the fourteen slots (Monday AM … Sunday PM),
the code of each telework half-day (1: the agreement's place, 2: its second place) and the
employee's working week.
"""

from __future__ import annotations

from typing import Any

from hrtele.domain.pattern import (
    FIRST_PLACE,
    ON_SITE,
    SECOND_PLACE,
    SLOT_NAMES,
    format_pattern,
    parse_pattern,
    parse_working_week,
    slot_label,
)


def _half_day(index: int) -> dict[str, Any]:
    day, half = SLOT_NAMES[index].split("_")
    return {"slot": SLOT_NAMES[index], "day": day, "half": half, "label": slot_label(index)}


def telework_half_days(pattern: str | None, place_id: int | None = None,
                       second_place_id: int | None = None) -> list[dict[str, Any]]:
    """Teleworked half-days in week order, each with its place (slot, day, half, label)."""
    try:
        codes = parse_pattern(pattern or "")
    except ValueError:  # a damaged row: no half-day to list rather than a 500
        return []
    places = {FIRST_PLACE: place_id, SECOND_PLACE: second_place_id}
    return [
        {**_half_day(index), "place_id": places.get(code)}
        for index, code in enumerate(codes)
        if code != ON_SITE
    ]


def worked_half_days(working_week: str | None) -> list[str]:
    """Slot names of the half-days an employee works under the contract."""
    try:
        worked = parse_working_week(working_week or "")
    except ValueError:
        return []
    return [SLOT_NAMES[index] for index, on in enumerate(worked) if on]


def pattern_from_slots(slots: list[str]) -> str:
    """Stored telework pattern (at the single place of a request) from slot names."""
    chosen = set(slots)
    return format_pattern(FIRST_PLACE if name in chosen else ON_SITE for name in SLOT_NAMES)
