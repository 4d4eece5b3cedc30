"""Planning and notifications in a real browser (desktop and 390x844 phone): the HR home page at a
glance, the planning grid and its filters, a day moved from the employee's phone and approved by
HR, the bell and the notifications page, the calendar address. Every page goes through
check_page (axe-core, labels, screenshot)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from itertools import count

import pytest

from tests.browser.conftest import HR_EMAIL, download, login, paris_today

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

_seq = count(1)


def _next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def seed_teleworker(n: int) -> dict:
    """An employee with an account, in team « Paie n », teleworking Monday and Wednesday."""
    from hrtele.extensions import db
    from hrtele.models import Team
    from tests.factories import make_agreement, make_employee, make_post, make_user

    today = paris_today()
    team = Team(name=f"Paie {n}", min_on_site=2)
    db.session.add(team)
    db.session.commit()
    post = make_post(code=f"PL-{n:02d}", title="Gestionnaire paie", department=f"Paie {n}")
    employee = make_employee(first_name="Inès", last_name=f"Rivière{n}", post_id=post.id,
                             team_id=team.id, email=f"ines.riviere{n}@example.test")
    colleague = make_employee(first_name="Hugo", last_name=f"Pons{n}", post_id=post.id,
                              team_id=team.id)
    make_user(employee.email, role="employee", employee_id=employee.id,
              display_name=f"Inès Rivière{n}")
    for person in (employee, colleague):
        make_agreement(employee_id=person.id, status="active", weekly_pattern="11001100000000",
                       start_date=today - timedelta(days=200),
                       adaptation_end_date=today - timedelta(days=110))
    return {"email": employee.email, "name": f"Inès RIVIÈRE{n}", "team_id": team.id,
            "department": f"Paie {n}"}


def test_hr_home_and_planning_grid(open_page, check_page, live_server):
    n = next(_seq)
    seeded = live_server.run(seed_teleworker, 40 + n)
    page = open_page()
    login(page, HR_EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord du télétravail")
    expect(page.get_by_role("heading", name="Qui télétravaille aujourd'hui")).to_be_visible()
    expect(page.locator("ul.figures").first).to_contain_text("sur site ce matin")
    check_page(page, "p01-accueil-rh-en-un-coup-d-oeil")

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Planning").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planning — Semaine du")
    page.get_by_label("Service").select_option(seeded["department"])
    page.get_by_role("button", name="Filtrer").click()
    grid = page.get_by_role("region", name="Grille du planning")
    expect(grid).to_contain_text(seeded["name"])
    expect(grid.locator("tbody tr")).to_have_count(2)
    expect(grid).to_contain_text("Équipe Paie")  # the team's on-site line under the minimum
    check_page(page, "p02-planning-semaine")
    data = download(page, lambda: page.get_by_role("link", name="Exporter en CSV").click())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Matricule", "Nom"] and any(r[1] == seeded["name"] for r in rows)
    page.get_by_role("link", name="Vue mois").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(paris_today().year))
    check_page(page, "p03-planning-mois")
    page.get_by_role("link", name="Équipes et minimums sur site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Équipes et minimums sur site")
    check_page(page, "p04-equipes")


def test_day_moved_on_a_phone_approved_by_hr_with_notifications(open_page, check_page,
                                                                 live_server):
    n = next(_seq)
    seeded = live_server.run(seed_teleworker, n)
    monday = _next_monday(paris_today())

    phone = open_page(phone=True)
    login(phone, seeded["email"])
    phone.get_by_role("navigation", name="Mon espace").get_by_role("link", name="Mes jours").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mes jours")
    check_page(phone, "p05-mes-jours-telephone")
    phone.get_by_label("Déplacer le télétravail à un autre jour de la même semaine").check()
    # The phone's date picker (<input type="date">) takes ISO values.
    phone.get_by_label("Jour de télétravail concerné").fill(monday.isoformat())
    phone.get_by_label("Nouveau jour (pour un déplacement)").fill(
        (monday + timedelta(days=1)).isoformat())
    phone.get_by_label("Motif (facultatif)").fill("Formation le lundi")
    phone.get_by_role("button", name="Envoyer la demande").click()
    expect(phone.locator(".flashes")).to_contain_text("Demande de changement envoyée")
    expect(phone.locator("ul.my-changes")).to_contain_text("en attente")

    desk = open_page()
    login(desk, HR_EMAIL)
    bell = desk.locator("a.bell")
    expect(bell).to_contain_text("non lue")
    bell.click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Mes notifications")
    expect(desk.locator("ul.notifications")).to_contain_text(
        f"Changement de jour demandé par {seeded['name']}")
    check_page(desk, "p06-notifications-rh")
    desk.get_by_role("button", name=f"Changement de jour demandé par {seeded['name']}").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Changements de jour à traiter")
    card = desk.locator("section.card", has_text=seeded["name"])
    check_page(desk, "p07-changements-a-traiter")
    card.get_by_role("button", name="Accepter").click()
    expect(desk.locator(".flashes")).to_contain_text("Changement accepté")
    desk.goto(f"/planning/?date={monday.isoformat()}&departement={seeded['department']}")
    row = desk.locator("tbody tr", has_text=seeded["name"])
    expect(row).to_contain_text("Télétravail — Domicile (changement ponctuel)")
    expect(row).to_contain_text("Sur site (changement ponctuel)")

    phone.reload()
    expect(phone.locator("a.bell .bell-count")).to_have_text("1")
    phone.locator("a.bell").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mes notifications")
    check_page(phone, "p08-notifications-telephone")
    phone.get_by_role("button", name="Changement de jour accepté").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mes jours")
    expect(phone.locator("ul.my-changes")).to_contain_text("accepté")
    expect(phone.locator("a.bell .bell-count")).to_have_text("0")
    # The calendar address is shown once and works without a session.
    phone.get_by_role("button", name="Créer l'adresse de mon calendrier").click()
    address = phone.locator("code.feed-url").inner_text()
    check_page(phone, "p09-mon-calendrier")
    feed = phone.request.get(address)
    assert feed.status == 200 and b"TRANSP:TRANSPARENT" in feed.body()
    from icalendar import Calendar

    uids = {str(e["uid"]) for e in Calendar.from_ical(feed.body()).walk("VEVENT")}
    assert not any(f"-{monday.isoformat()}-" in uid for uid in uids)  # moved away
    assert any(f"-{(monday + timedelta(days=1)).isoformat()}-am@" in uid for uid in uids)
    # The preference: in the app only.
    phone.goto("/notifications/")
    phone.get_by_label("Dans l'application seulement").check()
    phone.get_by_role("button", name="Enregistrer ma préférence").click()
    expect(phone.locator(".flashes")).to_contain_text("Votre préférence est enregistrée.")
    expect(phone.get_by_label("Dans l'application seulement")).to_be_checked()


def test_planning_on_a_phone(open_page, check_page, live_server):
    n = next(_seq)
    seeded = live_server.run(seed_teleworker, 80 + n)
    page = open_page(phone=True)
    login(page, HR_EMAIL)
    page.goto(f"/planning/?departement={seeded['department']}")
    grid = page.get_by_role("region", name="Grille du planning")
    expect(grid).to_contain_text(seeded["name"])
    # The grid scrolls inside its own box; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    check_page(page, "p10-planning-telephone")
