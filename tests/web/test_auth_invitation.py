"""The invitation link: one use, 7 days, password policy, unusable when stale."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hrtele.extensions import db
from hrtele.models import AuditEntry, Invitation, User
from hrtele.models.base import utcnow
from tests.conftest import login
from tests.factories import make_employee, page_text

GOOD = "une phrase de passe solide"


@pytest.fixture
def invited(app):
    """(user id, clear token) of an employee account created without a password."""
    from hrtele.users.services import create_invitation, create_user

    with app.app_context():
        employee = make_employee(first_name="Élodie", email="elodie@example.test")
        user = create_user("elodie@example.test", "employee", None, None, "Élodie", employee.id)
        _, token = create_invitation(user, None)
        db.session.commit()
        return user.id, token


def _choose(client, token, password=GOOD, confirm=None):
    return client.post(f"/invitation/{token}",
                       data={"new_password": password, "confirm": password if confirm is None else confirm})


def _user(app, user_id) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_form_shows_account_expiry_and_policy(client, invited):
    _, token = invited
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 200
    text = page_text(response)
    assert "elodie@example.test" in text
    assert "valable jusqu'au" in text and "ne sert qu'une fois" in text
    assert "Au moins 12 caractères" in text
    assert 'autocomplete="new-password"' in text
    assert response.headers["Referrer-Policy"] == "same-origin"  # the token never leaks off-site


def test_choosing_a_password_then_logging_in(app, client, invited):
    user_id, token = invited
    response = _choose(client, token)
    assert response.status_code == 302 and response.headers["Location"] == "/connexion"
    user = _user(app, user_id)
    assert user.password_hash.startswith("$argon2id$") and user.password_changed_dt is not None
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == user_id))
        assert invitation.used_dt is not None
        actions = db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "users", AuditEntry.object_id == user_id)).all()
    assert "invitation_used" in actions
    assert login(client, "elodie@example.test", GOOD).status_code == 302


def test_link_works_only_once(client, invited):
    _, token = invited
    assert _choose(client, token).status_code == 302
    again = client.get(f"/invitation/{token}")
    assert again.status_code == 404
    assert "Ce lien d'invitation n'est plus valable" in page_text(again)
    assert _choose(client, token, "une autre phrase de passe").status_code == 404


def test_expired_link_is_refused(app, client, invited):
    user_id, token = invited
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == user_id))
        invitation.expires_dt = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get(f"/invitation/{token}").status_code == 404
    assert _choose(client, token).status_code == 404
    assert _user(app, user_id).password_hash is None


def test_link_of_a_deactivated_account_is_refused(app, client, invited):
    user_id, token = invited
    with app.app_context():
        db.session.get(User, user_id).is_active_account = False
        db.session.commit()
    assert client.get(f"/invitation/{token}").status_code == 404


@pytest.mark.parametrize("token", ["inconnu", "A" * 43, "x" * 100, "x" * 101, "..%2f..%2fetc",
                                   "<script>"])
def test_unknown_or_odd_tokens_are_404(client, invited, token):
    assert client.get(f"/invitation/{token}").status_code == 404


def test_nul_in_a_token_is_400(client, invited):
    assert client.get("/invitation/%00").status_code == 400  # refused before any lookup


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("court", None, "au moins 12"),
        ("azerty123456", None, "mots de passe courants"),
        ("Motdepasse2026!", None, "mots de passe courants"),
        ("elodie-en-vacances", None, "identifiant"),
        (GOOD, GOOD + "x", "ne sont pas identiques"),
        ("", "", "Choisissez un mot de passe."),
        ("a" * 129, None, "dépasser 128"),
    ],
)
def test_policy_is_enforced(app, client, invited, password, confirm, message):
    user_id, token = invited
    response = _choose(client, token, password, confirm)
    assert response.status_code == 422
    assert message in page_text(response)
    assert _user(app, user_id).password_hash is None
    assert client.get(f"/invitation/{token}").status_code == 200  # still usable


def test_64_characters_and_unicode_are_accepted_exactly(app, client, invited):
    _, token = invited
    password = "Ça c'est une très longue phrase de passe, pleine d'accents : éèàù ç!"
    assert len(password) >= 64
    assert _choose(client, token, password).status_code == 302
    assert login(client, "elodie@example.test", password).status_code == 302
    client.post("/deconnexion")
    assert login(client, "elodie@example.test", password[:-1]).status_code == 401


def test_whoever_was_logged_in_on_that_browser_is_logged_out(app, hr_client, invited):
    _, token = invited
    assert hr_client.get("/postes/").status_code == 200
    assert _choose(hr_client, token).status_code == 302
    assert hr_client.get("/postes/").status_code == 302
