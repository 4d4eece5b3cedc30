"""TOTP second factor for HR and admin accounts: enrolment, codes, replay, recovery, reset."""

from __future__ import annotations

import re
import types

import pyotp
import pytest
from sqlalchemy import func, select

from hrtele.auth import two_factor
from hrtele.extensions import db
from hrtele.models import AuditEntry, User
from tests.conftest import login
from tests.factories import make_employee, make_user, page_text

SECRET = re.compile(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<')
RECOVERY = re.compile(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>")


@pytest.fixture
def app_config() -> dict:
    return {"TWO_FACTOR_REQUIRED": True}


@pytest.fixture
def clock(monkeypatch):
    """The second factor's clock, moved by hand (a code is accepted once per 30 s step)."""
    state = {"now": 1_900_000_000.0}
    monkeypatch.setattr(two_factor, "time", types.SimpleNamespace(time=lambda: state["now"]))
    return state


@pytest.fixture
def hr(app):
    with app.app_context():
        return make_user("rh.mfa@example.test", role="hr").id


def _enrol(client, clock) -> tuple[str, list[str]]:
    """Log in for the first time and set up the authenticator; returns (secret, recovery)."""
    response = login(client, "rh.mfa@example.test")
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion/double-authentification"
    page = client.get("/connexion/double-authentification")
    assert page.status_code == 200
    assert "<svg" in page.get_data(as_text=True)  # the QR code, inline (no script, no URL)
    secret = SECRET.search(page.get_data(as_text=True)).group(1).replace(" ", "")
    code = pyotp.TOTP(secret).at(clock["now"])
    done = client.post("/connexion/double-authentification", data={"code": code})
    assert done.status_code == 200
    codes = RECOVERY.findall(done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def test_password_alone_opens_nothing(app, client, hr, clock):
    response = login(client, "rh.mfa@example.test")
    assert response.status_code == 302
    assert client.get("/postes/").status_code == 302  # not logged in yet
    assert client.get("/connexion/code").status_code == 302  # nothing to confirm: not enrolled


def test_enrol_then_log_in_with_a_code(app, client, hr, clock):
    secret, _ = _enrol(client, clock)
    assert client.get("/postes/").status_code == 200
    client.post("/deconnexion")
    response = login(client, "rh.mfa@example.test")
    assert response.headers["Location"] == "/connexion/code"
    assert client.get("/postes/").status_code == 302
    wrong = client.post("/connexion/code", data={"code": "000000"})
    assert wrong.status_code == 401 and "Code incorrect" in page_text(wrong)
    clock["now"] += 30
    ok = client.post("/connexion/code", data={"code": pyotp.TOTP(secret).at(clock["now"])})
    assert ok.status_code == 302
    assert client.get("/postes/").status_code == 200
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry.changes_json).where(
            AuditEntry.action == "login", AuditEntry.object_id == hr)).all()
    assert any("totp" in e for e in entries)


def test_a_code_is_accepted_once(app, client, hr, clock):
    secret, _ = _enrol(client, clock)
    client.post("/deconnexion")
    clock["now"] += 30
    code = pyotp.TOTP(secret).at(clock["now"])
    login(client, "rh.mfa@example.test")
    assert client.post("/connexion/code", data={"code": code}).status_code == 302
    client.post("/deconnexion")
    other = app.test_client()
    login(other, "rh.mfa@example.test")
    assert other.post("/connexion/code", data={"code": code}).status_code == 401  # replay


def test_recovery_codes_work_once_each(app, client, hr, clock):
    _, codes = _enrol(client, clock)
    client.post("/deconnexion")
    login(client, "rh.mfa@example.test")
    assert client.post("/connexion/code", data={"code": codes[0].upper()}).status_code == 302
    client.post("/deconnexion")
    login(client, "rh.mfa@example.test")
    assert client.post("/connexion/code", data={"code": codes[0]}).status_code == 401
    with app.app_context():
        assert two_factor.remaining_recovery_codes(hr) == 9


def test_pending_log_in_expires(app, client, hr, clock, monkeypatch):
    _enrol(client, clock)
    client.post("/deconnexion")
    login(client, "rh.mfa@example.test")
    from hrtele.auth import routes

    real = routes.time.time
    monkeypatch.setattr(routes, "time", types.SimpleNamespace(time=lambda: real() + 301))
    assert client.get("/connexion/code").status_code == 302


def test_employees_are_not_asked(app, client):
    with app.app_context():
        employee = make_employee()
        make_user("salarie.mfa@example.test", role="employee", employee_id=employee.id)
    response = login(client, "salarie.mfa@example.test")
    assert response.status_code == 302 and response.headers["Location"] != "/connexion/code"
    assert "double-authentification" not in response.headers["Location"]


def test_admin_resets_a_lost_second_factor_with_the_record_version(app, client, hr, clock):
    _enrol(client, clock)
    with app.app_context():
        make_user("admin.mfa@example.test", role="admin")
        two_factor.start_enrolment(db.session.scalar(select(User).where(
            User.email == "admin.mfa@example.test")))
        db.session.commit()
    admin = app.test_client()
    with app.app_context():
        admin_user = db.session.scalar(select(User).where(User.email == "admin.mfa@example.test"))
        secret = two_factor.totp_of(admin_user.id).secret
    login(admin, "admin.mfa@example.test")
    admin.post("/connexion/double-authentification",
               data={"code": pyotp.TOTP(secret).at(clock["now"])})
    with app.app_context():
        stale = db.session.get(User, hr).version
        db.session.get(User, hr).display_name = "Modifié ailleurs"
        db.session.commit()
    assert admin.post(f"/comptes/{hr}/double-authentification/reinitialiser",
                      data={"version": stale}).status_code == 409
    with app.app_context():
        current = db.session.get(User, hr).version
    done = admin.post(f"/comptes/{hr}/double-authentification/reinitialiser",
                      data={"version": current})
    assert done.status_code == 302
    assert client.get("/postes/").status_code == 302  # its sessions ended
    response = login(client, "rh.mfa@example.test")
    assert response.headers["Location"] == "/connexion/double-authentification"


@pytest.mark.parametrize("app_config", [{"TWO_FACTOR_REQUIRED": True, "RATELIMIT_ENABLED": True,
                                         "RATELIMIT_LOGIN": "5 per minute",
                                         "RATELIMIT_STORAGE_URI": "hrtele-db://"}])
def test_wrong_codes_are_throttled(app, client, hr, clock):
    _enrol(client, clock)
    client.post("/deconnexion")
    login(client, "rh.mfa@example.test")
    codes = [client.post("/connexion/code", data={"code": "123456"}).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "login_failed")) >= 5


def test_recovery_codes_can_be_renewed_with_a_fresh_code(app, client, hr, clock):
    secret, old = _enrol(client, clock)
    clock["now"] += 30
    response = client.post("/mon-compte/double-authentification/codes",
                           data={"code": pyotp.TOTP(secret).at(clock["now"])})
    assert response.status_code == 200
    new = RECOVERY.findall(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    refused = client.post("/mon-compte/double-authentification/codes", data={"code": "000000"})
    assert refused.status_code == 303
