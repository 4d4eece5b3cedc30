"""/api/v1/employees: read, and create or update by personnel number (the CSV import's rules)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from hrtele.api.auth import requires
from hrtele.api.base import (
    CREATED_HEADERS,
    ETAG_HEADER,
    ApiBlueprint,
    IfMatchArgs,
    commit,
    etag_of,
    stale_if_match,
)
from hrtele.api.fields import (
    Bool,
    FrenchSchema,
    List,
    Nested,
    QueryBool,
    Str,
    UtcDateTime,
    has_control_chars,
    one_of,
)
from hrtele.api.paging import PageArgsSchema, page_of, sort_field, sorted_stmt
from hrtele.api.problems import problem
from hrtele.api.schemas import EmployeePageSchema, EmployeeSchema
from hrtele.api.upserts import (
    MAX_BATCH,
    BatchReportSchema,
    DryRunArgsSchema,
    apply,
    batch_schema,
    plan,
    rejection,
    row_report,
    write_schema,
)
from hrtele.employees.services import list_employees_stmt
from hrtele.extensions import db
from hrtele.models import Category, Employee

bp = ApiBlueprint(
    "api_employees", __name__, url_prefix="/api/v1/employees", tag="Salariés",
    description="Salariés : lecture, et création ou mise à jour par matricule avec les règles "
                "de l'import CSV.",
)

SORTS = {
    "last_name": Employee.last_name,
    "personnel_number": Employee.personnel_number,
    "hire_date": Employee.hire_date,
    "updated_at": Employee.updated_dt,
}


class EmployeeListArgs(PageArgsSchema):
    """Filters of the employee list (those of the Salariés screen, plus sync helpers)."""

    q = Str(metadata={"description": "Recherche : nom, prénom, matricule ou adresse électronique."})
    department = Str(metadata={"description": "Service du poste (exact)."})
    category_code = Str(metadata={"description": "Code de catégorie (exact)."})
    active = QueryBool(metadata={"description": "true : actifs seulement ; false : sortis."})
    personnel_number = Str(metadata={"description": "Matricule (exact, sans tenir compte de "
                                                    "la casse)."})
    updated_since = UtcDateTime(metadata={"description": "Modifiés depuis cet instant "
                                                         "(ISO 8601) : synchronisation."})
    sort = sort_field(SORTS, "last_name")


EmployeeWriteSchema = write_schema("employees", "EmployeeWrite", without_key=True)
EmployeeBatchItemSchema = write_schema("employees", "EmployeeBatchItem", without_key=False)
EmployeeBatchSchema = batch_schema(EmployeeBatchItemSchema, "EmployeeBatch", MAX_BATCH)


class EmployeeWriteResultSchema(FrenchSchema):
    """What the write did, and the employee as now stored."""

    action = Str(validate=one_of(["create", "update", "unchanged"]),
                 metadata={"enum": ["create", "update", "unchanged"]})
    changed_fields = List(Str())
    warnings = List(Str())
    dry_run = Bool()
    employee = Nested(EmployeeSchema, allow_none=True)


def _loaded(stmt):
    return stmt.options(joinedload(Employee.manager))


def find_employee(personnel_number: str) -> Employee | None:
    """The employee with this personnel number (case-insensitive, as the import matches)."""
    if not personnel_number or len(personnel_number) > 100 or has_control_chars(personnel_number):
        return None
    return db.session.scalar(
        select(Employee)
        .options(joinedload(Employee.post), joinedload(Employee.category),
                 joinedload(Employee.manager))
        .where(func.lower(Employee.personnel_number) == personnel_number.lower())
    )


@bp.route("", methods=["GET"])
@requires("read")
@bp.arguments(EmployeeListArgs, location="query")
@bp.response(200, EmployeePageSchema)
def list_employees(args):
    """Liste des salariés (paginée, filtrable, triée)."""
    category_id = None
    if args.get("category_code"):
        category_id = db.session.scalar(
            select(Category.id).where(Category.code == args["category_code"])
        ) or -1
    active = {True: "1", False: "0"}.get(args.get("active"), "")
    stmt = list_employees_stmt(args.get("q", "")[:100], args.get("department", ""),
                               category_id, active)
    if args.get("personnel_number"):
        stmt = stmt.where(
            func.lower(Employee.personnel_number) == args["personnel_number"].lower()
        )
    if args.get("updated_since"):
        stmt = stmt.where(Employee.updated_dt >= args["updated_since"])
    stmt = sorted_stmt(_loaded(stmt), args["sort"], SORTS, Employee.id)
    return page_of(stmt, args["page"], args["per_page"])


@bp.route("/<path:personnel_number>", methods=["GET"], errors=(404,))
@requires("read")
@bp.response(200, EmployeeSchema, headers=ETAG_HEADER)
def get_employee(personnel_number: str):
    """Un salarié, par son matricule."""
    employee = find_employee(personnel_number)
    if employee is None:
        return problem(404, f"Aucun salarié n'a le matricule « {personnel_number[:40]} ».")
    return employee, 200, {"ETag": f'"{etag_of(employee)}"'}


@bp.route("/<path:personnel_number>", methods=["PUT"], errors=(400, 409, 413, 415))
@requires("write")
@bp.arguments(EmployeeWriteSchema)
@bp.arguments(DryRunArgsSchema, location="query")
@bp.arguments(IfMatchArgs, location="headers")
@bp.response(200, EmployeeWriteResultSchema, headers=ETAG_HEADER,
             description="Salarié mis à jour (ou inchangé : mêmes valeurs).")
@bp.alt_response(201, schema=EmployeeWriteResultSchema, success=True,
                 description="Salarié créé.", headers=CREATED_HEADERS)
def put_employee(data, args, _headers, personnel_number: str):
    """Créer ou mettre à jour un salarié par son matricule (règles et messages de l'import CSV).

    Idempotent : renvoyer les mêmes valeurs ne change rien (action « unchanged »). Un champ
    absent garde sa valeur. Les refus (422) citent le champ et le message de l'import CSV.
    """
    stale = stale_if_match(find_employee(personnel_number))
    if stale is not None:
        return stale
    the_plan = plan("employees", [{**data, "personnel_number": personnel_number}])
    row = the_plan.rows[0]
    if row.action == "reject":
        return rejection(row)
    if not args["dry_run"]:
        apply(the_plan)
        commit()
    employee = find_employee(row.key)
    body = {
        "action": row.action,
        "changed_fields": sorted(row.changes) if row.action == "update" else [],
        "warnings": [str(w) for w in row.warnings],
        "dry_run": args["dry_run"],
        "employee": employee,
    }
    headers = {}
    if employee is not None:
        headers["ETag"] = f'"{etag_of(employee)}"'
        if row.action == "create":
            headers["Location"] = url_for(".get_employee", personnel_number=employee.personnel_number)
    return body, 201 if row.action == "create" and not args["dry_run"] else 200, headers


@bp.route("/batch", methods=["POST"], errors=(400, 413, 415))
@requires("write")
@bp.arguments(EmployeeBatchSchema)
@bp.arguments(DryRunArgsSchema, location="query")
@bp.response(200, BatchReportSchema)
def batch_employees(data, args):
    """Créer ou mettre à jour un lot de salariés (comme un fichier d'import CSV).

    Les lignes refusées n'empêchent pas les autres d'être enregistrées, comme à l'import
    d'un fichier ; le tout est écrit en une seule transaction. dry_run=true : aperçu seulement.
    """
    the_plan = plan("employees", data["items"])
    counts = the_plan.counts
    if not args["dry_run"]:
        counts = apply(the_plan)
        commit()
    return {
        "dry_run": args["dry_run"],
        "counts": counts,
        "items": [row_report(i, row) for i, row in enumerate(the_plan.rows)],
    }
