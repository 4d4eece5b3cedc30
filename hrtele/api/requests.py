"""/api/v1/requests: telework requests; recording a new one (same checks as the screen)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select

from hrtele import clock
from hrtele.api.auth import current_integration, requires
from hrtele.api.base import CREATED_HEADERS, ETAG_HEADER, ApiBlueprint, commit, etag_of
from hrtele.api.fields import (
    Bool,
    Date,
    FrenchSchema,
    Int,
    JsonNumber,
    List,
    Str,
    UtcDateTime,
    between,
    length,
    one_of,
)
from hrtele.api.paging import PageArgsSchema, page_of, sort_field, sorted_stmt
from hrtele.api.patterns import pattern_from_slots, telework_half_days
from hrtele.api.problems import problem
from hrtele.api.schemas import RequestPageSchema, RequestSchema
from hrtele.domain.pattern import SLOT_NAMES
from hrtele.domain.terms import REQUEST_STATUSES
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import Employee, TeleworkRequest
from hrtele.requests.services import HOME_FROM_FILE, create_request, list_requests_stmt

bp = ApiBlueprint("api_requests", __name__, url_prefix="/api/v1/requests", tag="Demandes",
                  description="Demandes de télétravail : lecture et enregistrement.")

SORTS = {
    "request_date": TeleworkRequest.request_date,
    "status": TeleworkRequest.status,
    "updated_at": TeleworkRequest.updated_dt,
}
#: Field names of the request service (and its form) -> field names of the API body.
FIELD_NAMES = {"employee_id": "personnel_number", "wished_pattern": "wished_half_days"}


class RequestListArgs(PageArgsSchema):
    """Filters of the Demandes screen, plus sync helpers."""

    q = Str(metadata={"description": "Recherche : nom, prénom ou matricule du salarié."})
    status = Str(validate=one_of(REQUEST_STATUSES),
                 metadata={"enum": list(REQUEST_STATUSES), "description": "État de la demande."})
    personnel_number = Str(metadata={"description": "Matricule du salarié (exact)."})
    updated_since = UtcDateTime(metadata={"description": "Modifiées depuis cet instant."})
    sort = sort_field(SORTS, "-request_date")


class RequestCreateSchema(FrenchSchema):
    """A written telework request to record (the employee's voluntary choice)."""

    personnel_number = Str(required=True, validate=length(100, 1),
                           metadata={"description": "Matricule du salarié qui demande."})
    request_date = Date(required=True, metadata={"description": "Date de la demande écrite."})
    initiative = Str(load_default="employee", validate=one_of(["employee", "employer"]),
                     metadata={"enum": ["employee", "employer"],
                               "description": "employee (salarié, par défaut) ou employer."})
    wished_days = JsonNumber(required=True, metadata={
        "description": "Jours souhaités par semaine (0,5 à 5, par demi-journée)."})
    wished_half_days = List(
        Str(validate=one_of(SLOT_NAMES), metadata={"enum": list(SLOT_NAMES)}),
        load_default=list,
        metadata={"description": "Demi-journées souhaitées (« mon_am », …) ; vide : volume "
                                 "sans jours fixes."},
    )
    place_id = Int(allow_none=True, load_default=None, validate=between(1, 2**31 - 1),
                   metadata={"description": "Lieu souhaité (tiers-lieu, ou domicile du salarié)."})
    home_from_file = Bool(load_default=False, metadata={
        "description": "true : le domicile inscrit sur la fiche du salarié (créé s'il le faut)."})
    motive = Str(load_default="", validate=length(4000),
                 metadata={"description": "Motif exprimé par le salarié."})
    confirm_warnings = Bool(load_default=False, metadata={
        "description": "true : enregistrer malgré les avertissements (non bloquants)."})


def request_view(req: TeleworkRequest) -> dict[str, Any]:
    """The request as RequestSchema dumps it (half-days instead of the stored pattern)."""
    data = {column.key: getattr(req, column.key) for column in TeleworkRequest.__table__.columns}
    data.update(
        employee=req.employee,
        refusal_reason_label=req.refusal_reason_label,
        wished_half_days=telework_half_days(req.wished_pattern, req.place_id),
    )
    return data


@bp.route("", methods=["GET"])
@requires("read")
@bp.arguments(RequestListArgs, location="query")
@bp.response(200, RequestPageSchema)
def list_requests(args):
    """Liste des demandes (paginée, filtrable, triée)."""
    stmt = list_requests_stmt(args.get("q", "")[:100], args.get("status", ""))
    if args.get("personnel_number"):
        stmt = stmt.where(
            func.lower(Employee.personnel_number) == args["personnel_number"].lower()
        )
    if args.get("updated_since"):
        stmt = stmt.where(TeleworkRequest.updated_dt >= args["updated_since"])
    page = page_of(sorted_stmt(stmt, args["sort"], SORTS, TeleworkRequest.id), args["page"],
                   args["per_page"])
    page["items"] = [request_view(r) for r in page["items"]]
    return page


@bp.route("/<int:request_id>", methods=["GET"], errors=(404,))
@requires("read")
@bp.response(200, RequestSchema, headers=ETAG_HEADER)
def get_request(request_id: int):
    """Une demande de télétravail."""
    req = db.session.get(TeleworkRequest, request_id)
    if req is None:
        return problem(404, "Cette demande n'existe pas.")
    return request_view(req), 200, {"ETag": f'"{etag_of(req)}"'}


def _violations_problem(exc: RuleViolations):
    blocking = exc.blocking
    errors = [(FIELD_NAMES.get(v.field, v.field), v.message) for v in blocking]
    warnings = [v.message for v in exc.warnings]
    if blocking:
        return problem(422, "Demande refusée par les règles : voir « errors ».",
                       errors=errors, warnings=warnings)
    return problem(
        422,
        "La demande appelle des avertissements : vérifiez-les puis renvoyez-la avec "
        "« confirm_warnings »: true pour l'enregistrer.",
        errors=[(None, "Avertissements à confirmer.")],
        warnings=warnings,
    )


@bp.route("", methods=["POST"], errors=(400, 413, 415))
@requires("write")
@bp.arguments(RequestCreateSchema)
@bp.response(201, RequestSchema, headers=CREATED_HEADERS, description="Demande enregistrée.")
def record_request(data):
    """Enregistrer une demande de télétravail (mêmes contrôles que l'écran Demandes).

    Les règles bloquantes refusent la demande (422, champ et message) ; les avertissements
    doivent être confirmés par « confirm_warnings »: true.
    """
    employee_id = db.session.scalar(
        select(Employee.id).where(
            func.lower(Employee.personnel_number) == data["personnel_number"].lower()
        )
    )
    if employee_id is None:
        return problem(422, "Salarié inconnu.", errors=[
            ("personnel_number", f"Aucun salarié n'a le matricule « {data['personnel_number'][:40]} ».")
        ])
    try:
        pattern = pattern_from_slots(data["wished_half_days"])
    except ValueError as exc:
        return problem(422, "Demi-journées invalides.", errors=[("wished_half_days", str(exc))])
    values = {
        "employee_id": employee_id,
        "request_date": data["request_date"],
        "initiative": data["initiative"],
        "wished_days": data["wished_days"],
        "wished_pattern": pattern,
        "place_id": HOME_FROM_FILE if data["home_from_file"] else data["place_id"],
        "motive": data["motive"],
    }
    try:
        req = create_request(values, current_integration(),  # type: ignore[arg-type]
                             confirm_warnings=data["confirm_warnings"], today=clock.today())
    except RuleViolations as exc:
        db.session.rollback()
        return _violations_problem(exc)
    except (BusinessRuleError, ValueError) as exc:
        db.session.rollback()
        return problem(422, str(exc), errors=[(None, str(exc))])
    commit()
    return request_view(req), 201, {
        "ETag": f'"{etag_of(req)}"',
        "Location": url_for(".get_request", request_id=req.id),
    }
