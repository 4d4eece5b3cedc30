"""Issue 13 in a real browser: dates typed on a phone, HR's invitation followed by the
employee's first log-in, and the employee's space (change and withdraw a request, home plus a
third place, each day's place, this week's days).

Every page goes through check_page: axe-core (nothing serious or critical), a label on every
field, and a screenshot in test-output/screenshots/.
"""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import count

import pytest

from tests.browser.conftest import (
    HR_EMAIL,
    SCREENSHOTS,
    fr,
    login,
    paris_today,
)

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

_seq = count(1)
TOKEN = re.compile(r"/invitation/([A-Za-z0-9_\-]{16,})")
NEW_PASSWORD = "Lavelanet-Ruisseau-Cerisier-73"


def flash(page):
    """The success / information messages of the page."""
    return page.locator(".flashes")


def no_overflow(page) -> None:
    """The page fits the phone's width (no horizontal scrolling)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"la page déborde de {overflow} px sur un téléphone"


def type_date(page, field, day) -> None:
    """Type a date digit by digit into an <input type="date">, as a thumb would.

    The picker shows its segments in the browser's order: day first on a French phone, month
    first in Debian's headless Chromium, whatever the page's language. A probe finds it out.
    """
    field.focus()
    page.keyboard.type("13")  # a day, never a month
    day_first = field.input_value().endswith("-13")
    field.evaluate("element => element.blur()")
    field.focus()  # back to the first segment
    digits = day.strftime("%d%m%Y" if day_first else "%m%d%Y")
    page.keyboard.type(digits)


# --------------------------------------------------------------------------- seeding


def _letters(n: int) -> str:
    """A name suffix without digits (names refuse them): 1 -> « Ab », 2 -> « Ac »…"""
    return "A" + "".join(chr(97 + int(d)) for d in str(n))


def seed_employee(n: int, *, account: bool = True, pattern: str = "11000022000000",
                  status: str = "active", pending: bool = False) -> dict:
    """An employee with a running agreement at home and at a télécentre (and a pending request)."""
    from hrtele.domain.dates import adaptation_end_date
    from tests.factories import (
        make_agreement,
        make_employee,
        make_place,
        make_post,
        make_request,
        make_user,
    )

    today = paris_today()
    post = make_post(code=f"ES-{n:02d}", title="Chargée de paie", department="Finances")
    email = f"agathe.rouzaud{n}@example.test"
    employee = make_employee(first_name="Agathe", last_name=f"Rouzaud-{_letters(n)}",
                             personnel_number=f"ES-{n:04d}", post_id=post.id, email=email,
                             home_address="5 rue des Forges\n09300 Lavelanet")
    home = make_place(employee_id=employee.id, address="5 rue des Forges, 09300 Lavelanet")
    third = make_place(kind="third_place", name=f"Télécentre Cap Delta {n}", employee_id=None,
                       address="2 avenue de l'Ariège, 09100 Pamiers",
                       third_place_type="telecentre", capacity=12)
    start = today - timedelta(days=120)
    agreement = make_agreement(employee_id=employee.id, place_id=home.id,
                               second_place_id=third.id, weekly_pattern=pattern, status=status,
                               start_date=start, adaptation_end_date=adaptation_end_date(start, 3),
                               amendment_version=1)
    request_id = None
    if pending:
        request_id = make_request(employee_id=employee.id, request_date=today - timedelta(days=2),
                                  wished_pattern="11110000000000").id
    if account:
        make_user(email, role="employee", employee_id=employee.id,
                  display_name=f"Agathe Rouzaud-{_letters(n)}")
    return {"employee_id": employee.id, "email": email, "agreement_id": agreement.id,
            "third_place_id": third.id, "third_name": third.name, "request_id": request_id}


def seed_issued_without_account(n: int) -> dict:
    """An employee without an account whose amendment was just issued (a real stored PDF)."""
    from hrtele.documents import services as documents
    from hrtele.domain.dates import adaptation_end_date
    from hrtele.extensions import db
    from hrtele.models import User
    from tests.factories import make_agreement, make_employee, make_place, make_post

    today = paris_today()
    post = make_post(code=f"INV-{n:02d}", title="Assistante de direction", department="Direction")
    email = f"lucie.marty{n}@example.test"
    employee = make_employee(first_name="Lucie", last_name=f"Marty-{_letters(n)}",
                             personnel_number=f"INV-{n:04d}", post_id=post.id, email=email,
                             home_address="3 place du Marché\n09000 Foix")
    home = make_place(employee_id=employee.id, address="3 place du Marché, 09000 Foix")
    start = today + timedelta(days=21)
    agreement = make_agreement(employee_id=employee.id, place_id=home.id, start_date=start,
                               adaptation_end_date=adaptation_end_date(start, 3),
                               insurance_received_date=today - timedelta(days=3),
                               electrical_statement_date=today - timedelta(days=3),
                               annual_interview_due_date=None)
    hr = db.session.query(User).filter_by(email=HR_EMAIL).one()
    document = documents.issue_amendment(agreement, hr, today)
    db.session.commit()
    return {"employee_id": employee.id, "email": email, "agreement_id": agreement.id,
            "reference": document.reference, "name": f"Lucie MARTY-{_letters(n).upper()}"}


# --------------------------------------------------------------------------- dates on a phone


def test_dates_typed_on_a_phone(open_page, check_page, live_server):
    """On a 390×844 screen: the employee picks the end date with the phone's date picker
    (typed digit by digit), and HR types a date with dots in a text date field."""
    n = next(_seq)
    me = live_server.run(seed_employee, n)
    today = paris_today()
    wished = today + timedelta(days=40)

    phone = open_page(phone=True)
    login(phone, me["email"])
    phone.get_by_role("link", name="Demander la fin du télétravail").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Demander la fin du télétravail")
    end = phone.get_by_label(re.compile("Date de fin souhaitée"))
    assert end.get_attribute("type") == "date"
    check_page(phone, "i13-01-date-fin-mobile")
    no_overflow(phone)
    # Typed as on a phone keyboard: day, month, year (the French picker's order).
    type_date(phone, end, wished)
    expect(end).to_have_value(wished.isoformat())
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Envoyer ma demande de fin").click()
    expect(flash(phone)).to_contain_text(f"fin effective le {fr(wished)}")
    check_page(phone, "i13-02-fin-demandee-mobile")

    # HR on a phone types 04.01.2019 in the hire date (a text field with the French hint).
    hr = open_page(phone=True)
    login(hr, HR_EMAIL)
    hr.goto(f"/salaries/{me['employee_id']}/modifier")
    hire = hr.get_by_label("Date d'embauche")
    hire.fill("31.02.2019")
    hr.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(hr.locator("#hire_date-err")).to_contain_text("Date impossible : le 31.02.2019 n'existe pas")
    check_page(hr, "i13-03-date-impossible-mobile")
    hr.get_by_label("Date d'embauche").fill("04.01.2019")
    hr.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(hr.locator("body")).to_contain_text("04/01/2019")
    no_overflow(hr)


# --------------------------------------------------------------------------- invitation


def test_hr_invites_and_the_employee_logs_in_for_the_first_time(
    open_page, check_page, live_server, smtp_server, monkeypatch
):
    """Right after the amendment is issued, HR is prompted to invite the employee; the link
    goes by e-mail only; the employee chooses a password on the phone and finds the amendment."""
    monkeypatch.setitem(live_server.app.config, "MAIL_SERVER", smtp_server.host)
    monkeypatch.setitem(live_server.app.config, "MAIL_PORT", smtp_server.port)
    smtp_server.clear()
    n = next(_seq)
    me = live_server.run(seed_issued_without_account, n)

    hr = open_page()
    login(hr, HR_EMAIL)
    hr.goto(f"/accords/{me['agreement_id']}")
    prompt = hr.locator(f"#espace-salarie-{me['employee_id']}")
    expect(prompt).to_contain_text(f"Inviter {me['name']} dans son espace")
    expect(prompt).to_contain_text("pas encore ouvert")
    check_page(hr, "i13-04-invitation-proposee")
    # The prompt sits in the Documents tab of the agreement page.
    hr.get_by_role("tab", name="Documents").click()
    prompt.get_by_role("button", name="Inviter le salarié dans son espace").click()
    expect(flash(hr)).to_contain_text(f"Invitation envoyée par courriel à {me['email']}")
    expect(prompt).to_contain_text("invitation envoyée, en attente")
    assert not TOKEN.search(hr.content()), "le lien d'invitation est affiché aux RH"
    check_page(hr, "i13-05-invitation-envoyee")
    hr.goto(f"/salaries/{me['employee_id']}")
    expect(hr.locator(f"#espace-salarie-{me['employee_id']}")).to_contain_text(
        "invitation envoyée, en attente")
    assert not TOKEN.search(hr.content())

    mails = [r.message() for r in smtp_server.received if me["email"] in r.rcpt_tos]
    assert len(mails) == 1
    link = TOKEN.search(mails[0].get_content())
    assert link

    phone = open_page(phone=True)
    phone.goto(f"/invitation/{link.group(1)}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Choisir votre mot de passe")
    check_page(phone, "i13-06-choisir-mot-de-passe-mobile")
    phone.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Confirmez le nouveau mot de passe").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(flash(phone)).to_contain_text("Mot de passe enregistré")
    login(phone, me["email"], NEW_PASSWORD)
    expect(phone).to_have_url(re.compile(r"/mon-espace/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mon télétravail")
    expect(phone.locator("body")).to_contain_text("Votre avenant a été émis")
    check_page(phone, "i13-07-premiere-connexion-mobile")
    no_overflow(phone)

    hr.reload()
    expect(hr.locator(f"#espace-salarie-{me['employee_id']}")).to_contain_text(
        "activé par le salarié")
    # The link works once.
    again = open_page(phone=True)
    assert again.goto(f"/invitation/{link.group(1)}").status == 404


# --------------------------------------------------------------------------- my space


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_employee_changes_then_withdraws_a_request(open_page, check_page, live_server, phone):
    """The employee sees this week and each day's place, changes the pending request to home
    plus a third place, then withdraws it."""
    n = next(_seq)
    me = live_server.run(seed_employee, n, pending=True)
    page = open_page(phone=phone)
    suffix = "mobile" if phone else "bureau"
    login(page, me["email"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon télétravail")
    week = page.locator("section.card").filter(has=page.get_by_role("heading", name=re.compile(
        "Cette semaine")))
    expect(week.locator("li")).not_to_have_count(0)
    expect(page.locator(".places-by-day")).to_contain_text("Lundi : domicile")
    expect(page.locator(".places-by-day")).to_contain_text(f"Jeudi : {me['third_name']}")
    check_page(page, f"i13-08-mon-espace-{suffix}")
    if phone:
        page.screenshot(path=str(SCREENSHOTS / "ecran-salarie-semaine-mobile.png"))  # docs/ (README)
        no_overflow(page)

    page.get_by_role("link", name="Modifier ma demande").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Modifier ma demande du")
    check_page(page, f"i13-09-modifier-demande-{suffix}")
    page.get_by_label("Mon domicile et un tiers-lieu").check()
    page.get_by_label("Tiers-lieu", exact=True).select_option(str(me["third_place_id"]))
    for slot, place in (("tue_am", ""), ("tue_pm", ""), ("thu_am", "thu_am:2"),
                        ("thu_pm", "thu_pm:2")):
        page.locator(f"#wished_pattern-{slot}").select_option(place)
    page.get_by_role("button", name="Enregistrer les changements").click()
    expect(flash(page)).to_contain_text("est modifiée")
    request_card = page.locator("li.card").first  # newest first: the pending request
    expect(request_card).to_contain_text(f"jeudi (journée, {me['third_name']})")
    check_page(page, f"i13-10-demande-modifiee-{suffix}")

    dialogs: list[str] = []

    def confirm(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", confirm)
    page.get_by_role("button", name="Retirer ma demande").click()
    expect(flash(page)).to_contain_text("est retirée")
    assert dialogs and "Retirer votre demande du" in dialogs[0]
    expect(page.get_by_role("button", name="Retirer ma demande")).to_have_count(0)
    check_page(page, f"i13-11-demande-retiree-{suffix}")
    if phone:
        no_overflow(page)


def test_a_wrong_place_choice_is_explained(open_page, check_page, live_server):
    """Half-days at the third place with « home only » chosen: a French message, nothing saved."""
    n = next(_seq)
    me = live_server.run(seed_employee, n, pending=True)
    page = open_page(phone=True)
    login(page, me["email"])
    page.goto(f"/mon-espace/demande/{me['request_id']}/modifier")
    page.locator("#wished_pattern-mon_am").select_option("mon_am:2")
    page.get_by_role("button", name="Enregistrer les changements").click()
    expect(page.locator("#pattern-err")).to_contain_text("domicile seulement")
    check_page(page, "i13-12-lieu-incoherent-mobile")
