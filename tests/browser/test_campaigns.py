"""A campaign in a real browser: HR starts it from the agreements list, the progress bar moves
without reloading the page while a worker processes the items, then the ZIP downloads."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest

from tests.browser.conftest import HR_EMAIL, download, login, paris_today

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

COUNT = 3


def _seed_drafts() -> list[int]:
    from tests.documents.model_samples import agreement_variant

    start = paris_today() + timedelta(days=45)
    return [agreement_variant("full_days-per_weekly_day", start_date=start,
                              adaptation_end_date=start + timedelta(days=90)).id
            for _ in range(COUNT)]


def _work_one(campaign_id: int) -> str:
    """What a worker does for one item (claim, render, issue), in the server's process."""
    from hrtele.campaigns import services

    item = services.claim_next(campaign_id, "navigateur:1", 60)
    assert item is not None
    return services.process_item(item, "amendment", "navigateur:1")


def _finish(campaign_id: int) -> bool:
    from hrtele.campaigns import services

    return services.finish_if_complete(campaign_id)


def test_campaign_progress_updates_live_and_the_zip_downloads(open_page, check_page,
                                                              live_server):
    ids = live_server.run(_seed_drafts)
    page = open_page()
    login(page, HR_EMAIL)
    page.goto("/accords/?status=draft")
    page.get_by_role("link", name="Campagne sur ces accords").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle campagne")
    check_page(page, "c01-campagne-nouvelle")
    page.get_by_label("Nouvelle version de l'avenant").check()
    page.get_by_role("button", name="Simuler la campagne").click()
    expect(page.get_by_role("heading", name="Simulation")).to_be_visible()
    check_page(page, "c02-campagne-simulation")
    page.get_by_role("button", name="Lancer la campagne").click()
    expect(page.locator("#campaign-status")).to_have_text("En cours")
    campaign_id = int(re.search(r"/campagnes/(\d+)", page.url).group(1))
    # No worker runs in this server: the page says jobs are waiting.
    expect(page.get_by_role("status").filter(has_text="en attente (e-mails, campagnes)")).to_be_visible()
    check_page(page, "c03-campagne-en-cours")

    page.evaluate("window.__same_page = true")  # gone if the page reloads
    bar = page.locator("#campaign-bar")
    expect(bar).to_have_attribute("value", "0")
    # Other browser tests may have left drafts in the shared server: count what was queued.
    total = int(page.locator('[data-field="remaining"]').inner_text())
    assert total >= COUNT
    assert live_server.run(_work_one, campaign_id) == "done"
    expect(page.locator('[data-field="done"]')).to_have_text("1", timeout=10_000)
    assert page.evaluate("window.__same_page === true"), "the page reloaded instead of polling"
    assert int(bar.get_attribute("value")) == 100 // total
    expect(page.locator('[data-field="remaining"]')).to_have_text(str(total - 1))

    for _ in range(total - 1):
        assert live_server.run(_work_one, campaign_id) == "done"
    assert live_server.run(_finish, campaign_id)
    # Finished: the script reloads the page, which now offers the ZIP.
    link = page.get_by_role("link", name=re.compile("Télécharger les documents"))
    expect(link).to_be_visible(timeout=10_000)
    expect(page.locator("#campaign-status")).to_have_text("Terminée")
    check_page(page, "c04-campagne-terminee")
    data = download(page, link.click)
    archive = zipfile.ZipFile(io.BytesIO(data))
    pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
    assert len(pdfs) == total and len(ids) == COUNT
    assert "index.csv" in archive.namelist()
