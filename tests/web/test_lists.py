"""Lists (issue 13 item 4): sort by column, filters, state kept in the URL, CSV and XLSX exports
of the filtered and sorted list, access rules of the exports, selection of agreements."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from hrtele.extensions import db
from hrtele.models import Campaign
from tests.conftest import login
from tests.factories import (
    make_agreement,
    make_employee,
    make_place,
    make_post,
    make_user,
)


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    assert b"\r\n" in response.data
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[list]:
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def column(rows: list[list], heading: str) -> list:
    index = rows[0].index(heading)
    return [row[index] for row in rows[1:]]


def body_rows(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


@pytest.fixture
def staff(app):
    """Two departments, a manager, three agreements and requests with distinct values."""
    with app.app_context():
        finance = make_post(department="Finances", title="Comptable")
        legal = make_post(department="Juridique", title="Juriste")
        boss = make_employee(last_name="Martin", first_name="Claire", post_id=legal.id)
        ana = make_employee(last_name="Abel", first_name="Ana", post_id=finance.id,
                            manager_id=boss.id, personnel_number="=1+1")
        zoe = make_employee(last_name="Zola", first_name="Zoé", post_id=legal.id,
                            manager_id=boss.id)
        carl = make_employee(last_name="Carre", first_name="Carl", post_id=finance.id)
        hub = make_place(kind="third_place", name="Cap Delta", address="1 rue du Port")
        a1 = make_agreement(employee_id=ana.id, start_date=date(2026, 10, 1),
                            weekly_pattern="11000000000000", days_per_week=Decimal("1"))
        a2 = make_agreement(employee_id=zoe.id, start_date=date(2026, 11, 2), status="active",
                            place_id=hub.id, weekly_pattern="00000000110000",
                            days_per_week=Decimal("1"))
        a3 = make_agreement(employee_id=carl.id, start_date=date(2027, 1, 4),
                            weekly_pattern="00110000000000", days_per_week=Decimal("1.5"))
        make_user("salarie@example.test", role="employee", employee_id=ana.id)
        return {"ana": ana.id, "zoe": zoe.id, "carl": carl.id, "boss": boss.id, "hub": hub.id,
                "a1": a1.id, "a2": a2.id, "a3": a3.id}


def test_agreements_sort_by_a_column_both_ways(hr_client, staff):
    page = hr_client.get("/accords/?sort=employee&dir=asc").get_data(as_text=True)
    rows = body_rows(page)
    assert rows.index("Ana") < rows.index("Carl") < rows.index("Zoé")
    assert re.search(r'<th scope="col" aria-sort="ascending">\s*<a class="sort"[^>]*>Salarié', page)
    page = hr_client.get("/accords/?sort=employee&dir=desc").get_data(as_text=True)
    rows = body_rows(page)
    assert rows.index("Zoé") < rows.index("Carl") < rows.index("Ana")
    # The heading link flips the direction and keeps the filters.
    page = hr_client.get("/accords/?sort=employee&dir=asc&department=Finances").get_data(
        as_text=True)
    assert 'href="/accords/?department=Finances&amp;sort=employee&amp;dir=desc"' in page


def test_agreements_filters(hr_client, staff):
    def listed(query):
        response = hr_client.get("/accords/?" + query)
        assert response.status_code == 200, query
        rows = body_rows(response.get_data(as_text=True))
        return {name for name in ("Ana", "Zoé", "Carl") if name in rows}

    assert listed("department=Finances") == {"Ana", "Carl"}
    assert listed("status=active") == {"Zoé"}
    assert listed(f"place={staff['hub']}") == {"Zoé"}
    assert listed("place=home") == {"Ana", "Carl"}
    assert listed("day=0") == {"Ana"}  # Monday
    assert listed("day=4") == {"Zoé"}  # Friday
    assert listed(f"manager={staff['boss']}") == {"Ana", "Zoé"}
    assert listed("du=01/11/2026") == {"Zoé", "Carl"}
    assert listed("du=2026-11-01&au=31/12/2026") == {"Zoé"}
    assert listed("department=Finances&day=1") == {"Carl"}


@pytest.mark.parametrize("query", [
    "sort=nope", "sort=schedule", "dir=sideways", "sort=employee&dir=%00",
    "department=Inconnu", "status=x", "place=999999999999", "place=-1", "day=9", "manager=abc",
    "du=31/02/2026", "au=x" * 300, "page=0", "page=99999999", "q=" + "%" * 200,
])
def test_agreements_hostile_query_strings_never_fail(hr_client, staff, query):
    # 400: a NUL byte is refused by the app before any view (input hardening).
    expected = (400,) if "%00" in query else (200,)
    assert hr_client.get("/accords/?" + query).status_code in expected
    for fmt in ("csv", "xlsx"):
        expected = (400,) if "%00" in query else (200,)
        assert hr_client.get(f"/accords/export.{fmt}?" + query).status_code in expected


def test_bad_filter_value_is_ignored_with_a_french_message(hr_client, staff):
    response = hr_client.get("/accords/?department=Inconnu&du=31/02/2026")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Filtre « Service » ignoré : valeur inconnue." in page
    assert "Filtre « Début du » ignoré : date invalide (jj/mm/aaaa)." in page
    assert {"Ana", "Zoé", "Carl"} <= {n for n in ("Ana", "Zoé", "Carl") if n in body_rows(page)}


def test_pagination_links_keep_sort_and_filters(app, hr_client, staff):
    app.config["PAGE_SIZE"] = 1
    page = hr_client.get("/accords/?sort=employee&dir=asc&department=Finances").get_data(
        as_text=True)
    assert "Page 1 sur 2" in page
    assert 'href="/accords/?department=Finances&amp;sort=employee&amp;dir=asc&amp;page=2"' in page
    page = hr_client.get("/accords/?department=Finances&sort=employee&dir=asc&page=2").get_data(
        as_text=True)
    assert "Carl" in body_rows(page) and "Ana" not in body_rows(page)
    # The export buttons carry the same state (no page: the export holds every row).
    assert 'href="/accords/export.csv?department=Finances&amp;sort=employee&amp;dir=asc"' in page


def test_agreements_csv_export_is_filtered_sorted_and_french(hr_client, staff):
    rows = read_csv(hr_client.get("/accords/export.csv?sort=days&dir=desc&department=Finances"))
    assert rows[0][:3] == ["N°", "Salarié", "Matricule"]
    assert "Service" in rows[0] and "Manager" in rows[0]
    assert column(rows, "Salarié") == ["Carl CARRE", "Ana ABEL"]
    assert column(rows, "Jours / sem.") == ["1,5", "1"]  # decimal comma
    assert column(rows, "Début") == ["04/01/2027", "01/10/2026"]
    assert column(rows, "Matricule")[1] == "'=1+1"  # formula neutralised
    assert column(rows, "Service") == ["Finances", "Finances"]
    assert column(rows, "Manager") == ["", "Claire MARTIN"]


def test_agreements_xlsx_export_has_real_dates_numbers_and_no_formula(hr_client, staff):
    response = hr_client.get("/accords/export.xlsx?sort=start&dir=asc")
    assert 'filename="accords-' in response.headers["Content-Disposition"]
    rows = read_xlsx(response)
    assert column(rows, "Salarié") == ["Ana ABEL", "Zoé ZOLA", "Carl CARRE"]
    assert column(rows, "Début")[0].date() == date(2026, 10, 1)
    assert column(rows, "Jours / sem.")[2] == 1.5
    assert column(rows, "Matricule")[0] == "=1+1"
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_selection_of_agreements_starts_a_campaign(app, hr_client, staff):
    page = hr_client.get("/accords/").get_data(as_text=True)
    assert 'data-select-all="agreement_id"' in page
    assert f'name="agreement_id" value="{staff["a1"]}"' in page
    assert 'action="/campagnes/nouvelle"' in page and 'name="scope" value="selection"' in page
    response = hr_client.post("/campagnes/nouvelle", data={
        "scope": "selection", "kind": "amendment",
        "agreement_id": [str(staff["a1"]), str(staff["a3"])]})
    assert response.status_code == 302
    with app.app_context():
        campaign = db.session.scalars(db.select(Campaign)).one()
        assert campaign.source == "Sélection de la liste des accords (2)"


@pytest.mark.parametrize("url", [
    "/accords/export.csv", "/accords/export.xlsx", "/demandes/export.csv",
    "/salaries/export.xlsx", "/postes/export.csv", "/lieux/export.csv",
    "/documents/export.csv", "/journal/export.xlsx",
])
def test_an_employee_cannot_export(app, client, staff, url):
    assert login(client, "salarie@example.test").status_code == 302
    assert client.get(url).status_code in (403, 404)
    anonymous = app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
