"""`flask create-user`."""

from __future__ import annotations

import click

from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.users.services import create_user


@click.command("create-user")
@click.option("--email", required=True, help="Adresse électronique (identifiant).")
@click.option("--role", type=click.Choice(["admin", "hr", "employee"]), required=True)
@click.option("--name", "display_name", default="", help="Nom affiché.")
@click.option("--employee-id", type=int, default=None, help="Salarié rattaché (rôle employee).")
@click.password_option("--password", help="Mot de passe (au moins 12 caractères).")
def create_user_command(email, role, display_name, employee_id, password):
    """Créer un compte utilisateur."""
    try:
        user = create_user(email, role, password, None, display_name, employee_id)
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(f"Compte créé : {user.email} ({user.role}).")


commands = [create_user_command]
