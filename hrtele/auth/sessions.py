"""Server-side sessions: the cookie only carries a random token whose hash is stored here.

Deleting the row ends the session for real (ASVS 5.0 7.4.1): a cookie captured before
log-out, deactivation or a password change no longer authenticates anybody.
Idle (30 min) and absolute (12 h) limits are checked on every request (ASVS 7.3.1/7.3.2).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, g, request, session
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import OperationalError

from hrtele.extensions import db
from hrtele.models import User, UserSession
from hrtele.models.base import utcnow

SESSION_KEY = "sid"
REFRESH_EVERY = timedelta(minutes=1)
_CACHE = "_hrtele_session_record"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(dt: datetime) -> datetime:
    # SQLite returns naive datetimes even for timezone=True columns.
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return config["SESSION_IDLE_TIMEOUT"], config["SESSION_ABSOLUTE_TIMEOUT"]


def _nothing_pending() -> bool:
    return not (db.session.new or db.session.dirty or db.session.deleted)


def _write_apart(statement) -> None:
    """Run a small bookkeeping write in its own short transaction, never failing the request.

    Only done when the request has nothing pending, so no half-done work is committed;
    the write starts a fresh transaction so SQLite takes the write lock without upgrading
    a read snapshot (which could fail at once with SQLITE_BUSY).
    """
    if not _nothing_pending():
        return
    try:
        db.session.commit()
        db.session.execute(statement)
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        current_app.logger.warning("session bookkeeping skipped: database busy")


def purge_expired_sessions() -> int:
    """Delete every session row past its idle or absolute limit; returns how many."""
    idle, absolute = _limits()
    now = utcnow()
    result = db.session.execute(
        delete(UserSession).where(
            or_(UserSession.last_seen_dt < now - idle, UserSession.created_dt < now - absolute)
        )
    )
    return result.rowcount or 0


def open_session(user: User) -> UserSession:
    """Start a fresh session for user: new random token, previous cookie content dropped."""
    session.clear()
    purge_expired_sessions()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = UserSession(
        token_hash=_hash(token),
        user_id=user.id,
        created_dt=now,
        last_seen_dt=now,
        ip=(request.remote_addr or "")[:45],
        user_agent=(request.user_agent.string or "")[:300],
    )
    db.session.add(record)
    db.session.flush()
    session[SESSION_KEY] = token
    session.permanent = True
    setattr(g, _CACHE, record)
    return record


def is_expired(record: UserSession, now: datetime | None = None) -> bool:
    """True when the session is past its idle or absolute limit."""
    idle, absolute = _limits()
    now = now or utcnow()
    return now - _aware(record.last_seen_dt) > idle or now - _aware(record.created_dt) > absolute


def current_session_record() -> UserSession | None:
    """The live session record of this request, enforcing idle and absolute timeouts."""
    if hasattr(g, _CACHE):
        return getattr(g, _CACHE)
    record = _lookup()
    setattr(g, _CACHE, record)
    return record


def _lookup() -> UserSession | None:
    token = session.get(SESSION_KEY)
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    record = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if record is None:
        return None
    now = utcnow()
    if is_expired(record, now):
        record_id = record.id
        _write_apart(delete(UserSession).where(UserSession.id == record_id))
        return None
    # Refresh at most once a minute to keep GET requests mostly read-only.
    if now - _aware(record.last_seen_dt) > REFRESH_EVERY:
        record_id = record.id
        _write_apart(
            update(UserSession)
            .where(UserSession.id == record_id)
            .values(last_seen_dt=now)
            .execution_options(synchronize_session=False)
        )
        record = db.session.get(UserSession, record_id)
    return record


def close_session() -> None:
    """Delete this request's session record and clear the cookie."""
    token = session.get(SESSION_KEY)
    if token and isinstance(token, str):
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))
    session.clear()
    setattr(g, _CACHE, None)


def revoke_all_sessions(user_id: int) -> int:
    """End every session of a user (deactivation, password change); returns how many."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    if getattr(g, _CACHE, None) is not None and getattr(g, _CACHE).user_id == user_id:
        setattr(g, _CACHE, None)
    return result.rowcount or 0


def revoke_other_sessions(user_id: int, keep_id: int | None) -> int:
    """End every session of a user except keep_id (the one in use); returns how many."""
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_id is not None:
        stmt = stmt.where(UserSession.id != keep_id)
    return db.session.execute(stmt).rowcount or 0


def user_sessions(user_id: int) -> list[UserSession]:
    """Open sessions of a user, most recent activity first (expired ones excluded)."""
    idle, absolute = _limits()
    now = utcnow()
    stmt = (
        select(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.last_seen_dt >= now - idle,
            UserSession.created_dt >= now - absolute,
        )
        .order_by(UserSession.last_seen_dt.desc())
    )
    return list(db.session.scalars(stmt))
