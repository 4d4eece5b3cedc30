"""Signature forms: signing with the password re-entered, uploading a PDF to verify."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length


class SignForm(FlaskForm):
    """« Je signe » with explicit consent and the account password typed again."""

    consent = BooleanField(
        "J'ai lu ce document et je le signe électroniquement",
        validators=[DataRequired("Cochez la case pour confirmer que vous signez ce document.")],
    )
    password = PasswordField(
        "Mot de passe de votre compte",
        validators=[
            DataRequired("Saisissez votre mot de passe : il confirme que c'est bien vous qui signez."),
            Length(max=1024, message="Mot de passe trop long."),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class VerifyForm(FlaskForm):
    """Upload of a PDF to verify."""

    pdf = FileField(
        "Fichier PDF à vérifier",
        validators=[FileRequired("Choisissez le fichier PDF à vérifier.")],
        render_kw={"accept": "application/pdf,.pdf"},
    )
