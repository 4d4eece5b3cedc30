"""Campaign screens: creation from the agreements list's selection or filters, dry run page,
start, live status JSON, cancel, ZIP download; bad input never changes anything."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import Campaign, CampaignItem, IssuedDocument
from tests.documents.model_samples import TODAY, agreement_variant
from tests.factories import page_text

V = "full_days-per_weekly_day"


@pytest.fixture(autouse=True)
def _today(frozen_today):
    frozen_today(TODAY)


@pytest.fixture
def agreements(app):
    with app.app_context():
        ok = [agreement_variant(V).id for _ in range(2)]
        cancelled = agreement_variant(V, status="cancelled").id
    return ok, cancelled


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_selection_posted_by_the_agreements_list_gives_a_dry_run(app, hr_client, agreements):
    ok, cancelled = agreements
    response = hr_client.post("/campagnes/nouvelle", data={
        "kind": "amendment", "agreement_id": [str(i) for i in (*ok, cancelled)]})
    assert response.status_code == 302
    page = hr_client.get(response.headers["Location"])
    text = page_text(page)
    assert "Simulation" in text
    assert "2 accords seront traités" in text
    assert "Accords bloqués (1)" in text
    assert _count(app, IssuedDocument) == 0


def test_start_runs_the_campaign_and_offers_the_zip(app, hr_client, agreements):
    ok, _ = agreements
    created = hr_client.post("/campagnes/nouvelle", data={
        "kind": "amendment", "agreement_id": [str(i) for i in ok]})
    url = created.headers["Location"]
    campaign_id = int(url.rstrip("/").rsplit("/", 1)[1])
    started = hr_client.post(f"/campagnes/{campaign_id}/lancer")
    assert started.status_code == 302
    status = hr_client.get(f"/campagnes/{campaign_id}/etat")
    assert status.status_code == 200
    data = status.get_json()
    assert (data["status"], data["done"], data["remaining"], data["percent"]) == ("done", 2, 0, 100)
    page = page_text(hr_client.get(url))
    assert "Télécharger les documents" in page
    archive = hr_client.get(f"/campagnes/{campaign_id}/documents.zip")
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert sorted(n.endswith(".pdf") for n in names) == [False, True, True]
    # Starting twice is refused, without a second document.
    again = hr_client.post(f"/campagnes/{campaign_id}/lancer", follow_redirects=True)
    assert "déjà été lancée" in page_text(again)
    assert _count(app, IssuedDocument) == 2


def test_running_page_has_the_live_progress_bar(app, hr_client, agreements):
    ok, _ = agreements
    with app.app_context():
        from hrtele.campaigns.services import plan_campaign, start_campaign

        campaign = plan_campaign("amendment", ok, None, "test", TODAY)
        start_campaign(campaign, None)
        db.session.commit()
        campaign_id = campaign.id
    body = hr_client.get(f"/campagnes/{campaign_id}").get_data(as_text=True)
    assert 'id="campaign-bar"' in body and "<progress" in body
    assert f'data-status-url="/campagnes/{campaign_id}/etat"' in body
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in body
    assert "Temps restant estimé" in body
    cancelled = hr_client.post(f"/campagnes/{campaign_id}/annuler", follow_redirects=True)
    assert "Campagne annulée : 2 accord(s)" in page_text(cancelled)


def test_campaign_from_the_list_filters(app, hr_client, agreements):
    form = hr_client.get("/campagnes/nouvelle?status=draft")
    assert form.status_code == 200
    response = hr_client.post("/campagnes/nouvelle", data={
        "kind": "amendment", "scope": "filters", "status": "draft", "q": ""})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CampaignItem)) == 2
        assert db.session.scalar(select(Campaign.source)).startswith("Filtres")


def test_campaign_after_a_policy_change(app, hr_client, agreements):
    assert hr_client.get("/campagnes/nouvelle?scope=policy").status_code == 200
    response = hr_client.post("/campagnes/nouvelle", data={"kind": "amendment", "scope": "policy"})
    assert response.status_code == 302
    with app.app_context():
        # The cancelled agreement is not live: only the two drafts are planned.
        assert db.session.scalar(select(func.count()).select_from(CampaignItem)) == 2


@pytest.mark.parametrize("data", [
    {"kind": "amendment"},
    {"kind": "amendment", "agreement_id": ["abc"]},
    {"kind": "amendment", "agreement_id": ["-1"]},
    {"kind": "nope", "agreement_id": ["1"]},
    {"kind": "amendment", "agreement_id": ["99999999"]},
    {"kind": "amendment", "scope": "elsewhere"},
])
def test_bad_input_is_refused_in_french(app, hr_client, agreements, data):
    response = hr_client.post("/campagnes/nouvelle", data=data)
    assert response.status_code == 422
    assert _count(app, Campaign) == 0


def test_employees_are_refused(app, client, agreements):
    from tests.conftest import login
    from tests.factories import make_user

    with app.app_context():
        make_user(email="salarie@example.test", role="employee")
    assert login(client, "salarie@example.test").status_code == 302
    assert client.get("/campagnes/").status_code in (403, 404)
    assert client.post("/campagnes/nouvelle", data={"kind": "amendment",
                                                    "agreement_id": "1"}).status_code in (403, 404)
    assert _count(app, Campaign) == 0


@pytest.mark.parametrize("app_config", [{"HUEY_IMMEDIATE": False, "MAIL_SERVER": "smtp.example.test"}])
def test_without_a_worker_the_web_works_and_says_jobs_wait(app, hr_client, mail_outbox):
    from hrtele.jobs import queue

    with app.app_context():
        from hrtele.mail import queue_mail

        assert queue_mail("quelquun@example.test", "Objet", "Corps") is True
        assert queue.huey.pending_count() == 1
    queue._status_cache.clear()
    page = hr_client.get("/campagnes/")
    assert page.status_code == 200
    assert "1 tâche en attente" in page_text(page)
    assert mail_outbox == []  # nothing sent until a worker runs the job
    with app.app_context():
        queue.beat()  # a worker shows up
    queue._status_cache.clear()
    assert "en attente (e-mails, campagnes)" not in page_text(hr_client.get("/campagnes/"))
