"""Allowance arithmetic: days teleworked, the five schemes, pro-rating, caps, exempt/excess split.

Every expected value is computed by hand in the comment next to it. Patterns are 10 half-day
slots, Monday AM … Friday PM:
    MON = "11000000000000", WED = "00001100000000", THU = "00000011000000",
    MON_THU = "11000011000000", TUE_THU = "00110011000000", FULL = "11111111110000".
Ceilings are the shipped table (2019–2020: 10 €/weekly day; 2021–2023: 10 € or 2,50 €/day max
55 €; 2024: 10,40 € or 2,60 € max 57,20 €; 2025: 10,90 € or 2,70 € max 59,40 €; 2026: 11 € or
2,70 € max 59,40 €; nothing before 2019).
"""

from dataclasses import FrozenInstanceError
from datetime import date, datetime
from decimal import Decimal as D
from fractions import Fraction

import pytest

from hrtele.domain.allowances import (
    NO_CEILING_LABEL,
    SCHEME_LABELS,
    SCHEMES,
    AllowanceTerms,
    MonthlyAllowance,
    exemption_limit,
    month_prorata,
    monthly_allowance,
    split_exempt,
    teleworked_days,
    weekly_telework_days,
)
from hrtele.domain.ceilings import Ceiling, ceiling_for, load_default_ceilings

MON = "11000000000000"
WED = "00001100000000"
THU = "00000011000000"
MON_THU = "11000011000000"
TUE_THU = "00110011000000"
FULL = "11111111110000"
NBSP = "\u00a0"
CEILINGS = load_default_ceilings()


# --- weekly pattern ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("00000000000000", D("0")),
        (MON, D("1")),
        ("10000000000000", D("0.5")),  # Monday morning only
        ("10000000010000", D("1")),  # Monday AM + Friday PM = two half days
        (MON_THU, D("2")),
        ("11111100000000", D("3")),
        ("11111011110000", D("4.5")),
        (FULL, D("5")),
    ],
)
def test_weekly_telework_days(pattern, expected):
    assert weekly_telework_days(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    ["", "11000", "11000000000", "1100000002", "1100 00000", "110000000O", 1100000000, None],
)
def test_bad_pattern_raises_french_message(pattern):
    with pytest.raises(ValueError, match="rythme hebdomadaire"):
        weekly_telework_days(pattern)
    with pytest.raises(ValueError, match="rythme hebdomadaire"):
        teleworked_days(pattern, date(2025, 1, 1), None, 2025, 5)


