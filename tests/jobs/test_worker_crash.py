"""A campaign run by real huey consumers survives killing the worker mid-way (SIGKILL):
it resumes, and its ZIP holds exactly one PDF per agreement (no document issued twice)."""

from __future__ import annotations

import io
import signal
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hrtele import clock
from hrtele.campaigns import services
from hrtele.extensions import db
from hrtele.jobs.tasks import queue_runners
from hrtele.models import Campaign, CampaignItem, IssuedDocument
from tests.documents.model_samples import agreement_variant
from tests.factories import make_user
from tests.jobs.conftest import start_consumer, stop, wait_until

pytestmark = pytest.mark.slow
AGREEMENTS = 8


@pytest.fixture
def app_config():
    return {"HUEY_IMMEDIATE": False, "CAMPAIGN_LEASE_SECONDS": 2, "CAMPAIGN_SLICE": 2}


def _counts(app, campaign_id: int) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(CampaignItem.status, func.count())
            .where(CampaignItem.campaign_id == campaign_id)
            .group_by(CampaignItem.status)
        )
        return dict(rows.all())


def _planned_campaign(app) -> int:
    today = clock.today()  # the consumers run on the wall clock too
    start = today + timedelta(days=45)
    with app.app_context():
        hr = make_user(email="rh.worker@example.test", role="hr")
        ids = [
            agreement_variant(
                "full_days-per_weekly_day", start_date=start,
                adaptation_end_date=start + timedelta(days=90),
            ).id
            for _ in range(AGREEMENTS)
        ]
        campaign = services.plan_campaign("amendment", ids, hr, "test", today)
        db.session.commit()
        items = services.campaign_items(campaign.id)
        assert [i.reason for i in items if i.status != "pending"] == []
        campaign_id = campaign.id
        services.start_campaign(db.session.get(Campaign, campaign_id), hr)
        db.session.commit()
        queue_runners(campaign_id)  # real queue (SQLite file or Redis): nothing runs yet
    return campaign_id


def test_killed_worker_resumes_without_duplicates(app, tmp_path):
    campaign_id = _planned_campaign(app)
    assert _counts(app, campaign_id) == {"pending": AGREEMENTS}
    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]

    first = start_consumer(app, logs[0])
    try:
        wait_until(lambda: _counts(app, campaign_id).get("done", 0) >= 2, 120,
                   "the first worker to issue documents", logs)
    finally:
        stop(first, signal.SIGKILL)  # crash: no clean shutdown, a claimed item may be lost
    left = _counts(app, campaign_id).get("pending", 0)
    assert left > 0, "the worker finished before it was killed: the test proves nothing"

    second = start_consumer(app, logs[1])
    try:
        wait_until(lambda: _counts(app, campaign_id).get("done", 0) == AGREEMENTS, 180,
                   "the restarted worker to finish the campaign", logs)
        wait_until(lambda: _status(app, campaign_id) == "done", 30, "the campaign to close", logs)
    finally:
        stop(second)

    with app.app_context():
        per_agreement = db.session.execute(
            select(IssuedDocument.agreement_id, func.count())
            .where(IssuedDocument.kind == "amendment")
            .group_by(IssuedDocument.agreement_id)
        ).all()
        assert len(per_agreement) == AGREEMENTS
        assert {n for _, n in per_agreement} == {1}
        campaign = db.session.get(Campaign, campaign_id)
        buffer = io.BytesIO()
        assert services.write_zip(campaign, buffer) == AGREEMENTS
    names = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).namelist()
    assert len([n for n in names if n.endswith(".pdf")]) == AGREEMENTS
    assert len(set(names)) == len(names)


def _status(app, campaign_id: int) -> str:
    with app.app_context():
        return db.session.scalar(select(Campaign.status).where(Campaign.id == campaign_id))
