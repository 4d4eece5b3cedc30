"""The one clock of the application: "today" is the date on the wall in Europe/Paris.

Every screen, document, job, command and API endpoint asks ``today()``; nothing else calls
``date.today()`` (server time) so two screens can never disagree about the day. Tests fix the
day with ``freeze(d)`` (a context manager) or the ``frozen_today`` fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def _wall_clock_today() -> date:
    return datetime.now(PARIS).date()


_today_provider: Callable[[], date] = _wall_clock_today


def today() -> date:
    """Today's date in Europe/Paris (or the date a test has frozen)."""
    return _today_provider()


def now_utc() -> datetime:
    """The current instant, timezone-aware, in UTC (for timestamps stored as ``*_dt``)."""
    return datetime.now(UTC)


def set_today_provider(provider: Callable[[], date] | None) -> None:
    """Replace the source of ``today()``; ``None`` restores the wall clock."""
    global _today_provider
    _today_provider = provider or _wall_clock_today


@contextmanager
def freeze(day: date) -> Iterator[None]:
    """Within the block, ``today()`` answers ``day``."""
    previous = _today_provider
    set_today_provider(lambda: day)
    try:
        yield
    finally:
        set_today_provider(previous)