# --- days actually teleworked -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "start", "end", "year", "month", "absences", "expected"),
    [
        # Full month, no holiday: March 2024 Tue 5,12,19,26 + Thu 7,14,21,28 = 8.
        (TUE_THU, date(2024, 1, 1), None, 2024, 3, (), D("8")),
        # May 2025 Thursdays 1,8,15,22,29; 1 May, 8 May and Ascension 29 May are holidays -> 2.
        (THU, date(2025, 1, 1), None, 2025, 5, (), D("2")),
        # May 2025 Mondays 5,12,19,26 (no Monday holiday) = 4, + 2 Thursdays = 6.
        (MON_THU, date(2025, 1, 1), None, 2025, 5, (), D("6")),
        # June 2025 Mondays 2,9,16,23,30; 9 June is Whit Monday -> 4.
        (MON, date(2025, 1, 1), None, 2025, 6, (), D("4")),
        # Mid-month start 16 Apr 2025: Mon 21 (Easter Monday, off), 28 = 1; Thu 17, 24 = 2 -> 3.
        (MON_THU, date(2025, 4, 16), None, 2025, 4, (), D("3")),
        # Mid-month end 13 Nov 2026, Wednesdays 4, 11 (Armistice, off) -> 1.
        (WED, date(2026, 1, 1), date(2026, 11, 13), 2026, 11, (), D("1")),
        # Absences on Tue 12 and Thu 14 March 2024: 8 - 2 = 6. Wed 13 and Sat 16 change nothing.
        (
            TUE_THU,
            date(2024, 1, 1),
            None,
            2024,
            3,
            (date(2024, 3, 12), date(2024, 3, 13), date(2024, 3, 14), date(2024, 3, 16)),
            D("6"),
        ),
        # An absence on a holiday is not subtracted twice: May 2025 Thursdays, absent 1 and 15 May
        # -> only 22 May remains = 1.
        (THU, date(2025, 1, 1), None, 2025, 5, (date(2025, 5, 1), date(2025, 5, 15)), D("1")),
        # Half days: Mon AM + Fri PM in March 2024: 4 Mondays × 0.5 = 2; 5 Fridays (1,8,15,22,29;
        # Good Friday 29 March is not a metropolitan holiday) × 0.5 = 2.5 -> 4.5.
        ("10000000010000", date(2024, 1, 1), None, 2024, 3, (), D("4.5")),
        # Thursday PM only, May 2025: 2 Thursdays left × 0.5 = 1.
        ("00000001000000", date(2025, 1, 1), None, 2025, 5, (), D("1")),
        # Start and end inside the month: 12–23 Feb 2024, Wednesday AM: 14, 21 × 0.5 = 1.
        ("00001000000000", date(2024, 2, 12), date(2024, 2, 23), 2024, 2, (), D("1")),
        # Full time December 2018: weekdays 3-7, 10-14, 17-21, 24-28, 31 = 21; minus 25 Dec = 20.
        (FULL, date(2018, 1, 1), None, 2018, 12, (), D("20")),
        # Full time March 2023: weekdays 1-3 (3) + 4 full weeks (20) = 23, no holiday.
        (FULL, date(2023, 1, 1), None, 2023, 3, (), D("23")),
        # Full time January 2025: 1-3 (3) + 6-31 (20) = 23 weekdays, minus 1 January = 22.
        (FULL, date(2025, 1, 1), None, 2025, 1, (), D("22")),
        # Start on the last day of the month, a Thursday (31 July 2025) -> 1.
        (THU, date(2025, 7, 31), None, 2025, 7, (), D("1")),
        # Period not started yet / already over -> 0.
        (MON_THU, date(2025, 6, 1), None, 2025, 5, (), D("0")),
        (MON_THU, date(2025, 1, 1), date(2025, 3, 31), 2025, 4, (), D("0")),
        # Empty pattern -> 0.
        ("00000000000000", date(2025, 1, 1), None, 2025, 5, (), D("0")),
    ],
)
def test_teleworked_days(pattern, start, end, year, month, absences, expected):
    assert teleworked_days(pattern, start, end, year, month, frozenset(absences)) == expected


def test_teleworked_days_accepts_any_iterable_of_absences():
    # Same case as above: March 2024 Tue/Thu minus 12 and 14 March = 6.
    absences = [date(2024, 3, 12), date(2024, 3, 14)]
    assert teleworked_days(TUE_THU, date(2024, 1, 1), None, 2024, 3, absences) == D("6")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((MON, date(2025, 5, 1), date(2025, 4, 30), 2025, 5), "précède"),
        ((MON, date(2025, 5, 1), None, 2025, 13), "Mois invalide"),
        ((MON, date(2025, 5, 1), None, 2025, 0), "Mois invalide"),
        ((MON, "2025-05-01", None, 2025, 5), "date de début"),
        ((MON, datetime(2025, 5, 1), None, 2025, 5), "date de début"),
        ((MON, date(2025, 5, 1), "2025-06-01", 2025, 5), "date de fin"),
        ((MON, date(2025, 5, 1), None, "2025", 5), "Année invalide"),
    ],
)
def test_teleworked_days_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        teleworked_days(*args)


def test_absences_must_be_dates():
    with pytest.raises(ValueError, match="absences"):
        teleworked_days(MON, date(2025, 1, 1), None, 2025, 5, {datetime(2025, 5, 5)})


# --- pro-rating ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "year", "month", "expected"),
    [
        (date(2025, 1, 1), None, 2025, 5, Fraction(1)),  # whole month
        (date(2025, 4, 16), None, 2025, 4, Fraction(15, 30)),  # 16..30 April = 15 of 30
        (date(2026, 1, 1), date(2026, 11, 13), 2026, 11, Fraction(13, 30)),  # 1..13 Nov
        (date(2024, 2, 10), None, 2024, 2, Fraction(20, 29)),  # leap February: 10..29
        (date(2024, 2, 12), date(2024, 2, 23), 2024, 2, Fraction(12, 29)),  # 12..23
        (date(2025, 6, 1), None, 2025, 5, Fraction(0)),  # not started
        (date(2025, 1, 1), date(2025, 4, 30), 2025, 5, Fraction(0)),  # ended
        (date(2025, 5, 31), date(2025, 5, 31), 2025, 5, Fraction(1, 31)),  # one day
    ],
)
def test_month_prorata(start, end, year, month, expected):
    assert month_prorata(start, end, year, month) == expected


