"""Marshmallow fields and base schema speaking French, typed strictly as JSON.

API clients read the error messages (RFC 9457 problems with the field and a French message),
so every message marshmallow could produce is given here in French. Fields are strict: a
number is not accepted as a string and "true" is not a boolean, so the OpenAPI document says
exactly what is accepted.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

_BASE_MESSAGES = {
    "required": "Champ obligatoire manquant.",
    "null": "La valeur null n'est pas acceptée pour ce champ.",
    "validator_failed": "Valeur invalide.",
}


class FrenchSchema(ma.Schema):
    """Schema refusing unknown fields, with French schema-level messages."""

    error_messages = {
        "type": "Objet JSON attendu.",
        "unknown": "Champ inconnu.",
    }

    class Meta:
        unknown = ma.RAISE
        ordered = True


class MissingAsNull:
    """Dump None where a related record is absent (« post.code » without a post)."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        value = super().get_value(obj, attr, accessor, default)  # type: ignore[misc]
        return None if value is ma.missing else value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_chars(text: str) -> bool:
    """True when text holds a control character (NUL breaks PostgreSQL, others hide text)."""
    return bool(_CONTROL.search(text))


class Str(MissingAsNull, fields.String):
    """Text without control characters (tab and line breaks allowed)."""

    default_error_messages = {
        **_BASE_MESSAGES,
        "invalid": "Texte attendu.",
        "invalid_utf8": "Texte UTF-8 invalide.",
        "control": "Caractères de contrôle non autorisés.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if has_control_chars(text):
            raise self.make_error("control")
        return text


class Int(MissingAsNull, fields.Integer):
    """Whole number (a JSON integer, never a string)."""

    default_error_messages = {
        **_BASE_MESSAGES,
        "invalid": "Nombre entier attendu.",
        "too_large": "Nombre trop grand.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("strict", True)
        super().__init__(**kwargs)

    def _validated(self, value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._validated(value)


class JsonNumber(fields.Field):
    """A JSON number (integer or decimal) loaded as it was sent; dumped as a JSON number."""

    default_error_messages = {
        **_BASE_MESSAGES,
        "invalid": "Nombre attendu.",
        "special": "Les valeurs spéciales (NaN, infini) ne sont pas acceptées.",
    }

    def _deserialize(self, value: Any, attr, data, **kwargs) -> int | float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise self.make_error("special")
        return value

    def _serialize(self, value: Any, attr, obj, **kwargs) -> int | float | None:
        if value is None:
            return None
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)


class Money(fields.Field):
    """An amount in euros, dumped as a string with two decimals (« 12.50 »): no float rounding."""

    def _serialize(self, value: Any, attr, obj, **kwargs) -> str | None:
        if value is None:
            return None
        return f"{Decimal(value).quantize(Decimal('0.01')):f}"


class Bool(fields.Boolean):
    """true or false (JSON booleans only)."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "Booléen attendu (true ou false)."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Date(MissingAsNull, fields.Date):
    """ISO 8601 calendar date (aaaa-mm-jj)."""

    default_error_messages = {
        **_BASE_MESSAGES,
        "invalid": "Date invalide : utilisez le format aaaa-mm-jj.",
        "format": "Date impossible à formater.",
    }


class UtcDateTime(fields.DateTime):
    """Instant in ISO 8601 with its UTC offset (SQLite returns naive UTC values)."""

    default_error_messages = {
        **_BASE_MESSAGES,
        "invalid": "Date et heure invalides (ISO 8601 attendu).",
        "invalid_awareness": "Date et heure invalides (fuseau horaire attendu).",
        "format": "Date et heure impossibles à formater.",
    }

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class List(fields.List):
    """JSON array."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "Liste (tableau JSON) attendue."}


class Nested(fields.Nested):
    """Nested object."""

    default_error_messages = {**_BASE_MESSAGES, "type": "Objet JSON attendu."}


def length(maximum: int, minimum: int | None = None) -> validate.Length:
    """Length validator with a French message."""
    if minimum:
        return validate.Length(min=minimum, max=maximum,
                               error=f"Entre {minimum} et {maximum} caractères.")
    return validate.Length(max=maximum, error=f"{maximum} caractères au plus.")


def one_of(choices: list[str] | tuple[str, ...]) -> validate.OneOf:
    """Choice validator with a French message listing the accepted values."""
    return validate.OneOf(list(choices),
                          error="Valeur inconnue ; valeurs possibles : {choices}.")


def between(minimum: int, maximum: int) -> validate.Range:
    """Range validator with a French message."""
    return validate.Range(min=minimum, max=maximum,
                          error=f"Doit être compris entre {minimum} et {maximum}.")


class QueryInt(fields.Integer):
    """Whole number read from the query string (« ?page=2 »)."""

    default_error_messages = {
        **_BASE_MESSAGES,
        "invalid": "Nombre entier attendu.",
        "too_large": "Nombre trop grand.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not value.isascii() or not value.isdigit() \
                or len(value) > 10:
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class QueryBool(fields.Field):
    """true or false in the query string."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "true ou false attendu."}

    def _deserialize(self, value, attr, data, **kwargs):
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        raise self.make_error("invalid")
