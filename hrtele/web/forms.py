"""Shared form pieces: French dates and amounts, optimistic-lock field, CSRF-only form."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from hrtele.web.filters import date_fr, number_fr

_DATE_RE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
MAX_AMOUNT = Decimal("10000000")


class EmptyForm(FlaskForm):
    """CSRF token only, for POST buttons."""


def parse_french_date(text: str) -> date:
    """Parse dd/mm/yyyy (or ISO yyyy-mm-dd); ValueError with a French message otherwise."""
    m = _DATE_RE.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
    else:
        m = _ISO_RE.match(text)
        if not m:
            raise ValueError("Date invalide : utilisez le format jj/mm/aaaa.")
        year, month, day = (int(g) for g in m.groups())
    if not 1900 <= year <= 2200:
        raise ValueError("Date invalide : l'année doit être comprise entre 1900 et 2200.")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Date impossible : {text.strip()} n'existe pas.") from None


def parse_french_decimal(text: str, *, places: int = 2) -> Decimal:
    """Parse "12,50", "12.5", "1 234,56 €"; ValueError with a French message otherwise."""
    cleaned = (
        text.replace("€", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").strip()
    )
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"-?\d{1,9}(\.\d+)?", cleaned):
        raise ValueError("Nombre invalide : utilisez par exemple 12,50.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("Nombre invalide : utilisez par exemple 12,50.") from None
    if abs(value) >= MAX_AMOUNT:
        raise ValueError("Nombre trop grand.")
    if -value.as_tuple().exponent > places:  # type: ignore[operator]
        raise ValueError(f"Au plus {places} décimale(s).")
    return value


class FrenchDateField(Field):
    """Date typed as jj/mm/aaaa."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("placeholder", "jj/mm/aaaa")
        kwargs["render_kw"].setdefault("inputmode", "numeric")
        kwargs["render_kw"].setdefault("autocomplete", "off")
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return date_fr(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        if len(valuelist[0]) > 40:
            raise ValueError("Date invalide : utilisez le format jj/mm/aaaa.")
        self.data = parse_french_date(valuelist[0])


class FrenchDecimalField(Field):
    """Decimal number with a comma ("1,5"; "12,50 €")."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, places: int = 2, minimum=None, maximum=None,
                 **kwargs):
        self.places = places
        self.minimum = Decimal(str(minimum)) if minimum is not None else None
        self.maximum = Decimal(str(maximum)) if maximum is not None else None
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return number_fr(self.data, self.places if self.places == 2 else None)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        if len(valuelist[0]) > 40:
            raise ValueError("Nombre invalide.")
        self.data = parse_french_decimal(valuelist[0], places=self.places)

    def pre_validate(self, form):
        if self.data is None:
            return
        if self.minimum is not None and self.data < self.minimum:
            raise ValidationError(f"La valeur doit être au moins {number_fr(self.minimum)}.")
        if self.maximum is not None and self.data > self.maximum:
            raise ValidationError(f"La valeur doit être au plus {number_fr(self.maximum)}.")


class EurosField(FrenchDecimalField):
    """Amount in euros, accepts "12,50 €"."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("minimum", 0)
        kwargs.setdefault("maximum", 100000)
        super().__init__(label, validators, places=2, **kwargs)


class VersionField(HiddenField):
    """The version the user loaded; a mismatch at save time means someone else edited."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip().isdigit() and len(valuelist[0]) < 10:
            self.data = int(valuelist[0])


def strip_filter(value):
    """Trim surrounding white space of text inputs."""
    return value.strip() if isinstance(value, str) else value


class TrimmedStringField(StringField):
    """StringField that trims its input."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("filters", []).append(strip_filter)
        super().__init__(label, validators, **kwargs)


def no_control_chars(_form, field):
    """Refuse control characters (NUL and friends) in text fields."""
    if isinstance(field.data, str) and re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", field.data):
        raise ValidationError("Caractères de contrôle non autorisés.")


def show_violations(form: FlaskForm, violations) -> None:
    """Attach domain violations to their form fields (or to the form when no such field)."""
    for v in violations:
        field = getattr(form, v.field, None)
        message = f"{v.message} ({v.basis})"
        if field is not None and hasattr(field, "errors"):
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            field.errors.append(message)
        else:
            form.form_errors.append(message)
