"""Telework request forms: recording the request, and HR's decision (accept, refuse, withdraw).

The weekly pattern uses the shared WeeklyPatternField (hrtele/web/pattern.py).
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from hrtele.domain.refusals import missing_detail
from hrtele.employees.forms import Required, nfc, not_far_future
from hrtele.refusals.services import reason_code
from hrtele.web.forms import (
    ConfirmWarningsForm,
    FrenchDateField,
    FrenchDecimalField,
    VersionField,
    no_control_chars,
)
from hrtele.web.inputs import coerce_id
from hrtele.web.labels import choices
from hrtele.web.pattern import WeeklyPatternField


def half_days(_form, field):
    """Whole days or half days only (0,5; 1; 1,5 ...)."""
    if field.data is not None and (field.data * 2) % 1 != 0:
        raise ValidationError(_l("Comptez en journées ou en demi-journées (par ex. 1,5)."))


class RequestForm(ConfirmWarningsForm):
    """Record (or correct) an employee's written telework request."""

    version = VersionField()
    employee_id = SelectField(
        _l("Salarié"),
        coerce=coerce_id,
        validate_choice=False,
        validators=[DataRequired(_l("Choisissez le salarié qui demande le télétravail."))],
    )
    request_date = FrenchDateField(
        _l("Date de la demande écrite"),
        validators=[Required(_l("La date de la demande est obligatoire.")), not_far_future],
    )
    initiative = RadioField(
        _l("Initiative"), choices=dict(choices("initiative")), default="employee",
        validators=[DataRequired(_l("Indiquez qui est à l'initiative."))],
    )
    wished_days = FrenchDecimalField(
        _l("Jours de télétravail souhaités par semaine"),
        places=1,
        minimum=Decimal("0.5"),
        maximum=7,
        validators=[Required(_l("Indiquez le nombre de jours souhaités.")), half_days],
    )
    wished_pattern = WeeklyPatternField(_l("Jours souhaités"))
    place_id = SelectField(
        _l("Lieu souhaité"), coerce=coerce_id, validate_choice=False, validators=[Optional()]
    )
    motive = TextAreaField(
        _l("Motif exprimé par le salarié"),
        filters=[nfc],
        validators=[Length(max=4000, message=_l("4 000 caractères au plus.")), no_control_chars],
    )


class DecisionForm(FlaskForm):
    """Date of a decision on a request (accept, withdraw); carries the version."""

    version = VersionField()
    decision_date = FrenchDateField(
        _l("Date de la décision"),
        validators=[Required(_l("La date de la décision est obligatoire."))],
    )


class RefuseForm(DecisionForm):
    """Refusal: date, a reason of the catalogue and a free precision (both in the letter).

    The reason choices are filled by the route (hrtele.refusals.services.reason_choices); an
    unknown or deactivated id is refused by the service, beside the select.
    """

    reason_id = SelectField(
        _l("Motif du refus"), coerce=coerce_id, validate_choice=False,
        validators=[DataRequired(_l("Choisissez le motif du refus."))],
    )
    refusal_reason = TextAreaField(
        _l("Précision"),
        filters=[nfc, lambda v: v.strip() if isinstance(v, str) else v],
        validators=[
            Length(max=4000, message=_l("4 000 caractères au plus.")),
            no_control_chars,
        ],
    )

    def validate_refusal_reason(self, field):
        """The precision is mandatory with the reason « autre » (same check as the service)."""
        if self.reason_id.data:
            error = missing_detail(reason_code(self.reason_id.data), field.data or "")
            if error:
                raise ValidationError(error)
