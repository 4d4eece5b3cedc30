"""hrtele.mail: only with a configured server, never a header injection, never a 500."""

from __future__ import annotations

import smtplib

import pytest

from hrtele import mail

REAL_DELIVER = mail.deliver  # taken at import, before the capture fixture replaces it


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": ""}])
def test_nothing_is_sent_without_a_server(app, mail_outbox):
    with app.app_context():
        assert mail.mail_enabled() is False
        assert mail.send_mail("a@example.test", "Objet", "Corps") is False
    assert mail_outbox == []


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "smtp.example.test",
                                         "MAIL_SENDER": "rh@example.test"}])
def test_message_is_plain_utf8_text(app, mail_outbox):
    with app.app_context():
        assert mail.send_mail("élodie@example.test", "Votre accès", "Bonjour Élodie,\nà bientôt.") is True
    [message] = mail_outbox
    assert message["From"] == "rh@example.test"
    assert message["Subject"] == "Votre accès"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    assert "Bonjour Élodie" in message.get_content()


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "smtp.example.test"}])
@pytest.mark.parametrize(
    ("to", "subject"),
    [
        ("a@example.test\r\nBcc: victim@example.test", "Objet"),
        ("a@example.test", "Objet\r\nBcc: victim@example.test"),
        ("pas une adresse", "Objet"),
        ("", "Objet"),
        ("x" * 250 + "@example.test", "Objet"),
    ],
)
def test_injection_or_bad_address_is_refused_quietly(app, mail_outbox, to, subject):
    with app.app_context():
        assert mail.send_mail(to, subject, "Corps") is False
    assert mail_outbox == []


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "smtp.example.test"}])
@pytest.mark.parametrize("error", [OSError("refusé"), smtplib.SMTPException("boom")])
def test_server_failure_returns_false_and_logs(app, monkeypatch, caplog, error):
    def broken(_message):
        raise error

    monkeypatch.setattr(mail, "deliver", broken)
    with app.app_context():
        assert mail.send_mail("a@example.test", "Objet", "Corps") is False
    assert any("e-mail not sent" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 1,
                                         "MAIL_TIMEOUT": 1}])
def test_real_delivery_path_handles_a_closed_port(app, monkeypatch):
    """The real smtplib path (capture undone) fails cleanly on a closed local port."""
    monkeypatch.setattr(mail, "deliver", REAL_DELIVER)
    with app.app_context():
        assert mail.send_mail("a@example.test", "Objet", "Corps") is False
