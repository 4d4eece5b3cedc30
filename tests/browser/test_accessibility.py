"""Accessibility and look in a real browser: keyboard-only use, visible focus, axe-core on the
main pages (desktop and phone), no page wider than a phone, help texts naming the rule."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import (
    ADMIN_EMAIL,
    HR_EMAIL,
    PASSWORD,
    login,
    seed_showcase,
)

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

# A help text that names the rule it applies: an article, the ANI, the employer's policy...
RULE = re.compile(r"C\. trav\.|L1222|ANI|politique de l'employeur|volontariat|délai de prévenance")

_LAYOUT = """() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  bareTables: Array.from(document.querySelectorAll('table'))
    .filter(t => !t.closest('.table-wrap') && t.scrollWidth > t.parentElement.clientWidth + 1)
    .map(t => t.className || t.outerHTML.slice(0, 80)),
})"""

_FOCUS_STYLE = """el => {
  const s = getComputedStyle(el);
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          shadow: s.boxShadow};
}"""

_HELP_OF = """el => (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
  .map(id => document.getElementById(id)).filter(Boolean)
  .map(node => node.textContent.trim()).join(' ')"""


@pytest.fixture(scope="module")
def showcase(live_server) -> dict:
    """Rows in every list: a pending and a refused request, agreements in several states."""
    return live_server.run(seed_showcase)


def hr_pages(s: dict) -> list[tuple[str, str]]:
    """(screenshot name, URL) of the HR pages checked."""
    running = s["running_agreement_id"]
    draft = s["draft_agreement_id"]
    return [
        ("accueil", "/"),
        ("a-faire", "/a-faire/"),
        ("demandes", "/demandes/"),
        ("demande-en-attente", f"/demandes/{s['pending_request_id']}"),
        ("demande-refusee", f"/demandes/{s['refused_request_id']}"),
        ("demande-nouvelle", "/demandes/nouveau"),
        ("accords", "/accords/"),
        ("accord-avertissement", f"/accords/{draft}"),
        ("accord-modifier", f"/accords/{draft}/modifier"),
        ("accord-en-cours", f"/accords/{running}"),
        ("suivi-accord", f"/suivi/accords/{running}"),
        ("suivi-notification-fin", f"/suivi/accords/{running}/notification-fin"),
        ("suivi-avenant-modificatif", f"/suivi/accords/{running}/avenant-modificatif"),
        ("suivi-attestations", f"/suivi/accords/{running}/attestations"),
        ("suivi-entretien", f"/suivi/accords/{running}/entretiens/nouveau"),
        ("suivi-equipement", f"/suivi/accords/{running}/equipements/nouveau"),
        ("suivi-priorite", "/suivi/priorite"),
        ("salaries", "/salaries/"),
        ("salarie", f"/salaries/{s['employee_id']}"),
        ("salarie-nouveau", "/salaries/nouveau"),
        ("salarie-documents", f"/documents/salaries/{s['employee_id']}"),
        ("postes", "/postes/"),
        ("poste", f"/postes/{s['post_id']}"),
        ("lieux", "/lieux/"),
        ("lieu-nouveau", "/lieux/nouveau"),
        ("indemnites", "/indemnites/"),
        ("plafonds-urssaf", "/indemnites/plafonds"),
        ("observatoire", "/observatoire/"),
        ("import", "/import/"),
        ("politique", "/politique/"),
        ("employeur", "/politique/employeur"),
        ("journal", "/journal/"),
        ("mon-compte", "/mon-compte"),
    ]


# Pages whose tables matter most on a phone.
PHONE_HR = {
    "a-faire",
    "demandes",
    "accords",
    "accord-en-cours",
    "salaries",
    "salarie",
    "postes",
    "lieux",
    "indemnites",
    "observatoire",
    "journal",
    "salarie-documents",
}


def visit(page, url: str) -> None:
    """Open a page that must exist (200)."""
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url} : HTTP {response.status}"


def assert_fits_a_phone(page) -> None:
    """Nothing wider than the screen: wide tables scroll inside their own .table-wrap."""
    layout = page.evaluate(_LAYOUT)
    assert layout["overflow"] <= 0, f"{page.url} déborde de {layout['overflow']} px"
    assert not layout["bareTables"], (
        f"{page.url} : tableaux hors .table-wrap {layout['bareTables']}"
    )


# --------------------------------------------------------------------------- keyboard, focus


def test_login_with_the_keyboard_only(open_page):
    """Tab, typing and Enter are enough to log in; the error is announced when it fails."""
    page = open_page()
    page.goto("/connexion")
    email = page.get_by_label("Adresse électronique")
    password = page.get_by_label("Mot de passe")
    expect(email).to_be_focused()  # autofocus
    page.keyboard.type(HR_EMAIL)
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type("pas-le-bon-mot-de-passe")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("mot de passe incorrect")

    expect(email).to_be_focused()  # the page is shown again, the address kept
    expect(email).to_have_value(HR_EMAIL)
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Se connecter")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord du télétravail")


def tab_until(page, predicate: str, limit: int = 60) -> None:
    """Press Tab until `predicate` (JS on document.activeElement) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate}); }}"):
            return
    raise AssertionError(f"{predicate} jamais atteint au clavier sur {page.url}")


