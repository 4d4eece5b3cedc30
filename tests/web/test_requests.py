"""Telework request screens: recording (rules engine, warnings to confirm), decisions, lists."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hrtele.clock import today as paris_today
from hrtele.extensions import db
from hrtele.models import AuditEntry, Place, TeleworkRequest
from tests.factories import (
    TEST_PASSWORD,
    make_agreement,
    make_employee,
    make_place,
    make_post,
    make_request,
    make_user,
    page_text,
)


def fr(d: date) -> str:
    return d.strftime("%d/%m/%Y")


TODAY = paris_today()
REQUEST_DATE = TODAY - timedelta(days=20)


@pytest.fixture
def employee_id(app):
    """An active employee on an eligible post (policy: 2 days max, 3 days on site)."""
    with app.app_context():
        return make_employee(home_address="4 rue du Four, 09000 Foix").id


def valid(emp_id: int, /, **changes) -> dict:
    data = {
        "employee_id": str(emp_id),
        "request_date": fr(REQUEST_DATE),
        "initiative": "employee",
        "wished_days": "2",
        "wished_pattern": ["mon_am", "mon_pm", "thu_am", "thu_pm"],
        "place_id": "0",
        "motive": "Réduire 1 h 30 de trajet quotidien",
    }
    data.update(changes)
    return data


def count_requests(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(TeleworkRequest.id)))


def request_state(app, request_id: int) -> tuple:
    with app.app_context():
        r = db.session.get(TeleworkRequest, request_id)
        return (r.status, r.decision_date, r.decided_by_id, r.refusal_reason, r.version,
                r.wished_days, r.wished_pattern)


def digest(page: str) -> str:
    return re.search(r'name="warnings_digest" type="hidden" value="([^"]*)"', page).group(1)


# --------------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------------


def test_record_request_with_valid_data(app, hr_client, hr_user, employee_id):
    response = hr_client.post("/demandes/nouveau", data=valid(employee_id))
    assert response.status_code == 302
    with app.app_context():
        req = db.session.scalar(select(TeleworkRequest))
        assert req.employee_id == employee_id and req.status == "pending"
        assert req.request_date == REQUEST_DATE and req.wished_days == Decimal("2")
        assert req.wished_pattern == "11000011000000" and req.initiative == "employee"
        assert req.place_id is None
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.object_type == "telework_requests"))
        assert entry.action == "create" and entry.actor_id == hr_user
    page = page_text(hr_client.get(response.headers["Location"]))
    assert "En attente" in page and "lundi (journée), jeudi (journée)" in page
    assert "En attente depuis" in page and "20 jours" in page


def test_form_shows_grid_with_labels_and_preselects_employee(app, hr_client, employee_id):
    page = hr_client.get(f"/demandes/nouveau?employee_id={employee_id}").get_data(as_text=True)
    assert "<legend>Jours souhaités</legend>" in page
    assert page.count('type="checkbox" name="wished_pattern"') == 14
    assert '<label for="wished_pattern-sun_pm" class="visually-hidden">Dimanche après-midi</label>' in page
    assert f'<option selected value="{employee_id}">' in page
    assert "C. trav. L1222-9, 2012 : volontariat" in page_text(hr_client.get("/demandes/nouveau"))


def test_employee_search_narrows_the_select(app, hr_client):
    with app.app_context():
        make_employee(last_name="Zorglub")
        make_employee(last_name="Alpha")
    page = page_text(hr_client.get("/demandes/nouveau?q=zorg"))
    assert "ZORGLUB" in page and "ALPHA" not in page


BAD_INPUT = [
        ({"employee_id": "0"}, "Choisissez le salarié"),
        ({"employee_id": "abc"}, "Choisissez le salarié"),
        ({"employee_id": "999999"}, "Choisissez le salarié"),
        ({"request_date": ""}, "La date de la demande est obligatoire."),
        ({"request_date": "31/02/2026"}, "Date impossible"),
        ({"request_date": "hier"}, "jj/mm/aaaa"),
        ({"request_date": "1" * 500}, "jj/mm/aaaa"),
        ({"request_date": fr(TODAY + timedelta(days=3))}, "ne peut pas être dans le futur"),
        ({"wished_days": ""}, "Indiquez le nombre de jours souhaités."),
        ({"wished_days": "0"}, "au moins 0,5"),
        ({"wished_days": "-1"}, "au moins 0,5"),
        ({"wished_days": "8"}, "au plus 7"),
        ({"wished_days": "1,3"}, "demi-journées"),
        ({"wished_days": "1,25"}, "décimale"),
        ({"wished_days": "deux"}, "Nombre invalide"),
        ({"wished_days": "1e1"}, "Nombre invalide"),
        ({"wished_pattern": ["sun_xx"]}, "demi-journée inconnue"),
        ({"wished_pattern": ["mon_am"] * 15}, "trop de demi-journées"),
        ({"initiative": "boss"}, "choix valide"),
        ({"place_id": "999999"}, "Ce lieu n'existe pas."),
        ({"place_id": "abc"}, "Choix non valide"),
        ({"motive": "Nul\x01"}, "Caractères de contrôle"),
        ({"motive": "M" * 4001}, "4 000 caractères au plus."),
]


def test_record_request_rejects_bad_input(app, hr_client, employee_id):
    for changes, message in BAD_INPUT:
        response = hr_client.post("/demandes/nouveau", data=valid(employee_id, **changes))
        assert response.status_code == 422, changes
        assert message in page_text(response), changes
    assert count_requests(app) == 0


def test_another_employees_home_is_refused(app, hr_client, employee_id):
    with app.app_context():
        other = make_employee()
        home_id = make_place(employee_id=other.id).id
    response = hr_client.post("/demandes/nouveau", data=valid(employee_id, place_id=str(home_id)))
    assert response.status_code == 422
    assert "Ce domicile est celui d'un autre salarié." in page_text(response)
    assert count_requests(app) == 0


def test_inactive_employee_is_blocking_even_with_confirmation(app, hr_client):
    with app.app_context():
        employee_id = make_employee(is_active=False).id
    data = valid(employee_id, confirm_warnings="y")
    response = hr_client.post("/demandes/nouveau", data=data)
    assert response.status_code == 422
    assert "ne fait plus partie des effectifs" in page_text(response)
    assert "Bloquant" in page_text(response)
    assert count_requests(app) == 0


def test_warnings_need_an_explicit_confirmation(app, hr_client, employee_id):
    data = valid(employee_id, wished_days="3",
                 wished_pattern=["mon_am", "mon_pm", "tue_am", "tue_pm", "thu_am", "thu_pm"])
    response = hr_client.post("/demandes/nouveau", data=data)
    assert response.status_code == 422
    page = page_text(response)
    assert "Avertissement" in page and "plafonne le télétravail à 2 jours" in page
    assert "Je confirme l'enregistrement malgré les avertissements" in page
    assert "Cochez cette case pour enregistrer malgré les avertissements." in page
    assert count_requests(app) == 0
    # Ticking the box without the digest of the warnings shown is not a confirmation.
    response = hr_client.post("/demandes/nouveau", data=dict(data, confirm_warnings="y"))
    assert response.status_code == 422
    assert "Les avertissements ont changé" in page_text(response)
    assert count_requests(app) == 0
    shown = digest(response.get_data(as_text=True))
    response = hr_client.post("/demandes/nouveau",
                              data=dict(data, confirm_warnings="y", warnings_digest=shown))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(TeleworkRequest.wished_days)) == Decimal("3")


def test_no_confirmation_box_without_warnings(app, hr_client, employee_id):
    response = hr_client.post("/demandes/nouveau", data=valid(employee_id, wished_days="abc"))
    assert response.status_code == 422
    assert "Je confirme l'enregistrement" not in page_text(response)


def test_pattern_not_matching_days_and_duplicate_are_warnings(app, hr_client, employee_id):
    with app.app_context():
        make_request(employee_id=employee_id, request_date=REQUEST_DATE - timedelta(days=5))
    response = hr_client.post("/demandes/nouveau",
                              data=valid(employee_id, wished_pattern=["wed_am"]))
    assert response.status_code == 422
    page = page_text(response)
    assert "représentent 0,5 jour(s) par semaine, et non les 2 jour(s) demandés" in page
    assert "est déjà en attente" in page
    assert count_requests(app) == 1


def test_ineligible_post_is_a_warning(app, hr_client):
    with app.app_context():
        post = make_post(is_eligible=False, eligibility_reason="Accueil physique du public")
        employee_id = make_employee(post_id=post.id).id
    response = hr_client.post("/demandes/nouveau", data=valid(employee_id))
    assert response.status_code == 422
    assert "n'est pas télétravaillable (Accueil physique du public)" in page_text(response)
    assert count_requests(app) == 0


def test_home_from_employee_file_creates_then_reuses_the_place(app, hr_client, employee_id):
    data = valid(employee_id, place_id="-1")
    assert hr_client.post("/demandes/nouveau", data=data).status_code == 302
    with app.app_context():
        place = db.session.scalar(select(Place))
        assert (place.kind, place.employee_id, place.address) == (
            "home", employee_id, "4 rue du Four, 09000 Foix")
        first_place_id = place.id
        req = db.session.scalar(select(TeleworkRequest))
        assert req.place_id == first_place_id
        db.session.delete(req)
        db.session.commit()
    assert hr_client.post("/demandes/nouveau", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Place.id))) == 1
        assert db.session.scalar(select(TeleworkRequest.place_id)) == first_place_id


def test_home_from_file_without_address_is_refused(app, hr_client):
    with app.app_context():
        employee_id = make_employee(home_address="").id
    response = hr_client.post("/demandes/nouveau", data=valid(employee_id, place_id="-1"))
    assert response.status_code == 422
    assert "L'adresse du domicile n'est pas renseignée" in page_text(response)
    assert count_requests(app) == 0


def test_html_in_motive_is_escaped(app, hr_client, employee_id):
    data = valid(employee_id, motive="<script>alert(1)</script>")
    response = hr_client.post("/demandes/nouveau", data=data)
    assert response.status_code == 302
    page = hr_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --------------------------------------------------------------------------------------------
# Correcting a pending request
# --------------------------------------------------------------------------------------------


def test_edit_pending_request(app, hr_client, employee_id):
    with app.app_context():
        req = make_request(employee_id=employee_id, request_date=REQUEST_DATE)
        request_id, version = req.id, req.version
    data = valid(employee_id, wished_days="1,5", wished_pattern=["mon_am", "mon_pm", "fri_am"],
                 version=str(version))
    response = hr_client.post(f"/demandes/{request_id}/modifier", data=data)
    assert response.status_code == 302
    state = request_state(app, request_id)
    assert state[5] == Decimal("1.5") and state[6] == "11000000100000" and state[4] == version + 1


def test_edit_with_stale_version_gives_409(app, hr_client, employee_id):
    with app.app_context():
        req = make_request(employee_id=employee_id, request_date=REQUEST_DATE)
        request_id, version = req.id, req.version
    first = valid(employee_id, wished_days="1", wished_pattern=[], version=str(version))
    assert hr_client.post(f"/demandes/{request_id}/modifier", data=first).status_code == 302
    before = request_state(app, request_id)
    second = valid(employee_id, wished_days="2", wished_pattern=[], version=str(version))
    response = hr_client.post(f"/demandes/{request_id}/modifier", data=second)
    assert response.status_code == 409
    assert "modifié par quelqu'un d'autre" in page_text(response)
    assert request_state(app, request_id) == before


def test_edit_cannot_change_the_employee(app, hr_client, employee_id):
    with app.app_context():
        req = make_request(employee_id=employee_id, request_date=REQUEST_DATE)
        request_id, version = req.id, req.version
        other_id = make_employee().id
    before = request_state(app, request_id)
    response = hr_client.post(f"/demandes/{request_id}/modifier",
                              data=valid(other_id, version=str(version)))
    assert response.status_code == 422
    assert "ne peut pas être changé" in page_text(response)
    assert request_state(app, request_id) == before


def test_decided_request_cannot_be_edited(app, hr_client, employee_id):
    with app.app_context():
        req = make_request(employee_id=employee_id, status="accepted",
                           decision_date=REQUEST_DATE)
        request_id, version = req.id, req.version
    before = request_state(app, request_id)
    response = hr_client.post(f"/demandes/{request_id}/modifier",
                              data=valid(employee_id, version=str(version)),
                              follow_redirects=True)
    assert "ne peut plus être modifiée" in page_text(response)
    assert request_state(app, request_id) == before


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


@pytest.fixture
def pending(app, employee_id):
    """(id, version) of a pending request made 20 days ago."""
    with app.app_context():
        req = make_request(employee_id=employee_id, request_date=REQUEST_DATE)
        return req.id, req.version


def test_accept_request(app, hr_client, hr_user, pending):
    request_id, version = pending
    response = hr_client.post(f"/demandes/{request_id}/accepter",
                              data={"accept-version": str(version),
                                    "accept-decision_date": fr(TODAY - timedelta(days=2))})
    assert response.status_code == 302
    status, decision_date, decided_by, _reason, new_version, *_ = request_state(app, request_id)
    assert (status, decision_date, decided_by) == ("accepted", TODAY - timedelta(days=2), hr_user)
    assert new_version == version + 1
    with app.app_context():
        req = db.session.get(TeleworkRequest, request_id)
        assert req.decided_dt is not None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "transition"))
        assert entry.object_id == request_id and '"event": "accept"' in entry.changes_json
    page = page_text(hr_client.get(f"/demandes/{request_id}"))
    assert "Acceptée" in page and "Délai de réponse" in page and "18 jours" in page
    assert "Accepter la demande" not in page  # no decision buttons once decided


def catalogue_id(app, code: str) -> int:
    """Id of a seeded refusal reason."""
    from hrtele.models import RefusalReason

    with app.app_context():
        return db.session.scalar(select(RefusalReason.id).where(RefusalReason.code == code))


def test_refuse_request_with_reason(app, hr_client, pending):
    request_id, version = pending
    response = hr_client.post(f"/demandes/{request_id}/refuser",
                              data={"refuse-version": str(version),
                                    "refuse-decision_date": fr(TODAY),
                                    "refuse-reason_id": str(catalogue_id(app, "other")),
                                    "refuse-refusal_reason": "  Poste d'accueil du public  "})
    assert response.status_code == 302
    state = request_state(app, request_id)
    assert state[0] == "refused" and state[3] == "Poste d'accueil du public"
    page = page_text(hr_client.get(f"/demandes/{request_id}"))
    assert "Poste d'accueil du public" in page and "Autre motif" in page


def test_refusal_without_reason_is_refused(app, hr_client, pending):
    request_id, version = pending
    before = request_state(app, request_id)
    other = str(catalogue_id(app, "other"))
    for reason_id, reason, message in (
        ("", "Sous-effectif", "Choisissez le motif du refus"),
        ("0", "Sous-effectif", "Choisissez le motif du refus"),
        ("999999", "Sous-effectif", "Choisissez un motif proposé"),
        ("abc", "Sous-effectif", "Choisissez le motif du refus"),
        (other, "", "Précisez le motif du refus"),
        (other, "   ", "Précisez le motif du refus"),
        (other, "\n\t", "Précisez le motif du refus"),
    ):
        response = hr_client.post(f"/demandes/{request_id}/refuser",
                                  data={"refuse-version": str(version),
                                        "refuse-decision_date": fr(TODAY),
                                        "refuse-reason_id": reason_id,
                                        "refuse-refusal_reason": reason})
        assert response.status_code == 422, (reason_id, reason)
        assert message in page_text(response), (reason_id, reason)
    assert request_state(app, request_id) == before


def test_refusal_with_a_catalogue_reason_needs_no_precision(app, hr_client, pending):
    request_id, version = pending
    seniority = catalogue_id(app, "seniority")
    response = hr_client.post(f"/demandes/{request_id}/refuser",
                              data={"refuse-version": str(version),
                                    "refuse-decision_date": fr(TODAY),
                                    "refuse-reason_id": str(seniority),
                                    "refuse-refusal_reason": ""})
    assert response.status_code == 302
    with app.app_context():
        req = db.session.get(TeleworkRequest, request_id)
        assert (req.status, req.refusal_reason_id, req.refusal_reason) == (
            "refused", seniority, "")
        assert req.refusal_reason_label == "Ancienneté insuffisante"


def test_withdraw_request(app, hr_client, pending):
    request_id, version = pending
    response = hr_client.post(f"/demandes/{request_id}/retirer",
                              data={"withdraw-version": str(version),
                                    "withdraw-decision_date": fr(TODAY)})
    assert response.status_code == 302
    assert request_state(app, request_id)[0] == "withdrawn"


BAD_DECISION_DATES = [
        ("", "La date de la décision est obligatoire."),
        ("31/02/2026", "Date impossible"),
        ("n'importe quoi", "jj/mm/aaaa"),
        (fr(REQUEST_DATE - timedelta(days=1)), "ne peut pas précéder celle de la demande"),
        (fr(TODAY + timedelta(days=3)), "ne peut pas être dans le futur"),
]


def test_bad_decision_date_changes_nothing(app, hr_client, pending):
    request_id, version = pending
    before = request_state(app, request_id)
    for decision_date, message in BAD_DECISION_DATES:
        response = hr_client.post(f"/demandes/{request_id}/accepter",
                                  data={"accept-version": str(version),
                                        "accept-decision_date": decision_date})
        assert response.status_code == 422, decision_date
        assert message in page_text(response), decision_date
    assert request_state(app, request_id) == before


def test_accepting_a_refused_request_is_refused_with_message(app, hr_client, employee_id):
    with app.app_context():
        req = make_request(employee_id=employee_id, request_date=REQUEST_DATE, status="refused",
                           refusal_reason="Sous-effectif", decision_date=TODAY)
        request_id, version = req.id, req.version
    before = request_state(app, request_id)
    response = hr_client.post(f"/demandes/{request_id}/accepter",
                              data={"accept-version": str(version),
                                    "accept-decision_date": fr(TODAY)},
                              follow_redirects=True)
    assert response.status_code == 200
    assert "Impossible d'accepter une demande à l'état « refusée »" in page_text(response)
    assert request_state(app, request_id) == before
    with app.app_context():
        assert db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "transition")) == 0


def test_accepting_for_a_departed_employee_is_refused(app, hr_client):
    with app.app_context():
        employee = make_employee(is_active=False)
        req = make_request(employee_id=employee.id, request_date=REQUEST_DATE)
        request_id, version = req.id, req.version
    before = request_state(app, request_id)
    response = hr_client.post(f"/demandes/{request_id}/accepter",
                              data={"accept-version": str(version),
                                    "accept-decision_date": fr(TODAY)},
                              follow_redirects=True)
    assert "ne fait plus partie des effectifs" in page_text(response)
    assert request_state(app, request_id) == before


def test_decision_on_stale_version_gives_409(app, hr_client, pending):
    request_id, version = pending
    with app.app_context():  # someone corrects the request meanwhile
        req = db.session.get(TeleworkRequest, request_id)
        req.motive = "Précisé par téléphone"
        db.session.commit()
    before = request_state(app, request_id)
    response = hr_client.post(f"/demandes/{request_id}/refuser",
                              data={"refuse-version": str(version),
                                    "refuse-decision_date": fr(TODAY),
                                    "refuse-reason_id": str(catalogue_id(app, "other")),
                                    "refuse-refusal_reason": "Motif"})
    assert response.status_code == 409
    assert "modifié par quelqu'un d'autre" in page_text(response)
    assert request_state(app, request_id) == before


def test_decision_routes_refuse_get(hr_client, pending):
    request_id, _version = pending
    assert hr_client.get(f"/demandes/{request_id}/accepter").status_code == 405


# --------------------------------------------------------------------------------------------
# Agreement link, lists, access
# --------------------------------------------------------------------------------------------


def test_draft_agreement_link_only_for_accepted_requests(app, hr_client, employee_id):
    with app.app_context():
        accepted = make_request(employee_id=employee_id, status="accepted",
                                decision_date=REQUEST_DATE)
        waiting = make_request(employee_id=employee_id, request_date=REQUEST_DATE)
        accepted_id, waiting_id = accepted.id, waiting.id
    accepted_page = page_text(hr_client.get(f"/demandes/{accepted_id}"))
    assert "Rédiger l'accord" not in page_text(hr_client.get(f"/demandes/{waiting_id}"))
    if "agreements.create" in app.view_functions:
        assert "Rédiger l'accord" in accepted_page
        assert f"request_id={accepted_id}" in accepted_page
    else:
        assert "Rédiger l'accord" not in accepted_page


def test_list_filters_by_status_and_searches(app, hr_client):
    with app.app_context():
        ana = make_employee(last_name="Anaïs", personnel_number="ANA-1").id
        bob = make_employee(last_name="Bertrand").id
        make_request(employee_id=ana, request_date=REQUEST_DATE)
        make_request(employee_id=bob, status="refused", refusal_reason="x",
                     decision_date=REQUEST_DATE)
        for _ in range(26):
            make_request(employee_id=bob, status="withdrawn", decision_date=REQUEST_DATE)
    page = page_text(hr_client.get("/demandes/?status=pending"))
    assert "ANAÏS" in page and "BERTRAND" not in page
    page = page_text(hr_client.get("/demandes/?status=refused"))
    assert "BERTRAND" in page and "ANAÏS" not in page and "1 résultat" in page
    assert "ANAÏS" in page_text(hr_client.get("/demandes/?q=ana-1"))
    assert "ANAÏS" not in page_text(hr_client.get("/demandes/?q=bertrand"))
    assert "Page 1 sur 2" in page_text(hr_client.get("/demandes/"))
    for args in ("status=bogus", "page=2", "page=0", "q=%27%22<b>"):
        response = hr_client.get(f"/demandes/?{args}")
        assert response.status_code == 200
    assert "<b>" not in hr_client.get("/demandes/?q=<b>").get_data(as_text=True)


def test_list_shows_days_waited(app, hr_client, pending):
    page = page_text(hr_client.get("/demandes/?status=pending"))
    assert '<td class="num">20</td>' in page


def test_employee_detail_links_to_its_requests(app, hr_client, employee_id, pending):
    request_id, _version = pending
    page = hr_client.get(f"/salaries/{employee_id}").get_data(as_text=True)
    assert f'href="/demandes/{request_id}"' in page
    assert f'href="/demandes/nouveau?employee_id={employee_id}"' in page


def test_unknown_request_is_404(hr_client):
    assert hr_client.get("/demandes/999999").status_code == 404
    assert hr_client.post("/demandes/999999/accepter", data={}).status_code == 404


def test_employee_role_cannot_use_hr_screens(app, client):
    from tests.conftest import login

    with app.app_context():
        user = make_user(email="salarie@example.test", role="employee")
        req = make_request(employee_id=user.employee_id, request_date=REQUEST_DATE)
        request_id, version = req.id, req.version
    assert login(client, "salarie@example.test").status_code == 302
    assert client.get("/demandes/").status_code == 403
    assert client.get("/lieux/").status_code == 403
    response = client.post(f"/demandes/{request_id}/accepter",
                           data={"accept-version": str(version),
                                 "accept-decision_date": fr(TODAY)})
    assert response.status_code == 403
    assert request_state(app, request_id)[0] == "pending"


class TestCsrf:
    """Decision buttons are POST forms protected by CSRF (prefixed token fields)."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    @staticmethod
    def _login(app):
        with app.app_context():
            make_user(email="rh3@example.test", role="hr")
        client = app.test_client()
        page = client.get("/connexion").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post("/connexion", data={"email": "rh3@example.test",
                                               "password": TEST_PASSWORD,
                                               "csrf_token": token}).status_code == 302
        return client

    def test_decision_without_token_is_400_and_with_token_works(self, app, pending):
        request_id, version = pending
        client = self._login(app)
        data = {"accept-version": str(version), "accept-decision_date": fr(TODAY)}
        assert client.post(f"/demandes/{request_id}/accepter", data=data).status_code == 400
        assert request_state(app, request_id)[0] == "pending"
        page = client.get(f"/demandes/{request_id}").get_data(as_text=True)
        token = re.search(r'name="accept-csrf_token" type="hidden" value="([^"]+)"',
                          page).group(1)
        response = client.post(f"/demandes/{request_id}/accepter",
                               data=dict(data, **{"accept-csrf_token": token}))
        assert response.status_code == 302
        assert request_state(app, request_id)[0] == "accepted"


def test_agreement_factory_request_is_listed(app, hr_client):
    with app.app_context():
        make_agreement()
    assert "Acceptée" in page_text(hr_client.get("/demandes/?status=accepted"))
