"""Calendar feeds (RFC 5545, built with icalendar): personal and team, behind secret tokens.

Only the SHA-256 of a token is stored; the address is shown once, when created or renewed.
Every telework half-day of the planning is one event, marked free (TRANSP:TRANSPARENT) so that
it never blocks a meeting, with the place as LOCATION and a UID that stays the same for the
same person and half-day, so calendar clients update it instead of duplicating it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select

from hrtele.audit.service import record
from hrtele.domain import planning as dp
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import CalendarFeed, Team, User
from hrtele.models.base import utcnow
from hrtele.planning.services import Filters, compute_grid

PARIS = ZoneInfo("Europe/Paris")
# Times printed for a half-day (the planning knows half-days, not hours).
HALF_DAY_TIMES = {"am": (time(9, 0), time(12, 30)), "pm": (time(13, 30), time(17, 30))}
WEEKS_BEFORE = 4
WEEKS_AFTER = 13
TOKEN_BYTES = 32  # 256 bits, URL-safe base64: 43 characters
PRODID = "-//hrtele//planning du télétravail//FR"


def token_hash(token: str) -> str:
    """SHA-256 of a feed token (what the database keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_feed(user_id: int, scope: str, team_id: int | None = None) -> CalendarFeed | None:
    """The user's live feed of that scope (and team), if any."""
    stmt = select(CalendarFeed).where(CalendarFeed.user_id == user_id, CalendarFeed.scope == scope,
                                      CalendarFeed.revoked_dt.is_(None))
    if scope == "team":
        stmt = stmt.where(CalendarFeed.team_id == team_id)
    return db.session.scalars(stmt.order_by(CalendarFeed.id.desc())).first()


def user_feeds(user_id: int) -> list[CalendarFeed]:
    """The user's live feeds."""
    return list(db.session.scalars(
        select(CalendarFeed).where(CalendarFeed.user_id == user_id,
                                   CalendarFeed.revoked_dt.is_(None)).order_by(CalendarFeed.id)
    ))


def create_feed(user: User, scope: str, team_id: int | None = None) -> str:
    """A new feed (the previous one of the same scope is revoked); returns the clear token once."""
    if scope == "personal" and user.employee_id is None:
        raise BusinessRuleError("Un calendrier personnel n'existe que pour un compte de salarié.")
    if scope == "team":
        if not user.is_hr:
            raise BusinessRuleError("Les calendriers d'équipe sont réservés aux ressources humaines.")
        if team_id is None or db.session.get(Team, team_id) is None:
            raise BusinessRuleError("Choisissez l'équipe du calendrier.")
    previous = active_feed(user.id, scope, team_id)
    if previous is not None:
        revoke_feed(previous, user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed(user_id=user.id, scope=scope, team_id=team_id if scope == "team" else None,
                        token_hash=token_hash(token), created_dt=utcnow())
    db.session.add(feed)
    db.session.flush()
    record("create", "calendar_feeds", feed.id, user, {"scope": scope, "team_id": feed.team_id})
    return token


def revoke_feed(feed: CalendarFeed, actor: User | None) -> None:
    """Revoke a feed: its address stops working at once."""
    if feed.revoked_dt is None:
        feed.revoked_dt = utcnow()
        db.session.flush()
        record("revoke", "calendar_feeds", feed.id, actor, {"scope": feed.scope})


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed of a token whose owner is still active; None otherwise."""
    if not token or len(token) > 200:
        return None
    feed = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token),
                                   CalendarFeed.revoked_dt.is_(None))
    )
    if feed is None:
        return None
    owner = db.session.get(User, feed.user_id)
    if owner is None or not owner.is_active_account:
        return None
    if feed.scope == "team" and not owner.is_hr:
        return None
    if feed.scope == "personal" and owner.employee_id is None:
        return None
    return feed


def feed_days(today: date) -> list[date]:
    """Days a feed covers: from 4 weeks back to 13 weeks ahead, whole weeks."""
    first = dp.week_days(today)[0] - timedelta(weeks=WEEKS_BEFORE)
    return [first + timedelta(days=i) for i in range(7 * (WEEKS_BEFORE + WEEKS_AFTER))]


def feed_filters(feed: CalendarFeed) -> Filters:
    """Whose planning the feed shows."""
    if feed.scope == "personal":
        owner = db.session.get(User, feed.user_id)
        return Filters(employee_ids=(owner.employee_id,))
    return Filters(team_id=feed.team_id)


def _at(d: date, t: time) -> datetime:
    """Paris wall time, as an aware datetime (written in UTC in the file)."""
    return datetime.combine(d, t, tzinfo=PARIS)


def event_uid(employee_id: int, d: date, half: str) -> str:
    """Stable identifier of one person's half-day."""
    return f"hrtele-{employee_id}-{d.isoformat()}-{half}@hrtele"


def build_calendar(feed: CalendarFeed, today: date) -> bytes:
    """The ICS file of the feed, computed from the planning (the same cells as the grid)."""
    days = feed_days(today)
    grid = compute_grid(feed_filters(feed), days)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    team = db.session.get(Team, feed.team_id) if feed.team_id else None
    name = f"Télétravail — {team.name}" if team else "Mon télétravail"
    cal.add("x-wr-calname", name)
    stamp = utcnow().replace(microsecond=0)
    for row in grid.rows:
        for (d, half), cell in row.cells.items():
            if not cell.is_telework:
                continue
            kind, place = grid.places.get(cell.place_id, ("home", "Domicile")) if cell.place_id \
                else ("home", "Domicile")
            event = Event()
            event.add("uid", event_uid(row.employee_id, d, half))
            event.add("dtstamp", stamp)
            start, end = HALF_DAY_TIMES[half]
            event.add("dtstart", _at(d, start).astimezone(ZoneInfo("UTC")))
            event.add("dtend", _at(d, end).astimezone(ZoneInfo("UTC")))
            summary = f"Télétravail — {place}"
            if feed.scope == "team":
                summary = f"{row.name} : télétravail — {place}"
            event.add("summary", summary)
            event.add("location", place)
            event.add("transp", "TRANSPARENT")
            event.add("class", "PRIVATE" if feed.scope == "personal" else "PUBLIC")
            if cell.changed:
                event.add("description", "Jour déplacé (changement ponctuel accordé).")
            cal.add_component(event)
    return cal.to_ical()


def touch(feed: CalendarFeed) -> None:
    """Remember the last time the feed was read (at most once an hour, to limit writes)."""
    now = utcnow()
    last = feed.last_used_dt
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=ZoneInfo("UTC"))
    if last is None or now - last > timedelta(hours=1):
        feed.last_used_dt = now
        db.session.flush()
