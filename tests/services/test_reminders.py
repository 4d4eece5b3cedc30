"""`flask send-reminders`: the « À faire » digest e-mailed to HR; nothing ever leaves the test."""

from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import select

from hrtele import mail
from hrtele.extensions import db
from hrtele.models import AuditEntry
from tests.factories import make_request, make_user
from tests.web.test_todo import EXPECTED, todo_data

REAL_DELIVER = mail.deliver  # conftest's autouse mail_outbox replaces it in every test


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what would have been sent."""

    sent: list = []
    connections: list = []

    def __init__(self, host, port=0, timeout=None):
        FakeSMTP.connections.append((host, port))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


@pytest.fixture
def fake_smtp(monkeypatch):
    """Replace smtplib.SMTP for the duration of the test (and use the real deliver())."""
    FakeSMTP.sent = []
    FakeSMTP.connections = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(mail, "deliver", REAL_DELIVER)
    return FakeSMTP


def run(app, *args):
    return app.test_cli_runner().invoke(args=["send-reminders", *args])


def test_digest_is_sent_to_every_active_hr_account(app, fake_smtp):
    with app.app_context():
        todo_data()
        make_user(email="rh-a@example.test", role="hr")
        make_user(email="admin-b@example.test", role="admin")
        make_user(email="rh-parti@example.test", role="hr", is_active_account=False)
        make_user(email="salarie@example.test", role="employee")
    result = run(app, "--date", "10/01/2027")
    assert result.exit_code == 0, result.output
    assert "rappel envoyé à 2 destinataire(s)" in result.output
    assert sorted(m["To"] for m in fake_smtp.sent) == ["admin-b@example.test", "rh-a@example.test"]
    assert fake_smtp.connections[0][0] == "mail.invalid"
    message = fake_smtp.sent[0]
    assert message["Subject"] == "Télétravail : points à traiter au 10/01/2027"
    body = message.get_content()
    for title, line in EXPECTED.items():
        assert title in body, title
        assert line in body, line
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reminder"))
        assert '"sent": 2' in entry.changes_json


def test_explicit_recipient_and_dry_run(app, mail_outbox):
    with app.app_context():
        make_request()
    result = run(app, "--date", "10/01/2027", "--dry-run")
    assert result.exit_code == 0
    assert "Demandes en attente de décision : 1" in result.output
    assert mail_outbox == []
    result = run(app, "--date", "10/01/2027", "--to", "direction@example.test")
    assert result.exit_code == 0, result.output
    assert [m["To"] for m in mail_outbox] == ["direction@example.test"]


def test_nothing_to_do_sends_nothing(app, mail_outbox):
    with app.app_context():
        make_user(email="rh-a@example.test", role="hr")
    result = run(app, "--date", "10/01/2027")
    assert result.exit_code == 0
    assert "Rien à signaler" in result.output
    assert mail_outbox == []


class TestWithoutMailServer:
    @pytest.fixture
    def app_config(self):
        return {"MAIL_SERVER": ""}

    def test_refuses_without_smtp_configuration(self, app, mail_outbox):
        with app.app_context():
            make_request()
            make_user(email="rh-a@example.test", role="hr")
        result = run(app, "--date", "10/01/2027")
        assert result.exit_code != 0
        assert "MAIL_SERVER" in result.output
        assert mail_outbox == []


def test_bad_date_and_failed_delivery(app, monkeypatch):
    with app.app_context():
        make_request()
    result = run(app, "--date", "31/02/2027")
    assert result.exit_code != 0 and "Date impossible" in result.output
    def broken(_message):
        raise smtplib.SMTPException("serveur indisponible")

    monkeypatch.setattr(mail, "deliver", broken)
    result = run(app, "--date", "10/01/2027", "--to", "rh@example.test")
    assert result.exit_code != 0
    assert "Échec de l'envoi à : rh@example.test" in result.output
