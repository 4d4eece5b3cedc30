"""HR refuses a request with a reason of the catalogue (desktop and phone), and edits the
catalogue; axe-core finds nothing serious on either page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import HR_EMAIL, login

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _pending_request() -> int:
    from tests.factories import make_employee, make_request

    employee = make_employee(last_name="Refusé", first_name="Paul")
    return make_request(employee_id=employee.id).id


def _stored(request_id: int) -> tuple[str, str | None, str]:
    from hrtele.extensions import db
    from hrtele.models import TeleworkRequest

    req = db.session.get(TeleworkRequest, request_id)
    return req.status, req.refusal_reason_label, req.refusal_reason


@pytest.mark.parametrize("phone", [False, True], ids=["bureau", "telephone"])
def test_hr_refuses_with_a_catalogue_reason(open_page, check_page, live_server, phone):
    request_id = live_server.run(_pending_request)
    page = open_page(phone=phone)
    login(page, HR_EMAIL)
    page.goto(f"/demandes/{request_id}")
    form = page.locator("form", has=page.get_by_role("button", name="Refuser la demande"))
    reason = form.get_by_label("Motif du refus")
    expect(reason).to_be_visible()
    # « Autre motif » without a precision: refused beside the field, nothing recorded.
    reason.select_option(label="Autre motif")
    form.get_by_role("button", name="Refuser la demande").click()
    expect(page.get_by_text("Précisez le motif du refus")).to_be_visible()
    assert live_server.run(_stored, request_id)[0] == "pending"
    check_page(page, f"r01-refus-erreur-{'telephone' if phone else 'bureau'}")
    form = page.locator("form", has=page.get_by_role("button", name="Refuser la demande"))
    form.get_by_label("Motif du refus").select_option(label="Organisation du service")
    form.get_by_label("Précision").fill("Accueil du public chaque matin")
    form.get_by_role("button", name="Refuser la demande").click()
    expect(page.get_by_text("Demande refusée.")).to_be_visible()
    expect(page.get_by_text("Organisation du service")).to_be_visible()
    assert live_server.run(_stored, request_id) == (
        "refused", "Organisation du service", "Accueil du public chaque matin")
    check_page(page, f"r02-refus-enregistre-{'telephone' if phone else 'bureau'}")


@pytest.mark.parametrize("phone", [False, True], ids=["bureau", "telephone"])
def test_hr_edits_the_catalogue(open_page, check_page, phone):
    page = open_page(phone=phone)
    login(page, HR_EMAIL)
    page.goto("/motifs-de-refus/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Motifs de refus")
    label = f"Poste en cours de réorganisation {'tél' if phone else 'bureau'}"
    page.get_by_label("Libellé").fill(label)
    # Enter submits the form (the scroller script may still move the table above the button).
    page.get_by_label("Libellé").press("Enter")
    expect(page.get_by_text(f"Motif « {label} » ajouté.")).to_be_visible()
    page.get_by_role("button", name=f"Désactiver {label}").click()
    expect(page.get_by_text("Motif désactivé")).to_be_visible()
    check_page(page, f"r03-catalogue-{'telephone' if phone else 'bureau'}")
