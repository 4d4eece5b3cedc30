"""Filters of the audit trail (a GET form: no CSRF token, nothing changes)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Length, Optional, ValidationError

from hrtele.web.forms import FrenchDateField, TrimmedStringField, no_control_chars
from hrtele.web.inputs import MAX_ID, parse_int


class AuditFilterForm(FlaskForm):
    """Author, action, kind of record, record number and a date range."""

    class Meta:
        csrf = False

    acteur = TrimmedStringField(
        "Auteur (adresse électronique)",
        validators=[Optional(), Length(max=100, message="100 caractères au plus."), no_control_chars],
    )
    action = SelectField("Action", choices=[], default="",
                         invalid_choice_message="Action inconnue : choisissez-la dans la liste.")
    objet = SelectField("Type d'enregistrement", choices=[], default="",
                        invalid_choice_message="Type inconnu : choisissez-le dans la liste.")
    numero = TrimmedStringField("N° d'enregistrement", validators=[Optional(), Length(max=10)])
    du = FrenchDateField("Du (jj/mm/aaaa)", validators=[Optional()])
    au = FrenchDateField("Au (jj/mm/aaaa)", validators=[Optional()])

    def validate_numero(self, field):
        if field.data and parse_int(field.data, minimum=1, maximum=MAX_ID) is None:
            raise ValidationError("Indiquez un numéro entier positif (par exemple 42).")

    @property
    def object_id(self) -> int | None:
        """The record number as an integer, or None."""
        return parse_int(self.numero.data or "", minimum=1, maximum=MAX_ID)

    def validate_au(self, field):
        if field.data and self.du.data and field.data < self.du.data:
            raise ValidationError("La date de fin précède la date de début.")
