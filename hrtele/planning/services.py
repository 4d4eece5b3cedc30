"""Planning read side: load plain values in a constant number of queries, ask the domain.

For any set of employees and any range of days the cost is four SELECTs (employees, their
agreements overlapping the range, their absences, their approved day changes), whatever the
number of employees; hrtele.domain.planning does the rest in memory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from hrtele.domain import planning as dp
from hrtele.domain.allowances import suspension_range
from hrtele.domain.holidays import french_public_holidays
from hrtele.domain.pattern import (
    EMPTY_PATTERN,
    LEGACY_SLOTS,
    STANDARD_WORKING_WEEK,
    from_legacy,
    is_valid_pattern,
    is_valid_working_week,
)
from hrtele.extensions import db
from hrtele.models import Absence, Agreement, DayChange, Employee, Place, Post, Team, User

MAX_MANAGER_CHOICES = 200


def week_pattern(stored: str | None) -> str:
    """The stored weekly pattern as 14 slots ('0', '1', '2'); a version-1 form is converted."""
    value = stored or ""
    if is_valid_pattern(value):
        return value
    if len(value) == LEGACY_SLOTS and set(value) <= {"0", "1"}:
        return from_legacy(value)
    return EMPTY_PATTERN  # unreadable: no fixed telework day


def working_pattern_of(value: str | None) -> str:
    """The employee's worked half-days, Monday to Friday when not recorded."""
    return value if value and is_valid_working_week(value) else STANDARD_WORKING_WEEK


def _working_column():
    return getattr(Employee, "working_pattern", None)


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """What the grid shows: a department, a team, a place, a manager (all optional)."""

    department: str = ""
    team_id: int | None = None
    place_id: int | None = None
    manager_id: int | None = None
    employee_ids: tuple[int, ...] | None = None  # a fixed set (a manager's team, one person)
    with_agreement: bool = False  # only employees with an agreement counting in the range

    def as_args(self) -> dict[str, Any]:
        """Query-string arguments of these filters."""
        out: dict[str, Any] = {}
        if self.department:
            out["departement"] = self.department
        if self.team_id:
            out["equipe"] = self.team_id
        if self.place_id:
            out["lieu"] = self.place_id
        if self.manager_id:
            out["responsable"] = self.manager_id
        return out


def _counted_in_range(first: date, last: date):
    return and_(
        Agreement.status.in_(tuple(dp.COUNTED_STATUSES)),
        Agreement.start_date <= last,
        or_(Agreement.end_date.is_(None), Agreement.end_date >= first),
        or_(Agreement.ending_effective_date.is_(None), Agreement.ending_effective_date > first),
    )


def employees_stmt(filters: Filters, first: date, last: date) -> Select:
    """Active employees matching the filters, with their department and team, by name."""
    working = _working_column()
    columns = [Employee.id, Employee.first_name, Employee.last_name, Employee.personnel_number,
               Employee.manager_id, Employee.team_id, Post.department.label("department"),
               Team.name.label("team_name")]
    if working is not None:
        columns.append(working.label("working_pattern"))
    stmt = (
        select(*columns)
        .outerjoin(Post, Post.id == Employee.post_id)
        .outerjoin(Team, Team.id == Employee.team_id)
        .where(Employee.is_active.is_(True))
    )
    if filters.department:
        stmt = stmt.where(Post.department == filters.department)
    if filters.team_id:
        stmt = stmt.where(Employee.team_id == filters.team_id)
    if filters.manager_id:
        stmt = stmt.where(Employee.manager_id == filters.manager_id)
    if filters.employee_ids is not None:
        stmt = stmt.where(Employee.id.in_(filters.employee_ids or (-1,)))
    if filters.with_agreement:
        stmt = stmt.where(
            select(Agreement.id)
            .where(Agreement.employee_id == Employee.id, _counted_in_range(first, last))
            .exists()
        )
    if filters.place_id:
        uses_place = (
            select(Agreement.id)
            .where(Agreement.employee_id == Employee.id, _counted_in_range(first, last),
                   or_(Agreement.place_id == filters.place_id,
                       Agreement.second_place_id == filters.place_id))
            .exists()
        )
        stmt = stmt.where(uses_place)
    return stmt.order_by(Employee.last_name, Employee.first_name, Employee.id)


# --------------------------------------------------------------------------- facts


def _subset(ids_stmt: Select | None, ids: list[int], column):
    """`column IN (...)`: the employees' subquery when given, else the literal ids."""
    return column.in_(ids_stmt) if ids_stmt is not None else column.in_(ids or [-1])


