"""Entry point of the worker: ``huey_consumer hrtele.jobs.worker.huey -k process -w 2``.

Builds the app once in the parent process, imports WeasyPrint and loads its fonts and print
stylesheet once (forked worker processes inherit them), and registers every job.
"""

from __future__ import annotations

from hrtele import create_app
from hrtele.documents import render
from hrtele.extensions import db
from hrtele.jobs import tasks  # noqa: F401  (registers the jobs)
from hrtele.jobs.queue import huey, set_worker_app

app = create_app()
set_worker_app(app)
render.warm_up()
with app.app_context():
    db.engine.dispose()  # no connection crosses the fork into the worker processes

__all__ = ["huey"]
