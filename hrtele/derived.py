"""The results stored once per data change, by key: how each is computed and refreshed.

Keys: ``todo:<date>``, ``observatory:<date>``, ``allowances:<yyyy-mm>``. A page asks
``todo_sections`` & co.: a fresh stored result is served at once; a stale one is served
with ``fresh=False`` while a background job recomputes it; none at all is computed now.
"""

from __future__ import annotations

from datetime import date

from hrtele import cache
from hrtele.extensions import db


def _refresh(key: str):
    def enqueue(version: int) -> None:
        from hrtele.jobs.tasks import refresh_derived

        cache.queue_once(key, version, lambda: refresh_derived(key))

    return enqueue


def todo_sections(today: date) -> cache.Stored:
    """Every to-do section with its first items."""
    from hrtele.todo import services

    key = f"todo:{today.isoformat()}"
    return cache.lookup(key, lambda: services.sections(today), refresh=_refresh(key))


def observatory(today: date) -> cache.Stored:
    """Every observatory figure for the day."""
    from hrtele.observatory.services import compute_observatory

    key = f"observatory:{today.isoformat()}"
    return cache.lookup(key, lambda: compute_observatory(today), refresh=_refresh(key))


def recompute(key: str) -> None:
    """Recompute and store one key now, then commit (run by the refresh job)."""
    kind, _, arg = key.partition(":")
    version = cache.data_version()
    if kind == "todo":
        from hrtele.todo import services

        cache.store(key, services.sections(date.fromisoformat(arg)), version)
    elif kind == "observatory":
        from hrtele.observatory.services import compute_observatory

        cache.store(key, compute_observatory(date.fromisoformat(arg)), version)
    elif kind == "allowances":
        from hrtele.allowances import stored

        year, month = (int(part) for part in arg.split("-"))
        stored.recompute_month(year, month, version)
    else:
        raise ValueError(f"clé inconnue : {key}")
    db.session.commit()
