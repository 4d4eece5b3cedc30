"""`flask notify-due`: announce the day's dated follow-ups (run it daily; safe to run twice)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hrtele import clock
from hrtele.extensions import db


@click.command("notify-due")
@click.option("--date", "on", default=None, help="Date de référence jj/mm/aaaa (par défaut : aujourd'hui).")
@with_appcontext
def notify_due_command(on):
    """Prévenir les salariés : fin d'adaptation, entretien annuel, attestation, documents à accuser."""
    from hrtele.notifications.events import notify_due
    from hrtele.web.forms import parse_french_date

    try:
        today = parse_french_date(on) if on else clock.today()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--date") from None
    created = notify_due(today)
    db.session.commit()
    click.echo(f"{created} notification(s) créée(s).")


commands = [notify_due_command]
