"""The list of every issued document (HR): sortable, filtered, exported as CSV or XLSX."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, defer

from hrtele import clock
from hrtele.auth.access import guard, require_hr
from hrtele.documents.routes import bp
from hrtele.models import Employee, IssuedDocument
from hrtele.web.labels import LABELS
from hrtele.web.list_filters import (
    choice_filter,
    date_range_filters,
    department_filter,
    department_of,
)
from hrtele.web.listing import Column, Filter, ListSpec
from hrtele.web.pagination import like_pattern, paginate


def list_documents_stmt(term: str = "") -> Select:
    """Issued documents with their employee, without their bytes, searched by employee or
    reference."""
    stmt = (
        select(IssuedDocument)
        .outerjoin(Employee, IssuedDocument.employee_id == Employee.id)
        .options(
            contains_eager(IssuedDocument.employee),
            defer(IssuedDocument.pdf_bytes),
            defer(IssuedDocument.snapshot_json),
        )
    )
    for word in term.split()[:5]:
        pattern = like_pattern(word)
        stmt = stmt.where(or_(
            IssuedDocument.reference.ilike(pattern, escape="\\"),
            Employee.last_name.ilike(pattern, escape="\\"),
            Employee.first_name.ilike(pattern, escape="\\"),
            Employee.personnel_number.ilike(pattern, escape="\\"),
        ))
    return stmt


def _yes_no(name: str, label: str, condition, yes: str, no: str) -> Filter:
    return Filter(name, label,
                  lambda stmt, v: stmt.where(condition if v == "1" else ~condition),
                  choices=lambda: [("1", yes), ("0", no)])


def _employee_name(doc: IssuedDocument) -> str:
    return doc.employee.full_name if doc.employee else ""


LIST = ListSpec(
    name="documents",
    title="Documents émis",
    endpoint="documents.index",
    export_endpoint="documents.export",
    columns=(
        Column("reference", "Référence", IssuedDocument.reference, lambda d: d.reference),
        Column("kind", "Document", IssuedDocument.kind,
               lambda d: LABELS["document_kind"].get(d.kind, d.kind)),
        Column("version", "Version", IssuedDocument.version, lambda d: d.version, numeric=True),
        Column("employee", "Salarié", (Employee.last_name, Employee.first_name), _employee_name),
        Column("number", "Matricule", Employee.personnel_number,
               lambda d: d.employee.personnel_number if d.employee else "", shown=False),
        Column("department", "Service", department_of(IssuedDocument.employee_id),
               lambda d: d.employee.post.department if d.employee and d.employee.post else "",
               shown=False),
        Column("issued", "Émis le", IssuedDocument.issued_dt, lambda d: d.issued_dt),
        Column("superseded", "Remplacé", IssuedDocument.is_superseded, lambda d: d.is_superseded),
        Column("acknowledged", "Accusé de réception", IssuedDocument.acknowledged_dt,
               lambda d: d.acknowledged_dt),
        Column("sha256", "Empreinte SHA-256", None, lambda d: d.sha256, shown=False),
    ),
    filters=(
        choice_filter("kind", "Document", IssuedDocument.kind, LABELS["document_kind"]),
        department_filter(IssuedDocument.employee_id),
        _yes_no("superseded", "Version", IssuedDocument.is_superseded.is_(True),
                "Remplacées", "En vigueur"),
        _yes_no("acknowledged", "Accusé de réception", IssuedDocument.acknowledged_dt.is_not(None),
                "Reçu", "Non reçu"),
        *date_range_filters(IssuedDocument.issued_dt, "Émis", timestamp=True),
    ),
    default_sort="issued",
    default_desc=True,
    tiebreak=IssuedDocument.id,
)


def _listed():
    """(state, statement) of the documents list from the query string."""
    state = LIST.read(request.args)
    return state, LIST.apply(list_documents_stmt(state.term), state)


@bp.get("/")
@guard(require_hr)
def index():
    """Every issued document: sortable columns, filters (kind, department, version, receipt,
    issue dates) and search, kept in the URL; SQL pagination."""
    state, stmt = _listed()
    return render_template("documents/index.html", page=paginate(stmt), listing=state)


@bp.get("/export.<any(csv, xlsx):fmt>")
@guard(require_hr)
def export(fmt: str):
    """The filtered and sorted list as a French CSV or an XLSX workbook."""
    state, stmt = _listed()
    return LIST.export(stmt, fmt, clock.today(), state)
