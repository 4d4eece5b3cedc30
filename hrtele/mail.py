"""E-mail through SMTP (plain text, optionally with an HTML alternative), only when
MAIL_SERVER is configured.

Sending never breaks the request: a failure is logged and reported as False so the
caller can tell the user to hand the information over another way. The web queues its
e-mails (``queue_mail``): a background job (hrtele.jobs) talks to the SMTP server, so a slow
or absent server never delays a page. `deliver` stays the one function that hands a message
to SMTP. Tests send to a real local SMTP server (aiosmtpd, tests/support/smtp.py) and read
it back.
"""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

_ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


def mail_enabled() -> bool:
    """True when an SMTP server is configured."""
    return bool(current_app.config.get("MAIL_SERVER"))


def build_message(to: str, subject: str, body: str, html: str | None = None) -> EmailMessage:
    """The message with its headers; ValueError for an unusable address or header."""
    if not _ADDRESS.match(to or "") or len(to) > 254:
        raise ValueError(f"adresse de destination invalide : {to!r}")
    if "\n" in subject or "\r" in subject:
        raise ValueError("objet invalide")
    message = EmailMessage()
    message["From"] = current_app.config.get("MAIL_SENDER") or "noreply@localhost"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="hrtele")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, charset="utf-8")
    if html:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def deliver(message: EmailMessage) -> None:
    """Hand the message to the configured SMTP server."""
    config = current_app.config
    timeout = float(config.get("MAIL_TIMEOUT", 10))
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25),
                      timeout=timeout) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def send_mail(to: str, subject: str, body: str, html: str | None = None) -> bool:
    """Send one e-mail (plain text, plus HTML when given); True when handed to the server."""
    if not mail_enabled():
        return False
    try:
        message = build_message(to, subject, body, html)
        deliver(message)
    except (ValueError, OSError, smtplib.SMTPException) as exc:
        current_app.logger.warning("e-mail not sent to %r: %s", to, exc)
        return False
    return True


def queue_mail(to: str, subject: str, body: str, html: str | None = None) -> bool:
    """Queue one e-mail for the background worker; False when it cannot be sent at all."""
    if not mail_enabled():
        return False
    try:
        build_message(to, subject, body, html)  # refuse a bad address now, not in the worker
    except ValueError as exc:
        current_app.logger.warning("e-mail not queued for %r: %s", to, exc)
        return False
    from hrtele.jobs.tasks import deliver_mail

    try:
        deliver_mail(to, subject, body, html)
    except Exception:  # queue storage unreachable: say so, the page still works
        current_app.logger.exception("e-mail queue unreachable")
        return False
    return True