def load_people(ids: list[int], first: date, last: date, working: dict[int, str] | None = None,
                ids_stmt: Select | None = None) -> dict[int, dp.Person]:
    """{employee id: domain Person} for the range (three queries)."""
    spans: dict[int, list[dp.AgreementSpan]] = defaultdict(list)
    for r in db.session.execute(
        select(Agreement.id, Agreement.employee_id, Agreement.status, Agreement.start_date,
               Agreement.end_date, Agreement.ending_effective_date,
               Agreement.suspension_start_date, Agreement.suspension_end_date,
               Agreement.weekly_pattern, Agreement.place_id, Agreement.second_place_id)
        .where(_subset(ids_stmt, ids, Agreement.employee_id), _counted_in_range(first, last))
        .order_by(Agreement.start_date, Agreement.id)
    ):
        spans[r.employee_id].append(dp.AgreementSpan(
            agreement_id=r.id, status=r.status, start=r.start_date,
            weekly_pattern=week_pattern(r.weekly_pattern), place_id=r.place_id,
            second_place_id=r.second_place_id, end_date=r.end_date,
            ending_effective_date=r.ending_effective_date,
            suspension=suspension_range(r.status, r.suspension_start_date,
                                        r.suspension_end_date)))
    absences: dict[int, set[date]] = defaultdict(set)
    for r in db.session.execute(
        select(Absence.employee_id, Absence.absence_date)
        .where(_subset(ids_stmt, ids, Absence.employee_id),
               Absence.absence_date >= first, Absence.absence_date <= last)
    ):
        absences[r.employee_id].add(r.absence_date)
    changes = approved_changes(ids, first, last, ids_stmt)
    working = working or {}
    return {
        i: dp.Person(working_pattern=working_pattern_of(working.get(i)),
                     agreements=tuple(spans.get(i, ())),
                     absences=frozenset(absences.get(i, ())),
                     changes=tuple(changes.get(i, ())))
        for i in ids
    }


def change_fact(c: Any) -> dp.ChangeFact:
    """Domain view of a DayChange row."""
    return dp.ChangeFact(kind=c.kind, half=c.half, from_date=c.from_date, to_date=c.to_date,
                         change_id=c.id)


def approved_changes(ids: list[int], first: date, last: date, ids_stmt: Select | None = None,
                     statuses: tuple[str, ...] = ("approved",)) -> dict[int, list[dp.ChangeFact]]:
    """{employee id: changes} touching the range (a move's week always lies in the range's)."""
    # A move stays in its week: widen by a week so a change whose other end is in range counts.
    lo, hi = first - timedelta(days=7), last + timedelta(days=7)
    out: dict[int, list[dp.ChangeFact]] = defaultdict(list)
    for c in db.session.execute(
        select(DayChange.id, DayChange.employee_id, DayChange.kind, DayChange.half,
               DayChange.from_date, DayChange.to_date)
        .where(_subset(ids_stmt, ids, DayChange.employee_id), DayChange.status.in_(statuses),
               DayChange.from_date >= lo, DayChange.from_date <= hi)
        .order_by(DayChange.decided_dt, DayChange.id)
    ):
        out[c.employee_id].append(change_fact(c))
    return out


def agreement_changes(first: date, last: date) -> dict[int, tuple[dp.ChangeFact, ...]]:
    """{agreement id: approved changes} touching the range (payroll reads one month at once)."""
    lo, hi = first - timedelta(days=7), last + timedelta(days=7)
    out: dict[int, list[dp.ChangeFact]] = defaultdict(list)
    for c in db.session.execute(
        select(DayChange.id, DayChange.agreement_id, DayChange.kind, DayChange.half,
               DayChange.from_date, DayChange.to_date)
        .where(DayChange.status == "approved", DayChange.from_date >= lo,
               DayChange.from_date <= hi)
        .order_by(DayChange.decided_dt, DayChange.id)
    ):
        out[c.agreement_id].append(change_fact(c))
    return {k: tuple(v) for k, v in out.items()}


def holidays_between(first: date, last: date) -> dict[date, str]:
    """Public holidays of the years the range covers."""
    out: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        out.update(french_public_holidays(year))
    return out


# --------------------------------------------------------------------------- the grid


@dataclass
class Row:
    """One employee's line of the grid."""

    employee_id: int
    name: str
    personnel_number: str
    department: str
    team_id: int | None
    team_name: str
    cells: dict[tuple[date, str], dp.Cell]


