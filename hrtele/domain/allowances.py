"""Telework allowance arithmetic (« indemnité / allocation forfaitaire de télétravail »).

Pure functions on dates and Decimals; every amount is quantized to the cent, ROUND_HALF_UP.

Weekly pattern: the fourteen half-day slots of hrtele.domain.pattern (Monday AM … Sunday PM,
'0' not teleworked, '1' or '2' teleworked at one of the places). A half-day counts 0.5 day.

Schemes (``AllowanceTerms.scheme``):

- ``none``: nothing is paid.
- ``flat_monthly``: ``amount`` per month while telework is active.
- ``per_weekly_day``: ``amount`` × weekly telework days (half-days count 0.5) per month.
- ``per_day``: ``amount`` × days actually teleworked in the month (see ``teleworked_days``).
- ``one_off``: ``amount`` paid once, in the month of ``start_date``.

Suspended days (telework suspended for exceptional circumstances) are removed like days outside
the agreement: they leave the teleworked days and the pro-rating fraction.

Pro-rating rule (flat_monthly, per_weekly_day): when telework starts or ends during a month,
the monthly amount is multiplied by *calendar days of the month inside [start_date, end_date]
/ calendar days in the month* (e.g. start on 16 April: 15/30). Calendar days, not working days,
so the result does not depend on the pattern or on public holidays, and a whole month always
gets exactly the monthly amount. This is not a reduction for time worked at home (case law,
Cass. soc. 8 Nov 2017, n° 16-18.499, refused that for the home-occupation indemnity): it only
removes the days when the telework arrangement does not exist yet or any more.

``monthly_cap``, when given, bounds the gross amount of any month, whatever the scheme.

Exempt part (URSSAF « sans accord collectif » ceilings, see ceilings.py). The ceiling row is the
one in force on the last day of the month; no row -> nothing is exempt, label « aucun plafond
connu ». The limit is:

- ``per_day``: per_day × days teleworked, capped by the row's monthly_cap;
- ``flat_monthly`` and ``per_weekly_day``: per_weekly_day_monthly × weekly days;
- ``one_off``: per_day × days teleworked that month, capped by the monthly_cap. Interpretation:
  URSSAF tolerances are monthly and there is no tolerance for a lump sum, so the payment is
  tested against the ceiling of the month it is paid in, using the telework actually done that
  month (the conservative reading: a 100 € set-up payment is mostly subject to contributions
  unless receipts are produced).

When a row lacks the preferred basis, the other one is used (2019–2020 has no daily figure).
The weekly basis is pro-rated exactly like the amount (calendar days), because it is a rate for
a whole month of telework; the daily basis already follows the days actually teleworked.
exempt = min(amount, limit); excess = amount − exempt.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction

from hrtele.domain.ceilings import Ceiling, ceiling_for, format_euros, load_default_ceilings
from hrtele.domain.holidays import french_public_holidays
from hrtele.domain.pattern import pattern_days, telework_slots

__all__ = [
    "NO_CEILING_LABEL",
    "SCHEMES",
    "SCHEME_LABELS",
    "AllowanceTerms",
    "MonthlyAllowance",
    "exemption_limit",
    "month_prorata",
    "monthly_allowance",
    "split_exempt",
    "suspended_days",
    "suspension_range",
    "synthetic_pattern",
    "teleworked_days",
    "weekly_telework_days",
]

SCHEMES = ("none", "flat_monthly", "per_weekly_day", "per_day", "one_off")
SCHEME_LABELS = {
    "none": "Aucune indemnité",
    "flat_monthly": "Forfait mensuel",
    "per_weekly_day": "Forfait mensuel par jour hebdomadaire de télétravail",
    "per_day": "Montant par jour télétravaillé",
    "one_off": "Versement unique",
}
NO_CEILING_LABEL = "aucun plafond connu"

_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")
# Own context: the result must not depend on whatever a caller did to the global one.
_CONTEXT = Context(prec=28)
# Ceiling basis used first for each scheme; the other one is the fallback.
_DAILY_FIRST = frozenset({"per_day", "one_off"})


def _cents(value: Decimal) -> Decimal:
    """Quantize to the cent, half up."""
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _scale(value: Decimal, factor: Fraction) -> Decimal:
    """value × factor, rounded once to the cent (a single division keeps it exact)."""
    with localcontext(_CONTEXT):
        return _cents(value * factor.numerator / factor.denominator)


def _parse_pattern(pattern: str) -> tuple[bool, ...]:
    """Fourteen slots -> whether each half-day is teleworked; French ValueError otherwise."""
    return telework_slots(pattern)


def _check_month(year: int, month: int) -> None:
    """ValueError unless (year, month) designates a real month."""
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise ValueError(f"Année invalide : {year!r}.")
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValueError(f"Mois invalide : {month!r} (attendu de 1 à 12).")


def _check_period(start: date, end: date | None) -> None:
    """ValueError unless start is a date and end is None or a date not before start."""
    if type(start) is not date:
        raise ValueError(f"La date de début doit être une date (reçu : {start!r}).")
    if end is not None and type(end) is not date:
        raise ValueError(f"La date de fin doit être une date (reçu : {end!r}).")
    if end is not None and end < start:
        raise ValueError(
            f"La date de fin ({end:%d/%m/%Y}) précède la date de début ({start:%d/%m/%Y})."
        )


def _active_range(start: date, end: date | None, year: int, month: int) -> tuple[date, date] | None:
    """Intersection of [start, end] with the month, or None when empty."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    lo = max(first, start)
    hi = last if end is None else min(last, end)
    return (lo, hi) if lo <= hi else None


