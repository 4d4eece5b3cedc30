"""`flask send-reminders`: the « À faire » digest e-mailed to HR through the local test SMTP server."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hrtele.extensions import db
from hrtele.models import AuditEntry
from tests.factories import make_request, make_user
from tests.web.test_todo import EXPECTED, todo_data


def run(app, *args):
    return app.test_cli_runner().invoke(args=["send-reminders", *args])


def test_digest_is_sent_to_every_active_hr_account(app, mail_outbox):
    with app.app_context():
        todo_data()
        make_user(email="rh-a@example.test", role="hr")
        make_user(email="admin-b@example.test", role="admin")
        make_user(email="rh-parti@example.test", role="hr", is_active_account=False)
        make_user(email="salarie@example.test", role="employee")
    result = run(app, "--date", "10/01/2027")
    assert result.exit_code == 0, result.output
    assert "rappel envoyé à 2 destinataire(s)" in result.output
    assert sorted(m["To"] for m in mail_outbox) == ["admin-b@example.test", "rh-a@example.test"]
    assert sorted(r for e in mail_outbox.envelopes for r in e.rcpt_tos) == [
        "admin-b@example.test", "rh-a@example.test"]
    message = mail_outbox[0]
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


def test_bad_date_is_refused(app):
    with app.app_context():
        make_request()
    result = run(app, "--date", "31/02/2027")
    assert result.exit_code != 0 and "Date impossible" in result.output


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 1,
                                         "MAIL_TIMEOUT": 1}])
def test_failed_delivery_is_reported(app, mail_outbox):
    """A server that refuses the connection (closed local port): the command says who missed it."""
    with app.app_context():
        make_request()
    result = run(app, "--date", "10/01/2027", "--to", "rh@example.test")
    assert result.exit_code != 0
    assert "Échec de l'envoi à : rh@example.test" in result.output
    assert mail_outbox == []
