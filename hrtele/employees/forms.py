"""Employee form, and text validators shared by the employee, place and request forms."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from hrtele import clock
from hrtele.domain.pattern import STANDARD_WORKING_WEEK
from hrtele.web.forms import (
    FrenchDateField,
    FrenchDecimalField,
    TrimmedStringField,
    VersionField,
    no_control_chars,
)
from hrtele.web.labels import choices
from hrtele.web.pattern import WeeklyPatternField

# A person's name: letters (any script), with single spaces, apostrophes, hyphens or dots between.
_PERSON_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '’.-]{1,2}[^\W\d_]+)*\.?$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_MARKUP_RE = re.compile(r"[<>]")
# Dates further in the future than this are typing mistakes (e.g. 2062 for 2026).
FUTURE_TOLERANCE = timedelta(days=366)

CIVILITIES = (("", "—"), ("M.", "M."), ("Mme", "Mme"))


class Required:
    """Like DataRequired, but keeps a parsing error (« Date impossible … ») instead of hiding it."""

    field_flags = {"required": True}

    def __init__(self, message):
        self.message = message

    def __call__(self, _form, field):
        if field.errors:  # the value could not be read: that message says what is wrong
            raise StopValidation()
        if field.data is None or (isinstance(field.data, str) and not field.data.strip()):
            raise StopValidation(self.message)


def nfc(value):
    """Unicode NFC normalisation (« É » typed as E + accent is stored as one character)."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def person_name(_form, field):
    """Letters with spaces, apostrophes, hyphens, dots: no digits, markup or invisible characters."""
    if field.data and not _PERSON_NAME_RE.match(field.data):
        raise ValidationError(
            _l(
                "Un nom ne peut contenir que des lettres, des espaces, des apostrophes, des "
                "traits d'union et des points (pas de chiffres ni de balises HTML)."
            )
        )


def no_markup(_form, field):
    """Refuse < and > in short names (HTML markup has nothing to do in a name)."""
    if isinstance(field.data, str) and _MARKUP_RE.search(field.data):
        raise ValidationError(_l("Les caractères < et > ne sont pas autorisés dans un nom."))


def email_address(_form, field):
    """A plausible e-mail address (name@domain.tld), when one is given."""
    if field.data and not _EMAIL_RE.match(field.data):
        raise ValidationError(
            _l("Adresse électronique invalide : utilisez la forme prenom.nom@exemple.fr.")
        )


def not_far_future(_form, field):
    """Refuse dates more than a year ahead (typing mistakes)."""
    if field.data is not None and field.data > clock.today() + FUTURE_TOLERANCE:
        raise ValidationError(_l("Date trop lointaine : vérifiez l'année."))


def text_filters() -> list:
    """Filters of free-text fields: trimmed (by TrimmedStringField) and NFC-normalised."""
    return [nfc]


class EmployeeForm(FlaskForm):
    """Create or edit an employee."""

    version = VersionField()
    personnel_number = TrimmedStringField(
        _l("Matricule"),
        filters=text_filters(),
        validators=[
            DataRequired(_l("Le matricule est obligatoire.")),
            Length(max=30, message=_l("30 caractères au plus.")),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
                message=_l("Lettres, chiffres, point, tiret, barre oblique et souligné seulement."),
            ),
        ],
    )
    civility = SelectField(_l("Civilité"), choices=dict(CIVILITIES))
    first_name = TrimmedStringField(
        _l("Prénom"),
        filters=text_filters(),
        validators=[
            DataRequired(_l("Le prénom est obligatoire.")),
            Length(max=100, message=_l("100 caractères au plus.")),
            no_control_chars,
            person_name,
        ],
    )
    last_name = TrimmedStringField(
        _l("Nom"),
        filters=text_filters(),
        validators=[
            DataRequired(_l("Le nom est obligatoire.")),
            Length(max=100, message=_l("100 caractères au plus.")),
            no_control_chars,
            person_name,
        ],
    )
    email = TrimmedStringField(
        _l("Adresse électronique professionnelle"),
        filters=text_filters(),
        validators=[Length(max=254, message=_l("254 caractères au plus.")), email_address],
        render_kw={"type": "email", "autocomplete": "off"},
    )
    post_id = SelectField(_l("Poste"), coerce=int, validators=[Optional()])
    category_id = SelectField(_l("Catégorie"), coerce=int, validators=[Optional()])
    hire_date = FrenchDateField(
        _l("Date d'embauche"),
        validators=[Required(_l("La date d'embauche est obligatoire.")), not_far_future],
    )
    contract_date = FrenchDateField(
        _l("Date du contrat de travail"), validators=[Optional(), not_far_future]
    )
    working_time_rate = IntegerField(
        _l("Taux d'activité (%)"),
        default=100,
        validators=[
            InputRequired(_l("Le taux d'activité est obligatoire.")),
            NumberRange(1, 100, _l("Le taux d'activité est compris entre 1 et 100 %%.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    working_pattern = WeeklyPatternField(
        _l("Demi-journées travaillées selon le contrat"),
        default=STANDARD_WORKING_WEEK,
        keep_when_absent=True,
    )
    working_hours = TrimmedStringField(
        _l("Horaires de travail habituels (facultatif)"),
        validators=[Length(max=200, message=_l("200 caractères au plus.")), no_control_chars],
    )
    home_address = TextAreaField(
        _l("Adresse du domicile"),
        filters=[nfc],
        validators=[Length(max=500, message=_l("500 caractères au plus.")), no_control_chars],
    )
    commute_km = FrenchDecimalField(
        _l("Distance domicile-travail (km, aller)"),
        places=1,
        minimum=0,
        maximum=2000,
        validators=[Optional()],
    )
    commute_mode = SelectField(_l("Mode de transport habituel"), choices=dict(choices("commute_mode")))
    manager_id = SelectField(
        _l("Responsable hiérarchique"), coerce=int, validate_choice=False, validators=[Optional()]
    )
    is_active = BooleanField(_l("Fait partie des effectifs"), default=True)

    def validate_contract_date(self, field):
        """A contract date more than a year before the hire date is a typing mistake."""
        if field.data and self.hire_date.data and field.data < self.hire_date.data - timedelta(days=366):
            raise ValidationError(
                _l("La date du contrat précède de plus d'un an la date d'embauche : vérifiez-la.")
            )
