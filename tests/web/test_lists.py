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
    make_request,
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


def _listed(client, url: str, names: tuple[str, ...]) -> list[str]:
    """Names found in the table body, in their order on the page."""
    response = client.get(url)
    assert response.status_code == 200, url
    rows = body_rows(response.get_data(as_text=True))
    found = [(rows.index(n), n) for n in names if n in rows]
    return [n for _i, n in sorted(found)]


def test_requests_sort_filter_and_export(app, hr_client, staff):
    with app.app_context():
        make_request(employee_id=staff["zoe"], request_date=date(2026, 8, 3),
                     wished_pattern="00000000110000", status="refused",
                     decision_date=date(2026, 8, 20))
    names = ("Ana", "Zoé", "Carl")
    assert _listed(hr_client, "/demandes/?sort=employee&dir=desc", names) == ["Zoé", "Carl", "Ana"]
    assert _listed(hr_client, "/demandes/?status=refused", names) == ["Zoé"]
    # Pending requests: the oldest first unless another order is asked for.
    with app.app_context():
        make_request(employee_id=staff["carl"], request_date=date(2026, 7, 1))
        make_request(employee_id=staff["ana"], request_date=date(2026, 9, 5))
    assert _listed(hr_client, "/demandes/?status=pending", names) == ["Carl", "Ana"]
    assert _listed(hr_client, "/demandes/?status=pending&sort=date&dir=desc", names) == [
        "Ana", "Carl"]
    assert _listed(hr_client, "/demandes/?department=Finances&sort=employee", names) == [
        "Ana", "Carl"]
    assert _listed(hr_client, "/demandes/?day=4", names) == ["Zoé"]
    assert _listed(hr_client, f"/demandes/?manager={staff['boss']}&sort=employee",
                   names) == ["Ana", "Zoé"]
    assert _listed(hr_client, "/demandes/?du=01/08/2026&au=31/08/2026", names) == ["Zoé"]
    rows = read_csv(hr_client.get("/demandes/export.csv?status=refused"))
    assert len(rows) == 2
    assert column(rows, "Salarié") == ["Zoé ZOLA"]
    assert column(rows, "Statut") == ["Refusée"]
    assert column(rows, "Date de la demande") == ["03/08/2026"]
    assert column(rows, "Délai (jours)") == ["17"]
    rows = read_xlsx(hr_client.get("/demandes/export.xlsx?sort=employee&dir=asc"))
    assert column(rows, "Salarié")[0] == "Ana ABEL"


def test_employees_sort_filter_and_export(hr_client, staff):
    names = ("Ana", "Zoé", "Carl", "Claire")
    assert _listed(hr_client, "/salaries/?sort=name&dir=desc", names) == [
        "Zoé", "Claire", "Carl", "Ana"]
    assert _listed(hr_client, "/salaries/?department=Juridique", names) == ["Claire", "Zoé"]
    assert _listed(hr_client, f"/salaries/?manager={staff['boss']}", names) == ["Ana", "Zoé"]
    assert _listed(hr_client, "/salaries/?sort=department&dir=asc", names)[:2] == ["Ana", "Carl"]
    rows = read_csv(hr_client.get("/salaries/export.csv?department=Finances"))
    assert column(rows, "Nom") == ["ABEL Ana", "CARRE Carl"]
    assert column(rows, "Matricule")[0] == "'=1+1"
    assert column(rows, "Présent") == ["Oui", "Oui"]
    assert column(rows, "Date d'embauche") == ["06/01/2020", "06/01/2020"]
    rows = read_xlsx(hr_client.get("/salaries/export.xlsx?department=Finances"))
    assert column(rows, "Manager") == ["Claire MARTIN", None]


