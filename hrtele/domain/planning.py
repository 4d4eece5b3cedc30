"""Who works where, each half-day: the planning computation, pure and fed by plain values.

One function answers « where is this person on this half-day? » (``person_cells``): the
planning grid, the head-counts of the HR home page, the calendar feeds and the allowance days
of the month all ask it, so they can never disagree.

Week patterns have 14 half-day slots, Monday morning to Sunday afternoon:

- the agreement's ``weekly_pattern``: '0' no telework, '1' telework at ``place_id``, '2' telework
  at ``second_place_id``;
- the employee's ``working_pattern``: '1' half-day worked, '0' not worked (part time, weekend).

Precedence on a half-day: public holiday, then not worked, then absence, then telework (the
agreement's pattern corrected by the approved one-off changes), otherwise on site.

An agreement puts its pattern in force on the days its telework runs, with the payroll
definition (hrtele.allowances): statuses adaptation, active, suspended, ending and ended, from
``start`` to the last telework day (``end_date``, or the eve of ``ending_effective_date``),
suspension days excluded.

One-off changes (« changement ponctuel ») are approved requests to cancel a telework day (or
half-day), which is then worked on site, or to move it to another day of the same week, where
it is teleworked at the place the original day had.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from hrtele.domain.lifecycle import STARTED_STATES
from hrtele.domain.notice import last_telework_day
from hrtele.domain.pattern import STANDARD_WORKING_WEEK

__all__ = [
    "ABSENT",
    "CELL_LABELS",
    "COUNTED_STATUSES",
    "DEFAULT_WORKING_PATTERN",
    "HALVES",
    "HOLIDAY",
    "OFF",
    "OFFICE",
    "SLOTS_PER_WEEK",
    "TELEWORK",
    "AgreementSpan",
    "Cell",
    "ChangeFact",
    "HalfDayCount",
    "Person",
    "check_day_change",
    "count_half_days",
    "month_days",
    "person_cells",
    "slot_index",
    "telework_days",
    "week_days",
]

HALVES: tuple[str, ...] = ("am", "pm")
HALVES_FR = {"am": "matin", "pm": "après-midi", "day": "journée"}
SLOTS_PER_WEEK = 14
DEFAULT_WORKING_PATTERN = STANDARD_WORKING_WEEK  # Monday to Friday, mornings and afternoons

# Cell kinds
OFF = "off"
HOLIDAY = "holiday"
ABSENT = "absent"
OFFICE = "office"
TELEWORK = "telework"
CELL_LABELS = {
    OFF: "non travaillé",
    HOLIDAY: "jour férié",
    ABSENT: "absent",
    OFFICE: "sur site",
    TELEWORK: "télétravail",
}

# Agreements whose telework started at some point (the payroll's definition).
COUNTED_STATUSES = STARTED_STATES
_PLACE_CODES = frozenset("012")
_NBSP = "\u00a0"


def _check_pattern(pattern: str, allowed: frozenset[str], what: str) -> str:
    if not isinstance(pattern, str) or len(pattern) != SLOTS_PER_WEEK or set(pattern) - allowed:
        raise ValueError(
            f"{what} doit compter {SLOTS_PER_WEEK} demi-journées (du lundi matin au dimanche "
            f"après-midi), chacune parmi {', '.join(sorted(allowed))}{_NBSP}; reçu{_NBSP}: "
            f"{pattern!r}."
        )
    return pattern


def slot_index(d: date, half: str) -> int:
    """Index 0..13 of a half-day in the week pattern (Monday morning = 0)."""
    if half not in HALVES:
        raise ValueError(f"Demi-journée inconnue{_NBSP}: {half!r}.")
    return d.weekday() * 2 + HALVES.index(half)


@dataclass(frozen=True)
class AgreementSpan:
    """An agreement as the planning needs it."""

    agreement_id: int
    status: str
    start: date
    weekly_pattern: str
    place_id: int | None = None
    second_place_id: int | None = None
    end_date: date | None = None
    ending_effective_date: date | None = None
    # Suspended days [first, last] (hrtele.domain.allowances.suspension_range; date.max: open).
    suspension: tuple[date, date] | None = None

    def __post_init__(self) -> None:
        _check_pattern(self.weekly_pattern, _PLACE_CODES, "Le rythme de télétravail")

    @cached_property
    def last_day(self) -> date | None:
        """Last telework day: end_date, or the eve of the end of telework, whichever is first."""
        return last_telework_day(self.end_date, self.ending_effective_date)

    def _suspended(self, d: date) -> bool:
        return self.suspension is not None and self.suspension[0] <= d <= self.suspension[1]

    def in_force(self, d: date) -> bool:
        """True when the agreement's pattern applies on day d."""
        if self.status not in COUNTED_STATUSES or d < self.start:
            return False
        last = self.last_day
        if last is not None and d > last:
            return False
        if self.status == "ended" and last is None:
            return False  # cannot be placed in time (payroll lists it as an anomaly)
        return not self._suspended(d)

    def place_on(self, d: date, half: str) -> int | None | bool:
        """Place id of a telework half-day, None for telework without a place; False otherwise."""
        code = self.weekly_pattern[slot_index(d, half)]
        if code == "0":
            return False
        return self.place_id if code == "1" else self.second_place_id


