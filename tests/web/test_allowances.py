"""Allowance screens: payroll preview, provisional and stored CSV, closing, URSSAF ceilings."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from hrtele.extensions import db
from hrtele.models import AuditEntry, PayrollExport, UrssafCeiling
from tests.conftest import login
from tests.factories import make_agreement, make_employee, make_user, page_text

MONTH = "/indemnites/?mois=2026-11"


def _agreement(app, last_name="Martin", amount="3.00"):
    with app.app_context():
        employee = make_employee(last_name=last_name, first_name="Léa",
                                 personnel_number=f"P-{last_name}")
        return make_agreement(employee_id=employee.id, status="active",
                              start_date=date(2026, 11, 16), weekly_pattern="11001100000000",
                              allowance_scheme="per_day", allowance_amount=Decimal(amount)).id


def test_access_is_hr_only(app, client):
    assert client.get(MONTH).status_code == 302
    with app.app_context():
        make_user("salarie@example.test", role="employee")
    login(client, "salarie@example.test")
    assert client.get(MONTH).status_code == 403
    assert client.get("/indemnites/plafonds").status_code == 403
    assert client.get("/indemnites/2026/11/export.csv").status_code == 403
    assert client.post("/indemnites/2026/11/cloture").status_code == 403


def test_month_preview_download_close_and_stored_export(app, hr_client):
    agreement_id = _agreement(app)
    page = hr_client.get(MONTH)
    text = page_text(page)
    assert page.status_code == 200
    assert "novembre 2026" in text and "MARTIN Léa" in text
    # Start 16 Nov, Monday + Wednesday: 5 days × 3 € = 15 €; exempt 2,70 × 5 = 13,50 €.
    assert "15,00\u00a0€" in text and "13,50\u00a0€" in text and "1,50\u00a0€" in text
    assert "Ouvert" in text and "Clôturer le mois de novembre 2026" in text

    provisional = hr_client.get("/indemnites/2026/11/export.csv")
    assert provisional.status_code == 200
    assert provisional.headers["Cache-Control"] == "no-store"
    assert "provisoire" in provisional.headers["Content-Disposition"]
    assert provisional.data.startswith(b"\xef\xbb\xbf")
    assert "P-Martin;Martin;Léa;".encode() in provisional.data
    assert b";5;" in provisional.data and b";15,00;13,50;1,50\r\n" in provisional.data

    closed = hr_client.post("/indemnites/2026/11/cloture")
    assert closed.status_code == 302
    text = page_text(hr_client.get(MONTH))
    assert "Clôturé le" in text and "Télécharger l'export CSV" in text

    with app.app_context():
        export = db.session.scalar(sa.select(PayrollExport))
        stored, digest = bytes(export.csv_bytes), export.sha256
        assert digest == hashlib.sha256(stored).hexdigest()
        assert stored == provisional.data
        # Someone edits the agreement afterwards.
        from hrtele.models import Agreement

        db.session.get(Agreement, agreement_id).allowance_amount = Decimal("9.00")
        db.session.commit()

    download = hr_client.get("/indemnites/2026/11/export.csv")
    assert download.data == stored
    assert download.headers["ETag"] == f'"{digest}"'
    assert "provisoire" not in download.headers["Content-Disposition"]
    assert "Des données ont changé depuis la clôture" in page_text(hr_client.get(MONTH))

    again = hr_client.post("/indemnites/2026/11/cloture")
    assert again.status_code == 409
    assert "déjà clôturé" in page_text(again)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PayrollExport.id))) == 1
        actions = set(db.session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.object_type == "payroll_exports")))
        assert {"export", "download"} <= actions


def test_bad_month_and_future_month(app, hr_client):
    for bad in ("2026-13", "abc", "2026-11-01", "<script>", "9999-01"):
        response = hr_client.get(f"/indemnites/?mois={bad}")
        assert response.status_code == 400
        assert "Mois invalide" in page_text(response)
    assert hr_client.get("/indemnites/2026/13/export.csv").status_code == 404
    future = hr_client.post("/indemnites/2099/01/cloture")
    assert future.status_code == 422
    assert "n'a pas commencé" in page_text(future)
    assert "Aucun accord de télétravail ne couvre ce mois." in page_text(
        hr_client.get("/indemnites/?mois=2026-01"))


def test_ceilings_read_by_hr_edited_by_admin(app, hr_client, admin_client):
    page = hr_client.get("/indemnites/plafonds")
    assert page.status_code == 200
    text = page_text(page)
    assert "2,70\u00a0€" in text and "59,40\u00a0€" in text
    assert "Seul un administrateur" in text
    assert hr_client.get("/indemnites/plafonds/nouveau").status_code == 403
    assert hr_client.post("/indemnites/plafonds/reinitialiser").status_code == 403
    download = hr_client.get("/indemnites/plafonds.json")
    assert download.status_code == 200 and b'"per_day": "2.70"' in download.data

    # Overlap with 2026 is refused, nothing saved.
    overlap = admin_client.post("/indemnites/plafonds/nouveau", data={
        "valid_from": "01/06/2026", "valid_to": "31/05/2027", "per_day": "2,80",
        "monthly_cap": "61,60"})
    assert overlap.status_code == 422
    assert "se chevauchent" in page_text(overlap)
    bad = admin_client.post("/indemnites/plafonds/nouveau", data={
        "valid_from": "31/02/2027", "per_day": "-1"})
    assert bad.status_code == 422
    assert "31/02/2027 n'existe pas" in page_text(bad)
    none = admin_client.post("/indemnites/plafonds/nouveau", data={"valid_from": "01/01/2027"})
    assert "au moins un barème" in page_text(none)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(UrssafCeiling.id))) == 5

    created = admin_client.post("/indemnites/plafonds/nouveau", data={
        "valid_from": "01/01/2027", "valid_to": "31/12/2027", "per_weekly_day_monthly": "11,20",
        "per_day": "2,80", "monthly_cap": "61,60 €", "note": "<b>Barème 2027</b>",
        "source": "BOSS"})
    assert created.status_code == 302
    page = admin_client.get("/indemnites/plafonds")
    assert "61,60\u00a0€" in page_text(page)
    assert b"&lt;b&gt;Bar" in page.data
    with app.app_context():
        row = db.session.scalar(sa.select(UrssafCeiling).where(
            UrssafCeiling.valid_from == date(2027, 1, 1)))
        row_id, version = row.id, row.version

    stale = admin_client.post(f"/indemnites/plafonds/{row_id}/modifier", data={
        "version": str(version + 5), "valid_from": "01/01/2027", "valid_to": "31/12/2027",
        "per_day": "2,90", "monthly_cap": "63,80"})
    assert stale.status_code == 409
    edited = admin_client.post(f"/indemnites/plafonds/{row_id}/modifier", data={
        "version": str(version), "valid_from": "01/01/2027", "valid_to": "31/12/2027",
        "per_day": "2,90", "monthly_cap": "63,80"})
    assert edited.status_code == 302
    deleted = admin_client.post(f"/indemnites/plafonds/{row_id}/supprimer",
                                data={"version": str(version + 1)})
    assert deleted.status_code == 302
    assert admin_client.post("/indemnites/plafonds/reinitialiser").status_code == 302
    assert admin_client.get("/indemnites/plafonds/99999/modifier").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(UrssafCeiling.id))) == 5
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.object_type == "urssaf_ceilings")) >= 4
