"""Employee screens (HR)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from hrtele import clock
from hrtele.auth.access import current_actor, get_visible_or_404, require_hr
from hrtele.employees.forms import EmployeeForm
from hrtele.employees.services import (
    FIELDS,
    category_choices,
    create_employee,
    current_agreement_status,
    direct_reports,
    employee_agreements,
    employee_choices,
    employee_requests,
    list_employees_stmt,
    pending_request_counts,
    post_choices,
    update_employee,
)
from hrtele.extensions import db
from hrtele.models import Category, Employee, Post
from hrtele.web.inputs import int_arg
from hrtele.web.list_filters import (
    date_range_filters,
    department_filter,
    manager_filter,
    manager_name_of,
)
from hrtele.web.listing import Column, Filter, ListSpec
from hrtele.web.pagination import paginate
from hrtele.web.saving import Saved, save_form

bp = Blueprint("employees", __name__, url_prefix="/salaries")
bp.before_request(require_hr)


def safe_url(endpoint: str, **values) -> str | None:
    """URL of an endpoint of another area, or None while that area is not built (no 500)."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _form(employee: Employee | None = None) -> EmployeeForm:
    form = EmployeeForm(obj=employee)
    form.post_id.choices = post_choices()
    form.category_id.choices = category_choices()
    form.manager_id.choices = [(0, "—")] + employee_choices(
        exclude_id=employee.id if employee else None,
        include_id=employee.manager_id if employee else None,
    )
    return form


def _data(form: EmployeeForm) -> dict:
    return {name: getattr(form, name).data for name in FIELDS}


def _int_arg(name: str) -> int | None:
    return int_arg(name)


def _save(form: EmployeeForm, action, success) -> Saved[Employee] | None:
    """Run a create/update service and commit; on refusal show why beside the fields."""
    try:
        return save_form(form, action, success=success)
    except IntegrityError:  # a concurrent insert of the same matricule
        db.session.rollback()
        form.personnel_number.errors = [
            *form.personnel_number.errors,
            gettext("Ce matricule vient d'être attribué à un autre salarié."),
        ]
        return None


def _category_label():
    return select(Category.label).where(Category.id == Employee.category_id).scalar_subquery()


def _post_of(column):
    return select(column).where(Post.id == Employee.post_id).scalar_subquery()


def _category_choices() -> list[tuple[str, str]]:
    return [(str(cid), text) for cid, text in category_choices()[1:]]


LIST = ListSpec(
    name="salaries",
    title="Salariés",
    endpoint="employees.index",
    export_endpoint="employees.export",
    columns=(
        Column("number", "Matricule", Employee.personnel_number, lambda e: e.personnel_number),
        Column("name", "Nom", (Employee.last_name, Employee.first_name),
               lambda e: f"{e.last_name.upper()} {e.first_name}"),
        Column("email", "Adresse électronique", Employee.email, lambda e: e.email, shown=False),
        Column("post", "Poste", _post_of(Post.title), lambda e: e.post.title if e.post else ""),
        Column("department", "Service", _post_of(Post.department),
               lambda e: e.post.department if e.post else ""),
        Column("category", "Catégorie", _category_label(),
               lambda e: e.category.label if e.category else ""),
        Column("manager", "Manager", manager_name_of(Employee.id),
               lambda e: e.manager.full_name if e.manager else "", shown=False),
        Column("hired", "Date d'embauche", Employee.hire_date, lambda e: e.hire_date,
               shown=False),
        Column("active", "Présent", Employee.is_active, lambda e: e.is_active, shown=False),
        Column("telework", "Télétravail", None, None),
    ),
    filters=(
        department_filter(Employee.id),
        Filter("category", "Catégorie", lambda stmt, v: stmt.where(Employee.category_id == int(v)),
               choices=_category_choices, all_label="Toutes"),
        Filter("active", "Effectifs", lambda stmt, v: stmt.where(Employee.is_active.is_(v == "1")),
               choices=lambda: [("1", "Présents"), ("0", "Sortis des effectifs")]),
        manager_filter(Employee.id),
        *date_range_filters(Employee.hire_date, "Embauche"),
    ),
    default_sort="name",
    tiebreak=Employee.id,
)


def _listed():
    """(state, statement) of the employees list from the query string."""
    state = LIST.read(request.args)
    return state, LIST.apply(list_employees_stmt(state.term), state)


@bp.route("/")
def index():
    """List employees: sortable columns, filters (department, category, presence, manager,
    hire dates) and search, kept in the URL; SQL pagination."""
    state, stmt = _listed()
    page = paginate(stmt)
    ids = [e.id for e in page.items]
    return render_template(
        "employees/index.html",
        page=page,
        listing=state,
        statuses=current_agreement_status(ids),
        pending=pending_request_counts(ids),
    )


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """The filtered and sorted list as a French CSV or an XLSX workbook."""
    state, stmt = _listed()
    return LIST.export(stmt, fmt, clock.today(), state)


@bp.route("/nouveau", methods=["GET", "POST"])
def create():
    """Create an employee."""
    form = _form()
    if form.validate_on_submit():
        saved = _save(
            form,
            lambda: create_employee(_data(form), current_actor()),
            lambda employee: gettext("Salarié « %(name)s » créé.", name=employee.full_name),
        )
        if saved:
            return redirect(url_for("employees.show", employee_id=saved.value.id))
    status = 422 if request.method == "POST" else 200
    return render_template("employees/form.html", form=form, employee=None), status


@bp.route("/<int:employee_id>")
def show(employee_id: int):
    """One employee: facts, requests, agreements (and documents when that area exists)."""
    employee = get_visible_or_404(Employee, employee_id, current_actor())
    return render_template(
        "employees/show.html",
        employee=employee,
        requests=employee_requests(employee),
        agreements=employee_agreements(employee),
        reports=direct_reports(employee),
        safe_url=safe_url,
    )


@bp.route("/<int:employee_id>/modifier", methods=["GET", "POST"])
def edit(employee_id: int):
    """Edit an employee (409 if someone else saved it meanwhile)."""
    employee = get_visible_or_404(Employee, employee_id, current_actor())
    form = _form(employee)
    if request.method == "GET":
        form.version.data = employee.version
    if form.validate_on_submit():
        if _save(form, lambda: update_employee(employee, _data(form), form.version.data,
                                               current_actor()), gettext("Salarié enregistré.")):
            return redirect(url_for("employees.show", employee_id=employee.id))
    status = 422 if request.method == "POST" else 200
    return render_template("employees/form.html", form=form, employee=employee), status
