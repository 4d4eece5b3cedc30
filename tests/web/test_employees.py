"""Employee screens: valid data, each kind of bad input (nothing changes), concurrency, lists."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from flask import url_for
from sqlalchemy import event, func, select

from hrtele.extensions import db
from hrtele.models import AuditEntry, Employee
from tests.factories import (
    TEST_PASSWORD,
    make_agreement,
    make_category,
    make_employee,
    make_post,
    make_request,
    make_user,
    page_text,
)

VALID = {
    "personnel_number": "RH-0042",
    "civility": "Mme",
    "first_name": "Élodie",
    "last_name": "Martin-Dupré",
    "email": "elodie.martin@example.test",
    "post_id": "0",
    "category_id": "0",
    "hire_date": "06/01/2020",
    "contract_date": "02/01/2020",
    "working_time_rate": "80",
    "home_address": "3 rue des Lilas\n09000 Foix",
    "commute_km": "12,5",
    "commute_mode": "train",
    "manager_id": "0",
    "is_active": "y",
}


def count_employees(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Employee.id)))


def snapshot(app, employee_id: int) -> tuple:
    with app.app_context():
        e = db.session.get(Employee, employee_id)
        return (e.personnel_number, e.first_name, e.last_name, e.email, e.working_time_rate,
                e.commute_km, e.manager_id, e.version)


def test_create_employee_with_valid_data(app, hr_client):
    with app.app_context():
        post_id = make_post(title="Comptable").id
    response = hr_client.post("/salaries/nouveau", data=dict(VALID, post_id=str(post_id)))
    assert response.status_code == 302
    with app.app_context():
        e = db.session.scalar(select(Employee).where(Employee.personnel_number == "RH-0042"))
        assert e.first_name == "Élodie" and e.last_name == "Martin-Dupré"
        assert e.hire_date == date(2020, 1, 6) and e.contract_date == date(2020, 1, 2)
        assert e.commute_km == Decimal("12.5") and e.commute_mode == "train"
        assert e.working_time_rate == 80 and e.post_id == post_id and e.is_active
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "employees"))
        assert entry.action == "create" and entry.object_id == e.id
    page = page_text(hr_client.get(response.headers["Location"]))
    assert "06/01/2020" in page and "12,5 km" in page and "télétravaillable" in page


def test_decomposed_accents_are_normalised(app, hr_client):
    data = dict(VALID, first_name="E\u0301lodie")
    assert hr_client.post("/salaries/nouveau", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Employee.first_name)) == "Élodie"


BAD_INPUT = [
        ("personnel_number", "", "Le matricule est obligatoire."),
        ("personnel_number", "a b<script>", "Lettres, chiffres"),
        ("personnel_number", "X" * 31, "30 caractères au plus."),
        ("first_name", "", "Le prénom est obligatoire."),
        ("first_name", "<script>alert(1)</script>", "pas de chiffres ni de balises HTML"),
        ("last_name", '"><img src=x onerror=alert(1)>', "pas de chiffres ni de balises HTML"),
        ("last_name", "{{7*7}}", "pas de chiffres ni de balises HTML"),
        ("last_name", "Dupont\u202e", "pas de chiffres"),
        ("first_name", "Jean2", "pas de chiffres"),
        ("first_name", "N" * 101, "100 caractères au plus."),
        ("last_name", "L" * 10000, "100 caractères au plus."),
        ("first_name", "Nul\x01Char", "Caractères de contrôle"),
        ("email", "pas-une-adresse", "Adresse électronique invalide"),
        ("email", "a@b", "Adresse électronique invalide"),
        ("hire_date", "", "La date d'embauche est obligatoire."),
        ("hire_date", "31/02/2026", "Date impossible"),
        ("hire_date", "2026-13-01", "Date impossible"),
        ("hire_date", "demain", "jj/mm/aaaa"),
        ("hire_date", "01/01/0001", "entre 1900 et 2200"),
        ("hire_date", "01/01/2199", "Date trop lointaine"),
        ("contract_date", "01/01/2010", "plus d'un an"),
        ("working_time_rate", "0", "entre 1 et 100"),
        ("working_time_rate", "101", "entre 1 et 100"),
        ("working_time_rate", "99999999999999999999", "entre 1 et 100"),
        ("working_time_rate", "quatre-vingts", "entier"),
        ("working_time_rate", "", "Le taux d'activité est obligatoire."),
        ("commute_km", "-1", "au moins 0"),
        ("commute_km", "abc", "Nombre invalide"),
        ("commute_km", "12,55", "décimale"),
        ("commute_km", "99999", "au plus 2"),
        ("commute_mode", "avion", "choix valide"),
        ("civility", "Dr", "choix valide"),
        ("post_id", "999999", "choix valide"),
        ("post_id", "abc", "Choix non valide"),
        ("manager_id", "999999", "Ce responsable n'existe pas."),
        ("home_address", "A" * 501, "500 caractères au plus."),
]


def test_create_employee_rejects_bad_input(app, hr_client):
    for field, value, message in BAD_INPUT:
        response = hr_client.post("/salaries/nouveau", data=dict(VALID, **{field: value}))
        assert response.status_code == 422, (field, value)
        assert message in page_text(response), (field, value)
    assert count_employees(app) == 0


def test_duplicate_personnel_number_is_refused_case_insensitively(app, hr_client):
    with app.app_context():
        make_employee(personnel_number="rh-0042")
    response = hr_client.post("/salaries/nouveau", data=VALID)
    assert response.status_code == 422
    assert "« RH-0042 » est déjà attribué à un autre salarié" in page_text(response)
    assert count_employees(app) == 1


def test_html_in_address_is_stored_and_shown_escaped(app, hr_client):
    data = dict(VALID, home_address="<script>alert(1)</script>")
    response = hr_client.post("/salaries/nouveau", data=data)
    assert response.status_code == 302
    page = hr_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_edit_employee_updates_and_audits(app, hr_client):
    with app.app_context():
        e = make_employee(first_name="Paul")
        employee_id, version = e.id, e.version
    data = dict(VALID, personnel_number="NEW-1", first_name="Pauline", version=str(version))
    response = hr_client.post(f"/salaries/{employee_id}/modifier", data=data)
    assert response.status_code == 302
    with app.app_context():
        e = db.session.get(Employee, employee_id)
        assert e.first_name == "Pauline" and e.version == version + 1
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.object_type == "employees",
                                     AuditEntry.action == "update")
        )
        assert "Pauline" in entry.changes_json


def test_edit_with_stale_version_gives_409_and_changes_nothing(app, hr_client):
    with app.app_context():
        e = make_employee(first_name="Paul")
        employee_id, version = e.id, e.version
    first = dict(VALID, first_name="Premier", version=str(version))
    assert hr_client.post(f"/salaries/{employee_id}/modifier", data=first).status_code == 302
    before = snapshot(app, employee_id)
    second = dict(VALID, first_name="Second", version=str(version))
    response = hr_client.post(f"/salaries/{employee_id}/modifier", data=second)
    assert response.status_code == 409
    assert "modifié par quelqu'un d'autre" in page_text(response)
    assert snapshot(app, employee_id) == before


def test_edit_bad_input_changes_nothing(app, hr_client):
    with app.app_context():
        e = make_employee()
        employee_id, version = e.id, e.version
    before = snapshot(app, employee_id)
    data = dict(VALID, working_time_rate="150", version=str(version))
    assert hr_client.post(f"/salaries/{employee_id}/modifier", data=data).status_code == 422
    assert snapshot(app, employee_id) == before


def test_manager_cannot_be_self(app, hr_client):
    with app.app_context():
        e = make_employee()
        employee_id, version = e.id, e.version
    before = snapshot(app, employee_id)
    data = dict(VALID, manager_id=str(employee_id), version=str(version))
    response = hr_client.post(f"/salaries/{employee_id}/modifier", data=data)
    assert response.status_code == 422
    assert "son propre responsable" in page_text(response)
    assert snapshot(app, employee_id) == before


def test_manager_cycle_is_refused(app, hr_client):
    with app.app_context():
        boss = make_employee()
        middle = make_employee(manager_id=boss.id)
        make_employee(manager_id=middle.id)
        boss_id, middle_id, version = boss.id, middle.id, boss.version
        bottom_id = db.session.scalar(select(Employee.id).where(Employee.manager_id == middle_id))
    before = snapshot(app, boss_id)
    data = dict(VALID, manager_id=str(bottom_id), version=str(version))
    response = hr_client.post(f"/salaries/{boss_id}/modifier", data=data)
    assert response.status_code == 422
    assert "boucle hiérarchique" in page_text(response)
    assert snapshot(app, boss_id) == before


def test_list_search_filters_and_pagination(app, hr_client):
    with app.app_context():
        legal = make_post(department="Juridique").id
        finance = make_post(department="Finances").id
        cat_a = make_category("A").id
        for i in range(30):
            make_employee(
                last_name=f"Juriste{i}" if i % 2 else f"Comptable{i}",
                post_id=legal if i % 2 else finance,
                category_id=cat_a if i % 3 == 0 else make_category("B").id,
                is_active=i != 4,
            )
        make_employee(last_name="Unique", personnel_number="ZZ-999", email="unique@corp.test")
    assert "JURISTE1 " in page_text(hr_client.get("/salaries/?q=juriste1"))
    page = page_text(hr_client.get("/salaries/?q=Juriste"))
    assert "JURISTE1 " in page and "COMPTABLE2" not in page
    assert "UNIQUE" in page_text(hr_client.get("/salaries/?q=ZZ-999"))
    assert "UNIQUE" in page_text(hr_client.get("/salaries/?q=unique@corp"))
    assert "UNIQUE" in page_text(hr_client.get("/salaries/?q=Camille Unique"))
    page = page_text(hr_client.get("/salaries/?department=Juridique"))
    assert "JURISTE1 " in page and "COMPTABLE" not in page
    page = page_text(hr_client.get(f"/salaries/?category={cat_a}"))
    assert "COMPTABLE0" in page and "JURISTE1 " not in page
    page = page_text(hr_client.get("/salaries/?active=0"))
    assert "COMPTABLE4" in page and "COMPTABLE2" not in page
    assert "Page 1 sur 2" in page_text(hr_client.get("/salaries/"))
    for args in ("page=2", "page=abc", "page=99999", "category=abc", "active=x", "q=%25_"):
        assert hr_client.get(f"/salaries/?{args}").status_code == 200
    assert "Aucun salarié." in page_text(hr_client.get("/salaries/?q=%25_"))


def test_list_shows_telework_status_without_n_plus_one(app, hr_client):
    def statements(url: str) -> int:
        counter = {"n": 0}

        def count(*_args):
            counter["n"] += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert hr_client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return counter["n"]

    with app.app_context():
        for _ in range(3):
            make_agreement(status="active")
    few = statements("/salaries/")
    with app.app_context():
        for _ in range(9):
            make_agreement(status="draft")
        make_request()
    many = statements("/salaries/")
    assert many == few
    page = page_text(hr_client.get("/salaries/"))
    assert "Actif" in page and "Brouillon" in page and "demande en attente" in page


def test_detail_lists_requests_and_agreements(app, hr_client):
    with app.app_context():
        agreement = make_agreement(status="active")
        employee_id, agreement_id = agreement.employee_id, agreement.id
        make_request(employee_id=employee_id, status="refused",
                     refusal_reason="Service en sous-effectif")
    response = hr_client.get(f"/salaries/{employee_id}")
    assert response.status_code == 200
    page = page_text(response)
    assert "Demandes de télétravail" in page and "Refusée" in page and "Acceptée" in page
    assert "01/10/2026" in page and "Actif" in page  # the agreement's start date and state
    if "agreements.show" in app.view_functions:  # link only once the agreements area exists
        with app.test_request_context():
            link = url_for("agreements.show", agreement_id=agreement_id)
        assert f'href="{link}"' in response.get_data(as_text=True)


def test_unknown_employee_is_404(hr_client):
    assert hr_client.get("/salaries/999999").status_code == 404
    assert hr_client.get("/salaries/999999/modifier").status_code == 404


def test_employee_role_is_refused_and_anonymous_redirected(app, client):
    from tests.conftest import login

    assert client.get("/salaries/").status_code == 302
    with app.app_context():
        make_user(email="salarie@example.test", role="employee")
    assert login(client, "salarie@example.test").status_code == 302
    assert client.get("/salaries/").status_code == 403
    assert client.post("/salaries/nouveau", data=VALID).status_code == 403
    assert count_employees(app) == 1  # only the employee behind the account


def csrf_token(page: str) -> str:
    """The CSRF token of the first form of a page."""
    return re.search(r'name="[a-z_-]*csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def csrf_hr_client(app):
    """An HR client logged in through the real form with CSRF protection on."""
    with app.app_context():
        make_user(email="rh2@example.test", role="hr")
    client = app.test_client()
    token = csrf_token(client.get("/connexion").get_data(as_text=True))
    response = client.post("/connexion", data={"email": "rh2@example.test",
                                               "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


class TestWithCsrf:
    """CSRF enabled: a forged POST is refused and changes nothing; a real one works."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_token_is_refused(self, app):
        client = csrf_hr_client(app)
        response = client.post("/salaries/nouveau", data=VALID)
        assert response.status_code == 400
        assert count_employees(app) == 0
        token = csrf_token(client.get("/salaries/nouveau").get_data(as_text=True))
        response = client.post("/salaries/nouveau", data=dict(VALID, csrf_token=token))
        assert response.status_code == 302
        assert count_employees(app) == 1