def _check_money(value: object, label: str, *, optional: bool = False) -> Decimal | None:
    """Validate a non-negative amount in euros, at most to the cent; ints become Decimals."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"{label} doit être un montant décimal (reçu : {value!r}).")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{label} doit être un montant fini (reçu : {value!r}).")
    if amount < 0:
        raise ValueError(f"{label} ne peut pas être négatif ({value}).")
    if amount != amount.quantize(_CENT):
        raise ValueError(f"{label} doit être exprimé au centime près ({value}).")
    return amount


def _as_days(value: object) -> Decimal:
    """A non-negative day count as a Decimal (ints and Decimals accepted)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"Nombre de jours invalide : {value!r}.")
    days = Decimal(value)
    if not days.is_finite() or days < 0:
        raise ValueError(f"Le nombre de jours de télétravail ne peut pas être négatif ({value}).")
    return days


def _fr_number(value: Decimal) -> str:
    """French display of a day count: 8 -> '8', 8.5 -> '8,5'."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")


def weekly_telework_days(pattern: str) -> Decimal:
    """Telework days per week of a pattern (each half-day slot counts 0.5)."""
    return pattern_days(pattern)


def month_prorata(
    start: date,
    end: date | None,
    year: int,
    month: int,
    suspended: Iterable[date] = frozenset(),
) -> Fraction:
    """Calendar days of the month inside [start, end], not suspended / days in the month."""
    _check_month(year, month)
    _check_period(start, end)
    active = _active_range(start, end, year, month)
    if active is None:
        return Fraction(0)
    days = (active[1] - active[0]).days + 1
    days -= sum(1 for d in frozenset(suspended) if active[0] <= d <= active[1])
    return Fraction(max(days, 0), calendar.monthrange(year, month)[1])


def teleworked_days(
    pattern: str,
    start: date,
    end: date | None,
    year: int,
    month: int,
    absences: Iterable[date] = frozenset(),
) -> Decimal:
    """Days teleworked in a month: pattern half-days within [start, end], minus holidays and absences."""
    slots = _parse_pattern(pattern)
    _check_month(year, month)
    _check_period(start, end)
    absent = frozenset(absences)
    if any(type(d) is not date for d in absent):
        raise ValueError("Les absences doivent être des dates (sans heure).")
    active = _active_range(start, end, year, month)
    if active is None:
        return Decimal(0)
    holidays = french_public_holidays(year)
    half_days = 0
    day = active[0]
    while day <= active[1]:
        weekday = day.weekday()
        if day not in holidays and day not in absent:
            half_days += slots[2 * weekday] + slots[2 * weekday + 1]
        day += timedelta(days=1)
    return Decimal(half_days) / 2


@dataclass(frozen=True)
class AllowanceTerms:
    """What the agreement says about the allowance (validated on creation, French messages)."""

    scheme: str
    amount: Decimal
    monthly_cap: Decimal | None
    weekly_pattern: str
    start_date: date
    end_date: date | None = None

    def __post_init__(self) -> None:
        """Validate every field; ints are accepted for amounts and stored as Decimals."""
        if self.scheme not in SCHEMES:
            raise ValueError(
                f"Mode d'indemnisation inconnu : {self.scheme!r} "
                f"(valeurs possibles : {', '.join(SCHEMES)})."
            )
        object.__setattr__(self, "amount", _check_money(self.amount, "Le montant de l'indemnité"))
        object.__setattr__(
            self,
            "monthly_cap",
            _check_money(self.monthly_cap, "Le plafond mensuel", optional=True),
        )
        _parse_pattern(self.weekly_pattern)
        _check_period(self.start_date, self.end_date)

    @property
    def weekly_days(self) -> Decimal:
        """Telework days per week of the pattern."""
        return weekly_telework_days(self.weekly_pattern)


@dataclass(frozen=True)
class MonthlyAllowance:
    """Allowance due for one month, split into URSSAF-exempt and contributory parts."""

    year: int
    month: int
    days_teleworked: Decimal
    scheme: str
    amount: Decimal
    exempt: Decimal
    excess: Decimal
    ceiling_label: str


def _weekly_limit(ceiling: Ceiling, weekly_days: Decimal, prorata: Fraction) -> tuple[Decimal, str]:
    """Weekly-day basis: rate × weekly days × prorata, with its French explanation."""
    rate = ceiling.per_weekly_day_monthly
    assert rate is not None
    limit = _scale(rate * weekly_days, prorata)
    text = f"{format_euros(rate)} par mois et par jour hebdomadaire × {_fr_number(weekly_days)}"
    if prorata != 1:
        text += f" × {prorata.numerator}/{prorata.denominator} (prorata du mois)"
    return limit, f"{text} = {format_euros(limit)}"


def _daily_limit(ceiling: Ceiling, days: Decimal) -> tuple[Decimal, str]:
    """Daily basis: rate × days teleworked, capped monthly, with its French explanation."""
    rate = ceiling.per_day
    assert rate is not None
    raw = _cents(rate * days)
    unit = "jour" if days < 2 else "jours"
    text = f"{format_euros(rate)} par jour télétravaillé × {_fr_number(days)} {unit} = {format_euros(raw)}"
    if ceiling.monthly_cap is not None and raw > ceiling.monthly_cap:
        return (
            ceiling.monthly_cap,
            f"{text}, ramené au maximum mensuel de {format_euros(ceiling.monthly_cap)}",
        )
    return raw, text


def exemption_limit(
    scheme: str,
    weekly_days: Decimal,
    days_teleworked: Decimal,
    ceiling: Ceiling | None,
    prorata: Fraction = Fraction(1),
) -> tuple[Decimal | None, str]:
    """Exempt limit of a month for a scheme and its French label; (None, label) without ceiling."""
    if scheme not in SCHEMES:
        raise ValueError(f"Mode d'indemnisation inconnu : {scheme!r}.")
    weekly_days, days_teleworked = _as_days(weekly_days), _as_days(days_teleworked)
    try:
        prorata = Fraction(prorata)
    except (TypeError, ValueError):
        raise ValueError(f"Prorata invalide : {prorata!r}.") from None
    if not 0 <= prorata <= 1:
        raise ValueError(f"Le prorata doit être compris entre 0 et 1 (reçu : {prorata}).")
    if ceiling is None:
        return None, NO_CEILING_LABEL
    if scheme == "none":
        return _ZERO, f"Plafond URSSAF {ceiling.period_label} : sans objet (aucune indemnité)"
    daily_first = scheme in _DAILY_FIRST
    if ceiling.per_day is not None and (daily_first or ceiling.per_weekly_day_monthly is None):
        limit, text = _daily_limit(ceiling, days_teleworked)
    else:
        limit, text = _weekly_limit(ceiling, weekly_days, prorata)
    return limit, f"Plafond URSSAF {ceiling.period_label} : {text}"


def split_exempt(
    amount: Decimal,
    scheme: str,
    weekly_days: Decimal,
    days_teleworked: Decimal,
    ceiling: Ceiling | None,
    prorata: Fraction = Fraction(1),
) -> tuple[Decimal, Decimal]:
    """(exempt, excess) parts of a month's amount under a URSSAF ceiling row (None: all excess)."""
    amount = _check_money(amount, "Le montant à ventiler")
    assert amount is not None
    limit, _ = exemption_limit(scheme, weekly_days, days_teleworked, ceiling, prorata)
    amount = _cents(amount)
    exempt = _ZERO if limit is None else _cents(min(amount, limit))
    return exempt, _cents(amount - exempt)


