"""`flask send-reminders`: the « À faire » items e-mailed to HR (suitable for cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from hrtele import clock
from hrtele.audit.service import record
from hrtele.extensions import db
from hrtele.models import User

SUBJECT = "Télétravail : points à traiter au {date}"


def hr_recipients() -> list[str]:
    """E-mail addresses of the active HR and admin accounts."""
    rows = db.session.scalars(
        select(User.email)
        .where(User.role.in_(("hr", "admin")), User.is_active_account.is_(True))
        .order_by(User.email)
    )
    return [email for email in rows if email]


def send_reminders(today, recipients: list[str], *, dry_run: bool = False) -> tuple[int, list[str], str]:
    """Send the digest to each recipient; (items, failed addresses, body). Commits the audit."""
    from hrtele.lifecycle.services import fmt
    from hrtele.mail import send_mail
    from hrtele.todo.services import reminder_body, sections

    found = sections(today)
    total = sum(s.total for s in found)
    body = reminder_body(found, today, current_app.config.get("PUBLIC_URL") or "")
    if total == 0 or dry_run:
        return total, [], body
    subject = SUBJECT.format(date=fmt(today))
    failed = [to for to in recipients if not send_mail(to, subject, body)]
    record("reminder", "reminders", None, None, {
        "items": total, "sent": len(recipients) - len(failed), "failed": len(failed),
        "sections": {s.key: s.total for s in found if s.total},
    })
    db.session.commit()
    return total, failed, body


@click.command("send-reminders")
@click.option("--to", "to", multiple=True,
              help="Destinataire (répétable) ; par défaut, tous les comptes RH et administrateurs actifs.")
@click.option("--date", "on", default=None, help="Date de référence jj/mm/aaaa (par défaut : aujourd'hui).")
@click.option("--dry-run", is_flag=True, help="Afficher le message sans l'envoyer.")
@with_appcontext
def send_reminders_command(to, on, dry_run):
    """Envoyer par e-mail aux RH les points à traiter (demandes, avenants, entretiens...)."""
    from hrtele.mail import mail_enabled
    from hrtele.web.forms import parse_french_date

    try:
        today = parse_french_date(on) if on else clock.today()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--date") from None
    recipients = list(to) or hr_recipients()
    if not dry_run:
        if not mail_enabled():
            raise click.ClickException("MAIL_SERVER n'est pas configuré : aucun e-mail ne peut partir.")
        if not recipients:
            raise click.ClickException("Aucun destinataire : aucun compte RH actif avec une adresse.")
    total, failed, body = send_reminders(today, recipients, dry_run=dry_run)
    if dry_run:
        click.echo(body)
        return
    if total == 0:
        click.echo("Rien à signaler : aucun e-mail envoyé.")
        return
    sent = len(recipients) - len(failed)
    click.echo(f"{total} point(s) à traiter ; rappel envoyé à {sent} destinataire(s).")
    if failed:
        raise click.ClickException(f"Échec de l'envoi à : {', '.join(failed)}.")


commands = [send_reminders_command]