@dataclass
class TeamLine:
    """A team's on-site head-count per half-day against its minimum."""

    team_id: int
    name: str
    minimum: int
    on_site: dict[tuple[date, str], int] = field(default_factory=dict)

    def short(self, key: tuple[date, str]) -> bool:
        """True when the team is below its minimum on a worked half-day."""
        return self.minimum > 0 and key[0].weekday() < 5 and self.on_site.get(key, 0) < self.minimum


@dataclass
class PlaceLine:
    """A third place's occupancy per half-day against its seats."""

    place_id: int
    name: str
    capacity: int | None
    used: dict[tuple[date, str], int] = field(default_factory=dict)

    def over(self, key: tuple[date, str]) -> bool:
        """True when more people telework there than it has seats."""
        return self.capacity is not None and self.used.get(key, 0) > self.capacity


@dataclass
class Grid:
    """The planning of a range of days for a set of employees."""

    days: list[date]
    rows: list[Row]
    holidays: dict[date, str]
    counts: dict[tuple[date, str], dp.HalfDayCount]
    places: dict[int, tuple[str, str]]  # id -> (kind, name)
    teams: list[TeamLine]
    third_places: list[PlaceLine]

    @property
    def keys(self) -> list[tuple[date, str]]:
        """Every half-day of the range, in order."""
        return [(d, h) for d in self.days for h in dp.HALVES]


def compute_grid(filters: Filters, days: list[date]) -> Grid:
    """The grid for the filters and days: 5 queries in all, whatever the number of employees."""
    first, last = days[0], days[-1]
    stmt = employees_stmt(filters, first, last)
    people_rows = db.session.execute(stmt).all()
    ids = [r.id for r in people_rows]
    working = {r.id: getattr(r, "working_pattern", None) for r in people_rows}
    # Up to a few thousand people, a literal id list is the cheapest plan on both databases.
    ids_stmt = stmt.with_only_columns(Employee.id).order_by(None) if len(ids) > 2000 else None
    people = load_people(ids, first, last, working, ids_stmt=ids_stmt)
    holidays = holidays_between(first, last)
    rows: list[Row] = []
    for r in people_rows:
        cells = dp.person_cells(people[r.id], days, holidays)
        rows.append(Row(r.id, f"{r.first_name} {r.last_name.upper()}", r.personnel_number,
                        r.department or "", r.team_id, r.team_name or "", cells))
    counts = dp.count_half_days(row.cells for row in rows)
    place_ids = {c.place_id for row in rows for c in row.cells.values() if c.place_id}
    places: dict[int, tuple[str, str]] = {}
    third: list[PlaceLine] = []
    if place_ids:
        for p in db.session.execute(
            select(Place.id, Place.kind, Place.name, Place.capacity)
            .where(Place.id.in_(place_ids)).order_by(Place.name, Place.id)
        ):
            places[p.id] = (p.kind, p.name)
            if p.kind == "third_place":
                third.append(PlaceLine(p.id, p.name, p.capacity, {
                    key: count.by_place.get(p.id, 0) for key, count in counts.items()}))
    team_lines: dict[int, TeamLine] = {}
    team_ids = {row.team_id for row in rows if row.team_id}
    if team_ids:
        for t in db.session.execute(
            select(Team.id, Team.name, Team.min_on_site).where(Team.id.in_(team_ids))
            .order_by(Team.name)
        ):
            team_lines[t.id] = TeamLine(t.id, t.name, t.min_on_site)
        for row in rows:
            line = team_lines.get(row.team_id)
            if line is not None:
                for key, cell in row.cells.items():
                    line.on_site[key] = line.on_site.get(key, 0) + int(cell.is_on_site)
    return Grid(days, rows, holidays, counts, places, list(team_lines.values()), third)


# --------------------------------------------------------------------------- one person


def person_for(employee_id: int, first: date, last: date, *,
               include_pending: bool = False) -> dp.Person:
    """One employee's Person over the range (pending changes too, for checking a new one)."""
    working = None
    column = _working_column()
    if column is not None:
        working = db.session.scalar(select(column).where(Employee.id == employee_id))
    person = load_people([employee_id], first, last, {employee_id: working})[employee_id]
    if include_pending:
        pending = approved_changes([employee_id], first, last, statuses=("pending",))
        person = dp.Person(person.working_pattern, person.agreements, person.absences,
                           person.changes + tuple(pending.get(employee_id, ())))
    return person


