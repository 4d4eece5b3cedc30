"""Flask-Limiter storage kept in the application's database (``hrtele-db://``, the default).

Counters must be shared by every gunicorn worker and every instance, otherwise an attacker
gets N times the allowance and a restart forgets everything. Without Redis
(HRTELE_REDIS_URL / HRTELE_RATELIMIT_STORAGE_URI), the database every worker already shares
holds them: one row per key in ``rate_limits`` (fixed windows), updated by a single UPSERT
in its own short transaction. Keys are stored hashed: they contain e-mail addresses and IPs.
"""

from __future__ import annotations

import hashlib
import time

from limits.storage import Storage
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

SCHEME = "hrtele-db"


def _now() -> float:
    """The limiter's clock (tests move it forward)."""
    return time.time()


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _engine():
    from hrtele.extensions import db

    return db.engine


def _reading():
    """Reads of the counters start a plain BEGIN on SQLite, never BEGIN IMMEDIATE.

    The limiter reads during a POST, on its own connection, while the request's session may
    already hold the write lock: a write transaction here would wait for its own request
    (the busy timeout, 5 s, on every log-in).
    """
    from hrtele.database import read_only_transactions

    return read_only_transactions()


def _table():
    from hrtele.models import RateLimitCounter

    return RateLimitCounter.__table__


class DatabaseStorage(Storage):
    """limits storage backed by the ``rate_limits`` table (fixed-window strategy)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add amount to the key's counter, starting a new window when the last one expired."""
        table = _table()
        now = _now()
        engine = _engine()
        if engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(table).values(key=_hashed(key), count=amount, expires_at=now + expiry)
        expired = table.c.expires_at <= now
        from sqlalchemy import case

        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((expired, amount), else_=table.c.count + amount),
                "expires_at": case((expired, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.count)
        with engine.begin() as conn:
            return int(conn.execute(stmt).scalar_one())

    def get(self, key: str) -> int:
        """The key's counter in its current window (0 once expired)."""
        table = _table()
        with _reading(), _engine().connect() as conn:
            row = conn.execute(
                select(table.c.count, table.c.expires_at).where(table.c.key == _hashed(key))
            ).one_or_none()
        if row is None or row.expires_at <= _now():
            return 0
        return int(row.count)

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (now when there is none)."""
        table = _table()
        with _reading(), _engine().connect() as conn:
            expires = conn.execute(
                select(table.c.expires_at).where(table.c.key == _hashed(key))
            ).scalar()
        now = _now()
        return expires if expires is not None and expires > now else now

    def check(self) -> bool:
        """True when the database answers."""
        try:
            with _reading(), _engine().connect() as conn:
                conn.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter."""
        with _engine().begin() as conn:
            return conn.execute(delete(_table())).rowcount

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        with _engine().begin() as conn:
            conn.execute(delete(_table()).where(_table().c.key == _hashed(key)))


def purge_expired(connection) -> int:
    """Delete the counters whose window is over (housekeeping); returns how many."""
    return connection.execute(delete(_table()).where(_table().c.expires_at <= _now())).rowcount or 0
