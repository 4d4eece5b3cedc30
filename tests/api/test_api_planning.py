"""/api/v1/planning: the same half-days as the Planning screen, paginated, read scope only."""

from __future__ import annotations

from datetime import date

import pytest

from hrtele import clock
from hrtele.planning.services import Filters, compute_grid
from tests.api.conftest import problem_of


def _row(body: dict, personnel_number: str) -> dict:
    return next(r for r in body["items"] if r["personnel_number"] == personnel_number)


def test_a_week_of_the_seeded_employee(app, api, seeded):
    response = api.get("/api/v1/planning?start=2026-03-02&days=7", as_="read")
    assert response.status_code == 200, response.data[:500]
    body = response.get_json()
    assert (body["start"], body["end"]) == ("2026-03-02", "2026-03-08")
    row = _row(body, seeded.personnel_number)
    assert (row["first_name"], row["last_name"]) == ("Léa", "Fontaine")
    cells = {(c["date"], c["half"]): c for c in row["half_days"]}
    assert len(row["half_days"]) == 14
    # The agreement's pattern: Monday and Wednesday at home, the rest on site, weekend off.
    assert cells[("2026-03-02", "am")] == {"date": "2026-03-02", "half": "am", "kind": "telework",
                                          "place_id": seeded.place_id, "changed": False}
    assert cells[("2026-03-04", "pm")]["kind"] == "telework"
    assert cells[("2026-03-03", "am")] == {"date": "2026-03-03", "half": "am", "kind": "office",
                                          "place_id": None, "changed": False}
    assert cells[("2026-03-07", "am")]["kind"] == "off"


def test_the_api_and_the_screen_agree(app, api, seeded):
    days = [date(2026, 3, d) for d in range(2, 9)]
    with app.app_context():
        grid = compute_grid(Filters(), days)
        screen = {(row.personnel_number, d.isoformat(), h): cell.kind
                  for row in grid.rows for (d, h), cell in row.cells.items()}
    body = api.get("/api/v1/planning?start=2026-03-02&days=7&per_page=200", as_="read").get_json()
    served = {(row["personnel_number"], c["date"], c["half"]): c["kind"]
              for row in body["items"] for c in row["half_days"]}
    assert served == screen


def test_default_period_is_this_week(app, api, seeded):
    with clock.freeze(date(2026, 3, 5)):  # a Thursday
        body = api.get("/api/v1/planning", as_="read").get_json()
    assert (body["start"], body["end"]) == ("2026-03-02", "2026-03-08")


def test_filters_and_pages(app, api, seeded):
    none = api.get("/api/v1/planning?department=Aucun-service", as_="read").get_json()
    assert none["total"] == 0 and none["items"] == []
    with_agreement = api.get("/api/v1/planning?start=2026-03-02&with_agreement=true",
                             as_="read").get_json()
    assert [r["personnel_number"] for r in with_agreement["items"]] == [seeded.personnel_number]
    by_place = api.get(f"/api/v1/planning?start=2026-03-02&place_id={seeded.place_id}",
                       as_="read").get_json()
    assert by_place["total"] == 1


@pytest.mark.parametrize("query", ["days=0", "days=32", "start=2026-02-30", "start=demain",
                                   "start=1999-12-31", "team_id=abc", "with_agreement=peut-etre"])
def test_bad_parameters_are_422_problems(api, seeded, query):
    response = api.get(f"/api/v1/planning?{query}", as_="read")
    assert response.status_code == 422
    assert problem_of(response)["detail"]


@pytest.mark.parametrize("as_", ["write", "payroll"])
def test_planning_needs_the_read_scope(api, seeded, as_):
    assert api.get("/api/v1/planning", as_=as_).status_code == 403
