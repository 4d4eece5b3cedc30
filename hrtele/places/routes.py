"""Telework place screens (HR)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from hrtele.auth.access import current_actor, get_visible_or_404, require_hr
from hrtele.domain.terms import PLACE_KINDS
from hrtele.employees.services import employee_choices
from hrtele.extensions import db
from hrtele.models import Place, TeleworkRequest
from hrtele.places.forms import PlaceForm
from hrtele.places.services import FIELDS, create_place, list_places_stmt, update_place
from hrtele.web.inputs import int_arg
from hrtele.web.pagination import paginate, search_term
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


@bp.route("/")
def index():
    """List places with search, kind filter and pagination."""
    kind = request.args.get("kind", "")
    kind = kind if kind in PLACE_KINDS else ""
    page = paginate(list_places_stmt(search_term(), kind))
    return render_template("places/index.html", page=page, kind=kind)


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