def test_focus_is_always_visible(open_page):
    """The skip link appears on the first Tab and leads to the content; links and buttons
    focused with the keyboard show a clear focus ring."""
    page = open_page()
    login(page, HR_EMAIL)
    page.goto("/postes/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 20, box
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()

    for name, target in (
        ("lien", "el.matches('main a.btn')"),
        ("bouton", "el.tagName === 'BUTTON'"),
    ):
        tab_until(page, target)
        style = page.evaluate(f"() => ({_FOCUS_STYLE})(document.activeElement)")
        assert style["style"] != "none" and style["width"] >= 2, (name, style)
        assert style["shadow"] != "none", (name, style)  # the dark inner ring of the focus


# --------------------------------------------------------------------------- axe everywhere


def test_hr_pages_pass_axe_on_a_desktop(open_page, check_page, showcase):
    """Every main HR page: no serious or critical axe violation, a label on every field."""
    page = open_page()
    login(page, HR_EMAIL)
    for name, url in hr_pages(showcase):
        visit(page, url)
        check_page(page, f"rh-{name}")
    admin = open_page()
    login(admin, ADMIN_EMAIL)
    visit(admin, "/comptes/")
    check_page(admin, "admin-comptes")


def test_hr_pages_fit_a_phone(open_page, check_page, showcase):
    """On a 390 px phone the navigation wraps, the page never scrolls sideways, tables scroll
    inside their frame, and axe-core still finds nothing serious."""
    page = open_page(phone=True)
    login(page, HR_EMAIL)
    for name, url in hr_pages(showcase):
        if name not in PHONE_HR:
            continue
        visit(page, url)
        assert_fits_a_phone(page)
        check_page(page, f"rh-mobile-{name}")


def test_employee_pages_on_a_phone(open_page, check_page, showcase):
    """The employee's space on a phone: axe-core, labels, and nothing wider than the screen."""
    page = open_page(phone=True)
    login(page, showcase["employee_email"])
    for name, url in (
        ("mon-espace", "/mon-espace/"),
        ("mes-documents", "/mon-espace/documents"),
        ("demande", "/mon-espace/demande"),
        ("fin-du-teletravail", "/mon-espace/fin-du-teletravail"),
        ("mon-compte", "/mon-compte"),
    ):
        visit(page, url)
        assert_fits_a_phone(page)
        check_page(page, f"salarie-mobile-{name}")


# --------------------------------------------------------------------------- help texts


def test_help_texts_name_the_rule_beside_the_fields(open_page, showcase):
    """Fields ruled by the law, the ANI or the policy say so in the help text they point to."""
    running = showcase["running_agreement_id"]
    draft = showcase["draft_agreement_id"]
    expected = {
        "/postes/nouveau": ["is_eligible", "is_vacant"],
        "/salaries/nouveau": ["post_id", "contract_date"],
        "/demandes/nouveau": ["request_date", "wished_days"],
        "/lieux/nouveau": ["kind"],
        f"/accords/{draft}/modifier": [
            "place_id",
            "days_per_week",
            "adaptation_months",
            "notice_days_during_adaptation",
            "notice_days_after_adaptation",
            "contact_slots",
            "time_control",
            "equipment",
            "allowance_scheme",
            "electrical_statement_date",
            "annual_interview_due_date",
        ],
        f"/suivi/accords/{running}/notification-fin": [
            "initiative",
            "effective_date",
            "return_arrangements",
        ],
    }
    page = open_page()
    login(page, HR_EMAIL)
    missing = []
    for url, fields in expected.items():
        visit(page, url)
        for field_id in fields:
            control = page.locator(f"#{field_id}")
            expect(control).to_have_count(1)
            text = control.evaluate(_HELP_OF)
            if not RULE.search(text):
                missing.append(f"{url} #{field_id} : « {text} »")
    employee = open_page(phone=True)
    login(employee, showcase["employee_email"])
    visit(employee, "/mon-espace/fin-du-teletravail")
    text = employee.locator("#effective_date").evaluate(_HELP_OF)
    if not RULE.search(text):
        missing.append(f"/mon-espace/fin-du-teletravail #effective_date : « {text} »")
    assert not missing, "Aide sans la règle appliquée :\n" + "\n".join(missing)
