"""Sessions that really end: replayed cookies, deactivation, password change, timeouts, cookie flags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import User, UserSession
from hrtele.models.base import utcnow
from tests.conftest import login
from tests.factories import TEST_PASSWORD, make_employee, make_user

NEW_PASSWORD = "une toute nouvelle phrase secrète"


def _cookie(client, name: str = "hrtele_session") -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _replay(app, value: str, name: str = "hrtele_session"):
    """A brand-new browser presenting a captured cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/connexion")


@pytest.fixture
def alice(app):
    with app.app_context():
        employee = make_employee(first_name="Alice", email="alice@example.test")
        return make_user("alice@example.test", role="employee", employee_id=employee.id).id


def _sessions(app, user_id: int) -> list[UserSession]:
    with app.app_context():
        rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)).all()
        db.session.expunge_all()
        return rows


def _shift(app, user_id: int, **deltas: timedelta) -> None:
    """Move the session timestamps of a user into the past."""
    with app.app_context():
        for row in db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)):
            for column, delta in deltas.items():
                setattr(row, column, utcnow() - delta)
        db.session.commit()


def test_cookie_replayed_after_logout_is_refused(app, client, alice):
    assert login(client, "alice@example.test").status_code == 302
    captured = _cookie(client)
    assert captured
    assert _replay(app, captured).get("/mon-compte").status_code == 200  # the cookie works...
    client.post("/deconnexion")
    assert _is_login_redirect(_replay(app, captured).get("/mon-compte"))  # ...until log-out
    assert _sessions(app, alice) == []


def test_deactivation_ends_open_sessions(app, client, admin_client, alice):
    login(client, "alice@example.test")
    assert client.get("/mon-compte").status_code == 200
    with app.app_context():
        version = db.session.get(User, alice).version
    response = admin_client.post(f"/comptes/{alice}/desactiver", data={"version": version})
    assert response.status_code == 302
    assert _is_login_redirect(client.get("/mon-compte"))
    assert _sessions(app, alice) == []


def test_deactivated_flag_alone_also_refuses_the_session(app, client, alice):
    login(client, "alice@example.test")
    with app.app_context():
        db.session.get(User, alice).is_active_account = False
        db.session.commit()
    assert _is_login_redirect(client.get("/mon-compte"))


def test_password_change_revokes_other_sessions_and_renews_this_one(app, alice):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "alice@example.test")
    login(phone, "alice@example.test")
    old_laptop_cookie = _cookie(laptop)
    assert len(_sessions(app, alice)) == 2
    response = laptop.post("/mon-compte/mot-de-passe", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert laptop.get("/mon-compte").status_code == 200  # this browser stays logged in
    assert _cookie(laptop) != old_laptop_cookie  # ... with a new session token
    assert _is_login_redirect(phone.get("/mon-compte"))  # the other device is logged out
    assert _is_login_redirect(_replay(app, old_laptop_cookie).get("/mon-compte"))
    assert len(_sessions(app, alice)) == 1
    assert login(app.test_client(), "alice@example.test", NEW_PASSWORD).status_code == 302


def test_close_other_sessions_button(app, alice):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "alice@example.test")
    login(phone, "alice@example.test")
    page = laptop.get("/mon-compte")
    assert "Fermer mes autres sessions" in page.get_data(as_text=True)
    assert laptop.post("/mon-compte/sessions/fermer").status_code == 302
    assert laptop.get("/mon-compte").status_code == 200
    assert _is_login_redirect(phone.get("/mon-compte"))


def test_admin_can_close_all_sessions_of_an_account(app, client, admin_client, alice):
    login(client, "alice@example.test")
    with app.app_context():
        version = db.session.get(User, alice).version
    assert admin_client.post(f"/comptes/{alice}/sessions/fermer",
                             data={"version": version}).status_code == 302
    assert _is_login_redirect(client.get("/mon-compte"))


def test_idle_timeout_after_30_minutes(app, client, alice):
    login(client, "alice@example.test")
    _shift(app, alice, last_seen_dt=timedelta(minutes=29))
    assert client.get("/mon-compte").status_code == 200
    _shift(app, alice, last_seen_dt=timedelta(minutes=31))
    assert _is_login_redirect(client.get("/mon-compte"))
    assert _sessions(app, alice) == []  # the expired row is deleted


