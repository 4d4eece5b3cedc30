"""Document screens: stored-bytes downloads, access control, issuing, previews, signed scans."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pytest
from flask import render_template, url_for
from flask_login import login_user
from sqlalchemy import func, select

from hrtele.documents import services
from hrtele.extensions import db
from hrtele.models import Agreement, AuditEntry, IssuedDocument, SignedScan, TeleworkRequest, User
from tests.conftest import login
from tests.documents.model_samples import (
    agreement_variant,
    employee_with_post,
    memoise_renders,
    pdf_text,
)
from tests.factories import make_employee, make_request, make_user, page_text, plain_pdf
from tests.web.test_csrf import login_with_csrf, token_of

ALICE = "alice.docs@example.test"
BRUNO = "bruno.docs@example.test"


@pytest.fixture(autouse=True)
def _memoised_renders(monkeypatch):
    """Identical snapshots are rendered once per test process (renders are deterministic)."""
    memoise_renders(monkeypatch)


@dataclass
class World:
    """Ids of what the tests need (objects do not outlive the app context)."""

    agreement_id: int
    employee_id: int
    document_id: int
    personnel_number: str
    sha256: str
    pdf: bytes


@pytest.fixture
def world(app, hr_user) -> World:
    """Alice's issued amendment (one real render) and accounts for Alice and Bruno."""
    with app.app_context():
        employee = employee_with_post(email=ALICE)
        agreement = agreement_variant("full_days-per_weekly_day", employee=employee)
        hr = db.session.get(User, hr_user)
        document = services.issue_amendment(agreement, hr, date(2026, 11, 20))
        db.session.commit()
        make_user(ALICE, role="employee", employee_id=employee.id)
        make_user(BRUNO, role="employee", employee_id=make_employee().id)
        return World(
            agreement.id, employee.id, document.id, employee.personnel_number,
            document.sha256, document.pdf_bytes,
        )  # fmt: skip


def _client(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _count(app, model=IssuedDocument) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _audits(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --------------------------------------------------------------------------- downloads


def test_download_serves_exactly_the_stored_bytes_with_safe_headers(app, hr_client, world):
    response = hr_client.get(f"/documents/{world.document_id}")
    assert response.status_code == 200
    assert response.data == world.pdf
    assert response.mimetype == "application/pdf"
    assert response.headers["ETag"] == f'"{world.sha256}"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="avenant-teletravail-{world.personnel_number}-v1.pdf"'
    )
    assert response.headers["Content-Disposition"].isascii()
    (audit,) = _audits(app, "download")
    assert audit.object_type == "issued_documents" and audit.object_id == world.document_id


def test_conditional_get_answers_304_without_body(app, hr_client, world):
    response = hr_client.get(
        f"/documents/{world.document_id}", headers={"If-None-Match": f'"{world.sha256}"'}
    )
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == f'"{world.sha256}"'
    assert response.headers["Cache-Control"] == "no-store"
    stale = hr_client.get(f"/documents/{world.document_id}", headers={"If-None-Match": '"autre"'})
    assert stale.status_code == 200 and stale.data == world.pdf
    assert len(_audits(app, "download")) == 2


def test_employee_downloads_own_document_but_not_someone_elses(app, world):
    alice = _client(app, ALICE)
    response = alice.get(f"/documents/{world.document_id}")
    assert response.status_code == 200 and response.data == world.pdf

    bruno = _client(app, BRUNO)
    assert bruno.get(f"/documents/{world.document_id}").status_code == 404
    assert bruno.get("/documents/999999").status_code == 404
    denied = _audits(app, "access_denied")
    assert any(a.object_id == world.document_id for a in denied)
    # HR-only screens are refused to employees.
    assert alice.get(f"/documents/salaries/{world.employee_id}").status_code == 403
    assert alice.get(f"/documents/accords/{world.agreement_id}/apercu-avenant").status_code == 403
    assert alice.post(f"/documents/accords/{world.agreement_id}/avenant").status_code == 403
    assert _count(app) == 1


def test_anonymous_visitor_is_sent_to_the_login_page(app, world):
    response = app.test_client().get(f"/documents/{world.document_id}")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def _change_terms(app, agreement_id: int) -> int:
    """Change a printed term of the agreement (a new version is then due); its version."""
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        agreement.contact_slots = "9 h 30 – 12 h 00 et 14 h 00 – 16 h 00"
        db.session.commit()
        return agreement.version


def test_superseded_version_stays_downloadable(app, hr_client, world):
    version = _change_terms(app, world.agreement_id)
    url = f"/documents/accords/{world.agreement_id}/avenant"
    # Without the confirmation box, the confirmation page comes back and nothing is issued.
    unconfirmed = hr_client.post(url, data={"version": version})
    assert unconfirmed.status_code == 422
    assert "le salarié devra de nouveau" in page_text(unconfirmed)
    assert "Cochez la case pour confirmer" in page_text(unconfirmed)
    assert _count(app) == 1
    response = hr_client.post(url, data={"version": version, "confirm": "y"})
    assert response.status_code == 303
    with app.app_context():
        old = db.session.get(IssuedDocument, world.document_id)
        new = db.session.scalars(select(IssuedDocument).where(IssuedDocument.version == 2)).one()
        assert old.is_superseded and not new.is_superseded
        new_id = new.id
    old_download = hr_client.get(f"/documents/{world.document_id}")
    assert old_download.status_code == 200 and old_download.data == world.pdf
    new_download = hr_client.get(f"/documents/{new_id}")
    assert new_download.headers["Content-Disposition"].endswith(
        f'-{world.personnel_number}-v2.pdf"'
    )
    history = hr_client.get(f"/documents/salaries/{world.employee_id}")
    assert history.status_code == 200
    text = page_text(history)
    assert "remplacée" in text and "en vigueur" in text
    assert f"AV-2026-{world.agreement_id:05d}-v2" in text and world.sha256[:12] in text


# --------------------------------------------------------------------------- issuing and previews


def test_issue_through_the_route_then_a_stale_second_click_is_refused(app, hr_client):
    with app.app_context():
        agreement = agreement_variant("full_days-none")
        agreement_id, version = agreement.id, agreement.version
    url = f"/documents/accords/{agreement_id}/avenant"
    first = hr_client.post(url, data={"version": version})
    assert first.status_code == 303
    second = hr_client.post(url, data={"version": version})  # double click: stale version
    assert second.status_code == 409
    assert "modifié par quelqu'un d'autre" in page_text(second)
    assert _count(app) == 1
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).status == "issued"


