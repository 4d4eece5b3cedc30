"""Issue 13 polish: favicon, month navigation edges, audit labels, place labels, plurals."""

from __future__ import annotations

import re
from datetime import date

import pytest

from hrtele.audit.fields import AUDIT_FIELDS, actor_label
from hrtele.web.filters import plural_fr
from hrtele.web.labels import place_label
from tests.factories import make_employee, page_text


def test_favicon_is_served_and_linked(app, client, hr_client):
    response = client.get("/favicon.ico")  # the browser asks for it on its own, logged in or not
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml" and b"<svg" in response.data
    with client.get("/static/favicon.svg") as static:
        assert static.status_code == 200
    page = hr_client.get("/demandes/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


def _links(html: str, rel: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(rf'<a href="([^"]+)" rel="{rel}"', html)]


@pytest.mark.parametrize(("month", "prev", "next_"), [
    ("2000-01", False, True),
    ("2100-12", True, False),
    ("2026-06", True, True),
])
def test_allowance_months_stop_at_the_edges(hr_client, month, prev, next_):
    html = hr_client.get(f"/indemnites/?mois={month}").get_data(as_text=True)
    assert bool(_links(html, "prev")) is prev and bool(_links(html, "next")) is next_
    for link in _links(html, "prev") + _links(html, "next"):
        assert hr_client.get(link).status_code == 200, link


@pytest.mark.parametrize(("day", "view", "prev", "next_"), [
    ("2000-01-03", "", False, True),
    ("2100-12-27", "", True, False),
    ("2000-01-15", "mois", False, True),
    ("2100-12-15", "mois", True, False),
])
def test_planning_stops_at_the_edges(hr_client, day, view, prev, next_):
    html = hr_client.get(f"/planning/?date={day}&vue={view}").get_data(as_text=True)
    assert bool(_links(html, "prev")) is prev and bool(_links(html, "next")) is next_
    for link in _links(html, "prev") + _links(html, "next"):
        assert hr_client.get(link).status_code == 200, link


def test_every_column_has_a_french_audit_label():
    from hrtele.models import Base

    columns = {c.name for t in Base.metadata.sorted_tables for c in t.columns}
    assert columns - set(AUDIT_FIELDS) == set()
    assert all(label and label[0].isupper() for label in AUDIT_FIELDS.values())


def test_audit_trail_shows_french_keys_and_system_author(app, hr_client):
    from hrtele.audit.service import record
    from hrtele.extensions import db

    with app.app_context():
        employee = make_employee()
        db.session.add(record("update", "employees", employee.id, None,
                              {"last_name": ["DUPONT", "DURAND"], "commute_km": [3, 5]}))
        db.session.commit()
    text = page_text(hr_client.get("/journal/"))
    assert "Nom</strong> : DUPONT → DURAND" in text
    assert "Distance domicile-travail (km)</strong>" in text
    assert "last_name" not in text and "commute_km" not in text
    assert "anonyme" not in text and "système" in text


@pytest.mark.parametrize(("label", "actor_id", "shown"), [
    ("anonyme", None, "système"),  # entries written before this change keep their bytes
    ("", None, "système"),
    ("rh@example.test", 3, "rh@example.test"),
])
def test_actor_label(label, actor_id, shown):
    assert actor_label(label, actor_id) == shown


@pytest.mark.parametrize(("kind", "name", "expected"), [
    ("home", "Domicile", "Domicile"),
    ("home", " domicile ", "Domicile"),
    ("home", "", "Domicile"),
    ("home", "Maison de campagne", "Domicile — Maison de campagne"),
    ("third_place", "La Ruche", "Tiers-lieu — La Ruche"),
])
def test_place_label(kind, name, expected):
    assert place_label(kind, name) == expected


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0 jour"), (1, "1 jour"), (1.5, "1,5 jour"), (2, "2 jours"), (12, "12 jours"),
    ("2.5", "2,5 jours"), ("1", "1 jour"), (None, "0 jour"), ("n/a", "n/a jours"),
])
def test_plural_fr(app, n, expected):
    with app.test_request_context():
        assert plural_fr("%(num)s jour", "%(num)s jours", n) == expected


def test_request_page_counts_days_with_plurals(app, hr_client):
    from tests.factories import make_request

    with app.app_context():
        request_id = make_request(request_date=date(2026, 9, 1)).id
    text = page_text(hr_client.get(f"/demandes/{request_id}"))
    assert "jour(s)" not in text and re.search(r"\d+ jours?<", text)
