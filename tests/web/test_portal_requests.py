# ruff: noqa: F811  (fixtures imported from test_portal)
"""Employee's space (issue 13): change or withdraw a pending request, home plus a third place,
each day's place, this week's days, and dates typed in any French layout."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import Agreement, AuditEntry, Employee, Notification, TeleworkRequest
from tests.factories import make_employee, make_place, make_request, page_text
from tests.web.test_employees import VALID as VALID_EMPLOYEE
from tests.web.test_portal import (  # noqa: F401  (fixtures)
    VALID_REQUEST,
    alice_client,
    bruno_client,
    people,
)


@pytest.fixture
def third_place(app):
    with app.app_context():
        return make_place(kind="third_place", third_place_type="telecentre",
                          name="Cap Delta", address="1 rue de la Gare, 09000 Foix").id


@pytest.fixture
def pending(app, people):
    """A pending request of Bruno's, at home on Monday and Tuesday."""
    with app.app_context():
        return make_request(employee_id=people["bruno"], request_date=people["today"] - timedelta(
            days=3), wished_days=Decimal("2"), wished_pattern="11110000000000").id


def _req(app, request_id) -> TeleworkRequest:
    with app.app_context():
        req = db.session.get(TeleworkRequest, request_id)
        db.session.expunge(req)
        return req


def _notified(app, kind) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Notification.id)).where(
            Notification.kind == kind)) or 0


# --- home plus a third place -----------------------------------------------------------------


def test_home_and_third_place_one_place_per_half_day(app, bruno_client, people, third_place):
    data = dict(VALID_REQUEST, wished_days="2", place_kind="home_and_third_place",
                third_place_id=str(third_place),
                wished_pattern=["mon_am", "mon_pm", "thu_am:2", "thu_pm:2"])
    response = bruno_client.post("/mon-espace/demande", data=data)
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        req = db.session.scalar(select(TeleworkRequest).where(
            TeleworkRequest.employee_id == people["bruno"], TeleworkRequest.status == "pending"))
        assert req.place.kind == "home" and req.second_place_id == third_place
        assert req.wished_pattern == "11000022000000"
    page = page_text(bruno_client.get("/mon-espace/"))
    assert "lundi (journée, domicile), jeudi (journée, Cap Delta)" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"place_kind": "home", "wished_pattern": ["mon_am:2", "mon_pm:2", "tue_am"]},
     "domicile seulement"),
    ({"place_kind": "third_place", "wished_pattern": ["mon_am", "mon_pm", "tue_am:2"]},
     "tiers-lieu seulement"),
    ({"place_kind": "home_and_third_place", "third_place_id": "0"}, "Choisissez un tiers-lieu"),
    ({"place_kind": "home_and_third_place", "wished_pattern": ["mon_am:3"]},
     "demi-journée inconnue"),
    ({"place_kind": "home_and_third_place", "wished_pattern": ["mon_am", "mon_am:2"]},
     "deux lieux à la fois"),
])
def test_places_and_half_days_must_agree(app, bruno_client, people, third_place, changes,
                                         message):
    data = {**VALID_REQUEST, "third_place_id": str(third_place), **changes}
    response = bruno_client.post("/mon-espace/demande", data=data)
    assert response.status_code == 422
    assert message in page_text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(TeleworkRequest.id)).where(
            TeleworkRequest.employee_id == people["bruno"])) == 1  # the factory's accepted one


def test_someone_elses_home_as_the_second_place_is_refused(app, bruno_client, people):
    with app.app_context():
        alices_home = make_place(employee_id=people["alice"]).id
    data = dict(VALID_REQUEST, place_kind="home_and_third_place", third_place_id=str(alices_home))
    response = bruno_client.post("/mon-espace/demande", data=data)
    assert response.status_code == 422
    assert "Choisissez un tiers-lieu dans la liste" in page_text(response)


# --- change a pending request ----------------------------------------------------------------


def test_change_form_is_prefilled(app, bruno_client, pending):
    # The « new request » page, with a request pending, leads to changing it.
    assert f"/mon-espace/demande/{pending}/modifier" in bruno_client.get(
        "/mon-espace/demande").get_data(as_text=True)
    response = bruno_client.get(f"/mon-espace/demande/{pending}/modifier")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'value="mon_am" selected' in body and 'value="tue_pm" selected' in body
    assert 'value="wed_am" selected' not in body
    assert re.search(r'<input checked[^>]*value="home"', body)


