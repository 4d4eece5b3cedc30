"""Telework request screens (HR): list, record, correct, accept, refuse, withdraw."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import aliased
from werkzeug.routing import BuildError

from hrtele import clock
from hrtele.auth.access import current_actor, get_visible_or_404, require_hr
from hrtele.domain.lifecycle import TransitionRefused
from hrtele.domain.terms import REQUEST_STATUSES
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError
from hrtele.employees.services import employee_choices
from hrtele.extensions import db
from hrtele.models import Employee, Post, TeleworkRequest, User
from hrtele.places.services import place_choices, place_names
from hrtele.refusals.services import reason_choices
from hrtele.requests.forms import DecisionForm, RefuseForm, RequestForm
from hrtele.requests.services import (
    FIELD_MAP,
    FIELDS,
    HOME_FROM_FILE,
    accept_request,
    create_request,
    days_waited,
    list_requests_stmt,
    refuse_request,
    request_violations,
    update_request,
    withdraw_request,
)
from hrtele.web.filters import schedule_fr
from hrtele.web.forms import show_violations
from hrtele.web.inputs import int_arg, int_form
from hrtele.web.labels import LABELS
from hrtele.web.list_filters import (
    choice_filter,
    date_range_filters,
    day_filter,
    department_filter,
    department_of,
    manager_filter,
    manager_name_of,
    place_filter,
)
from hrtele.web.listing import Column, ListSpec
from hrtele.web.pagination import paginate, search_term

bp = Blueprint("requests", __name__, url_prefix="/demandes")
bp.before_request(require_hr)

# At most this many employees in the select of the request form (narrow with the search).
EMPLOYEE_CHOICES_LIMIT = 500


def safe_url(endpoint: str, **values) -> str | None:
    """URL of an endpoint of another area, or None while that area is not built (no 500)."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _int_arg(name: str) -> int | None:
    return int_arg(name)


def _fill_choices(form: RequestForm, employee_id: int | None, term: str = "",
                  locked: bool = False) -> None:
    """Employee and place choices; the place list depends on the chosen employee."""
    employee = db.session.get(Employee, employee_id) if locked and employee_id else None
    if employee is not None:  # a recorded request keeps its employee
        form.employee_id.choices = [
            (employee.id, f"{employee.last_name.upper()} {employee.first_name} "
                          f"({employee.personnel_number})")
        ]
    else:
        found = employee_choices(include_id=employee_id, term=term,
                                 limit=EMPLOYEE_CHOICES_LIMIT)
        form.employee_id.choices = [(0, "—")] + found
        if len(found) >= EMPLOYEE_CHOICES_LIMIT:
            form.employee_id.description = gettext(
                "Liste limitée aux %(n)s premiers salariés : utilisez la recherche ci-dessus.",
                n=EMPLOYEE_CHOICES_LIMIT,
            )
    form.place_id.choices = (
        [(0, gettext("— non précisé —")),
         (HOME_FROM_FILE, gettext("Domicile du salarié (adresse inscrite sur sa fiche)"))]
        + place_choices(employee_id)
    )


def _data(form: RequestForm) -> dict:
    return {name: getattr(form, name).data for name in FIELDS}


def _submitted_employee_id() -> int | None:
    return int_form("employee_id")


# --------------------------------------------------------------------------------------------
# List
# --------------------------------------------------------------------------------------------


def _post_title():
    staff = aliased(Employee)
    return (select(Post.title).join(staff, staff.post_id == Post.id)
            .where(staff.id == TeleworkRequest.employee_id).scalar_subquery())


