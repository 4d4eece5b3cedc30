"""Forms of the API token screen (admin)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from hrtele.integrations.services import MAX_NAME, SCOPES
from hrtele.web.forms import TrimmedStringField, VersionField, no_control_chars


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TokenCreateForm(FlaskForm):
    """A new token: the integration's name and its scopes."""

    name = TrimmedStringField(
        "Nom de l'intégration",
        validators=[DataRequired("Le nom de l'intégration est obligatoire."),
                    Length(max=MAX_NAME, message=f"{MAX_NAME} caractères au plus."),
                    no_control_chars],
    )
    scopes = CheckboxesField(
        "Portées",
        choices=dict(SCOPES),
        validators=[DataRequired("Choisissez au moins une portée (lecture, écriture ou paie).")],
    )


class TokenActionForm(FlaskForm):
    """CSRF token plus the version of the token the admin saw (revocation)."""

    version = VersionField()
