"""/api/v1/agreements: telework agreements, their weekly half-days and places."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from hrtele.agreements.services import list_agreements_stmt
from hrtele.api.auth import requires
from hrtele.api.base import ETAG_HEADER, ApiBlueprint, etag_of
from hrtele.api.fields import Str, UtcDateTime, one_of
from hrtele.api.paging import PageArgsSchema, page_of, sort_field, sorted_stmt
from hrtele.api.patterns import telework_half_days
from hrtele.api.problems import problem
from hrtele.api.schemas import AgreementPageSchema, AgreementSchema
from hrtele.documents.services import amendment_facts
from hrtele.domain import amendment_basis as basis
from hrtele.extensions import db
from hrtele.models import Agreement, Employee
from hrtele.models.agreement import AGREEMENT_STATUSES

bp = ApiBlueprint("api_agreements", __name__, url_prefix="/api/v1/agreements", tag="Accords",
                  description="Accords de télétravail : rythme hebdomadaire (demi-journées et "
                              "lieux), dates, indemnité.")

SORTS = {
    "start_date": Agreement.start_date,
    "status": Agreement.status,
    "updated_at": Agreement.updated_dt,
}


class AgreementListArgs(PageArgsSchema):
    """Filters of the Accords screen, plus sync helpers."""

    q = Str(metadata={"description": "Recherche : nom, prénom ou matricule du salarié."})
    status = Str(validate=one_of(AGREEMENT_STATUSES),
                 metadata={"enum": list(AGREEMENT_STATUSES), "description": "État de l'accord."})
    personnel_number = Str(metadata={"description": "Matricule du salarié (exact)."})
    updated_since = UtcDateTime(metadata={"description": "Modifiés depuis cet instant."})
    sort = sort_field(SORTS, "-start_date")


def agreement_view(
    agreement: Agreement, facts: tuple[bool, date | None] | None = None
) -> dict[str, Any]:
    """The agreement with its pattern as half-days and its places (what AgreementSchema dumps).

    ``facts``: (amendment issued in the app?, paper amendment date), read when not given; the
    notice answer is the domain's, as on the agreement page.
    """
    if facts is None:
        facts = amendment_facts([agreement.id])[agreement.id]
    issued, paper_date = facts
    places = [p for p in (agreement.place, agreement.second_place) if p is not None]
    data = {column.key: getattr(agreement, column.key)
            for column in Agreement.__table__.columns}
    data.update(
        employee=agreement.employee,
        weekly_pattern=telework_half_days(agreement.weekly_pattern, agreement.place_id,
                                          agreement.second_place_id),
        places=places,
        amendment_basis=basis.amendment_basis(issued, paper_date),
        paper_amendment_date=paper_date,
        notice_refusal=basis.notice_refusal(
            agreement.status, agreement.kind, issued, paper_date is not None
        ),
    )
    return data


def _options(stmt):
    return stmt.options(joinedload(Agreement.second_place))


@bp.route("", methods=["GET"])
@requires("read")
@bp.arguments(AgreementListArgs, location="query")
@bp.response(200, AgreementPageSchema)
def list_agreements(args):
    """Liste des accords (paginée, filtrable, triée)."""
    stmt = _options(list_agreements_stmt(args.get("q", "")[:100], args.get("status", "")))
    if args.get("personnel_number"):
        stmt = stmt.where(
            func.lower(Employee.personnel_number) == args["personnel_number"].lower()
        )
    if args.get("updated_since"):
        stmt = stmt.where(Agreement.updated_dt >= args["updated_since"])
    page = page_of(sorted_stmt(stmt, args["sort"], SORTS, Agreement.id), args["page"],
                   args["per_page"])
    facts = amendment_facts(a.id for a in page["items"])
    page["items"] = [agreement_view(a, facts[a.id]) for a in page["items"]]
    return page


@bp.route("/<int:agreement_id>", methods=["GET"], errors=(404,))
@requires("read")
@bp.response(200, AgreementSchema, headers=ETAG_HEADER)
def get_agreement(agreement_id: int):
    """Un accord : rythme hebdomadaire en demi-journées avec leur lieu, dates, indemnité."""
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        return problem(404, "Cet accord n'existe pas.")
    return agreement_view(agreement), 200, {"ETag": f'"{etag_of(agreement)}"'}
