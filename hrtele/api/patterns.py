"""Weekly patterns as the API shows them: a list of half-days, each with its place.

The stored pattern string is never exposed; the half-days come from hrtele.domain.pattern.
"""

from __future__ import annotations

from typing import Any

from hrtele.domain.pattern import SLOT_NAMES, build_pattern, parse_pattern, slot_label


def telework_half_days(pattern: str | None, place_id: int | None = None,
                       second_place_id: int | None = None) -> list[dict[str, Any]]:
    """Teleworked half-days in week order: slot, day, half, French label and place."""
    try:
        slots = parse_pattern(pattern or "")
    except ValueError:  # a pattern without fixed days or a damaged row: no half-day to list
        return []
    out = []
    for index, teleworked in enumerate(slots):
        if not teleworked:
            continue
        day, half = SLOT_NAMES[index].split("_")
        out.append({
            "slot": SLOT_NAMES[index],
            "day": day,
            "half": half,
            "label": slot_label(index),
            "place_id": place_id,
        })
    return out


def pattern_from_slots(slots: list[str]) -> str:
    """Stored pattern from slot names (« mon_am » …); ValueError with a French message."""
    return build_pattern(slots)
