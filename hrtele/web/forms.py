"""Shared form pieces: French dates and amounts, optimistic-lock field, CSRF-only form."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, HiddenField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput, TextInput

from hrtele.domain.dates import parse_date_fr
from hrtele.web.filters import date_fr, number_fr
from hrtele.web.inputs import MAX_ID, parse_int

MAX_AMOUNT = Decimal("10000000")


class EmptyForm(FlaskForm):
    """CSRF token only, for POST buttons."""


def parse_french_date(text: str) -> date:
    """Parse a date typed by a user (day first, any accepted layout); French ValueError."""
    return parse_date_fr(text)


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
    """The date field of every form: day first (04/01/2027, 04.01.2027, 04012027…) or ISO.

    ``native=True`` renders ``<input type="date">`` (the phone's date picker, which posts ISO);
    the same parser reads whatever a browser without a picker lets the user type.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, native: bool = False, **kwargs):
        self.native = native
        render_kw = kwargs.setdefault("render_kw", {})
        if native:
            self.widget = DateInput()
        else:
            render_kw.setdefault("placeholder", "jj/mm/aaaa")
            render_kw.setdefault("inputmode", "numeric")
            render_kw.setdefault("autocomplete", "off")
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if not self.data:
            return ""
        return self.data.isoformat() if self.native else date_fr(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        self.data = parse_date_fr(valuelist[0])


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
        if valuelist:
            self.data = parse_int(valuelist[0], minimum=0, maximum=MAX_ID)


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
        message = f"{v.message} ({v.basis})" if v.basis else v.message
        if field is not None and hasattr(field, "errors"):
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            field.errors.append(message)
        else:
            form.form_errors.append(message)


# --- Rules-engine gate: blocking violations stop saving, warnings need an explicit confirmation ---
#
# Usage (see hrtele/requests/routes.py):
#
#     class MyForm(ConfirmWarningsForm): ...             # adds confirm_warnings + warnings_digest
#
#     if form.validate_on_submit():
#         violations = services.check_something(data)     # same check the service runs
#         if form.accept_violations(violations, {"employee": "employee_id"}):
#             services.save_something(data, actor, confirm_warnings=True)   # re-checks, commits
#     status = 422 ...
#
# In the template: {{ violations_box(form.violations) }} near the top and
# {{ confirm_warnings(form) }} (macro of _macros/forms.html) just above the submit button; the
# box appears only when warnings exist. The hidden digest ties the confirmation to the warnings
# actually displayed: if the data changes and other warnings appear, the user confirms again.


def warnings_digest(violations) -> str:
    """Short fingerprint of the non-blocking violations (field + message), order-independent."""
    import hashlib

    items = sorted(f"{v.field}\x1f{v.message}" for v in violations if not v.blocking)
    return hashlib.sha256("\x1e".join(items).encode("utf-8")).hexdigest()[:24]


class ConfirmWarningsForm(FlaskForm):
    """Base of forms checked by the rules engine (blocking stops saving; warnings need a tick)."""

    confirm_warnings = BooleanField(
        lazy_gettext("Je confirme l'enregistrement malgré les avertissements ci-dessus")
    )
    warnings_digest = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.violations: list = []

    @property
    def needs_confirmation(self) -> bool:
        """True when warnings are displayed, so the confirmation box must be shown."""
        return any(not v.blocking for v in self.violations)

    def accept_violations(self, violations, field_map: dict[str, str] | None = None) -> bool:
        """True when saving may go on; otherwise shows the violations beside their fields."""
        from dataclasses import replace

        field_map = field_map or {}
        mapped = [replace(v, field=field_map.get(v.field, v.field)) for v in violations]
        blocking = [v for v in mapped if v.blocking]
        warnings = [v for v in mapped if not v.blocking]
        digest = warnings_digest(warnings)
        confirmed = bool(self.confirm_warnings.data) and self.warnings_digest.data == digest
        if not blocking and (not warnings or confirmed):
            self.violations = []
            return True
        self.violations = mapped
        show_violations(self, mapped)
        if warnings:
            if self.confirm_warnings.data and not confirmed:
                self.confirm_warnings.data = False  # other warnings than those confirmed
                message = lazy_gettext(
                    "Les avertissements ont changé depuis votre confirmation : relisez-les "
                    "puis cochez à nouveau la case."
                )
            else:
                message = lazy_gettext(
                    "Cochez cette case pour enregistrer malgré les avertissements."
                )
            if not blocking:  # with a blocking violation, fixing it comes first
                self.confirm_warnings.errors = [*self.confirm_warnings.errors, message]
            self.warnings_digest.data = digest
        return False
