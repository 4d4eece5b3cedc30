"""Retention of personal data (CNIL, référentiel « gestion du personnel », délib. 2019-160).

Default policy (settings RETENTION_*), applied by ``flask purge-retention`` (``--dry-run``
shows what would go and changes nothing):

- an employee's file (record, requests, agreements, timeline, interviews, equipment, places,
  absences, issued documents and signed scans, account) is deleted
  RETENTION_YEARS_AFTER_DEPARTURE years (5) after the departure date: the contract documents
  are kept as long as a claim remains possible (C. civ. art. 2224: 5 years) and no longer;
- a closed monthly payroll export (pay data) is deleted RETENTION_PAYROLL_YEARS years (5)
  after the end of its month (C. trav. L3243-4);
- audit entries older than RETENTION_AUDIT_YEARS years (5) are deleted from the oldest on,
  so the hash chain keeps an anchor (an ``audit_purged`` entry names the first entry kept);
- housekeeping: expired sessions, used or expired invitations older than 30 days, expired
  throttling counters.

What the law requires is kept: nothing younger than these periods is touched, and the audit
trail records what was deleted (counts and internal ids, never names). Deleting immutable
records needs the owner's rights: on PostgreSQL the command connects with
HRTELE_MIGRATION_DATABASE_URL; the guard triggers are lifted inside the purge transaction
only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hrtele.models import (
    Absence,
    Agreement,
    AgreementEvent,
    AnnualInterview,
    AuditChainHead,
    AuditEntry,
    Employee,
    EquipmentItem,
    Invitation,
    IssuedDocument,
    PaperAmendment,
    PayrollExport,
    Place,
    PriorityInformation,
    RecoveryCode,
    SignatureEvidence,
    SignatureRequest,
    SignedScan,
    TeleworkRequest,
    User,
    UserSession,
    UserTotp,
)

GUARDED = ("issued_documents", "signed_scans", "agreement_events", "payroll_exports",
           "audit_entries", "signature_requests", "signature_evidences")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass
class PurgePlan:
    """What the purge deletes (or would delete, in a dry run)."""

    today: date
    employees: list[tuple[int, str, date]] = field(default_factory=list)  # id, number, left
    payroll_exports: list[tuple[int, int, int]] = field(default_factory=list)  # id, y, m
    audit_before: int | None = None  # seq of the first entry kept
    audit_count: int = 0
    housekeeping: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    departures_missing: int = 0


def plan(session: Session, today: date, config: dict) -> PurgePlan:
    """Compute what the policy lets go today."""
    result = PurgePlan(today=today)
    years = int(config.get("RETENTION_YEARS_AFTER_DEPARTURE", 5))
    limit = _years_before(today, years)
    result.employees = [
        (r.id, r.personnel_number, r.departure_date)
        for r in session.execute(
            sa.select(Employee.id, Employee.personnel_number, Employee.departure_date)
            .where(Employee.is_active.is_(False), Employee.departure_date.is_not(None),
                   Employee.departure_date <= limit)
            .order_by(Employee.departure_date, Employee.id))
    ]
    result.departures_missing = session.scalar(
        sa.select(sa.func.count(Employee.id)).where(Employee.is_active.is_(False),
                                                    Employee.departure_date.is_(None))) or 0
    payroll_years = int(config.get("RETENTION_PAYROLL_YEARS", 5))
    for export_id, year, month in session.execute(
        sa.select(PayrollExport.id, PayrollExport.year, PayrollExport.month)
    ):
        month_end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        if month_end <= _years_before(today, payroll_years):
            result.payroll_exports.append((export_id, year, month))
    audit_years = int(config.get("RETENTION_AUDIT_YEARS", 5))
    cutoff = _years_before(today, audit_years)
    from hrtele.audit.service import day_start_utc

    first_kept = session.scalar(sa.select(sa.func.min(AuditEntry.seq))
                                .where(AuditEntry.at_dt >= day_start_utc(cutoff)))
    if first_kept is None:
        first_kept = (session.scalar(sa.select(sa.func.max(AuditEntry.seq))) or 0) + 1
    result.audit_count = session.scalar(
        sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.seq < first_kept)) or 0
    result.audit_before = first_kept if result.audit_count else None
    return result


@contextmanager
def guards_lifted(session: Session) -> Iterator[None]:
    """Inside the current transaction only, let the owner delete guarded rows."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        triggers = conn.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ("
            + ", ".join(f"'{t}'" for t in GUARDED) + ") AND name LIKE '%no_delete'")).all()
        for name, _sql in triggers:
            conn.execute(sa.text(f"DROP TRIGGER {name}"))
        yield
        for _name, sql in triggers:
            conn.execute(sa.text(sql))
        return
    triggers = conn.execute(sa.text(
        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relname = ANY(:tables) AND t.tgname LIKE ANY(:names)"
    ), {"tables": list(GUARDED), "names": ["%no_delete", "%no_change"]}).all()
    for table, name in triggers:
        conn.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER {name}"))
    yield
    for table, name in triggers:
        conn.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER {name}"))


