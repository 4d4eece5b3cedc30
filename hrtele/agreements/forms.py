"""Agreement form: what the amendment will say. validate() runs the service's rule checks."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from hrtele import clock
from hrtele.agreements.services import FIELDS, agreement_violations
from hrtele.domain.dates import adaptation_end_date
from hrtele.models import Agreement
from hrtele.web.forms import (
    ConfirmWarningsForm,
    EurosField,
    FrenchDateField,
    FrenchDecimalField,
    TrimmedStringField,
    VersionField,
    no_control_chars,
)
from hrtele.web.labels import LABELS
from hrtele.web.pattern import WeeklyPatternField


class AgreementForm(ConfirmWarningsForm):
    """Create or edit an agreement (the edit form has no request_id: it never changes)."""

    version = VersionField()
    request_id = SelectField(
        "Demande de télétravail à laquelle répond l'accord",
        coerce=int,
        validate_choice=False,
    )
    place_id = SelectField("Lieu de télétravail", coerce=int, validate_choice=False)
    second_place_id = SelectField(
        "Second lieu (facultatif)", coerce=int, validate_choice=False, validators=[Optional()]
    )
    days_per_week = FrenchDecimalField("Jours de télétravail par semaine", places=1)
    weekly_pattern = WeeklyPatternField("Rythme hebdomadaire (facultatif)", places=2)
    start_date = FrenchDateField("Date de début du télétravail")
    end_date = FrenchDateField("Date de fin (facultative)")
    adaptation_months = IntegerField(
        "Durée de la période d'adaptation (mois)",
        validators=[
            InputRequired("Indiquez la durée de la période d'adaptation (0 si aucune)."),
            NumberRange(0, 36, "Entre 0 et 36 mois."),
        ],
    )
    notice_days_during_adaptation = IntegerField(
        "Délai de prévenance pendant la période d'adaptation (jours)",
        validators=[Optional(), NumberRange(0, 365, "Entre 0 et 365 jours.")],
    )
    notice_days_after_adaptation = IntegerField(
        "Délai de prévenance après la période d'adaptation (jours)",
        validators=[Optional(), NumberRange(0, 365, "Entre 0 et 365 jours.")],
    )
    reversibility_clause = RadioField(
        "Après la période d'adaptation (clause de réversibilité)",
        choices=dict(LABELS["reversibility_clause"]),
        validate_choice=False,
    )
    contact_slots = TextAreaField(
        "Plages horaires de joignabilité", validators=[Length(max=1000), no_control_chars]
    )
    time_control = TextAreaField(
        "Modalités de contrôle du temps de travail", validators=[Length(max=2000), no_control_chars]
    )
    equipment = TextAreaField(
        "Équipements fournis (un par ligne)", validators=[Length(max=4000), no_control_chars]
    )
    costs_coverage = TextAreaField(
        "Autres coûts pris en charge en nature (un par ligne, facultatif)",
        validators=[Length(max=2000), no_control_chars],
    )
    allowance_scheme = SelectField(
        "Modalité de l'allocation", choices=dict(LABELS["allowance_scheme"])
    )
    allowance_amount = EurosField("Montant de l'allocation", validators=[Optional()])
    allowance_monthly_cap = EurosField("Plafond mensuel (facultatif)", validators=[Optional()])
    insurance_received_date = FrenchDateField("Attestation d'assurance reçue le")
    insurance_insurer = TrimmedStringField(
        "Assureur",
        validators=[Length(max=200, message="200 caractères au plus."), no_control_chars],
    )
    insurance_expiry_date = FrenchDateField("Attestation d'assurance valable jusqu'au")
    electrical_statement_date = FrenchDateField("Attestation de conformité électrique reçue le")
    annual_interview_due_date = FrenchDateField("Entretien annuel à tenir au plus tard le")

    def __init__(self, *args, agreement: Agreement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        if agreement is not None:
            del self.request_id  # the request (and the employee) of an agreement never change

    # -- data for the service ------------------------------------------------------------------

    def service_data(self) -> dict[str, Any]:
        """The dict the agreement services take (0 in a select means « none »)."""
        data: dict[str, Any] = {}
        for name in FIELDS:
            if name in self:
                data[name] = self[name].data
        for name in ("request_id", "place_id", "second_place_id"):
            if name in data and not data[name]:
                data[name] = None
        return data

    @property
    def computed_adaptation_end(self) -> date | None:
        """End of the adaptation period from the start date and months typed (None if unknown)."""
        start, months = self.start_date.data, self.adaptation_months.data
        if start is None or not isinstance(months, int) or self.adaptation_months.errors:
            if self.agreement is not None and not self.is_submitted():
                return self.agreement.adaptation_end_date
            return None
        try:
            return adaptation_end_date(start, months)
        except (OverflowError, ValueError):
            return None

    def apply_rules(self, violations) -> bool:
        """Show rule violations beside their fields; True when nothing blocks."""
        kept = []
        for v in violations:
            target = self._fields.get(v.field)
            if target is not None and target.errors and v.field != "weekly_pattern":
                continue  # the field check already refused it (e.g. an impossible date)
            kept.append(v)
        return self.accept_violations(kept)

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the same rule checks the service runs before saving."""
        fields_ok = super().validate(extra_validators)
        data = self.service_data()
        for name in data:
            if name in self and self[name].errors:
                data[name] = None  # refused by its field check: keep it out of the rules
        violations = agreement_violations(data, clock.today(), self.agreement)
        return self.apply_rules(violations) and fields_ok