# --- monthly allowance, scheme by scheme --------------------------------------------------------


def _terms(scheme, amount, pattern, start, end=None, cap=None):
    return AllowanceTerms(
        scheme=scheme,
        amount=D(amount),
        monthly_cap=None if cap is None else D(cap),
        weekly_pattern=pattern,
        start_date=start,
        end_date=end,
    )


# One row per case reads better as a table than one value per line.
# fmt: off
CASES = [
    # id, terms, (year, month), absences, days, amount, exempt, excess
    # ---- flat_monthly ----
    pytest.param(
        # Full month May 2025: 30.00. Ceiling 10.90 × 2 weekly days = 21.80 -> excess 8.20.
        _terms("flat_monthly", "30.00", MON_THU, date(2025, 1, 1)),
        (2025, 5), (), "6", "30.00", "21.80", "8.20",
        id="flat-full-month-2025",
    ),
    pytest.param(
        # Start 16 Apr 2025: 30 × 15/30 = 15.00. Ceiling 10.90 × 2 × 15/30 = 10.90 -> excess 4.10.
        _terms("flat_monthly", "30.00", MON_THU, date(2025, 4, 16)),
        (2025, 4), (), "3", "15.00", "10.90", "4.10",
        id="flat-mid-month-start",
    ),
    pytest.param(
        # End 13 Nov 2026: 20 × 13/30 = 8.666… -> 8.67. Ceiling 11 × 1 × 13/30 = 4.766… -> 4.77;
        # excess 8.67 - 4.77 = 3.90.
        _terms("flat_monthly", "20.00", WED, date(2026, 1, 1), date(2026, 11, 13)),
        (2026, 11), (), "1", "8.67", "4.77", "3.90",
        id="flat-mid-month-end",
    ),
    pytest.param(
        # October 2020, Tue+Thu (Tue 6,13,20,27 + Thu 1,8,15,22,29 = 9 days): 15.00 under the
        # 2019–2020 ceiling 10 × 2 = 20 -> all exempt.
        _terms("flat_monthly", "15.00", TUE_THU, date(2020, 1, 1)),
        (2020, 10), (), "9", "15.00", "15.00", "0.00",
        id="flat-2020-within-ceiling",
    ),
    pytest.param(
        # Half day (Monday AM) in August 2024: Mondays 5,12,19,26 × 0.5 = 2 days.
        # 5.00 under 10.40 × 0.5 = 5.20 -> all exempt.
        _terms("flat_monthly", "5.00", "10000000000000", date(2024, 1, 1)),
        (2024, 8), (), "2", "5.00", "5.00", "0.00",
        id="flat-half-day-2024",
    ),
    pytest.param(
        # Full time December 2018 (20 days): 20.00, no ceiling row before 2019 -> all excess.
        _terms("flat_monthly", "20.00", FULL, date(2018, 1, 1)),
        (2018, 12), (), "20", "20.00", "0.00", "20.00",
        id="flat-2018-no-ceiling",
    ),
    pytest.param(
        # Month before the start: nothing paid, nothing to split.
        _terms("flat_monthly", "30.00", MON_THU, date(2025, 4, 16)),
        (2025, 3), (), "0", "0.00", "0.00", "0.00",
        id="flat-before-start",
    ),
    pytest.param(
        # Terms cap applies to any scheme: 30.00 capped to 25.00; ceiling 21.80 -> excess 3.20.
        _terms("flat_monthly", "30.00", MON_THU, date(2025, 1, 1), cap="25.00"),
        (2025, 5), (), "6", "25.00", "21.80", "3.20",
        id="flat-capped-by-terms",
    ),
    # ---- per_weekly_day ----
    pytest.param(
        # January 2021, Mon+Tue+Wed = 3 weekly days: 12 × 3 = 36.00. Ceiling 10 × 3 = 30.
        # Days: Mon 4,11,18,25 + Tue 5,12,19,26 + Wed 6,13,20,27 = 12.
        _terms("per_weekly_day", "12.00", "11111100000000", date(2021, 1, 1)),
        (2021, 1), (), "12", "36.00", "30.00", "6.00",
        id="weekly-full-month-2021",
    ),
    pytest.param(
        # Start 10 Feb 2024 (leap year, 20 of 29 days): 11 × 2 × 20/29 = 440/29 = 15.172… -> 15.17.
        # Ceiling 10.40 × 2 × 20/29 = 416/29 = 14.344… -> 14.34; excess 0.83.
        # Days: Tue 13,20,27 + Thu 15,22,29 = 6.
        _terms("per_weekly_day", "11.00", TUE_THU, date(2024, 2, 10)),
        (2024, 2), (), "6", "15.17", "14.34", "0.83",
        id="weekly-mid-month-start-leap-february",
    ),
    pytest.param(
        # End 15 June 2025, Monday: 10.93 × 1 × 15/30 = 5.465 -> 5.47 (half up, not half even).
        # Ceiling 10.90 × 15/30 = 5.45; excess 0.02. Days: Mon 2 (9 = Whit Monday) = 1.
        _terms("per_weekly_day", "10.93", MON, date(2025, 1, 1), date(2025, 6, 15)),
        (2025, 6), (), "1", "5.47", "5.45", "0.02",
        id="weekly-mid-month-end-half-up",
    ),
    pytest.param(
        # Tuesday AM = 0.5 weekly day, July 2026: 25 × 0.5 = 12.50; ceiling 11 × 0.5 = 5.50.
        # Days: Tuesdays 7,14 (Fête nationale, off),21,28 -> 3 × 0.5 = 1.5.
        _terms("per_weekly_day", "25.00", "00100000000000", date(2026, 1, 1)),
        (2026, 7), (), "1.5", "12.50", "5.50", "7.00",
        id="weekly-half-day-2026",
    ),
    pytest.param(
        # Absences do not change a per-weekly-day amount: May 2025 Mon+Thu, 10.90 × 2 = 21.80,
        # exactly the ceiling. Days 6 - 2 absences (Mon 5, Thu 15) = 4.
        _terms("per_weekly_day", "10.90", MON_THU, date(2025, 1, 1)),
        (2025, 5), (date(2025, 5, 5), date(2025, 5, 15)), "4", "21.80", "21.80", "0.00",
        id="weekly-absences-ignored",
    ),
    # ---- per_day ----
    pytest.param(
        # March 2024 Tue+Thu, 8 days × 3.00 = 24.00; ceiling 2.60 × 8 = 20.80; excess 3.20.
        _terms("per_day", "3.00", TUE_THU, date(2024, 1, 1)),
        (2024, 3), (), "8", "24.00", "20.80", "3.20",
        id="per-day-full-month-2024",
    ),
    pytest.param(
        # May 2025 Thursdays minus 1, 8 and 29 May = 2 days × 2.70 = 5.40 = ceiling 2.70 × 2.
        _terms("per_day", "2.70", THU, date(2025, 1, 1)),
        (2025, 5), (), "2", "5.40", "5.40", "0.00",
        id="per-day-may-2025-holidays",
    ),
    pytest.param(
        # Start 16 Apr 2025: 3 days × 4.00 = 12.00; ceiling 2.70 × 3 = 8.10; excess 3.90.
        _terms("per_day", "4.00", MON_THU, date(2025, 4, 16)),
        (2025, 4), (), "3", "12.00", "8.10", "3.90",
        id="per-day-mid-month-start",
    ),
    pytest.param(
        # End 13 Nov 2026: 1 day (Wed 4) × 5.00 = 5.00; ceiling 2.70 × 1 = 2.70; excess 2.30.
        _terms("per_day", "5.00", WED, date(2026, 1, 1), date(2026, 11, 13)),
        (2026, 11), (), "1", "5.00", "2.70", "2.30",
        id="per-day-mid-month-end",
    ),
    pytest.param(
        # March 2024 Tue+Thu minus absences 12 and 14 March = 6 days × 3.00 = 18.00;
        # ceiling 2.60 × 6 = 15.60; excess 2.40.
        _terms("per_day", "3.00", TUE_THU, date(2024, 1, 1)),
        (2024, 3), (date(2024, 3, 12), date(2024, 3, 14)), "6", "18.00", "15.60", "2.40",
        id="per-day-absences",
    ),
    pytest.param(
        # Full time March 2023: 23 days × 3.00 = 69.00. Ceiling 2.50 × 23 = 57.50, above the
        # 55.00 URSSAF monthly maximum -> exempt 55.00, excess 14.00.
        _terms("per_day", "3.00", FULL, date(2023, 1, 1)),
        (2023, 3), (), "23", "69.00", "55.00", "14.00",
        id="per-day-urssaf-monthly-max",
    ),
    pytest.param(
        # Same with a 65.00 monthly cap in the terms: 69.00 -> 65.00; exempt 55.00, excess 10.00.
        _terms("per_day", "3.00", FULL, date(2023, 1, 1), cap="65.00"),
        (2023, 3), (), "23", "65.00", "55.00", "10.00",
        id="per-day-terms-cap",
    ),
    pytest.param(
        # Terms cap in a month with no ceiling: Dec 2018, 20 days × 3.50 = 70.00 -> cap 60.00,
        # all excess.
        _terms("per_day", "3.50", FULL, date(2018, 1, 1), cap="60.00"),
        (2018, 12), (), "20", "60.00", "0.00", "60.00",
        id="per-day-cap-no-ceiling-2018",
    ),
    pytest.param(
        # Half days Mon AM + Fri PM, March 2024: 4.5 days × 2.00 = 9.00; ceiling 2.60 × 4.5 = 11.70.
        _terms("per_day", "2.00", "10000000010000", date(2024, 1, 1)),
        (2024, 3), (), "4.5", "9.00", "9.00", "0.00",
        id="per-day-half-days",
    ),
    pytest.param(
        # Half days with an odd count: Thursday PM, May 2025 = 1 day × 2.75 = 2.75;
        # ceiling 2.70 × 1 = 2.70; excess 0.05.
        _terms("per_day", "2.75", "00000001000000", date(2025, 1, 1)),
        (2025, 5), (), "1", "2.75", "2.70", "0.05",
        id="per-day-half-day-2025",
    ),
    pytest.param(
        # October 2020 (no daily figure): 9 days × 2.50 = 22.50; fallback ceiling 10 × 2 weekly
        # days = 20.00; excess 2.50.
        _terms("per_day", "2.50", TUE_THU, date(2020, 1, 1)),
        (2020, 10), (), "9", "22.50", "20.00", "2.50",
        id="per-day-2020-weekly-fallback",
    ),
    pytest.param(
        # January 2025 full time: 22 days × 2.70 = 59.40 = ceiling 2.70 × 22 = 59.40 exactly.
        _terms("per_day", "2.70", FULL, date(2025, 1, 1)),
        (2025, 1), (), "22", "59.40", "59.40", "0.00",
        id="per-day-exactly-at-cap",
    ),
    # ---- one_off ----
    pytest.param(
        # Paid in the start month (16 Apr 2025): 100.00. Ceiling 2.70 × 3 days = 8.10;
        # excess 91.90.
        _terms("one_off", "100.00", MON_THU, date(2025, 4, 16)),
        (2025, 4), (), "3", "100.00", "8.10", "91.90",
        id="one-off-start-month",
    ),
    pytest.param(
        # Following month: nothing more is paid.
        _terms("one_off", "100.00", MON_THU, date(2025, 4, 16)),
        (2025, 5), (), "6", "0.00", "0.00", "0.00",
        id="one-off-later-month",
    ),
    pytest.param(
        # Start 1 May 2025 on Thursdays: 2 days (holidays), 50.00; ceiling 2.70 × 2 = 5.40;
        # excess 44.60.
        _terms("one_off", "50.00", THU, date(2025, 5, 1)),
        (2025, 5), (), "2", "50.00", "5.40", "44.60",
        id="one-off-holidays",
    ),
    pytest.param(
        # April 2019 (no daily figure), start 16 Apr: fallback 10 × 2 × 15/30 = 10.00; excess 90.
        # Days: Mon 22 (Easter Monday, off), 29 = 1; Thu 18, 25 = 2 -> 3.
        _terms("one_off", "100.00", MON_THU, date(2019, 4, 16)),
        (2019, 4), (), "3", "100.00", "10.00", "90.00",
        id="one-off-2019-weekly-fallback",
    ),
    pytest.param(
        # December 2018: no ceiling -> all excess.
        _terms("one_off", "100.00", FULL, date(2018, 12, 3)),
        (2018, 12), (), "20", "100.00", "0.00", "100.00",
        id="one-off-2018-no-ceiling",
    ),
    pytest.param(
        # Full-time one-off in March 2023: 23 days × 2.50 = 57.50, capped at 55.00.
        _terms("one_off", "100.00", FULL, date(2023, 3, 1)),
        (2023, 3), (), "23", "100.00", "55.00", "45.00",
        id="one-off-urssaf-monthly-max",
    ),
    # ---- none ----
    pytest.param(
        # Nothing is paid, whatever the amount field says.
        _terms("none", "10.00", MON_THU, date(2025, 1, 1)),
        (2025, 5), (), "6", "0.00", "0.00", "0.00",
        id="none",
    ),
]
# fmt: on


