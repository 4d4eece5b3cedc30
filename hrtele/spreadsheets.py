"""Spreadsheet files as French HR and payroll tools read them: CSV and XLSX.

CSV follows the payroll export's convention (UTF-8 with BOM so Excel detects the encoding,
';' as separator because ',' is the decimal mark, CRLF line ends, dates dd/mm/yyyy, decimal
commas). Text cells starting with a formula character get a leading apostrophe (CSV formula
injection, OWASP); in XLSX, text is always written as a text cell, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | float | date | datetime | bool | None


def neutralise(value: str) -> str:
    """Neutralise a spreadsheet formula in a text cell (leading apostrophe)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unneutralise(value: str) -> str:
    """Undo ``neutralise``: drop the apostrophe that neutralised a formula."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def paris_time(value: datetime) -> datetime:
    """A stored timestamp in Paris time (naive values are UTC: SQLite drops the zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo("Europe/Paris"))


def decimal_fr(value: Decimal | float | int) -> str:
    """12.5 -> '12,5' (no thousands separator: spreadsheets and payroll tools parse it)."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral_value() else format(
            value, "f").rstrip("0")
    else:
        text = str(value)
    return text.replace(".", ",")


def csv_cell(value: Cell) -> str:
    """One value as French CSV text: dd/mm/yyyy dates, decimal commas, Oui/Non, safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime):
        return paris_time(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        return decimal_fr(value)
    return neutralise(str(value))


def french_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """Rows of ready-made text cells as French CSV bytes (BOM, ';', CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """Typed rows as French CSV bytes, each value formatted by ``csv_cell``."""
    return french_csv(header, ([csv_cell(v) for v in row] for row in rows))


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]], title: str) -> bytes:
    """Typed rows as an XLSX workbook of one sheet: real dates and numbers, text never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    bold = Font(bold=True)
    heading = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.data_type = "s"
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value: Cell):
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, bool):
        value = "Oui" if value else "Non"
    if isinstance(value, datetime):
        # Excel has no time zones: naive Paris wall-clock time, as the screens show it.
        cell = WriteOnlyCell(sheet, value=paris_time(value).replace(tzinfo=None))
        cell.number_format = "DD/MM/YYYY HH:MM"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if isinstance(value, int | Decimal | float):
        return WriteOnlyCell(sheet, value=value)
    # Text cells never become formulas, whatever they start with (openpyxl reads '=' as one).
    cell = WriteOnlyCell(sheet, value=_clean_text(str(value)))
    cell.data_type = "s"
    return cell


def _clean_text(text: str) -> str:
    """Text without the control characters XLSX (XML 1.0) cannot hold."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def _sheet_title(title: str) -> str:
    """A valid sheet name: 31 characters at most, none of []:*?/\\."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return (cleaned or "Liste")[:31]
