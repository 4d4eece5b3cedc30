"""The planning computation: one answer to « where is this person on this half-day? »."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrtele.domain.allowances import suspension_range, teleworked_days
from hrtele.domain.holidays import french_public_holidays
from hrtele.domain.planning import (
    ABSENT,
    HOLIDAY,
    OFF,
    OFFICE,
    TELEWORK,
    AgreementSpan,
    ChangeFact,
    Person,
    check_day_change,
    count_half_days,
    month_days,
    person_cells,
    slot_index,
    telework_days,
    week_days,
)

MONDAY = date(2026, 10, 5)  # a week without public holiday
HOME, CENTRE = 11, 22


def span(pattern="11001100000000", **kw) -> AgreementSpan:
    values = dict(agreement_id=1, status="active", start=date(2026, 1, 5), weekly_pattern=pattern,
                  place_id=HOME, second_place_id=CENTRE)
    values.update(kw)
    return AgreementSpan(**values)


def kinds(cells, day):
    return cells[(day, "am")].kind, cells[(day, "pm")].kind


def test_week_and_month_days():
    assert week_days(date(2026, 10, 8)) == [MONDAY + timedelta(days=i) for i in range(7)]
    assert len(month_days(2024, 2)) == 29
    assert slot_index(MONDAY, "am") == 0 and slot_index(MONDAY + timedelta(days=6), "pm") == 13


@pytest.mark.parametrize(
    ("pattern", "weekday", "expected", "place"),
    [
        ("11001100000000", 0, (TELEWORK, TELEWORK), HOME),
        ("11001100000000", 1, (OFFICE, OFFICE), None),
        ("22000000000000", 0, (TELEWORK, TELEWORK), CENTRE),
        ("10000000000000", 0, (TELEWORK, OFFICE), HOME),
        ("00000000000000", 5, (OFF, OFF), None),  # Saturday, not worked
    ],
)
def test_pattern_places(pattern, weekday, expected, place):
    day = MONDAY + timedelta(days=weekday)
    cells = person_cells(Person(agreements=(span(pattern),)), [day])
    assert kinds(cells, day) == expected
    if place is not None:
        assert cells[(day, "am")].place_id == place


def test_precedence_holiday_then_not_worked_then_absence():
    christmas = date(2026, 12, 25)  # a Friday
    person = Person(working_pattern="11111111000000",  # Friday not worked
                    agreements=(span("11111111110000"),), absences=frozenset({date(2026, 12, 21)}))
    cells = person_cells(person, week_days(christmas), french_public_holidays(2026))
    assert kinds(cells, christmas) == (HOLIDAY, HOLIDAY)
    assert kinds(cells, date(2026, 12, 24)) == (TELEWORK, TELEWORK)
    assert kinds(cells, date(2026, 12, 21)) == (ABSENT, ABSENT)


@pytest.mark.parametrize(
    ("status", "day", "suspension", "expected"),
    [
        ("active", MONDAY, None, TELEWORK),
        ("draft", MONDAY, None, OFFICE),
        ("signed", MONDAY, None, OFFICE),
        ("suspended", MONDAY, (MONDAY - timedelta(days=3), None), OFFICE),
        ("active", MONDAY, (MONDAY - timedelta(days=10), MONDAY - timedelta(days=3)), TELEWORK),
        ("active", MONDAY, (MONDAY - timedelta(days=10), MONDAY), OFFICE),
        ("ended", MONDAY, None, TELEWORK),  # ended later: its past days were teleworked
    ],
)
def test_statuses_and_suspension(status, day, suspension, expected):
    s = span(status=status, end_date=MONDAY + timedelta(days=20),
             suspension=suspension_range(status, *suspension) if suspension else None)
    assert person_cells(Person(agreements=(s,)), [day])[(day, "am")].kind == expected


def test_period_bounds_and_notice():
    s = span(start=MONDAY, ending_effective_date=MONDAY + timedelta(days=7), status="ending")
    cells = person_cells(Person(agreements=(s,)), [MONDAY - timedelta(days=7), MONDAY,
                                                     MONDAY + timedelta(days=7)])
    assert cells[(MONDAY - timedelta(days=7), "am")].kind == OFFICE
    assert cells[(MONDAY, "am")].kind == TELEWORK
    assert cells[(MONDAY + timedelta(days=7), "am")].kind == OFFICE  # first day without telework


def test_move_and_cancel():
    wednesday, thursday = MONDAY + timedelta(days=2), MONDAY + timedelta(days=3)
    person = Person(agreements=(span("22110000000000"),), changes=(
        ChangeFact("move", "day", MONDAY, wednesday),
        ChangeFact("cancel", "pm", MONDAY + timedelta(days=1)),
    ))
    cells = person_cells(person, week_days(MONDAY))
    assert kinds(cells, MONDAY) == (OFFICE, OFFICE)
    assert cells[(MONDAY, "am")].changed
    assert kinds(cells, wednesday) == (TELEWORK, TELEWORK)
    assert cells[(wednesday, "am")].place_id == CENTRE  # the place the Monday had
    assert kinds(cells, MONDAY + timedelta(days=1)) == (TELEWORK, OFFICE)
    assert kinds(cells, thursday) == (OFFICE, OFFICE)
    # The weekly volume is unchanged by a move, reduced by a cancel.
    assert telework_days(person, MONDAY, MONDAY + timedelta(days=6)) == Decimal("1.5")


def test_counts():
    people = [
        person_cells(Person(agreements=(span("11000000000000"),)), [MONDAY]),
        person_cells(Person(agreements=(span("22000000000000"),)), [MONDAY]),
        person_cells(Person(), [MONDAY]),
        person_cells(Person(absences=frozenset({MONDAY})), [MONDAY]),
    ]
    count = count_half_days(people)[(MONDAY, "am")]
    assert (count.on_site, count.telework, count.absent) == (1, 2, 1)
    assert count.by_place == {HOME: 1, CENTRE: 1}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (ChangeFact("cancel", "day", MONDAY + timedelta(days=1)), "n'est pas une demi-journée de télétravail"),
        (ChangeFact("move", "day", MONDAY, MONDAY + timedelta(days=8)), "même semaine"),
        (ChangeFact("move", "day", MONDAY, MONDAY + timedelta(days=5)), "non travaillé"),
        (ChangeFact("move", "day", MONDAY, MONDAY + timedelta(days=2)), "déjà une demi-journée"),
        (ChangeFact("move", "day", MONDAY, None), "Indiquez le jour"),
        (ChangeFact("cancel", "day", MONDAY - timedelta(days=7)), "passé"),
        (ChangeFact("swap", "day", MONDAY), "déplacer ou d'annuler"),
    ],
)
def test_day_change_refusals(change, message):
    person = Person(agreements=(span("11001100000000"),))
    problems = check_day_change(person, change, today=MONDAY - timedelta(days=2))
    assert any(message in p for p in problems), problems


def test_day_change_accepted_and_conflict():
    person = Person(agreements=(span("11001100000000"),))
    ok = ChangeFact("move", "day", MONDAY, MONDAY + timedelta(days=1))
    assert check_day_change(person, ok, today=MONDAY) == []
    busy = Person(agreements=person.agreements, changes=(ok,))
    problems = check_day_change(busy, ChangeFact("cancel", "am", MONDAY), today=MONDAY)
    assert any("déjà demandé" in p for p in problems)


def test_bad_patterns_are_refused():
    with pytest.raises(ValueError, match="14 demi-journées"):
        span("1100110000")
    with pytest.raises(ValueError, match="semaine de travail"):
        Person(working_pattern="2" * 14)


# -------------------------------------------------------------- one answer, several views

patterns14 = st.text(alphabet="012", min_size=14, max_size=14)


def naive_days(pattern, start, end, year, month, absences):
    """Half-days of the pattern in the month, counted the plain way (no planning code)."""
    holidays = french_public_holidays(year)
    total = 0
    for day in month_days(year, month):
        if day < start or (end is not None and day > end) or day in holidays or day in absences:
            continue
        total += sum(ch != "0" for ch in pattern[2 * day.weekday(): 2 * day.weekday() + 2])
    return Decimal(total) / 2


@settings(max_examples=150, deadline=None)
@given(pattern=patterns14,
       start=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
       length=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
       month=st.integers(min_value=1, max_value=12),
       absent=st.lists(st.integers(min_value=0, max_value=27), max_size=4))
def test_planning_days_equal_allowance_days(pattern, start, length, month, absent):
    """Without one-off changes, the planning's, the payroll's and a plain count agree."""
    end = None if length is None else start + timedelta(days=length)
    absences = frozenset(date(2026, month, 1) + timedelta(days=a) for a in absent
                         if (date(2026, month, 1) + timedelta(days=a)).month == month)
    person = Person(working_pattern="1" * 14,
                    agreements=(span(pattern, start=start, end_date=end),), absences=absences)
    days = month_days(2026, month)
    expected = naive_days(pattern, start, end, 2026, month, absences)
    assert telework_days(person, days[0], days[-1], french_public_holidays(2026)) == expected
    assert teleworked_days(pattern, start, end, 2026, month, absences) == expected


def test_payroll_days_take_the_changes():
    """A cancelled half-day leaves the month's payroll days; a move within the month does not."""
    pattern = "11001100000000"
    cancel = ChangeFact("cancel", "pm", MONDAY)
    move = ChangeFact("move", "day", MONDAY + timedelta(days=2), MONDAY + timedelta(days=3))
    plain = teleworked_days(pattern, date(2026, 1, 5), None, 2026, 10)
    assert teleworked_days(pattern, date(2026, 1, 5), None, 2026, 10, changes=(cancel,)) == (
        plain - Decimal("0.5"))
    assert teleworked_days(pattern, date(2026, 1, 5), None, 2026, 10, changes=(move,)) == plain


@settings(max_examples=100, deadline=None)
@given(pattern=st.text(alphabet="012", min_size=10, max_size=10),
       moves=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4),
                                st.sampled_from(("day", "am", "pm"))), max_size=3))
def test_grid_counts_equal_person_cells(pattern, moves):
    """Head-counts are exactly the sum of the people's cells, and a move keeps the volume."""
    changes = []
    person = Person(agreements=(span(pattern + "0000"),))
    for a, b, half in moves:
        change = ChangeFact("move", half, MONDAY + timedelta(days=a), MONDAY + timedelta(days=b))
        if not check_day_change(Person(agreements=person.agreements, changes=tuple(changes)),
                                change, MONDAY):
            changes.append(change)
    moved = Person(agreements=person.agreements, changes=tuple(changes))
    week = week_days(MONDAY)
    assert telework_days(moved, week[0], week[-1]) == telework_days(person, week[0], week[-1])
    cells = person_cells(moved, week)
    counts = count_half_days([cells, person_cells(person, week)])
    for key, count in counts.items():
        expected_tw = int(cells[key].is_telework) + int(person_cells(person, week)[key].is_telework)
        assert count.telework == expected_tw
