"""Dated table of URSSAF exemption ceilings (« plafonds d'exonération ») for the telework allowance.

The figures are data, not code: they live in ``hrtele/data/urssaf_ceilings.json`` (see
legal.md §5.2) and an administrator may edit them. This module only parses, validates, looks up
and serialises the rows. Only the « sans accord collectif » column is modelled: it is the regime
of the employers the app targets (2012 law + ANI 2005, no telework agreement).

JSON shape (``dump_ceilings`` writes it, ``parse_ceilings`` reads it)::

    {"ceilings": [{"valid_from": "2025-01-01", "valid_to": "2025-12-31",
                   "per_weekly_day_monthly": "10.90", "per_day": "2.70",
                   "monthly_cap": "59.40", "note": "...", "source": "..."}]}

Amounts are decimal strings (JSON numbers are accepted and read exactly, never as floats);
``valid_to`` and each amount may be ``null``. Periods may not overlap; gaps are allowed (a month
in a gap has no known ceiling, so the whole allowance is treated as subject to contributions).
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

__all__ = [
    "DEFAULT_CEILINGS_PATH",
    "Ceiling",
    "ceiling_for",
    "dump_ceilings",
    "format_euros",
    "load_default_ceilings",
    "parse_ceilings",
]

# Seed rows (legal.md §5.2). Why the dates look rounder than the sources:
# - 2019–2020 starts on 2019-01-01, not on the date of the URSSAF note (18 Dec 2019): the sources
#   only say the 10 € tolerance was « used for 2019–2020 », lookups are made per month, and the
#   issue asked for whole years. Before the note there was no tolerance at all, so the row's note
#   tells an administrator how to make it stricter (start 2019-12-18).
# - Each later row starts on 1 January because the sources give a year, not an effective date.
# - 2026 is closed on 2026-12-31 rather than left open: ceilings are revised every year, and a
#   stale figure silently applied to 2027 is worse than a visible « aucun plafond connu ».
DEFAULT_CEILINGS_PATH = Path(__file__).resolve().parent.parent / "data" / "urssaf_ceilings.json"

_FIELDS = (
    "valid_from",
    "valid_to",
    "per_weekly_day_monthly",
    "per_day",
    "monthly_cap",
    "note",
    "source",
)
_AMOUNT_FIELDS = ("per_weekly_day_monthly", "per_day", "monthly_cap")
_CENT = Decimal("0.01")


def format_euros(value: Decimal) -> str:
    """French display of an amount: 1234.5 -> '1 234,50 €' (narrow no-break spaces)."""
    text = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0€"


def _fr_date(d: date) -> str:
    """French short date, 01/02/2025."""
    return d.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Ceiling:
    """One period of the URSSAF ceiling table (« sans accord collectif » column).

    per_weekly_day_monthly: exempt amount per month per weekly telework day (10 € in 2020).
    per_day: exempt amount per day actually teleworked (2,50 € in 2021), within monthly_cap.
    At least one of the two bases is required; monthly_cap only bounds the per-day basis.
    """

    valid_from: date
    valid_to: date | None
    per_weekly_day_monthly: Decimal | None
    per_day: Decimal | None
    monthly_cap: Decimal | None
    note: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        """Reject rows that cannot be used (French messages, shown to the administrator)."""
        for name in ("valid_from", "valid_to"):
            value = getattr(self, name)
            if value is None and name == "valid_to":
                continue
            # datetime is a subclass of date; a time of day has no meaning here.
            if type(value) is not date:
                raise ValueError(f"Le champ « {name} » doit être une date (reçu : {value!r}).")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(
                f"La date de fin ({_fr_date(self.valid_to)}) précède la date de début "
                f"({_fr_date(self.valid_from)})."
            )
        for name in _AMOUNT_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, Decimal) or not value.is_finite():
                raise ValueError(
                    f"Le montant « {name} » doit être un nombre décimal (reçu : {value!r})."
                )
            if value < 0:
                raise ValueError(f"Le montant « {name} » ne peut pas être négatif ({value}).")
            if value != value.quantize(_CENT):
                raise ValueError(
                    f"Le montant « {name} » doit être exprimé au centime près ({value})."
                )
        if self.per_weekly_day_monthly is None and self.per_day is None:
            raise ValueError(
                "Chaque période doit indiquer au moins un barème : montant mensuel par jour "
                "hebdomadaire (« per_weekly_day_monthly ») ou montant par jour (« per_day »)."
            )
        if not isinstance(self.note, str) or not isinstance(self.source, str):
            raise ValueError("Les champs « note » et « source » doivent être du texte.")

    def covers(self, d: date) -> bool:
        """True when the date falls within this period (both bounds inclusive)."""
        return self.valid_from <= d and (self.valid_to is None or d <= self.valid_to)

    @property
    def period_label(self) -> str:
        """French name of the period: '2025', '2021–2023', 'du 18/12/2019 au 31/12/2020'."""
        start, end = self.valid_from, self.valid_to
        if end is None:
            return f"depuis le {_fr_date(start)}"
        if (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31):
            return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
        return f"du {_fr_date(start)} au {_fr_date(end)}"

    @property
    def label(self) -> str:
        """French one-line summary of the row, e.g. for an admin table or a payslip note."""
        parts = []
        if self.per_weekly_day_monthly is not None:
            parts.append(
                f"{format_euros(self.per_weekly_day_monthly)} par mois et par jour hebdomadaire"
            )
        if self.per_day is not None:
            daily = f"{format_euros(self.per_day)} par jour télétravaillé"
            if self.monthly_cap is not None:
                daily += f" (maximum {format_euros(self.monthly_cap)} par mois)"
            parts.append(daily)
        return f"Plafond URSSAF {self.period_label} : " + " ou ".join(parts)


def _last_day_of_month(year: int, month: int) -> date:
    """Last calendar day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def ceiling_for(when: date | tuple[int, int], ceilings: tuple[Ceiling, ...]) -> Ceiling | None:
    """Ceiling row in force on a date, or for a (year, month); None when no row applies.

    A month is governed by the row in force on its last day: social contributions follow the
    rules in force on the payment date, and the allowance is paid with the month's salary.
    """
    if isinstance(when, tuple):
        if len(when) != 2:
            raise ValueError(f"Mois attendu sous la forme (année, mois) (reçu : {when!r}).")
        year, month = when
        if not isinstance(year, int) or not isinstance(month, int) or not 1 <= month <= 12:
            raise ValueError(f"Mois invalide : {when!r}.")
        when = _last_day_of_month(year, month)
    elif not isinstance(when, date):
        raise ValueError(f"Date ou (année, mois) attendu (reçu : {when!r}).")
    for row in ceilings:
        if row.covers(when):
            return row
    return None