def test_issue_refused_with_blocking_violations_shows_them(app, hr_client):
    with app.app_context():
        agreement = agreement_variant("full_days-none")
        agreement.time_control = ""
        db.session.commit()
        agreement_id, version = agreement.id, agreement.version
    response = hr_client.post(
        f"/documents/accords/{agreement_id}/avenant", data={"version": version}
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "points bloquants" in text and "contrôle du temps de travail" in text
    assert _count(app) == 0


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_issue_needs_the_csrf_token(app, hr_user, world, app_config):
    client = app.test_client()
    assert login_with_csrf(client, "rh@example.test").status_code == 302
    version = _change_terms(app, world.agreement_id)
    url = f"/documents/accords/{world.agreement_id}/avenant"
    assert client.post(url, data={"version": version, "confirm": "y"}).status_code == 400
    assert _count(app) == 1
    token = token_of(client.get(f"/documents/{world.document_id}/scan"))
    response = client.post(url, data={"version": version, "csrf_token": token, "confirm": "y"})
    assert response.status_code == 303
    assert _count(app) == 2


def test_preview_is_inline_not_stored_and_not_cached(app, hr_client):
    with app.app_context():
        agreement_id = agreement_variant("third_place-per_day").id
    response = hr_client.get(f"/documents/accords/{agreement_id}/apercu-avenant")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["Cache-Control"] == "no-store"
    assert "object-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Aperçu – document non émis" in pdf_text(response.data)
    assert _count(app) == 0
    refused = hr_client.get(f"/documents/accords/{agreement_id}/apercu-notification")
    assert refused.status_code == 422 and "fin notifiée" in page_text(refused)


def test_notice_route_refuses_an_unrespected_notice_delay(app, hr_client, world):
    with app.app_context():
        agreement = db.session.get(Agreement, world.agreement_id)
        agreement.status = "ending"
        agreement.ending_initiative = "employer"
        agreement.ending_notification_date = date(2026, 11, 16)
        agreement.ending_effective_date = date(2026, 11, 20)
        agreement.ending_phase = "adaptation"
        agreement.ending_notice_days = 15
        db.session.commit()
    url = f"/documents/accords/{world.agreement_id}/notification"
    response = hr_client.post(url)
    assert response.status_code == 422
    assert "délai de prévenance de 15 jours n'est pas respecté" in page_text(response)
    assert _count(app) == 1
    with app.app_context():
        agreement = db.session.get(Agreement, world.agreement_id)
        agreement.ending_effective_date = date(2026, 12, 1)
        db.session.commit()
    assert hr_client.post(url).status_code == 303
    with app.app_context():
        notice = db.session.scalars(
            select(IssuedDocument).where(IssuedDocument.kind == "reversibility_notice")
        ).one()
        notice_id = notice.id
    download = hr_client.get(f"/documents/{notice_id}")
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="notification-fin-teletravail-{world.personnel_number}-1.pdf"'
    )


