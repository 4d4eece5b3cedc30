"""Filters and sort expressions several lists share (department, manager, place, day, dates).

Each factory returns a ``hrtele.web.listing.Filter`` whose SQL narrows a statement that
already selects (or joins) the ``Employee`` entity, or the given column.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from hrtele.domain.pattern import SLOTS_PER_DAY, WEEKDAYS_FR
from hrtele.extensions import db
from hrtele.models import Employee, Place, Post
from hrtele.web.listing import Filter

_PARIS = ZoneInfo("Europe/Paris")


def department_choices() -> list[tuple[str, str]]:
    """Distinct non-empty departments of posts, sorted."""
    rows = db.session.scalars(
        select(Post.department).where(Post.department != "").distinct().order_by(Post.department)
    )
    return [(d, d) for d in rows]


def department_of(employee_id_column):
    """Scalar subquery: the department of the post of the employee in ``employee_id_column``."""
    staff = aliased(Employee)  # never correlated with an Employee of the outer query
    return (
        select(Post.department)
        .join(staff, staff.post_id == Post.id)
        .where(staff.id == employee_id_column)
        .scalar_subquery()
    )


def department_filter(employee_id_column=Employee.id, name: str = "department") -> Filter:
    """Employees (or their records) whose post belongs to a department."""

    def apply(stmt: Select, value: str) -> Select:
        staff = aliased(Employee)
        in_department = select(staff.id).join(Post, staff.post_id == Post.id).where(
            Post.department == value)
        return stmt.where(employee_id_column.in_(in_department))

    return Filter(name, "Service", apply, choices=department_choices)


def manager_choices() -> list[tuple[str, str]]:
    """(id, « NOM Prénom ») of the employees who manage at least one employee."""
    staff = aliased(Employee)
    managed = select(staff.manager_id).where(staff.manager_id.is_not(None))
    rows = db.session.execute(
        select(Employee.id, Employee.last_name, Employee.first_name)
        .where(Employee.id.in_(managed))
        .order_by(Employee.last_name, Employee.first_name, Employee.id)
    )
    return [(str(r.id), f"{r.last_name.upper()} {r.first_name}") for r in rows]


def manager_name_of(employee_id_column):
    """Scalar subquery: « NOM Prénom » of the manager of the employee in the column (sorting)."""
    staff, manager = aliased(Employee), aliased(Employee)
    return (
        select(manager.last_name + " " + manager.first_name)
        .join(staff, staff.manager_id == manager.id)
        .where(staff.id == employee_id_column)
        .scalar_subquery()
    )


def manager_filter(employee_id_column=Employee.id) -> Filter:
    """Employees (or their records) whose manager is the chosen one."""

    def apply(stmt: Select, value: str) -> Select:
        staff = aliased(Employee)
        managed = select(staff.id).where(staff.manager_id == int(value))
        return stmt.where(employee_id_column.in_(managed))

    return Filter("manager", "Manager", apply, choices=manager_choices)


def third_place_choices() -> list[tuple[str, str]]:
    """« Domicile » then each third place, by name."""
    rows = db.session.execute(
        select(Place.id, Place.name).where(Place.kind == "third_place").order_by(Place.name, Place.id)
    )
    return [("home", "Domicile (tous)")] + [(str(r.id), r.name) for r in rows]


def place_filter(first_column, second_column) -> Filter:
    """Records teleworked at home (any) or at one third place, as first or second place."""

    def apply(stmt: Select, value: str) -> Select:
        if value == "home":
            homes = select(Place.id).where(Place.kind == "home")
            return stmt.where(or_(first_column.in_(homes), second_column.in_(homes)))
        place_id = int(value)
        return stmt.where(or_(first_column == place_id, second_column == place_id))

    return Filter("place", "Lieu", apply, choices=third_place_choices)


def day_filter(pattern_column) -> Filter:
    """Records whose weekly pattern has telework (morning or afternoon) on a weekday."""
    choices = [(str(i), day.capitalize()) for i, day in enumerate(WEEKDAYS_FR)]

    def apply(stmt: Select, value: str) -> Select:
        start = int(value) * SLOTS_PER_DAY + 1
        return stmt.where(func.substr(pattern_column, start, SLOTS_PER_DAY) != "0" * SLOTS_PER_DAY)

    return Filter("day", "Jour télétravaillé", apply, choices=lambda: choices)


def choice_filter(name: str, label: str, column, labels: Mapping[str, str],
                  all_label: str = "Tous") -> Filter:
    """Records whose ``column`` equals one of the coded values of ``labels``."""
    return Filter(name, label, lambda stmt, value: stmt.where(column == value),
                  choices=lambda: list(labels.items()), all_label=all_label)


def date_range_filters(column, what: str, *, timestamp: bool = False) -> tuple[Filter, Filter]:
    """« du » and « au » filters (days included) on a date column or a UTC timestamp column.

    A timestamp is compared with the Paris calendar day, as the screens show it.
    """

    def start(stmt: Select, value: date) -> Select:
        return stmt.where(column >= (_utc_start(value) if timestamp else value))

    def end(stmt: Select, value: date) -> Select:
        if timestamp:
            return stmt.where(column < _utc_start(value + timedelta(days=1)))
        return stmt.where(column <= value)

    return (Filter("du", f"{what} du", start, kind="date"),
            Filter("au", f"{what} au", end, kind="date"))


def _utc_start(day: date) -> datetime:
    """Midnight of a Paris day, as a UTC timestamp."""
    return datetime.combine(day, time.min, tzinfo=_PARIS).astimezone(UTC)
