"""The audit trail: what is recorded, and the HR/admin browser with its filters."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hrtele.audit.service import day_start_utc, describe_changes, record
from hrtele.extensions import db
from hrtele.models import AuditEntry
from tests.conftest import login
from tests.factories import make_employee, make_user, page_text


def _entries(app, **where) -> list[AuditEntry]:
    with app.app_context():
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEntry, key) == value)
        rows = db.session.scalars(stmt).all()
        db.session.expunge_all()
        return rows


def _add(app, *entries):
    """Insert audit rows (actor label, action, object type, object id, at, changes)."""
    with app.app_context():
        for label, action, object_type, object_id, at, changes in entries:
            db.session.add(AuditEntry(actor_label=label, action=action, object_type=object_type,
                                      object_id=object_id, at_dt=at,
                                      changes_json=json.dumps(changes, ensure_ascii=False)))
        db.session.commit()


@pytest.fixture
def employee_client(app):
    with app.app_context():
        employee = make_employee(first_name="Alice")
        make_user("alice@example.test", role="employee", employee_id=employee.id)
    client = app.test_client()
    assert login(client, "alice@example.test").status_code == 302
    return client


# --- what gets recorded -------------------------------------------------------------------------

def test_refused_access_is_recorded_once_with_actor_and_path(app, employee_client):
    before = len(_entries(app, action="access_denied"))
    assert employee_client.get("/journal/?action=login").status_code == 403
    denied = _entries(app, action="access_denied")
    assert len(denied) == before + 1
    entry = denied[-1]
    assert entry.actor_label == "alice@example.test" and entry.actor_id is not None
    assert json.loads(entry.changes_json) == {"method": "GET", "path": "/journal/"}
    assert entry.at_dt is not None and entry.ip == "127.0.0.1"


def test_object_denial_is_recorded_with_the_object(app):
    from flask import Flask  # noqa: F401  (app context below)
    from werkzeug.exceptions import NotFound

    from hrtele.auth.access import get_visible_or_404
    from hrtele.models import Employee, User

    with app.app_context():
        alice = make_employee(first_name="Alice")
        bob = make_employee(first_name="Bob")
        user = make_user("alice@example.test", role="employee", employee_id=alice.id)
        alice_id, bob_id, user_id = alice.id, bob.id, user.id
    with app.test_request_context("/x"):
        actor = db.session.get(User, user_id)
        with pytest.raises(NotFound):
            get_visible_or_404(Employee, bob_id, actor)
        assert get_visible_or_404(Employee, alice_id, actor).id == alice_id
        with pytest.raises(NotFound):
            get_visible_or_404(Employee, 2**40, actor)
    [entry] = _entries(app, action="access_denied")
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("employees", bob_id, user_id)


def test_account_operations_never_record_secrets(app, admin_client, mail_outbox):
    admin_client.post("/comptes/nouveau", data={"email": "n@example.test", "role": "hr"})
    [message] = [m for m in mail_outbox if m["To"] == "n@example.test"]
    token = message.get_content().split("/invitation/")[1].split()[0]
    app.test_client().post(f"/invitation/{token}", data={
        "new_password": "une phrase de passe solide", "confirm": "une phrase de passe solide"})
    everything = " ".join(e.changes_json for e in _entries(app))
    assert token not in everything
    assert "une phrase de passe solide" not in everything
    assert "$argon2" not in everything
    actions = [e.action for e in _entries(app, object_type="users")]
    assert {"create", "invite", "update", "invitation_used", "login"} <= set(actions)


def test_record_serialises_dates_decimals_and_bytes(app):
    from datetime import date
    from decimal import Decimal

    with app.app_context():
        record("update", "agreements", 3, None, {"start_date": [date(2026, 1, 5), date(2026, 2, 2)],
                                                 "amount": Decimal("12.50"), "pdf": b"%PDF-1.7"})
        db.session.commit()
    [entry] = _entries(app, object_type="agreements")
    assert json.loads(entry.changes_json) == {
        "amount": "12.50", "pdf": "<8 octets>", "start_date": ["2026-01-05", "2026-02-02"]}


def test_describe_changes_for_display():
    assert describe_changes('{"a": [1, 2], "b": true, "c": null, "d": "x"}') == [
        ("a", "1 → 2"), ("b", "oui"), ("c", "—"), ("d", "x")]
    assert describe_changes('{"d": ["2026-03-01", "2026-07-14T08:30:00+00:00"]}') == [
        ("d", "01/03/2026 → 14/07/2026 10:30")]
    assert describe_changes('{"d": "2026-02-31"}') == [("d", "2026-02-31")]
    assert describe_changes("pas du json") == [("", "pas du json")]
    assert describe_changes("[1, 2]") == [("", "[1, 2]")]


def test_paris_day_bounds():
    assert day_start_utc(datetime(2026, 7, 14).date()) == datetime(2026, 7, 13, 22, 0, tzinfo=UTC)
    assert day_start_utc(datetime(2026, 1, 14).date()) == datetime(2026, 1, 13, 23, 0, tzinfo=UTC)


# --- the browser ---------------------------------------------------------------------------------

@pytest.fixture
def trail(app):
    """A small trail across two days (Paris time)."""
    _add(
        app,
        ("rh@example.test", "create", "posts", 7, datetime(2026, 3, 9, 8, 0, tzinfo=UTC), {"code": "P7"}),
        ("rh@example.test", "update", "posts", 7, datetime(2026, 3, 10, 23, 30, tzinfo=UTC),
         {"title": ["Ancien", "Nouveau"]}),
        ("paul@example.test", "delete", "places", 3, datetime(2026, 3, 11, 9, 0, tzinfo=UTC),
         {"name": "<script>alert(1)</script>"}),
    )


def test_hr_sees_the_trail_newest_first(hr_client, trail):
    response = hr_client.get("/journal/")
    assert response.status_code == 200
    text = page_text(response)
    assert text.index("paul@example.test") < text.index("Ancien → Nouveau")
    assert "Suppression" in text and "Lieu de télétravail n° 3" in text
    assert "11/03/2026 00:30" in text  # 23:30 UTC on 10/03 is 00:30 in Paris (CET) on 11/03
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_admin_sees_the_trail_too(admin_client, trail):
    assert admin_client.get("/journal/").status_code == 200


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ({"acteur": "PAUL"}, ["paul@example.test"], ["Ancien → Nouveau"]),
        ({"action": "update"}, ["Ancien → Nouveau"], ["paul@example.test", "P7"]),
        ({"objet": "places"}, ["paul@example.test"], ["P7"]),
        ({"objet": "posts", "numero": "7"}, ["P7", "Ancien → Nouveau"], ["paul@example.test"]),
        ({"du": "11/03/2026"}, ["Ancien → Nouveau", "paul@example.test"], ["P7"]),
        ({"au": "10/03/2026"}, ["P7"], ["Ancien → Nouveau", "paul@example.test"]),
        ({"du": "2026-03-10", "au": "2026-03-10"}, [], ["P7", "Ancien → Nouveau", "paul@example"]),
        ({"acteur": "%"}, [], ["paul@example.test", "P7"]),  # wildcards are literal
    ],
)
def test_filters(hr_client, trail, query, present, absent):
    response = hr_client.get("/journal/", query_string=query)
    assert response.status_code == 200
    # Only the page's content: the logout form's random CSRF token could contain "P7".
    text = page_text(response).split('<main id="contenu"', 1)[1]
    for item in present:
        assert item in text, item
    for item in absent:
        assert item not in text, item


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"du": "31/02/2026"}, "n'existe pas"),
        ({"du": "demain"}, "jj/mm/aaaa"),
        ({"du": "12/03/2026", "au": "11/03/2026"}, "La date de fin précède la date de début."),
        ({"numero": "abc"}, "numéro entier positif"),
        ({"numero": "99999999999"}, "10"),
        ({"action": "inconnue"}, ""),
        ({"acteur": "a" * 101}, "100 caractères"),
    ],
)
def test_bad_filters_are_422_in_french(hr_client, trail, query, message):
    response = hr_client.get("/journal/", query_string=query)
    assert response.status_code == 422
    text = page_text(response)
    assert "Corrigez les filtres" in text
    assert message in text


@pytest.mark.parametrize("app_config", [{"PAGE_SIZE": 2}])
def test_trail_is_paginated_and_filters_survive_paging(hr_client, trail):
    first = hr_client.get("/journal/?acteur=example")
    text = page_text(first)
    assert "Page 1 sur 2" in text
    assert "acteur=example" in first.get_data(as_text=True).split('rel="next"')[0].rsplit("href=", 1)[-1]
    second = page_text(hr_client.get("/journal/?acteur=example&page=2"))
    assert "Page 2 sur 2" in second and "P7" in second


def test_filter_choices_come_from_the_trail(hr_client, trail):
    body = hr_client.get("/journal/").get_data(as_text=True)
    assert '<option value="places">Lieu de télétravail</option>' in body
    assert '<option value="delete">Suppression</option>' in body
