"""Tests for calendar computations and French date / amount parsing and formatting."""

from __future__ import annotations

import ast
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrtele.domain import dates as dt
from hrtele.domain.dates import (
    adaptation_end_date,
    add_months,
    annual_interview_due_dates,
    days_until,
    format_date_fr,
    format_euros,
    parse_date_fr,
)

NNBSP = "\u202f"
NBSP = "\u00a0"

# --- add_months ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # clamp, common year
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # clamp, leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),  # year rollover
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),  # negative
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
        (date(2000, 1, 31), 1, date(2000, 2, 29)),  # 2000 is a leap year
        (date(2100, 1, 31), 1, date(2100, 2, 28)),  # 2100 is not
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_add_months_out_of_range():
    with pytest.raises(OverflowError):
        add_months(date(9999, 12, 1), 1)


# --- adaptation_end_date -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 14)),
        (date(2026, 3, 1), 1, date(2026, 3, 31)),
        (date(2026, 1, 1), 2, date(2026, 2, 28)),
        (date(2028, 1, 1), 2, date(2028, 2, 29)),
        (date(2026, 1, 28), 1, date(2026, 2, 27)),
        (date(2026, 1, 29), 1, date(2026, 2, 28)),  # 29/02 does not exist: last day of month
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2028, 1, 29), 1, date(2028, 2, 28)),  # 29/02/2028 exists: its eve
        (date(2026, 3, 30), 1, date(2026, 4, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 11, 15), 3, date(2027, 2, 14)),
        (date(2026, 12, 1), 1, date(2026, 12, 31)),
    ],
)
def test_adaptation_end_date(start, months, expected):
    assert adaptation_end_date(start, months) == expected


def test_adaptation_end_date_without_adaptation():
    assert adaptation_end_date(date(2026, 1, 15), 0) is None
    with pytest.raises(ValueError, match="négative"):
        adaptation_end_date(date(2026, 1, 15), -1)


# --- Annual interview ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "today", "expected"),
    [
        (date(2026, 3, 10), date(2026, 3, 10), date(2027, 3, 10)),  # first one a year after start
        (date(2026, 3, 10), date(2025, 1, 1), date(2027, 3, 10)),  # start in the future
        (date(2026, 3, 10), date(2027, 3, 9), date(2027, 3, 10)),
        (date(2026, 3, 10), date(2027, 3, 10), date(2027, 3, 10)),  # due today
        (date(2026, 3, 10), date(2027, 3, 11), date(2028, 3, 10)),
        (date(2026, 3, 10), date(2031, 1, 1), date(2031, 3, 10)),
        (date(2026, 3, 10), date(2031, 12, 31), date(2032, 3, 10)),
        (date(2028, 2, 29), date(2028, 6, 1), date(2029, 2, 28)),  # leap-day start
        (date(2028, 2, 29), date(2029, 3, 1), date(2030, 2, 28)),
        (date(2028, 2, 29), date(2031, 3, 1), date(2032, 2, 29)),  # back on 29/02, no drift
        (date(2026, 12, 31), date(2027, 12, 31), date(2027, 12, 31)),
        (date(2026, 12, 31), date(2028, 1, 1), date(2028, 12, 31)),
    ],
)
def test_annual_interview_due_dates(start, today, expected):
    assert annual_interview_due_dates(start, today) == expected


S = date(2026, 3, 10)






@pytest.mark.parametrize(
    ("d", "today", "expected"),
    [
        (date(2026, 3, 10), date(2026, 3, 10), 0),
        (date(2026, 3, 11), date(2026, 3, 10), 1),
        (date(2026, 3, 9), date(2026, 3, 10), -1),
        (date(2029, 1, 1), date(2028, 1, 1), 366),
    ],
)
def test_days_until(d, today, expected):
    assert days_until(d, today) == expected