@dataclass(frozen=True)
class ChangeFact:
    """An approved one-off change: cancel a telework day (half-day), or move it in its week."""

    kind: str  # "cancel" | "move"
    half: str  # "day" | "am" | "pm"
    from_date: date
    to_date: date | None = None
    change_id: int | None = None

    def halves(self) -> tuple[str, ...]:
        """The half-days concerned."""
        return HALVES if self.half == "day" else (self.half,)


@dataclass(frozen=True)
class Person:
    """What decides one employee's half-days."""

    working_pattern: str = DEFAULT_WORKING_PATTERN
    agreements: tuple[AgreementSpan, ...] = ()
    absences: frozenset[date] = frozenset()
    changes: tuple[ChangeFact, ...] = ()

    def __post_init__(self) -> None:
        _check_pattern(self.working_pattern, frozenset("01"), "La semaine de travail")


@dataclass(frozen=True)
class Cell:
    """Where the person is on one half-day."""

    kind: str
    place_id: int | None = None
    changed: bool = False  # the result of an approved one-off change
    agreement_id: int | None = None

    @property
    def is_telework(self) -> bool:
        """True for a telework half-day."""
        return self.kind == TELEWORK

    @property
    def is_on_site(self) -> bool:
        """True for a half-day worked on site."""
        return self.kind == OFFICE


_Key = tuple[date, str]


def _planned(person: Person, d: date, half: str) -> Cell | None:
    """Telework cell from the agreements in force (no holiday, absence or change applied)."""
    for span in person.agreements:
        if span.in_force(d):
            place = span.place_on(d, half)
            if place is not False:
                return Cell(TELEWORK, place, agreement_id=span.agreement_id)
    return None


def _worked(person: Person, d: date, half: str) -> bool:
    return person.working_pattern[slot_index(d, half)] == "1"


def _overrides(person: Person) -> dict[_Key, Cell]:
    """Half-days changed by the approved one-off changes (in the order they were given)."""
    out: dict[_Key, Cell] = {}
    for change in person.changes:
        for half in change.halves():
            key = (change.from_date, half)
            origin = out.get(key) or _planned(person, change.from_date, half)
            out[key] = Cell(OFFICE, changed=True)
            if change.kind == "move" and change.to_date is not None and origin is not None:
                if origin.kind == TELEWORK:
                    out[(change.to_date, half)] = Cell(
                        TELEWORK, origin.place_id, changed=True, agreement_id=origin.agreement_id
                    )
    return out


_OFF_CELL, _HOLIDAY_CELL, _ABSENT_CELL, _OFFICE_CELL = Cell(OFF), Cell(HOLIDAY), Cell(ABSENT), Cell(
    OFFICE)


def person_cells(
    person: Person, days: Iterable[date], holidays: Mapping[date, str] | Iterable[date] = ()
) -> dict[_Key, Cell]:
    """{(day, "am"|"pm"): Cell} for every half-day of ``days``."""
    holiday_days = holidays if isinstance(holidays, Mapping | set | frozenset) else frozenset(
        holidays)
    overrides = _overrides(person) if person.changes else None
    working = person.working_pattern
    spans = person.agreements
    telework: dict[tuple[int | None, int], Cell] = {}  # shared cells: no object per half-day
    cells: dict[_Key, Cell] = {}
    for d in days:
        if d in holiday_days:
            cells[(d, "am")] = cells[(d, "pm")] = _HOLIDAY_CELL
            continue
        absent = d in person.absences
        live = [span for span in spans if span.in_force(d)] if spans and not absent else ()
        base = d.weekday() * 2
        for offset, half in enumerate(HALVES):
            index = base + offset
            if working[index] != "1":
                cell = _OFF_CELL
            elif absent:
                cell = _ABSENT_CELL
            else:
                cell = overrides.get((d, half)) if overrides else None
                if cell is None:
                    cell = _OFFICE_CELL
                    for span in live:
                        code = span.weekly_pattern[index]
                        if code != "0":
                            place = span.place_id if code == "1" else span.second_place_id
                            key = (place, span.agreement_id)
                            cell = telework.get(key) or telework.setdefault(
                                key, Cell(TELEWORK, place, agreement_id=span.agreement_id))
                            break
            cells[(d, half)] = cell
    return cells


