"""Telework place screens (HR)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from hrtele import clock
from hrtele.auth.access import current_actor, get_visible_or_404, require_hr
from hrtele.domain.terms import PLACE_KINDS
from hrtele.employees.services import employee_choices
from hrtele.extensions import db
from hrtele.models import Employee, Place, TeleworkRequest
from hrtele.places.forms import PlaceForm
from hrtele.places.services import FIELDS, create_place, list_places_stmt, update_place
from hrtele.web.inputs import int_arg
from hrtele.web.labels import LABELS
from hrtele.web.list_filters import choice_filter, department_filter
from hrtele.web.listing import Column, ListSpec
from hrtele.web.pagination import paginate
from hrtele.web.saving import save_form

bp = Blueprint("places", __name__, url_prefix="/lieux")
bp.before_request(require_hr)


def _form(place: Place | None = None) -> PlaceForm:
    form = PlaceForm(obj=place)
    form.employee_id.choices = [(0, "—")] + employee_choices(
        include_id=place.employee_id if place else None
    )
    return form


def _data(form: PlaceForm) -> dict:
    return {name: getattr(form, name).data for name in FIELDS}


def _employee_name():
    return (select(Employee.last_name + " " + Employee.first_name)
            .where(Employee.id == Place.employee_id).scalar_subquery())


LIST = ListSpec(
    name="lieux",
    title="Lieux de télétravail",
    endpoint="places.index",
    export_endpoint="places.export",
    columns=(
        Column("name", "Nom", Place.name, lambda p: p.name),
        Column("kind", "Type", (Place.kind, Place.third_place_type),
               lambda p: LABELS["place_kind"].get(p.kind, p.kind) + (
                   f" — {LABELS['third_place_type'].get(p.third_place_type, '')}"
                   if p.third_place_type else "")),
        Column("address", "Adresse", Place.address, lambda p: p.address),
        Column("employee", "Salarié", _employee_name(),
               lambda p: p.employee.full_name if p.employee else ""),
        Column("capacity", "Capacité", Place.capacity, lambda p: p.capacity, numeric=True),
    ),
    filters=(
        choice_filter("kind", "Type", Place.kind, {k: LABELS["place_kind"][k] for k in PLACE_KINDS}),
        choice_filter("third_place_type", "Type de tiers-lieu", Place.third_place_type,
                      {k: v for k, v in LABELS["third_place_type"].items() if k}),
        department_filter(Place.employee_id),
    ),
    default_sort="kind",
    tiebreak=Place.id,
)


def _listed():
    """(state, statement) of the places list from the query string."""
    state = LIST.read(request.args)
    return state, LIST.apply(list_places_stmt(state.term), state)


@bp.route("/")
def index():
    """List places: sortable columns, filters (kind, type, department of the employee) and
    search, kept in the URL; SQL pagination."""
    state, stmt = _listed()
    return render_template("places/index.html", page=paginate(stmt), listing=state)


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """The filtered and sorted list as a French CSV or an XLSX workbook."""
    state, stmt = _listed()
    return LIST.export(stmt, fmt, clock.today(), state)


@bp.route("/nouveau", methods=["GET", "POST"])
def create():
    """Create a place; ?kind=home&employee_id= prefills the employee's home."""
    form = _form()
    if request.method == "GET":
        if request.args.get("kind") in PLACE_KINDS:
            form.kind.data = request.args["kind"]
        employee_id = int_arg("employee_id")
        if employee_id is not None:
            form.employee_id.data = employee_id
    if form.validate_on_submit():
        saved = save_form(
            form,
            lambda: create_place(_data(form), current_actor()),
            success=lambda place: gettext("Lieu « %(name)s » créé.", name=place.name),
        )
        if saved:
            return redirect(url_for("places.show", place_id=saved.value.id))
    status = 422 if request.method == "POST" else 200
    return render_template("places/form.html", form=form, place=None), status


@bp.route("/<int:place_id>")
def show(place_id: int):
    """One place, with the number of requests naming it."""
    place = get_visible_or_404(Place, place_id, current_actor())
    request_count = db.session.scalar(
        select(func.count(TeleworkRequest.id)).where(TeleworkRequest.place_id == place.id)
    )
    return render_template("places/show.html", place=place, request_count=request_count)


@bp.route("/<int:place_id>/modifier", methods=["GET", "POST"])
def edit(place_id: int):
    """Edit a place (409 if someone else saved it meanwhile)."""
    place = get_visible_or_404(Place, place_id, current_actor())
    form = _form(place)
    if request.method == "GET":
        form.version.data = place.version
    if form.validate_on_submit():
        if save_form(form, lambda: update_place(place, _data(form), form.version.data,
                                                current_actor()),
                     success=gettext("Lieu enregistré.")):
            return redirect(url_for("places.show", place_id=place.id))
    status = 422 if request.method == "POST" else 200
    return render_template("places/form.html", form=form, place=place), status
