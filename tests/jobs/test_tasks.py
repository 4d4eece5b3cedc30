"""Jobs run inline (immediate mode): e-mails through hrtele.mail.deliver, the daily reminder
digest once a day whatever the number of workers, the planner statistics job."""

from __future__ import annotations

from datetime import date

import pytest

from hrtele.jobs import tasks
from tests.factories import make_agreement, make_user

TODAY = date(2027, 1, 10)


@pytest.fixture(autouse=True)
def _today(frozen_today):
    frozen_today(TODAY)


def test_daily_reminders_are_sent_once_a_day(app, mail_outbox):
    with app.app_context():
        make_user(email="rh.rappel@example.test", role="hr")
        make_agreement(status="draft")  # one avenant to issue
        assert tasks.send_daily_reminders.call_local() == 1
        assert tasks.send_daily_reminders.call_local() == 0  # another worker, same day
    [message] = mail_outbox
    assert message["To"] == "rh.rappel@example.test"
    assert "Avenants à émettre : 1" in message.get_content()


def test_queued_mail_is_delivered_by_the_job(app, mail_outbox):
    from hrtele.mail import queue_mail

    with app.app_context():
        assert queue_mail("salarie@example.test", "Objet", "Bonjour") is True
        assert queue_mail("pas une adresse", "Objet", "Bonjour") is False
    [message] = mail_outbox
    assert message["To"] == "salarie@example.test"


def test_optimize_database(app):
    with app.app_context():
        from hrtele.extensions import db

        expected = "done" if db.engine.dialect.name == "sqlite" else "skipped"
        assert tasks.optimize_database.call_local() == expected


@pytest.mark.parametrize("app_config", [{"HUEY_IMMEDIATE": False}])
def test_stale_results_are_served_while_a_job_refreshes_them(app, hr_client):
    from sqlalchemy import select

    from hrtele import cache
    from hrtele.extensions import db
    from hrtele.jobs.queue import huey
    from hrtele.models import DerivedResult
    from tests.factories import page_text

    with app.app_context():
        make_agreement(status="draft")
    assert "Rien à traiter" not in page_text(hr_client.get("/a-faire/"))  # computed now
    with app.app_context():
        make_agreement(status="draft")  # the data changes
        stale_version = cache.data_version()
    page = page_text(hr_client.get("/a-faire/"))
    assert "en cours de mise à jour" in page  # the stored result, marked stale
    assert huey.pending_count() == 1
    page = page_text(hr_client.get("/a-faire/"))
    assert huey.pending_count() == 1  # queued once per data version, whatever the views
    with app.app_context():
        huey.execute(huey.dequeue())  # what the worker does
        row = db.session.scalar(select(DerivedResult).where(DerivedResult.key.like("todo:%")))
        assert row.data_version == stale_version
    assert "en cours de mise à jour" not in page_text(hr_client.get("/a-faire/"))
