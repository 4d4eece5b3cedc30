"""Policy, employer identity and category forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
    ValidationError,
)

from hrtele.domain.signing import ORDER_LABELS
from hrtele.policy.services import (
    CATEGORY_FIELDS,
    EMPLOYER_FIELDS,
    POLICY_FIELDS,
    is_valid_siret,
    normalise_siret,
    policy_violations,
)
from hrtele.web.forms import (
    ConfirmWarningsForm,
    EurosField,
    FrenchDecimalField,
    TrimmedStringField,
    VersionField,
    no_control_chars,
)
from hrtele.web.labels import LABELS


def _required(message: str) -> InputRequired:
    return InputRequired(message)


class PolicyForm(ConfirmWarningsForm):
    """Every value of the employer's telework policy."""

    version = VersionField()
    legal_frame = TrimmedStringField(
        "Cadre juridique",
        validators=[
            DataRequired("Indiquez le cadre juridique."),
            Length(max=200, message="200 caractères au plus."),
            no_control_chars,
        ],
    )
    max_days_per_week = FrenchDecimalField(
        "Plafond de jours de télétravail par semaine",
        places=1,
        validators=[_required("Indiquez le plafond de jours par semaine.")],
    )
    half_days_allowed = BooleanField("Demi-journées autorisées")
    min_onsite_days_per_week = FrenchDecimalField(
        "Minimum de jours sur site par semaine",
        places=1,
        maximum=5,
        validators=[_required("Indiquez le minimum de jours sur site.")],
    )
    seniority_months = IntegerField(
        "Ancienneté requise (mois)",
        validators=[
            _required("Indiquez l'ancienneté requise (0 si aucune)."),
            NumberRange(max=600, message="600 mois au plus."),
        ],
    )
    min_working_time_rate = IntegerField(
        "Taux d'activité minimum (%)",
        validators=[
            _required("Indiquez le taux d'activité minimum (0 si aucun)."),
            NumberRange(-1000, 1000, "Entre 0 et 100 %."),
        ],
    )
    adaptation_months = IntegerField(
        "Durée de la période d'adaptation (mois)",
        validators=[
            _required("Indiquez la durée de la période d'adaptation."),
            NumberRange(max=120, message="120 mois au plus."),
        ],
    )
    notice_days_during_adaptation = IntegerField(
        "Délai de prévenance pendant l'adaptation (jours)",
        validators=[
            _required("Indiquez le délai de prévenance pendant l'adaptation."),
            NumberRange(max=365, message="365 jours au plus."),
        ],
    )
    notice_days_after_adaptation = IntegerField(
        "Délai de prévenance après l'adaptation (jours)",
        validators=[
            _required("Indiquez le délai de prévenance après l'adaptation."),
            NumberRange(max=365, message="365 jours au plus."),
        ],
    )
    default_contact_slots = TextAreaField(
        "Plages horaires de joignabilité par défaut",
        validators=[
            DataRequired("Indiquez les plages horaires par défaut."),
            Length(max=1000, message="1 000 caractères au plus."),
            no_control_chars,
        ],
    )
    default_time_control = TextAreaField(
        "Contrôle du temps de travail par défaut",
        validators=[
            DataRequired("Indiquez les modalités de contrôle par défaut."),
            Length(max=2000, message="2 000 caractères au plus."),
            no_control_chars,
        ],
    )
    default_working_hours = TrimmedStringField(
        "Horaires de travail habituels",
        validators=[
            DataRequired("Indiquez les horaires habituels (ex. 8 h 30 – 12 h 30 et 13 h 30 – 17 h 30)."),
            Length(max=200, message="200 caractères au plus."),
            no_control_chars,
        ],
    )
    reversibility_clause = RadioField(
        "Clause de réversibilité proposée dans les nouveaux accords",
        choices=dict(LABELS["reversibility_clause"]),
        default="notice",
    )
    costs_coverage = TextAreaField(
        "Coûts pris en charge en nature pour tous les télétravailleurs (un par ligne, facultatif)",
        validators=[Length(max=2000, message="2 000 caractères au plus."), no_control_chars],
    )
    allowance_scheme = SelectField(
        "Modalité de l'allocation", choices=dict(LABELS["allowance_scheme"])
    )
    allowance_amount = EurosField(
        "Montant de l'allocation", validators=[_required("Indiquez le montant (0 si aucun).")]
    )
    allowance_monthly_cap = EurosField("Plafond mensuel de l'allocation (facultatif)")
    insurance_required = BooleanField("Attestation d'assurance habitation exigée")
    electrical_statement_required = BooleanField(
        "Attestation de conformité électrique exigée (télétravail à domicile)"
    )
    signature_order = SelectField(
        "Ordre des signatures électroniques de l'avenant",
        choices=[SelectChoice(order, label.capitalize()) for order, label in ORDER_LABELS.items()],
        validators=[DataRequired("Choisissez l'ordre des signatures.")],
    )

    def service_data(self) -> dict[str, Any]:
        """The dict update_policy takes."""
        return {name: self[name].data for name in POLICY_FIELDS}

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then check_policy (the same call update_policy makes)."""
        if not super().validate(extra_validators):
            return False
        return self.accept_violations(policy_violations(self.service_data()))


class EmployerForm(FlaskForm):
    """The employer's identity, printed on every avenant."""

    version = VersionField()
    name = TrimmedStringField(
        "Raison sociale",
        validators=[
            DataRequired("Indiquez la raison sociale."),
            Length(max=200, message="200 caractères au plus."),
            no_control_chars,
        ],
    )
    siret = TrimmedStringField(
        "SIRET",
        validators=[DataRequired("Indiquez le SIRET."), Length(max=30, message="SIRET invalide.")],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    address = TextAreaField(
        "Adresse du siège",
        validators=[
            DataRequired("Indiquez l'adresse."),
            Length(max=500, message="500 caractères au plus."),
            no_control_chars,
        ],
    )
    representative_name = TrimmedStringField(
        "Représentant de l'employeur (nom)",
        validators=[
            DataRequired("Indiquez le signataire des avenants."),
            Length(max=200, message="200 caractères au plus."),
            no_control_chars,
        ],
    )
    representative_title = TrimmedStringField(
        "Qualité du représentant",
        validators=[
            DataRequired("Indiquez la qualité du signataire."),
            Length(max=200, message="200 caractères au plus."),
            no_control_chars,
        ],
    )
    it_charter_ref = TrimmedStringField(
        "Référence de la charte informatique",
        validators=[Length(max=200, message="200 caractères au plus."), no_control_chars],
    )

    def validate_siret(self, field):
        if not is_valid_siret(normalise_siret(field.data)):
            raise ValidationError(
                "SIRET invalide : 14 chiffres dont le dernier est une clé de contrôle "
                "(algorithme de Luhn). Vérifiez-le sur l'avis de situation INSEE."
            )

    def service_data(self) -> dict[str, Any]:
        """The dict save_employer takes."""
        return {name: self[name].data for name in EMPLOYER_FIELDS}


class CategoryForm(FlaskForm):
    """Add a staff category."""

    code = TrimmedStringField(
        "Code",
        validators=[
            DataRequired("Indiquez le code."),
            Length(max=20, message="20 caractères au plus."),
            Regexp(
                r"^[A-Za-z0-9._-]+$",
                message="Lettres, chiffres, point, tiret et souligné seulement.",
            ),
        ],
    )
    label = TrimmedStringField(
        "Libellé",
        validators=[
            DataRequired("Indiquez le libellé."),
            Length(max=100, message="100 caractères au plus."),
            no_control_chars,
        ],
    )

    def service_data(self) -> dict[str, Any]:
        """The dict create_category takes."""
        return {name: self[name].data for name in CATEGORY_FIELDS}


class CategoryRenameForm(FlaskForm):
    """Rename a staff category (the code stays)."""

    version = VersionField()
    label = TrimmedStringField(
        "Libellé",
        validators=[
            DataRequired("Indiquez le libellé."),
            Length(max=100, message="100 caractères au plus."),
            no_control_chars,
        ],
    )