def telework_days(
    person: Person,
    first: date,
    last: date,
    holidays: Mapping[date, str] | Iterable[date] = (),
    agreement_id: int | None = None,
) -> Decimal:
    """Days teleworked between first and last (a half-day counts 0.5), changes included.

    With ``agreement_id``, only the half-days teleworked under that agreement count (payroll
    computes one agreement at a time).
    """
    if last < first:
        return Decimal(0)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    halves = sum(
        1
        for cell in person_cells(person, days, holidays).values()
        if cell.is_telework and (agreement_id is None or cell.agreement_id == agreement_id)
    )
    return Decimal(halves) / 2


def week_days(d: date) -> list[date]:
    """The seven days, Monday to Sunday, of the week of d."""
    monday = d - timedelta(days=d.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


def month_days(year: int, month: int) -> list[date]:
    """Every day of a month."""
    return [date(year, month, day) for day in range(1, calendar.monthrange(year, month)[1] + 1)]


@dataclass
class HalfDayCount:
    """Head-count of one half-day: on site, teleworking, absent; third places by id."""

    on_site: int = 0
    telework: int = 0
    absent: int = 0
    by_place: dict[int, int] = field(default_factory=dict)


def count_half_days(cells_by_person: Iterable[Mapping[_Key, Cell]]) -> dict[_Key, HalfDayCount]:
    """Head-counts per half-day over several people's cells (same definitions everywhere)."""
    out: dict[_Key, HalfDayCount] = {}
    for cells in cells_by_person:
        for key, cell in cells.items():
            count = out.setdefault(key, HalfDayCount())
            if cell.kind == OFFICE:
                count.on_site += 1
            elif cell.kind == TELEWORK:
                count.telework += 1
                if cell.place_id is not None:
                    count.by_place[cell.place_id] = count.by_place.get(cell.place_id, 0) + 1
            elif cell.kind == ABSENT:
                count.absent += 1
    return out


def check_day_change(
    person: Person,
    change: ChangeFact,
    today: date,
    holidays: Mapping[date, str] | Iterable[date] = (),
) -> list[str]:
    """French reasons why a one-off change cannot be asked; empty when it can.

    ``person.changes`` holds the changes already approved or pending for this employee.
    """
    problems: list[str] = []
    if change.kind not in ("cancel", "move"):
        return ["Choisissez de déplacer ou d'annuler le jour de télétravail."]
    if change.half not in ("day", "am", "pm"):
        return ["Choisissez la journée, le matin ou l'après-midi."]
    if change.from_date < today:
        problems.append("Le jour à changer est passé : seul un jour à venir peut être changé.")
    holiday_days = frozenset(holidays)
    week = week_days(change.from_date)
    days = list(week)
    if change.kind == "move":
        if change.to_date is None:
            return [*problems, "Indiquez le jour où le télétravail est déplacé."]
        if change.to_date == change.from_date:
            problems.append("Le nouveau jour doit être différent du jour d'origine.")
        if change.to_date not in week:
            problems.append(
                "Le télétravail se déplace dans la même semaine (du lundi au dimanche), "
                "pour ne pas dépasser le nombre de jours prévu par l'avenant."
            )
        elif change.to_date < today:
            problems.append("Le nouveau jour est passé.")
    base = person_cells(person, days, holiday_days)
    busy = {c.from_date for c in person.changes} | {
        c.to_date for c in person.changes if c.to_date is not None
    }
    if change.from_date in busy or (change.to_date is not None and change.to_date in busy):
        problems.append("Un changement est déjà demandé ou accordé pour ce jour.")
    for half in change.halves():
        label = f"{change.from_date:%d/%m/%Y} ({HALVES_FR[half]})"
        if base[(change.from_date, half)].kind != TELEWORK:
            problems.append(f"Le {label} n'est pas une demi-journée de télétravail.")
        if change.kind == "move" and change.to_date in week:
            target = base[(change.to_date, half)]
            to_label = f"{change.to_date:%d/%m/%Y} ({HALVES_FR[half]})"
            if target.kind == TELEWORK:
                problems.append(f"Le {to_label} est déjà une demi-journée de télétravail.")
            elif target.kind != OFFICE:
                problems.append(
                    f"Le {to_label} n'est pas une demi-journée travaillée sur site "
                    f"({CELL_LABELS[target.kind]})."
                )
            elif not any(s.in_force(change.to_date) for s in person.agreements):
                problems.append(f"L'accord de télétravail n'est pas en vigueur le {to_label}.")
    return list(dict.fromkeys(problems))