def _check_no_overlap(rows: tuple[Ceiling, ...]) -> None:
    """Raise ValueError when two periods overlap (rows must already be sorted by start)."""
    for previous, current in zip(rows, rows[1:], strict=False):
        if previous.valid_to is None or previous.valid_to >= current.valid_from:
            end = "sans date de fin" if previous.valid_to is None else _fr_date(previous.valid_to)
            raise ValueError(
                f"Les périodes commençant le {_fr_date(previous.valid_from)} ({end}) et le "
                f"{_fr_date(current.valid_from)} se chevauchent."
            )


def _parse_date(value: object, field: str, row: int) -> date | None:
    """ISO date string -> date; None stays None for valid_to only."""
    if value is None and field == "valid_to":
        return None
    if not isinstance(value, str):
        raise ValueError(
            f"Ligne {row} : « {field} » doit être une date AAAA-MM-JJ (reçu : {value!r})."
        )
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        parsed = None
    # fromisoformat also accepts '20250101' and week dates in 3.11; demand the plain form.
    if parsed is None or parsed.isoformat() != value:
        raise ValueError(
            f"Ligne {row} : « {field} » n'est pas une date AAAA-MM-JJ valide ({value!r})."
        )
    return parsed


def _parse_amount(value: object, field: str, row: int) -> Decimal | None:
    """Decimal string or exact JSON number -> Decimal; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f"Ligne {row} : « {field} » doit être un montant (reçu : {value!r}).")
    try:
        amount = Decimal(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(
            f"Ligne {row} : « {field} » n'est pas un montant valide ({value!r})."
        ) from None
    return amount


def parse_ceilings(json_text: str) -> tuple[Ceiling, ...]:
    """Parse and validate a ceiling table (JSON text); rows come back sorted by start date."""
    try:
        # parse_float=Decimal: 10.9 must stay exactly 10.90, never 10.9000000000000003552.
        data = json.loads(json_text, parse_float=Decimal)
    except (json.JSONDecodeError, TypeError) as exc:
        raise ValueError(f"Le tableau des plafonds n'est pas un JSON valide : {exc}.") from None
    if isinstance(data, dict):
        if set(data) != {"ceilings"}:
            raise ValueError(
                "Le JSON doit contenir une seule clé « ceilings » (liste des périodes)."
            )
        data = data["ceilings"]
    if not isinstance(data, list):
        raise ValueError("La liste des plafonds (« ceilings ») doit être une liste de périodes.")
    rows = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"Ligne {number} : chaque période doit être un objet JSON.")
        unknown = sorted(set(item) - set(_FIELDS))
        if unknown:
            raise ValueError(f"Ligne {number} : champ(s) inconnu(s) : {', '.join(unknown)}.")
        if "valid_from" not in item:
            raise ValueError(f"Ligne {number} : la date de début « valid_from » est obligatoire.")
        try:
            rows.append(
                Ceiling(
                    valid_from=_parse_date(item.get("valid_from"), "valid_from", number),
                    valid_to=_parse_date(item.get("valid_to"), "valid_to", number),
                    per_weekly_day_monthly=_parse_amount(
                        item.get("per_weekly_day_monthly"), "per_weekly_day_monthly", number
                    ),
                    per_day=_parse_amount(item.get("per_day"), "per_day", number),
                    monthly_cap=_parse_amount(item.get("monthly_cap"), "monthly_cap", number),
                    note=item.get("note") or "",
                    source=item.get("source") or "",
                )
            )
        except ValueError as exc:
            message = str(exc)
            raise ValueError(
                message if message.startswith("Ligne") else f"Ligne {number} : {message}"
            ) from None
    ordered = tuple(sorted(rows, key=lambda r: r.valid_from))
    _check_no_overlap(ordered)
    return ordered


def dump_ceilings(ceilings: tuple[Ceiling, ...]) -> str:
    """Serialise a ceiling table to the JSON text parse_ceilings reads (validated first)."""
    ordered = tuple(sorted(ceilings, key=lambda r: r.valid_from))
    _check_no_overlap(ordered)

    def amount(value: Decimal | None) -> str | None:
        """Amount as a two-decimal string (never a float in the JSON)."""
        return None if value is None else str(value.quantize(_CENT))

    payload = {
        "ceilings": [
            {
                "valid_from": row.valid_from.isoformat(),
                "valid_to": None if row.valid_to is None else row.valid_to.isoformat(),
                "per_weekly_day_monthly": amount(row.per_weekly_day_monthly),
                "per_day": amount(row.per_day),
                "monthly_cap": amount(row.monthly_cap),
                "note": row.note,
                "source": row.source,
            }
            for row in ordered
        ]
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


@lru_cache(maxsize=1)
def load_default_ceilings() -> tuple[Ceiling, ...]:
    """The ceiling table shipped with the app (hrtele/data/urssaf_ceilings.json)."""
    return parse_ceilings(DEFAULT_CEILINGS_PATH.read_text(encoding="utf-8"))
