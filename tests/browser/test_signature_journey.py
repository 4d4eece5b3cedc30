"""Electronic signature from the demonstration data, in a real browser.

`flask demo-data` loads the demo (with its self-signed demonstration seal and the HR
signatory); HR issues an amendment and opens the circuit on a desktop; the employee signs on
a 390×844 phone; HR signs; the employee downloads the signed PDF, which pyHanko's validator
accepts; a tampered copy is refused by the verification page.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import expect
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    BrowserProblems,
    LiveServer,
    _QuietHandler,
    download,
    login,
    pdf_text,
)
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HR_DEMO = "rh@demo.hrtele.test"
HR_DEMO_PASSWORD = "Lac-Montbel-Azur-5817"
EMPLOYEE_EMAIL = "signataire.demo@example.test"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The app with `flask demo-data` loaded, served on 127.0.0.1:<free port>."""
    from flask_migrate import upgrade

    from hrtele import create_app
    from hrtele.auth import passwords
    from hrtele.extensions import db

    folder = tmp_path_factory.mktemp("demo-signature")
    config = {
        "SECRET_KEY": "browser-signature-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'hrtele.sqlite3'}",
        "WTF_CSRF_ENABLED": True,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
        "TWO_FACTOR_REQUIRED": False,  # the TOTP journey is test_two_factor_browser.py
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SERVER": "",
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
        )
        patch.setenv("HRTELE_INSTANCE_PATH", str(folder / "instance"))
        app = create_app(config)
        with app.app_context():
            upgrade()
        result = app.test_cli_runner().invoke(args=["demo-data"])
        assert result.exit_code == 0, result.output
        assert "Cachet de signature" in result.output and "DÉMONSTRATION" in result.output
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _issued_agreement_with_an_account() -> dict:
    """A demo agreement at « avenant émis », and an employee account for its employee."""
    from hrtele.extensions import db
    from hrtele.models import Agreement
    from tests.factories import make_user

    agreement = db.session.scalars(
        select(Agreement).where(Agreement.status == "issued", Agreement.kind == "regular")
        .order_by(Agreement.id)
    ).first()
    employee = agreement.employee
    # Changed terms: a new version of the amendment is due (an unchanged one is not re-issued).
    agreement.contact_slots = "9 h 00 – 12 h 00 et 14 h 00 – 16 h 30"
    db.session.commit()
    make_user(EMPLOYEE_EMAIL, role="employee", employee_id=employee.id,
              display_name=employee.first_name)
    return {"agreement_id": agreement.id, "name": f"{employee.first_name} {employee.last_name}"}


