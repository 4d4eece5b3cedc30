"""Admin account screens, the HR invitation of an employee, and `flask create-user`."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import AuditEntry, Invitation, User
from tests.conftest import login
from tests.factories import make_employee, make_user, page_text

LINK = re.compile(r"https?://[^\s\"<]+/invitation/([A-Za-z0-9_\-]+)")


def _link_token(response) -> str:
    match = LINK.search(response.get_data(as_text=True))
    assert match, "no invitation link in the page"
    return match.group(1)


def _mailed_token(outbox, to: str) -> str:
    """The link of the last invitation e-mailed to `to`."""
    message = [m for m in outbox if m["To"] == to][-1]
    match = LINK.search(message.get_content())
    assert match, "no invitation link in the e-mail"
    return match.group(1)


def _user(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def _version(app, user_id: int) -> int:
    with app.app_context():
        return db.session.get(User, user_id).version


@pytest.fixture
def employee_id(app):
    with app.app_context():
        return make_employee(first_name="Élodie", last_name="Martin", personnel_number="M777",
                             email="elodie.martin@example.test").id


# --- admin: list and create -----------------------------------------------------------------

def test_list_search_and_filter(app, admin_client):
    with app.app_context():
        make_user("rh.paul@example.test", role="hr", display_name="Paul RH")
        make_user("rh.zoe@example.test", role="hr", display_name="Zoé", is_active_account=False)
    page = page_text(admin_client.get("/comptes/"))
    assert "rh.paul@example.test" in page and "rh.zoe@example.test" in page
    page = page_text(admin_client.get("/comptes/?q=paul"))
    assert "rh.paul@example.test" in page and "rh.zoe@example.test" not in page
    page = page_text(admin_client.get("/comptes/?status=inactive"))
    assert "rh.zoe@example.test" in page and "rh.paul@example.test" not in page
    page = page_text(admin_client.get("/comptes/?role=admin"))
    assert "admin@example.test" in page and "rh.paul" not in page
    assert admin_client.get("/comptes/?role=<script>&page=abc&status=x").status_code == 200


@pytest.mark.parametrize("app_config", [{"PAGE_SIZE": 2}])
def test_list_is_paginated(app, admin_client):
    with app.app_context():
        for i in range(4):
            make_user(f"rh{i}@example.test", role="hr")
    first = page_text(admin_client.get("/comptes/"))
    assert "Page 1 sur 3" in first
    third = page_text(admin_client.get("/comptes/?page=3"))
    assert "rh3@example.test" in third


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": ""}])
def test_create_hr_account_gives_an_invitation_link(app, admin_client, mail_outbox):
    response = admin_client.post("/comptes/nouveau", data={
        "email": " Nouvelle.RH@Example.test ", "display_name": "Nouvelle RH", "role": "hr"})
    assert response.status_code == 200
    token = _link_token(response)
    user = _user(app, "nouvelle.rh@example.test")
    assert user.role == "hr" and user.password_hash is None and user.is_active_account
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == user.id))
        assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in invitation.token_hash
        audit = " ".join(db.session.scalars(select(AuditEntry.changes_json)))
    assert token not in audit
    assert "L'envoi de courriels n'est pas configuré" in page_text(response)
    assert mail_outbox == []


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "smtp.example.test"}])
def test_invitation_is_mailed_when_a_server_is_configured(app, admin_client, mail_outbox):
    response = admin_client.post("/comptes/nouveau", data={
        "email": "nouvelle.rh@example.test", "display_name": "Nouvelle RH", "role": "hr"},
        follow_redirects=True)
    [message] = mail_outbox
    assert message["To"] == "nouvelle.rh@example.test"
    assert "mot de passe" in message["Subject"]
    token = _mailed_token(mail_outbox, "nouvelle.rh@example.test")
    assert "envoyé par courriel à nouvelle.rh@example.test" in page_text(response)
    assert token not in response.get_data(as_text=True)  # mailed: not displayed


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "smtp.example.test"}])
def test_mail_failure_is_not_fatal(app, admin_client, monkeypatch, caplog):
    # The e-mail leaves from a background job: an SMTP failure there is logged (and the job
    # retried by the worker), while the page still hands the link over.
    from hrtele import mail

    def broken(message):
        raise OSError("connexion refusée")

    monkeypatch.setattr(mail, "deliver", broken)
    response = admin_client.post("/comptes/nouveau", data={
        "email": "nouvelle.rh@example.test", "role": "hr"})
    assert response.status_code == 200
    assert _link_token(response)
    assert any("e-mail not sent" in r.getMessage() for r in caplog.records)
    assert _user(app, "nouvelle.rh@example.test") is not None


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "smtp.example.test"}])
def test_unqueueable_mail_is_reported(app, monkeypatch, caplog):
    # Invitations go out at once (the page must know whether the link left); the other mails
    # (notifications) are queued, and a queue that cannot be reached is reported, not raised.
    from hrtele import mail
    from hrtele.jobs import tasks

    def queue_down(*args):
        raise ConnectionError("file injoignable")

    monkeypatch.setattr(tasks, "deliver_mail", queue_down)
    with app.test_request_context():
        assert mail.queue_mail("rh@example.test", "Objet", "Corps") is False
        assert mail.queue_mail("pas une adresse", "Objet", "Corps") is False
    assert any("e-mail queue unreachable" in r.getMessage() for r in caplog.records)


def test_create_employee_account_by_personnel_number(app, admin_client, employee_id):
    response = admin_client.post("/comptes/nouveau", data={
        "email": "elodie@example.test", "role": "employee", "personnel_number": "m777"})
    assert response.status_code == 302  # the link is e-mailed to the employee, never shown
    assert _user(app, "elodie@example.test").employee_id == employee_id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "role": "hr"}, "L'adresse électronique est obligatoire."),
        ({"email": "pas-une-adresse", "role": "hr"}, "Adresse électronique invalide"),
        ({"email": "a@b.test\r\nBcc: x@y.test", "role": "hr"}, ""),
        ({"email": "x" * 250 + "@example.test", "role": "hr"}, "254 caractères"),
        ({"email": "ok@example.test", "role": "superadmin"}, ""),
        ({"email": "ok@example.test", "role": "employee"}, "indiquez son matricule"),
        ({"email": "ok@example.test", "role": "employee", "personnel_number": "INCONNU"},
         "Aucun salarié n'a le matricule « INCONNU »"),
        ({"email": "admin@example.test", "role": "hr"}, "Un compte existe déjà"),
        ({"email": "ok@example.test", "role": "hr", "display_name": "N" * 201}, "200 caractères"),
        ({"email": "ok@example.test", "role": "hr", "display_name": "a\x01b"}, "Caractères de contrôle"),
    ],
)
def test_create_refuses_bad_input(app, admin_client, data, message):
    before = _count(app, User)
    response = admin_client.post("/comptes/nouveau", data=data)
    assert response.status_code == 422
    assert message in page_text(response)
    assert _count(app, User) == before
    assert _count(app, Invitation) == 0


def test_employee_can_have_only_one_account(app, admin_client, employee_id):
    with app.app_context():
        make_user("elodie@example.test", role="employee", employee_id=employee_id)
    response = admin_client.post("/comptes/nouveau", data={
        "email": "autre@example.test", "role": "employee", "personnel_number": "M777"})
    assert response.status_code == 422
    assert "Ce salarié a déjà un compte." in page_text(response)


def test_html_in_display_name_is_escaped(app, admin_client):
    admin_client.post("/comptes/nouveau", data={
        "email": "x@example.test", "role": "hr", "display_name": "<script>alert(1)</script>"})
    user = _user(app, "x@example.test")
    body = admin_client.get(f"/comptes/{user.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- admin: deactivate, reactivate, new link --------------------------------------------------

def test_deactivate_then_reactivate(app, admin_client):
    with app.app_context():
        target = make_user("rh2@example.test", role="hr").id
    other = app.test_client()
    assert login(other, "rh2@example.test").status_code == 302
    response = admin_client.post(f"/comptes/{target}/desactiver", data={"version": _version(app, target)})
    assert response.status_code == 302
    assert not _user(app, "rh2@example.test").is_active_account
    assert other.get("/postes/").status_code == 302  # session ended at once
    assert login(app.test_client(), "rh2@example.test").status_code == 401
    response = admin_client.post(f"/comptes/{target}/reactiver", data={"version": _version(app, target)})
    assert response.status_code == 302
    assert login(app.test_client(), "rh2@example.test").status_code == 302
    with app.app_context():
        changes = db.session.scalars(select(AuditEntry.changes_json).where(
            AuditEntry.object_type == "users", AuditEntry.object_id == target,
            AuditEntry.action == "update")).all()
    assert len(changes) == 2 and "is_active_account" in changes[0]


def test_stale_version_is_409_and_changes_nothing(app, admin_client):
    with app.app_context():
        target = make_user("rh2@example.test", role="hr").id
    stale = _version(app, target)
    with app.app_context():
        db.session.get(User, target).display_name = "Modifié ailleurs"
        db.session.commit()
    response = admin_client.post(f"/comptes/{target}/desactiver", data={"version": stale})
    assert response.status_code == 409
    assert "modifié par quelqu'un d'autre" in page_text(response)
    assert _user(app, "rh2@example.test").is_active_account
    assert admin_client.post(f"/comptes/{target}/desactiver", data={}).status_code == 409


def test_admin_cannot_deactivate_themself(app, admin_client):
    me = _user(app, "admin@example.test")
    response = admin_client.post(f"/comptes/{me.id}/desactiver", data={"version": me.version})
    assert response.status_code == 422
    assert "votre propre compte" in page_text(response)
    assert _user(app, "admin@example.test").is_active_account


def test_last_active_admin_cannot_be_deactivated(app, admin_client):
    from hrtele.editing import BusinessRuleError
    from hrtele.users.services import set_active

    with app.app_context():
        lone = db.session.scalar(select(User).where(User.email == "admin@example.test"))
        with pytest.raises(BusinessRuleError, match="dernier administrateur"):
            set_active(lone, False, None)
        db.session.rollback()


def test_new_link_replaces_the_previous_one(app, admin_client, mail_outbox):
    admin_client.post("/comptes/nouveau", data={"email": "n@example.test", "role": "hr"})
    first = _mailed_token(mail_outbox, "n@example.test")
    user = _user(app, "n@example.test")
    again = admin_client.post(f"/comptes/{user.id}/invitation", data={"version": user.version})
    assert again.status_code == 302
    second = _mailed_token(mail_outbox, "n@example.test")
    assert second != first
    anonymous = app.test_client()
    assert anonymous.get(f"/invitation/{first}").status_code == 404
    assert anonymous.get(f"/invitation/{second}").status_code == 200


def test_reset_link_for_an_account_with_a_password(app, admin_client, mail_outbox):
    with app.app_context():
        target = make_user("rh2@example.test", role="hr").id
    other = app.test_client()
    login(other, "rh2@example.test")
    admin_client.post(f"/comptes/{target}/invitation", data={"version": _version(app, target)})
    token = _mailed_token(mail_outbox, "rh2@example.test")
    assert other.get("/postes/").status_code == 200  # creating a link changes nothing yet
    done = app.test_client().post(f"/invitation/{token}", data={
        "new_password": "phrase de réinitialisation", "confirm": "phrase de réinitialisation"})
    assert done.status_code == 302
    assert other.get("/postes/").status_code == 302  # the password change ended old sessions
    assert login(app.test_client(), "rh2@example.test", "phrase de réinitialisation").status_code == 302


def test_no_link_for_a_deactivated_account(app, admin_client):
    with app.app_context():
        target = make_user("rh2@example.test", role="hr", is_active_account=False).id
    response = admin_client.post(f"/comptes/{target}/invitation", data={"version": _version(app, target)})
    assert response.status_code == 422
    assert "désactivé" in page_text(response)


def test_show_page_lists_state_and_actions(app, admin_client):
    admin_client.post("/comptes/nouveau", data={"email": "n@example.test", "role": "hr"})
    user = _user(app, "n@example.test")
    text = page_text(admin_client.get(f"/comptes/{user.id}"))
    assert "pas encore choisi" in text and "en cours, valable jusqu'au" in text
    assert "Désactiver le compte" in text
    assert admin_client.get("/comptes/999999").status_code == 404


def test_hr_menu_has_no_accounts_link(app, hr_client, admin_client):
    assert 'href="/comptes/"' not in hr_client.get("/mon-compte").get_data(as_text=True)
    assert 'href="/comptes/"' in admin_client.get("/mon-compte").get_data(as_text=True)


# --- HR: invite an employee -------------------------------------------------------------------

def test_hr_cannot_reset_an_employee_password(app, hr_client, employee_id):
    with app.app_context():
        make_user("elodie@example.test", role="employee", employee_id=employee_id)
    before = _count(app, Invitation)
    response = hr_client.post(f"/comptes/inviter-salarie/{employee_id}")
    assert response.status_code == 422
    assert "un administrateur" in page_text(response)
    assert _count(app, Invitation) == before


def test_stale_forms_on_account_actions_are_409(app, admin_client):
    with app.app_context():
        target = make_user("rh2@example.test", role="hr").id
    stale = _version(app, target)
    with app.app_context():
        db.session.get(User, target).display_name = "Modifié ailleurs"
        db.session.commit()
    for action in ("invitation", "sessions/fermer", "reactiver", "desactiver"):
        response = admin_client.post(f"/comptes/{target}/{action}", data={"version": stale})
        assert response.status_code == 409, action
    assert _count(app, Invitation) == 0


def test_hr_invitation_of_unknown_employee_is_404(hr_client):
    assert hr_client.get("/comptes/inviter-salarie/424242").status_code == 404


# --- CLI -------------------------------------------------------------------------------------

def _cli(app, *args: str):
    """Run a command as `flask --app hrtele ...` does (FlaskGroup pushes an app context)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def test_cli_creates_an_admin(app):
    result = _cli(app, "create-user", "--email", "Chef@Example.test", "--role", "admin",
                  "--name", "Cheffe", "--password", "une phrase de passe d'administration")
    assert result.exit_code == 0, result.output
    assert "Compte créé : chef@example.test (admin)" in result.output
    assert login(app.test_client(), "chef@example.test",
                 "une phrase de passe d'administration").status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [("court", "au moins 12"), ("azerty123456", "mots de passe courants")],
)
def test_cli_refuses_a_weak_password(app, password, message):
    result = _cli(app, "create-user", "--email", "chef@example.test", "--role", "admin",
                  "--password", password)
    assert result.exit_code != 0
    assert message in result.output
    assert _count(app, User) == 0


def test_cli_refuses_a_duplicate(app):
    with app.app_context():
        make_user("chef@example.test", role="admin")
    result = _cli(app, "create-user", "--email", "CHEF@example.test", "--role", "hr",
                  "--password", "une phrase de passe d'administration")
    assert result.exit_code != 0 and "existe déjà" in result.output
