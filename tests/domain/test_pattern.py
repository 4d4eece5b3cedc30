"""Weekly patterns: fourteen half-days, a place per half-day, and the employee's working week."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrtele.domain.pattern import (
    EMPTY_PATTERN,
    SLOT_NAMES,
    SLOTS_PER_WEEK,
    STANDARD_WORKING_WEEK,
    WEEKDAYS_FR,
    codes_on,
    describe_pattern,
    describe_schedule,
    describe_working_week,
    format_pattern,
    from_legacy,
    has_fixed_days,
    has_half_days,
    is_valid_pattern,
    is_valid_working_week,
    parse_pattern,
    parse_working_week,
    pattern_days,
    place_codes_used,
    slot_index,
    slot_label,
    slots_for_weekday,
    telework_slots,
    unworked_telework_slots,
    worked_days,
)

NBSP = "\u00a0"
# Monday at home, Thursday at the second place (a télécentre).
HOME_AND_TC = "11000022000000"


def test_constants():
    assert SLOTS_PER_WEEK == 14
    assert SLOT_NAMES[0] == "mon_am" and SLOT_NAMES[-1] == "sun_pm"
    assert len(SLOT_NAMES) == len(set(SLOT_NAMES)) == 14
    assert WEEKDAYS_FR[-2:] == ("samedi", "dimanche")
    assert EMPTY_PATTERN == "0" * 14
    assert STANDARD_WORKING_WEEK == "11111111110000"


def test_parse_pattern_gives_place_codes():
    assert parse_pattern(HOME_AND_TC) == (1, 1, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0)
    assert telework_slots(HOME_AND_TC)[:2] == (True, True)
    assert place_codes_used(HOME_AND_TC) == {1, 2}


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "14 demi-journées"),
        ("1100000000", "10 reçue(s)"),  # version 1's format is no longer accepted as is
        ("110000000000000", "15 reçue(s)"),
        ("11000x00000000", f"«{NBSP}x{NBSP}»"),
        ("11000000000003", "dimanche après-midi"),
        (None, "suite de 0, 1 et 2"),
        (11000000000000, "suite de 0, 1 et 2"),
    ],
)
def test_parse_pattern_invalid(value, fragment):
    with pytest.raises(ValueError) as excinfo:
        parse_pattern(value)
    assert fragment in str(excinfo.value)
    assert not is_valid_pattern(value)


@pytest.mark.parametrize(
    ("pattern", "days"),
    [
        (EMPTY_PATTERN, Decimal("0")),
        ("11000000000000", Decimal("1")),
        ("10000000000000", Decimal("0.5")),
        (HOME_AND_TC, Decimal("2")),
        ("22222222220000", Decimal("5")),
        ("00000000001111", Decimal("2")),  # a weekend worker
        ("01020102010000", Decimal("2.5")),
    ],
)
def test_pattern_days_counts_every_place(pattern, days):
    assert pattern_days(pattern) == days


def test_has_fixed_days_and_half_days():
    assert not has_fixed_days(EMPTY_PATTERN) and not has_fixed_days("bad")
    assert has_fixed_days(HOME_AND_TC)
    assert has_half_days("10000000000000") and not has_half_days(HOME_AND_TC)
    # A day split between two places is a full day teleworked.
    assert not has_half_days("12000000000000")


def test_format():
    assert format_pattern([True, False] * 7) == "10101010101010"
    assert format_pattern([1, 1, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0]) == HOME_AND_TC
    with pytest.raises(ValueError):
        format_pattern([3] * 14)
    with pytest.raises(ValueError):
        format_pattern([1] * 13)


def test_slots_and_labels():
    assert slot_label(3) == "mardi après-midi" and slot_label(13) == "dimanche après-midi"
    assert slot_index(6, 1) == 13
    assert slots_for_weekday(HOME_AND_TC, "jeudi") == (2, 2)
    assert slots_for_weekday(HOME_AND_TC, "sun") == (0, 0)
    assert codes_on(HOME_AND_TC, date(2026, 12, 3)) == (2, 2)  # a Thursday
    with pytest.raises(ValueError):
        slot_label(14)
    with pytest.raises(ValueError):
        slots_for_weekday(HOME_AND_TC, "funday")


def test_describe_with_and_without_places():
    names = {1: "domicile", 2: "Télécentre Cap Delta"}
    assert describe_pattern(HOME_AND_TC) == "lundi (journée), jeudi (journée)"
    assert describe_pattern(HOME_AND_TC, names) == (
        "lundi (journée, domicile), jeudi (journée, Télécentre Cap Delta)"
    )
    # One place only: no need to repeat it.
    assert describe_pattern("11000000000000", names) == "lundi (journée)"
    split = describe_pattern("12000000000000", names)
    assert split == f"lundi (matin{NBSP}: domicile, après-midi{NBSP}: Télécentre Cap Delta)"
    assert describe_schedule(EMPTY_PATTERN) == "jours non fixés (volume hebdomadaire)"


def test_from_legacy_adds_a_weekend_without_telework():
    assert from_legacy("1100110000") == "11001100000000"
    assert from_legacy(HOME_AND_TC) == HOME_AND_TC


# --- working week -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week", "days", "text"),
    [
        (STANDARD_WORKING_WEEK, Decimal(5), "du lundi au vendredi"),
        ("11111111000000", Decimal(4), "du lundi au jeudi"),
        ("11111011110000", Decimal("4.5"), "lundi, mardi, mercredi (matin), "
         "jeudi, vendredi"),
        ("00111111111100", Decimal(5), "du mardi au samedi"),
        ("11001100110000", Decimal(3), "lundi, mercredi, vendredi"),
    ],
)
def test_working_week(week, days, text):
    assert is_valid_working_week(week)
    assert worked_days(week) == days
    assert describe_working_week(week) == text


def test_working_week_is_validated():
    for bad in ("", "1" * 13, "11111111112000", None):
        assert not is_valid_working_week(bad)
    with pytest.raises(ValueError):
        parse_working_week("11111111112000")


def test_unworked_slots():
    part_time = "11111011110000"  # off on Wednesday afternoon
    assert unworked_telework_slots("00000100000000", part_time) == (5,)
    assert unworked_telework_slots("00001000000000", part_time) == ()


patterns = st.lists(st.sampled_from("012"), min_size=14, max_size=14).map("".join)
weeks = st.lists(st.sampled_from("01"), min_size=14, max_size=14).map("".join)


@given(pattern=patterns, week=weeks)
def test_views_of_a_week_agree(pattern, week):
    """Teleworked half-days are either worked or reported as not worked, never both."""
    unworked = set(unworked_telework_slots(pattern, week))
    worked = parse_working_week(week)
    teleworked = [i for i, on in enumerate(telework_slots(pattern)) if on]
    assert unworked == {i for i in teleworked if not worked[i]}
    assert pattern_days(pattern) == Decimal(len(teleworked)) / 2
    assert parse_pattern(format_pattern(parse_pattern(pattern))) == parse_pattern(pattern)
