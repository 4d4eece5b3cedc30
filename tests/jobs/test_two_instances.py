"""Two machines' worth of processes on one PostgreSQL and one Redis (db 11): two gunicorn
instances and two huey consumers. A session opened on one instance is valid on the other, the
log-in throttling counts across both, and one campaign's documents are split across both
workers with none issued twice."""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hrtele import clock
from hrtele.campaigns import services
from hrtele.extensions import db
from hrtele.jobs.tasks import queue_runners
from hrtele.models import Campaign, CampaignItem, IssuedDocument
from tests.documents.model_samples import agreement_variant
from tests.factories import TEST_PASSWORD, make_user
from tests.jobs.conftest import BIN, ROOT, start_consumer, stop, subprocess_env, wait_until

pytestmark = pytest.mark.slow
REDIS_URL = "redis://127.0.0.1:6379/11"  # this project's own Redis database number
AGREEMENTS = 12


@pytest.fixture
def backend():
    return "postgresql"


@pytest.fixture
def app_config():
    return {"HUEY_IMMEDIATE": False, "REDIS_URL": REDIS_URL, "CAMPAIGN_SLICE": 1,
            "CAMPAIGN_LEASE_SECONDS": 30, "RATELIMIT_ENABLED": True,
            "RATELIMIT_LOGIN": "5 per minute", "RATELIMIT_LOGIN_IP": "100 per minute"}


@pytest.fixture(autouse=True)
def _clean_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis n'est pas joignable sur 127.0.0.1:6379 (lancez redis-server).")
    client.flushdb()  # db 11 only: never another project's keys
    yield
    client.flushdb()
    client.close()


def _gunicorn(app, log: Path) -> tuple[subprocess.Popen, str]:
    handle = open(log, "ab")  # noqa: SIM115 (closed by stop())
    env = subprocess_env(app, HRTELE_RATELIMIT_ENABLED="1",
                         HRTELE_RATELIMIT_LOGIN="5 per minute",
                         HRTELE_RATELIMIT_LOGIN_IP="100 per minute")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", "127.0.0.1:0",
         "--error-logfile", "-", "hrtele:create_app()"],
        cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    process._hrtele_log = handle  # type: ignore[attr-defined]
    found: dict[str, str] = {}

    def listening() -> bool:
        match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"))
        if match:
            found["url"] = match.group(1)
        return bool(match)

    wait_until(listening, 60, "gunicorn to listen", [log])
    return process, found["url"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies shared across instances (same host, other port), no redirect following."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def login(self, base: str, email: str, password: str) -> int:
        status, page = self.request(base + "/connexion")
        assert status == 200
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _ = self.request(base + "/connexion",
                                 {"csrf_token": token, "email": email, "password": password})
        return status


def test_two_instances_share_sessions_throttling_and_campaigns(app, tmp_path):
    today = clock.today()
    start = today + timedelta(days=45)
    with app.app_context():
        make_user("rh.deux@example.test", role="hr")
        make_user("cible@example.test", role="hr")
        ids = [agreement_variant("full_days-per_weekly_day", start_date=start,
                                 adaptation_end_date=start + timedelta(days=90)).id
               for _ in range(AGREEMENTS)]
    logs = {name: tmp_path / f"{name}.log" for name in ("web1", "web2", "worker1", "worker2")}
    processes = []
    try:
        web1, url1 = _gunicorn(app, logs["web1"])
        processes.append(web1)
        web2, url2 = _gunicorn(app, logs["web2"])
        processes.append(web2)

        # A session opened on instance 1 is valid on instance 2 (server-side rows in PostgreSQL).
        browser = Browser()
        assert browser.login(url1, "rh.deux@example.test", TEST_PASSWORD) == 302
        status, page = browser.request(url2 + "/a-faire/")
        assert status == 200 and "À faire" in page
        assert browser.request(url1 + "/a-faire/")[0] == 200

        # Throttling counts across both instances (Redis): 5 failures per minute per account.
        attacker = Browser()
        codes = [attacker.login(url, "cible@example.test", "mauvais mot de passe")
                 for url in (url1, url2, url1, url2, url1, url2)]
        assert 429 not in codes[:5] and codes[5] == 429, codes

        # One campaign, two workers: documents split across both, none issued twice.
        worker1 = start_consumer(app, logs["worker1"])
        processes.append(worker1)
        worker2 = start_consumer(app, logs["worker2"])
        processes.append(worker2)
        for name in ("worker1", "worker2"):
            wait_until(lambda n=name: "consumer started" in logs[n].read_text(errors="replace"),
                       60, f"{name} to start", [logs[name]])
        with app.app_context():
            campaign = services.plan_campaign("amendment", ids, None, "deux instances", today)
            db.session.commit()
            campaign_id = campaign.id
            services.start_campaign(db.session.get(Campaign, campaign_id), None)
            db.session.commit()
            queue_runners(campaign_id)

        def finished() -> bool:
            with app.app_context():
                return db.session.scalar(
                    select(Campaign.status).where(Campaign.id == campaign_id)) == "done"

        wait_until(finished, 180, "the campaign to finish on two workers", list(logs.values()))
        with app.app_context():
            items = db.session.scalars(
                select(CampaignItem).where(CampaignItem.campaign_id == campaign_id)).all()
            assert {i.status for i in items} == {"done"}
            workers = {i.processed_by for i in items}
            assert len(workers) == 2, workers
            per_agreement = db.session.execute(
                select(IssuedDocument.agreement_id, func.count())
                .where(IssuedDocument.agreement_id.in_(ids))
                .group_by(IssuedDocument.agreement_id)).all()
            assert sorted(n for _, n in per_agreement) == [1] * AGREEMENTS
    finally:
        for process in reversed(processes):
            stop(process)
