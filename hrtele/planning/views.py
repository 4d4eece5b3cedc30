"""How a planning cell reads (grid, CSV, PDF): short code, full French label, CSS class."""

from __future__ import annotations

import csv
import io
from datetime import date

from hrtele.domain import planning as dp
from hrtele.planning.services import Grid

WEEKDAYS_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
HALF_SHORT = {"am": "matin", "pm": "après-midi"}
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_label(cell: dp.Cell, places: dict[int, tuple[str, str]]) -> str:
    """Full French text of a cell: « Sur site », « Télétravail — Domicile », « Télétravail —
    Télécentre Cap Delta », « Absent », « Jour férié », « Non travaillé »."""
    if cell.kind == dp.TELEWORK:
        kind, name = places.get(cell.place_id, ("home", "Domicile")) if cell.place_id else (
            "home", "Domicile")
        text = f"Télétravail — {'Domicile' if kind == 'home' else name}"
    else:
        text = {dp.OFFICE: "Sur site", dp.ABSENT: "Absent", dp.HOLIDAY: "Jour férié",
                dp.OFF: "Non travaillé"}[cell.kind]
    return text + (" (changement ponctuel)" if cell.changed else "")


def cell_code(cell: dp.Cell, places: dict[int, tuple[str, str]]) -> str:
    """Short code shown in the grid: S site, D domicile, T tiers-lieu, A absent, F férié."""
    if cell.kind == dp.TELEWORK:
        kind = places.get(cell.place_id, ("home", ""))[0] if cell.place_id else "home"
        return "D" if kind == "home" else "T"
    return {dp.OFFICE: "S", dp.ABSENT: "A", dp.HOLIDAY: "F", dp.OFF: "·"}[cell.kind]


def cell_class(cell: dp.Cell, places: dict[int, tuple[str, str]]) -> str:
    """CSS class of a cell."""
    if cell.kind == dp.TELEWORK:
        kind = places.get(cell.place_id, ("home", ""))[0] if cell.place_id else "home"
        base = "c-home" if kind == "home" else "c-third"
    else:
        base = f"c-{cell.kind}"
    return base + (" c-changed" if cell.changed else "")


def day_label(d: date) -> str:
    """« lun. 05/10 »."""
    return f"{WEEKDAYS_SHORT[d.weekday()]} {d:%d/%m}"


def range_title(days: list[date], month_view: bool) -> str:
    """« Semaine du 05/10/2026 au 11/10/2026 » or « octobre 2026 »."""
    if month_view:
        return f"{MONTHS_FR[days[0].month - 1]} {days[0].year}"
    return f"Semaine du {days[0]:%d/%m/%Y} au {days[-1]:%d/%m/%Y}"


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def grid_csv(grid: Grid) -> bytes:
    """The grid as CSV for spreadsheets: UTF-8 with BOM, ';', one column per half-day."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Matricule", "Nom", "Service", "Équipe",
                     *[f"{day_label(d)} {HALF_SHORT[h]}" for d, h in grid.keys]])
    for row in grid.rows:
        writer.writerow([_text(row.personnel_number), _text(row.name), _text(row.department),
                         _text(row.team_name),
                         *[cell_label(row.cells[k], grid.places) for k in grid.keys]])
    writer.writerow(["", "Sur site (effectif)", "", "",
                     *[str(grid.counts.get(k, dp.HalfDayCount()).on_site) for k in grid.keys]])
    writer.writerow(["", "En télétravail (effectif)", "", "",
                     *[str(grid.counts.get(k, dp.HalfDayCount()).telework) for k in grid.keys]])
    return out.getvalue().encode("utf-8-sig")