def test_posts_sort_filter_and_export(app, hr_client, staff):
    with app.app_context():
        make_post(code="ZZ-1", title="Agent d'accueil", department="Accueil", is_eligible=False,
                  eligibility_reason="Présence physique requise")
    names = ("Comptable", "Juriste", "Agent d&#39;accueil")
    assert _listed(hr_client, "/postes/?sort=title", names) == [
        "Agent d&#39;accueil", "Comptable", "Juriste"]
    assert _listed(hr_client, "/postes/?eligible=0", names) == ["Agent d&#39;accueil"]
    assert _listed(hr_client, "/postes/?department=Juridique", names) == ["Juriste"]
    rows = read_csv(hr_client.get("/postes/export.csv?eligible=0"))
    assert column(rows, "Intitulé") == ["Agent d'accueil"]
    assert column(rows, "Télétravaillable") == ["Non"]
    assert column(rows, "Motif d'inéligibilité") == ["Présence physique requise"]
    rows = read_xlsx(hr_client.get("/postes/export.xlsx?sort=code&dir=desc"))
    assert column(rows, "Code")[0] == "ZZ-1"


def test_places_sort_filter_and_export(app, hr_client, staff):
    with app.app_context():
        make_place(kind="third_place", third_place_type="coworking", name="Alpha Cowork",
                   address="2 rue Haute", capacity=12)
    assert _listed(hr_client, "/lieux/?kind=third_place&sort=name&dir=desc",
                   ("Cap Delta", "Alpha Cowork")) == ["Cap Delta", "Alpha Cowork"]
    assert _listed(hr_client, "/lieux/?third_place_type=coworking",
                   ("Cap Delta", "Alpha Cowork")) == ["Alpha Cowork"]
    rows = read_csv(hr_client.get("/lieux/export.csv?kind=third_place&sort=capacity&dir=desc"))
    assert column(rows, "Nom") == ["Alpha Cowork", "Cap Delta"]
    assert column(rows, "Capacité") == ["12", ""]
    assert column(rows, "Type")[0] == "Tiers-lieu — Espace de coworking"
    rows = read_xlsx(hr_client.get("/lieux/export.xlsx?department=Finances"))
    assert column(rows, "Salarié") == ["Ana ABEL", "Carl CARRE"] or sorted(
        column(rows, "Salarié")) == ["Ana ABEL", "Carl CARRE"]


def _document(app, employee_id, reference, kind, issued, superseded=False, version=1):
    import hashlib

    from hrtele.models import IssuedDocument

    with app.app_context():
        pdf = f"%PDF-1.7 {reference}".encode()
        db.session.add(IssuedDocument(
            reference=reference, kind=kind, version=version, employee_id=employee_id, pdf_bytes=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf), snapshot_json="{}",
            template_version="test", issued_dt=issued, is_superseded=superseded))
        db.session.commit()


def test_documents_list_sort_filter_and_export(app, hr_client, staff):
    from datetime import UTC, datetime

    _document(app, staff["ana"], "AV-ANA-1", "amendment", datetime(2026, 9, 1, 8, tzinfo=UTC), True)
    _document(app, staff["zoe"], "REF-ZOE-1", "refusal_letter", datetime(2026, 9, 30, 22, 30,
                                                                          tzinfo=UTC))
    refs = ("AV-ANA-1", "REF-ZOE-1")
    assert _listed(hr_client, "/documents/", refs) == ["REF-ZOE-1", "AV-ANA-1"]  # newest first
    assert _listed(hr_client, "/documents/?sort=issued&dir=asc", refs) == ["AV-ANA-1", "REF-ZOE-1"]
    assert _listed(hr_client, "/documents/?kind=refusal_letter", refs) == ["REF-ZOE-1"]
    assert _listed(hr_client, "/documents/?superseded=0", refs) == ["REF-ZOE-1"]
    assert _listed(hr_client, "/documents/?department=Finances", refs) == ["AV-ANA-1"]
    # 22:30 UTC on 30 September is 1 October in Paris.
    assert _listed(hr_client, "/documents/?du=01/10/2026", refs) == ["REF-ZOE-1"]
    assert _listed(hr_client, "/documents/?au=30/09/2026", refs) == ["AV-ANA-1"]
    rows = read_csv(hr_client.get("/documents/export.csv?sort=reference"))
    assert column(rows, "Référence") == ["AV-ANA-1", "REF-ZOE-1"]
    assert column(rows, "Émis le") == ["01/09/2026 10:00", "01/10/2026 00:30"]
    assert column(rows, "Remplacé") == ["Oui", "Non"]
    rows = read_xlsx(hr_client.get("/documents/export.xlsx?kind=amendment"))
    assert column(rows, "Document") == ["Avenant de télétravail"]