@pytest.mark.parametrize(
    ("terms", "year_month", "absences", "days", "amount", "exempt", "excess"), CASES
)
def test_monthly_allowance(terms, year_month, absences, days, amount, exempt, excess):
    year, month = year_month
    result = monthly_allowance(terms, year, month, frozenset(absences))
    assert result == MonthlyAllowance(
        year=year,
        month=month,
        days_teleworked=D(days),
        scheme=terms.scheme,
        amount=D(amount),
        exempt=D(exempt),
        excess=D(excess),
        ceiling_label=result.ceiling_label,
    )
    # Exponents too: every money field is quantized to the cent.
    for value in (result.amount, result.exempt, result.excess):
        assert value.as_tuple().exponent == -2
    assert result.exempt + result.excess == result.amount


@pytest.mark.parametrize(
    ("terms", "year_month", "expected"),
    [
        (
            _terms("flat_monthly", "30.00", MON_THU, date(2025, 4, 16)),
            (2025, 4),
            f"Plafond URSSAF 2025 : 10,90{NBSP}€ par mois et par jour hebdomadaire × 2 × 1/2 "
            f"(prorata du mois) = 10,90{NBSP}€",
        ),
        (
            _terms("per_day", "3.00", FULL, date(2023, 1, 1)),
            (2023, 3),
            f"Plafond URSSAF 2021–2023 : 2,50{NBSP}€ par jour télétravaillé × 23 jours = "
            f"57,50{NBSP}€, ramené au maximum mensuel de 55,00{NBSP}€",
        ),
        (
            _terms("per_day", "2.00", "10000000010000", date(2024, 1, 1)),
            (2024, 3),
            f"Plafond URSSAF 2024 : 2,60{NBSP}€ par jour télétravaillé × 4,5 jours = 11,70{NBSP}€",
        ),
        (
            _terms("per_day", "2.75", "00000001000000", date(2025, 1, 1)),
            (2025, 5),
            f"Plafond URSSAF 2025 : 2,70{NBSP}€ par jour télétravaillé × 1 jour = 2,70{NBSP}€",
        ),
        (
            _terms("flat_monthly", "20.00", FULL, date(2018, 1, 1)),
            (2018, 12),
            NO_CEILING_LABEL,
        ),
        (
            _terms("none", "0", MON, date(2025, 1, 1)),
            (2025, 5),
            "Plafond URSSAF 2025 : sans objet (aucune indemnité)",
        ),
    ],
)
def test_ceiling_label(terms, year_month, expected):
    assert monthly_allowance(terms, *year_month).ceiling_label == expected


