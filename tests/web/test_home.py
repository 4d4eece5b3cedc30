"""The HR home page at a glance: its figures agree with the planning, the observatory and the
to-do list, and each one links to the page that details it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hrtele.demo.loader import load_demo
from hrtele.domain import planning as dp
from hrtele.extensions import db
from hrtele.models import Absence, Agreement, Employee
from hrtele.observatory.services import compute_observatory
from hrtele.planning.services import Filters, compute_grid, today_at_a_glance, week_pattern
from hrtele.todo.services import sections
from tests.factories import make_agreement, make_employee, make_request, page_text

TODAY = date(2026, 10, 6)  # a Tuesday


def _figure(page: str, label: str) -> int:
    match = re.search(r'<span class="fig">([0-9 /]+)</span>\s*' + re.escape(label), page)
    assert match, label
    return int(match.group(1).split("/")[0].strip())


def _check_agreement(app, hr_client, today):
    """Home page figures == planning == observatory == to-do list, on the current data."""
    page = page_text(hr_client.get("/"))
    with app.app_context():
        everyone = compute_grid(Filters(), [today]).counts
        am, pm = everyone.get((today, "am"), dp.HalfDayCount()), everyone.get(
            (today, "pm"), dp.HalfDayCount())
        glance = today_at_a_glance(today)
        obs = compute_observatory(today)
        todo = {s.key: s.total for s in sections(today)}
        teleworking = {row.employee_id for row in compute_grid(Filters(), [today]).rows
                       if any(row.cells[(today, h)].is_telework for h in dp.HALVES)}
        active_teleworkers = set(db.session.scalars(
            select(Agreement.employee_id).where(Agreement.status.in_(("adaptation", "active",
                                                                      "ending")))))
    assert (glance.morning.on_site, glance.morning.telework, glance.morning.absent) == (
        am.on_site, am.telework, am.absent)
    assert (glance.afternoon.on_site, glance.afternoon.telework) == (pm.on_site, pm.telework)
    assert _figure(page, "sur site ce matin") == am.on_site
    assert _figure(page, "en télétravail ce matin") == am.telework
    assert _figure(page, "sur site cet après-midi") == pm.on_site
    assert _figure(page, "en télétravail cet après-midi") == pm.telework
    assert _figure(page, "télétravailleurs actifs") == obs.teleworkers
    assert _figure(page, "salariés actifs") == obs.employees
    assert _figure(page, "postes télétravaillables") == obs.eligible_posts
    assert _figure(page, "demandes en attente") == todo["demandes"]
    assert _figure(page, "avenants à émettre") == todo["avenants-a-emettre"]
    # Whoever teleworks today is an active teleworker in the observatory's sense.
    assert teleworking <= active_teleworkers
    assert len(glance.teleworkers) == len(teleworking)
    assert f'href="/planning/?date={today.isoformat()}"' in page
    for key, total in todo.items():
        if total:
            assert f'href="/a-faire/{key}"' in page
    return page


def test_home_figures_agree_on_a_small_world(app, frozen_today, hr_client):
    frozen_today(TODAY)
    with app.app_context():
        a = make_employee(first_name="Alice", last_name="Aubert")
        b = make_employee(first_name="Bruno", last_name="Bernard")
        c = make_employee(first_name="Chloé", last_name="Cros")
        make_employee(first_name="Denis", last_name="Dupuy", is_active=False)
        make_agreement(employee_id=a.id, status="active", weekly_pattern="00110000000000",
                       start_date=date(2026, 1, 5), adaptation_end_date=date(2026, 4, 5))
        make_agreement(employee_id=b.id, status="active", weekly_pattern="00100000000000",
                       start_date=date(2026, 1, 5), adaptation_end_date=date(2026, 4, 5))
        make_agreement(employee_id=c.id, status="draft", weekly_pattern="00110000000000",
                       start_date=TODAY + timedelta(days=30),
                       adaptation_end_date=TODAY + timedelta(days=120))
        make_request(request_date=TODAY - timedelta(days=45))
        db.session.add(Absence(employee_id=c.id, absence_date=TODAY))
        db.session.commit()
    page = _check_agreement(app, hr_client, TODAY)
    assert "Alice AUBERT — Domicile" in page and "Bruno BERNARD — Domicile" in page
    assert _figure(page, "en télétravail ce matin") == 2
    assert _figure(page, "en télétravail cet après-midi") == 1
    assert "urgent" in page  # the request waiting for 45 days


@pytest.mark.slow
def test_home_figures_agree_on_the_demo(app, frozen_today, hr_client):
    frozen_today(TODAY)
    with app.app_context():
        load_demo(TODAY)
        db.session.commit()
    _check_agreement(app, hr_client, TODAY)


@pytest.mark.slow
def test_demo_planning_shows_a_full_week_for_every_employee(app, frozen_today, hr_client):
    """Every active employee of the demo, every half-day of a week: the planning says what the
    agreements, absences and public holidays say (read here independently of the domain)."""
    frozen_today(TODAY)
    with app.app_context():
        load_demo(TODAY)
        db.session.commit()
        week = dp.week_days(TODAY)
        grid = compute_grid(Filters(), week)
        employees = set(db.session.scalars(select(Employee.id).where(Employee.is_active)))
        assert {r.employee_id for r in grid.rows} == employees
        absences = {(r.employee_id, r.absence_date) for r in db.session.execute(
            select(Absence.employee_id, Absence.absence_date))}
        working = dict(db.session.execute(select(Employee.id, Employee.working_pattern)).all())
        agreements: dict[int, list[Agreement]] = {}
        for a in db.session.scalars(select(Agreement)):
            agreements.setdefault(a.employee_id, []).append(a)
        teleworking_people = 0
        for row in grid.rows:
            teleworks = False
            for day in week:
                for half in dp.HALVES:
                    cell = row.cells[(day, half)]
                    slot = 2 * day.weekday() + (half == "pm")
                    if day in grid.holidays:
                        expected = dp.HOLIDAY
                    elif (working[row.employee_id] or "11111111110000")[slot] != "1":
                        expected = dp.OFF
                    elif (row.employee_id, day) in absences:
                        expected = dp.ABSENT
                    else:
                        expected = dp.OFFICE
                        for a in agreements.get(row.employee_id, []):
                            code = week_pattern(a.weekly_pattern)[slot]
                            if _in_force(a, day) and code != "0":
                                expected = dp.TELEWORK
                                assert cell.place_id == (a.place_id if code == "1"
                                                         else a.second_place_id)
                    assert cell.kind == expected, (row.name, day, half)
                    teleworks = teleworks or expected == dp.TELEWORK
            teleworking_people += teleworks
        assert teleworking_people >= 20  # the demo has a real telework population
    page = page_text(hr_client.get(f"/planning/?date={TODAY.isoformat()}"))
    assert "Télétravail — Domicile" in page and "Télétravail — Télécentre" in page


def _in_force(a: Agreement, day: date) -> bool:
    """Payroll's definition, restated: counted status, started, not ended, not suspended."""
    if a.status not in ("adaptation", "active", "suspended", "ending", "ended"):
        return False
    last = [d for d in (a.end_date,) if d] + (
        [a.ending_effective_date - timedelta(days=1)] if a.ending_effective_date else [])
    if day < a.start_date or (last and day > min(last)) or (a.status == "ended" and not last):
        return False
    if a.suspension_start_date and day >= a.suspension_start_date:
        if a.suspension_end_date:
            return day > a.suspension_end_date
        return a.status not in ("suspended", "ending", "ended")
    return True
