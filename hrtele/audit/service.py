"""Writing audit entries; called by services inside the request's transaction."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from time import sleep
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Select, inspect, select

from hrtele.audit.chain import mark_new
from hrtele.audit.fields import SYSTEM_ACTOR, field_label
from hrtele.extensions import db
from hrtele.models import AuditEntry, User
from hrtele.models.base import utcnow
from hrtele.web.pagination import like_pattern


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} octets>"
    return value


def record(
    action: str,
    object_type: str,
    object_id: int | None,
    actor: User | None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one audit entry to the current transaction."""
    entry = build_entry(action, object_type, object_id, actor, changes)
    db.session.add(entry)
    return entry


def build_entry(
    action: str,
    object_type: str,
    object_id: int | None,
    actor: User | None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """A new audit entry, not yet added to any session (sealed in the chain at flush)."""
    ip = ""
    if has_request_context():
        ip = (request.remote_addr or "")[:45]
    entry = AuditEntry(
        at_dt=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_label=(actor.email if actor is not None else SYSTEM_ACTOR)[:254],
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes_json=json.dumps(
            {k: _plain(v) for k, v in (changes or {}).items()}, ensure_ascii=False, sort_keys=True
        ),
        ip=ip,
    )
    mark_new(entry)  # sealed into the hash chain at flush time (hrtele.audit.chain)
    return entry


def record_apart(action: str, object_type: str, object_id: int | None, actor: User | None,
                 changes: dict[str, Any] | None = None, attempts: int = 6) -> bool:
    """Write one audit entry in its own write transaction, now (refusals, integrity alerts).

    Whatever the request had pending is rolled back first (it is failing anyway). A busy
    database is retried with a growing pause, so a burst of refusals loses no entry;
    returns False (and logs) only when the entry could not be written at all.
    """
    from flask import current_app
    from sqlalchemy.exc import OperationalError

    from hrtele.database import write_transaction

    actor_ref = None
    if actor is not None:
        actor_ref = _ActorRef(actor.id, actor.email)
    db.session.rollback()
    for attempt in range(attempts):
        try:
            with write_transaction():
                record(action, object_type, object_id, actor_ref, changes)  # type: ignore[arg-type]
                db.session.commit()
            return True
        except OperationalError:
            db.session.rollback()
            sleep(0.02 * 2**attempt)
    current_app.logger.error("audit entry %s on %s %s not written: database busy",
                             action, object_type, object_id)
    return False


class _ActorRef:
    """The two attributes of an actor an audit entry needs (survives a rollback)."""

    def __init__(self, id_: int, email: str):
        self.id = id_
        self.email = email


def changed_fields(obj: Any) -> dict[str, list[Any]]:
    """{column: [old, new]} for the pending changes of an ORM object."""
    state = inspect(obj)
    out: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in ("version", "updated_dt", "created_dt", "password_hash"):
            continue
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                out[attr.key] = [_plain(old), _plain(new)]
    return out


def record_change(obj: Any, actor: User | None, action: str | None = None) -> AuditEntry | None:
    """Audit a create or update of obj (flushes to get its id); skips no-op updates."""
    state = inspect(obj)
    is_new = state.transient or state.pending
    changes = changed_fields(obj)
    db.session.flush()
    if not is_new and not changes and action is None:
        return None
    return record(
        action or ("create" if is_new else "update"),
        obj.__tablename__,
        obj.id,
        actor,
        changes,
    )


# --- reading the trail ---------------------------------------------------------------------

PARIS = "Europe/Paris"


def day_start_utc(day: date) -> datetime:
    """Midnight of a Paris calendar day, in UTC."""
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time.min, tzinfo=ZoneInfo(PARIS)).astimezone(UTC)


def audit_entries_stmt(
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select:
    """Audit entries matching the filters, newest first (dates are Paris calendar days)."""
    stmt = select(AuditEntry)
    if actor:
        stmt = stmt.where(AuditEntry.actor_label.ilike(like_pattern(actor.lower()), escape="\\"))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    if date_from is not None:
        stmt = stmt.where(AuditEntry.at_dt >= day_start_utc(date_from))
    if date_to is not None:
        stmt = stmt.where(AuditEntry.at_dt < day_start_utc(date_to + timedelta(days=1)))
    return stmt.order_by(AuditEntry.at_dt.desc(), AuditEntry.id.desc())


def distinct_values(column) -> list[str]:
    """Distinct non-empty values of an audit column, sorted (for filter choices)."""
    return [v for v in db.session.scalars(select(column).distinct().order_by(column)) if v]


def describe_changes(changes_json: str) -> list[tuple[str, str]]:
    """(French field label, "old → new" or value) pairs from an entry's JSON, for display."""
    try:
        data = json.loads(changes_json or "{}")
    except ValueError:
        return [("", changes_json)]
    if not isinstance(data, dict):
        return [("", str(data))]
    out = []
    for key, value in data.items():
        if isinstance(value, list) and len(value) == 2:
            text = f"{_text(value[0])} → {_text(value[1])}"
        else:
            text = _text(value)
        out.append((field_label(str(key)), text))
    return out


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _text(value: Any) -> str:
    if isinstance(value, str):
        try:
            if _ISO_DATE.match(value):
                return date.fromisoformat(value).strftime("%d/%m/%Y")
            if _ISO_DATETIME.match(value):
                from hrtele.web.filters import datetime_fr

                return datetime_fr(datetime.fromisoformat(value))
        except ValueError:
            return value
    if value is None:
        return "—"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
