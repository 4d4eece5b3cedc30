"""Document forms: issue buttons (CSRF, optimistic lock) and the signed-scan upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from hrtele.web.forms import VersionField


class IssueAmendmentForm(FlaskForm):
    """« Émettre l'avenant » button: carries the agreement version the user looked at."""

    version = VersionField()


class ScanUploadForm(FlaskForm):
    """Upload of the signed scan of an issued document (PDF only, size-limited)."""

    scan = FileField(
        "Scan signé (PDF)",
        validators=[FileRequired("Choisissez le fichier PDF du document signé.")],
        render_kw={"accept": "application/pdf,.pdf"},
    )
