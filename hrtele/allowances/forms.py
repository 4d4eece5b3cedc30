"""Forms of the allowances area: URSSAF ceiling rows."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from hrtele.web.forms import (
    EurosField,
    FrenchDateField,
    TrimmedStringField,
    VersionField,
    no_control_chars,
)


class CeilingForm(FlaskForm):
    """One period of the URSSAF exemption ceiling table."""

    version = VersionField()
    valid_from = FrenchDateField(
        "Début de la période", validators=[InputRequired("La date de début est obligatoire.")]
    )
    valid_to = FrenchDateField("Fin de la période (incluse)", validators=[Optional()])
    per_weekly_day_monthly = EurosField(
        "Montant mensuel par jour hebdomadaire de télétravail", maximum=1000,
        validators=[Optional()],
    )
    per_day = EurosField("Montant par jour télétravaillé", maximum=1000, validators=[Optional()])
    monthly_cap = EurosField("Maximum mensuel (barème journalier)", maximum=10000,
                             validators=[Optional()])
    note = TextAreaField("Note", validators=[Length(max=4000), no_control_chars])
    source = TrimmedStringField("Source", validators=[Length(max=1000), no_control_chars])

    def validate_valid_to(self, field):
        """The period must end on or after its first day."""
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError("La fin de la période précède son début.")

    def validate_per_day(self, field):
        """At least one basis (monthly per weekly day, or per day) is required."""
        if field.data is None and self.per_weekly_day_monthly.data is None:
            raise ValidationError(
                "Indiquez au moins un barème : montant mensuel par jour hebdomadaire ou "
                "montant par jour télétravaillé."
            )

    def validate_monthly_cap(self, field):
        """The monthly maximum only bounds the per-day basis."""
        if field.data is not None and self.per_day.data is None:
            raise ValidationError("Le maximum mensuel ne s'applique qu'au barème journalier.")

    def data_dict(self) -> dict:
        """Validated values keyed like UrssafCeiling columns."""
        return {
            "valid_from": self.valid_from.data,
            "valid_to": self.valid_to.data,
            "per_weekly_day_monthly": self.per_weekly_day_monthly.data,
            "per_day": self.per_day.data,
            "monthly_cap": self.monthly_cap.data,
            "note": (self.note.data or "").strip(),
            "source": self.source.data or "",
        }