# --- French dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2026", date(2026, 12, 31)),
        ("01/01/2027", date(2027, 1, 1)),
        ("1/2/2026", date(2026, 2, 1)),
        ("  29/02/2028 ", date(2028, 2, 29)),
        ("2026-12-31", date(2026, 12, 31)),
        ("2028-02-29", date(2028, 2, 29)),
        # Issue 13: every layout a phone keyboard makes easy, day first.
        ("04/01/2027", date(2027, 1, 4)),
        ("04.01.2027", date(2027, 1, 4)),
        ("04-01-2027", date(2027, 1, 4)),
        ("04 01 2027", date(2027, 1, 4)),
        ("04012027", date(2027, 1, 4)),
        ("2027-01-04", date(2027, 1, 4)),
        ("4.1.2027", date(2027, 1, 4)),
        ("04  01\u00a02027", date(2027, 1, 4)),  # doubled or no-break spaces of a phone
        ("31-12-2026", date(2026, 12, 31)),
        ("31.12.2026", date(2026, 12, 31)),
    ],
)
def test_parse_date_fr(text, expected):
    assert parse_date_fr(text) == expected


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("31/02/2026", "Date impossible"),
        ("29/02/2026", "Date impossible"),
        ("31/02/2027", "Date impossible"),
        ("00/01/2026", "Date impossible"),
        ("32/01/2026", "Date impossible"),
        ("15/13/2026", "Date impossible"),
        ("2026-02-30", "Date impossible"),
        ("12/31/2026", "Date impossible"),  # month first is not French
        ("29/02/2100", "Date impossible"),
        ("99/99/9999", "Date invalide"),
        ("01/01/0001", "Date invalide"),
        ("2026-2-3", "Date invalide"),
        ("31/12/26", "Date invalide"),
        ("04/01-2027", "Date invalide"),  # mixed separators
        ("0401202", "Date invalide"),
        ("040120271", "Date invalide"),
        ("", "Date invalide"),
        ("   ", "Date invalide"),
        ("demain", "Date invalide"),
        ("31/12/2026 10:00", "Date invalide"),
        ("٣١/١٢/٢٠٢٦", "Date invalide"),  # non-ASCII digits
        ("０４０１２０２７", "Date invalide"),  # full-width digits
        ("2026-12-31T00:00", "Date invalide"),
        ("<script>alert(1)</script>", "Date invalide"),
        ("' OR 1=1 --", "Date invalide"),
        ("04/01/2027\x00", "Date invalide"),
        ("1" * 10_000, "Date invalide"),
    ],
)
def test_parse_date_fr_invalid(text, start):
    with pytest.raises(ValueError) as excinfo:
        parse_date_fr(text)
    message = str(excinfo.value)
    assert message.startswith(start + " : ")
    assert len(message) < 200


def test_parse_date_fr_messages():
    with pytest.raises(ValueError) as excinfo:
        parse_date_fr("31/02/2026")
    assert str(excinfo.value) == "Date impossible : le 31/02/2026 n'existe pas."
    with pytest.raises(ValueError) as excinfo:
        parse_date_fr("demain")
    assert str(excinfo.value) == (
        "Date invalide : « demain » (écrivez par exemple 04/01/2027 ; formats acceptés : "
        "jj/mm/aaaa, jj.mm.aaaa, jj-mm-aaaa, jj mm aaaa ou jjmmaaaa)."
    )
    with pytest.raises(ValueError) as excinfo:
        parse_date_fr("x" * 500)
    assert "x" * 41 not in str(excinfo.value)


_LAYOUTS = (
    "{d:02d}/{m:02d}/{y:04d}",
    "{d:02d}.{m:02d}.{y:04d}",
    "{d:02d}-{m:02d}-{y:04d}",
    "{d:02d} {m:02d} {y:04d}",
    "{d:02d}{m:02d}{y:04d}",
    "{d}/{m}/{y:04d}",
    "{y:04d}-{m:02d}-{d:02d}",
)


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
       layout=st.sampled_from(_LAYOUTS), padding=st.sampled_from(("", " ", "  ", "\t")))
