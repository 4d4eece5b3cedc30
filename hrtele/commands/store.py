"""Store commands: `verify-store` (hashes, audit chain), `backup` / `restore-backup` (SQLite
online backup API), `purge-retention` (CNIL retention periods, with --dry-run)."""

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


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target):
    """Sauvegarder la base SQLite dans TARGET (API de sauvegarde en ligne, sans arrêt)."""
    from flask import current_app

    from hrtele.backup import backup_sqlite

    try:
        path = backup_sqlite(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except (ValueError, FileExistsError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Sauvegarde écrite : {path} (intégrité vérifiée).")


@click.command("restore-backup")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Confirmer le remplacement de la base actuelle.")
@with_appcontext
def restore_command(source, yes):
    """Remplacer la base SQLite par la sauvegarde SOURCE (application arrêtée)."""
    from flask import current_app

    from hrtele.backup import restore_sqlite

    if not yes:
        raise click.ClickException("Ajoutez --yes : la base actuelle sera remplacée.")
    db.session.remove()
    db.engine.dispose()
    try:
        restore_sqlite(source, current_app.config["SQLALCHEMY_DATABASE_URI"])
    except (ValueError, FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Base restaurée. Lancez `flask verify-store` pour contrôler les empreintes.")


def _privileged_session():
    """A session allowed to delete immutable rows: the owner's connection on PostgreSQL."""
    from flask import current_app
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from hrtele.config import normalise_database_url

    if db.engine.dialect.name == "sqlite":
        return db.session, None
    url = current_app.config.get("MIGRATION_DATABASE_URL")
    if not url:
        raise click.ClickException(
            "La purge supprime des enregistrements immuables : sur PostgreSQL, définissez "
            "HRTELE_MIGRATION_DATABASE_URL (rôle propriétaire) pour la lancer."
        )
    engine = create_engine(normalise_database_url(url))
    return Session(bind=engine), engine


@click.command("purge-retention")
@click.option("--dry-run", is_flag=True, help="Afficher ce qui serait supprimé, sans rien changer.")
@with_appcontext
def purge_retention_command(dry_run):
    """Supprimer les données personnelles dont la durée de conservation est échue (CNIL)."""
    from flask import current_app

    from hrtele import clock
    from hrtele.retention import apply, plan

    session, engine = (db.session, None) if dry_run else _privileged_session()
    try:
        purge = plan(session, clock.today(), current_app.config)
        click.echo(f"Salariés partis depuis plus de "
                   f"{current_app.config.get('RETENTION_YEARS_AFTER_DEPARTURE', 5)} ans : "
                   f"{len(purge.employees)}")
        for employee_id, number, left in purge.employees:
            click.echo(f"  - salarié id {employee_id} (matricule {number}), sorti le "
                       f"{left.strftime('%d/%m/%Y')}")
        click.echo(f"Exports de paie échus : {len(purge.payroll_exports)}")
        click.echo(f"Entrées du journal échues : {purge.audit_count}")
        if purge.departures_missing:
            click.echo(f"À compléter : {purge.departures_missing} salarié(s) sorti(s) sans date "
                       "de sortie (jamais purgés tant qu'elle manque).")
        if dry_run:
            session.rollback()
            click.echo("Simulation : rien n'a été supprimé.")
            return
        apply(session, purge)
        session.commit()
        click.echo("Supprimé : " + (", ".join(f"{k} {v}" for k, v in purge.deleted.items())
                                    or "rien"))
        click.echo("Ménage : " + ", ".join(f"{k} {v}" for k, v in purge.housekeeping.items()))
    except Exception:
        session.rollback()
        raise
    finally:
        if engine is not None:
            session.close()
            engine.dispose()


commands = [verify_store_command, backup_command, restore_command, purge_retention_command]