def _delete(session: Session, model, *where) -> int:
    return session.execute(sa.delete(model).where(*where)).rowcount or 0


def _purge_employee(session: Session, employee_id: int, counts: dict[str, int]) -> None:
    def add(key: str, n: int) -> None:
        counts[key] = counts.get(key, 0) + n

    agreements = sa.select(Agreement.id).where(Agreement.employee_id == employee_id)
    documents = sa.select(IssuedDocument.id).where(IssuedDocument.employee_id == employee_id)
    add("signed_scans", _delete(session, SignedScan, SignedScan.document_id.in_(documents)))
    add("signature_evidences", _delete(session, SignatureEvidence,
                                       SignatureEvidence.document_id.in_(documents)))
    add("signature_requests", _delete(session, SignatureRequest,
                                      SignatureRequest.document_id.in_(documents)))
    add("issued_documents", _delete(session, IssuedDocument,
                                    IssuedDocument.employee_id == employee_id))
    add("paper_amendments", _delete(session, PaperAmendment,
                                    PaperAmendment.agreement_id.in_(agreements)))
    add("agreement_events", _delete(session, AgreementEvent,
                                    AgreementEvent.agreement_id.in_(agreements)))
    add("annual_interviews", _delete(session, AnnualInterview,
                                     AnnualInterview.agreement_id.in_(agreements)))
    add("equipment_items", _delete(session, EquipmentItem,
                                   EquipmentItem.agreement_id.in_(agreements)))
    add("agreements", _delete(session, Agreement, Agreement.employee_id == employee_id))
    add("telework_requests", _delete(session, TeleworkRequest,
                                     TeleworkRequest.employee_id == employee_id))
    add("places", _delete(session, Place, Place.employee_id == employee_id))
    add("absences", _delete(session, Absence, Absence.employee_id == employee_id))
    add("priority_informations", _delete(session, PriorityInformation,
                                         PriorityInformation.employee_id == employee_id))
    user_id = session.scalar(sa.select(User.id).where(User.employee_id == employee_id))
    if user_id is not None:
        for model in (UserSession, Invitation, RecoveryCode, UserTotp):
            _delete(session, model, model.user_id == user_id)
        # The account may be named by audit entries (actor): it is emptied, not deleted.
        session.execute(sa.update(User).where(User.id == user_id).values(
            email=f"supprime-{user_id}@invalid", display_name="", password_hash=None,
            employee_id=None, is_active_account=False, version=User.version + 1))
        add("users (anonymisés)", 1)
    session.execute(sa.update(Employee).where(Employee.manager_id == employee_id)
                    .values(manager_id=None))
    add("employees", _delete(session, Employee, Employee.id == employee_id))


def apply(session: Session, purge: PurgePlan) -> PurgePlan:
    """Delete what the plan lists, audit it; the caller commits."""
    from hrtele.audit.chain import GENESIS
    from hrtele.audit.service import build_entry
    from hrtele.models.base import utcnow

    counts: dict[str, int] = {}
    with guards_lifted(session):
        for employee_id, _number, left in purge.employees:
            before = dict(counts)
            _purge_employee(session, employee_id, counts)
            session.add(build_entry("retention_purge", "employees", employee_id, None, {
                "departure_date": left,
                "deleted": {k: counts[k] - before.get(k, 0) for k in counts},
            }))
        if purge.payroll_exports:
            ids = [p[0] for p in purge.payroll_exports]
            counts["payroll_exports"] = _delete(session, PayrollExport, PayrollExport.id.in_(ids))
            session.add(build_entry("retention_purge", "payroll_exports", None, None, {
                "periods": [f"{y:04d}-{m:02d}" for _, y, m in purge.payroll_exports]}))
        if purge.audit_before is not None:
            session.flush()  # entries added above take their place in the chain first
            anchor = session.scalar(sa.select(AuditEntry.prev_hash)
                                    .where(AuditEntry.seq == purge.audit_before))
            if anchor is None:
                anchor = session.scalar(sa.select(AuditChainHead.entry_hash))
            counts["audit_entries"] = _delete(session, AuditEntry,
                                              AuditEntry.seq < purge.audit_before)
            session.add(build_entry("audit_purged", "audit_entries", None, None, {
                "first_seq": purge.audit_before, "anchor": anchor or GENESIS,
                "deleted": counts["audit_entries"]}))
    now = utcnow()
    from flask import current_app

    idle = current_app.config["SESSION_IDLE_TIMEOUT"]
    house = {
        "user_sessions": _delete(session, UserSession, UserSession.last_seen_dt < now - idle),
        "invitations": _delete(session, Invitation, Invitation.expires_dt < now - timedelta(days=30)),
    }
    from hrtele.auth.throttle_storage import purge_expired

    house["rate_limits"] = purge_expired(session.connection())
    purge.housekeeping = house
    purge.deleted = counts
    session.add(build_entry("retention_purge", "database", None, None, {
        "deleted": counts, "housekeeping": house, "date": purge.today}))
    session.flush()
    return purge
