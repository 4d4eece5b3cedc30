"""`flask --app hrtele import-csv --kind employees|posts FILE [--apply]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from hrtele.extensions import db
from hrtele.imports.parsing import ImportFileError
from hrtele.imports.services import FIELD_LABELS, apply_plan, build_plan, display


@click.command("import-csv")
@with_appcontext
@click.option("--kind", type=click.Choice(["employees", "posts"]), required=True,
              help="Contenu du fichier : salariés (employees) ou postes (posts).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "do_apply", is_flag=True,
              help="Enregistrer (sans cette option : aperçu seulement, rien n'est écrit).")
@click.option("--details/--no-details", default=True, help="Lister les lignes une par une.")
def import_csv_command(kind: str, file: Path, do_apply: bool, details: bool):
    """Importer des postes ou des salariés depuis un CSV du SIRH (aperçu, ou --apply)."""
    try:
        plan = build_plan(kind, file.read_bytes())
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Fichier : {file.name} — encodage {plan.encoding}, séparateur « {plan.delimiter} »")
    if plan.ignored_headers:
        click.echo("Colonnes ignorées : " + ", ".join(plan.ignored_headers))
    if details:
        for row in plan.rows:
            if row.action == "reject":
                click.echo(f"  ligne {row.line} [{row.key or '—'}] rejetée : "
                           + " ; ".join(row.reasons))
            elif row.action == "create":
                click.echo(f"  ligne {row.line} [{row.key}] à créer")
            elif row.action == "update":
                changes = ", ".join(f"{FIELD_LABELS.get(k, k)} {display(o)} → {display(n)}"
                                    for k, (o, n) in row.changes.items())
                click.echo(f"  ligne {row.line} [{row.key}] à mettre à jour : {changes}")
    counts = plan.counts
    if do_apply:
        counts = apply_plan(plan, None)
        db.session.commit()
        verb = "Import appliqué"
    else:
        db.session.rollback()
        verb = "Aperçu (rien n'est enregistré ; ajoutez --apply)"
    click.echo(
        f"{verb} : {counts['create']} création(s), {counts['update']} mise(s) à jour, "
        f"{counts['unchanged']} inchangée(s), {counts['reject']} rejetée(s)."
    )
