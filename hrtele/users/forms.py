"""Account forms (admin)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Length, ValidationError

from hrtele.web.forms import TrimmedStringField, VersionField, no_control_chars
from hrtele.web.labels import LABELS

ROLE_CHOICES = {code: LABELS["role"][code] for code in ("hr", "admin", "employee")}


class UserCreateForm(FlaskForm):
    """New account: the person chooses the password through an invitation link."""

    email = EmailField(
        "Adresse électronique (identifiant)",
        validators=[DataRequired("L'adresse électronique est obligatoire."),
                    Length(max=254, message="254 caractères au plus."), no_control_chars],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    display_name = TrimmedStringField(
        "Nom affiché",
        validators=[Length(max=200, message="200 caractères au plus."), no_control_chars],
    )
    role = SelectField("Rôle", choices=ROLE_CHOICES, validators=[DataRequired("Choisissez un rôle.")])
    personnel_number = TrimmedStringField(
        "Matricule du salarié (rôle Salarié)",
        validators=[Length(max=30, message="30 caractères au plus."), no_control_chars],
    )

    def validate_personnel_number(self, field):
        if self.role.data == "employee" and not (field.data or "").strip():
            raise ValidationError("Un compte salarié doit être rattaché à un salarié : indiquez son matricule.")


class VersionedActionForm(FlaskForm):
    """CSRF token plus the version of the account the admin saw."""

    version = VersionField()
