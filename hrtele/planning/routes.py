"""Planning (HR: everyone, every filter; a manager: their direct reports, read-only), its
exports, the teams' on-site minimums, the day changes to decide and HR's team calendars."""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from hrtele import clock
from hrtele.auth.access import MAX_ID, _audit_denied, current_actor, require_login
from hrtele.domain import planning as dp
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import DayChange, Employee, Team
from hrtele.planning import day_changes, feeds, views
from hrtele.planning.services import (
    Filters,
    compute_grid,
    filter_choices,
    is_manager,
    managed_employee_ids,
    manager_by_number,
)
from hrtele.web.forms import EmptyForm
from hrtele.web.pagination import paginate

bp = Blueprint("planning", __name__, url_prefix="/planning")
bp.before_request(require_login)

ROWS_PER_PAGE = 100


@bp.app_context_processor
def _manager_nav():
    def manages_team() -> bool:
        actor = current_actor()
        return actor is not None and not actor.is_hr and is_manager(actor)

    return {"manages_team": manages_team}


@bp.before_request
def _hr_or_manager():
    """HR and managers only (an employee who manages nobody gets 403)."""
    actor = current_actor()
    if actor is None:
        return None  # require_login already answered
    if not actor.is_hr and not is_manager(actor):
        _audit_denied(actor)
        abort(403)
    return None


def _hr_only():
    actor = current_actor()
    if not actor.is_hr:
        _audit_denied(actor)
        abort(403)
    return actor


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 10 and 0 < int(raw) <= MAX_ID else None


def _reference_day() -> date:
    raw = request.args.get("date", "")
    if not raw:
        return clock.today()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        flash("Date non reconnue : le planning de la semaine en cours est affiché.", "error")
        return clock.today()
    if not 2000 <= day.year <= 2100:
        flash("Date hors des années 2000 à 2100 : la semaine en cours est affichée.", "error")
        return clock.today()
    return day


def _in_range(day: date) -> date | None:
    """``day`` if the planning accepts it (years 2000 to 2100), else None: no link at the edge."""
    return day if 2000 <= day.year <= 2100 else None


def _view() -> tuple[bool, list[date], date]:
    month_view = request.args.get("vue") == "mois"
    day = _reference_day()
    days = dp.month_days(day.year, day.month) if month_view else dp.week_days(day)
    return month_view, days, day


def _filters() -> Filters:
    actor = current_actor()
    if not actor.is_hr:  # a manager sees their direct reports, nothing else
        return Filters(employee_ids=tuple(managed_employee_ids(actor)))
    return Filters(
        department=request.args.get("departement", "").strip()[:200],
        team_id=_int_arg("equipe"),
        place_id=_int_arg("lieu"),
        manager_id=_int_arg("responsable") or manager_by_number(
            request.args.get("responsable_matricule", "")),
    )


