"""French public holidays (« jours fériés ») for metropolitan France.

Only the eleven holidays of the general regime (C. trav. L3133-1) are modelled. The extra days
of Alsace-Moselle (Good Friday, 26 December) and of the overseas departments are not, and the
historical changes before 1982 (8 May was not a holiday from 1959 to 1981) are ignored: the app
computes allowances for recent years only.

Whit Monday is kept as a holiday although many employers use it as the « journée de
solidarité » (loi 2004-626): it is still legally a public holiday, and telework on that day is
the exception rather than the rule.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

__all__ = ["easter_sunday", "french_public_holidays", "is_public_holiday"]

# The Gregorian calendar (and therefore the algorithm below) starts in October 1582.
_FIRST_GREGORIAN_YEAR = 1583


def _check_year(year: int) -> None:
    """Raise ValueError (French message) unless year is a usable Gregorian year."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"L'année doit être un nombre entier (reçu : {year!r}).")
    if not _FIRST_GREGORIAN_YEAR <= year <= date.max.year:
        raise ValueError(
            f"L'année {year} est hors du calendrier grégorien pris en charge "
            f"({_FIRST_GREGORIAN_YEAR}–{date.max.year})."
        )


def easter_sunday(year: int) -> date:
    """Easter Sunday of a Gregorian year (anonymous Gregorian / Meeus–Jones–Butcher algorithm)."""
    _check_year(year)
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def _holidays(year: int) -> tuple[tuple[date, str], ...]:
    """Cached, immutable list of (date, French name) for one year, in date order."""
    easter = easter_sunday(year)
    days = [
        (date(year, 1, 1), "Jour de l'an"),
        (easter + timedelta(days=1), "Lundi de Pâques"),
        (date(year, 5, 1), "Fête du Travail"),
        (date(year, 5, 8), "Victoire 1945"),
        (easter + timedelta(days=39), "Ascension"),
        (easter + timedelta(days=50), "Lundi de Pentecôte"),
        (date(year, 7, 14), "Fête nationale"),
        (date(year, 8, 15), "Assomption"),
        (date(year, 11, 1), "Toussaint"),
        (date(year, 11, 11), "Armistice 1918"),
        (date(year, 12, 25), "Noël"),
    ]
    # Ascension can fall on 1 or 8 May (e.g. 2008: 1 May); keep one entry, joined names.
    merged: dict[date, str] = {}
    for day, name in days:
        merged[day] = f"{merged[day]} ; {name}" if day in merged else name
    return tuple(sorted(merged.items()))


def french_public_holidays(year: int) -> dict[date, str]:
    """Metropolitan French public holidays of a year, as {date: French name}, in date order."""
    return dict(_holidays(year))


def is_public_holiday(d: date) -> bool:
    """True when the date is a metropolitan French public holiday."""
    return any(day == d for day, _ in _holidays(d.year))
