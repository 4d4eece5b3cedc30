"""Commands of issue 6: `seed-ceilings`, `payroll-export`, `import-csv` (they call services only)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from hrtele import clock
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db


@click.command("seed-ceilings")
@with_appcontext
@click.option("--reset", is_flag=True,
              help="Remplacer tout le barème par le fichier de référence (sinon : seulement si vide).")
def seed_ceilings_command(reset: bool):
    """Remplir le barème des plafonds URSSAF depuis hrtele/data/urssaf_ceilings.json."""
    from hrtele.allowances.ceilings import reset_from_reference, seed_if_empty

    count = reset_from_reference(None) if reset else seed_if_empty(None)
    db.session.commit()
    if reset:
        click.echo(f"Barème réinitialisé depuis le fichier de référence : {count} période(s).")
    elif count:
        click.echo(f"Barème des plafonds URSSAF rempli : {count} période(s).")
    else:
        click.echo("Le barème contient déjà des périodes : rien à faire (--reset pour le remplacer).")


@click.command("payroll-export")
@with_appcontext
@click.argument("month")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fichier CSV à écrire (par défaut : sortie standard).")
@click.option("--close", is_flag=True, help="Clôturer le mois (export enregistré définitivement).")
def payroll_export_command(month: str, output: Path | None, close: bool):
    """Exporter (et éventuellement clôturer) les indemnités d'un mois MONTH au format aaaa-mm."""
    from hrtele.allowances.services import (
        close_month,
        compute_month,
        csv_bytes,
        get_export,
        parse_month,
    )

    try:
        year, number = parse_month(month, clock.today())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="MONTH") from None
    try:
        if close:
            export = close_month(year, number, None, clock.today())
            db.session.commit()
            data = export.csv_bytes
            click.echo(f"Mois clôturé : {export.row_count} ligne(s), SHA-256 {export.sha256}.",
                       err=True)
        else:
            export = get_export(year, number)
            data = export.csv_bytes if export else csv_bytes(compute_month(year, number))
            db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)


def _import_command():
    from hrtele.imports.commands import import_csv_command

    return import_csv_command


commands = [seed_ceilings_command, payroll_export_command, _import_command()]
