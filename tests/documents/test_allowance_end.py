"""The notice says in which month the allowance stops, and whether that month is pro-rated."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from hrtele.documents.builders import _allowance_end

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("effective", "month", "prorated"),
    [
        # Telework ends on 15 March: the last month with telework is March, pro-rated.
        (date(2027, 3, 16), f"mars{NBSP}2027", True),
        # First day back on site is 1 April: March was teleworked in full, April not at all.
        (date(2027, 4, 1), f"mars{NBSP}2027", False),
        # Over the new year.
        (date(2027, 1, 1), f"décembre{NBSP}2026", False),
        (date(2027, 1, 2), f"janvier{NBSP}2027", True),
    ],
)
def test_the_last_month_is_the_month_of_the_last_telework_day(effective, month, prorated):
    text = _allowance_end(SimpleNamespace(allowance_scheme="per_weekly_day"), effective)
    assert f"celle du mois de {month}" in text
    assert ("au prorata" in text) is prorated
    assert ("en entier" in text) is (not prorated)


def test_per_day_counts_the_days_of_the_last_month():
    text = _allowance_end(SimpleNamespace(allowance_scheme="per_day"), date(2027, 4, 1))
    assert f"au titre du mois de mars{NBSP}2027" in text
