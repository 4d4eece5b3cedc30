"""Forms of the import area."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField
from wtforms.validators import InputRequired, Regexp


class UploadForm(FlaskForm):
    """Choose what to import and the CSV file."""

    kind = RadioField(
        "Que contient le fichier ?",
        choices={"employees": "Des salariés", "posts": "Des postes"},
        validators=[InputRequired("Choisissez le type de fichier.")],
    )
    file = FileField("Fichier CSV", validators=[FileRequired("Choisissez un fichier CSV.")])


class ApplyForm(FlaskForm):
    """Confirm the previewed batch; carries only the hash of the stored file."""

    sha256 = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9a-f]{64}$")])
