"""One-off day changes: the employee asks, HR or the manager decides; services flush only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from hrtele.audit.service import record
from hrtele.domain import planning as dp
from hrtele.editing import BusinessRuleError, check_version
from hrtele.extensions import db
from hrtele.models import DayChange, Employee, User
from hrtele.models.base import utcnow
from hrtele.notifications import events as notification_events
from hrtele.planning.services import holidays_between, managed_employee_ids, person_for

MAX_TEXT = 2000
LABEL = "Ce changement de jour"


@dataclass(frozen=True)
class ChangeRequest:
    """What the employee asks: move or cancel, which half, from which day, to which day."""

    kind: str
    half: str
    from_date: date
    to_date: date | None
    motive: str = ""


def _lock_employee(employee_id: int) -> None:
    db.session.execute(select(Employee.id).where(Employee.id == employee_id).with_for_update())


def request_change(employee: Employee, asked: ChangeRequest, actor: User | None,
                   today: date) -> DayChange:
    """Record a pending change after the domain's checks; BusinessRuleError (French) otherwise."""
    _lock_employee(employee.id)
    motive = (asked.motive or "").strip()
    if len(motive) > MAX_TEXT:
        raise BusinessRuleError("Le motif ne doit pas dépasser 2 000 caractères.")
    fact = dp.ChangeFact(asked.kind, asked.half, asked.from_date, asked.to_date)
    week = dp.week_days(asked.from_date)
    person = person_for(employee.id, week[0], week[-1], include_pending=True)
    holidays = holidays_between(week[0], week[-1])
    problems = dp.check_day_change(person, fact, today, holidays)
    if problems:
        raise BusinessRuleError(" ".join(problems))
    cell = dp.person_cells(person, [asked.from_date], holidays)[
        (asked.from_date, dp.HALVES[0] if asked.half in ("day", "am") else "pm")]
    change = DayChange(
        employee_id=employee.id, agreement_id=cell.agreement_id, kind=asked.kind,
        half=asked.half, from_date=asked.from_date,
        to_date=asked.to_date if asked.kind == "move" else None, motive=motive,
        status="pending", requested_by_id=actor.id if actor is not None else None,
    )
    db.session.add(change)
    db.session.flush()
    record("create", "day_changes", change.id, actor, {
        "kind": change.kind, "half": change.half, "from_date": change.from_date,
        "to_date": change.to_date, "motive": motive})
    notification_events.day_change_requested(change)
    return change


def can_decide(actor: User | None, change: DayChange) -> bool:
    """HR decides every change; a manager decides their direct reports' changes."""
    if actor is None:
        return False
    if actor.is_hr:
        return True
    return change.employee_id in managed_employee_ids(actor)


def decide(change: DayChange, approve: bool, reason: str, expected_version: int | None,
           actor: User | None, today: date) -> DayChange:
    """Approve or refuse a pending change (a refusal needs a reason)."""
    check_version(change, expected_version, LABEL)
    reason = (reason or "").strip()
    if change.status != "pending":
        raise BusinessRuleError("Ce changement a déjà été traité : il n'est plus en attente.")
    if len(reason) > MAX_TEXT:
        raise BusinessRuleError("Le motif ne doit pas dépasser 2 000 caractères.")
    if not approve and not reason:
        raise BusinessRuleError("Indiquez le motif du refus : il est transmis au salarié.")
    if approve:
        # Re-check against what was approved since (another change of the same week).
        week = dp.week_days(change.from_date)
        person = person_for(change.employee_id, week[0], week[-1])
        fact = dp.ChangeFact(change.kind, change.half, change.from_date, change.to_date)
        problems = dp.check_day_change(person, fact, min(today, change.from_date),
                                       holidays_between(week[0], week[-1]))
        if change.from_date < today:
            problems.insert(0, "Le jour concerné est passé : le changement ne peut plus être "
                               "accordé.")
        if problems:
            raise BusinessRuleError(" ".join(dict.fromkeys(problems)))
    before = change.status
    change.status = "approved" if approve else "refused"
    change.decision_reason = reason
    change.decided_by_id = actor.id if actor is not None else None
    change.decided_dt = utcnow()
    db.session.flush()
    record("transition", "day_changes", change.id, actor,
           {"from": before, "to": change.status, "reason": reason})
    notification_events.day_change_decided(change)
    return change


def withdraw(change: DayChange, actor: User | None) -> DayChange:
    """The employee withdraws a pending change."""
    if change.status != "pending":
        raise BusinessRuleError("Seul un changement en attente peut être retiré.")
    change.status = "withdrawn"
    db.session.flush()
    record("transition", "day_changes", change.id, actor, {"from": "pending", "to": "withdrawn"})
    return change


def pending_stmt(employee_ids: list[int] | None):
    """Pending changes, oldest first (all of them, or those of some employees)."""
    stmt = (select(DayChange).where(DayChange.status == "pending")
            .order_by(DayChange.from_date, DayChange.id))
    if employee_ids is not None:
        stmt = stmt.where(DayChange.employee_id.in_(employee_ids or [-1]))
    return stmt


def recent_decided_stmt(employee_ids: list[int] | None, today: date):
    """Changes decided for the last 30 days onwards, newest day first."""
    stmt = (select(DayChange).where(DayChange.status.in_(("approved", "refused")),
                                    DayChange.from_date >= today - timedelta(days=30))
            .order_by(DayChange.from_date.desc(), DayChange.id.desc()))
    if employee_ids is not None:
        stmt = stmt.where(DayChange.employee_id.in_(employee_ids or [-1]))
    return stmt


def own_changes_stmt(employee_id: int):
    """The employee's changes, newest first."""
    return (select(DayChange).where(DayChange.employee_id == employee_id)
            .order_by(DayChange.from_date.desc(), DayChange.id.desc()))
