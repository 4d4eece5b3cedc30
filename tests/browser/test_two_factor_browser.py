"""TOTP end to end in a real browser: first log-in enrols the authenticator, the next ones ask
for its code, a recovery code works once (on a phone)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect
pyotp = pytest.importorskip("pyotp")

EMAIL = "rh.totp@example.test"


@pytest.fixture
def second_factor_required(live_server) -> Iterator[None]:
    """The setting on, as in production, for this test only (the server is shared)."""
    from tests.factories import make_user

    live_server.run(make_user, EMAIL, role="hr", display_name="Inès Totp")
    live_server.app.config["TWO_FACTOR_REQUIRED"] = True
    try:
        yield
    finally:
        live_server.app.config["TWO_FACTOR_REQUIRED"] = False


def _password_step(page) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_totp_enrolment_then_codes_then_recovery(open_page, check_page, second_factor_required):
    page = open_page()
    _password_step(page)
    expect(page).to_have_url(re.compile(r"/connexion/double-authentification$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.locator("figure.qr svg")).to_be_visible()
    check_page(page, "t01-activation-double-authentification")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)

    page.get_by_label("Code à 6 chiffres affiché par l'application").fill("000000")
    page.get_by_role("button", name="Activer et me connecter").click()
    expect(page.get_by_text("Code incorrect ou déjà utilisé")).to_be_visible()

    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(totp.now())
    page.get_by_role("button", name="Activer et me connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    check_page(page, "t02-codes-de-secours")
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord du télétravail")

    # Next log-in: password, then the code of the following 30-second step (never the same).
    page.get_by_role("button", name="Se déconnecter").click()
    _password_step(page)
    expect(page).to_have_url(re.compile(r"/connexion/code$"))
    check_page(page, "t03-code-de-verification")
    page.goto("/postes/")
    expect(page).to_have_url(re.compile(r"/connexion"))  # the password alone opens nothing
    page.goto("/connexion/code")
    page.get_by_label("Code à 6 chiffres (ou code de secours)").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord du télétravail")

    # On a phone, without the authenticator: a recovery code, once.
    phone = open_page(phone=True)
    _password_step(phone)
    expect(phone).to_have_url(re.compile(r"/connexion/code$"))
    phone.get_by_label("Code à 6 chiffres (ou code de secours)").fill(codes[0])
    phone.get_by_role("button", name="Valider").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tableau de bord du télétravail")
    check_page(phone, "t04-connexion-code-de-secours-telephone")
    phone.get_by_role("button", name="Se déconnecter").click()
    _password_step(phone)
    phone.get_by_label("Code à 6 chiffres (ou code de secours)").fill(codes[0])
    phone.get_by_role("button", name="Valider").click()
    expect(phone.get_by_text("Code incorrect ou déjà utilisé")).to_be_visible()
