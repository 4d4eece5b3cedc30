"""Safe reading of numbers typed by users: ASCII digits only, bounded, never a 500.

Python's ``str.isdigit()`` accepts superscripts ("²") that ``int()`` then refuses, and
``int()`` accepts other scripts' digits ("٣", "３") and numbers far beyond the 32-bit
columns of the database. Every integer read from a query string, a form or a select list
goes through ``parse_int`` (directly or through the helpers below).
"""

from __future__ import annotations

import re

from flask import request
from wtforms import Field
from wtforms.validators import ValidationError
from wtforms.widgets import NumberInput

MAX_ID = 2**31 - 1  # largest INTEGER primary key (PostgreSQL `integer`)
_ASCII_INT = re.compile(r"[+-]?[0-9]{1,18}")


def parse_int(raw: object, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """The integer written in ``raw`` (ASCII digits, optional sign, surrounding blanks), or None.

    None also when the value is outside [minimum, maximum].
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and len(raw) <= 40 and _ASCII_INT.fullmatch(raw.strip(" \t")):
        value = int(raw.strip(" \t"))
    else:
        return None
    if minimum is not None and value < minimum:
        return None
    if maximum is not None and value > maximum:
        return None
    return value


def int_arg(name: str, default: int | None = None, *, minimum: int = 1,
            maximum: int = MAX_ID) -> int | None:
    """A bounded integer query-string argument (``?page=2``), or ``default``."""
    value = parse_int(request.args.get(name), minimum=minimum, maximum=maximum)
    return default if value is None else value


def int_form(name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """A bounded integer form field read outside a WTForms form, or None."""
    return parse_int(request.form.get(name), minimum=minimum, maximum=maximum)


def coerce_id(value: object) -> int:
    """``coerce`` of select lists of records: -1 and 0 (sentinels) up to MAX_ID, else ValueError.

    WTForms turns the ValueError into a field error, so a forged or huge identifier is a
    French message instead of a database overflow.
    """
    parsed = parse_int(value, minimum=-1, maximum=MAX_ID)
    if parsed is None:
        raise ValueError("Choix invalide : sélectionnez une valeur dans la liste.")
    return parsed


class StrictIntegerField(Field):
    """Integer input accepting ASCII digits only, within [minimum, maximum] (French messages)."""

    widget = NumberInput()

    def __init__(self, label=None, validators=None, minimum: int = -MAX_ID,
                 maximum: int = MAX_ID, **kwargs):
        self.minimum = minimum
        self.maximum = maximum
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        value = parse_int(valuelist[0])
        if value is None:
            raise ValueError("Nombre entier invalide : utilisez des chiffres, par exemple 12.")
        self.data = value

    def pre_validate(self, form):
        if self.data is None:
            return
        if not self.minimum <= self.data <= self.maximum:
            raise ValidationError(
                f"La valeur doit être comprise entre {self.minimum} et {self.maximum}."
            )