def test_changing_a_pending_request(app, hr_client, bruno_client, people, pending, third_place):
    before = _req(app, pending)
    data = dict(VALID_REQUEST, wished_days="1", wished_pattern=["fri_am:2", "fri_pm:2"],
                place_kind="third_place", third_place_id=str(third_place),
                version=str(before.version), motive="Plus près de chez moi")
    response = bruno_client.post(f"/mon-espace/demande/{pending}/modifier", data=data)
    assert response.status_code == 302, page_text(response)
    after = _req(app, pending)
    assert after.status == "pending"
    assert after.request_date == before.request_date  # the written proof keeps its date
    assert after.wished_days == Decimal("1")
    assert after.wished_pattern == "00000000110000"
    assert after.place_id == third_place and after.second_place_id is None
    assert after.motive == "Plus près de chez moi"
    assert after.version == before.version + 1
    assert _notified(app, "request_changed") >= 1
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.object_type == "telework_requests", AuditEntry.object_id == pending,
            AuditEntry.action == "update")) == 1


def test_a_stale_change_is_a_409_and_changes_nothing(app, bruno_client, pending):
    before = _req(app, pending)
    data = dict(VALID_REQUEST, version=str(before.version + 5))
    response = bruno_client.post(f"/mon-espace/demande/{pending}/modifier", data=data)
    assert response.status_code == 409
    assert _req(app, pending).wished_pattern == before.wished_pattern


def test_bad_change_changes_nothing(app, bruno_client, pending):
    before = _req(app, pending)
    data = dict(VALID_REQUEST, wished_days="abc", version=str(before.version))
    response = bruno_client.post(f"/mon-espace/demande/{pending}/modifier", data=data)
    assert response.status_code == 422
    assert "Nombre invalide" in page_text(response)
    assert _req(app, pending).version == before.version


def test_a_decided_request_cannot_be_changed_or_withdrawn(app, bruno_client, people, pending):
    with app.app_context():
        req = db.session.get(TeleworkRequest, pending)
        req.status, req.decision_date = "refused", people["today"]
        db.session.commit()
        version = req.version
    changed = bruno_client.post(f"/mon-espace/demande/{pending}/modifier",
                                data=dict(VALID_REQUEST, version=str(version)))
    assert changed.status_code == 422
    assert "déjà reçu une réponse" in page_text(changed)
    withdrawn = bruno_client.post(f"/mon-espace/demande/{pending}/retirer",
                                  data={"version": str(version)})
    assert withdrawn.status_code == 422
    assert "déjà reçu une réponse" in page_text(withdrawn)
    assert _req(app, pending).status == "refused"


def test_someone_elses_request_is_a_404(app, alice_client, pending):
    assert alice_client.get(f"/mon-espace/demande/{pending}/modifier").status_code == 404
    response = alice_client.post(f"/mon-espace/demande/{pending}/retirer", data={"version": "1"})
    assert response.status_code == 404
    assert _req(app, pending).status == "pending"


# --- withdraw a pending request --------------------------------------------------------------


def test_withdrawing_a_pending_request(app, hr_client, bruno_client, people, pending):
    page = page_text(bruno_client.get("/mon-espace/"))
    assert "Retirer ma demande" in page and "Modifier ma demande" in page
    version = _req(app, pending).version
    response = bruno_client.post(f"/mon-espace/demande/{pending}/retirer",
                                 data={"version": str(version)}, follow_redirects=True)
    assert response.status_code == 200
    assert "est retirée" in page_text(response)
    req = _req(app, pending)
    assert req.status == "withdrawn" and req.decision_date == people["today"]
    assert _notified(app, "request_changed") >= 1
    # A new request may be made at once.
    assert "Retirer ma demande" not in page_text(bruno_client.get("/mon-espace/"))
    assert bruno_client.post("/mon-espace/demande", data=VALID_REQUEST).status_code == 302


def test_withdrawing_twice_or_stale_changes_nothing_more(app, bruno_client, pending):
    version = _req(app, pending).version
    assert bruno_client.post(f"/mon-espace/demande/{pending}/retirer",
                             data={"version": str(version + 1)}).status_code == 409
    assert _req(app, pending).status == "pending"
    assert bruno_client.post(f"/mon-espace/demande/{pending}/retirer",
                             data={"version": "abc"}).status_code in (409, 422)
    assert _req(app, pending).status == "pending"


# --- where and when ---------------------------------------------------------------------------


