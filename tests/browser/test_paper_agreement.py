"""A paper agreement ended with a notice, and the re-issue confirmation, in a real browser.

An agreement signed on paper before the app (no amendment issued here) has its end notified:
HR records the paper amendment (date and scan) from the agreement page's header, then issues
the reversibility notice, whose PDF names the paper amendment's date. On a desktop and on a
390×844 phone, axe-core clean; the tabs work with the keyboard; a refused form's error summary
takes the focus. Then an issued amendment is up to date until its terms change, and a new
version needs the confirmation that says what it does.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import count

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import HR_EMAIL, download, fr, login, paris_today, pdf_text
from tests.factories import plain_pdf

pytestmark = [pytest.mark.browser]

_N = count(1)
SIGNED = date(2024, 3, 1)


def _seed_paper_agreement(n: int) -> int:
    """An agreement signed on paper before the app, running, its end notified today."""
    from tests.factories import make_agreement, make_employee, make_place, make_post

    today = paris_today()
    post = make_post(code=f"PAP-{n:02d}", title="Comptable", department="Finances")
    employee = make_employee(first_name="Inès", last_name=f"Papier{n}",
                             personnel_number=f"P-{n:04d}", post_id=post.id)
    home = make_place(employee_id=employee.id, address="3 rue des Jacobins, 09000 Foix")
    start = today - timedelta(days=400)
    agreement = make_agreement(
        employee_id=employee.id, place_id=home.id, start_date=start,
        adaptation_end_date=start + timedelta(days=90), status="ending",
        ending_initiative="employer", ending_notification_date=today,
        ending_effective_date=today + timedelta(days=35), ending_method="hand_delivery",
        ending_phase="after_adaptation", ending_notice_days=30,
        ending_return_arrangements="Retour au siège, bureau 12, horaires du service.",
        ending_reason="Réorganisation du service",
    )  # fmt: skip
    return agreement.id


def _active_tab(page):
    return page.get_by_role("tab", selected=True)


@pytest.mark.parametrize("phone", [False, True], ids=["bureau", "telephone"])
def test_paper_agreement_is_recorded_then_ended_with_a_notice(
    live_server, open_page, check_page, phone
):
    n = next(_N) + (50 if phone else 0)
    agreement_id = live_server.run(_seed_paper_agreement, n)
    suffix = "telephone" if phone else "bureau"
    page = open_page(phone=phone)
    login(page, HR_EMAIL)
    page.goto(f"/accords/{agreement_id}")

    head = page.locator("header.agreement-head")
    expect(head).to_contain_text("Fin notifiée")
    expect(head).to_contain_text("Enregistrer l'avenant signé sur papier, puis émettre")
    # No notice preview: it could only answer with an error. The way out instead.
    expect(page.get_by_role("link", name=re.compile("Aperçu de la notification"))).to_have_count(0)
    check_page(page, f"i13-papier-1-accord-{suffix}")

    # Tabs: WAI-ARIA pattern, arrows move between them.
    expect(_active_tab(page)).to_have_text("Modalités")
    _active_tab(page).focus()
    page.keyboard.press("ArrowRight")
    expect(_active_tab(page)).to_have_text("Suivi")
    expect(page.locator("#onglet-suivi")).to_be_visible()
    expect(page.locator("#onglet-modalites")).to_be_hidden()
    page.keyboard.press("End")
    expect(_active_tab(page)).to_have_text("Historique")
    page.get_by_role("tab", name="Documents").click()
    documents = page.locator("#onglet-documents")
    expect(documents).to_contain_text("pas été émis dans l'application")
    check_page(page, f"i13-papier-2-documents-{suffix}")

    head.get_by_role("link", name="Enregistrer l'avenant papier").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avenant signé sur papier")
    check_page(page, f"i13-papier-3-formulaire-{suffix}")
    page.get_by_role("button", name="Enregistrer l'avenant papier").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Date de signature de l'avenant papier")
    expect(page.locator("#signed_date-err")).to_contain_text("Indiquez la date")
    check_page(page, f"i13-papier-4-erreur-{suffix}")
    summary.get_by_role("link", name="Date de signature de l'avenant papier").click()
    expect(page.get_by_label("Date de signature de l'avenant papier")).to_be_focused()

    page.get_by_label("Date de signature de l'avenant papier").fill(fr(SIGNED))
    page.get_by_label(re.compile("Scan de l'avenant signé")).set_input_files(
        files=[{"name": "avenant-papier.pdf", "mimeType": "application/pdf",
                "buffer": plain_pdf(text="avenant signé sur papier")}]
    )
    page.get_by_role("button", name="Enregistrer l'avenant papier").click()
    expect(page.locator(".flashes")).to_contain_text("Avenant papier enregistré")
    expect(head).to_contain_text("avenant papier signé le 01/03/2024")
    expect(head).to_contain_text("Émettre la notification de fin de télétravail.")

    head.get_by_role("button", name="Émettre la notification de fin").click()
    expect(page.locator(".flashes")).to_contain_text("émise et enregistrée")
    expect(head).to_contain_text("Constater la fin du télétravail")
    page.get_by_role("tab", name="Documents").click()
    notices = page.locator("#onglet-documents section").filter(
        has=page.get_by_role("heading", name=re.compile("Notification"))
    )
    link = notices.get_by_role("link", name=re.compile(r"^Télécharger \(PDF")).first
    if phone:  # the wide table scrolls sideways on a phone: fetch the link with the session
        data = page.request.get(link.get_attribute("href")).body()
    else:
        data = download(page, link.click)
    text = pdf_text(data)
    assert "signé sur papier le 01/03/2024" in text, text[:600]
    check_page(page, f"i13-papier-5-notification-{suffix}")


def _seed_issued(n: int) -> int:
    from tests.browser.conftest import seed_issued_amendment

    return seed_issued_amendment("Hugo", f"Version{n}", f"hugo.version{n}@example.test", 20)[
        "agreement_id"
    ]


def _change_terms(agreement_id: int) -> None:
    from hrtele.extensions import db
    from hrtele.models import Agreement

    agreement = db.session.get(Agreement, agreement_id)
    agreement.contact_slots = "9 h 00 – 12 h 00 et 14 h 00 – 16 h 00"
    db.session.commit()


def test_new_version_only_when_changed_and_after_confirmation(live_server, open_page, check_page):
    agreement_id = live_server.run(_seed_issued, next(_N))
    page = open_page()
    login(page, HR_EMAIL)
    page.goto(f"/accords/{agreement_id}#onglet-documents")
    documents = page.locator("#onglet-documents")
    expect(documents).to_be_visible()
    expect(documents).to_contain_text("L'avenant est à jour")
    expect(page.get_by_role("link", name="Émettre une nouvelle version…")).to_have_count(0)
    expect(page.locator("header.agreement-head")).to_contain_text("Faire signer l'avenant")

    live_server.run(_change_terms, agreement_id)
    page.reload()
    expect(documents).to_contain_text("plages de joignabilité")
    page.locator("header.agreement-head").get_by_role(
        "link", name="Émettre une nouvelle version…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nouvelle version de l'avenant")
    expect(page.locator("main")).to_contain_text("sera marquée « remplacée »")
    expect(page.locator("main")).to_contain_text("de nouveau en accuser réception")
    check_page(page, "i13-reemission-1-confirmation")
    page.get_by_role("button", name="Émettre la nouvelle version").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_page(page, "i13-reemission-2-non-cochee")
    page.get_by_label(re.compile("Je confirme l'émission d'une nouvelle version")).check()
    page.get_by_role("button", name="Émettre la nouvelle version").click()
    expect(page.locator(".flashes")).to_contain_text("émis et enregistré")
    page.get_by_role("tab", name="Documents").click()
    expect(documents).to_contain_text("L'avenant est à jour")
    expect(documents.locator("table.documents tbody tr")).to_have_count(2)
    expect(documents).to_contain_text("remplacée")
