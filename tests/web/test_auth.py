"""Log-in and log-out: generic failures, safe `next`, new session at log-in, audit, no default account."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from hrtele.auth import passwords
from hrtele.extensions import db
from hrtele.models import AuditEntry, User, UserSession
from tests.conftest import login
from tests.factories import TEST_PASSWORD, make_employee, make_user, page_text


@pytest.fixture
def alice(app):
    """An active employee account."""
    with app.app_context():
        employee = make_employee(first_name="Alice", email="alice@example.test")
        return make_user("alice@example.test", role="employee", employee_id=employee.id).id


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        db.session.expunge_all()
        return rows


def _session_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(UserSession.id)))


def test_fresh_database_has_no_account(app):
    """No default account with a known password (ASVS 6.3.2)."""
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_login_page_is_french_and_has_labels(client):
    response = client.get("/connexion")
    assert response.status_code == 200
    text = page_text(response)
    assert "Connexion" in text and "Adresse électronique" in text and "Mot de passe" in text
    assert 'autocomplete="current-password"' in text


def test_successful_login_opens_a_server_side_session(app, client, alice):
    response = login(client, "alice@example.test")
    assert response.status_code == 302
    assert _session_count(app) == 1
    [entry] = _audit(app, "login")
    assert entry.actor_id == alice and entry.object_id == alice
    assert client.get("/mon-compte").status_code == 200


def test_login_is_case_insensitive_on_the_address(client, alice):
    assert login(client, "  ALICE@Example.TEST ").status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("alice@example.test", "mauvais mot de passe"),
        ("alice@example.test", TEST_PASSWORD + " "),  # exactly as typed: no strip
        ("alice@example.test", TEST_PASSWORD.upper()),
        ("inconnu@example.test", TEST_PASSWORD),
        ("alice@example.test", "x" * 1000),  # long passwords are checked, never a 500
    ],
)
def test_failed_login_is_generic_and_audited(app, client, alice, email, password):
    response = login(client, email, password)
    assert response.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in page_text(response)
    assert _session_count(app) == 0
    [entry] = _audit(app, "login_failed")
    assert entry.actor_id is None
    assert email.strip().lower() in entry.changes_json
    assert password not in entry.changes_json


def test_unknown_and_wrong_password_give_the_same_page(client, alice):
    wrong = login(client, "alice@example.test", "mauvais mot de passe")
    unknown = login(client, "bob@example.test", "mauvais mot de passe")
    strip = lambda r: page_text(r).replace("alice@example.test", "").replace("bob@example.test", "")  # noqa: E731
    assert wrong.status_code == unknown.status_code == 401
    assert strip(wrong) == strip(unknown)


@pytest.mark.parametrize(
    "data",
    [
        {"email": "", "password": ""},
        {"email": "alice@example.test"},
        {"email": "a" * 300 + "@example.test", "password": "x"},
        {"email": "alice@example.test", "password": "x" * 5000},
    ],
)
def test_invalid_login_form_is_422(client, alice, data):
    response = client.post("/connexion", data=data)
    assert response.status_code == 422
    assert "<form" in page_text(response)


def test_deactivated_account_cannot_log_in(app, client, alice):
    with app.app_context():
        db.session.get(User, alice).is_active_account = False
        db.session.commit()
    assert login(client, "alice@example.test").status_code == 401
    assert _session_count(app) == 0


def test_account_without_password_cannot_log_in(app, client):
    with app.app_context():
        employee = make_employee()
        db.session.add(User(email="invite@example.test", role="employee", employee_id=employee.id,
                            display_name="Invité"))
        db.session.commit()
    assert login(client, "invite@example.test", "").status_code == 422
    assert login(client, "invite@example.test", "nimporte quoi du tout").status_code == 401


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/postes/", "/postes/"),
        ("/postes/?q=a&page=2", "/postes/?q=a&page=2"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http:/evil.example", "/"),
        ("", "/"),
    ],
)
def test_next_only_redirects_inside_the_site(app, client, hr_user, target, expected):
    response = client.post("/connexion", query_string={"next": target},
                           data={"email": "rh@example.test", "password": TEST_PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == expected, location
    assert "evil" not in location


def test_logged_in_user_visiting_login_goes_home(hr_client):
    response = hr_client.get("/connexion")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_employee_lands_in_their_space(app, client, alice):
    response = login(client, "alice@example.test")
    assert response.status_code == 302
    assert response.headers["Location"] != "/"
    assert client.get(response.headers["Location"]).status_code == 200


def test_logout_is_post_only_and_ends_the_session(app, client, alice):
    login(client, "alice@example.test")
    assert client.get("/deconnexion").status_code == 405
    assert _session_count(app) == 1
    response = client.post("/deconnexion")
    assert response.status_code == 302 and response.headers["Location"] == "/connexion"
    assert _session_count(app) == 0
    assert [e.actor_id for e in _audit(app, "logout")] == [alice]
    follow = client.get("/mon-compte")
    assert follow.status_code == 302 and follow.headers["Location"].startswith("/connexion")


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/postes/?q=abc")
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion?next=/postes/?q%3Dabc"


def test_login_rehashes_a_hash_with_old_parameters(app, client, monkeypatch):
    weak = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    with app.app_context():
        user = User(email="ancien@example.test", role="hr", display_name="Ancien",
                    password_hash=weak.hash(TEST_PASSWORD))
        db.session.add(user)
        db.session.commit()
        user_id = user.id
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=2, memory_cost=128, parallelism=1))
    assert login(client, "ancien@example.test").status_code == 302
    with app.app_context():
        stored = db.session.get(User, user_id).password_hash
    assert re.search(r"m=128,t=2,p=1", stored)


def test_no_default_account_in_migrations():
    from pathlib import Path

    migrations = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    for path in migrations.glob("*.py"):
        text = path.read_text(encoding="utf-8").lower()
        assert "insert into users" not in text, path.name
        assert "bulk_insert(users" not in text.replace(" ", ""), path.name
