"""Weekly telework pattern: parsing, counting, describing, building."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hrtele.domain.pattern import (
    EMPTY_PATTERN,
    SLOT_NAMES,
    SLOTS_PER_WEEK,
    WEEKDAYS_FR,
    build_pattern,
    describe_pattern,
    format_pattern,
    has_half_days,
    is_valid_pattern,
    parse_pattern,
    pattern_days,
    slot_label,
    slot_names,
    slots_for_weekday,
    telework_weekdays,
)

NBSP = "\u00a0"


def test_constants():
    assert SLOTS_PER_WEEK == 10
    assert SLOT_NAMES[0] == "mon_am"
    assert SLOT_NAMES[-1] == "fri_pm"
    assert len(SLOT_NAMES) == len(set(SLOT_NAMES)) == 10
    assert WEEKDAYS_FR == ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
    assert EMPTY_PATTERN == "0000000000"


def test_parse_pattern_valid():
    assert parse_pattern("1100000001") == (True, True) + (False,) * 7 + (True,)
    assert parse_pattern(EMPTY_PATTERN) == (False,) * 10


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "10 demi-journées"),
        ("110000000", "9 reçue(s)"),
        ("11000000000", "11 reçue(s)"),
        ("11000x0000", f"«{NBSP}x{NBSP}»"),
        ("1100000002", "vendredi après-midi"),
        (" 100000000", "lundi matin"),
        (None, "suite de 0 et de 1"),
        (1100000000, "suite de 0 et de 1"),
    ],
)
def test_parse_pattern_invalid(value, fragment):
    with pytest.raises(ValueError) as excinfo:
        parse_pattern(value)
    assert fragment in str(excinfo.value)
    assert not is_valid_pattern(value)


def test_is_valid_pattern():
    assert is_valid_pattern("0101010101")


@pytest.mark.parametrize(
    ("pattern", "days"),
    [
        ("0000000000", Decimal("0")),
        ("1100000000", Decimal("1")),
        ("1000000000", Decimal("0.5")),
        ("1110000000", Decimal("1.5")),
        ("1100110000", Decimal("2")),
        ("1111111111", Decimal("5")),
        ("0101010101", Decimal("2.5")),
    ],
)
def test_pattern_days(pattern, days):
    assert pattern_days(pattern) == days
    assert isinstance(pattern_days(pattern), Decimal)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("0000000000", False),
        ("1100000000", False),
        ("1111111111", False),
        ("1000000000", True),
        ("0100000000", True),
        ("1100000001", True),
        ("0011001100", False),
    ],
)
def test_has_half_days(pattern, expected):
    assert has_half_days(pattern) is expected


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("0000000000", "aucun jour"),
        ("1100000000", "lundi (journée)"),
        ("1100100000", "lundi (journée), mercredi (matin)"),
        ("0001000000", "mardi (après-midi)"),
        ("0000000011", "vendredi (journée)"),
        (
            "1101100101",
            "lundi (journée), mardi (après-midi), mercredi (matin), jeudi (après-midi), "
            "vendredi (après-midi)",
        ),
    ],
)
def test_describe_pattern(pattern, text):
    assert describe_pattern(pattern) == text


def test_describe_pattern_rejects_bad_input():
    with pytest.raises(ValueError):
        describe_pattern("abc")


@pytest.mark.parametrize(
    ("slots", "pattern"),
    [
        ({"mon_am": True, "mon_pm": True}, "1100000000"),
        ({"mon_am": True, "mon_pm": False, "wed_am": "y"}, "1000100000"),
        ({"fri_pm": 0}, "0000000000"),
        (["wed_am", "wed_pm"], "0000110000"),
        (("fri_pm", "mon_am", "fri_pm"), "1000000001"),
        ([], "0000000000"),
        (iter(["tue_pm"]), "0001000000"),
    ],
)
def test_build_pattern(slots, pattern):
    assert build_pattern(slots) == pattern


@pytest.mark.parametrize(
    "slots",
    [["sat_am"], {"monday": True}, ["mon_am", "MON_PM"], "mon_am"],
)
def test_build_pattern_rejects_unknown_slots(slots):
    with pytest.raises(ValueError):
        build_pattern(slots)


def test_build_pattern_message_is_french():
    with pytest.raises(ValueError, match="Demi-journée inconnue") as excinfo:
        build_pattern(["sat_am"])
    assert f"«{NBSP}sat_am{NBSP}»" in str(excinfo.value)


def test_build_pattern_ignores_unset_unknown_names():
    # Only chosen slots are validated: a form may post every checkbox, unticked ones False.
    assert build_pattern({"mon_am": True, "sat_am": False}) == "1000000000"


@pytest.mark.parametrize("pattern", ["1100000000", "0101010101", "0000000000", "1111111111"])
def test_slot_names_round_trip(pattern):
    assert build_pattern(slot_names(pattern)) == pattern


def test_slot_names():
    assert slot_names("1000000001") == ("mon_am", "fri_pm")


@pytest.mark.parametrize(
    ("weekday", "expected"),
    [
        (0, (True, True)),
        ("mon", (True, True)),
        ("lundi", (True, True)),
        (" Mercredi ", (True, False)),
        (3, (False, False)),
        ("fri", (False, True)),
    ],
)
def test_slots_for_weekday(weekday, expected):
    assert slots_for_weekday("1100100001", weekday) == expected


@pytest.mark.parametrize("weekday", [5, -1, "sat", "samedi", True, None])
def test_slots_for_weekday_rejects_bad_weekday(weekday):
    with pytest.raises(ValueError, match="Jour de la semaine inconnu"):
        slots_for_weekday("1100100001", weekday)


@pytest.mark.parametrize(
    ("pattern", "weekdays"),
    [("0000000000", ()), ("1100100001", (0, 2, 4)), ("0001000000", (1,))],
)
def test_telework_weekdays(pattern, weekdays):
    assert telework_weekdays(pattern) == weekdays


def test_format_pattern():
    assert format_pattern([True, False] * 5) == "1010101010"
    assert format_pattern(parse_pattern("0110000001")) == "0110000001"
    with pytest.raises(ValueError, match="10 demi-journées"):
        format_pattern([True] * 9)


@pytest.mark.parametrize(
    ("index", "label"),
    [(0, "lundi matin"), (3, "mardi après-midi"), (9, "vendredi après-midi")],
)
def test_slot_label(index, label):
    assert slot_label(index) == label


@pytest.mark.parametrize("index", [-1, 10])
def test_slot_label_out_of_range(index):
    with pytest.raises(ValueError):
        slot_label(index)
