"""Only the employee can activate their account: the invitation goes to their e-mail, never to HR."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import AuditEntry, Invitation, User
from tests.conftest import login
from tests.factories import make_agreement, make_employee, make_user, page_text

TOKEN = re.compile(r"/invitation/([A-Za-z0-9_\-]{16,})")
PASSWORD = "ma phrase de passe à moi"


@pytest.fixture
def employee_id(app):
    with app.app_context():
        return make_employee(first_name="Élodie", last_name="Martin", personnel_number="M777",
                             email="elodie.martin@example.test").id


def _mailed_token(outbox, to: str) -> str:
    messages = [m for m in outbox if m["To"] == to]
    assert messages, f"no e-mail to {to}"
    match = TOKEN.search(messages[-1].get_content())
    assert match
    return match.group(1)


def _tokens_in(responses) -> set[str]:
    found = set()
    for response in responses:
        found |= set(TOKEN.findall(response.get_data(as_text=True)))
        found |= set(TOKEN.findall(response.headers.get("Location", "")))
    return found


def _account(app, employee_id):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.employee_id == employee_id))
        if user is not None:
            db.session.expunge(user)
        return user


def test_hr_cannot_obtain_a_working_link(app, hr_client, employee_id, mail_outbox):
    seen = [hr_client.get(f"/salaries/{employee_id}")]
    assert "Inviter le salarié dans son espace" in page_text(seen[0])
    response = hr_client.post(f"/comptes/inviter-salarie/{employee_id}",
                              data={"next": f"/salaries/{employee_id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/salaries/{employee_id}"
    seen.append(response)
    page = hr_client.get(f"/salaries/{employee_id}")
    seen.append(page)
    assert "Invitation envoyée par courriel à elodie.martin@example.test" in page_text(page)
    assert "invitation envoyée, en attente" in page_text(page)
    account = _account(app, employee_id)
    assert account.password_hash is None
    # Everything HR can reach afterwards: pages, the trail, a re-send, the admin routes.
    seen += [hr_client.get(url) for url in (
        f"/comptes/inviter-salarie/{employee_id}", "/journal/", "/journal/?objet=users",
        "/comptes/", f"/comptes/{account.id}")]
    seen.append(hr_client.post(f"/comptes/{account.id}/invitation", data={"version": account.version}))
    assert seen[-1].status_code == 403 and seen[-2].status_code == 403
    resend = hr_client.post(f"/comptes/inviter-salarie/{employee_id}", follow_redirects=True)
    seen.append(resend)
    assert _tokens_in(seen) == set()
    with app.app_context():
        trail = " ".join(db.session.scalars(select(AuditEntry.changes_json)).all())
    mailed = _mailed_token(mail_outbox, "elodie.martin@example.test")
    assert mailed not in trail
    # The link works for the one who reads the mailbox (the latest one: a re-send replaces it).
    employee = app.test_client()
    assert employee.get(f"/invitation/{mailed}").status_code == 200
    assert employee.post(f"/invitation/{mailed}",
                         data={"new_password": PASSWORD, "confirm": PASSWORD}).status_code == 302
    assert login(employee, "elodie.martin@example.test", PASSWORD).status_code == 302
    # Once activated, HR can no longer send any link for this account.
    refused = hr_client.post(f"/comptes/inviter-salarie/{employee_id}")
    assert refused.status_code == 422
    assert "a déjà choisi son mot de passe" in page_text(refused)


def test_resend_replaces_the_previous_link(app, hr_client, employee_id, mail_outbox):
    hr_client.post(f"/comptes/inviter-salarie/{employee_id}")
    first = _mailed_token(mail_outbox, "elodie.martin@example.test")
    hr_client.post(f"/comptes/inviter-salarie/{employee_id}")
    second = _mailed_token(mail_outbox, "elodie.martin@example.test")
    assert first != second
    anonymous = app.test_client()
    assert anonymous.get(f"/invitation/{first}").status_code == 404
    assert anonymous.get(f"/invitation/{second}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.role == "employee")) == 1


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": ""}])
def test_without_mail_nothing_is_created_and_hr_is_told(app, hr_client, employee_id, mail_outbox):
    response = hr_client.post(f"/comptes/inviter-salarie/{employee_id}")
    assert response.status_code == 422
    assert "L'envoi de courriels n'est pas configuré" in page_text(response)
    assert _account(app, employee_id) is None
    assert mail_outbox == []


def test_a_failed_mail_saves_nothing(app, hr_client, employee_id, monkeypatch):
    from hrtele import mail

    def broken(_message):
        raise OSError("connexion refusée")

    monkeypatch.setattr(mail, "deliver", broken)
    response = hr_client.post(f"/comptes/inviter-salarie/{employee_id}")
    assert response.status_code == 422
    assert "n'a pas pu être envoyé" in page_text(response)
    assert _account(app, employee_id) is None


def test_invitation_needs_an_address_on_the_record(app, hr_client):
    with app.app_context():
        employee_id = make_employee(email="").id
    response = hr_client.post(f"/comptes/inviter-salarie/{employee_id}")
    assert response.status_code == 422
    assert "pas d'adresse électronique" in page_text(response)


def test_admin_never_sees_an_employee_link_either(app, admin_client, employee_id, mail_outbox):
    response = admin_client.post("/comptes/nouveau", data={
        "email": "elodie.martin@example.test", "role": "employee", "personnel_number": "M777"})
    assert response.status_code == 302
    account = _account(app, employee_id)
    again = admin_client.post(f"/comptes/{account.id}/invitation", data={"version": account.version})
    assert again.status_code == 302
    assert _tokens_in([response, again, admin_client.get(f"/comptes/{account.id}")]) == set()
    assert len([m for m in mail_outbox if m["To"] == "elodie.martin@example.test"]) == 2


def test_the_button_follows_an_issued_amendment(app, hr_client):
    with app.app_context():
        agreement = make_agreement(status="issued")
        from hrtele.models import IssuedDocument

        db.session.add(IssuedDocument(reference="AV-INV-1", kind="amendment", version=1,
                                      employee_id=agreement.employee_id, agreement_id=agreement.id,
                                      pdf_bytes=b"%PDF", sha256="0" * 64, size=4,
                                      snapshot_json="{}", template_version="t"))
        db.session.commit()
        agreement_id = agreement.id
    text = page_text(hr_client.get(f"/accords/{agreement_id}"))
    assert "Inviter le salarié dans son espace" in text


def test_employee_cannot_invite(app, employee_id):
    with app.app_context():
        other = make_employee(first_name="Bruno")
        make_user("bruno@example.test", role="employee", employee_id=other.id)
    client = app.test_client()
    login(client, "bruno@example.test")
    assert client.post(f"/comptes/inviter-salarie/{employee_id}").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Invitation.id))) == 0
