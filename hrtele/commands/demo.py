"""`flask demo-data`: load the fictitious demonstration employer into an empty database."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import inspect

from hrtele.demo.data import DEFAULT_SEED
from hrtele.demo.loader import DemoSummary, database_has_employer, load_demo
from hrtele.domain.dates import format_date_fr, parse_date_fr
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.web.labels import LABELS

_MISSING_SCHEMA = (
    "La base de données n'est pas initialisée : lancez d'abord « flask --app hrtele db upgrade »."
)


def _parse_today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_date_fr(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _counts(labels: dict[str, str], counts: dict[str, int]) -> str:
    return " ; ".join(f"{labels[key].lower()} : {n}" for key, n in counts.items())


def report(summary: DemoSummary) -> list[str]:
    """Lines printed after loading: what was created, then the demo accounts."""
    lines = [
        f"Données de démonstration chargées (date de référence : "
        f"{format_date_fr(summary.today)}, graine {summary.seed}).",
        f"  Employeur : {summary.employer_name}, {summary.establishments} établissements",
        f"  Postes : {summary.posts}, dont {summary.ineligible_posts} non télétravaillables "
        f"et {summary.vacant_posts} vacants",
        f"  Salariés : {summary.employees} en activité, {summary.inactive_employees} sorti(s) "
        "des effectifs",
        f"  Lieux : {summary.telecentres} télécentres, {summary.homes} domiciles",
        f"  Demandes : {sum(summary.requests.values())} "
        f"({_counts(LABELS['request_status'], summary.requests)})",
        f"  Accords : {sum(summary.agreements.values())} "
        f"({_counts(LABELS['agreement_status'], summary.agreements)})",
        "",
        "Comptes de démonstration — DÉMONSTRATION UNIQUEMENT : ces mots de passe sont publics,",
        "ne les utilisez jamais sur une installation réelle.",
    ]
    width = max(len(account.email) for account in summary.accounts)
    for account in summary.accounts:
        lines.append(f"  {account.email:<{width}}  {account.password:<28}  {account.description}")
    return lines


@click.command("demo-data")
@click.option("--if-empty", is_flag=True,
              help="Ne rien faire si un employeur existe déjà (utilisé par « make run »).")
@click.option("--today", callback=_parse_today, metavar="JJ/MM/AAAA",
              help="Date de référence des données (par défaut : la date du jour à Paris).")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Graine du tirage : même date et même graine donnent les mêmes données.")
@with_appcontext
def demo_data_command(if_empty: bool, today: date | None, seed: int) -> None:
    """Charger les données de démonstration (employeur fictif) dans une base vide."""
    if not inspect(db.engine).has_table("employers"):
        raise click.ClickException(_MISSING_SCHEMA)
    try:
        if database_has_employer():
            if if_empty:
                click.echo("La base contient déjà un employeur : données de démonstration "
                           "non chargées.")
                return
            raise click.ClickException(
                "La base contient déjà un employeur : les données de démonstration ne se "
                "chargent que dans une base vide.")
        summary = load_demo(today, None, seed)
        # Separate step (documents area): real PDFs for the first agreements, notices and
        # refused requests; bounded because each render takes about 0.2 s.
        from hrtele.documents.demo import issue_demo_documents

        documents = issue_demo_documents(summary.today)
        from hrtele.signatures.services import prepare_demo_signing

        signing = prepare_demo_signing(
            summary.employer_name,
            [a.email for a in summary.accounts if a.role == "hr"][:1],
        )
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo("\n".join(report(summary)))
    click.echo("\n".join(documents.report()))
    click.echo("\n".join(signing))


commands = [demo_data_command]