#: While the agreement stays in these states, a suspension without an end date is still running.
OPEN_SUSPENSION_STATES = frozenset({"suspended", "ending", "ended"})


def suspension_range(
    status: str, start: date | None, end: date | None
) -> tuple[date, date] | None:
    """Suspended days [start, end]; an open end counts only while the suspension still runs."""
    if start is None:
        return None
    if end is None:
        if status not in OPEN_SUSPENSION_STATES:
            return None
        end = date.max
    return (start, end) if end >= start else None


def synthetic_pattern(days_per_week: Decimal) -> str:
    """Pattern of an agreement without fixed days: its volume on the first weekdays."""
    half_days = max(0, min(10, int(Decimal(days_per_week) * 2)))
    return "1" * half_days + "0" * (14 - half_days)


def suspended_days(
    suspension: tuple[date, date] | None, year: int, month: int
) -> frozenset[date]:
    """Days of the month inside a suspension [first, last] (empty without one)."""
    if suspension is None:
        return frozenset()
    _check_month(year, month)
    first = max(suspension[0], date(year, month, 1))
    last = min(suspension[1], date(year, month, calendar.monthrange(year, month)[1]))
    return frozenset(first + timedelta(days=n) for n in range((last - first).days + 1))


def monthly_allowance(
    terms: AllowanceTerms,
    year: int,
    month: int,
    absences: Iterable[date] = frozenset(),
    ceilings: tuple[Ceiling, ...] | None = None,
    suspended: Iterable[date] = frozenset(),
) -> MonthlyAllowance:
    """Allowance of one month for the terms, with its exempt/excess split and ceiling label."""
    _check_month(year, month)
    if ceilings is None:
        ceilings = load_default_ceilings()
    start, end = terms.start_date, terms.end_date
    weekly = terms.weekly_days
    suspended = frozenset(suspended)
    days = teleworked_days(
        terms.weekly_pattern, start, end, year, month, frozenset(absences) | suspended
    )
    prorata = month_prorata(start, end, year, month, suspended)

    if terms.scheme == "flat_monthly":
        gross = _scale(terms.amount, prorata)
    elif terms.scheme == "per_weekly_day":
        gross = _scale(terms.amount * weekly, prorata)
    elif terms.scheme == "per_day":
        gross = _cents(terms.amount * days)
    elif terms.scheme == "one_off":
        paid_now = (year, month) == (start.year, start.month)
        gross = _cents(terms.amount) if paid_now else _ZERO
    else:  # "none"
        gross = _ZERO
    if terms.monthly_cap is not None:
        gross = min(gross, _cents(terms.monthly_cap))

    ceiling = ceiling_for((year, month), ceilings)
    _, label = exemption_limit(terms.scheme, weekly, days, ceiling, prorata)
    exempt, excess = split_exempt(gross, terms.scheme, weekly, days, ceiling, prorata)
    return MonthlyAllowance(
        year=year,
        month=month,
        days_teleworked=days,
        scheme=terms.scheme,
        amount=gross,
        exempt=exempt,
        excess=excess,
        ceiling_label=label,
    )
