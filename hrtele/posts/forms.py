"""Post form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from hrtele.web.forms import FrenchDecimalField, TrimmedStringField, VersionField, no_control_chars
from hrtele.web.inputs import StrictIntegerField, coerce_id


class PostForm(FlaskForm):
    """Create or edit a post."""

    version = VersionField()
    code = TrimmedStringField(
        "Code du poste",
        validators=[
            DataRequired("Le code est obligatoire."),
            Length(max=30, message="30 caractères au plus."),
            Regexp(r"^[A-Za-z0-9._-]+$", message="Lettres, chiffres, point, tiret et souligné seulement."),
        ],
    )
    title = TrimmedStringField(
        "Intitulé",
        validators=[DataRequired("L'intitulé est obligatoire."), Length(max=200), no_control_chars],
    )
    department = TrimmedStringField("Service / direction", validators=[Length(max=200), no_control_chars])
    establishment_id = SelectField("Établissement", coerce=coerce_id, validators=[Optional()])
    category_id = SelectField("Catégorie", coerce=coerce_id, validators=[Optional()])
    is_eligible = BooleanField("Poste télétravaillable")
    eligibility_reason = TextAreaField(
        "Motif (éligibilité ou exclusion)", validators=[Length(max=2000), no_control_chars]
    )
    teleworkable_tasks = TextAreaField(
        "Activités exercées en télétravail", validators=[Length(max=4000), no_control_chars]
    )
    max_days_per_week = FrenchDecimalField(
        "Plafond de jours par semaine pour ce poste", places=1, minimum=0, maximum=5,
        validators=[Optional()],
    )
    headcount = StrictIntegerField(
        "Effectif", default=1,
        validators=[DataRequired("L'effectif est obligatoire."), NumberRange(0, 100000, "Entre 0 et 100 000.")],
    )
    is_vacant = BooleanField("Poste vacant")

    def validate_max_days_per_week(self, field):
        if field.data is not None and (field.data * 2) % 1 != 0:
            raise ValidationError("Utilisez des journées ou des demi-journées (par ex. 1,5).")

    def validate_eligibility_reason(self, field):
        if not self.is_eligible.data and not (field.data or "").strip():
            raise ValidationError("Indiquez pourquoi le poste n'est pas télétravaillable.")
