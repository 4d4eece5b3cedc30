"""HR home page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from sqlalchemy import func, select

from hrtele.auth.access import current_actor
from hrtele.domain import lifecycle as lc
from hrtele.extensions import db
from hrtele.models import Agreement, Employee, Post, TeleworkRequest

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    """Key figures and shortcuts for HR; employees go to their own space."""
    actor = current_actor()
    if actor is None:
        return redirect(url_for("auth.login"))
    if not actor.is_hr:
        return redirect(url_for("portal.index"))
    figures = {
        "posts": db.session.scalar(select(func.count(Post.id))),
        "eligible_posts": db.session.scalar(
            select(func.count(Post.id)).where(Post.is_eligible.is_(True))
        ),
        "employees": db.session.scalar(
            select(func.count(Employee.id)).where(Employee.is_active.is_(True))
        ),
        "pending_requests": db.session.scalar(
            select(func.count(TeleworkRequest.id)).where(TeleworkRequest.status == "pending")
        ),
        "active_agreements": db.session.scalar(
            select(func.count(Agreement.id)).where(Agreement.status.in_(lc.REGULAR_TELEWORKING_STATES))
        ),
        "drafts": db.session.scalar(
            select(func.count(Agreement.id)).where(Agreement.status == "draft")
        ),
    }
    return render_template("home/index.html", figures=figures)
