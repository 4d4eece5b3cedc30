"""Employee's space: only my data, acknowledging documents, my request, ending telework, export."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hrtele.clock import today as paris_today
from hrtele.domain.dates import format_date_fr
from hrtele.extensions import db
from hrtele.models import (
    Agreement,
    AgreementEvent,
    AuditEntry,
    IssuedDocument,
    Place,
    TeleworkRequest,
)
from tests.conftest import login
from tests.factories import (
    make_agreement,
    make_employee,
    make_employer,
    make_place,
    make_request,
    make_user,
    page_text,
)

ALICE = "alice.portail@example.test"
BRUNO = "bruno.portail@example.test"
PORTAL_GET_URLS = (
    "/mon-espace/",
    "/mon-espace/documents",
    "/mon-espace/demande",
    "/mon-espace/fin-du-teletravail",
    "/mon-espace/export",
)


def make_document(
    employee_id: int,
    agreement_id: int | None = None,
    kind: str = "amendment",
    version: int = 1,
    **kw,
) -> IssuedDocument:
    """A stored document (bytes, hash and snapshot as the documents area stores them)."""
    data = kw.pop("pdf_bytes", b"%PDF-1.7 test " + f"{employee_id}-{kind}-{version}".encode())
    doc = IssuedDocument(
        reference=kw.pop("reference", f"AV-{employee_id}-{kind[:3]}-{version}"),
        kind=kind,
        version=version,
        employee_id=employee_id,
        agreement_id=agreement_id,
        pdf_bytes=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        snapshot_json=json.dumps({"kind": kind, "employee_id": employee_id}),
        template_version="test-1",
        **kw,
    )
    db.session.add(doc)
    db.session.commit()
    return doc


@pytest.fixture
def people(app):
    """Alice (logged-in employee, live agreement in adaptation) and Bruno (another employee)."""
    today = paris_today()
    with app.app_context():
        make_employer()
        alice = make_employee(
            first_name="Alice",
            last_name="Aubertin",
            personnel_number="A-1001",
            home_address="3 rue des Lilas, 09000 Foix",
        )
        bruno = make_employee(
            first_name="Bruno",
            last_name="Bernardeau",
            personnel_number="B-2002",
            home_address="8 impasse Bleue, 32000 Auch",
        )
        make_user(ALICE, role="employee", employee_id=alice.id)
        make_user(BRUNO, role="employee", employee_id=bruno.id)
        start = today - timedelta(days=10)
        agreement_a = make_agreement(
            employee_id=alice.id,
            status="adaptation",
            start_date=start,
            adaptation_end_date=start + timedelta(days=90),
            contact_slots="9 h 30 – 12 h 00",
            annual_interview_due_date=start + timedelta(days=365),
        )
        agreement_b = make_agreement(
            employee_id=bruno.id,
            status="active",
            start_date=today - timedelta(days=200),
            adaptation_end_date=today - timedelta(days=110),
            contact_slots="Créneau secret de Bruno",
        )
        doc_a = make_document(alice.id, agreement_a.id)
        doc_b = make_document(bruno.id, agreement_b.id)
        return {
            "alice": alice.id,
            "bruno": bruno.id,
            "agreement_a": agreement_a.id,
            "agreement_b": agreement_b.id,
            "doc_a": doc_a.id,
            "doc_b": doc_b.id,
            "today": today,
        }


@pytest.fixture
def alice_client(app, people):
    client = app.test_client()
    assert login(client, ALICE).status_code == 302
    return client


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- access ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    for url in PORTAL_GET_URLS:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/connexion"), url


def test_hr_without_employee_record_gets_403(hr_client):
    for url in PORTAL_GET_URLS:
        assert hr_client.get(url).status_code == 403, url


def test_hr_cannot_post_to_the_portal(app, hr_client, people):
    assert (
        hr_client.post(f"/mon-espace/documents/{people['doc_a']}/accuse-reception").status_code
        == 403
    )
    assert hr_client.post("/mon-espace/demande", data={"wished_days": "1"}).status_code == 403
    assert count(app, TeleworkRequest, TeleworkRequest.status == "pending") == 0


def test_employee_sees_only_their_telework(alice_client, people):
    response = alice_client.get("/mon-espace/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Alice AUBERTIN" in text
    assert "Actif — période d'adaptation" in text
    assert "lundi (journée), mercredi (journée)" in text
    assert "9 h 30 – 12 h 00" in text
    assert "20,00\u00a0€" in text  # 10 € x 2 weekly days
    assert format_date_fr(people["today"] - timedelta(days=10) + timedelta(days=90)) in text
    assert format_date_fr(people["today"] - timedelta(days=10) + timedelta(days=365)) in text
    assert "Bernardeau".upper() not in text and "Bruno" not in text
    assert "Créneau secret" not in text


def test_documents_list_only_mine(app, alice_client, people):
    response = alice_client.get("/mon-espace/documents")
    assert response.status_code == 200
    text = page_text(response)
    assert f"AV-{people['alice']}-ame-1" in text
    assert f"AV-{people['bruno']}-ame-1" not in text
    assert "Accuser réception" in text
    if "documents.download" in app.view_functions:
        with app.test_request_context():
            from flask import url_for

            own = url_for("documents.download", document_id=people["doc_a"])
            other = url_for("documents.download", document_id=people["doc_b"])
        assert f'href="{own}"' in text
        assert f'href="{other}"' not in text
    else:
        assert "Téléchargement indisponible" in text


def test_drafts_are_not_shown_but_history_is(app, alice_client, people):
    with app.app_context():
        make_agreement(
            employee_id=people["alice"],
            status="draft",
            days_per_week=Decimal("1"),
            weekly_pattern="11000000000000",
            contact_slots="Brouillon RH",
        )
        make_agreement(
            employee_id=people["alice"],
            status="ended",
            start_date=people["today"] - timedelta(days=900),
            adaptation_end_date=people["today"] - timedelta(days=810),
            ended_date=people["today"] - timedelta(days=400),
        )
    text = page_text(alice_client.get("/mon-espace/"))
    assert "Brouillon RH" not in text
    assert "Accords passés" in text and "Terminé" in text


# --- acknowledging a document ----------------------------------------------------------------


def test_acknowledge_records_the_first_timestamp_once(app, alice_client, people):
    url = f"/mon-espace/documents/{people['doc_a']}/accuse-reception"
    response = alice_client.post(url)
    assert response.status_code == 302
    with app.app_context():
        first = db.session.get(IssuedDocument, people["doc_a"]).acknowledged_dt
        assert first is not None
    response = alice_client.post(url, follow_redirects=True)
    assert "déjà accusé réception" in page_text(response)
    with app.app_context():
        assert db.session.get(IssuedDocument, people["doc_a"]).acknowledged_dt == first
        entries = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.object_type == "issued_documents",
                AuditEntry.object_id == people["doc_a"],
                AuditEntry.action == "update",
            )
        ).all()
        assert len(entries) == 1
        assert "acknowledged_dt" in json.loads(entries[0].changes_json)
    assert "confirmée le" in page_text(alice_client.get("/mon-espace/documents"))


def test_acknowledging_someone_elses_document_is_a_404(app, alice_client, people):
    assert (
        alice_client.post(f"/mon-espace/documents/{people['doc_b']}/accuse-reception").status_code
        == 404
    )
    assert alice_client.post("/mon-espace/documents/999999/accuse-reception").status_code == 404
    assert alice_client.post("/mon-espace/documents/0/accuse-reception").status_code == 404
    with app.app_context():
        assert db.session.get(IssuedDocument, people["doc_b"]).acknowledged_dt is None


def test_hr_account_linked_to_an_employee_sees_only_its_own_documents(app, people):
    with app.app_context():
        make_user("rh.salarie@example.test", role="hr", employee_id=make_employee().id)
    client = app.test_client()
    assert login(client, "rh.salarie@example.test").status_code == 302
    assert (
        client.post(f"/mon-espace/documents/{people['doc_a']}/accuse-reception").status_code == 404
    )
    assert f"AV-{people['alice']}" not in page_text(client.get("/mon-espace/documents"))
    with app.app_context():
        denied = db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "access_denied",
                AuditEntry.object_type == "issued_documents",
                AuditEntry.object_id == people["doc_a"],
            )
        )
        assert denied == 1
        assert db.session.get(IssuedDocument, people["doc_a"]).acknowledged_dt is None


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_acknowledge_without_token_is_refused(self, app, people):
        client = app.test_client()
        page = client.get("/connexion")
        import re

        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
        client.post(
            "/connexion",
            data={
                "email": ALICE,
                "password": "mot-de-passe-de-test-42",
                "csrf_token": token.group(1) if token else "",
            },
        )
        response = client.post(f"/mon-espace/documents/{people['doc_a']}/accuse-reception")
        assert response.status_code == 400
        with app.app_context():
            assert db.session.get(IssuedDocument, people["doc_a"]).acknowledged_dt is None


# --- a voluntary request ----------------------------------------------------------------------

VALID_REQUEST = {
    "wished_days": "1,5",
    "wished_pattern": ["mon_am", "mon_pm", "thu_pm"],
    "place_kind": "home",
    "third_place_id": "0",
    "motive": "Moins de trajets",
}


@pytest.fixture
def bruno_client(app, people):
    client = app.test_client()
    assert login(client, BRUNO).status_code == 302
    return client


def test_request_form_shows_home_address_and_third_places(app, bruno_client):
    with app.app_context():
        make_place(
            kind="third_place",
            third_place_type="telecentre",
            name="Télécentre de Foix",
            address="2 rue du Pont, 09000 Foix",
        )
    text = page_text(bruno_client.get("/mon-espace/demande"))
    assert "8 impasse Bleue" in text
    assert "Télécentre de Foix" in text
    # One place choice per half-day (on site, home, third place), Monday to Sunday.
    assert text.count('<select name="wished_pattern"') == 14
    assert "Mon domicile et un tiers-lieu" in text


def test_valid_request_lands_in_hr_inbox(app, bruno_client, people, hr_client):
    response = bruno_client.post("/mon-espace/demande", data=VALID_REQUEST)
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        req = db.session.scalar(
            select(TeleworkRequest).where(
                TeleworkRequest.employee_id == people["bruno"], TeleworkRequest.status == "pending"
            )
        )
        assert req.initiative == "employee"
        assert req.request_date == people["today"]
        assert req.wished_days == Decimal("1.5")
        assert req.wished_pattern == "11000001000000"
        assert req.motive == "Moins de trajets"
        assert req.place.kind == "home" and req.place.employee_id == people["bruno"]
        assert "8 impasse Bleue" in req.place.address
        assert (
            db.session.scalar(
                select(func.count(AuditEntry.id)).where(
                    AuditEntry.object_type == "telework_requests",
                    AuditEntry.object_id == req.id,
                    AuditEntry.action == "create",
                )
            )
            == 1
        )
        has_inbox = "requests.index" in app.view_functions
    if has_inbox:
        inbox = page_text(hr_client.get("/demandes/?status=pending"))
        assert "Bernardeau" in inbox or "BERNARDEAU" in inbox


def test_request_for_a_third_place(app, bruno_client, people):
    with app.app_context():
        third = make_place(
            kind="third_place",
            third_place_type="coworking",
            name="Cowork Auch",
            address="1 place de la Libération, 32000 Auch",
        )
        third_id = third.id
    data = dict(VALID_REQUEST, place_kind="third_place", third_place_id=str(third_id),
                wished_pattern=["mon_am:2", "mon_pm:2", "thu_pm:2"])
    assert bruno_client.post("/mon-espace/demande", data=data).status_code == 302
    with app.app_context():
        req = db.session.scalar(
            select(TeleworkRequest).where(
                TeleworkRequest.employee_id == people["bruno"], TeleworkRequest.status == "pending"
            )
        )
        assert req.place_id == third_id
        assert req.second_place_id is None
        assert req.wished_pattern == "11000001000000"  # code 1: the request's only place


def test_warnings_do_not_block_the_request(app, bruno_client, people):
    response = bruno_client.post(
        "/mon-espace/demande",
        data=dict(VALID_REQUEST, wished_days="3", wished_pattern=[]),
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Point d'attention" in page_text(response)
    assert "plafonne" in page_text(response)
    assert (
        count(
            app,
            TeleworkRequest,
            TeleworkRequest.employee_id == people["bruno"],
            TeleworkRequest.status == "pending",
        )
        == 1
    )


BAD_REQUESTS = [
    ({"wished_days": ""}, "Indiquez le nombre de jours"),
    ({"wished_days": "abc"}, "Nombre invalide"),
    ({"wished_days": "0"}, "au moins 0,5"),
    ({"wished_days": "8"}, "au plus 7"),
    ({"wished_days": "1,3"}, "demi-journées"),
    ({"wished_days": "1,25"}, "décimale"),
    ({"wished_days": "9" * 50}, "Nombre invalide"),
    ({"wished_days": "2"}, "représentent 1,5 jour(s)"),
    ({"wished_pattern": ["sun_xx"]}, "demi-journée inconnue"),
    ({"wished_pattern": ["mon_am"] * 15}, "trop de demi-journées"),
    ({"place_kind": "garage"}, "pas un choix valide"),
    ({"place_kind": "third_place", "third_place_id": "0"}, "Choisissez un tiers-lieu"),
    ({"place_kind": "third_place", "third_place_id": "abc"}, "Choisissez un tiers-lieu"),
    ({"motive": "x" * 4001}, "4 000 caractères au plus"),
    ({"motive": "nul\x01"}, "Caractères de contrôle"),
]


def test_bad_request_input_changes_nothing(app, bruno_client, people):
    for changes, message in BAD_REQUESTS:
        response = bruno_client.post("/mon-espace/demande", data=dict(VALID_REQUEST, **changes))
        assert response.status_code == 422, changes
        assert message in page_text(response), changes
        assert count(app, TeleworkRequest, TeleworkRequest.status == "pending") == 0, changes
        assert count(app, Place, Place.employee_id == people["bruno"]) == 1, changes  # factory's


def test_someone_elses_home_is_refused(app, bruno_client, people):
    with app.app_context():
        alices_home = db.session.scalar(
            select(Place.id).where(Place.employee_id == people["alice"])
        )
    data = dict(VALID_REQUEST, place_kind="third_place", third_place_id=str(alices_home))
    response = bruno_client.post("/mon-espace/demande", data=data)
    assert response.status_code == 422
    assert count(app, TeleworkRequest, TeleworkRequest.status == "pending") == 0


def test_home_without_address_is_refused(app, people):
    with app.app_context():
        employee = make_employee(home_address="")
        make_user("sans.adresse@example.test", role="employee", employee_id=employee.id)
    client = app.test_client()
    login(client, "sans.adresse@example.test")
    response = client.post("/mon-espace/demande", data=VALID_REQUEST)
    assert response.status_code == 422
    assert "adresse du domicile n'est pas renseignée" in page_text(response)
    assert count(app, TeleworkRequest, TeleworkRequest.status == "pending") == 0


def test_html_in_motive_is_stored_as_text_and_escaped(app, bruno_client, people):
    data = dict(VALID_REQUEST, motive="<script>alert(1)</script>")
    assert bruno_client.post("/mon-espace/demande", data=data).status_code == 302
    body = bruno_client.get("/mon-espace/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body


def test_second_pending_request_is_refused(app, bruno_client, people):
    with app.app_context():
        make_request(employee_id=people["bruno"], request_date=people["today"] - timedelta(days=3))
    page = page_text(bruno_client.get("/mon-espace/demande"))
    assert "déjà une demande de télétravail en attente" in page
    response = bruno_client.post("/mon-espace/demande", data=VALID_REQUEST)
    assert response.status_code == 422
    assert "déjà une demande de télétravail en attente" in page_text(response)
    assert (
        count(
            app,
            TeleworkRequest,
            TeleworkRequest.employee_id == people["bruno"],
            TeleworkRequest.status == "pending",
        )
        == 1
    )


# --- asking to end telework ------------------------------------------------------------------


def test_end_form_shows_the_notice_and_prefills_the_earliest_date(alice_client, people):
    text = page_text(alice_client.get("/mon-espace/fin-du-teletravail"))
    earliest = format_date_fr(people["today"] + timedelta(days=15))
    assert "période d'adaptation" in text
    assert "15 jours calendaires" in text
    assert earliest in text
    # The phone's date picker: <input type="date"> with the ISO value it expects.
    iso = (people["today"] + timedelta(days=15)).isoformat()
    assert f'type="date" value="{iso}"' in text


def test_too_early_end_date_is_refused_and_nothing_changes(app, alice_client, people):
    too_early = format_date_fr(people["today"] + timedelta(days=14))
    response = alice_client.post(
        "/mon-espace/fin-du-teletravail", data={"effective_date": too_early, "reason": ""}
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "délai de prévenance de 15 jours" in text
    assert format_date_fr(people["today"] + timedelta(days=15)) in text
    with app.app_context():
        agreement = db.session.get(Agreement, people["agreement_a"])
        assert agreement.status == "adaptation"
        assert agreement.ending_effective_date is None
        assert db.session.scalar(select(func.count(AgreementEvent.id))) == 0


BAD_END_DATES = [
    ("", "Indiquez la date"),
    ("31/02/2027", "n'existe pas"),
    ("demain", "jj/mm/aaaa"),
    ("01/01/2999", "année"),
    ("<b>12/12/2030</b>", "jj/mm/aaaa"),
]


def test_bad_end_dates_change_nothing(app, alice_client, people):
    far = format_date_fr(people["today"] + timedelta(days=15 + 400))
    for value, message in [*BAD_END_DATES, (far, "Date trop lointaine")]:
        response = alice_client.post(
            "/mon-espace/fin-du-teletravail", data={"effective_date": value}
        )
        assert response.status_code == 422, value
        assert message in page_text(response), value
        with app.app_context():
            agreement = db.session.get(Agreement, people["agreement_a"])
            assert (agreement.status, agreement.ending_effective_date) == ("adaptation", None)


def test_valid_end_request_moves_the_agreement_to_ending(app, alice_client, people):
    wished = people["today"] + timedelta(days=20)
    response = alice_client.post(
        "/mon-espace/fin-du-teletravail",
        data={"effective_date": format_date_fr(wished), "reason": "Nouvelle organisation"},
    )
    assert response.status_code == 302
    with app.app_context():
        agreement = db.session.get(Agreement, people["agreement_a"])
        assert agreement.status == "ending"
        assert agreement.ending_initiative == "employee"
        assert agreement.ending_notification_date == people["today"]
        assert agreement.ending_effective_date == wished
        assert agreement.ending_reason == "Nouvelle organisation"
        assert agreement.ending_phase == "adaptation"
        assert agreement.ending_notice_days == 15
        event = db.session.scalar(select(AgreementEvent))
        assert (event.event, event.from_state, event.to_state) == (
            "notify_end",
            "adaptation",
            "ending",
        )
        assert (
            db.session.scalar(
                select(func.count(AuditEntry.id)).where(
                    AuditEntry.object_type == "agreements", AuditEntry.action == "transition"
                )
            )
            == 1
        )
    text = page_text(alice_client.get("/mon-espace/"))
    assert "Fin notifiée" in text
    # Already ending: a second request is not possible.
    again = alice_client.post(
        "/mon-espace/fin-du-teletravail", data={"effective_date": format_date_fr(wished)}
    )
    assert again.status_code == 422
    assert "pas d'accord de télétravail en période d'adaptation ou en cours" in page_text(again)


def test_after_adaptation_the_longer_notice_applies(app, bruno_client, people):
    text = page_text(bruno_client.get("/mon-espace/fin-du-teletravail"))
    assert "clause de réversibilité" in text
    too_early = format_date_fr(people["today"] + timedelta(days=29))
    response = bruno_client.post(
        "/mon-espace/fin-du-teletravail", data={"effective_date": too_early}
    )
    assert response.status_code == 422
    assert "délai de prévenance de 30 jours" in page_text(response)
    ok = format_date_fr(people["today"] + timedelta(days=30))
    assert (
        bruno_client.post("/mon-espace/fin-du-teletravail", data={"effective_date": ok}).status_code
        == 302
    )
    with app.app_context():
        agreement = db.session.get(Agreement, people["agreement_b"])
        assert (agreement.status, agreement.ending_phase) == ("ending", "after_adaptation")


def test_end_page_without_a_running_agreement(app, people):
    with app.app_context():
        employee = make_employee()
        make_user("sans.accord@example.test", role="employee", employee_id=employee.id)
    client = app.test_client()
    login(client, "sans.accord@example.test")
    response = client.get("/mon-espace/fin-du-teletravail")
    assert response.status_code == 200
    assert "pas d'accord de télétravail" in page_text(response)
    assert (
        client.post(
            "/mon-espace/fin-du-teletravail", data={"effective_date": "01/01/2030"}
        ).status_code
        == 422
    )


# --- export ----------------------------------------------------------------------------------


def test_export_contains_my_data_and_nothing_of_bruno(app, alice_client, people):
    alice_client.post(f"/mon-espace/documents/{people['doc_a']}/accuse-reception")
    response = alice_client.get("/mon-espace/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert ".json" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    data = json.loads(body)
    assert data["employee"]["personnel_number"] == "A-1001"
    assert data["employee"]["last_name"] == "Aubertin"
    assert [a["id"] for a in data["agreements"]] == [people["agreement_a"]]
    assert len(data["requests"]) == 1
    doc = data["documents"][0]
    assert doc["id"] == people["doc_a"] and len(doc["sha256"]) == 64
    assert doc["acknowledged_dt"] is not None
    assert "pdf_bytes" not in doc
    assert any(e["object_type"] == "issued_documents" for e in data["audit"])
    for secret in (
        "B-2002",
        "Bernardeau",
        "Bruno",
        "impasse Bleue",
        "Créneau secret",
        f"AV-{people['bruno']}",
        "rh@example.test",
        "password_hash",
        "token_hash",
    ):
        assert secret not in body, secret
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(AuditEntry.id)).where(
                    AuditEntry.action == "export",
                    AuditEntry.object_type == "employees",
                    AuditEntry.object_id == people["alice"],
                )
            )
            == 1
        )


def test_export_hides_hr_identity_in_audit_entries(app, alice_client, people, hr_client):
    from hrtele.audit.service import record
    from hrtele.models import User

    with app.app_context():
        hr = db.session.scalar(select(User).where(User.email == "rh@example.test"))
        record("update", "agreements", people["agreement_a"], hr, {"contact_slots": ["a", "b"]})
        db.session.commit()
    data = json.loads(alice_client.get("/mon-espace/export").get_data(as_text=True))
    hr_entries = [e for e in data["audit"] if e["object_type"] == "agreements"]
    assert hr_entries and hr_entries[0]["actor"] == "Ressources humaines"
    assert "ip" not in hr_entries[0]


def test_index_links_to_export_and_pages_fit_a_phone(alice_client):
    body = alice_client.get("/mon-espace/").get_data(as_text=True)
    assert "/mon-espace/export" in body
    assert "<table" not in body  # facts as dl.facts: no wide table on a phone
    assert 'class="facts"' in body


def test_fixed_term_ending_before_the_notice_shows_why_no_form(app, alice_client, people):
    with app.app_context():
        agreement = db.session.get(Agreement, people["agreement_a"])
        agreement.end_date = people["today"] + timedelta(days=5)
        db.session.commit()
    text = page_text(alice_client.get("/mon-espace/fin-du-teletravail"))
    assert "s'arrêtera de lui-même" in text
    assert 'name="effective_date"' not in text