def test_absolute_timeout_after_12_hours_even_when_active(app, client, alice):
    login(client, "alice@example.test")
    _shift(app, alice, created_dt=timedelta(hours=11, minutes=59), last_seen_dt=timedelta(seconds=5))
    assert client.get("/mon-compte").status_code == 200
    _shift(app, alice, created_dt=timedelta(hours=12, minutes=1), last_seen_dt=timedelta(seconds=5))
    assert _is_login_redirect(client.get("/mon-compte"))


def test_activity_refreshes_last_seen_at_most_once_a_minute(app, client, alice):
    login(client, "alice@example.test")
    _shift(app, alice, last_seen_dt=timedelta(seconds=30))
    before = _sessions(app, alice)[0].last_seen_dt
    client.get("/mon-compte")
    assert _sessions(app, alice)[0].last_seen_dt == before  # not written on every request
    _shift(app, alice, last_seen_dt=timedelta(minutes=20))
    stale = _sessions(app, alice)[0].last_seen_dt
    client.get("/mon-compte")
    refreshed = _sessions(app, alice)[0].last_seen_dt
    assert refreshed > stale
    # 20 minutes of inactivity, then activity: the idle clock restarted, so 15 more minutes is fine.
    _shift(app, alice, last_seen_dt=timedelta(minutes=15))
    assert client.get("/mon-compte").status_code == 200


def test_expired_rows_are_purged_at_next_login(app, alice):
    first = app.test_client()
    login(first, "alice@example.test")
    _shift(app, alice, last_seen_dt=timedelta(hours=1))
    login(app.test_client(), "alice@example.test")
    assert len(_sessions(app, alice)) == 1


def test_forged_or_garbage_cookie_is_anonymous(app, alice):
    forged = _replay(app, "not-a-signed-session")
    assert _is_login_redirect(forged.get("/mon-compte"))
    with app.test_request_context():
        from flask import session

        session["sid"] = "a" * 43  # well-formed but unknown token, properly signed
        serializer = app.session_interface.get_signing_serializer(app)
        value = serializer.dumps(dict(session))
    assert _is_login_redirect(_replay(app, value).get("/mon-compte"))


def test_new_session_token_at_login_fixation(app, alice):
    """A cookie obtained before log-in (e.g. planted by an attacker) never becomes authenticated."""
    with app.test_request_context():
        from flask import session

        session["sid"] = "attacker-chosen-token-value-0000000000000"
        planted = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    victim = _replay(app, planted)
    assert login(victim, "alice@example.test").status_code == 302
    assert _cookie(victim) != planted
    assert _is_login_redirect(_replay(app, planted).get("/mon-compte"))
    [row] = _sessions(app, alice)
    import hashlib

    assert row.token_hash != hashlib.sha256(b"attacker-chosen-token-value-0000000000000").hexdigest()


def test_session_cookie_flags_over_http_for_local_use(client, alice):
    response = login(client, "alice@example.test")
    header = response.headers["Set-Cookie"]
    assert header.startswith("hrtele_session=")
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    assert "Secure" not in header


@pytest.mark.parametrize("app_config", [{"SESSION_COOKIE_SECURE": True}])
def test_secure_session_cookie_uses_host_prefix(app, alice):
    client = app.test_client()
    https = "https://localhost"  # a Secure cookie is only sent back over HTTPS
    response = client.post("/connexion", base_url=https,
                           data={"email": "alice@example.test", "password": TEST_PASSWORD})
    header = response.headers["Set-Cookie"]
    assert header.startswith("__Host-hrtele=")
    assert "; Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    assert "Path=/" in header and "Domain=" not in header
    assert client.get("/mon-compte", base_url=https).status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_cookie_expires_within_the_absolute_lifetime(client, alice):
    from datetime import datetime
    from email.utils import parsedate_to_datetime

    header = login(client, "alice@example.test").headers["Set-Cookie"]
    expires = header.split("Expires=")[1].split(";")[0]
    lifetime = parsedate_to_datetime(expires) - datetime.now(parsedate_to_datetime(expires).tzinfo)
    assert timedelta(hours=11) < lifetime <= timedelta(hours=12, minutes=1)


def test_sessions_table_keeps_only_hashes(app, client, alice):
    login(client, "alice@example.test")
    cookie = _cookie(client)
    with app.app_context():
        hashes = db.session.scalars(select(UserSession.token_hash)).all()
        count = db.session.scalar(select(func.count(UserSession.id)))
    assert count == 1 and len(hashes[0]) == 64
    assert hashes[0] not in cookie
