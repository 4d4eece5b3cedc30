"""In a real browser: an admin creates a payroll token, the payroll tool reads a closed month
with it over HTTP, the admin revokes it; the token and API documentation pages pass axe-core
on a desktop and fit a phone."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import ADMIN_EMAIL, login
from tests.browser.test_accessibility import assert_fits_a_phone, visit

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _get(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _close_a_month() -> str:
    from datetime import date

    from hrtele.allowances.services import close_month, get_export
    from hrtele.extensions import db

    if get_export(2026, 2) is None:
        close_month(2026, 2, None, date(2026, 3, 1))
        db.session.commit()
    return "2026-02"


def test_admin_creates_uses_and_revokes_a_payroll_token(open_page, check_page, live_server):
    period = live_server.run(_close_a_month)
    page = open_page()
    login(page, ADMIN_EMAIL)
    page.get_by_role("navigation", name="Navigation principale") \
        .get_by_role("link", name="Intégrations API").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intégrations API")
    check_page(page, "admin-integrations")
    page.get_by_label("Nom de l'intégration").fill("Logiciel de paie (navigateur)")
    page.get_by_label("payroll").check()
    page.get_by_role("button", name="Créer le jeton").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jeton créé")
    check_page(page, "admin-integrations-jeton-cree")
    token = page.get_by_label("Jeton").input_value()
    assert token.startswith("hrt_") and len(token) == 47

    status, body = _get(f"{live_server.url}/api/v1/allowances/{period}", token)
    assert status == 200 and body["period"] == period
    status, body = _get(f"{live_server.url}/api/v1/employees", token)
    assert status == 403 and body["title"] == "Accès refusé"

    page.get_by_role("link", name="Tous les jetons").click()
    row = page.get_by_role("row").filter(has_text="Logiciel de paie (navigateur)")
    expect(row).to_contain_text("127.0.0.1")  # last use, with the address
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Révoquer").click()
    # The flash message (the page may also show the waiting-jobs notice of other journeys).
    expect(page.locator(".flashes")).to_contain_text("est révoqué")
    status, body = _get(f"{live_server.url}/api/v1/allowances/{period}", token)
    assert status == 401 and body["detail"] == "Jeton d'API inconnu ou révoqué."


def test_api_documentation_page(open_page, check_page):
    page = open_page()
    visit(page, "/documentation/api")
    expect(page.get_by_role("heading", level=1)).to_contain_text("API du télétravail")
    expect(page.locator("#probleme-validation")).to_be_visible()
    check_page(page, "api-documentation")
    phone = open_page(phone=True)
    visit(phone, "/documentation/api")
    assert_fits_a_phone(phone)
    check_page(phone, "api-documentation-mobile")
