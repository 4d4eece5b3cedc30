"""Lists in a real browser (issue 13 item 4), on a desktop and on a phone: HR sorts the
agreements by a column, filters them, exports the filtered list as CSV (the download is
read back), and selects rows for a campaign; axe-core finds nothing serious on the way."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest

from tests.browser.conftest import HR_EMAIL, download, login

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _seed(tag: str) -> dict[str, int]:
    """Three agreements of one new department (names unique to this test run)."""
    from tests.factories import make_agreement, make_employee, make_post

    department = f"Service {tag}"
    post = make_post(department=department, title=f"Analyste {tag}")
    other = make_post(department=f"Autre {tag}", title=f"Gestionnaire {tag}")
    ids = {}
    for last, first, post_id, pattern, start in (
        ("Aubert", "Inès", post.id, "11000000000000", date(2027, 3, 1)),
        ("Weber", "Paul", post.id, "00110000000000", date(2027, 2, 1)),
        ("Martel", "Lou", other.id, "11000000000000", date(2027, 1, 4)),
    ):
        employee = make_employee(last_name=f"{last}{tag}", first_name=first, post_id=post_id)
        ids[first] = make_agreement(employee_id=employee.id, weekly_pattern=pattern,
                                    days_per_week=Decimal("1"), start_date=start).id
    return ids


@pytest.mark.parametrize("phone", [False, True], ids=["bureau", "telephone"])
def test_sort_filter_export_and_select_agreements(open_page, check_page, live_server, phone):
    tag = "Tel" if phone else "Bur"
    live_server.run(_seed, tag)
    page = open_page(phone=phone)
    login(page, HR_EMAIL)
    page.goto("/accords/")
    check_page(page, f"l01-accords-{tag}")
    # Nothing wider than the screen: the table scrolls inside its frame.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    # Filter: the department of the seeded agreements, through the filter form.
    page.get_by_label("Service", exact=True).select_option(f"Service {tag}")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(rf"[?&]department=Service\+{tag}(&|$)"))
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(2)
    # Sort: by employee, ascending then descending; the filter stays in the URL.
    header = page.locator("table.list thead th", has_text="Salarié")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert "department=Service" in page.url and "sort=employee" in page.url
    expect(rows.first).to_contain_text(f"Inès AUBERT{tag.upper()}")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows.first).to_contain_text(f"Paul WEBER{tag.upper()}")
    check_page(page, f"l02-accords-tries-filtres-{tag}")

    # Export: the CSV holds the filtered list in the same order (French convention).
    data = download(page, lambda: page.get_by_role("link", name="CSV").click())
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    names = [row[table[0].index("Salarié")] for row in table[1:]]
    assert names == [f"Paul WEBER{tag.upper()}", f"Inès AUBERT{tag.upper()}"]

    # Selection: « select all on the page » ticks both rows, then the campaign is simulated.
    page.get_by_label("Sélectionner tous les accords de la page").check()
    expect(page.locator('input[name="agreement_id"]:checked')).to_have_count(2)
    page.get_by_label("Campagne", exact=True).select_option("amendment")
    page.get_by_role("button", name="Simuler la campagne sur la sélection").click()
    expect(page.get_by_role("heading", name="Simulation")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Sélection de la liste des accords (2)")
    check_page(page, f"l03-campagne-selection-{tag}")
