"""Lifecycle forms: one per transition, plus the follow-up records."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from hrtele.web.forms import (
    ConfirmWarningsForm,
    EurosField,
    FrenchDateField,
    FrenchDecimalField,
    TrimmedStringField,
    VersionField,
    no_control_chars,
    strip_filter,
)
from hrtele.web.labels import LABELS
from hrtele.web.pattern import WeeklyPatternField

TEXT_MAX = 2000


def _text_area(label: str, required_message: str | None = None, max_length: int = TEXT_MAX):
    validators = [Length(max=max_length, message=f"{max_length} caractères au plus."),
                  no_control_chars]
    if required_message:
        validators.insert(0, DataRequired(required_message))
    else:
        validators.insert(0, Optional())
    return TextAreaField(label, validators=validators, filters=[strip_filter])


def _date(label: str, required_message: str | None = None):
    # InputRequired (not DataRequired) keeps the parsing error of an impossible date.
    validators = [InputRequired(required_message)] if required_message else [Optional()]
    return FrenchDateField(label, validators=validators)


class TransitionForm(FlaskForm):
    """Base: the agreement version the user loaded (a stale one gives 409)."""

    version = VersionField()


class SignForm(TransitionForm):
    """Both parties' signature dates of the issued avenant."""

    employee_signed_date = _date("Date de signature du salarié",
                                 "Indiquez la date de signature du salarié.")
    employer_signed_date = _date("Date de signature de l'employeur",
                                 "Indiquez la date de signature de l'employeur.")


class EventDateForm(TransitionForm):
    """A transition that only needs its date (activate, end_adaptation, complete_end, resume)."""

    event_date = _date("Date", "Indiquez la date.")


class NotifyEndForm(TransitionForm):
    """Reversibility: the end of telework notified by one party (legal.md §4.2)."""

    initiative = SelectField("Initiative", choices={"": "— choisir —", **LABELS["initiative"]},
                             validators=[InputRequired("Indiquez qui prend l'initiative.")])
    notification_date = _date("Date de notification", "Indiquez la date de notification.")
    method = SelectField(
        "Mode de notification",
        choices={"": "— choisir —", **LABELS["notification_method"]},
        validators=[InputRequired("Indiquez le mode de notification.")],
    )
    effective_date = _date("Date de fin effective du télétravail")
    is_end_mutual = BooleanField("Fin convenue d'un commun accord entre les parties")
    reason = _text_area("Motif (facultatif)")
    return_arrangements = _text_area(
        "Modalités de retour dans les locaux",
        "Indiquez les modalités de retour dans les locaux.",
    )

    def validate_initiative(self, field):
        """An empty choice is not an initiative."""
        if not field.data:
            raise ValidationError("Indiquez qui prend l'initiative.")

    def validate_method(self, field):
        """An empty choice is not a method."""
        if not field.data:
            raise ValidationError("Indiquez le mode de notification.")


class SuspendForm(TransitionForm):
    """Suspension under exceptional circumstances, with its dates."""

    reason = _text_area("Circonstances exceptionnelles (motif)", "Indiquez le motif de la suspension.")
    start_date = _date("Début de la suspension", "Indiquez la date de début de la suspension.")
    end_date = _date("Fin prévue (facultative)")


class RenewForm(TransitionForm):
    """Renewal of a fixed-term agreement: its new end date."""

    end_date = _date("Nouvelle date de fin", "Indiquez la nouvelle date de fin.")


class CancelForm(TransitionForm):
    """Abandoning an agreement before signature."""

    reason = _text_area("Motif (facultatif)")


class StartImposedForm(FlaskForm):
    """Telework imposed under L1222-11 (threat of epidemic, force majeure)."""

    reason = _text_area("Circonstances exceptionnelles", "Indiquez les circonstances exceptionnelles.")
    start_date = _date("Début", "Indiquez la date de début.")
    end_date = _date("Fin prévue (facultative)")
    days_per_week = FrenchDecimalField(
        "Jours de télétravail par semaine", places=1, minimum=0.5, maximum=5,
        validators=[InputRequired("Indiquez le nombre de jours par semaine.")],
    )
    contact_slots = _text_area("Plages horaires de joignabilité")
    time_control = _text_area("Contrôle du temps de travail")
    equipment = _text_area("Équipements fournis")

    def validate_days_per_week(self, field):
        """Whole or half days only."""
        if field.data is not None and (field.data * 2) % 1 != 0:
            raise ValidationError("Utilisez des journées ou des demi-journées (par ex. 2,5).")