LIST = ListSpec(
    name="demandes",
    title="Demandes de télétravail",
    endpoint="requests.index",
    export_endpoint="requests.export",
    columns=(
        Column("date", "Date de la demande", TeleworkRequest.request_date,
               lambda r: r.request_date),
        Column("employee", "Salarié", (Employee.last_name, Employee.first_name),
               lambda r: r.employee.full_name),
        Column("number", "Matricule", Employee.personnel_number,
               lambda r: r.employee.personnel_number, shown=False),
        Column("post", "Poste", _post_title(),
               lambda r: r.employee.post.title if r.employee.post else ""),
        Column("department", "Service", department_of(TeleworkRequest.employee_id),
               lambda r: r.employee.post.department if r.employee.post else "", shown=False),
        Column("manager", "Manager", manager_name_of(TeleworkRequest.employee_id),
               lambda r: r.employee.manager.full_name if r.employee.manager else "",
               shown=False),
        Column("days", "Jours / semaine", TeleworkRequest.wished_days, lambda r: r.wished_days,
               numeric=True),
        Column("schedule", "Rythme souhaité", None, schedule_fr, shown=False),
        Column("initiative", "Initiative", TeleworkRequest.initiative,
               lambda r: LABELS["initiative"].get(r.initiative, r.initiative)),
        Column("status", "Statut", TeleworkRequest.status,
               lambda r: LABELS["request_status"].get(r.status, r.status)),
        Column("decision", "Date de la décision", TeleworkRequest.decision_date,
               lambda r: r.decision_date, shown=False),
        Column("waited", "Délai (jours)", None, lambda r: days_waited(r, clock.today()),
               numeric=True),
    ),
    filters=(
        choice_filter("status", "Statut", TeleworkRequest.status,
                      {s: LABELS["request_status"][s] for s in REQUEST_STATUSES},
                      all_label="Tous"),
        department_filter(TeleworkRequest.employee_id),
        place_filter(TeleworkRequest.place_id, TeleworkRequest.second_place_id),
        day_filter(TeleworkRequest.wished_pattern),
        manager_filter(TeleworkRequest.employee_id),
        *date_range_filters(TeleworkRequest.request_date, "Demande"),
    ),
    default_sort="date",
    default_desc=True,
    tiebreak=TeleworkRequest.id,
)


def _listed():
    """(state, statement) of the requests list from the query string."""
    state = LIST.read(request.args)
    if not request.args.get("sort") and state.values.get("status") == "pending":
        state.descending = False  # pending requests: the oldest (closest to its deadline) first
    return state, LIST.apply(list_requests_stmt(state.term), state)


@bp.route("/")
def index():
    """List requests: sortable columns, filters (status, department, place, day, manager,
    dates) and search, kept in the URL; SQL pagination."""
    state, stmt = _listed()
    return render_template(
        "requests/index.html", page=paginate(stmt), listing=state,
        days_waited=days_waited, today=clock.today(),
    )


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """The filtered and sorted list as a French CSV or an XLSX workbook."""
    state, stmt = _listed()
    return LIST.export(stmt, fmt, clock.today(), state)


# --------------------------------------------------------------------------------------------
# Record / correct
# --------------------------------------------------------------------------------------------


def _save_request(form: RequestForm, action: Callable[[dict], TeleworkRequest]):
    """Check with the rules engine, save when allowed; returns the request or None."""
    try:
        req = action(_data(form))
        db.session.commit()
    except RuleViolations as exc:
        db.session.rollback()
        form.accept_violations(exc.violations, FIELD_MAP)
        return None
    except BusinessRuleError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return None
    return req


@bp.route("/nouveau", methods=["GET", "POST"])
def create():
    """Record an employee's written request (?employee_id= preselects, ?q= narrows the list)."""
    form = RequestForm()
    if request.method == "GET":
        employee_id = _int_arg("employee_id")
        form.employee_id.data = employee_id or 0
        form.request_date.data = clock.today()
    else:
        employee_id = _submitted_employee_id()
    _fill_choices(form, employee_id, search_term())
    if form.validate_on_submit():
        data = _data(form)
        if form.accept_violations(request_violations(data), FIELD_MAP):
            req = _save_request(
                form, lambda d: create_request(d, current_actor(), confirm_warnings=True)
            )
            if req is not None:
                flash(gettext("Demande de télétravail enregistrée."), "success")
                return redirect(url_for("requests.show", request_id=req.id))
    status = 422 if request.method == "POST" else 200
    employee = db.session.get(Employee, employee_id) if employee_id else None
    return render_template(
        "requests/form.html", form=form, req=None, employee=employee
    ), status