def test_refusal_letter_route(app, hr_client):
    with app.app_context():
        employee = employee_with_post()
        req = make_request(
            employee_id=employee.id, status="refused", decision_date=date(2026, 9, 12),
            refusal_reason="présence quotidienne requise au laboratoire",
        )  # fmt: skip
        request_id, number = req.id, employee.personnel_number
    preview = hr_client.get(f"/documents/demandes/{request_id}/apercu-refus")
    assert preview.status_code == 200 and "présence quotidienne requise" in pdf_text(preview.data)
    response = hr_client.post(f"/documents/demandes/{request_id}/refus")
    assert response.status_code == 303
    again = hr_client.post(f"/documents/demandes/{request_id}/refus")
    assert again.status_code == 422 and "déjà été émise" in page_text(again)
    with app.app_context():
        document = db.session.scalars(select(IssuedDocument)).one()
        assert document.request_id == request_id
        document_id = document.id
    download = hr_client.get(f"/documents/{document_id}")
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="refus-teletravail-{number}.pdf"'
    )


# --------------------------------------------------------------------------- signed scans


def _upload(client, document_id: int, data: bytes, filename: str = "scan.pdf"):
    return client.post(
        f"/documents/{document_id}/scan",
        data={"scan": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_scan_upload_accepts_a_real_pdf_and_rejects_the_rest(app, hr_client, world):
    form = hr_client.get(f"/documents/{world.document_id}/scan")
    assert form.status_code == 200 and "Scan signé (PDF)" in page_text(form)

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    rejected = {
        "png renamed": (png, "Ce fichier n'est pas un PDF"),
        "empty": (b"", "Le fichier envoyé est vide"),
        "truncated": (world.pdf[: len(world.pdf) // 2], "%%EOF"),
        # The issued PDF/A carries its data as an attached file: not a plain scan.
        "with attachment": (world.pdf, "fichier joint"),
    }
    for _name, (data, message) in rejected.items():
        response = _upload(hr_client, world.document_id, data, "signé.pdf")
        assert response.status_code == 422
        assert message in page_text(response)
    assert _count(app, SignedScan) == 0

    scan_pdf = plain_pdf(2, "Avenant signé")
    accepted = _upload(hr_client, world.document_id, scan_pdf, "Avenant signé.pdf")
    assert accepted.status_code == 303
    with app.app_context():
        scan = db.session.scalars(select(SignedScan)).one()
        assert scan.document_id == world.document_id and scan.filename == "Avenant-signe.pdf"
        scan_id = scan.id
    # HR and the employee concerned download it; another employee gets a 404.
    hr_download = hr_client.get(f"/documents/scans/{scan_id}")
    assert hr_download.status_code == 200 and hr_download.data == scan_pdf
    assert hr_download.headers["Cache-Control"] == "no-store"
    assert _client(app, ALICE).get(f"/documents/scans/{scan_id}").status_code == 200
    bruno = _client(app, BRUNO)
    assert bruno.get(f"/documents/scans/{scan_id}").status_code == 404
    assert _upload(bruno, world.document_id, scan_pdf).status_code == 403
    assert _count(app, SignedScan) == 1


@pytest.mark.parametrize("app_config", [{"SIGNED_SCAN_MAX_BYTES": 20_000}])
def test_scan_upload_rejects_an_oversize_file(app, hr_client, world, app_config):
    response = _upload(hr_client, world.document_id, world.pdf)  # ~45 KB > 20 KB
    assert response.status_code == 422
    assert "taille maximale autorisée" in page_text(response)
    assert _count(app, SignedScan) == 0


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 10_000}])
def test_huge_body_is_refused_with_413(app, hr_client, world, app_config):
    response = _upload(hr_client, world.document_id, world.pdf)
    assert response.status_code == 413
    assert _count(app, SignedScan) == 0


# --------------------------------------------------------------------------- partials


def test_partials_render_versions_actions_and_history(app, world):
    with app.app_context(), app.test_request_context("/"):
        hr = db.session.scalars(select(User).where(User.role == "hr")).first()
        login_user(hr)
        agreement = db.session.get(Agreement, world.agreement_id)
        html = render_template("documents/_agreement_documents.html", agreement=agreement)
        assert f"/documents/{world.document_id}" in html
        # Nothing changed since the issue: no new version, the page says it is up to date.
        assert "L'avenant est à jour" in html
        assert "nouvelle-version" not in html and "apercu-avenant" not in html
        agreement.contact_slots = "9 h 30 – 12 h 00 et 14 h 00 – 16 h 00"
        html = render_template("documents/_agreement_documents.html", agreement=agreement)
        assert f"/documents/accords/{world.agreement_id}/apercu-avenant" in html
        assert f"/documents/accords/{world.agreement_id}/nouvelle-version" in html
        assert "plages de joignabilité" in html  # what changed
        assert world.sha256[:12] in html and 'enctype="multipart/form-data"' in html
        assert "Notification de fin" not in html

        agreement.status = "ending"
        html = render_template("documents/_agreement_documents.html", agreement=agreement)
        # The end is not recorded yet: no button leading to an error, the reason instead.
        assert "apercu-notification" not in html
        assert "pas été notifiée dans le suivi" in html
        agreement.ending_initiative = "employer"
        agreement.ending_notification_date = date(2026, 11, 16)
        agreement.ending_effective_date = date(2026, 12, 1)
        agreement.ending_method = "hand_delivery"
        agreement.ending_phase = "adaptation"
        agreement.ending_notice_days = 15
        html = render_template("documents/_agreement_documents.html", agreement=agreement)
        assert "Émettre la notification de fin de télétravail" in html
        assert f"/documents/accords/{world.agreement_id}/notification" in html
        db.session.rollback()

        employee_html = render_template(
            "documents/_employee_documents.html", employee=agreement.employee
        )
        assert "Avenant de télétravail" in employee_html
        assert f"/documents/salaries/{world.employee_id}" in employee_html

        req = make_request(
            employee_id=world.employee_id, status="refused", refusal_reason="motif",
            decision_date=date(2026, 9, 12),
        )  # fmt: skip
        request_html = render_template("documents/_request_documents.html", telework_request=req)
        assert f"/documents/demandes/{req.id}/refus" in request_html
        same = render_template("documents/_request_documents.html", req=req)
        assert f"/documents/demandes/{req.id}/refus" in same
        pending = db.session.get(TeleworkRequest, req.id)
        pending.status = "pending"
        assert "refus" not in render_template(
            "documents/_request_documents.html", telework_request=pending
        )
        db.session.rollback()


def test_other_areas_pages_include_the_document_panels(app, hr_client, world):
    with app.app_context():
        req = make_request(
            employee_id=world.employee_id, status="refused", refusal_reason="motif du refus",
            decision_date=date(2026, 9, 12),
        )  # fmt: skip
        request_id = req.id
    with app.test_request_context():
        pages = {
            endpoint: url_for(endpoint, **values)
            for endpoint, values in (
                ("agreements.show", {"agreement_id": world.agreement_id}),
                ("employees.show", {"employee_id": world.employee_id}),
                ("requests.show", {"request_id": request_id}),
            )
            if endpoint in app.view_functions
        }
    expected = {
        "agreements.show": f"/documents/{world.document_id}",
        "employees.show": f"/documents/salaries/{world.employee_id}",
        "requests.show": f"/documents/demandes/{request_id}/refus",
    }
    for endpoint, url in pages.items():
        response = hr_client.get(url)
        assert response.status_code == 200, endpoint
        assert expected[endpoint] in response.get_data(as_text=True), endpoint
