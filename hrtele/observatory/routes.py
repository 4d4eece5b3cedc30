"""Observatory screens (HR): figures with SVG charts and tables, and the printable PDF edition."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from sqlalchemy import select

from hrtele import clock, derived
from hrtele.audit.service import record
from hrtele.auth.access import current_actor, require_hr
from hrtele.database import writes_on_get
from hrtele.documents.render import DocumentRenderError
from hrtele.extensions import db
from hrtele.models import Employer
from hrtele.observatory.report import (
    CHART_TITLES,
    REQUEST_LABELS,
    charts,
    percent,
    render_observatory_pdf,
)
from hrtele.observatory.services import compute_observatory
from hrtele.web.errors import FrenchHTTPError
from hrtele.web.labels import LABELS

bp = Blueprint("observatory", __name__, url_prefix="/observatoire")
bp.before_request(require_hr)


writes_on_get("observatory.index")  # stores the figures when the data changed


@bp.route("/")
def index():
    """Every observatory figure, each chart with its table."""
    today = clock.today()
    # Computed once per data change (and per day) and stored: every instance shares it.
    stored = derived.observatory(today)
    obs = stored.value
    db.session.commit()
    return render_template(
        "observatory/index.html",
        obs=obs,
        charts=charts(obs),
        titles=CHART_TITLES,
        percent=percent,
        mode_labels=LABELS["commute_mode"],
        status_labels=REQUEST_LABELS,
        stored=stored,
    )


@bp.route("/edition.pdf")
def pdf():
    """The printable edition « Observatoire du télétravail » (download, not stored)."""
    today = clock.today()
    obs = compute_observatory(today)
    employer = db.session.scalar(select(Employer.name).order_by(Employer.id).limit(1)) or ""
    try:
        data = render_observatory_pdf(obs, employer, clock.now_utc())
    except DocumentRenderError:
        raise FrenchHTTPError(
            500, "L'édition imprimable n'a pas pu être produite. Réessayez plus tard."
        ) from None
    record("download", "observatory", None, current_actor(), {"date": today.isoformat()})
    db.session.commit()
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="observatoire-teletravail-{today.isoformat()}.pdf"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
