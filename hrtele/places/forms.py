"""Telework place form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from hrtele.employees.forms import nfc, no_markup, text_filters
from hrtele.web.forms import TrimmedStringField, VersionField, no_control_chars
from hrtele.web.inputs import StrictIntegerField, coerce_id
from hrtele.web.labels import choices


def third_place_type_choices() -> list[tuple[str, str]]:
    """(code, label) of third-place types, with an empty choice first."""
    return [("", "—")] + choices("third_place_type")


class PlaceForm(FlaskForm):
    """Create or edit a telework place (the employee's home or a third place)."""

    version = VersionField()
    kind = SelectField(_l("Type de lieu"), choices=dict(choices("place_kind")))
    employee_id = SelectField(
        _l("Salarié (domicile)"), coerce=coerce_id, validate_choice=False, validators=[Optional()]
    )
    third_place_type = SelectField(_l("Type de tiers-lieu"), choices=dict(third_place_type_choices()))
    name = TrimmedStringField(
        _l("Nom du lieu"),
        filters=text_filters(),
        validators=[Length(max=200, message=_l("200 caractères au plus.")), no_control_chars,
                    no_markup],
    )
    address = TextAreaField(
        _l("Adresse"),
        filters=[nfc],
        validators=[Length(max=500, message=_l("500 caractères au plus.")), no_control_chars],
    )
    capacity = StrictIntegerField(
        _l("Capacité (postes de travail)"),
        validators=[Optional(), NumberRange(0, 100000, _l("Entre 0 et 100 000."))],
        render_kw={"inputmode": "numeric"},
    )