def test_no_ceiling_label_text():
    assert NO_CEILING_LABEL == "aucun plafond connu"


def test_custom_ceiling_table_is_used():
    # An admin-edited table: 2018 now has a 10 €/weekly-day row. Flat 20.00 full time (5 weekly
    # days) in Dec 2018 -> ceiling 10 × 5 = 50 -> all exempt.
    table = (Ceiling(date(2018, 1, 1), date(2018, 12, 31), D("10.00"), None, None),)
    terms = _terms("flat_monthly", "20.00", FULL, date(2018, 1, 1))
    result = monthly_allowance(terms, 2018, 12, ceilings=table)
    assert (result.exempt, result.excess) == (D("20.00"), D("0.00"))
    # The same month with an empty table: nothing known, all excess.
    result = monthly_allowance(terms, 2018, 12, ceilings=())
    assert (result.exempt, result.excess, result.ceiling_label) == (
        D("0.00"),
        D("20.00"),
        NO_CEILING_LABEL,
    )


def test_yearly_total_flat_allowance_with_mid_year_end():
    # 2025, flat 30.00, Mon+Thu, ends 15 June: Jan–May 5 × 30 = 150.00; June 30 × 15/30 = 15.00;
    # July–Dec 0 -> 165.00. Exempt: 5 × 21.80 = 109.00 + June 10.90 × 2 × 1/2 = 10.90 -> 119.90.
    terms = _terms("flat_monthly", "30.00", MON_THU, date(2025, 1, 1), date(2025, 6, 15))
    months = [monthly_allowance(terms, 2025, m) for m in range(1, 13)]
    assert sum(m.amount for m in months) == D("165.00")
    assert sum(m.exempt for m in months) == D("119.90")
    assert sum(m.excess for m in months) == D("45.10")


