"""Background jobs on huey: e-mails, daily reminders, bulk campaigns.

One huey instance (``hrtele.jobs.queue.huey``) whose storage is chosen by the application's
configuration: SQLite in the instance folder by default (nothing else to install), Redis when
``HRTELE_REDIS_URL`` is set (several machines). Every job runs inside an application context
and commits its own transaction, like a request. Start the worker with::

    .venv/bin/huey_consumer hrtele.jobs.worker.huey -k process -w 2
"""

from hrtele.jobs.queue import QueueStatus, huey, init_app, job, queue_status

__all__ = ["QueueStatus", "huey", "init_app", "job", "queue_status"]
