"""Planning: the grid against the agreements, head-counts, team minimums, third places, filters,
access (HR everything, a manager their team read-only), CSV and PDF exports, bad input."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from hrtele.domain import planning as dp
from hrtele.extensions import db
from hrtele.models import Agreement, Employee, Team
from hrtele.planning.services import Filters, compute_grid, week_pattern
from tests.conftest import login
from tests.factories import (
    make_agreement,
    make_employee,
    make_place,
    make_post,
    make_user,
    page_text,
)

TODAY = date(2026, 10, 7)  # Wednesday
MONDAY = date(2026, 10, 5)
WEEK = dp.week_days(MONDAY)
MANAGER = "manon.chef@example.test"
PLAIN = "paul.salarie@example.test"


@pytest.fixture
def world(app, frozen_today):
    """Finances (team Compta, min 2 on site) and Accueil; a third place with one seat."""
    frozen_today(TODAY)
    with app.app_context():
        finances = make_post(department="Finances")
        accueil = make_post(department="Accueil")
        centre = make_place(kind="third_place", name="Télécentre Cap Delta", capacity=1,
                            third_place_type="telecentre", employee_id=None)
        team = Team(name="Compta", department="Finances", min_on_site=2)
        db.session.add(team)
        db.session.commit()
        boss = make_employee(first_name="Manon", last_name="Chef", post_id=accueil.id)
        make_user(MANAGER, role="employee", employee_id=boss.id)

        def person(first, last, post, **kw):
            return make_employee(first_name=first, last_name=last, post_id=post.id, **kw)

        alice = person("Alice", "Aubert", finances, team_id=team.id, manager_id=boss.id)
        bruno = person("Bruno", "Bernard", finances, team_id=team.id, manager_id=boss.id)
        chloe = person("Chloé", "Cros", accueil)
        denis = person("Denis", "Dupuy", accueil)
        make_user(PLAIN, role="employee", employee_id=chloe.id)
        start = date(2026, 1, 5)
        common = dict(status="active", start_date=start, adaptation_end_date=date(2026, 4, 5),
                      allowance_scheme="per_day", allowance_amount=2)
        make_agreement(employee_id=alice.id, weekly_pattern="11001100000000", **common)
        make_agreement(employee_id=bruno.id, weekly_pattern="00110000000000", place_id=centre.id,
                       **common)
        make_agreement(employee_id=denis.id, weekly_pattern="00110000010000", place_id=centre.id,
                       **common)
        from hrtele.models import Absence

        db.session.add(Absence(employee_id=chloe.id, absence_date=MONDAY + timedelta(days=3)))
        db.session.commit()
        return {"alice": alice.id, "bruno": bruno.id, "chloe": chloe.id, "denis": denis.id,
                "boss": boss.id, "team": team.id, "centre": centre.id}


def _client(app, email):
    c = app.test_client()
    assert login(c, email).status_code == 302
    return c


def expected_kind(pattern: str, day: date, half: str) -> str:
    """Independent reading of a stored (Monday-to-Friday) pattern."""
    if day.weekday() >= 5:
        return dp.OFF
    return dp.TELEWORK if pattern[2 * day.weekday() + (half == "pm")] == "1" else dp.OFFICE


def test_grid_matches_the_agreements(app, world):
    with app.app_context():
        grid = compute_grid(Filters(), WEEK)
        patterns = {r[0]: r[1] for r in db.session.execute(
            select(Agreement.employee_id, Agreement.weekly_pattern)).all()}
        assert {r.employee_id for r in grid.rows} == {
            world[k] for k in ("alice", "bruno", "chloe", "denis", "boss")}
        for row in grid.rows:
            for (day, half), cell in row.cells.items():
                if row.employee_id == world["chloe"] and day == MONDAY + timedelta(days=3):
                    assert cell.kind == dp.ABSENT
                    continue
                assert cell.kind == expected_kind(patterns.get(row.employee_id, "0" * 10),
                                                  day, half), (row.name, day, half)
        bruno = next(r for r in grid.rows if r.employee_id == world["bruno"])
        assert bruno.cells[(MONDAY + timedelta(days=1), "am")].place_id == world["centre"]


def test_head_counts_team_minimum_and_third_place(app, world, hr_client):
    with app.app_context():
        grid = compute_grid(Filters(), WEEK)
        tuesday = MONDAY + timedelta(days=1)
        assert grid.counts[(MONDAY, "am")].on_site == 4  # all but Alice
        assert grid.counts[(tuesday, "am")].telework == 2
        [compta] = grid.teams
        assert compta.on_site[(MONDAY, "am")] == 1 and compta.short((MONDAY, "am"))
        assert not compta.short((MONDAY + timedelta(days=3), "am"))
        assert not compta.short((MONDAY + timedelta(days=5), "am"))  # Saturday is not checked
        [centre] = grid.third_places
        assert centre.used[(tuesday, "am")] == 2 and centre.over((tuesday, "am"))
        assert centre.used[(MONDAY + timedelta(days=4), "pm")] == 1
    page = page_text(hr_client.get("/planning/?date=2026-10-05"))
    assert "Semaine du 05/10/2026 au 11/10/2026" in page
    assert "Équipe Compta sur site (minimum 2)" in page and "sous le minimum" in page
    assert "Télécentre Cap Delta (1 places)" in page and "au-delà des places" in page
    assert "Télétravail — Télécentre Cap Delta" in page and "Télétravail — Domicile" in page
    assert "Absent" in page


def test_month_view_and_navigation(app, world, hr_client):
    page = page_text(hr_client.get("/planning/?date=2026-10-05&vue=mois"))
    assert "octobre 2026" in page and "sam. 31/10" in page
    assert "Semaine suivante" not in page and "Mois suivant" in page
    assert "date=2026-11-01" in page


@pytest.mark.parametrize(("query", "present", "absent"), [
    ("departement=Finances", ["Alice AUBERT", "Bruno BERNARD"], ["Chloé CROS", "Manon CHEF"]),
    ("equipe={team}", ["Alice AUBERT", "Bruno BERNARD"], ["Denis DUPUY"]),
    ("lieu={centre}", ["Bruno BERNARD", "Denis DUPUY"], ["Alice AUBERT", "Chloé CROS"]),
    ("responsable={boss}", ["Alice AUBERT", "Bruno BERNARD"], ["Denis DUPUY", "Chloé CROS"]),
])
def test_filters(app, world, hr_client, query, present, absent):
    page = page_text(hr_client.get("/planning/?date=2026-10-05&" + query.format(**world)))
    grid_part = page.split("<tbody>", 1)[1]
    for name in present:
        assert name in grid_part, name
    for name in absent:
        assert name not in grid_part, name


def test_manager_sees_only_their_team_read_only(app, world):
    manager = _client(app, MANAGER)
    assert "Planning de mon équipe" in page_text(manager.get("/mon-espace/"))
    page = page_text(manager.get("/planning/?date=2026-10-05&departement=Accueil"))
    grid_part = page.split("<tbody>", 1)[1]
    assert "Alice AUBERT" in grid_part and "Bruno BERNARD" in grid_part
    assert "Denis DUPUY" not in grid_part and "Chloé CROS" not in grid_part
    assert "consultation seulement" in page and 'name="departement"' not in page
    assert manager.get("/planning/equipes").status_code == 403
    assert manager.get("/planning/calendriers").status_code == 403
    rows = list(csv.reader(io.StringIO(
        manager.get("/planning/export.csv").get_data().decode("utf-8-sig")), delimiter=";"))
    assert sorted(r[1] for r in rows[1:-2]) == ["Alice AUBERT", "Bruno BERNARD"]
    employee = _client(app, PLAIN)
    assert employee.get("/planning/").status_code == 403
    assert "Planning de mon équipe" not in page_text(employee.get("/mon-espace/"))


def test_csv_export(app, world, hr_client):
    response = hr_client.get("/planning/export.csv?date=2026-10-05&departement=Finances")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Matricule", "Nom", "Service", "Équipe", "lun. 05/10 matin"]
    assert len(rows[0]) == 4 + 14
    alice = next(r for r in rows if r[1] == "Alice AUBERT")
    assert alice[3] == "Compta"
    assert alice[4:8] == ["Télétravail — Domicile", "Télétravail — Domicile", "Sur site",
                          "Sur site"]
    assert alice[-1] == "Non travaillé"
    assert rows[-2][1] == "Sur site (effectif)" and rows[-2][4] == "1"


def test_pdf_export_reads_back(app, world, hr_client):
    from pypdf import PdfReader

    response = hr_client.get("/planning/export.pdf?date=2026-10-05")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    text = re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))
    assert "Planning du télétravail" in text and "Semaine du 05/10/2026" in text
    for name in ("Alice AUBERT", "Bruno BERNARD", "Télécentre Cap Delta"):
        assert name in text, name


@pytest.mark.parametrize("query", [
    "date=2026-02-30", "date=nimporte", "date=9999-01-01", "equipe=abc", "lieu=-1",
    "responsable=99999999999", "vue=annee", "page=0", "departement=" + "x" * 500,
])
def test_bad_input_never_fails(app, world, hr_client, query):
    response = hr_client.get("/planning/?" + query)
    assert response.status_code == 200
    assert hr_client.get("/planning/export.csv?" + query).status_code == 200


def test_teams_page_sets_minimum_and_members(app, world, hr_client):
    team_id = world["team"]
    assert hr_client.post(f"/planning/equipes/{team_id}",
                          data={"action": "minimum", "min_on_site": "-3"}).status_code == 302
    with app.app_context():
        assert db.session.get(Team, team_id).min_on_site == 2
    hr_client.post(f"/planning/equipes/{team_id}", data={"action": "minimum", "min_on_site": "1"})
    with app.app_context():
        assert db.session.get(Team, team_id).min_on_site == 1
        number = db.session.get(Employee, world["denis"]).personnel_number
    hr_client.post(f"/planning/equipes/{team_id}", data={"action": "add",
                                                         "personnel_number": number})
    hr_client.post(f"/planning/equipes/{team_id}", data={"action": "add",
                                                         "personnel_number": "INCONNU"})
    page = page_text(hr_client.get(f"/planning/equipes/{team_id}"))
    assert "Denis DUPUY" in page and "Aucun salarié avec le matricule « INCONNU »" in page
    hr_client.post(f"/planning/equipes/{team_id}", data={"action": "remove",
                                                         "employee_id": world["denis"]})
    with app.app_context():
        assert db.session.get(Employee, world["denis"]).team_id is None
    response = hr_client.post("/planning/equipes", data={"name": "Paie", "min_on_site": "3"})
    assert response.status_code == 302
    assert "Paie" in page_text(hr_client.get("/planning/equipes"))
    again = hr_client.post("/planning/equipes", data={"name": "Paie", "min_on_site": "3"})
    assert again.status_code == 422 and "existe déjà" in page_text(again)
    bad = hr_client.post("/planning/equipes", data={"name": "Autre", "min_on_site": "beaucoup"})
    assert bad.status_code == 422 and "nombre entier" in page_text(bad)
    with app.app_context():
        assert db.session.scalar(select(Team.id).where(Team.name == "Autre")) is None


def test_grid_query_count_is_constant(app, world):
    """No N+1: the same number of statements for 5 and for 25 employees."""
    def statements(extra: int) -> int:
        with app.app_context():
            for i in range(extra):
                e = make_employee(first_name="Extra", last_name=f"Nom{i}")
                make_agreement(employee_id=e.id, status="active", start_date=date(2026, 1, 5),
                               adaptation_end_date=date(2026, 4, 5))
            seen: list[str] = []
            listener = lambda *a: seen.append(a[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                compute_grid(Filters(), WEEK)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            return len(seen)

    assert statements(0) == statements(20)


def test_week_pattern_adapter():
    assert week_pattern("1100000000") == "11000000000000"
    assert week_pattern("12000000000000") == "12000000000000"
    assert week_pattern("garbage") == "0" * 14