def test_index_shows_each_days_place_and_this_week(app, people, third_place):
    with app.app_context():
        agreement = db.session.get(Agreement, people["agreement_b"])
        agreement.second_place_id = third_place
        agreement.weekly_pattern = "11000022000000"
        db.session.commit()
    from tests.conftest import login
    from tests.web.test_portal import BRUNO

    client = app.test_client()
    login(client, BRUNO)
    page = page_text(client.get("/mon-espace/"))
    assert "Lieu de chaque jour" in page
    assert re.search(r"<strong>Lundi</strong> : domicile</li>", page)
    assert re.search(r"<strong>Jeudi</strong> : Cap Delta</li>", page)
    assert "Cette semaine" in page
    assert "Télétravail — Domicile" in page or "Sur site" in page


# --- dates in every French layout -------------------------------------------------------------

LAYOUTS = ("{d:%d/%m/%Y}", "{d:%d.%m.%Y}", "{d:%d-%m-%Y}", "{d:%d %m %Y}", "{d:%d%m%Y}",
           "{d:%Y-%m-%d}")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_employee_end_date_in_any_layout(app, alice_client, people, layout):
    wished = people["today"] + timedelta(days=20)
    response = alice_client.post("/mon-espace/fin-du-teletravail",
                                 data={"effective_date": layout.format(d=wished), "reason": ""})
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        assert db.session.get(Agreement, people["agreement_a"]).ending_effective_date == wished


@pytest.mark.parametrize(("value", "message"), [
    ("31/02/2027", "Date impossible"),
    ("99/99/9999", "Date invalide"),
    ("<script>alert(1)</script>", "Date invalide"),
    ("04/01-2027", "Date invalide"),
    ("1" * 5000, "Date invalide"),
])
def test_employee_bad_end_date_is_a_422(app, alice_client, people, value, message):
    response = alice_client.post("/mon-espace/fin-du-teletravail",
                                 data={"effective_date": value, "reason": ""})
    assert response.status_code == 422
    assert message in page_text(response)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Agreement, people["agreement_a"]).status == "adaptation"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_hr_date_field_in_any_layout(app, hr_client, layout):
    number = f"D{LAYOUTS.index(layout)}"
    data = dict(VALID_EMPLOYEE, personnel_number=number,
                hire_date=layout.format(d=date(2020, 1, 6)))
    response = hr_client.post("/salaries/nouveau", data=data)
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        employee = db.session.scalar(select(Employee).where(Employee.personnel_number == number))
        assert employee.hire_date == date(2020, 1, 6)


def test_day_change_form_uses_the_date_picker_and_reads_iso(alice_client):
    body = alice_client.get("/mon-espace/jours/").get_data(as_text=True)
    assert 'name="from_date" type="date"' in body
    assert 'name="to_date" type="date"' in body
    response = alice_client.post("/mon-espace/jours/changement",
                                 data={"kind": "cancel", "half": "day", "from_date": "31.02.2027"})
    assert response.status_code == 422
    assert "Date impossible" in page_text(response)


def test_agreement_prefill_carries_the_second_place(app, hr_client, people, third_place):
    with app.app_context():
        req = make_request(employee_id=people["bruno"], status="accepted",
                           decision_date=people["today"], wished_pattern="11000022000000",
                           place_id=make_place(employee_id=people["bruno"]).id,
                           second_place_id=third_place)
        request_id = req.id
    body = hr_client.get(f"/accords/nouveau?request_id={request_id}").get_data(as_text=True)
    assert f'<option selected value="{third_place}">' in body or (
        f'value="{third_place}" selected' in body)


def test_hr_correction_keeps_each_half_day_at_its_place(app, hr_client, people, third_place):
    from tests.web.test_requests import valid

    with app.app_context():
        carla = make_employee(first_name="Carla", home_address="2 rue Haute, 09000 Foix").id
        home = make_place(employee_id=carla).id
        req = make_request(employee_id=carla, request_date=people["today"],
                           wished_pattern="11000022000000", place_id=home,
                           second_place_id=third_place)
        request_id, version = req.id, req.version
    page = hr_client.get(f"/demandes/{request_id}/modifier").get_data(as_text=True)
    assert '<option value="thu_am:2" selected>Cap Delta</option>' in page
    shown = page_text(hr_client.get(f"/demandes/{request_id}"))
    assert "Cap Delta" in shown
    data = valid(carla, request_date=people["today"].strftime("%d/%m/%Y"),
                 place_id=str(home), version=str(version), motive="Corrigé par les RH",
                 wished_pattern=["mon_am", "mon_pm", "thu_am:2", "thu_pm:2"])
    response = hr_client.post(f"/demandes/{request_id}/modifier", data=data)
    assert response.status_code == 302, page_text(response)
    after = _req(app, request_id)
    assert after.wished_pattern == "11000022000000" and after.second_place_id == third_place
    assert after.motive == "Corrigé par les RH"