# --- split_exempt in each ceiling period --------------------------------------------------------


@pytest.mark.parametrize(
    ("year_month", "amount", "scheme", "weekly", "days", "exempt", "excess"),
    [
        # 2019–2020: weekly basis only. 10 × 2 = 20 -> (20, 5).
        ((2020, 6), "25.00", "flat_monthly", "2", "8", "20.00", "5.00"),
        ((2019, 3), "25.00", "per_weekly_day", "2", "8", "20.00", "5.00"),
        # per_day falls back on the weekly basis: 10 × 2 = 20 -> (20, 5).
        ((2020, 6), "25.00", "per_day", "2", "9", "20.00", "5.00"),
        # 2021–2023: per_day 2.50 × 9 = 22.50 -> (22.50, 7.50).
        ((2022, 11), "30.00", "per_day", "2", "9", "22.50", "7.50"),
        # Weekly basis 10 × 2 = 20 -> (20, 10).
        ((2022, 11), "30.00", "per_weekly_day", "2", "9", "20.00", "10.00"),
        # 2.50 × 23 = 57.50 capped at 55 -> (55, 25).
        ((2022, 11), "80.00", "per_day", "5", "23", "55.00", "25.00"),
        # one_off uses the daily basis: 2.50 × 9 = 22.50 -> (22.50, 77.50).
        ((2021, 9), "100.00", "one_off", "2", "9", "22.50", "77.50"),
        # 2024: 2.60 × 22 = 57.20 = cap -> (57.20, 22.80).
        ((2024, 8), "80.00", "per_day", "5", "22", "57.20", "22.80"),
        # 10.40 × 1.5 = 15.60 > 15 -> all exempt.
        ((2024, 8), "15.00", "flat_monthly", "1.5", "6", "15.00", "0.00"),
        # 2025: 10.90 × 2.5 = 27.25 -> (27.25, 2.75).
        ((2025, 1), "30.00", "flat_monthly", "2.5", "11", "27.25", "2.75"),
        # 2.70 × 23 = 62.10 capped at 59.40 -> (59.40, 10.60).
        ((2025, 1), "70.00", "per_day", "5", "23", "59.40", "10.60"),
        # 2026: 11 × 3 = 33 = amount -> (33, 0).
        ((2026, 7), "33.00", "per_weekly_day", "3", "12", "33.00", "0.00"),
        # 2.70 × 8 = 21.60 -> (21.60, 78.40).
        ((2026, 7), "100.00", "one_off", "2", "8", "21.60", "78.40"),
        # A zero amount splits into zeros.
        ((2026, 7), "0.00", "per_day", "2", "8", "0.00", "0.00"),
        # 2018: no ceiling -> all excess.
        ((2018, 12), "25.00", "flat_monthly", "2", "8", "0.00", "25.00"),
        ((2018, 12), "25.00", "per_day", "2", "8", "0.00", "25.00"),
        ((2018, 12), "25.00", "one_off", "2", "8", "0.00", "25.00"),
    ],
)
def test_split_exempt(year_month, amount, scheme, weekly, days, exempt, excess):
    ceiling = ceiling_for(year_month, CEILINGS)
    result = split_exempt(D(amount), scheme, D(weekly), D(days), ceiling)
    assert result == (D(exempt), D(excess))