def _open(browser, server: LiveServer, problems: BrowserProblems, contexts: list, *,
          phone: bool = False):
    context = browser.new_context(
        base_url=server.url, viewport=PHONE if phone else DESKTOP, is_mobile=phone,
        has_touch=phone, device_scale_factor=2 if phone else 1, locale="fr-FR",
        timezone_id="Europe/Paris", accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    contexts.append(context)
    page = context.new_page()
    problems.watch(page)
    return page


def _sign(page, password: str) -> None:
    page.get_by_label("J'ai lu ce document et je le signe électroniquement").check()
    page.get_by_label("Mot de passe de votre compte").fill(password)
    # Signing (argon2 check, then pyHanko over the PDF) is CPU-bound: on a loaded 2-core
    # machine it can take more than the default 15 s.
    page.get_by_role("button", name="Je signe le document").click(timeout=4 * TIMEOUT_MS)
    expect(page.locator(".flash, [role=status], .alert").first).to_contain_text(
        "Signature enregistrée", timeout=4 * TIMEOUT_MS
    )


def test_demo_amendment_signed_on_a_phone_and_by_hr(browser, demo_server, check_page):
    from hrtele.signatures import services

    seeded = demo_server.run(_issued_agreement_with_an_account)
    problems = BrowserProblems()
    contexts: list = []
    try:
        # HR issues the amendment (a new version) and opens the signature circuit.
        hr = _open(browser, demo_server, problems, contexts)
        login(hr, HR_DEMO, HR_DEMO_PASSWORD)
        hr.goto(f"/accords/{seeded['agreement_id']}")
        head = hr.locator("header.agreement-head")
        reissue = head.get_by_role("link", name="Émettre une nouvelle version…")
        if reissue.count():  # the demo stored its amendment: a new version, after confirming
            reissue.click()
            hr.get_by_label(re.compile("Je confirme l'émission d'une nouvelle version")).check()
            hr.get_by_role("button", name="Émettre la nouvelle version").click()
        else:
            head.get_by_role("button", name="Émettre l'avenant").click()
        expect(hr.locator("body")).to_contain_text("émis et enregistré")
        hr.get_by_role("button", name="Lancer la signature électronique").click()
        expect(hr.locator("body")).to_contain_text("Signature électronique de")
        expect(hr.locator("body")).to_contain_text("signature en cours : 0 sur 2")
        check_page(hr, "s01-rh-signature-lancee")

        # The employee signs on a phone.
        phone = _open(browser, demo_server, problems, contexts, phone=True)
        login(phone, EMPLOYEE_EMAIL, TEST_PASSWORD)
        phone.goto("/mon-espace/documents")
        phone.get_by_role("link", name="Voir / signer").first.click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Signature électronique")
        check_page(phone, "s02-salarie-signature-mobile")
        overflow = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"la page déborde de {overflow} px sur un téléphone"
        # A wrong password is refused in French, nothing is signed.
        phone.get_by_label("J'ai lu ce document et je le signe électroniquement").check()
        phone.get_by_label("Mot de passe de votre compte").fill("pas-le-bon-mot-de-passe")
        phone.get_by_role("button", name="Je signe le document").click()
        expect(phone.locator("body")).to_contain_text("Mot de passe incorrect")
        _sign(phone, TEST_PASSWORD)
        expect(phone.locator("body")).to_contain_text("attend maintenant la signature de l'employeur")
        check_page(phone, "s03-salarie-a-signe-mobile")

        # HR (the demo signatory) signs for the employer.
        hr.goto(f"/accords/{seeded['agreement_id']}#onglet-documents")
        hr.get_by_role("link", name="Voir / signer").click()
        _sign(hr, HR_DEMO_PASSWORD)
        expect(hr.locator("body")).to_contain_text("signé par toutes les parties")
        check_page(hr, "s04-rh-signature-terminee")
        hr.goto(f"/accords/{seeded['agreement_id']}")
        expect(hr.locator("body")).to_contain_text("signé électroniquement")

        # The employee downloads the signed PDF; the issued version stays available.
        phone.goto("/mon-espace/documents")
        expect(phone.locator("body")).to_contain_text("Version émise, non signée")
        check_page(phone, "s05-mes-documents-signes-mobile")
        signed = download(
            phone, phone.get_by_role("link", name="Télécharger le PDF signé").first.click
        )
        assert signed.startswith(b"%PDF") and seeded["name"].split()[0] in pdf_text(signed)

        # pyHanko's validator, trusting the demonstration seal created by demo-data.
        def seal_certificate():
            return services.current_seal().certificate

        certificate = demo_server.run(seal_certificate)

        def validate() -> list:
            reader = PdfFileReader(io.BytesIO(signed))
            return [
                validate_pdf_signature(
                    embedded,
                    signer_validation_context=ValidationContext(
                        trust_roots=[certificate], allow_fetching=False,
                        moment=embedded.self_reported_timestamp,
                    ),
                )
                for embedded in reader.embedded_signatures
            ]

        # pyHanko runs its own event loop: not in Playwright's thread, which has one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            statuses = pool.submit(validate).result()
        assert len(statuses) == 2 and all(s.bottom_line for s in statuses)
        assert statuses[-1].coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert "DÉMONSTRATION" in certificate.subject.human_friendly

        # The verification page (anonymous): the file is genuine, a tampered copy is not.
        visitor = _open(browser, demo_server, problems, contexts)
        folder = Path(demo_server.app.instance_path)
        genuine, tampered = folder / "avenant-signe.pdf", folder / "avenant-altere.pdf"
        genuine.write_bytes(signed)
        altered = bytearray(signed)
        altered[len(altered) // 2] ^= 0x01
        tampered.write_bytes(bytes(altered))
        visitor.goto("/signatures/verification")
        visitor.get_by_label("Fichier PDF à vérifier").set_input_files(str(genuine))
        visitor.get_by_role("button", name="Lancer la vérification").click()
        expect(visitor.locator("body")).to_contain_text("Document authentique et intact")
        check_page(visitor, "s06-verification-ok")
        visitor.get_by_label("Fichier PDF à vérifier").set_input_files(str(tampered))
        visitor.get_by_role("button", name="Lancer la vérification").click()
        expect(visitor.locator("body")).to_contain_text("Vérification échouée")
        check_page(visitor, "s07-verification-echec")
    finally:
        for context in contexts:
            context.close()
    assert not problems.items, "Problèmes dans le navigateur :\n" + "\n".join(problems.items)
