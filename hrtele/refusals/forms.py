"""Forms of the refusal-reason catalogue."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length

from hrtele.domain.refusals import LABEL_MAX
from hrtele.web.forms import TrimmedStringField, VersionField, no_control_chars


def _label_field() -> TrimmedStringField:
    return TrimmedStringField(
        "Libellé",
        validators=[
            DataRequired("Indiquez le libellé du motif."),
            Length(max=LABEL_MAX, message=f"{LABEL_MAX} caractères au plus."),
            no_control_chars,
        ],
    )


class ReasonForm(FlaskForm):
    """Add a reason to the catalogue."""

    label = _label_field()


class ReasonRenameForm(FlaskForm):
    """Rename a reason (carries the version)."""

    version = VersionField()
    label = _label_field()


class ReasonStateForm(FlaskForm):
    """Deactivate, reactivate or delete a reason (POST button with the version)."""

    version = VersionField()
