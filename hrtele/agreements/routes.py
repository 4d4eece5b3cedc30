"""Agreement screens (HR): list, create (from an accepted request), show, edit."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from hrtele import clock
from hrtele.agreements import page
from hrtele.agreements.compliance import seat_occupancy
from hrtele.agreements.forms import AgreementForm
from hrtele.agreements.services import (
    create_agreement,
    current_violations,
    list_agreements_stmt,
    locked_message,
    open_request_choices,
    place_choices,
    update_agreement,
)
from hrtele.auth.access import current_actor, get_visible_or_404, require_hr
from hrtele.domain import campaigns as campaign_domain
from hrtele.domain_adapters import employer_policy
from hrtele.extensions import db
from hrtele.models import Agreement, Employee, Place, TeleworkRequest
from hrtele.places.services import place_names
from hrtele.web.filters import schedule_fr
from hrtele.web.inputs import int_arg
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
from hrtele.web.pagination import paginate
from hrtele.web.saving import save_form

bp = Blueprint("agreements", __name__, url_prefix="/accords")
bp.before_request(require_hr)


def optional_url(endpoint: str, **values) -> str | None:
    """URL of another area's page, or None while that area does not exist."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _render_form(
    form: AgreementForm, agreement: Agreement | None, employee: Employee | None, status: int
):
    return render_template(
        "agreements/form.html",
        form=form,
        agreement=agreement,
        employee=employee,
        policy=employer_policy(),
        optional_url=optional_url,
    ), status


def _query_request() -> TeleworkRequest | None:
    """The request named by ?request_id= (create form prefill), if it exists."""
    request_id = int_arg("request_id")
    return db.session.get(TeleworkRequest, request_id) if request_id is not None else None


def _prefill(form: AgreementForm, req: TeleworkRequest | None) -> None:
    """Defaults of a new agreement: the request's wishes and the employer's policy."""
    policy = employer_policy()
    if policy is not None:
        form.adaptation_months.data = policy.adaptation_months
        form.notice_days_during_adaptation.data = policy.notice_days_during_adaptation
        form.notice_days_after_adaptation.data = policy.notice_days_after_adaptation
        form.contact_slots.data = policy.default_contact_slots
        form.time_control.data = policy.default_time_control
        form.allowance_scheme.data = policy.allowance_scheme
        form.allowance_amount.data = policy.allowance_amount
        form.allowance_monthly_cap.data = policy.allowance_monthly_cap
        form.reversibility_clause.data = policy.reversibility_clause
    if req is not None:
        form.request_id.data = req.id
        form.days_per_week.data = req.wished_days
        form.weekly_pattern.data = req.wished_pattern
        form.place_id.data = req.place_id or 0
        form.second_place_id.data = req.second_place_id or 0


def describe_grid(form: AgreementForm, employee: Employee | None, place, second_place) -> None:
    """Tell the pattern grid the employee's working week and the names of the places."""
    if employee is not None:
        form.weekly_pattern.working_week = employee.working_pattern
    form.weekly_pattern.place_labels = place_names(place, second_place)


def _place_name():
    return select(Place.name).where(Place.id == Agreement.place_id).scalar_subquery()


def _place_label(a: Agreement) -> str:
    if a.place is None:
        return ""
    return LABELS["place_kind"].get(a.place.kind, a.place.kind) + (
        f" — {a.place.name}" if a.place.kind != "home" else "")


LIST = ListSpec(
    name="accords",
    title="Accords de télétravail",
    endpoint="agreements.index",
    export_endpoint="agreements.export",
    columns=(
        Column("id", "N°", Agreement.id, lambda a: a.id, numeric=True),
        Column("employee", "Salarié", (Employee.last_name, Employee.first_name),
               lambda a: a.employee.full_name),
        Column("number", "Matricule", Employee.personnel_number,
               lambda a: a.employee.personnel_number),
        Column("department", "Service", department_of(Agreement.employee_id),
               lambda a: a.employee.post.department if a.employee.post else "", shown=False),
        Column("manager", "Manager", manager_name_of(Agreement.employee_id),
               lambda a: a.employee.manager.full_name if a.employee.manager else "",
               shown=False),
        Column("status", "État", Agreement.status,
               lambda a: LABELS["agreement_status"].get(a.status, a.status)),
        Column("days", "Jours / sem.", Agreement.days_per_week, lambda a: a.days_per_week,
               numeric=True),
        Column("schedule", "Rythme", None, schedule_fr),
        Column("place", "Lieu", _place_name(), _place_label),
        Column("start", "Début", Agreement.start_date, lambda a: a.start_date),
        Column("end", "Fin", Agreement.end_date, lambda a: a.end_date),
    ),
    filters=(
        choice_filter("status", "État", Agreement.status, LABELS["agreement_status"]),
        department_filter(Agreement.employee_id),
        place_filter(Agreement.place_id, Agreement.second_place_id),
        day_filter(Agreement.weekly_pattern),
        manager_filter(Agreement.employee_id),
        *date_range_filters(Agreement.start_date, "Début"),
    ),
    default_sort="start",
    default_desc=True,
    tiebreak=Agreement.id,
)


