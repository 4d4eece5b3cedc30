"""The main journeys in a real browser: HR from the post to the issued amendment, the employee
on a phone, and reversibility (the employee asks to end telework, HR issues the notice).

Every page a journey visits goes through check_page: axe-core (nothing serious or critical),
a label on every field, and a screenshot in test-output/screenshots/.
"""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import count

import pytest

from tests.browser.conftest import (
    HR_EMAIL,
    SCREENSHOTS,
    download,
    fr,
    login,
    paris_today,
    pdf_text,
    seed_issued_amendment,
)

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

_seq = count(1)


def flash(page):
    """The success / information messages of the page."""
    return page.locator(".flashes")


# --------------------------------------------------------------------------- (a) HR


def test_hr_from_post_to_downloaded_amendment(open_page, check_page, live_server):
    """HR creates a post and an employee, records and accepts the request, fixes a rule
    violation in the agreement, issues the amendment and downloads the PDF."""
    n = next(_seq)
    today = paris_today()
    start = today + timedelta(days=14)
    page = open_page()

    page.goto("/connexion")
    check_page(page, "a01-connexion")
    login(page, HR_EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord du télétravail")
    check_page(page, "a02-accueil-rh")

    # -- the post
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Postes"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Postes")
    check_page(page, "a03-postes")
    page.get_by_role("link", name="Nouveau poste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau poste")
    check_page(page, "a04-poste-nouveau")
    code = f"ACH-{n:02d}"
    page.get_by_label("Code du poste").fill(code)
    page.get_by_label("Intitulé").fill("Chargée des achats publics")
    page.get_by_label("Service / direction").fill("Achats et marchés")
    page.get_by_label("Établissement").select_option(label="Siège")
    page.get_by_label("Catégorie").select_option(label="Techniciens et agents de maîtrise")
    page.get_by_label("Effectif").fill("2")
    page.get_by_label("Poste télétravaillable").check()
    page.get_by_label("Activités exercées en télétravail").fill(
        "Analyse des offres, rédaction des cahiers des charges, suivi des contrats"
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(flash(page)).to_contain_text("Poste « Chargée des achats publics » créé.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    check_page(page, "a05-poste")
    post_id = re.search(r"/postes/(\d+)", page.url).group(1)

    # -- the employee
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Salariés"
    ).click()
    check_page(page, "a06-salaries")
    page.get_by_role("link", name="Nouveau salarié").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau salarié")
    check_page(page, "a07-salarie-nouveau")
    first, last = "Élodie", "Fauré" + ("" if n == 1 else "-Lacroix" * (n - 1))
    full_name = re.compile(rf"{first}\s+{last}", re.IGNORECASE)  # the app writes FAURÉ
    page.get_by_label("Matricule").fill(f"M-{1040 + n}")
    page.get_by_label("Civilité").select_option(label="Mme")
    page.get_by_label("Prénom").fill(first)
    page.get_by_label("Nom", exact=True).fill(last)
    page.get_by_label("Adresse électronique professionnelle").fill(f"elodie.faure{n}@example.test")
    page.get_by_label("Poste", exact=True).select_option(value=post_id)
    page.get_by_label("Catégorie").select_option(label="Techniciens et agents de maîtrise")
    page.get_by_label("Date d'embauche").fill("06/01/2020")
    page.get_by_label("Date du contrat de travail").fill("06/01/2020")
    page.get_by_label("Adresse du domicile").fill("7 rue des Jacobins\n09100 Pamiers")
    page.get_by_label("Distance domicile-travail (km, aller)").fill("18,5")
    page.get_by_label("Mode de transport habituel").select_option(label="Voiture")
    page.get_by_role("button", name="Enregistrer").click()
    expect(flash(page)).to_contain_text(full_name)
    check_page(page, "a08-salarie")

    # -- the employee's written request
    page.get_by_role("link", name="Enregistrer une demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enregistrer une demande de télétravail"
    )
    expect(page.get_by_label("Date de la demande écrite")).to_have_value(fr(today))
    check_page(page, "a09-demande-nouvelle")
    page.get_by_label("Jours de télétravail souhaités par semaine").fill("2")
    page.get_by_label("Lieu souhaité").select_option(
        label="Domicile du salarié (adresse inscrite sur sa fiche)"
    )
    for slot in ("Lundi matin", "Lundi après-midi", "Jeudi matin", "Jeudi après-midi"):
        page.get_by_label(slot, exact=True).check()
    page.get_by_label("Motif exprimé par le salarié").fill("Réduire 37 km de trajet par jour.")
    page.get_by_role("button", name="Enregistrer la demande").click()
    expect(flash(page)).to_contain_text("Demande de télétravail enregistrée.")
    check_page(page, "a10-demande")

    # -- HR accepts it
    expect(page.get_by_label("Date de la décision").first).to_have_value(fr(today))
    page.get_by_role("button", name="Accepter la demande").click()
    expect(flash(page)).to_contain_text("Demande acceptée.")
    expect(page.locator(".card dl.facts")).to_contain_text("Acceptée")
    check_page(page, "a11-demande-acceptee")

    # -- the agreement: a pattern that does not match the days is refused, with its basis
    page.get_by_role("link", name="Rédiger l'accord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel accord de télétravail")
    expect(page.get_by_label("Jours de télétravail par semaine")).to_have_value("2")
    expect(page.get_by_label("Jeudi après-midi", exact=True)).to_have_value("thu_pm")
    check_page(page, "a12-accord-nouveau")
    page.get_by_label("Date de début du télétravail").fill(fr(start))
    page.get_by_label("Équipements fournis (un par ligne)").fill(
        "Ordinateur portable\nCasque audio\nÉcran 24 pouces"
    )
    page.get_by_label("Attestation d'assurance reçue le").fill(fr(today))
    page.get_by_label("Assureur").fill("Mutuelle des Pyrénées")
    page.get_by_label("Attestation d'assurance valable jusqu'au").fill(
        fr(today + timedelta(days=365))
    )
    page.get_by_label("Attestation de conformité électrique reçue le").fill(fr(today))
    page.get_by_label("Montant de l'allocation").fill("12,00")  # above the policy: a warning
    page.get_by_label("Jeudi après-midi", exact=True).select_option("")  # 1,5 day for 2: blocking
    page.get_by_role("button", name="Enregistrer").click()

    pattern_box = page.locator("fieldset.pattern")
    error = pattern_box.locator(".errors")
    expect(error).to_contain_text("représentent 1,5 jour")
    expect(error).to_contain_text("2")
    expect(error).to_contain_text(re.compile(r"C\. trav\.|ANI|L1222"))  # its legal basis
    expect(pattern_box).to_have_attribute("aria-describedby", re.compile(r"weekly_pattern-err"))
    summary = page.get_by_role("alert").filter(has_text="Contrôle de conformité")
    expect(summary).to_contain_text("Bloquant")
    expect(summary).to_contain_text("Avertissement")
    amount_error = page.locator("#allowance_amount-err")
    expect(amount_error).to_contain_text("au-delà de la politique de l'employeur")
    expect(page.get_by_label("Montant de l'allocation")).to_have_attribute(
        "aria-describedby", re.compile("allowance_amount-err")
    )
    check_page(page, "a13-accord-violation")

    page.get_by_label("Jeudi après-midi", exact=True).select_option("thu_pm")
    page.get_by_label("Je confirme l'enregistrement malgré les avertissements").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(flash(page)).to_contain_text("enregistré (brouillon)")
    box = page.locator(".alert").filter(has_text="Contrôle de conformité")
    expect(box).to_contain_text("Allocation de 12,00 €")
    expect(box).to_contain_text("Politique de l'employeur")  # the basis of the warning
    expect(page.get_by_role("heading", level=1)).to_contain_text(full_name)
    check_page(page, "a14-accord-brouillon")

    # -- issue the amendment (the header's main action), then download it
    page.locator("header.agreement-head").get_by_role("button", name="Émettre l'avenant").click()
    expect(flash(page)).to_contain_text("émis et enregistré")
    amendment = page.locator("section.documents-panel").filter(
        has=page.get_by_role("heading", name="Avenant de télétravail")
    )
    expect(amendment).to_be_visible()  # the page opens on its Documents tab
    expect(amendment).to_contain_text("L'avenant est à jour")
    link = amendment.get_by_role("link", name=re.compile(r"^Télécharger \(PDF"))
    expect(link).to_have_count(1)
    check_page(page, "a15-accord-avenant-emis")
    page.get_by_role("tab", name="Modalités").click()
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "ecran-rh-accord.png"))  # docs/ : README « Aperçu »
    page.get_by_role("tab", name="Documents").click()

    data = download(page, link.click)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert full_name.search(text), text[:800]
    assert "télétravail" in text.casefold()