@bp.route("/<int:request_id>/modifier", methods=["GET", "POST"])
def edit(request_id: int):
    """Correct a pending request (409 if someone else saved it meanwhile)."""
    req = get_visible_or_404(TeleworkRequest, request_id, current_actor())
    if req.status != "pending":
        flash(gettext("Cette demande a déjà reçu une réponse : elle ne peut plus être modifiée."),
              "error")
        return redirect(url_for("requests.show", request_id=req.id))
    form = RequestForm(obj=req)
    if req.second_place_id is not None:
        # Asked from the employee's space at two places: the grid offers both, so that saving
        # HR's correction keeps each half-day at its place.
        form.wished_pattern.places = 2
        form.wished_pattern.place_labels = place_names(req.place, req.second_place)
        form.wished_pattern.process_errors = []
        form.wished_pattern.process(request.form if request.method == "POST" else None,
                                    req.wished_pattern)
    if request.method == "GET":
        form.version.data = req.version
    _fill_choices(form, req.employee_id, locked=True)
    if form.validate_on_submit():
        data = _data(form)
        if form.accept_violations(request_violations(data, request_id=req.id), FIELD_MAP):
            saved = _save_request(
                form,
                lambda d: update_request(req, d, form.version.data, current_actor(),
                                         confirm_warnings=True),
            )
            if saved is not None:
                flash(gettext("Demande enregistrée."), "success")
                return redirect(url_for("requests.show", request_id=req.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "requests/form.html", form=form, req=req, employee=req.employee
    ), status


# --------------------------------------------------------------------------------------------
# Detail and decisions
# --------------------------------------------------------------------------------------------


def _decision_forms(req: TeleworkRequest, **given) -> dict:
    """The three decision forms (prefixed, one page), prefilled unless given (re-display)."""
    forms = {
        "accept_form": given.get("accept_form") or DecisionForm(prefix="accept", formdata=None),
        "refuse_form": given.get("refuse_form") or RefuseForm(prefix="refuse", formdata=None),
        "withdraw_form": given.get("withdraw_form")
        or DecisionForm(prefix="withdraw", formdata=None),
    }
    refuse_form = forms["refuse_form"]
    refuse_form.reason_id.choices = [(0, gettext("— choisir un motif —"))] + reason_choices()
    today = clock.today()
    for name, form in forms.items():
        if name not in given:
            form.version.data = req.version
            form.decision_date.data = today
    return forms


def _render_show(req: TeleworkRequest, status: int = 200, **given):
    decided_by = db.session.get(User, req.decided_by_id) if req.decided_by_id else None
    return render_template(
        "requests/show.html",
        req=req,
        decided_by=decided_by,
        waited=days_waited(req),
        agreement_url=(
            safe_url("agreements.create", request_id=req.id) if req.status == "accepted" else None
        ),
        **_decision_forms(req, **given),
    ), status


@bp.route("/<int:request_id>")
def show(request_id: int):
    """One request: status, days waited, decision forms while pending."""
    req = get_visible_or_404(TeleworkRequest, request_id, current_actor())
    return _render_show(req)


def _apply_decision(req: TeleworkRequest, form, form_name: str, action: Callable[[], object],
                    success: str):
    """Validate the decision form, run the transition, commit; refusals change nothing."""
    if not form.validate_on_submit():
        return _render_show(req, 422, **{form_name: form})
    try:
        action()
        db.session.commit()
    except TransitionRefused as exc:
        db.session.rollback()
        field = {"reason": "refusal_reason", "refusal_reason_id": "reason_id"}.get(exc.field or "", exc.field or "")
        target = getattr(form, field, None) if field else None
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, exc.message]
            return _render_show(req, 422, **{form_name: form})
        flash(exc.message, "error")
        return redirect(url_for("requests.show", request_id=req.id))
    except RuleViolations as exc:
        db.session.rollback()
        show_violations(form, exc.violations)
        return _render_show(req, 422, **{form_name: form})
    except BusinessRuleError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("requests.show", request_id=req.id))
    flash(success, "success")
    return redirect(url_for("requests.show", request_id=req.id))


@bp.route("/<int:request_id>/accepter", methods=["POST"])
def accept(request_id: int):
    """Accept the request."""
    req = get_visible_or_404(TeleworkRequest, request_id, current_actor())
    form = DecisionForm(prefix="accept")
    return _apply_decision(
        req, form, "accept_form",
        lambda: accept_request(req, form.decision_date.data, form.version.data, current_actor()),
        gettext("Demande acceptée. Rédigez maintenant l'accord de télétravail."),
    )


@bp.route("/<int:request_id>/refuser", methods=["POST"])
def refuse(request_id: int):
    """Refuse the request with a reason."""
    req = get_visible_or_404(TeleworkRequest, request_id, current_actor())
    form = RefuseForm(prefix="refuse")
    form.reason_id.choices = [(0, gettext("— choisir un motif —"))] + reason_choices()
    return _apply_decision(
        req, form, "refuse_form",
        lambda: refuse_request(req, form.refusal_reason.data, form.decision_date.data,
                               form.version.data, current_actor(),
                               reason_id=form.reason_id.data),
        gettext("Demande refusée. Le motif figurera dans la lettre de refus."),
    )


@bp.route("/<int:request_id>/retirer", methods=["POST"])
def withdraw(request_id: int):
    """Record the employee's withdrawal of the request."""
    req = get_visible_or_404(TeleworkRequest, request_id, current_actor())
    form = DecisionForm(prefix="withdraw")
    return _apply_decision(
        req, form, "withdraw_form",
        lambda: withdraw_request(req, form.decision_date.data, form.version.data,
                                 current_actor()),
        gettext("Retrait de la demande enregistré."),
    )
