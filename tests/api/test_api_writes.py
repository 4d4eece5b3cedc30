"""Employee and post writes: the CSV import's rules and messages, idempotence, versions, audit."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hrtele.extensions import db
from hrtele.imports.parsing import COLUMNS
from hrtele.imports.services import build_plan
from hrtele.models import AuditEntry, Employee, Post
from tests.api.conftest import problem_of, row_counts
from tests.factories import make_employer, make_post
from tests.services.test_imports import EMP_HEADER


def records_from_csv(kind: str, text: str) -> list[dict]:
    """The JSON records an integration would send for the lines of a CSV file."""
    columns = {c.header: c for c in COLUMNS[kind]}
    out = []
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        record = {}
        for header, cell in row.items():
            column = columns[header]
            if not cell:
                continue
            if column.json_type == "boolean":
                record[column.key] = cell == "oui"
            elif column.json_type == "integer" and cell.removesuffix("%").strip().isdigit():
                record[column.key] = int(cell.removesuffix("%"))
            elif column.json_type == "number":
                number = float(cell.replace(",", "."))
                record[column.key] = int(number) if number.is_integer() else number
            else:
                record[column.key] = cell
        out.append(record)
    return out


BAD_EMPLOYEES = (
    EMP_HEADER + "\n"
    "B1;M.;Jean;Valide;;P-OK;;;;;;;;;\n"
    "B1;M.;Jean;Double;;P-OK;;;;;;;;;\n"
    "B2;M.;Jeanne;PostInconnu;;P-NON;;;;;;;;;\n"
    "B3;M.;Jo;SonPropreChef;;;;;;;;;;B3;\n"
    "B4;M.;Jo;ChefInconnu;;;;;;;;;;ZZZ;\n"
    "B5;M.;Jo;ChefRejete;;;;;;;;;;B2;\n"
    "B6;M.;<script>alert(1)</script>;{{7*7}};;;;;;;;;;;\n"
    "b1;M.;Jean;Casse;;;;;;;;;;;\n"
    "B7;M.;Léa;Boucle;;;;;;;;;;B8;\n"
    "B8;M.;Léo;Boucle;;;;;;;;;;B7;\n"
    "B9;M.;Futur;Lointain;;;;01/01/2099;;;;;;;\n"
    "B10;Mlle;Anne;Civile;pas-une-adresse;;;31/02/2026;;120;;2500;fusée;;\n"
    "B 11;M.;Espace;Matricule;;;;;;;;;;;\n"
)


def test_batch_gives_the_csv_import_decisions_and_messages(app, api):
    """Same records as a CSV file: same actions, same French reasons, now with their field."""
    with app.app_context():
        make_post(code="P-OK")
        expected = build_plan("employees", BAD_EMPLOYEES.encode())
        expected_rows = [(r.key, r.action, [str(m) for m in r.reasons]) for r in expected.rows]
        db.session.rollback()
    response = api.post("/api/v1/employees/batch?dry_run=true", as_="write",
                        json={"items": records_from_csv("employees", BAD_EMPLOYEES)})
    assert response.status_code == 200, response.data
    report = response.get_json()
    got = [(i["key"], i["action"], [e["message"] for e in i["errors"]]) for i in report["items"]]
    assert got == expected_rows
    assert report["dry_run"] is True
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Employee.id))) == 0
    fields = {i["key"]: {e["field"] for e in i["errors"]} for i in report["items"]}
    assert fields["B2"] == {"post_code"}
    assert fields["B3"] == {"manager_number"}
    assert fields["B6"] == {"first_name", "last_name"}
    assert fields["B10"] == {"civility", "email", "hire_date", "working_time_rate",
                             "commute_km", "commute_mode"}
    assert fields["B 11"] == {"personnel_number"}


def test_single_put_refusal_is_a_problem_with_the_import_messages(app, api):
    with app.app_context():
        make_post(code="P-OK")
    record = {"civility": "Mlle", "first_name": "J3an", "last_name": "Valide",
              "working_time_rate": 120, "post_code": "P-NON"}
    response = api.put("/api/v1/employees/B1", as_="write", json=record)
    assert response.status_code == 422
    problem = problem_of(response)
    assert problem["type"].endswith("#probleme-validation")
    with app.app_context():
        plan = build_plan("employees", (
            b"matricule;civilite;prenom;nom;taux_activite;code_poste\n"
            b"B1;Mlle;J3an;Valide;120;P-NON\n"))
        expected = sorted(str(r) for r in plan.rows[0].reasons)
    assert sorted(e["message"] for e in problem["errors"]) == expected
    assert {e["field"] for e in problem["errors"]} == {
        "civility", "first_name", "working_time_rate", "post_code"}


def test_put_creates_then_is_idempotent_then_updates(app, api):
    with app.app_context():
        post = make_post(code="P-1")
        post_code = post.code
    body = {"civility": "Mme", "first_name": "Élodie", "last_name": "Marty",
            "email": "elodie.marty@example.test", "post_code": post_code,
            "hire_date": "2019-09-02", "working_time_rate": 80, "commute_km": 12.5,
            "commute_mode": "Transports en commun", "category_code": "C"}
    created = api.put("/api/v1/employees/E-42", as_="write", json=body)
    assert created.status_code == 201, created.data
    data = created.get_json()
    assert data["action"] == "create"
    assert created.headers["Location"] == "/api/v1/employees/E-42"
    employee = data["employee"]
    assert employee["personnel_number"] == "E-42"
    assert employee["commute_mode"] == "transports"  # the import's label -> code mapping
    assert employee["commute_km"] == 12.5 and employee["working_time_rate"] == 80
    assert employee["hire_date"] == "2019-09-02" and employee["category_code"] == "C"
    etag = created.headers["ETag"]

    again = api.put("/api/v1/employees/e-42", as_="write", json=body)  # key is case-insensitive
    assert again.status_code == 200
    assert again.get_json()["action"] == "unchanged"
    assert again.headers["ETag"] == etag
    with app.app_context():
        assert db.session.scalar(sa.select(Employee.version)) == 1

    changed = api.put("/api/v1/employees/E-42", as_="write", headers={"If-Match": etag},
                      json={"first_name": "Élodie", "last_name": "Marty-Roux"})
    assert changed.status_code == 200
    assert changed.get_json()["action"] == "update"
    assert changed.get_json()["changed_fields"] == ["last_name"]
    assert changed.get_json()["employee"]["working_time_rate"] == 80  # absent field kept
    assert changed.headers["ETag"] != etag

    stale = api.put("/api/v1/employees/E-42", as_="write", headers={"If-Match": etag},
                    json={"first_name": "Élodie", "last_name": "Perdu"})
    assert stale.status_code == 409
    assert problem_of(stale)["type"].endswith("#probleme-version")
    with app.app_context():
        assert db.session.scalar(sa.select(Employee.last_name)) == "Marty-Roux"

    assert api.put("/api/v1/employees/NEW-1", as_="write", headers={"If-Match": etag},
                   json={"first_name": "A", "last_name": "B"}).status_code == 409

    read = api.get("/api/v1/employees/E-42", as_="read")
    assert read.status_code == 200 and read.get_json()["last_name"] == "Marty-Roux"
    assert read.headers["ETag"] == changed.headers["ETag"]


def test_dry_run_put_writes_nothing(app, api):
    before = row_counts(app)
    response = api.put("/api/v1/employees/DRY-1?dry_run=true", as_="write",
                       json={"first_name": "Sec", "last_name": "Essai"})
    assert response.status_code == 200
    assert response.get_json() == {"action": "create", "changed_fields": [], "warnings": [],
                                   "dry_run": True, "employee": None}
    assert row_counts(app) == before


def test_writes_are_audited_with_the_token_name(app, api, api_tokens):
    response = api.post("/api/v1/employees/batch", as_="write", json={"items": [
        {"personnel_number": "CHEF-1", "first_name": "Paul", "last_name": "Chef"},
        {"personnel_number": "SUB-1", "first_name": "Rémi", "last_name": "Sub",
         "manager_number": "CHEF-1"},
    ]})
    assert response.status_code == 200
    assert response.get_json()["counts"] == {"create": 2, "update": 0, "unchanged": 0,
                                             "reject": 0}
    with app.app_context():
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.object_type == "employees")).all()
        assert len(entries) == 2
        token_id = api_tokens["write"][0]
        for entry in entries:
            assert entry.actor_label == f"API « Test write » (jeton n° {token_id})"
            assert entry.actor_id is None
            assert json.loads(entry.changes_json)["source"] == "api"
        sub = db.session.scalar(sa.select(Employee).where(Employee.personnel_number == "SUB-1"))
        assert sub.manager.personnel_number == "CHEF-1"


def test_posts_put_and_batch_follow_the_import(app, api):
    with app.app_context():
        make_employer()
    created = api.put("/api/v1/posts/C-1", as_="write", json={
        "title": "Comptable", "department": "Finances", "establishment_name": "siège",
        "category_code": "A", "is_eligible": True, "max_days_per_week": 2, "headcount": 3})
    assert created.status_code == 201, created.data
    post = created.get_json()["post"]
    assert post["establishment_name"] == "Siège" and post["max_days_per_week"] == 2
    no_reason = api.put("/api/v1/posts/C-3", as_="write",
                        json={"title": "Sans motif", "is_eligible": False})
    assert no_reason.status_code == 201
    assert no_reason.get_json()["warnings"]  # check_post: a warning, not a refusal
    bad = api.put("/api/v1/posts/C-4", as_="write",
                  json={"title": "Plafond faux", "max_days_per_week": 0.7,
                        "establishment_name": "Lune"})
    problem = problem_of(bad)
    assert {e["field"] for e in problem["errors"]} == {"max_days_per_week", "establishment_name"}
    assert any("demi-journées" in e["message"] for e in problem["errors"])
    batch = api.post("/api/v1/posts/batch", as_="write", json={"items": [
        {"code": "C-1", "title": "Comptable principal"},
        {"code": "C-9", "title": "Juriste", "is_eligible": True},
        {"code": "bad code!", "title": "X"},
    ]})
    counts = batch.get_json()["counts"]
    assert counts == {"create": 1, "update": 1, "unchanged": 0, "reject": 1}
    assert batch.get_json()["items"][0]["changed_fields"] == ["title"]
    with app.app_context():
        assert db.session.scalar(sa.select(Post.version).where(Post.code == "C-1")) == 2


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"first_name": 3, "last_name": "X"}, "first_name", "Texte attendu."),
    ({"last_name": "X"}, "first_name", "Champ obligatoire manquant."),
    ({"first_name": "A", "last_name": "B", "salary": 1}, "salary", "Champ inconnu."),
    ({"first_name": "A", "last_name": "B", "is_active": "oui"}, "is_active",
     "Booléen attendu (true ou false)."),
    ({"first_name": "A", "last_name": "B", "working_time_rate": 80.5}, "working_time_rate",
     "Nombre entier attendu."),
    ({"first_name": "A", "last_name": "B", "commute_km": "12"}, "commute_km", "Nombre attendu."),
    ({"first_name": "A\x00", "last_name": "B"}, "first_name",
     "Caractères de contrôle non autorisés."),
])
def test_type_errors_are_problems_with_field_and_french_message(app, api, body, field, message):
    before = row_counts(app)
    response = api.put("/api/v1/employees/T-1", as_="write", json=body)
    assert response.status_code == 422
    assert {"field": field, "message": message} in problem_of(response)["errors"]
    assert row_counts(app) == before


def test_body_errors(app, api):
    bad_json = api.put("/api/v1/employees/T-1", as_="write", data="{oops",
                       headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400
    assert problem_of(bad_json)["errors"] == [
        {"field": None, "message": "Corps JSON invalide : vérifiez la syntaxe."}]
    form = api.put("/api/v1/employees/T-1", as_="write", data={"first_name": "A"})
    assert form.status_code == 415
    assert problem_of(form)["title"] == "Type de contenu non pris en charge"
    array = api.put("/api/v1/employees/T-1", as_="write", json=[1])
    assert problem_of(array)["errors"] == [{"field": None, "message": "Objet JSON attendu."}]
    too_many = api.post("/api/v1/employees/batch", as_="write",
                        json={"items": [{"personnel_number": f"X{i}", "first_name": "A",
                                         "last_name": "B"} for i in range(1001)]})
    assert too_many.status_code == 422
    assert problem_of(too_many)["errors"] == [
        {"field": "items", "message": "Entre 1 et 1000 lignes par lot."}]
    huge = api.post("/api/v1/employees/batch", as_="write", data="[" + " " * 2_000_000 + "]",
                    headers={"Content-Type": "application/json"})
    assert huge.status_code == 413
    problem_of(huge)


def test_commute_km_decimal_is_stored_exactly(app, api):
    api.put("/api/v1/employees/K-1", as_="write",
            json={"first_name": "A", "last_name": "B", "commute_km": 0.1})
    with app.app_context():
        assert db.session.scalar(sa.select(Employee.commute_km)) == Decimal("0.1")
