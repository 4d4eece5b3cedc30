"""Log-in form."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        "Adresse électronique",
        validators=[DataRequired("Saisissez votre adresse électronique."), Length(max=254)],
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Saisissez votre mot de passe."), Length(max=1024)],
    )
