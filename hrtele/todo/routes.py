"""« À faire » page (HR): every pending follow-up, each line linking to where it is acted on."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from hrtele import clock, derived
from hrtele.auth.access import require_hr
from hrtele.database import writes_on_get
from hrtele.extensions import db
from hrtele.todo import services
from hrtele.web.pagination import Page, requested_page

bp = Blueprint("todo", __name__, url_prefix="/a-faire")
bp.before_request(require_hr)


writes_on_get("todo.index")  # stores the sections when the data changed


@bp.route("/")
def index():
    """Every kind of item, with its count and the most urgent lines."""
    today = clock.today()
    # Computed once per data change (and per day) and stored: every instance shares it.
    stored = derived.todo_sections(today)
    db.session.commit()
    return render_template("todo/index.html", sections=stored.value, today=today, stored=stored)


@bp.route("/<key>")
def detail(key: str):
    """All the items of one kind, paginated in SQL."""
    if key not in services.KINDS_BY_KEY:
        abort(404)
    today = clock.today()
    per_page = current_app.config["PAGE_SIZE"]
    pages = max(1, -(-services.count(key, today) // per_page))
    number = min(requested_page(), pages)
    sec = services.section(key, today, number, per_page)
    page = Page(items=sec.items, page=number, per_page=per_page, total=sec.total)
    return render_template("todo/detail.html", section=sec, page=page, today=today)
