"""A day moved in the portal and approved by HR shows in the planning, the employee's calendar
feed and the month's allowance; every feed parses back and matches the planning."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from hrtele.allowances.services import compute_month
from hrtele.domain import planning as dp
from hrtele.extensions import db
from hrtele.models import CalendarFeed, DayChange, Team
from hrtele.planning.feeds import feed_days, feed_filters, feed_for_token
from hrtele.planning.services import Filters, compute_grid
from tests.conftest import login
from tests.factories import make_agreement, make_employee, make_place, make_user, page_text

TODAY = date(2026, 10, 7)  # Wednesday
NEXT_MONDAY = date(2026, 10, 12)
ALICE = "alice.jours@example.test"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def world(app, frozen_today):
    frozen_today(TODAY)
    with app.app_context():
        team = Team(name="Paie", min_on_site=1)
        db.session.add(team)
        db.session.commit()
        centre = make_place(kind="third_place", name="Télécentre du Lac", capacity=4,
                            employee_id=None, third_place_type="telecentre")
        alice = make_employee(first_name="Alice", last_name="Aubert", team_id=team.id)
        bruno = make_employee(first_name="Bruno", last_name="Bernard", team_id=team.id)
        make_user(ALICE, role="employee", employee_id=alice.id)
        common = dict(status="active", start_date=date(2026, 1, 5),
                      adaptation_end_date=date(2026, 4, 5), allowance_scheme="per_day",
                      allowance_amount=Decimal("2.50"))
        make_agreement(employee_id=alice.id, weekly_pattern="11001100000000", **common)
        make_agreement(employee_id=bruno.id, weekly_pattern="00000011110000", place_id=centre.id,
                       **common)
        return {"alice": alice.id, "bruno": bruno.id, "team": team.id}


def _client(app, email):
    c = app.test_client()
    assert login(c, email).status_code == 302
    return c


def fr(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def alice_cells(app, world, days):
    with app.app_context():
        grid = compute_grid(Filters(employee_ids=(world["alice"],)), days)
        return grid.rows[0].cells


def month_line(app, employee_id):
    with app.app_context():
        return next(line for line in compute_month(2026, 10).lines
                    if line.employee_id == employee_id)


def feed_events(body: bytes) -> set[tuple[str, date, str, str]]:
    """(uid, day, half, location) of every event, checking what each event must carry."""
    calendar = Calendar.from_ical(body)
    assert str(calendar["version"]) == "2.0" and "hrtele" in str(calendar["prodid"])
    out = set()
    for event in calendar.walk("VEVENT"):
        assert str(event["transp"]) == "TRANSPARENT"
        start = event.decoded("dtstart").astimezone(PARIS)
        end = event.decoded("dtend").astimezone(PARIS)
        assert start.date() == end.date() and start < end
        half = "am" if start.hour < 12 else "pm"
        uid = str(event["uid"])
        assert uid.endswith(f"-{start.date().isoformat()}-{half}@hrtele")
        out.add((uid, start.date(), half, str(event["location"])))
    return out


def planning_events(app, feed_id: int, today: date) -> set[tuple[str, date, str, str]]:
    """What the planning says the same feed must contain."""
    with app.app_context():
        feed = db.session.get(CalendarFeed, feed_id)
        grid = compute_grid(feed_filters(feed), feed_days(today))
        out = set()
        for row in grid.rows:
            for (day, half), cell in row.cells.items():
                if cell.is_telework:
                    place = grid.places[cell.place_id][1] if cell.place_id else "Domicile"
                    out.add((f"hrtele-{row.employee_id}-{day.isoformat()}-{half}@hrtele", day,
                             half, place))
        return out


def _new_feed_url(page: str) -> str:
    match = re.search(r'<code class="feed-url">(http[^<]+)</code>', page)
    assert match, "no feed address on the page"
    return match.group(1)


def test_day_moved_in_the_portal_and_approved_shows_everywhere(app, world, hr_client):
    alice = _client(app, ALICE)
    week = dp.week_days(NEXT_MONDAY)
    before_days = month_line(app, world["alice"]).days
    # The personal feed, created before the change.
    page = page_text(alice.post("/mon-espace/jours/calendrier", data={"action": "create"}))
    url = _new_feed_url(page)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43
    path = "/calendrier/" + token + ".ics"
    before_feed = feed_events(app.test_client().get(path).data)
    assert any(day == NEXT_MONDAY for _, day, _, _ in before_feed)

    # Alice moves next Monday to Tuesday and cancels Wednesday afternoon.
    assert alice.post("/mon-espace/jours/changement", data={
        "kind": "move", "half": "day", "from_date": fr(NEXT_MONDAY),
        "to_date": fr(NEXT_MONDAY + timedelta(days=1)), "motive": "Formation"}).status_code == 302
    assert alice.post("/mon-espace/jours/changement", data={
        "kind": "cancel", "half": "pm", "from_date": fr(NEXT_MONDAY + timedelta(days=2))
    }).status_code == 302
    # Pending: nothing changes yet.
    assert alice_cells(app, world, week)[(NEXT_MONDAY, "am")].kind == dp.TELEWORK
    hr_page = page_text(hr_client.get("/planning/changements"))
    assert "Déplacer le télétravail du 12/10/2026 (la journée) au 13/10/2026" in hr_page
    with app.app_context():
        changes = db.session.scalars(select(DayChange).order_by(DayChange.id)).all()
        ids = [(c.id, c.version) for c in changes]
    for change_id, version in ids:
        response = hr_client.post(f"/planning/changements/{change_id}/decision",
                                  data={"decision": "approve", "reason": "", "version": version})
        assert response.status_code == 302

    # The planning
    cells = alice_cells(app, world, week)
    assert cells[(NEXT_MONDAY, "am")].kind == dp.OFFICE and cells[(NEXT_MONDAY, "am")].changed
    assert cells[(NEXT_MONDAY + timedelta(days=1), "pm")].kind == dp.TELEWORK
    assert cells[(NEXT_MONDAY + timedelta(days=2), "am")].kind == dp.TELEWORK
    assert cells[(NEXT_MONDAY + timedelta(days=2), "pm")].kind == dp.OFFICE
    grid_page = page_text(hr_client.get("/planning/?date=2026-10-12"))
    assert "Télétravail — Domicile (changement ponctuel)" in grid_page
    assert "Sur site (changement ponctuel)" in grid_page
    # The employee's feed
    after_feed = feed_events(app.test_client().get(path).data)
    days = {(day, half) for _, day, half, _ in after_feed}
    assert (NEXT_MONDAY, "am") not in days and (NEXT_MONDAY + timedelta(days=1), "am") in days
    assert (NEXT_MONDAY + timedelta(days=2), "pm") not in days
    with app.app_context():
        feed_id = feed_for_token(token).id
    assert after_feed == planning_events(app, feed_id, TODAY)
    # The month's allowance: the move keeps the days, the cancelled half-day is taken off.
    line = month_line(app, world["alice"])
    assert line.days == before_days - Decimal("0.5")
    assert line.amount == (line.days * Decimal("2.50")).quantize(Decimal("0.01"))
    # The employee's own page shows the decisions.
    mine = page_text(alice.get("/mon-espace/jours/"))
    assert "Déplacer le télétravail du 12/10/2026 (la journée) au 13/10/2026" in mine
    assert "accepté" in mine


@pytest.mark.parametrize(("form", "message"), [
    ({"kind": "move", "half": "day", "from_date": fr(NEXT_MONDAY),
      "to_date": fr(NEXT_MONDAY + timedelta(days=5))}, "non travaillé"),
    ({"kind": "move", "half": "day", "from_date": fr(NEXT_MONDAY),
      "to_date": fr(NEXT_MONDAY + timedelta(days=8))}, "même semaine"),
    ({"kind": "cancel", "half": "day", "from_date": fr(NEXT_MONDAY + timedelta(days=1))},
     "n'est pas une demi-journée de télétravail"),
    ({"kind": "cancel", "half": "day", "from_date": fr(TODAY - timedelta(days=2))}, "passé"),
    ({"kind": "cancel", "half": "day", "from_date": "31/02/2026"}, "Date impossible"),
    ({"kind": "cancel", "half": "soir", "from_date": fr(NEXT_MONDAY)}, "le matin ou l'après-midi"),
    ({"kind": "swap", "half": "day", "from_date": fr(NEXT_MONDAY)}, "déplacer ou d'annuler"),
    ({"kind": "move", "half": "day", "from_date": fr(NEXT_MONDAY), "to_date": ""},
     "Nouveau jour"),
    ({"kind": "cancel", "half": "day", "from_date": fr(NEXT_MONDAY), "motive": "x" * 3000},
     "2 000 caractères"),
])
def test_bad_requests_change_nothing(app, world, form, message):
    alice = _client(app, ALICE)
    response = alice.post("/mon-espace/jours/changement", data=form)
    assert response.status_code == 422
    assert message in page_text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(DayChange.id))) == 0


def test_withdraw_and_decisions_only_once(app, world, hr_client):
    alice = _client(app, ALICE)
    alice.post("/mon-espace/jours/changement", data={
        "kind": "cancel", "half": "day", "from_date": fr(NEXT_MONDAY)})
    with app.app_context():
        change = db.session.scalar(select(DayChange))
        change_id, version = change.id, change.version
    # A second request on the same day is refused while the first is pending.
    again = alice.post("/mon-espace/jours/changement", data={
        "kind": "cancel", "half": "am", "from_date": fr(NEXT_MONDAY)})
    assert again.status_code == 422 and "déjà demandé" in page_text(again)
    assert alice.post(f"/mon-espace/jours/changement/{change_id}/retirer").status_code == 302
    response = hr_client.post(f"/planning/changements/{change_id}/decision",
                              data={"decision": "approve", "version": version + 1})
    assert response.status_code == 302
    assert "déjà été traité" in page_text(hr_client.get("/planning/changements"))
    with app.app_context():
        assert db.session.get(DayChange, change_id).status == "withdrawn"


def test_team_feed_matches_the_planning_and_tokens_are_revocable(app, world, hr_client):
    page = page_text(hr_client.post("/planning/calendriers",
                                    data={"action": "create", "team_id": world["team"]}))
    first_url = _new_feed_url(page)
    first = "/calendrier/" + first_url.rsplit("/", 1)[1]
    anonymous = app.test_client()
    response = anonymous.get(first)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = feed_events(response.data)
    with app.app_context():
        feed = db.session.scalars(select(CalendarFeed)).one()
        assert feed.token_hash not in first and len(feed.token_hash) == 64
        feed_id = feed.id
    assert events == planning_events(app, feed_id, TODAY)
    assert any(loc == "Télécentre du Lac" for *_, loc in events)
    assert feed_events(anonymous.get(first).data) == events  # stable UIDs
    # Renewing revokes the old address.
    page = page_text(hr_client.post("/planning/calendriers",
                                    data={"action": "create", "team_id": world["team"]}))
    second = "/calendrier/" + _new_feed_url(page).rsplit("/", 1)[1]
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    hr_client.post("/planning/calendriers", data={"action": "revoke", "team_id": world["team"]})
    assert anonymous.get(second).status_code == 404
    assert anonymous.get("/calendrier/" + "A" * 43 + ".ics").status_code == 404
    bad = hr_client.post("/planning/calendriers", data={"action": "create", "team_id": "999"})
    assert bad.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(CalendarFeed.id)).where(
            CalendarFeed.revoked_dt.is_(None))) == 0


def test_feed_of_a_deactivated_account_stops(app, world):
    alice = _client(app, ALICE)
    url = _new_feed_url(page_text(alice.post("/mon-espace/jours/calendrier",
                                             data={"action": "create"})))
    path = "/calendrier/" + url.rsplit("/", 1)[1]
    assert app.test_client().get(path).status_code == 200
    with app.app_context():
        from hrtele.models import User

        db.session.scalar(select(User).where(User.email == ALICE)).is_active_account = False
        db.session.commit()
    assert app.test_client().get(path).status_code == 404
    assert datetime.now(PARIS).year >= 2026
