"""Server-side sessions: the cookie only carries a random token whose hash is stored here."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from flask import current_app, request, session
from sqlalchemy import delete, select

from hrtele.extensions import db
from hrtele.models import User, UserSession
from hrtele.models.base import utcnow

SESSION_KEY = "sid"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(dt: datetime) -> datetime:
    # SQLite returns naive datetimes even for timezone=True columns.
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def open_session(user: User) -> UserSession:
    """Start a fresh session for user (new token, old cookie content dropped)."""
    session.clear()
    token = secrets.token_urlsafe(32)
    record = UserSession(
        token_hash=_hash(token),
        user_id=user.id,
        ip=(request.remote_addr or "")[:45],
        user_agent=(request.user_agent.string or "")[:300],
    )
    db.session.add(record)
    db.session.flush()
    session[SESSION_KEY] = token
    session.permanent = True
    return record


def current_session_record() -> UserSession | None:
    """The live session record of this request, enforcing idle and absolute timeouts."""
    token = session.get(SESSION_KEY)
    if not token or not isinstance(token, str):
        return None
    record = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if record is None:
        return None
    now = utcnow()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"]
    absolute = current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    if now - _aware(record.last_seen_dt) > idle or now - _aware(record.created_dt) > absolute:
        db.session.delete(record)
        db.session.commit()
        return None
    # Refresh at most once a minute to keep GET requests mostly read-only.
    if (now - _aware(record.last_seen_dt)).total_seconds() > 60:
        record.last_seen_dt = now
        db.session.commit()
    return record


def close_session() -> None:
    """Delete this request's session record and clear the cookie."""
    token = session.get(SESSION_KEY)
    if token and isinstance(token, str):
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))
    session.clear()


def revoke_all_sessions(user_id: int) -> int:
    """End every session of a user (deactivation, password change); returns how many."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return result.rowcount or 0
