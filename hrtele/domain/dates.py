"""Calendar computations and French date / amount parsing and formatting.

Pure domain code: stdlib only. ``today`` is always an argument, never read from the clock.
Conventions used throughout:

- every period is a closed interval of calendar days ``[first day, last day]``;
- notice delays live in hrtele.domain.notice;
- month arithmetic clamps to the end of the month (31 January + 1 month = 28/29 February).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

MAX_AMOUNT = Decimal("10000000")  # 1e7 €: anything above is a typing mistake for this app
_CENT = Decimal("0.01")

_NBSP = "\u00a0"  # no-break space, before the euro sign
_NNBSP = "\u202f"  # narrow no-break space, thousands separator


# --- Month arithmetic ---------------------------------------------------------------------


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` months (may be negative), clamped to the last day of the month."""
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date hors de la plage gérée")
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last_day))


def adaptation_end_date(start: date, months: int) -> date | None:
    """Last day of an adaptation period of ``months`` months starting on ``start``; None if 0.

    Convention: the period runs from ``start`` (included) to the eve of the same day of the
    month ``months`` later: 15/01 + 3 months ends on 14/04, 01/03 + 1 month on 31/03. When that
    day does not exist in the target month (start on the 29th-31st), the period ends on the
    last day of the target month: 31/01 + 1 month ends on 28/02 (29/02 in a leap year), so a
    period starting late in a month is never shortened by the clamping.
    """
    if months < 0:
        raise ValueError("La durée de la période d'adaptation ne peut pas être négative.")
    if months == 0:
        return None
    same_day = add_months(start, months)
    if same_day.day < start.day:  # clamped: the same day does not exist in the target month
        return same_day
    return same_day - timedelta(days=1)


# --- Annual interview (L1222-10 4°, 2012) -------------------------------------------------


def _anniversary(start: date, years: int) -> date:
    # Always computed from ``start`` so a 29 February start does not drift to the 28th forever.
    return add_months(start, 12 * years)


def first_interview_due(start: date) -> date:
    """Due date of the first annual interview: one year after telework starts."""
    return _anniversary(start, 1)


def next_interview_deadline(start: date, held: date) -> date:
    """Latest date of the interview after one held on ``held``: the end of the following year.

    Years run from each anniversary of ``start``; an interview held in year k must be followed
    by one in year k + 1, so no later than the (k + 1)th anniversary.
    """
    years = 1
    while _anniversary(start, years) < held:
        years += 1
    return _anniversary(start, years + 1)


def next_interview_due(start: date, held: date) -> date:
    """Default date of the next interview: a year after ``held``, within the legal deadline."""
    return min(add_months(held, 12), next_interview_deadline(start, held))


def annual_interview_due_dates(start: date, today: date) -> date:
    """Next annual-interview due date on or after ``today`` (start + 1 year, then yearly)."""
    years = max(1, today.year - start.year - 1)
    while _anniversary(start, years) < today:
        years += 1
    return _anniversary(start, years)


def days_until(d: date, today: date) -> int:
    """Calendar days from ``today`` to ``d`` (negative when ``d`` is past)."""
    return (d - today).days


# --- French dates -------------------------------------------------------------------------

# Day first, as French people write dates, with whatever separator a phone keyboard offers:
# 04/01/2027, 04.01.2027, 04-01-2027, 04 01 2027, 04012027; plus ISO 2027-01-04, which
# <input type="date"> sends. ASCII digits only (int() would accept other scripts' digits).
_DATE_FR = re.compile(r"([0-9]{1,2})([/.\- ])([0-9]{1,2})\2([0-9]{4})")
_DATE_COMPACT = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
_DATE_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_BLANKS = re.compile(r"\s+")
_MAX_INPUT = 40  # longer input is not a date: refused before any regex work
_MAX_ECHO = 40  # characters of bad input repeated in an error message
MIN_YEAR, MAX_YEAR = 1900, 2200  # beyond: a typing mistake (and out of PostgreSQL's comfort)
DATE_FORMATS_FR = "jj/mm/aaaa, jj.mm.aaaa, jj-mm-aaaa, jj mm aaaa ou jjmmaaaa"


def _echo(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _MAX_ECHO else text[: _MAX_ECHO - 1] + "…"


def _date_parts(value: str) -> tuple[int, int, int] | None:
    """(year, month, day) written in ``value`` in one of the accepted layouts, or None."""
    match = _DATE_FR.fullmatch(value)
    if match:
        return int(match.group(4)), int(match.group(3)), int(match.group(1))
    match = _DATE_COMPACT.fullmatch(value)
    if match:
        return int(match.group(3)), int(match.group(2)), int(match.group(1))
    match = _DATE_ISO.fullmatch(value)
    if match:
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    return None


def parse_date_fr(text: str) -> date:
    """Parse a day-first French date (/ . - space or none as separator) or ISO; French ValueError.

    Accepted: 04/01/2027, 04.01.2027, 04-01-2027, 04 01 2027, 04012027 and 2027-01-04.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_date_fr expects str, got {type(text).__name__}")
    value = text.strip()
    parts = _date_parts(_BLANKS.sub(" ", value)) if len(value) <= _MAX_INPUT else None
    if parts is None:
        raise ValueError(
            f"Date invalide : « {_echo(text)} » (écrivez par exemple 04/01/2027 ; formats "
            f"acceptés : {DATE_FORMATS_FR})."
        )
    year, month, day = parts
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            f"Date invalide : « {_echo(text)} » (l'année doit être comprise entre {MIN_YEAR} "
            f"et {MAX_YEAR})."
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Date impossible : le {_echo(text)} n'existe pas.") from None


def format_date_fr(d: date) -> str:
    """Format ``d`` as 'jj/mm/aaaa'."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _days_fr(n: int) -> str:
    return f"{n} jour" if n <= 1 else f"{n} jours"


# --- French amounts -----------------------------------------------------------------------

def format_euros(amount: Decimal | int) -> str:
    """Format as '1 234,56 €': U+202F between thousands, U+00A0 before €, 2 decimals."""
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"format_euros expects Decimal or int, got {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError("Montant invalide : valeur non finie")
    if value.adjusted() > 30:  # beyond any plausible sum; also keeps quantize() in precision
        raise ValueError("Montant invalide : valeur hors limites")
    with localcontext() as ctx:
        ctx.prec = 40
        value = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    units, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    return f"{sign}{_NNBSP.join(groups)},{cents}{_NBSP}€"