class AmendForm(ConfirmWarningsForm):
    """« Avenant modificatif »: days, place or allowance of a running agreement."""

    version = VersionField()
    effective_date = _date("Date d'effet", "Indiquez la date d'effet de l'avenant modificatif.")
    days_per_week = FrenchDecimalField(
        "Jours de télétravail par semaine", places=1, minimum=0.5, maximum=7,
        validators=[InputRequired("Indiquez le nombre de jours par semaine.")],
    )
    weekly_pattern = WeeklyPatternField(
        "Jours fixes (facultatif : sinon un volume hebdomadaire)", places=2
    )
    place_id = SelectField("Lieu de télétravail", coerce=int)
    second_place_id = SelectField("Second lieu (facultatif)", coerce=int, validators=[Optional()])
    allowance_scheme = SelectField("Modalité d'allocation", choices=dict(LABELS["allowance_scheme"]))
    allowance_amount = EurosField("Montant de l'allocation", validators=[Optional()])
    allowance_monthly_cap = EurosField("Plafond mensuel (facultatif)", validators=[Optional()])
    reason = _text_area("Motif de la modification (facultatif)")

    def validate_place_id(self, field):
        """A place is required (0 is the empty choice)."""
        if not field.data:
            raise ValidationError("Choisissez le lieu de télétravail.")

    def validate_days_per_week(self, field):
        """Whole or half days only."""
        if field.data is not None and (field.data * 2) % 1 != 0:
            raise ValidationError("Utilisez des journées ou des demi-journées (par ex. 2,5).")

    def service_data(self) -> dict:
        """The amended terms, as the lifecycle service takes them."""
        return {
            "version": self.version.data,
            "effective_date": self.effective_date.data,
            "days_per_week": self.days_per_week.data,
            "weekly_pattern": self.weekly_pattern.data,
            "place_id": self.place_id.data or None,
            "second_place_id": self.second_place_id.data or None,
            "allowance_scheme": self.allowance_scheme.data,
            "allowance_amount": self.allowance_amount.data
            if self.allowance_amount.data is not None else Decimal("0"),
            "allowance_monthly_cap": self.allowance_monthly_cap.data,
            "reason": self.reason.data,
        }



class InterviewForm(FlaskForm):
    """Annual interview on conditions of activity and workload (L1222-10 4°, 2012)."""

    version = VersionField()
    held_date = _date("Date de l'entretien", "Indiquez la date de l'entretien.")
    conditions = _text_area("Conditions d'activité", "Résumez les échanges sur les conditions d'activité.", 8000)
    workload = _text_area("Charge de travail", "Résumez les échanges sur la charge de travail.", 8000)
    remarks = _text_area("Observations (facultatives)", None, 8000)
    next_date = _date("Prochain entretien au plus tard le")


class AttestationsForm(TransitionForm):
    """Home insurance and electrical-conformity attestations."""

    insurance_received_date = _date("Attestation d'assurance reçue le")
    insurance_insurer = TrimmedStringField(
        "Assureur", validators=[Length(max=200, message="200 caractères au plus."), no_control_chars]
    )
    insurance_expiry_date = _date("Attestation valable jusqu'au")
    electrical_statement_date = _date("Attestation de conformité électrique reçue le")


class EquipmentForm(FlaskForm):
    """An item lent to the teleworker."""

    item_type = TrimmedStringField(
        "Type d'équipement",
        validators=[DataRequired("Indiquez le type d'équipement."),
                    Length(max=100, message="100 caractères au plus."), no_control_chars],
    )
    serial_number = TrimmedStringField(
        "Numéro de série", validators=[Length(max=100, message="100 caractères au plus."),
                                       no_control_chars]
    )
    issued_date = _date("Remis le", "Indiquez la date de remise.")


class EquipmentReturnForm(FlaskForm):
    """Return of an item at the end of telework."""

    version = VersionField()
    returned_date = _date("Restitué le", "Indiquez la date de restitution.")
    return_condition = TrimmedStringField(
        "État du matériel",
        validators=[DataRequired("Indiquez l'état du matériel restitué."),
                    Length(max=200, message="200 caractères au plus."), no_control_chars],
    )


class InformForm(FlaskForm):
    """Date on which an employee with priority was told of a vacant post."""

    informed_date = _date("Informé le")
