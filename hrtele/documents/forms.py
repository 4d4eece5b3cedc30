"""Document forms: the amendment issue (CSRF, optimistic lock, confirmation of a new version),
the signed-scan upload and the paper amendment."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField
from wtforms.validators import InputRequired

from hrtele.web.forms import FrenchDateField, VersionField


class ScanUploadForm(FlaskForm):
    """Upload of the signed scan of an issued document (PDF only, size-limited)."""

    scan = FileField(
        "Scan signé (PDF)",
        validators=[FileRequired("Choisissez le fichier PDF du document signé.")],
        render_kw={"accept": "application/pdf,.pdf"},
    )


class PaperAmendmentForm(FlaskForm):
    """The amendment signed on paper before the app: its signature date, optionally its scan."""

    signed_date = FrenchDateField(
        "Date de signature de l'avenant papier",
        validators=[InputRequired("Indiquez la date à laquelle l'avenant papier a été signé.")],
    )
    scan = FileField(
        "Scan de l'avenant signé (PDF, facultatif)",
        render_kw={"accept": "application/pdf,.pdf"},
    )


class ReissueAmendmentForm(FlaskForm):
    """Issue of the amendment: the version the user saw, and the confirmation a new version
    needs (it supersedes the one in force; a first issue needs none)."""

    version = VersionField()
    confirm = BooleanField(
        "Je confirme l'émission d'une nouvelle version : la version en vigueur sera remplacée "
        "et le salarié devra de nouveau en accuser réception et la signer.",
        validators=[InputRequired("Cochez la case pour confirmer l'émission de la nouvelle version.")],
    )
