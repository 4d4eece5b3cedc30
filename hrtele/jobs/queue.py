"""The huey instance, its configuration from the Flask app, and the ``job`` decorator."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huey import Huey
from huey import signals as huey_signals
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

if TYPE_CHECKING:
    from flask import Flask

HEARTBEAT_KEY = "hrtele:worker-heartbeat"

#: The one queue of the application. Its storage is a placeholder until ``init_app``.
huey = Huey("hrtele", results=False, storage_class=MemoryStorage)

_worker_app: Flask | None = None
_status_cache: dict[str, Any] = {}


@huey.signal(huey_signals.SIGNAL_ENQUEUED)
def _forget_status(_signal: str, _task: Any, *_args: Any) -> None:
    # This process just queued a job: its cached queue status is out of date.
    _status_cache.clear()


def storage_for(config: dict[str, Any], instance_path: str) -> tuple[type, dict[str, Any]]:
    """(storage class, its arguments): Redis when REDIS_URL is set, else SQLite in instance/."""
    url = config.get("REDIS_URL") or ""
    if url:
        return RedisStorage, {"url": url}
    path = config.get("HUEY_SQLITE_PATH") or str(Path(instance_path) / "jobs.sqlite3")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteStorage, {"filename": path}


def init_app(app: Flask) -> None:
    """Point the queue at the app's storage (and run jobs inline when HUEY_IMMEDIATE)."""
    storage_class, kwargs = storage_for(app.config, app.instance_path)
    huey.storage_class = storage_class
    huey.storage_kwargs = kwargs
    huey._immediate = bool(app.config.get("HUEY_IMMEDIATE"))
    huey.storage = huey.create_storage()
    _status_cache.clear()
    app.extensions["huey"] = huey

    @app.context_processor
    def _jobs_status():
        return {"queue_status": queue_status}


def set_worker_app(app: Flask) -> None:
    """The app a worker process runs its jobs in (set once by hrtele.jobs.worker)."""
    global _worker_app
    _worker_app = app


def _app_for_job() -> Flask:
    from flask import current_app, has_app_context

    if has_app_context():  # immediate mode: the caller's app (tests, scripts)
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is None:
        from hrtele import create_app

        set_worker_app(create_app())
    assert _worker_app is not None
    return _worker_app


def job(**task_options: Any) -> Callable:
    """Declare a huey task that runs in its own application context (its own DB session).

    The job commits like a request does; its session is removed when the context ends.
    """

    def decorator(fn: Callable) -> Any:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with _app_for_job().app_context():
                return fn(*args, **kwargs)

        return huey.task(name=fn.__name__, **task_options)(run)

    return decorator


def beat() -> None:
    """Record that a worker is alive (read by the web to say whether jobs are waiting)."""
    huey.put(HEARTBEAT_KEY, time.time())


@dataclass(frozen=True)
class QueueStatus:
    """How many jobs wait in the queue and whether a worker was seen recently."""

    pending: int
    worker_seen_seconds_ago: float | None
    immediate: bool
    stale_after: int

    @property
    def worker_alive(self) -> bool:
        """True when a worker wrote its heartbeat recently (or jobs run inline)."""
        if self.immediate:
            return True
        return (
            self.worker_seen_seconds_ago is not None
            and self.worker_seen_seconds_ago <= self.stale_after
        )

    @property
    def waiting(self) -> bool:
        """Jobs are queued and no worker seems to be running."""
        return self.pending > 0 and not self.worker_alive


def queue_status(max_age: float = 5.0) -> QueueStatus:
    """Queue length and worker heartbeat, cached a few seconds per process (cheap on every page)."""
    from flask import current_app

    now = time.monotonic()
    cached = _status_cache.get("status")
    if cached is not None and now - _status_cache["at"] < max_age:
        return cached
    stale_after = int(current_app.config.get("WORKER_STALE_SECONDS") or 180)
    try:
        pending = huey.pending_count()
        seen = huey.get(HEARTBEAT_KEY, peek=True)
    except Exception:  # storage unreachable: say nothing rather than break every page
        current_app.logger.warning("job queue unreachable", exc_info=True)
        pending, seen = 0, None
    status = QueueStatus(
        pending=pending,
        worker_seen_seconds_ago=(time.time() - seen) if seen else None,
        immediate=huey.immediate,
        stale_after=stale_after,
    )
    _status_cache.update(status=status, at=now)
    return status