def _listed():
    """(state, statement) of the agreements list from the query string."""
    state = LIST.read(request.args)
    return state, LIST.apply(list_agreements_stmt(state.term), state)


@bp.route("/")
def index():
    """List agreements: sortable columns, filters, search, SQL pagination; rows selectable
    for a campaign (the selection posts to campaigns.create)."""
    state, stmt = _listed()
    return render_template(
        "agreements/index.html",
        page=paginate(stmt),
        listing=state,
        kinds=campaign_domain.KINDS,
    )


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """The filtered and sorted list as a French CSV or an XLSX workbook."""
    state, stmt = _listed()
    return LIST.export(stmt, fmt, clock.today(), state)


@bp.route("/nouveau", methods=["GET", "POST"])
def create():
    """Create a draft agreement answering an accepted request (?request_id= prefills it)."""
    form = AgreementForm()
    if request.method == "GET":
        req = _query_request()
        _prefill(form, req)
    else:
        req = (
            db.session.get(TeleworkRequest, form.request_id.data)
            if (isinstance(form.request_id.data, int) and 0 < form.request_id.data < 2**31)
            else None
        )
    employee = req.employee if req is not None else None
    form.request_id.choices = open_request_choices(req)
    form.place_id.choices = place_choices(employee)
    form.second_place_id.choices = place_choices(employee)
    if req is not None:
        describe_grid(form, employee, req.place, req.second_place)
    if form.validate_on_submit():
        saved = save_form(
            form,
            lambda: create_agreement(
                form.service_data(), current_actor(), bool(form.confirm_warnings.data), clock.today()
            ),
            success=lambda agreement: f"Accord n° {agreement.id} enregistré (brouillon).",
            on_violations=AgreementForm.apply_rules,
        )
        if saved:
            return redirect(url_for("agreements.show", agreement_id=saved.value.id))
    return _render_form(form, None, employee, 422 if request.method == "POST" else 200)


@bp.route("/<int:agreement_id>")
def show(agreement_id: int):
    """One agreement: every fact, live compliance check, links, other areas' panels."""
    agreement = get_visible_or_404(Agreement, agreement_id, current_actor())
    # The documents and lifecycle panels are computed once: the header and the tabs share them.
    from hrtele.documents.routes import agreement_panel
    from hrtele.lifecycle.routes import panel_for

    locked = locked_message(agreement)
    documents_data = agreement_panel(agreement)
    lifecycle_data = panel_for(agreement)
    return render_template(
        "agreements/show.html",
        agreement=agreement,
        violations=current_violations(agreement, clock.today()),
        seats=seat_occupancy(agreement),
        locked=locked,
        optional_url=optional_url,
        documents_data=documents_data,
        lifecycle_data=lifecycle_data,
        head=page.header(agreement, documents_data, lifecycle_data, locked),
    )


@bp.route("/<int:agreement_id>/modifier", methods=["GET", "POST"])
def edit(agreement_id: int):
    """Edit a draft (or issued, unsigned) agreement; 409 if someone else saved it meanwhile."""
    agreement = get_visible_or_404(Agreement, agreement_id, current_actor())
    locked = locked_message(agreement)
    if locked:
        return render_template("agreements/locked.html", agreement=agreement, message=locked), 409
    form = AgreementForm(obj=agreement, agreement=agreement)
    form.place_id.choices = place_choices(agreement.employee)
    form.second_place_id.choices = place_choices(agreement.employee)
    if request.method == "GET":
        form.version.data = agreement.version
        form.place_id.data = agreement.place_id or 0
        form.second_place_id.data = agreement.second_place_id or 0
    describe_grid(form, agreement.employee, agreement.place, agreement.second_place)
    if form.validate_on_submit():
        if save_form(
            form,
            lambda: update_agreement(
                agreement,
                form.service_data(),
                form.version.data,
                current_actor(),
                bool(form.confirm_warnings.data),
                clock.today(),
            ),
            success="Accord enregistré.",
            on_violations=AgreementForm.apply_rules,
        ):
            return redirect(url_for("agreements.show", agreement_id=agreement.id))
    return _render_form(
        form, agreement, agreement.employee, 422 if request.method == "POST" else 200
    )
