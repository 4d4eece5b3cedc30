"""Forms of the employee's space: a voluntary telework request and a request to end telework."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from hrtele.domain.pattern import EMPTY_PATTERN, FIRST_PLACE, SECOND_PLACE, pattern_days
from hrtele.employees.forms import nfc
from hrtele.portal.services import PLACE_BOTH, PLACE_HOME, PLACE_THIRD
from hrtele.requests.forms import WeeklyPatternField, half_days
from hrtele.web.filters import number_fr
from hrtele.web.forms import FrenchDateField, FrenchDecimalField, VersionField, no_control_chars
from hrtele.web.inputs import coerce_id

MAX_TEXT = 4000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PortalRequestForm(FlaskForm):
    """The employee's own written telework request (initiative « salarié », dated today)."""

    wished_days = FrenchDecimalField(
        _l("Nombre de jours de télétravail souhaités par semaine"),
        places=1,
        minimum=Decimal("0.5"),
        maximum=7,
        validators=[
            InputRequired(_l("Indiquez le nombre de jours souhaités par semaine.")),
            half_days,
        ],
    )
    # Code 1 is always home and code 2 the third place here (stored_pattern() converts).
    wished_pattern = WeeklyPatternField(_l("Demi-journées souhaitées"), places=2)
    place_kind = RadioField(
        _l("Lieu du télétravail"),
        choices=[
            SelectChoice(PLACE_HOME, _l("Mon domicile")),
            SelectChoice(PLACE_THIRD, _l("Un tiers-lieu")),
            SelectChoice(PLACE_BOTH, _l("Mon domicile et un tiers-lieu")),
        ],
        default=PLACE_HOME,
        validators=[DataRequired(_l("Choisissez le lieu : votre domicile ou un tiers-lieu."))],
    )
    third_place_id = SelectField(_l("Tiers-lieu"), coerce=coerce_id, validate_choice=False)
    motive = TextAreaField(
        _l("Motif de votre demande (facultatif)"),
        filters=[nfc, _strip],
        validators=[
            Length(max=MAX_TEXT, message=_l("4 000 caractères au plus.")),
            no_control_chars,
        ],
    )

    def validate_wished_pattern(self, field):
        """Chosen half days match the chosen places and add up to the wished number of days."""
        if field.data in (None, EMPTY_PATTERN):
            return
        kind = self.place_kind.data
        if kind == PLACE_HOME and str(SECOND_PLACE) in field.data:
            raise ValidationError(_l(
                "Vous avez choisi votre domicile seulement : pour des demi-journées en "
                "tiers-lieu, choisissez « Mon domicile et un tiers-lieu »."))
        if kind == PLACE_THIRD and str(FIRST_PLACE) in field.data:
            raise ValidationError(_l(
                "Vous avez choisi un tiers-lieu seulement : pour des demi-journées à domicile, "
                "choisissez « Mon domicile et un tiers-lieu »."))
        days = self.wished_days.data
        if days is None or self.wished_days.errors:
            return
        ticked = pattern_days(field.data)
        if ticked != days:
            raise ValidationError(
                _l(
                    "Les demi-journées cochées représentent %(ticked)s jour(s) par semaine, et non "
                    "les %(days)s jour(s) indiqués : corrigez l'un ou l'autre, ou ne cochez rien "
                    "pour laisser les jours à convenir avec votre responsable.",
                    ticked=number_fr(ticked),
                    days=number_fr(days),
                )
            )

    def validate_third_place_id(self, field):
        """A third place must be picked from the list when « tiers-lieu » is chosen."""
        if self.place_kind.data not in (PLACE_THIRD, PLACE_BOTH):
            return
        allowed = {value for value, _label in field.choices or () if value}
        if not field.data or field.data not in allowed:
            raise ValidationError(_l("Choisissez un tiers-lieu dans la liste."))


class ChangeRequestForm(PortalRequestForm):
    """The employee changes their pending request (the version they saw guards the change)."""

    version = VersionField()


class WithdrawRequestForm(FlaskForm):
    """The employee withdraws their pending request."""

    version = VersionField()


class EndRequestForm(FlaskForm):
    """The employee asks to end telework (reversibility at the employee's initiative)."""

    effective_date = FrenchDateField(
        _l("Date de fin souhaitée (retour sur site à partir de ce jour)"),
        native=True,
        validators=[
            InputRequired(
                _l(
                    "Indiquez la date à laquelle vous souhaitez arrêter le "
                    "télétravail."
                )
            )
        ],
    )
    reason = TextAreaField(
        _l("Motif (facultatif)"),
        filters=[nfc, _strip],
        validators=[
            Length(max=MAX_TEXT, message=_l("4 000 caractères au plus.")),
            no_control_chars,
        ],
    )
