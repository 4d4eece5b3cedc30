"""Reads: lists (pagination, filters of the screens, sorting), records, half-days, documents,
closed-month allowances."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
import sqlalchemy as sa

from hrtele.extensions import db
from hrtele.models import AuditEntry, IssuedDocument
from tests.api.conftest import problem_of
from tests.factories import make_employee, make_post


def test_employee_list_pages_filters_and_sorts(app, api):
    with app.app_context():
        eligible = make_post(code="ELIG", department="Finances")
        other = make_post(code="AUTRE", department="Accueil")
        for i, name in enumerate(("Durand", "Bernard", "Arnaud", "Céleste", "Bonnet")):
            make_employee(personnel_number=f"L{i}", last_name=name,
                          post_id=(eligible if i % 2 else other).id, is_active=i != 4)
    page1 = api.get("/api/v1/employees?per_page=2", as_="read").get_json()
    assert (page1["total"], page1["pages"], page1["page"]) == (5, 3, 1)
    assert [e["last_name"] for e in page1["items"]] == ["Arnaud", "Bernard"]
    page3 = api.get("/api/v1/employees?per_page=2&page=3", as_="read").get_json()
    assert [e["last_name"] for e in page3["items"]] == ["Durand"]
    beyond = api.get("/api/v1/employees?per_page=2&page=9", as_="read").get_json()
    assert beyond["items"] == [] and beyond["total"] == 5
    desc = api.get("/api/v1/employees?sort=-personnel_number", as_="read").get_json()
    assert [e["personnel_number"] for e in desc["items"]] == ["L4", "L3", "L2", "L1", "L0"]
    finances = api.get("/api/v1/employees?department=Finances", as_="read").get_json()
    assert {e["personnel_number"] for e in finances["items"]} == {"L1", "L3"}
    inactive = api.get("/api/v1/employees?active=false", as_="read").get_json()
    assert [e["last_name"] for e in inactive["items"]] == ["Bonnet"]
    search = api.get("/api/v1/employees?q=bern", as_="read").get_json()
    assert [e["last_name"] for e in search["items"]] == ["Bernard"]
    by_number = api.get("/api/v1/employees?personnel_number=l2", as_="read").get_json()
    assert [e["last_name"] for e in by_number["items"]] == ["Arnaud"]
    assert api.get("/api/v1/employees?category_code=ZZ", as_="read").get_json()["total"] == 0
    assert api.get("/api/v1/employees?category_code=B", as_="read").get_json()["total"] == 5
    recent = api.get("/api/v1/employees?updated_since=2999-01-01T00:00:00Z", as_="read")
    assert recent.get_json()["total"] == 0
    bad = api.get("/api/v1/employees?per_page=500&sort=salaire", as_="read")
    assert {e["field"] for e in problem_of(bad)["errors"]} == {"per_page", "sort"}


def test_missing_records_are_404_problems(api):
    for path in ("/api/v1/employees/NOBODY", "/api/v1/posts/NONE", "/api/v1/places/999",
                 "/api/v1/requests/999", "/api/v1/agreements/999", "/api/v1/documents/999",
                 "/api/v1/documents/999/pdf"):
        response = api.get(path, as_="all")
        assert response.status_code == 404, path
        assert problem_of(response)["title"] == "Ressource introuvable"
    # A NUL character is refused before routing (400), still as a JSON problem.
    nul = api.get("/api/v1/employees/%00", as_="all")
    assert nul.status_code == 400 and problem_of(nul)["status"] == 400
    assert api.get("/api/v1/places/99999999999", as_="read").status_code == 404


def test_agreement_exposes_half_days_with_their_place(app, api, seeded):
    response = api.get(f"/api/v1/agreements/{seeded.agreement_id}", as_="read")
    assert response.status_code == 200
    agreement = response.get_json()
    assert "weekly_pattern" in agreement and not isinstance(agreement["weekly_pattern"], str)
    assert [h["slot"] for h in agreement["weekly_pattern"]] == ["mon_am", "mon_pm",
                                                                 "wed_am", "wed_pm"]
    assert agreement["weekly_pattern"][0] == {"slot": "mon_am", "day": "mon", "half": "am",
                                               "label": "lundi matin",
                                               "place_id": seeded.place_id}
    assert [p["id"] for p in agreement["places"]] == [seeded.place_id]
    assert agreement["places"][0]["kind"] == "home"
    assert agreement["days_per_week"] == 2 and agreement["allowance_amount"] == "10.00"
    assert agreement["personnel_number"] == seeded.personnel_number
    listed = api.get(f"/api/v1/agreements?personnel_number={seeded.personnel_number}"
                     "&status=active", as_="read").get_json()
    assert [a["id"] for a in listed["items"]] == [seeded.agreement_id]
    assert api.get("/api/v1/agreements?status=draft", as_="read").get_json()["total"] == 0


def test_places_posts_and_requests_read(app, api, seeded):
    place = api.get(f"/api/v1/places/{seeded.place_id}", as_="read").get_json()
    assert place["personnel_number"] == seeded.personnel_number
    homes = api.get("/api/v1/places?kind=home", as_="read").get_json()
    assert [p["id"] for p in homes["items"]] == [seeded.place_id]
    assert api.get("/api/v1/places?kind=third_place", as_="read").get_json()["total"] == 0
    post = api.get(f"/api/v1/posts/{seeded.post_code}", as_="read").get_json()
    assert post["max_days_per_week"] == 2 and post["is_eligible"] is True
    assert api.get("/api/v1/posts?eligible=false", as_="read").get_json()["total"] == 0
    req = api.get(f"/api/v1/requests/{seeded.request_id}", as_="read").get_json()
    assert req["status"] == "accepted"
    assert [h["slot"] for h in req["wished_half_days"]] == ["mon_am", "mon_pm", "wed_am",
                                                             "wed_pm"]
    accepted = api.get("/api/v1/requests?status=accepted", as_="read").get_json()
    assert [r["id"] for r in accepted["items"]] == [seeded.request_id]


def test_document_metadata_and_stored_pdf(app, api, api_tokens, seeded):
    meta = api.get(f"/api/v1/documents/{seeded.document_id}", as_="read").get_json()
    assert meta["reference"] == "AV-API-1" and meta["kind_label"] == "Avenant de télétravail"
    assert meta["pdf_url"] == f"/api/v1/documents/{seeded.document_id}/pdf"
    listed = api.get(f"/api/v1/documents?personnel_number={seeded.personnel_number}"
                     "&kind=amendment", as_="read").get_json()
    assert [d["id"] for d in listed["items"]] == [seeded.document_id]
    pdf = api.get(meta["pdf_url"], as_="read")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == b"%PDF-1.7 document API"
    assert hashlib.sha256(pdf.data).hexdigest() == meta["sha256"]
    assert pdf.headers["ETag"] == f'"{meta["sha256"]}"'
    assert pdf.headers["Cache-Control"] == "no-store"
    assert "attachment" in pdf.headers["Content-Disposition"]
    cached = api.get(meta["pdf_url"], as_="read", headers={"If-None-Match": pdf.headers["ETag"]})
    assert cached.status_code == 304 and cached.data == b""
    with app.app_context():
        downloads = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "download",
                                        AuditEntry.object_type == "issued_documents")).all()
        assert len(downloads) == 2
        assert downloads[0].actor_label.startswith("API « Test read »")
        assert json.loads(downloads[1].changes_json)["status"] == 304


def test_tampered_pdf_is_not_delivered(app, api, seeded):
    with app.app_context():
        document = IssuedDocument(
            reference="AV-ALTERE", kind="amendment", version=2, employee_id=seeded.employee_id,
            pdf_bytes=b"%PDF-1.7 altered", sha256=hashlib.sha256(b"original").hexdigest(),
            size=16, snapshot_json="{}", template_version="test")
        db.session.add(document)
        db.session.commit()
        document_id = document.id
    response = api.get(f"/api/v1/documents/{document_id}/pdf", as_="read")
    assert response.status_code == 500
    problem = problem_of(response)
    assert "ne correspond plus à son empreinte" in problem["detail"]
    assert b"%PDF" not in response.data and b"Traceback" not in response.data
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.action == "integrity_error")) == 1


def test_closed_month_allowances_from_the_stored_export(app, api, seeded):
    from hrtele.allowances.services import read_csv_rows
    from hrtele.models import PayrollExport

    months = api.get("/api/v1/allowances", as_="payroll").get_json()
    assert [m["period"] for m in months["items"]] == [seeded.period]
    response = api.get(f"/api/v1/allowances/{seeded.period}", as_="payroll")
    assert response.status_code == 200
    month = response.get_json()
    with app.app_context():
        export = db.session.scalar(sa.select(PayrollExport))
        rows = read_csv_rows(export.csv_bytes)
        assert month["sha256"] == export.sha256 and month["row_count"] == export.row_count
    assert len(month["lines"]) == len(rows) == 1
    line = month["lines"][0]
    assert line["personnel_number"] == seeded.personnel_number
    assert line["amount"] == rows[0]["Montant"].replace(",", ".")
    assert line["days"] == float(rows[0]["Jours télétravaillés"].replace(",", "."))
    assert month["totals"]["amount"] == line["amount"]
    assert line["amount"] == "20.00"  # 2 weekly days x 10.00 (per_weekly_day scheme)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.object_type == "payroll_exports", AuditEntry.action == "download")) == 1


@pytest.mark.parametrize("period", ["2026-04", "2026-13", "1999-01", "26-03", "2026-3x"])
def test_open_or_impossible_months_are_404(api, seeded, period):
    response = api.get(f"/api/v1/allowances/{period}", as_="payroll")
    assert response.status_code == 404
    problem_of(response)


def test_open_month_says_it_is_not_closed(api, seeded):
    detail = problem_of(api.get("/api/v1/allowances/2026-04", as_="payroll"))["detail"]
    assert detail.startswith("Le mois 2026-04 (avril 2026) n'est pas clôturé")


def test_closing_date_is_utc_iso(api, seeded):
    month = api.get(f"/api/v1/allowances/{seeded.period}", as_="payroll").get_json()
    assert month["closed_at"].endswith("+00:00")
    assert date.fromisoformat(month["closed_at"][:10])


def test_half_days_at_two_places_and_the_working_week(app, api):
    """A place per half-day (home on Monday, the télécentre on Thursday), and the employee's
    working week, are lists of half-days computed by hrtele.domain.pattern."""
    from tests.factories import make_agreement, make_place

    with app.app_context():
        employee = make_employee(personnel_number="W-1",
                                 working_pattern="11111111111100")  # Monday to Saturday
        home = make_place(employee_id=employee.id)
        centre = make_place(kind="third_place", name="Cap Delta", third_place_type="telecentre")
        agreement = make_agreement(employee_id=employee.id, place_id=home.id,
                                   second_place_id=centre.id, weekly_pattern="11000022000000")
        ids = (agreement.id, home.id, centre.id)
    body = api.get(f"/api/v1/agreements/{ids[0]}", as_="read").get_json()
    assert [(h["slot"], h["place_id"]) for h in body["weekly_pattern"]] == [
        ("mon_am", ids[1]), ("mon_pm", ids[1]), ("thu_am", ids[2]), ("thu_pm", ids[2])]
    assert [p["id"] for p in body["places"]] == [ids[1], ids[2]]
    assert body["reversibility_clause"] in ("notice", "mutual")
    employee = api.get("/api/v1/employees/W-1", as_="read").get_json()
    assert employee["working_half_days"][-2:] == ["sat_am", "sat_pm"]
    assert len(employee["working_half_days"]) == 12


def test_refused_request_exposes_its_catalogue_reason(app, api, seeded):
    from hrtele.models import RefusalReason
    from tests.factories import make_request

    with app.app_context():
        seniority = db.session.scalar(
            sa.select(RefusalReason).where(RefusalReason.code == "seniority"))
        refused = make_request(status="refused", refusal_reason_id=seniority.id,
                               refusal_reason="Embauche récente", decision_date=date(2026, 9, 5))
        old = make_request(status="refused", refusal_reason="Motif saisi avant le catalogue",
                           decision_date=date(2026, 9, 5))
        ids, seniority_id = (refused.id, old.id), seniority.id
    body = api.get(f"/api/v1/requests/{ids[0]}", as_="read").get_json()
    assert (body["refusal_reason_id"], body["refusal_reason_label"], body["refusal_reason"]) == (
        seniority_id, "Ancienneté insuffisante", "Embauche récente")
    body = api.get(f"/api/v1/requests/{ids[1]}", as_="read").get_json()
    assert body["refusal_reason_id"] is None and body["refusal_reason_label"] is None
    assert body["refusal_reason"] == "Motif saisi avant le catalogue"
