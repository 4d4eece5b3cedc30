"""The employee's days (« Mes jours »): my next weeks, asking a one-off change, my calendar."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from hrtele import clock
from hrtele.auth.access import _audit_denied, current_actor, require_employee
from hrtele.domain import planning as dp
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import DayChange, Employee
from hrtele.planning import day_changes, feeds, views
from hrtele.planning.services import Filters, compute_grid
from hrtele.web.forms import EmptyForm, parse_french_date
from hrtele.web.pagination import paginate

bp = Blueprint("portal_days", __name__, url_prefix="/mon-espace/jours")
bp.before_request(require_employee)

WEEKS_SHOWN = 3


def _me() -> tuple:
    actor = current_actor()
    employee = db.session.get(Employee, actor.employee_id)
    if employee is None:
        abort(404)
    return actor, employee


def _page(form_values: dict | None = None, errors: list[str] | None = None,
          new_url: str | None = None, status: int = 200):
    actor, employee = _me()
    today = clock.today()
    first = dp.week_days(today)[0]
    days = [first + timedelta(days=i) for i in range(7 * WEEKS_SHOWN)]
    grid = compute_grid(Filters(employee_ids=(employee.id,)), days)
    row = grid.rows[0] if grid.rows else None
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    changes = paginate(day_changes.own_changes_stmt(employee.id))
    return render_template(
        "planning/my_days.html", row=row, grid=grid, weeks=weeks, views=views, dp=dp,
        changes=changes, form=EmptyForm(), values=form_values or {}, errors=errors or [],
        feed=feeds.active_feed(actor.id, "personal"), new_url=new_url, today=today,
        describe=lambda c: day_changes_text(c)), status


def day_changes_text(change: DayChange) -> str:
    """Sentence-case description of a change."""
    from hrtele.notifications.events import describe_change

    text = describe_change(change)
    return text[0].upper() + text[1:]


@bp.route("/")
def index():
    """My next weeks, my changes and my calendar address."""
    return _page()


@bp.route("/changement", methods=["POST"])
def ask():
    """Ask to move or cancel a telework day (checked by the domain, decided by HR/manager)."""
    actor, employee = _me()
    if not EmptyForm().validate_on_submit():
        abort(400)
    values = {k: request.form.get(k, "").strip() for k in
              ("kind", "half", "from_date", "to_date", "motive")}
    errors: list[str] = []
    kind = values["kind"] if values["kind"] in ("move", "cancel") else None
    half = values["half"] if values["half"] in ("day", "am", "pm") else None
    if kind is None:
        errors.append("Choisissez de déplacer ou d'annuler le jour de télétravail.")
    if half is None:
        errors.append("Choisissez la journée, le matin ou l'après-midi.")
    from_date = to_date = None
    try:
        from_date = parse_french_date(values["from_date"])
    except ValueError as exc:
        errors.append(f"Jour de télétravail concerné : {exc}")
    if kind == "move":
        try:
            to_date = parse_french_date(values["to_date"])
        except ValueError as exc:
            errors.append(f"Nouveau jour : {exc}")
    if not errors:
        try:
            day_changes.request_change(
                employee, day_changes.ChangeRequest(kind, half, from_date, to_date,
                                                    values["motive"]),
                actor, clock.today())
        except BusinessRuleError as exc:
            errors.append(str(exc))
    if errors:
        db.session.rollback()
        return _page(values, errors, status=422)
    db.session.commit()
    flash("Demande de changement envoyée : vous serez prévenu de la décision.", "success")
    return redirect(url_for("portal_days.index"))


@bp.route("/changement/<int:change_id>/retirer", methods=["POST"])
def withdraw(change_id: int):
    """Withdraw one of my pending changes."""
    actor, employee = _me()
    change = db.session.get(DayChange, change_id)
    if change is None:
        abort(404)
    if change.employee_id != employee.id:
        _audit_denied(actor, "day_changes", change_id)
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        day_changes.withdraw(change, actor)
    except BusinessRuleError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("portal_days.index"))
    db.session.commit()
    flash("Demande de changement retirée.", "success")
    return redirect(url_for("portal_days.index"))


@bp.route("/calendrier", methods=["POST"])
def calendar():
    """Create (or renew) or revoke my personal calendar address."""
    actor, _employee = _me()
    if not EmptyForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    if action == "create":
        token = feeds.create_feed(actor, "personal")
        db.session.commit()
        return _page(new_url=url_for("ics.feed", token=token, _external=True))
    if action == "revoke":
        feed = feeds.active_feed(actor.id, "personal")
        if feed is not None:
            feeds.revoke_feed(feed, actor)
            db.session.commit()
        flash("Calendrier révoqué : son adresse ne fonctionne plus.", "success")
        return redirect(url_for("portal_days.index"))
    abort(400)