@bp.route("/")
def index():
    """The week (or month) grid with head-counts, team minimums and third-place occupancy."""
    month_view, days, day = _view()
    filters = _filters()
    grid = compute_grid(filters, days)
    pages = max(1, -(-len(grid.rows) // ROWS_PER_PAGE))
    page = min(max(1, _int_arg("page") or 1), pages)
    shown = grid.rows[(page - 1) * ROWS_PER_PAGE: page * ROWS_PER_PAGE]
    step = timedelta(days=31 if month_view else 7)
    args = {**filters.as_args(), **({"vue": "mois"} if month_view else {})}
    actor = current_actor()
    return render_template(
        "planning/index.html", grid=grid, rows=shown, page=page, pages=pages, views=views,
        month_view=month_view, day=day, args=args, filters=filters,
        title=views.range_title(days, month_view),
        prev_day=_in_range((days[0] - timedelta(days=1)) if month_view else day - step),
        next_day=_in_range((days[-1] + timedelta(days=1)) if month_view else day + step),
        choices=filter_choices() if actor.is_hr else None, is_hr=actor.is_hr,
        today=clock.today(), dp=dp,
    )


@bp.route("/export.csv")
def export_csv():
    """The grid as a CSV file."""
    month_view, days, _day = _view()
    grid = compute_grid(_filters(), days)
    name = f"planning-{days[0].isoformat()}-{days[-1].isoformat()}.csv"
    return Response(views.grid_csv(grid), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@bp.route("/export.pdf")
def export_pdf():
    """The grid as a printable PDF (A4 landscape)."""
    from hrtele.documents.render import render_template_pdf

    month_view, days, _day = _view()
    grid = compute_grid(_filters(), days)
    title = f"Planning du télétravail — {views.range_title(days, month_view)}"
    keys = grid.keys
    context = {
        "heading": title,
        "columns": [f"{views.day_label(d)} {'m' if h == 'am' else 'a-m'}" for d, h in keys],
        "rows": [(r.name, r.department or "—",
                  [views.cell_code(r.cells[k], grid.places) for k in keys]) for r in grid.rows],
        "on_site": [str(grid.counts[k].on_site) if k in grid.counts else "0" for k in keys],
        "telework": [str(grid.counts[k].telework) if k in grid.counts else "0" for k in keys],
        "places": [(p.name, str(p.capacity) if p.capacity is not None else "—",
                    [str(p.used.get(k, 0)) for k in keys]) for p in grid.third_places],
        "generated": clock.today().strftime("%d/%m/%Y"),
    }
    pdf = render_template_pdf("planning.html", context, title=title, author="hrtele",
                              subject="Planning des présences et du télétravail")
    name = f"planning-{days[0].isoformat()}-{days[-1].isoformat()}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


# --------------------------------------------------------------------------- teams


def _team_or_404(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    return team


def _min_value(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 5 else None


@bp.route("/equipes", methods=["GET", "POST"])
def teams():
    """Teams and the minimum on site HR sets for each (HR only)."""
    actor = _hr_only()
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        name = request.form.get("name", "").strip()
        minimum = _min_value(request.form.get("min_on_site", "0"))
        department = request.form.get("department", "").strip()[:200]
        if not name or len(name) > 200:
            flash("Indiquez le nom de l'équipe (200 caractères au plus).", "error")
        elif minimum is None:
            flash("Le minimum sur site est un nombre entier de personnes (0 ou plus).", "error")
        elif db.session.scalar(select(Team.id).where(Team.name == name)) is not None:
            flash(f"L'équipe « {name} » existe déjà.", "error")
        else:
            from hrtele.audit.service import record

            team = Team(name=name, department=department, min_on_site=minimum)
            db.session.add(team)
            db.session.flush()
            record("create", "teams", team.id, actor, {"name": name, "min_on_site": minimum})
            db.session.commit()
            flash(f"Équipe « {name} » créée.", "success")
            return redirect(url_for("planning.team", team_id=team.id))
    rows = db.session.execute(select(Team).order_by(Team.name)).scalars().all()
    counts = dict(db.session.execute(
        select(Employee.team_id, db.func.count(Employee.id))
        .where(Employee.team_id.is_not(None), Employee.is_active.is_(True))
        .group_by(Employee.team_id)).all())
    status = 422 if request.method == "POST" else 200  # a POST that got here was refused
    return render_template("planning/teams.html", teams=rows, counts=counts, form=form), status


@bp.route("/equipes/<int:team_id>", methods=["GET", "POST"])
def team(team_id: int):
    """A team: its minimum on site and its members (HR only)."""
    actor = _hr_only()
    found = _team_or_404(team_id)
    form = EmptyForm()
    if request.method == "POST":
        from hrtele.audit.service import record

        if not form.validate_on_submit():
            abort(400)
        action = request.form.get("action", "")
        if action == "minimum":
            minimum = _min_value(request.form.get("min_on_site", ""))
            if minimum is None:
                flash("Le minimum sur site est un nombre entier de personnes (0 ou plus).",
                      "error")
            else:
                record("update", "teams", found.id, actor,
                       {"min_on_site": [found.min_on_site, minimum]})
                found.min_on_site = minimum
                db.session.commit()
                flash("Minimum sur site enregistré.", "success")
        elif action == "add":
            number = request.form.get("personnel_number", "").strip()[:30]
            employee = db.session.scalar(select(Employee).where(
                Employee.personnel_number == number)) if number else None
            if employee is None:
                flash(f"Aucun salarié avec le matricule « {number} ».", "error")
            else:
                record("update", "employees", employee.id, actor,
                       {"team_id": [employee.team_id, found.id]})
                employee.team_id = found.id
                db.session.commit()
                flash(f"{employee.full_name} ajouté(e) à l'équipe.", "success")
        elif action == "remove":
            member_id = request.form.get("employee_id", "")
            employee = db.session.get(Employee, int(member_id)) if member_id.isdigit() and \
                len(member_id) < 10 else None
            if employee is None or employee.team_id != found.id:
                abort(404)
            record("update", "employees", employee.id, actor, {"team_id": [found.id, None]})
            employee.team_id = None
            db.session.commit()
            flash(f"{employee.full_name} retiré(e) de l'équipe.", "success")
        else:
            abort(400)
        return redirect(url_for("planning.team", team_id=found.id))
    members = db.session.scalars(select(Employee).where(Employee.team_id == found.id)
                                 .order_by(Employee.last_name, Employee.first_name)).all()
    return render_template("planning/team.html", team=found, members=members, form=form)


# --------------------------------------------------------------------------- day changes


def _decider_scope() -> list[int] | None:
    actor = current_actor()
    return None if actor.is_hr else managed_employee_ids(actor)


@bp.route("/changements", endpoint="day_changes")
def day_changes_page():
    """Day changes waiting for a decision (HR: all; a manager: their team's)."""
    scope = _decider_scope()
    page = paginate(day_changes.pending_stmt(scope))
    recent = db.session.scalars(day_changes.recent_decided_stmt(scope, clock.today())
                                .limit(20)).all()
    ids = {c.employee_id for c in [*page.items, *recent]}
    names = {e.id: e.full_name for e in db.session.scalars(
        select(Employee).where(Employee.id.in_(ids or [-1])))}
    return render_template("planning/day_changes.html", page=page, recent=recent, names=names,
                           form=EmptyForm(), describe=day_changes_describe)


def day_changes_describe(change: DayChange) -> str:
    """French description of a change."""
    from hrtele.notifications.events import describe_change

    text = describe_change(change)
    return text[0].upper() + text[1:]


@bp.route("/changements/<int:change_id>/decision", methods=["POST"])
def decide_change(change_id: int):
    """Approve or refuse one change (a refusal needs a reason)."""
    actor = current_actor()
    change = db.session.get(DayChange, change_id)
    if change is None:
        abort(404)
    if not day_changes.can_decide(actor, change):
        _audit_denied(actor, "day_changes", change_id)
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    verdict = request.form.get("decision")
    if verdict not in ("approve", "refuse"):
        flash("Choisissez d'accepter ou de refuser le changement.", "error")
        return redirect(url_for("planning.day_changes"))
    version = request.form.get("version", "")
    try:
        day_changes.decide(change, verdict == "approve", request.form.get("reason", ""),
                           int(version) if version.isdigit() else None, actor, clock.today())
    except BusinessRuleError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("planning.day_changes"))
    db.session.commit()
    flash("Changement accepté : il figure au planning." if verdict == "approve"
          else "Changement refusé ; le salarié en est informé.", "success")
    return redirect(url_for("planning.day_changes"))


# --------------------------------------------------------------------------- team calendars


@bp.route("/calendriers", methods=["GET", "POST"])
def calendars():
    """HR's team calendar feeds: create (or renew) and revoke; the address shows once."""
    actor = _hr_only()
    form = EmptyForm()
    new_url = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        action = request.form.get("action")
        team_id = request.form.get("team_id", "")
        team_id = int(team_id) if team_id.isdigit() and len(team_id) < 10 else None
        if action == "create":
            try:
                token = feeds.create_feed(actor, "team", team_id)
            except BusinessRuleError as exc:
                db.session.rollback()
                flash(str(exc), "error")
                return redirect(url_for("planning.calendars"))
            db.session.commit()
            new_url = url_for("ics.feed", token=token, _external=True)
        elif action == "revoke":
            feed = feeds.active_feed(actor.id, "team", team_id)
            if feed is None:
                abort(404)
            feeds.revoke_feed(feed, actor)
            db.session.commit()
            flash("Calendrier révoqué : son adresse ne fonctionne plus.", "success")
            return redirect(url_for("planning.calendars"))
        else:
            abort(400)
    live = feeds.user_feeds(actor.id)
    teams_by_id = {t.id: t.name for t in db.session.scalars(select(Team).order_by(Team.name))}
    return render_template("planning/calendars.html", feeds=[f for f in live if f.scope == "team"],
                           teams=teams_by_id, form=form, new_url=new_url)