def test_every_accepted_layout_parses_back_to_the_same_date(day, layout, padding):
    text = padding + layout.format(d=day.day, m=day.month, y=day.year) + padding
    assert parse_date_fr(text) == day


@given(st.text(max_size=60))
def test_any_text_is_a_date_or_a_french_message(text):
    try:
        parsed = parse_date_fr(text)
    except ValueError as exc:
        assert str(exc).startswith(("Date invalide : ", "Date impossible : "))
    else:
        assert 1900 <= parsed.year <= 2200


def test_parse_date_fr_type():
    with pytest.raises(TypeError):
        parse_date_fr(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 12, 31), "31/12/2026"),
        (date(2026, 1, 5), "05/01/2026"),
        (date(999, 1, 1), "01/01/0999"),
    ],
)
def test_format_date_fr(d, expected):
    assert format_date_fr(d) == expected


def test_date_round_trip():
    d = date(2028, 2, 29)
    assert parse_date_fr(format_date_fr(d)) == d


# --- French amounts ------------------------------------------------------------------------






@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("12.5"), f"12,50{NBSP}€"),
        (Decimal("0"), f"0,00{NBSP}€"),
        (Decimal("999.99"), f"999,99{NBSP}€"),
        (Decimal("1000"), f"1{NNBSP}000,00{NBSP}€"),
        (Decimal("1234.56"), f"1{NNBSP}234,56{NBSP}€"),
        (Decimal("1234567.891"), f"1{NNBSP}234{NNBSP}567,89{NBSP}€"),
        (Decimal("0.005"), f"0,01{NBSP}€"),  # half up
        (Decimal("2.675"), f"2,68{NBSP}€"),
        (Decimal("-1234.5"), f"-1{NNBSP}234,50{NBSP}€"),
        (Decimal("-0.001"), f"0,00{NBSP}€"),
        (Decimal("1E+3"), f"1{NNBSP}000,00{NBSP}€"),
        (220, f"220,00{NBSP}€"),
    ],
)
def test_format_euros(amount, expected):
    assert format_euros(amount) == expected


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("1E+40")])
def test_format_euros_rejects_non_finite(amount):
    with pytest.raises(ValueError):
        format_euros(amount)


@pytest.mark.parametrize("amount", [12.5, "12,50", True, None])
def test_format_euros_type(amount):
    with pytest.raises(TypeError):
        format_euros(amount)  # type: ignore[arg-type]




# --- Purity --------------------------------------------------------------------------------


def test_module_imports_only_stdlib():
    tree = ast.parse(Path(dt.__file__).read_text(encoding="utf-8"))
    modules = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    }
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}


@pytest.mark.parametrize(
    ("held", "deadline"),
    [
        (date(2026, 10, 1), date(2028, 10, 1)),  # first year: next window ends on the 2nd anniversary
        (date(2027, 9, 30), date(2028, 10, 1)),
        (date(2027, 10, 1), date(2028, 10, 1)),  # on the due date itself
        (date(2027, 10, 2), date(2029, 10, 1)),  # late, in the second year
    ],
)
def test_next_interview_deadline(held, deadline):
    """L1222-10 4° (2012): an interview each year from the start of telework."""
    assert dt.next_interview_deadline(date(2026, 10, 1), held) == deadline


def test_first_and_next_interview():
    assert dt.first_interview_due(date(2026, 1, 31)) == date(2027, 1, 31)
    assert dt.first_interview_due(date(2024, 2, 29)) == date(2025, 2, 28)
    assert dt.next_interview_due(date(2026, 10, 1), date(2027, 10, 5)) == date(2028, 10, 5)
    # Late interview: the next one stays within the following anniversary year.
    assert dt.next_interview_due(date(2026, 10, 1), date(2027, 10, 2)) == date(2028, 10, 2)
