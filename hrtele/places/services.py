"""Telework place operations shared by the web screens and the CLI."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from hrtele.audit.service import record_change
from hrtele.domain.terms import PLACE_KINDS, Violation
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import assign, check_version
from hrtele.extensions import db
from hrtele.models import Employee, Place, User
from hrtele.web.labels import LABELS, place_label
from hrtele.web.pagination import like_pattern

FIELDS = ("kind", "employee_id", "third_place_type", "name", "address", "capacity")
THIRD_PLACE_TYPES = tuple(code for code in LABELS["third_place_type"] if code)


def list_places_stmt(term: str = "", kind: str = "") -> Select:
    """Places matching a search (name, address, employee) and a kind, ordered by name."""
    stmt = select(Place).options(joinedload(Place.employee))
    if term:
        pattern = like_pattern(term)
        stmt = stmt.outerjoin(Employee, Place.employee_id == Employee.id).where(
            or_(
                Place.name.ilike(pattern, escape="\\"),
                Place.address.ilike(pattern, escape="\\"),
                Employee.last_name.ilike(pattern, escape="\\"),
                Employee.first_name.ilike(pattern, escape="\\"),
                Employee.personnel_number.ilike(pattern, escape="\\"),
            )
        )
    if kind in PLACE_KINDS:
        stmt = stmt.where(Place.kind == kind)
    return stmt.order_by(Place.kind, Place.name, Place.id)


def place_choices(employee_id: int | None) -> list[tuple[int, str]]:
    """(id, label) of the places a request or agreement of this employee may name.

    Third places are open to everyone; a home only to the employee who lives there.
    """
    condition = Place.kind == "third_place"
    if employee_id:
        condition = or_(condition, Place.employee_id == employee_id)
    rows = db.session.execute(
        select(Place.id, Place.kind, Place.name, Place.address)
        .where(condition)
        .order_by(Place.kind, Place.name)
    )
    out = []
    for r in rows:
        first_line = (r.address or "").splitlines()[0] if r.address else ""
        out.append((r.id, place_label(r.kind, r.name) + (f" ({first_line})" if first_line else "")))
    return out


def place_allowed_for(place: Place | None, employee_id: int | None) -> bool:
    """True for a third place, or for the home of this very employee."""
    if place is None:
        return False
    return place.kind == "third_place" or place.employee_id == employee_id


def _error(field: str, message: str) -> Violation:
    return Violation(field=field, message=message, basis="", blocking=True)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Known fields only; home defaults (name, employee's address); kind-specific fields reset."""
    data = {key: data.get(key) for key in FIELDS}
    for key in ("third_place_type", "name", "address"):
        data[key] = (data[key] or "").strip()
    if not data["employee_id"]:
        data["employee_id"] = None
    if data["kind"] == "home":
        data["third_place_type"] = ""
        data["capacity"] = None
        if not data["name"]:
            data["name"] = gettext("Domicile")
        if not data["address"] and data["employee_id"]:
            employee = db.session.get(Employee, data["employee_id"])
            if employee is not None:
                data["address"] = (employee.home_address or "").strip()
    elif data["kind"] == "third_place":
        data["employee_id"] = None
    return data


def validate_place(data: dict[str, Any]) -> list[Violation]:
    """Input and consistency errors of cleaned place data (empty list: may be saved)."""
    errors: list[Violation] = []
    kind = data["kind"]
    if kind not in PLACE_KINDS:
        errors.append(_error("kind", gettext("Indiquez le type de lieu : domicile ou tiers-lieu.")))
        return errors
    if kind == "home":
        if data["employee_id"] is None:
            errors.append(
                _error("employee_id", gettext("Un domicile est rattaché à un salarié : choisissez-le."))
            )
        elif db.session.get(Employee, data["employee_id"]) is None:
            errors.append(_error("employee_id", gettext("Ce salarié n'existe pas.")))
    else:
        if data["third_place_type"] not in THIRD_PLACE_TYPES:
            errors.append(
                _error(
                    "third_place_type",
                    gettext("Indiquez le type de tiers-lieu : télécentre, coworking ou site local."),
                )
            )
        if not data["name"]:
            errors.append(_error("name", gettext("Le nom du tiers-lieu est obligatoire.")))
        capacity = data.get("capacity")
        if capacity is not None and not 0 <= capacity <= 100000:
            errors.append(_error("capacity", gettext("Entre 0 et 100 000.")))
    if len(data["name"]) > 200:
        errors.append(_error("name", gettext("200 caractères au plus.")))
    if not data["address"]:
        message = (
            gettext(
                "L'adresse est obligatoire : saisissez-la, ou complétez l'adresse du domicile "
                "sur la fiche du salarié."
            )
            if kind == "home"
            else gettext("L'adresse du tiers-lieu est obligatoire.")
        )
        errors.append(_error("address", message))
    return errors


def create_place(data: dict[str, Any], actor: User | None) -> Place:
    """Create a place (a home defaults to the employee's home address)."""
    data = _clean(data)
    errors = validate_place(data)
    if errors:
        raise RuleViolations(errors)
    place = Place()
    assign(place, data)
    db.session.add(place)
    record_change(place, actor)
    return place


def update_place(place: Place, data: dict[str, Any], expected_version: int | None,
                 actor: User | None) -> Place:
    """Update a place, refusing a concurrent edit."""
    check_version(place, expected_version, gettext("Ce lieu"))
    data = _clean(data)
    errors = validate_place(data)
    if errors:
        raise RuleViolations(errors)
    assign(place, data)
    record_change(place, actor)
    return place


def short_label(place: Place | None) -> str:
    """How a screen names a place in one word or two: « domicile » or the third place's name."""
    if place is None:
        return ""
    if place.kind == "home":
        return gettext("domicile")
    return (place.name or "").strip() or gettext("tiers-lieu")


def place_names(place: Place | None, second_place: Place | None) -> dict[int, str]:
    """Place code (1, 2 of a weekly pattern) -> short label, for describing a schedule."""
    names = {code: short_label(row) for code, row in ((1, place), (2, second_place)) if row}
    if len(names) == 2 and names[1] == names[2]:
        names = {1: f"{names[1]} (lieu 1)", 2: f"{names[2]} (lieu 2)"}
    return names


def describe_schedule_of(record: Any) -> str:
    """French description of an agreement's or a request's days, with places when several."""
    from hrtele.domain.pattern import describe_schedule

    pattern = getattr(record, "weekly_pattern", None) or getattr(record, "wished_pattern", None)
    return describe_schedule(
        pattern, place_names(getattr(record, "place", None), getattr(record, "second_place", None))
    )
