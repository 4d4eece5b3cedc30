"""Log-in, password change and invitation forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from hrtele.auth.passwords import password_problems

# Inputs are bounded well above the policy's maximum so a long password gets the policy
# message, not a truncation (ASVS 6.2.8: the password is used exactly as typed).
MAX_INPUT = 1024


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        "Adresse électronique",
        validators=[DataRequired("Saisissez votre adresse électronique."),
                    Length(max=254, message="254 caractères au plus.")],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Saisissez votre mot de passe."),
                    Length(max=MAX_INPUT, message="Mot de passe trop long.")],
        render_kw={"autocomplete": "current-password"},
    )


class _NewPasswordMixin:
    """New password twice, checked against the policy."""

    new_password = PasswordField(
        "Nouveau mot de passe",
        validators=[DataRequired("Choisissez un mot de passe."),
                    Length(max=MAX_INPUT, message="Mot de passe trop long.")],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirmez le nouveau mot de passe",
        validators=[DataRequired("Saisissez le mot de passe une seconde fois."),
                    EqualTo("new_password", "Les deux saisies ne sont pas identiques.")],
        render_kw={"autocomplete": "new-password"},
    )
    account_email = ""

    def validate_new_password(self, field):
        problems = password_problems(field.data or "", email=self.account_email)
        if problems:
            raise ValidationError(" ".join(problems))


class SetPasswordForm(_NewPasswordMixin, FlaskForm):
    """Choose a password through an invitation link."""

    def __init__(self, *args, account_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class ChangePasswordForm(_NewPasswordMixin, FlaskForm):
    """Change one's password: the current one is required."""

    current_password = PasswordField(
        "Mot de passe actuel",
        validators=[DataRequired("Saisissez votre mot de passe actuel."),
                    Length(max=MAX_INPUT, message="Mot de passe trop long.")],
        render_kw={"autocomplete": "current-password"},
    )

    def __init__(self, *args, account_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class SecondFactorForm(FlaskForm):
    """The 6-digit code of the authenticator app, or a recovery code."""

    code = StringField(
        "Code à 6 chiffres (ou code de secours)",
        validators=[DataRequired("Saisissez le code affiché par votre application."),
                    Length(max=40, message="Code trop long.")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                   "spellcheck": "false", "autocapitalize": "off"},
    )


class EnrolForm(FlaskForm):
    """First code typed to confirm the authenticator app."""

    code = StringField(
        "Code à 6 chiffres affiché par l'application",
        validators=[DataRequired("Saisissez le code affiché par votre application."),
                    Length(max=40, message="Code trop long.")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