# --------------------------------------------------------------------------- (b) employee


def test_employee_on_a_phone_reads_downloads_and_acknowledges(open_page, check_page, live_server):
    """The employee, on a 390×844 phone, sees the agreement, downloads and acknowledges the
    amendment, and cannot reach anyone else's document (404) nor HR pages (403)."""
    me = live_server.run(
        seed_issued_amendment,
        "Inès",
        "Lefèvre",
        "ines.lefevre@example.test",
        21,
        "Chargée de communication interne",
    )
    other = live_server.run(
        seed_issued_amendment, "Bruno", "Bernardeau", "bruno.bernardeau@example.test", 28
    )
    name = re.compile(r"Inès\s+Lefèvre", re.IGNORECASE)
    page = open_page(phone=True)

    page.goto("/connexion")
    check_page(page, "b01-connexion-mobile")
    login(page, me["email"])
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon télétravail")
    card = page.locator("section.card").filter(has=page.locator(f"#agreement-{me['agreement_id']}"))
    expect(card).to_contain_text("Votre avenant a été émis")
    expect(card).to_contain_text("lundi (journée), mercredi (journée)")
    expect(card).to_contain_text("10,00 €")
    check_page(page, "b02-mon-espace-mobile")
    page.screenshot(path=str(SCREENSHOTS / "ecran-salarie-mobile.png"))
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"la page déborde de {overflow} px sur un téléphone"

    page.get_by_role("navigation", name="Mon espace").get_by_role(
        "link", name="Mes documents"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes documents")
    item = page.locator("li.card").filter(has_text=me["reference"])
    expect(item).to_contain_text("non confirmée")
    check_page(page, "b03-mes-documents-mobile")

    data = download(page, item.get_by_role("link", name=re.compile("Télécharger le PDF")).click)
    assert data.startswith(b"%PDF")
    assert name.search(pdf_text(data))

    item.get_by_role("button", name=re.compile("Accuser réception")).click()
    expect(flash(page)).to_contain_text(f"Réception du document {me['reference']} enregistrée")
    expect(item).to_contain_text("confirmée le")
    expect(item.get_by_role("button", name=re.compile("Accuser réception"))).to_have_count(0)
    check_page(page, "b04-accuse-reception-mobile")

    # Someone else's document: the same answer as a document that does not exist.
    response = page.goto(f"/documents/{other['document_id']}")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    check_page(page, "b05-document-d-un-autre-404")
    mine = page.request.get(f"/documents/{me['document_id']}")  # same cookies: mine is served
    assert mine.status == 200 and mine.body().startswith(b"%PDF")

    # HR pages, even about myself.
    for url in (
        "/salaries/",
        f"/salaries/{me['employee_id']}",
        f"/accords/{me['agreement_id']}",
        f"/documents/salaries/{me['employee_id']}",
        "/a-faire/",
    ):
        response = page.goto(url)
        assert response.status == 403, url
        expect(page.get_by_role("heading", level=1)).to_have_text("Accès interdit")
    check_page(page, "b06-page-rh-403")


# --------------------------------------------------------------------------- (c) reversibility


def test_employee_asks_to_end_telework_and_hr_issues_the_notice(open_page, check_page, live_server):
    """HR records the signatures and the start; the employee asks to end telework from the
    phone; HR issues the reversibility notice, which the employee then finds."""
    today = paris_today()
    me = live_server.run(
        seed_issued_amendment,
        "Hugo",
        "Bertrand",
        "hugo.bertrand@example.test",
        0,
        "Technicien support informatique",
    )
    name = re.compile(r"Hugo\s+Bertrand", re.IGNORECASE)
    agreement_url = f"/accords/{me['agreement_id']}"

    hr = open_page()
    login(hr, HR_EMAIL)
    hr.goto(agreement_url)
    check_page(hr, "c01-accord-avenant-emis")
    head = hr.locator("header.agreement-head")  # the next step is the header's main action
    head.get_by_role("link", name="Enregistrer les signatures").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Enregistrer les signatures")
    check_page(hr, "c02-signatures")
    hr.get_by_label("Date de signature du salarié").fill(fr(today))
    hr.get_by_label("Date de signature de l'employeur").fill(fr(today))
    hr.get_by_role("button", name="Enregistrer").click()
    expect(flash(hr)).to_contain_text("signé par les deux parties")

    head.get_by_role("link", name="Démarrer le télétravail").click()
    expect(hr.get_by_label("Premier jour de télétravail")).to_have_value(fr(today))
    check_page(hr, "c03-demarrage")
    hr.get_by_role("button", name="Enregistrer").click()
    expect(flash(hr)).to_contain_text("période d'adaptation")

    # The employee, on a phone, asks to end telework.
    phone = open_page(phone=True)
    login(phone, me["email"])
    phone.get_by_role("link", name="Demander la fin du télétravail").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Demander la fin du télétravail")
    earliest = today + timedelta(days=15)  # notice during the adaptation period
    # The phone's date picker (<input type="date">) holds the ISO value.
    expect(phone.get_by_label(re.compile("Date de fin souhaitée"))).to_have_value(
        earliest.isoformat())
    check_page(phone, "c04-demande-de-fin-mobile")
    phone.get_by_label("Motif (facultatif)").fill("Rapprochement du site après un déménagement.")
    dialogs: list[str] = []

    def confirm(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    phone.once("dialog", confirm)
    phone.get_by_role("button", name="Envoyer ma demande de fin").click()
    expect(flash(phone)).to_contain_text(f"fin effective le {fr(earliest)}")
    assert dialogs and "fin du télétravail" in dialogs[0]
    check_page(phone, "c05-fin-demandee-mobile")

    # HR issues the written notice and downloads it.
    hr.goto(agreement_url)
    hr.get_by_role("tab", name="Documents").click()
    notice = hr.locator("section.documents-panel").filter(
        has=hr.get_by_role("heading", name=re.compile("Notification de fin de télétravail"))
    )
    expect(notice).to_contain_text(fr(earliest))
    check_page(hr, "c06-accord-fin-notifiee")
    notice.get_by_role("button", name="Émettre la notification de fin de télétravail").click()
    expect(flash(hr)).to_contain_text("émise et enregistrée")
    link = notice.get_by_role("link", name=re.compile(r"^Télécharger \(PDF"))
    check_page(hr, "c07-notification-emise")
    data = download(hr, link.click)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert name.search(text), text[:800]
    assert fr(earliest) in text or earliest.strftime("%-d") in text

    # The employee finds it in « Mes documents ».
    phone.goto("/mon-espace/documents")
    expect(phone.locator("li.card").filter(has_text="fin de télétravail")).to_have_count(1)
    check_page(phone, "c08-mes-documents-notification-mobile")
