"""`flask verify-store` (hashes and audit chain), `flask backup` (SQLite online backup)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from hrtele.extensions import db


@click.command("verify-store")
@with_appcontext
def verify_store_command():
    """Vérifier chaque fichier enregistré (SHA-256) et la chaîne du journal d'audit."""
    from hrtele.integrity import verify_store

    report = verify_store(db.session)
    db.session.rollback()
    for table, n in report.checked.items():
        click.echo(f"{table} : {n} fichier(s) vérifié(s)")
    seq, head = report.audit_head
    click.echo(f"journal d'audit : {report.audit_entries} entrée(s), tête de chaîne n° {seq} "
               f"{head}")
    if report.ok:
        click.echo("Aucune anomalie.")
        return
    for problem in report.problems:
        click.echo(f"ANOMALIE : {problem}", err=True)
    click.echo(f"{len(report.problems)} anomalie(s) détectée(s).", err=True)
    sys.exit(1)


commands = [verify_store_command]