@dataclass
class Today:
    """Today's head-counts (morning, afternoon) and who teleworks, for the HR home page."""

    day: date
    morning: dp.HalfDayCount
    afternoon: dp.HalfDayCount
    teleworkers: list[tuple[Row, str]]  # (row, place label of the first telework half-day)


def today_at_a_glance(today: date) -> Today:
    """Same cells as the planning, computed at scale.

    Employees with an agreement counting today go through the planning computation (the grid);
    the others (no telework possible) are counted in SQL: on site when the half-day is worked,
    not a public holiday and not an absence; absent when absent. ``compute_grid`` over everyone
    gives the same figures (a test checks it).
    """
    grid = compute_grid(Filters(with_agreement=True), [today])
    morning = grid.counts.get((today, "am"), dp.HalfDayCount())
    afternoon = grid.counts.get((today, "pm"), dp.HalfDayCount())
    holidays = holidays_between(today, today)
    if today not in holidays:
        with_agreement = (
            select(Agreement.id)
            .where(Agreement.employee_id == Employee.id, _counted_in_range(today, today))
            .exists()
        )
        absent = (
            select(Absence.id)
            .where(Absence.employee_id == Employee.id, Absence.absence_date == today)
            .exists()
        )
        working = _working_column()
        for half, count in (("am", morning), ("pm", afternoon)):
            slot = dp.slot_index(today, half)
            stmt = select(func.count(Employee.id)).where(Employee.is_active.is_(True),
                                                        ~with_agreement)
            if working is not None:
                worked = func.coalesce(func.substr(working, slot + 1, 1),
                                       STANDARD_WORKING_WEEK[slot]) == "1"
                stmt = stmt.where(worked)
            elif STANDARD_WORKING_WEEK[slot] != "1":
                continue
            count.absent += db.session.scalar(stmt.where(absent)) or 0
            count.on_site += db.session.scalar(stmt.where(~absent)) or 0
    teleworkers = []
    for row in grid.rows:
        cell = next((row.cells[(today, h)] for h in dp.HALVES
                     if row.cells[(today, h)].is_telework), None)
        if cell is not None:
            kind, name = grid.places.get(cell.place_id, ("home", "Domicile")) \
                if cell.place_id else ("home", "Domicile")
            teleworkers.append((row, "Domicile" if kind == "home" else name))
    return Today(today, morning, afternoon, teleworkers)


# --------------------------------------------------------------------------- access


def managed_employee_ids(actor: User) -> list[int]:
    """The employees the actor manages directly (empty for someone who manages nobody)."""
    if actor.employee_id is None:
        return []
    return list(db.session.scalars(
        select(Employee.id).where(Employee.manager_id == actor.employee_id,
                                  Employee.is_active.is_(True))
    ))


def is_manager(actor: User | None) -> bool:
    """True for an account linked to an employee who manages at least one active employee."""
    if actor is None or actor.employee_id is None:
        return False
    return db.session.scalar(
        select(Employee.id).where(Employee.manager_id == actor.employee_id,
                                  Employee.is_active.is_(True)).limit(1)
    ) is not None


def manager_by_number(number: str) -> int | None:
    """Id of the employee with this personnel number (the manager filter of large employers)."""
    number = (number or "").strip()[:30]
    if not number:
        return None
    return db.session.scalar(select(Employee.id).where(Employee.personnel_number == number))


def filter_choices() -> dict[str, list | None]:
    """Departments, teams, places and managers for the filter form."""
    departments = [d for d in db.session.scalars(
        select(Post.department).where(Post.department != "").distinct().order_by(Post.department)
    )]
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    places = db.session.execute(
        select(Place.id, Place.name).where(Place.kind == "third_place").order_by(Place.name)
    ).all()
    manager = Employee.__table__.alias("m")
    managed = select(Employee.manager_id).where(Employee.manager_id.is_not(None),
                                                Employee.is_active.is_(True))
    # A select of thousands of managers helps nobody: past MAX_MANAGER_CHOICES the form asks for
    # the manager's personnel number instead.
    managers = db.session.execute(
        select(manager.c.id, manager.c.first_name, manager.c.last_name)
        .where(manager.c.id.in_(managed))
        .order_by(manager.c.last_name, manager.c.first_name)
        .limit(MAX_MANAGER_CHOICES + 1)
    ).all()
    if len(managers) > MAX_MANAGER_CHOICES:
        managers = None
    return {
        "departments": departments,
        "teams": [(t.id, t.name) for t in teams],
        "places": [(p.id, p.name) for p in places],
        "managers": None if managers is None else [
            (m.id, f"{m.first_name} {m.last_name.upper()}") for m in managers],
    }
