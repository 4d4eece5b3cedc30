"""Engine set-up: SQLite pragmas and BEGIN IMMEDIATE for writes (security.md §3.2)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# GET endpoints that always write (an audit row): one BEGIN IMMEDIATE transaction for
# the whole request instead of a read transaction followed by a write one.
WRITING_GET_ENDPOINTS: set[str] = set()


_READ_ONLY: ContextVar[bool] = ContextVar("hrtele_read_only_transaction", default=False)


@contextmanager
def read_only_transactions() -> Iterator[None]:
    """Within the block, new SQLite transactions start as plain BEGIN (no write lock).

    For the read-and-render phase of a background job: several workers render in parallel
    and only take the write lock to store the result.
    """
    token = _READ_ONLY.set(True)
    try:
        yield
    finally:
        _READ_ONLY.reset(token)


def writes_on_get(endpoint: str) -> None:
    """Declare that a GET endpoint writes, so its transaction starts as a write."""
    WRITING_GET_ENDPOINTS.add(endpoint)


def configure_sqlite(engine: Engine) -> None:
    """Turn off pysqlite's legacy transaction handling and emit our own BEGIN."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # pysqlite would otherwise run SELECTs outside any transaction, silently
        # losing concurrent read-modify-write updates.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=FULL")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql(begin_statement())


_FORCE_WRITE = "_hrtele_write_transaction"


@contextmanager
def write_transaction() -> Iterator[None]:
    """Transactions begun inside the block are write transactions (BEGIN IMMEDIATE on SQLite).

    For a write made during a GET (an audit entry of a refusal): a deferred transaction that
    has read first cannot always become a writer when another connection wrote meanwhile
    (SQLITE_BUSY at once, the busy timeout does not apply), and the entry would be lost.
    """
    previous = g.get(_FORCE_WRITE, False)
    setattr(g, _FORCE_WRITE, True)
    try:
        yield
    finally:
        setattr(g, _FORCE_WRITE, previous)


def begin_statement() -> str:
    """BEGIN for read-only web requests, BEGIN IMMEDIATE for everything else (writes, CLI)."""
    if has_app_context() and g.get(_FORCE_WRITE, False):
        return "BEGIN IMMEDIATE"
    if _READ_ONLY.get():
        return "BEGIN"
    if (
        has_request_context()
        and request.method in READ_ONLY_METHODS
        and request.endpoint not in WRITING_GET_ENDPOINTS
    ):
        return "BEGIN"
    return "BEGIN IMMEDIATE"
