"""Results computed once per data change, shared by every web instance (stored in the database).

Every transaction that changes business data bumps one counter (``data_versions``) just before
it commits; a derived result (to-do, observatory, a month's allowances) is stored with the
version it was computed from and served as long as the version has not moved. The counter is
bumped through SQLAlchemy session events, for ORM changes and ORM-enabled bulk statements
alike; tables that never feed a derived result (audit, sessions, campaigns…) do not bump it.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from sqlalchemy import delete, event, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hrtele import clock
from hrtele.extensions import db
from hrtele.models import DataVersion, DerivedResult

T = TypeVar("T")

#: Tables whose changes never alter a derived result.
UNWATCHED_TABLES = frozenset({
    "audit_entries", "user_sessions", "invitations", "users", "campaigns", "campaign_items",
    "data_versions", "derived_results", "allowance_lines", "import_batches", "signed_scans",
    "alembic_version",
    # Credentials and counters a read may touch (last use of a calendar address or an API
    # token, throttling, the audit chain's head): no derived result depends on them.
    "calendar_feeds", "api_tokens", "rate_limits", "audit_chain_head",
})
_FLAG = "hrtele_data_changed"
_BUMP = text(
    "INSERT INTO data_versions (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = data_versions.version + 1"
)


def _watched(table_name: str | None) -> bool:
    return bool(table_name) and table_name not in UNWATCHED_TABLES


def _after_flush(session: Session, _context: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if _watched(table) and (obj not in session.dirty or session.is_modified(obj)):
            session.info[_FLAG] = True
            return


def _on_execute(state: Any) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if _watched(getattr(table, "name", None)):
        state.session.info[_FLAG] = True


def _before_commit(session: Session) -> None:
    session.flush()  # changes flushed by the commit itself must be seen now
    if session.info.pop(_FLAG, False):
        session.execute(_BUMP)


def _after_rollback(session: Session) -> None:
    session.info.pop(_FLAG, None)


_installed = False


def install() -> None:
    """Listen to every session of the process (idempotent)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_execute)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
    _installed = True


def data_version() -> int:
    """The current version of the business data (0 before any change)."""
    return db.session.scalar(select(DataVersion.version).where(DataVersion.id == 1)) or 0


# --------------------------------------------------------------------------- encoding

_ALLOWED_PREFIX = "hrtele."


def encode(value: Any) -> Any:
    """JSON-ready form of dataclasses, Decimals, dates, tuples and dicts (tagged)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        return {"__dc__": f"{cls.__module__}:{cls.__qualname__}",
                "f": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, Decimal):
        return {"__dec__": str(value)}
    if isinstance(value, Fraction):
        return {"__frac__": [value.numerator, value.denominator]}
    if isinstance(value, datetime):
        return {"__dt__": value.isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"__map__": [[encode(k), encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"valeur non mémorisable : {type(value).__name__}")


def decode(value: Any) -> Any:
    """Inverse of :func:`encode`; only hrtele dataclasses are rebuilt."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__dc__" in value:
        module_name, qualname = value["__dc__"].split(":")
        if not module_name.startswith(_ALLOWED_PREFIX):
            raise ValueError(f"classe refusée : {value['__dc__']}")
        cls: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            cls = getattr(cls, part)
        if not dataclasses.is_dataclass(cls):
            raise ValueError(f"classe refusée : {value['__dc__']}")
        fields = {k: decode(v) for k, v in value["f"].items()}
        init = {f.name for f in dataclasses.fields(cls) if f.init}
        obj = cls(**{k: v for k, v in fields.items() if k in init})
        for k, v in fields.items():
            if k not in init:
                object.__setattr__(obj, k, v)
        return obj
    if "__dec__" in value:
        return Decimal(value["__dec__"])
    if "__frac__" in value:
        return Fraction(*value["__frac__"])
    if "__dt__" in value:
        return datetime.fromisoformat(value["__dt__"])
    if "__date__" in value:
        return date.fromisoformat(value["__date__"])
    if "__tuple__" in value:
        return tuple(decode(v) for v in value["__tuple__"])
    if "__map__" in value:
        return {decode(k): decode(v) for k, v in value["__map__"]}
    return {k: decode(v) for k, v in value.items()}


# --------------------------------------------------------------------------- cache


@dataclass(frozen=True)
class Stored:
    """A derived result and whether it matches the current data (else a refresh is queued)."""

    value: Any
    fresh: bool
    computed_dt: datetime | None = None


def cached(key: str, compute: Callable[[], T], version: int | None = None) -> T:
    """The stored result for ``key`` if computed at the current data version, else compute it.

    The caller's transaction must be a write one on SQLite (declare the GET endpoint with
    ``writes_on_get``); concurrent computations of the same key keep one result.
    """
    return lookup(key, compute, version=version).value


def lookup(key: str, compute: Callable[[], Any], *, version: int | None = None,
           refresh: Callable[[int], None] | None = None) -> Stored:
    """Like :func:`cached`; with ``refresh``, a stale stored result is served as is (marked not
    fresh) and ``refresh(version)`` queues its recomputation in the background, so a page of a
    large employer never waits for it. Without a stored result, it is computed now."""
    version = data_version() if version is None else version
    row = db.session.get(DerivedResult, key)
    if row is not None and row.data_version == version:
        return Stored(decode(json.loads(row.payload)), True, row.computed_dt)
    if row is not None and refresh is not None and background_refresh():
        refresh(version)
        return Stored(decode(json.loads(row.payload)), False, row.computed_dt)
    value = compute()
    store(key, value, version)
    return Stored(value, True, clock.now_utc())


def background_refresh() -> bool:
    """True when recomputations go to the worker (not in immediate mode: tests, make dev)."""
    from hrtele.jobs.queue import huey

    return not huey.immediate


def queue_once(key: str, version: int, enqueue: Callable[[], None]) -> None:
    """Queue a recomputation of ``key`` at most once per data version (any instance)."""
    from hrtele.jobs.queue import huey

    try:
        if huey.put_if_empty(f"hrtele:refresh:{key}:{version}", "1"):
            enqueue()
    except Exception:  # queue unreachable: the stale result stays, the next view retries
        import logging

        logging.getLogger(__name__).warning("refresh of %s not queued", key, exc_info=True)


def store(key: str, value: Any, version: int) -> None:
    """Replace the stored result of ``key`` (a concurrent writer winning is fine)."""
    payload = json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"))
    try:
        with db.session.begin_nested():
            db.session.execute(delete(DerivedResult).where(DerivedResult.key == key))
            db.session.add(DerivedResult(key=key, data_version=version, payload=payload,
                                         computed_dt=clock.now_utc()))
    except IntegrityError:
        pass  # another request stored the same key meanwhile