def test_audit_trail_sorts_and_exports_with_its_filters(app, hr_client, staff):
    hr_client.get("/accords/export.csv?department=Finances")
    page = hr_client.get("/journal/?action=export&sort=actor&dir=asc").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page
    assert 'href="/journal/export.csv?action=export&amp;sort=actor&amp;dir=asc"' in page
    rows = read_csv(hr_client.get("/journal/export.csv?action=export"))
    assert column(rows, "Action") == ["Export"]
    assert column(rows, "Enregistrement") == ["Liste (export)"]
    assert "liste : accords" in column(rows, "Détail")[0]
    assert column(rows, "Auteur") == ["rh@example.test"]
    # The trail's own validation still applies to its export: a French 422, no file.
    response = hr_client.get("/journal/export.csv?du=31/02/2026")
    assert response.status_code == 422 and "Date impossible" in response.get_data(as_text=True)


def test_every_list_page_has_sortable_headings_filters_and_export_buttons(hr_client, staff):
    for url, export in (("/accords/", "/accords/export"), ("/demandes/", "/demandes/export"),
                        ("/salaries/", "/salaries/export"), ("/postes/", "/postes/export"),
                        ("/lieux/", "/lieux/export"), ("/documents/", "/documents/export"),
                        ("/journal/", "/journal/export")):
        page = hr_client.get(url).get_data(as_text=True)
        assert 'class="sort"' in page and "aria-sort=" in page, url
        assert f'href="{export}.csv"' in page and f'href="{export}.xlsx"' in page, url
        assert 'role="search"' in page or 'method="get"' in page, url


def test_campaign_on_these_agreements_keeps_every_filter_of_the_list(app, hr_client, staff):
    page = hr_client.get("/accords/?department=Finances&day=0&sort=employee").get_data(
        as_text=True)
    assert 'href="/campagnes/nouvelle?department=Finances&amp;day=0"' in page
    form = hr_client.get("/campagnes/nouvelle?department=Finances&day=0").get_data(as_text=True)
    assert '<input type="hidden" name="department" value="Finances">' in form
    assert "service « Finances », jour télétravaillé « Lundi »" in form
    response = hr_client.post("/campagnes/nouvelle", data={
        "kind": "amendment", "scope": "filters", "status": "", "q": "",
        "department": "Finances", "day": "0"})
    assert response.status_code == 302
    with app.app_context():
        campaign = db.session.scalars(db.select(Campaign)).one()
        assert campaign.source == ("Filtres de la liste des accords : service « Finances », "
                                   "jour télétravaillé « Lundi »")
        from hrtele.models import CampaignItem

        items = db.session.scalars(db.select(CampaignItem.agreement_id)).all()
        assert items == [staff["a1"]]


@pytest.mark.parametrize("app_config", [{"PAGE_SIZE": 1}])
def test_pagination_of_a_list_with_url_values(app, hr_client, staff):
    """The employee's documents page has an id in its path: its page links keep it."""
    from datetime import UTC, datetime

    for n in (1, 2):
        _document(app, staff["ana"], f"AV-PAGE-{n}", "amendment",
                  datetime(2026, 9, n, 8, tzinfo=UTC), superseded=n == 1, version=n)
    page = hr_client.get(f"/documents/salaries/{staff['ana']}")
    assert page.status_code == 200
    assert f'href="/documents/salaries/{staff["ana"]}?page=2"' in page.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"EXPORT_MAX_ROWS": 2}])
def test_an_export_larger_than_the_limit_is_refused_not_truncated(hr_client, staff):
    response = hr_client.get("/accords/export.csv")
    assert response.status_code == 422
    assert "filtrez-la avant de l" in response.get_data(as_text=True)
    rows = read_csv(hr_client.get("/accords/export.csv?department=Finances"))
    assert len(rows) == 3
