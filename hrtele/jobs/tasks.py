"""The jobs: e-mails, daily reminders, worker heartbeat, campaign runners and their sweeper."""

from __future__ import annotations

import logging

from flask import current_app
from huey import crontab

from hrtele import clock
from hrtele.jobs.queue import beat, huey, job

log = logging.getLogger(__name__)

REMINDERS_KEY = "hrtele:reminders-sent:{day}"


@job(retries=3, retry_delay=60)
def deliver_mail(to: str, subject: str, body: str, html: str | None = None) -> bool:
    """Send one e-mail (queued by hrtele.mail.queue_mail)."""
    from hrtele.mail import send_mail

    return send_mail(to, subject, body, html=html)


@job()
def send_daily_reminders() -> int:
    """E-mail the « À faire » digest to HR once a day (guarded: one send per day, any worker)."""
    from hrtele.commands.lifecycle import hr_recipients, send_reminders
    from hrtele.mail import mail_enabled

    today = clock.today()
    if not mail_enabled():
        return 0
    # Several workers (or machines) each run the scheduler: the first one takes the day.
    if not huey.put_if_empty(REMINDERS_KEY.format(day=today.isoformat()), "1"):
        return 0
    recipients = hr_recipients()
    if not recipients:
        return 0
    total, _failed, _body = send_reminders(today, recipients)
    return total


@huey.periodic_task(crontab(hour="5", minute="30"), name="daily_reminders")
def daily_reminders() -> None:
    """Every day at 05:30 UTC (06:30 or 07:30 in Paris): queue the reminder digest."""
    send_daily_reminders()


@job()
def send_due_notifications() -> int:
    """Announce the day's dated follow-ups (adaptation ending, interview, attestation ...).

    Idempotent (one notification per event): several workers or a second run change nothing.
    """
    from hrtele.extensions import db
    from hrtele.notifications.events import notify_due

    created = notify_due(clock.today())
    db.session.commit()
    return created


@huey.periodic_task(crontab(hour="5", minute="35"), name="daily_due_notifications")
def daily_due_notifications() -> None:
    """Every day at 05:35 UTC: queue the dated notifications of the day (no cron needed)."""
    send_due_notifications()


@huey.periodic_task(crontab(minute="*"), name="heartbeat_and_sweep")
def heartbeat_and_sweep() -> None:
    """Every minute: tell the web a worker is alive, and restart stalled campaigns."""
    beat()
    resume_campaigns()


@huey.on_startup()
def _on_worker_start() -> None:
    # A worker (re)starts: announce it, and pick up the campaigns a crash left behind.
    try:
        beat()
        resume_campaigns(True)
    except Exception:  # the storage may be down: the minute sweeper will retry
        log.exception("startup hook failed")


@job()
def resume_campaigns(force: bool = False) -> list[int]:
    """Queue runners for running campaigns whose runners were lost (crash, restart)."""
    from hrtele.campaigns.services import stalled_campaigns

    lease = int(current_app.config["CAMPAIGN_LEASE_SECONDS"])
    ids = stalled_campaigns(lease, force=force)
    for campaign_id in ids:
        queue_runners(campaign_id)
    return ids


def queue_runners(campaign_id: int) -> None:
    """Queue CAMPAIGN_RUNNERS runner jobs for a campaign (one inline in immediate mode)."""
    runners = 1 if huey.immediate else max(1, int(current_app.config["CAMPAIGN_RUNNERS"]))
    for _ in range(runners):
        run_campaign(campaign_id)


@job()
def run_campaign(campaign_id: int) -> int:
    """Claim and process items of a campaign, a slice at a time; returns items processed."""
    from hrtele.campaigns import services
    from hrtele.extensions import db
    from hrtele.models import Campaign

    config = current_app.config
    owner = services.worker_id()
    lease = int(config["CAMPAIGN_LEASE_SECONDS"])
    budget = None if huey.immediate else max(1, int(config["CAMPAIGN_SLICE"]))
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return 0
    kind = campaign.kind
    db.session.commit()
    processed = 0
    while budget is None or processed < budget:
        item_id = services.claim_next(campaign_id, owner, lease)
        if item_id is None:
            break
        services.process_item(item_id, kind, owner)
        processed += 1
    else:
        run_campaign(campaign_id)  # hand the queue over to other jobs, then go on
        return processed
    if not services.finish_if_complete(campaign_id) and not huey.immediate:
        # Items still claimed by other runners: come back when their lease ends, in case
        # their worker died (the item is then claimed again).
        expiry = services.next_lease_expiry(campaign_id)
        if expiry is not None:
            delay = max(1.0, (expiry - clock.now_utc()).total_seconds() + 1)
            run_campaign.schedule((campaign_id,), delay=delay)
    return processed


@job()
def optimize_database() -> str:
    """Refresh the query planner's statistics (SQLite; PostgreSQL's autovacuum does it)."""
    from hrtele.extensions import db

    if db.engine.dialect.name != "sqlite":
        return "skipped"
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA optimize=0x10002")
    return "done"


@huey.periodic_task(crontab(hour="2", minute="15"), name="nightly_optimize")
def nightly_optimize() -> None:
    """Every night: keep SQLite's planner statistics fresh as the tables grow."""
    optimize_database()


@job()
def refresh_derived(key: str) -> str:
    """Recompute a stored result whose data changed (to-do, observatory, month allowances)."""
    from hrtele.derived import recompute

    with current_app.test_request_context():  # the to-do's links are built with url_for
        recompute(key)
    return key