def test_split_exempt_weekly_basis_is_pro_rated():
    # July 2026, 2 weekly days, active 15 of 31 days: 11 × 2 × 15/31 = 330/31 = 10.645… -> 10.65.
    # Amount 12.00 -> (10.65, 1.35).
    ceiling = ceiling_for((2026, 7), CEILINGS)
    assert split_exempt(D("12.00"), "flat_monthly", D(2), D(4), ceiling, Fraction(15, 31)) == (
        D("10.65"),
        D("1.35"),
    )
    # The daily basis ignores the pro-rata (days already reflect it): 2.70 × 4 = 10.80.
    assert split_exempt(D("12.00"), "per_day", D(2), D(4), ceiling, Fraction(15, 31)) == (
        D("10.80"),
        D("1.20"),
    )


def test_exemption_limit_without_ceiling():
    assert exemption_limit("per_day", D(2), D(8), None) == (None, NO_CEILING_LABEL)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: split_exempt(D("-1.00"), "per_day", D(2), D(8), c), "négatif"),
        (lambda c: split_exempt(D("1.001"), "per_day", D(2), D(8), c), "centime"),
        (lambda c: split_exempt(1.5, "per_day", D(2), D(8), c), "montant décimal"),
        (lambda c: split_exempt(D("10.00"), "weekly", D(2), D(8), c), "inconnu"),
        (lambda c: split_exempt(D("10.00"), "per_day", D(-1), D(8), c), "négatif"),
        (lambda c: split_exempt(D("10.00"), "per_day", D(2), D(-8), c), "négatif"),
        (lambda c: split_exempt(D("10.00"), "per_day", "2", D(8), c), "Nombre de jours"),
        (lambda c: exemption_limit("per_day", D(2), D(8), c, Fraction(3, 2)), "prorata"),
        (lambda c: exemption_limit("per_day", D(2), D(8), c, "moitié"), "Prorata invalide"),
    ],
)
def test_split_exempt_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call(ceiling_for((2025, 5), CEILINGS))


