"""Writing audit entries; called by services inside the request's transaction."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context, request
from sqlalchemy import inspect

from hrtele.extensions import db
from hrtele.models import AuditEntry, User


def _plain(value: Any) -> Any:
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
    ip = ""
    if has_request_context():
        ip = (request.remote_addr or "")[:45]
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_label=(actor.email if actor is not None else "anonyme")[:254],
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes_json=json.dumps(
            {k: _plain(v) for k, v in (changes or {}).items()}, ensure_ascii=False, sort_keys=True
        ),
        ip=ip,
    )
    db.session.add(entry)
    return entry


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
