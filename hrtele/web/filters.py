"""Jinja filters: French dates and amounts, labels. Formatting lives here, never in templates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from markupsafe import Markup, escape

from hrtele.audit.fields import actor_label as audit_actor_label
from hrtele.web.labels import LABELS, place_label

NBSP = "\u00a0"
NNBSP = "\u202f"


def date_fr(value: date | datetime | None) -> str:
    """dd/mm/yyyy, or an empty string."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def iso_date(value: date | str | None) -> str:
    """Value of an <input type="date">: yyyy-mm-dd, from a date or typed text ("" if unreadable)."""
    if isinstance(value, str):
        from hrtele.domain.dates import parse_date_fr

        try:
            value = parse_date_fr(value)
        except ValueError:
            return ""
    return value.isoformat() if isinstance(value, date) else ""


def datetime_fr(value: datetime | None) -> str:
    """dd/mm/yyyy hh:mm in Europe/Paris time (naive values are UTC: SQLite drops the zone)."""
    if value is None:
        return ""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(ZoneInfo("Europe/Paris"))
    return value.strftime("%d/%m/%Y %H:%M")


def number_fr(value: Decimal | int | float | None, places: int | None = None) -> str:
    """Decimal comma, narrow no-break space between thousands; trailing zeros dropped."""
    if value is None:
        return ""
    d = Decimal(str(value))
    if places is None:
        text = format(d.normalize(), "f") if d == d.to_integral() else format(d, "f").rstrip("0")
        if "." in text:
            whole, frac = text.split(".")
        else:
            whole, frac = text, ""
    else:
        whole, _, frac = f"{d:.{places}f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = sign + NNBSP.join(groups)
    return f"{out},{frac}" if frac else out


def euros(value: Decimal | int | None) -> str:
    """12,50 € (no-break space before the euro sign)."""
    if value is None:
        return ""
    return f"{number_fr(value, 2)}{NBSP}€"


def label(value: str | None, kind: str) -> str:
    """French label of a code (status, scheme, place kind ...)."""
    if value is None:
        return ""
    return LABELS.get(kind, {}).get(value, value)


def nl2br(value: str | None) -> Markup:
    """Escape then keep line breaks."""
    if not value:
        return Markup("")
    return Markup("<br>").join(escape(value).split("\n"))


def schedule_fr(record: object) -> str:
    """French description of an agreement's or request's days, with the place of each."""
    from hrtele.places.services import describe_schedule_of

    return describe_schedule_of(record)


def tone(state: str | None) -> str:
    """Badge tone of a state ("ok", "warn", "info", "closed", "neutral")."""
    from hrtele.domain.lifecycle import state_tone

    return state_tone(state or "")


def plural_fr(singular: str, plural: str, n: int | float | Decimal | None, **variables) -> str:
    """ngettext (Flask-Babel's catalogue) with the French rule: singular below 2 (« 1,5 jour »).

    Without a French catalogue, ngettext would apply the English rule (only 1 is singular);
    ``%(num)s`` is the count in French notation.
    """
    from flask_babel import get_translations

    try:  # counts may come as text from a stored snapshot ("2", "1.5")
        count = Decimal(str(n if n is not None else 0))
    except ArithmeticError:
        return plural % {"num": n, **variables}
    text = get_translations().ngettext(singular, plural, 1 if abs(count) < 2 else 2)
    variables.setdefault("num", number_fr(count))
    return text % variables


def register(app: Flask) -> None:
    """Install the filters on the app's Jinja environment."""
    app.jinja_env.globals["plural_fr"] = plural_fr
    app.jinja_env.filters.update(
        date_fr=date_fr,
        iso_date=iso_date,
        datetime_fr=datetime_fr,
        number_fr=number_fr,
        euros=euros,
        label=label,
        nl2br=nl2br,
        audit_actor=audit_actor_label,
        # {{ place|place_label }}: « Domicile », « Tiers-lieu — La Ruche »
        place_label=lambda place: place_label(place.kind, place.name) if place else "",
        schedule_fr=schedule_fr,
        tone=tone,
    )
