"""The calendar address itself: no session, the long random token is the credential."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from hrtele import clock
from hrtele.extensions import db, limiter
from hrtele.planning import feeds

bp = Blueprint("ics", __name__, url_prefix="/calendrier")


@bp.route("/<token>.ics")
@limiter.limit("60 per minute")
def feed(token: str):
    """The ICS file of a live feed; 404 for an unknown, revoked or orphaned token."""
    found = feeds.feed_for_token(token)
    if found is None:
        abort(404)
    body = feeds.build_calendar(found, clock.today())
    feeds.touch(found)
    db.session.commit()
    return Response(body, mimetype="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, no-store",
                             "Content-Disposition": 'inline; filename="teletravail.ics"'})
