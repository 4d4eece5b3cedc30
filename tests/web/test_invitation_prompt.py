"""Portal access (issue 13): right after the amendment is issued, HR is prompted to invite the
employee into their space; the status shows on the employee's page; the link is never shown."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hrtele.extensions import db
from hrtele.models import Agreement, User
from tests.documents.model_samples import agreement_variant, employee_with_post, memoise_renders
from tests.factories import make_user, page_text

EMAIL = "ines.prompt@example.test"
TOKEN = re.compile(r"/invitation/([A-Za-z0-9_\-]{16,})")


@pytest.fixture(autouse=True)
def _memoised_renders(monkeypatch):
    memoise_renders(monkeypatch)


@pytest.fixture
def agreement(app):
    with app.app_context():
        employee = employee_with_post(email=EMAIL)
        agreement = agreement_variant("full_days-per_weekly_day", employee=employee)
        db.session.commit()
        return agreement.id, employee.id


def _issue(app, hr_client, agreement_id):
    with app.app_context():
        version = db.session.get(Agreement, agreement_id).version
    return hr_client.post(f"/documents/accords/{agreement_id}/avenant", data={"version": version},
                          follow_redirects=True)


def test_issuing_prompts_the_invitation_then_it_goes_by_mail(app, hr_client, agreement,
                                                             mail_outbox):
    agreement_id, employee_id = agreement
    before = page_text(hr_client.get(f"/accords/{agreement_id}"))
    assert "L'avenant est émis : dans son espace" not in before
    issued = _issue(app, hr_client, agreement_id)
    assert issued.status_code == 200
    text = page_text(issued)
    assert "émis et enregistré" in text
    assert "L'avenant est émis : dans son espace" in text
    assert 'data-status="none"' in text
    # The employee's page shows the same status and button.
    employee_page = page_text(hr_client.get(f"/salaries/{employee_id}"))
    assert "pas encore ouvert" in employee_page and "Inviter le salarié dans son espace" in employee_page
    sent = hr_client.post(f"/comptes/inviter-salarie/{employee_id}",
                          data={"next": f"/accords/{agreement_id}"}, follow_redirects=True)
    assert sent.status_code == 200
    after = page_text(sent)
    assert f"Invitation envoyée par courriel à {EMAIL}" in after
    assert 'data-status="invited"' in after
    assert "L'avenant est émis : dans son espace" not in after  # the prompt is answered
    assert not TOKEN.search(sent.get_data(as_text=True))
    mails = [m for m in mail_outbox if m["To"] == EMAIL]
    assert len(mails) == 1 and TOKEN.search(mails[0].get_content())


def test_no_prompt_once_the_space_is_active(app, hr_client, agreement):
    agreement_id, employee_id = agreement
    with app.app_context():
        make_user(EMAIL, role="employee", employee_id=employee_id)
    text = page_text(_issue(app, hr_client, agreement_id))
    assert "L'avenant est émis : dans son espace" not in text
    assert 'data-status="active"' in text
    assert "Inviter le salarié dans son espace" not in text


@pytest.mark.parametrize(("state", "status"), [("disabled", "disabled"), ("waiting", "waiting")])
def test_space_status_on_the_employee_page(app, hr_client, agreement, state, status):
    _agreement_id, employee_id = agreement
    with app.app_context():
        user = make_user(EMAIL, role="employee", employee_id=employee_id)
        user = db.session.get(User, user.id)
        if state == "disabled":
            user.is_active_account = False
        else:
            user.password_hash = None  # created, link expired or never sent
        db.session.commit()
    text = page_text(hr_client.get(f"/salaries/{employee_id}"))
    assert f'data-status="{status}"' in text
    if status == "disabled":
        assert "Inviter le salarié" not in text and "Renvoyer l'invitation" not in text
    else:
        assert "Renvoyer l'invitation" in text
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.employee_id == employee_id))