# --- terms validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"scheme": "weekly"}, "Mode d'indemnisation inconnu"),
        ({"scheme": ""}, "Mode d'indemnisation inconnu"),
        ({"amount": D("-10.00")}, "ne peut pas être négatif"),
        ({"amount": D("10.005")}, "centime"),
        ({"amount": 10.5}, "montant décimal"),
        ({"amount": "10.50"}, "montant décimal"),
        ({"amount": D("NaN")}, "montant fini"),
        ({"monthly_cap": D("-1")}, "plafond mensuel ne peut pas être négatif"),
        ({"weekly_pattern": "110000000"}, "rythme hebdomadaire"),
        ({"weekly_pattern": "11000000x0"}, "rythme hebdomadaire"),
        ({"end_date": date(2024, 12, 31)}, "précède"),
        ({"start_date": None}, "date de début"),
    ],
)
def test_terms_bad_input_raises_french_message(overrides, message):
    fields = {
        "scheme": "per_day",
        "amount": D("2.70"),
        "monthly_cap": None,
        "weekly_pattern": MON_THU,
        "start_date": date(2025, 1, 1),
        "end_date": None,
    }
    fields.update(overrides)
    with pytest.raises(ValueError, match=message):
        AllowanceTerms(**fields)


def test_terms_accept_int_amounts_and_are_frozen():
    terms = AllowanceTerms("flat_monthly", 30, 40, MON_THU, date(2025, 1, 1))
    assert terms.amount == D("30") and isinstance(terms.amount, D)
    assert isinstance(terms.monthly_cap, D)
    assert terms.end_date is None
    assert terms.weekly_days == D("2")
    with pytest.raises(FrozenInstanceError):
        terms.amount = D("1")


def test_monthly_allowance_bad_month():
    terms = _terms("flat_monthly", "30.00", MON_THU, date(2025, 1, 1))
    with pytest.raises(ValueError, match="Mois invalide"):
        monthly_allowance(terms, 2025, 13)


def test_scheme_labels_are_french_and_complete():
    assert set(SCHEME_LABELS) == set(SCHEMES)
    assert SCHEME_LABELS["per_day"] == "Montant par jour télétravaillé"
