"""The weekly-pattern form field shared by every form holding telework days.

One field, one grid: seven rows (Monday to Sunday) of two half-days. Each teleworked half-day
is posted as a value of the field: « mon_am » (at the first place) or « mon_am:2 » (at the
second place). With one place the grid shows checkboxes; with two it shows, for each half-day,
a choice between on site, the first place and the second place. The field's data is the
fourteen-character pattern of hrtele.domain.pattern.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field

from hrtele.domain.pattern import (
    EMPTY_PATTERN,
    FIRST_PLACE,
    HALF_DAYS_FR,
    SECOND_PLACE,
    SLOT_NAMES,
    SLOTS_PER_DAY,
    SLOTS_PER_WEEK,
    WEEKDAYS_FR,
    format_pattern,
    is_valid_pattern,
    is_valid_working_week,
    parse_pattern,
    parse_working_week,
)

_TOKENS: dict[str, tuple[int, int]] = {}
for _index, _name in enumerate(SLOT_NAMES):
    _TOKENS[_name] = (_index, FIRST_PLACE)
    _TOKENS[f"{_name}:1"] = (_index, FIRST_PLACE)
    _TOKENS[f"{_name}:2"] = (_index, SECOND_PLACE)


def slot_token(index: int, code: int) -> str:
    """The posted value meaning « half-day ``index`` teleworked at place ``code`` »."""
    name = SLOT_NAMES[index]
    return name if code == FIRST_PLACE else f"{name}:{code}"


class WeeklyPatternField(Field):
    """Teleworked half-days of a week, each at the first or second place (see module doc)."""

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        places: int = 1,
        keep_when_absent: bool = False,
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.places = places
        # The grid always posts an empty marker value; a submission without the field at all
        # (another client) keeps the current value instead of reading « nothing ticked ».
        self.keep_when_absent = keep_when_absent
        #: Set by the view: the employee's working week, to grey out the half-days not worked.
        self.working_week: str | None = None
        #: Set by the view: the names of the places, e.g. {1: "domicile", 2: "Cap Delta"}.
        self.place_labels: dict[int, str] = {}

    def process_data(self, value: Any) -> None:
        """Stored pattern in (a malformed one shows as no fixed day)."""
        self.data = value if is_valid_pattern(value) else EMPTY_PATTERN

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        """As WTForms does, except that an absent field may keep its current value."""
        if formdata is not None and self.keep_when_absent and self.name not in formdata:
            super().process(None, data, extra_filters)
            return
        super().process(formdata, data, extra_filters)

    def process_formdata(self, valuelist: list[str]) -> None:
        """Posted tokens out; unknown or repeated half-days are refused in French."""
        self.data = EMPTY_PATTERN
        values = [value for value in valuelist if value]
        if len(values) > SLOTS_PER_WEEK:
            raise ValueError(_l("Rythme hebdomadaire invalide : trop de demi-journées envoyées."))
        codes = [0] * SLOTS_PER_WEEK
        for value in values:
            parsed = _TOKENS.get(value)
            if parsed is None or (parsed[1] == SECOND_PLACE and self.places < 2):
                raise ValueError(_l("Rythme hebdomadaire invalide : demi-journée inconnue."))
            index, code = parsed
            if codes[index] and codes[index] != code:
                raise ValueError(
                    _l("Rythme hebdomadaire invalide : une demi-journée a deux lieux à la fois.")
                )
            codes[index] = code
        self.data = format_pattern(codes)

    def grid(self) -> list[dict[str, Any]]:
        """One entry per weekday with its two half-days (the template shows days as columns)."""
        codes = parse_pattern(self.data) if is_valid_pattern(self.data) else (0,) * 14
        worked = (
            parse_working_week(self.working_week)
            if self.working_week and is_valid_working_week(self.working_week)
            else (True,) * SLOTS_PER_WEEK
        )
        rows = []
        for day, weekday in enumerate(WEEKDAYS_FR):
            cells = []
            for half in range(SLOTS_PER_DAY):
                index = day * SLOTS_PER_DAY + half
                cells.append(
                    {
                        "name": SLOT_NAMES[index],
                        "label": f"{weekday.capitalize()} {HALF_DAYS_FR[half]}",
                        "code": codes[index],
                        "worked": worked[index],
                        "tokens": [(slot_token(index, c), c) for c in (1, 2)[: self.places]],
                    }
                )
            rows.append({"label": weekday.capitalize(), "cells": cells})
        return rows

    @property
    def half_day_labels(self) -> tuple[str, ...]:
        """Row headings (morning, afternoon)."""
        return tuple(h.capitalize() for h in HALF_DAYS_FR)
