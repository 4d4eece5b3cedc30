"""French public holidays: Easter computation and the eleven metropolitan holidays."""

from datetime import date

import pytest

from hrtele.domain.holidays import easter_sunday, french_public_holidays, is_public_holiday


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2019, date(2019, 4, 21)),
        (2000, date(2000, 4, 23)),  # century leap year
        (2008, date(2008, 3, 23)),
        (2011, date(2011, 4, 24)),
        (2038, date(2038, 4, 25)),  # latest possible date
        (1818, date(1818, 3, 22)),  # earliest possible date
        (2285, date(2285, 3, 22)),  # earliest possible date again
        (1900, date(1900, 4, 15)),  # century non-leap year
    ],
)
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == expected
    assert easter_sunday(year).weekday() == 6  # always a Sunday


def test_holidays_2025_full_list():
    # Easter 2025 = 20 April -> Monday 21 April, Ascension +39 = 29 May, Whit Monday +50 = 9 June.
    assert french_public_holidays(2025) == {
        date(2025, 1, 1): "Jour de l'an",
        date(2025, 4, 21): "Lundi de Pâques",
        date(2025, 5, 1): "Fête du Travail",
        date(2025, 5, 8): "Victoire 1945",
        date(2025, 5, 29): "Ascension",
        date(2025, 6, 9): "Lundi de Pentecôte",
        date(2025, 7, 14): "Fête nationale",
        date(2025, 8, 15): "Assomption",
        date(2025, 11, 1): "Toussaint",
        date(2025, 11, 11): "Armistice 1918",
        date(2025, 12, 25): "Noël",
    }


def test_holidays_are_in_date_order():
    days = list(french_public_holidays(2026))
    assert days == sorted(days)


@pytest.mark.parametrize(
    ("year", "easter_monday", "ascension", "whit_monday"),
    [
        # Easter 2024-03-31: +1 = 1 Apr, +39 = 9 May, +50 = 20 May.
        (2024, date(2024, 4, 1), date(2024, 5, 9), date(2024, 5, 20)),
        # Easter 2025-04-20: +1 = 21 Apr, +39 = 29 May, +50 = 9 Jun.
        (2025, date(2025, 4, 21), date(2025, 5, 29), date(2025, 6, 9)),
        # Easter 2026-04-05: +1 = 6 Apr, +39 = 14 May, +50 = 25 May.
        (2026, date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)),
    ],
)
def test_moveable_holidays(year, easter_monday, ascension, whit_monday):
    holidays = french_public_holidays(year)
    assert holidays[easter_monday] == "Lundi de Pâques"
    assert holidays[ascension] == "Ascension"
    assert holidays[whit_monday] == "Lundi de Pentecôte"
    assert ascension.weekday() == 3  # Thursday
    assert easter_monday.weekday() == whit_monday.weekday() == 0  # Monday


def test_ascension_on_first_of_may_is_merged():
    # Easter 2008-03-23 + 39 days = 1 May 2008: one date, both names, 10 distinct dates.
    holidays = french_public_holidays(2008)
    assert len(holidays) == 10
    assert holidays[date(2008, 5, 1)] == "Fête du Travail ; Ascension"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 5, 29), True),  # Ascension
        (date(2025, 6, 9), True),  # Whit Monday
        (date(2024, 7, 14), True),  # a Sunday, still a holiday
        (date(2026, 11, 11), True),
        (date(2025, 4, 18), False),  # Good Friday: Alsace-Moselle only
        (date(2025, 12, 26), False),  # Saint-Étienne: Alsace-Moselle only
        (date(2025, 5, 30), False),  # « pont » after Ascension is not a holiday
        (date(2025, 4, 20), False),  # Easter Sunday itself is not listed
    ],
)
def test_is_public_holiday(day, expected):
    assert is_public_holiday(day) is expected


def test_returned_dict_is_a_copy():
    holidays = french_public_holidays(2025)
    holidays.clear()
    assert len(french_public_holidays(2025)) == 11


@pytest.mark.parametrize("year", [1500, 0, -1, "2025", 2025.0, True])
def test_bad_year_raises_french_message(year):
    with pytest.raises(ValueError, match="L'année"):
        french_public_holidays(year)
