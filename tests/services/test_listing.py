"""The generic list description (hrtele.web.listing) and the spreadsheet writers
(hrtele.spreadsheets): query-string reading, SQL ordering, CSV and XLSX cells."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from hrtele import spreadsheets
from hrtele.models import Employee
from hrtele.web.listing import Column, Filter, ListSpec

SPEC = ListSpec(
    name="essai",
    title="Essai",
    columns=(
        Column("name", "Nom", (Employee.last_name, Employee.first_name), lambda e: e.last_name),
        Column("hired", "Embauche", Employee.hire_date, lambda e: e.hire_date),
        Column("note", "Note", None, lambda e: "x"),
        Column("hidden", "Caché", Employee.email, None, shown=False),
    ),
    filters=(
        Filter("active", "Effectifs", lambda stmt, v: stmt.where(Employee.is_active.is_(v == "1")),
               choices=lambda: [("1", "Présents"), ("0", "Sortis")]),
        Filter("du", "Embauche du", lambda stmt, v: stmt.where(Employee.hire_date >= v),
               kind="date"),
    ),
    default_sort="name",
    tiebreak=Employee.id,
)


def sql(stmt) -> str:
    return str(stmt.compile(compile_kwargs={"literal_binds": True})).replace("\n", " ")


@pytest.mark.parametrize(("args", "sort", "descending"), [
    ({}, "name", False),
    ({"sort": "hired"}, "hired", False),
    ({"sort": "hired", "dir": "desc"}, "hired", True),
    ({"sort": "hired", "dir": "sideways"}, "hired", False),
    ({"sort": "note", "dir": "desc"}, "name", False),  # not sortable: default order
    ({"sort": "nope", "dir": "desc"}, "name", False),  # unknown: default order
    ({"sort": "x" * 5000}, "name", False),
])
def test_sort_is_read_from_the_query_string(args, sort, descending):
    state = SPEC.read(args)
    assert (state.sort, state.descending) == (sort, descending)
    assert state.errors == []


@pytest.mark.parametrize(("args", "values", "errors"), [
    ({"active": "1"}, {"active": "1"}, []),
    ({"active": " 0 "}, {"active": "0"}, []),
    ({"active": "2"}, {}, ["Filtre « Effectifs » ignoré : valeur inconnue."]),
    ({"du": "04/01/2027"}, {"du": date(2027, 1, 4)}, []),
    ({"du": "2027-01-04"}, {"du": date(2027, 1, 4)}, []),
    ({"du": "31/02/2026"}, {}, ["Filtre « Embauche du » ignoré : date invalide (jj/mm/aaaa)."]),
    ({"du": "a" * 300}, {}, ["Filtre « Embauche du » ignoré : valeur trop longue."]),
    ({"active": ""}, {}, []),
])
def test_filters_are_validated_with_french_messages(args, values, errors):
    state = SPEC.read(args)
    assert state.values == values
    assert state.errors == errors


def test_state_round_trips_through_the_url():
    state = SPEC.read({"active": "1", "du": "bad", "q": " dupont ", "sort": "hired", "dir": "desc"})
    assert state.args() == {"active": "1", "q": "dupont", "sort": "hired", "dir": "desc"}
    assert state.args(page=3)["page"] == 3
    # Heading links: the sorted column flips, another column starts ascending; no page.
    assert state.sort_args("hired") == {"active": "1", "q": "dupont", "sort": "hired",
                                        "dir": "asc"}
    assert state.sort_args("name")["dir"] == "asc"
    assert state.aria_sort("hired") == "descending" and state.aria_sort("name") is None
    assert SPEC.read(state.args()).args() == state.args()
    # The default order is not written in the URL.
    assert "sort" not in SPEC.read({}).args()
    assert SPEC.read({}).aria_sort("name") == "ascending"


def test_apply_filters_and_orders_with_nulls_last_and_a_tiebreak():
    state = SPEC.read({"active": "0", "du": "01/01/2020", "sort": "hired", "dir": "desc"})
    text = sql(SPEC.apply(select(Employee).order_by(Employee.email), state))
    assert "employees.is_active IS 0" in text or "employees.is_active IS false" in text
    assert "employees.hire_date >= '2020-01-01'" in text
    order = text.split("ORDER BY", 1)[1]
    assert "email" not in order  # the statement's own order is replaced
    assert order.index("hire_date IS NULL") < order.index("hire_date DESC") < order.index(
        "employees.id DESC")


def test_shown_and_exported_columns():
    assert [c.key for c in SPEC.shown] == ["name", "hired", "note"]
    assert [c.key for c in SPEC.exported] == ["name", "hired", "note"]


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (True, "Oui"), (False, "Non"), (12, "12"), (Decimal("1.50"), "1,5"),
    (Decimal("2"), "2"), (Decimal("1234.25"), "1234,25"), (date(2027, 1, 4), "04/01/2027"),
    (datetime(2026, 7, 1, 8, 30, tzinfo=UTC), "01/07/2026 10:30"),  # Paris time
    ("Dupont", "Dupont"), ("=SUM(A1)", "'=SUM(A1)"), ("+33 6", "'+33 6"), ("-1", "'-1"),
    ("@x", "'@x"), ("\tx", "'\tx"),
])
def test_csv_cells_follow_the_french_convention(value, text):
    assert spreadsheets.csv_cell(value) == text


def test_csv_bytes_have_bom_semicolons_and_crlf():
    data = spreadsheets.csv_bytes(["Nom", "Montant"], [["A;B", Decimal("3.5")], ["=1", None]])
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Nom", "Montant"], ["A;B", "3,5"], ["'=1", ""]]
    assert spreadsheets.unneutralise("'=1") == "=1" and spreadsheets.unneutralise("'a") == "'a"


def test_xlsx_keeps_types_and_never_writes_a_formula():
    data = spreadsheets.xlsx_bytes(
        ["Nom", "Jours", "Début", "Horodatage", "Actif"],
        [["=HYPERLINK(\"http://x\")", Decimal("1.5"), date(2027, 1, 4),
          datetime(2026, 7, 1, 8, 30, tzinfo=UTC), True],
         ["a\x00b", 2, None, None, False]],
        title="Liste: [essai]/*?",
    )
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "Liste- -essai----"
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Nom", "Jours", "Début", "Horodatage", "Actif"]
    assert rows[1][0] == "=HYPERLINK(\"http://x\")" and sheet["A2"].data_type == "s"
    assert rows[1][1] == 1.5 and rows[1][2] == datetime(2027, 1, 4)
    assert rows[1][3] == datetime(2026, 7, 1, 10, 30) and rows[1][4] == "Oui"
    assert rows[2][:3] == ["ab", 2, None]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_payroll_export_keeps_its_bytes():
    """The payroll CSV now uses the shared writer: same bytes as the hand-written one."""
    from hrtele.allowances import services

    rows = [("'=1", "Durand", "Ana", "ACC-1", "2026-10", "8,5", "Forfait", "20,00", "20,00",
             "0,00")]
    expected = ";".join(services.CSV_HEADER) + "\r\n" + ";".join(rows[0]) + "\r\n"
    assert spreadsheets.french_csv(services.CSV_HEADER, rows) == expected.encode("utf-8-sig")
