"""HR home page."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, render_template, url_for
from sqlalchemy import func, select

from hrtele import clock
from hrtele.auth.access import current_actor
from hrtele.extensions import db
from hrtele.models import Agreement, Employee, Post
from hrtele.observatory.services import _active_now_clause as active_now_clause
from hrtele.planning.services import today_at_a_glance
from hrtele.todo.services import sections as todo_sections

bp = Blueprint("home", __name__)
URGENT_SHOWN = 8
TELEWORKERS_SHOWN = 20


def home_figures(today, todo_totals: dict[str, int]) -> dict[str, int]:
    """The home page's figures, each with the definition of the page it links to."""
    return {
        # observatory definitions (posts, active employees, active teleworkers today)
        "posts": db.session.scalar(select(func.count(Post.id))) or 0,
        "eligible_posts": db.session.scalar(
            select(func.count(Post.id)).where(Post.is_eligible.is_(True))) or 0,
        "employees": db.session.scalar(
            select(func.count(Employee.id)).where(Employee.is_active.is_(True))) or 0,
        "teleworkers": db.session.scalar(
            select(func.count(Employee.id)).where(
                select(Agreement.id).where(Agreement.employee_id == Employee.id,
                                           active_now_clause(today)).exists())) or 0,
        # to-do list definitions
        "pending_requests": todo_totals.get("demandes", 0),
        "to_issue": todo_totals.get("avenants-a-emettre", 0),
    }


@bp.route("/favicon.ico")
def favicon():
    """The SVG icon, where browsers look for it on their own (no 404 in the logs)."""
    # A few hundred bytes: read and answered whole (no open file handed to the server).
    icon = (Path(current_app.static_folder) / "favicon.svg").read_bytes()
    return Response(icon, mimetype="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})


@bp.route("/")
def index():
    """Key figures and shortcuts for HR; employees go to their own space."""
    actor = current_actor()
    if actor is None:
        return redirect(url_for("auth.login"))
    if not actor.is_hr:
        return redirect(url_for("portal.index"))
    today = clock.today()
    found = todo_sections(today)
    figures = home_figures(today, {sec.key: sec.total for sec in found})
    urgent = [(sec, item) for sec in found for item in sec.items if item.urgent][:URGENT_SHOWN]
    return render_template("home/index.html", figures=figures, today=today_at_a_glance(today),
                           sections=[s for s in found if s.total], urgent=urgent,
                           teleworkers_shown=TELEWORKERS_SHOWN)
