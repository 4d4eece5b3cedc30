"""Telework request forms: recording the request, and HR's decision (accept, refuse, withdraw).

WeeklyPatternField (with the macro templates/requests/_pattern.html) is reusable by any form
holding a weekly telework pattern, e.g. the agreement form.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from hrtele.domain.pattern import (
    EMPTY_PATTERN,
    SLOT_NAMES,
    SLOTS_PER_DAY,
    SLOTS_PER_WEEK,
    build_pattern,
    is_valid_pattern,
)
from hrtele.employees.forms import Required, nfc, not_far_future
from hrtele.web.forms import (
    ConfirmWarningsForm,
    FrenchDateField,
    FrenchDecimalField,
    VersionField,
    no_control_chars,
)
from hrtele.web.inputs import coerce_id
from hrtele.web.labels import choices

WEEKDAY_LABELS = (_l("Lundi"), _l("Mardi"), _l("Mercredi"), _l("Jeudi"), _l("Vendredi"))
HALF_DAY_LABELS = (_l("Matin"), _l("Après-midi"))
SLOT_LABELS = (
    _l("Lundi matin"), _l("Lundi après-midi"), _l("Mardi matin"), _l("Mardi après-midi"),
    _l("Mercredi matin"), _l("Mercredi après-midi"), _l("Jeudi matin"), _l("Jeudi après-midi"),
    _l("Vendredi matin"), _l("Vendredi après-midi"),
)


class WeeklyPatternField(Field):
    """Ten checkboxes (Monday morning .. Friday afternoon); data is the 10-character pattern."""

    def process_data(self, value):
        self.data = value if is_valid_pattern(value) else EMPTY_PATTERN

    def process_formdata(self, valuelist):
        self.data = EMPTY_PATTERN
        if len(valuelist) > SLOTS_PER_WEEK:
            raise ValueError(_l("Rythme hebdomadaire invalide : trop de demi-journées envoyées."))
        if any(value not in SLOT_NAMES for value in valuelist):
            raise ValueError(_l("Rythme hebdomadaire invalide : demi-journée inconnue."))
        self.data = build_pattern(valuelist)

    def grid(self) -> list[dict]:
        """Rows for the template: one per weekday, each with its two half-day slots."""
        pattern = self.data if is_valid_pattern(self.data) else EMPTY_PATTERN
        rows = []
        for day, label in enumerate(WEEKDAY_LABELS):
            slots = []
            for half in range(SLOTS_PER_DAY):
                index = day * SLOTS_PER_DAY + half
                slots.append(
                    {
                        "name": SLOT_NAMES[index],
                        "label": SLOT_LABELS[index],
                        "checked": pattern[index] == "1",
                    }
                )
            rows.append({"label": label, "slots": slots})
        return rows

    @property
    def half_day_labels(self):
        """Column headings (morning, afternoon)."""
        return HALF_DAY_LABELS


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
        maximum=5,
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
    """Refusal: date and mandatory reason (printed in the refusal letter)."""

    refusal_reason = TextAreaField(
        _l("Motif du refus"),
        filters=[nfc, lambda v: v.strip() if isinstance(v, str) else v],
        validators=[
            DataRequired(_l("Le motif du refus est obligatoire : il figure dans la lettre de refus.")),
            Length(max=4000, message=_l("4 000 caractères au plus.")),
            no_control_chars,
        ],
    )
