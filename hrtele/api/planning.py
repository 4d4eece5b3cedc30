"""/api/v1/planning: who works where, half-day by half-day, over a period (scope read).

The cells come from the planning service, the same computation as the Planning screen and the
calendar feeds: agreements, the employee's working week, public holidays, absences and the
one-off day changes HR approved. An absence is reported as « absent », never with its reason.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, func, select

from hrtele import clock
from hrtele.api.auth import requires
from hrtele.api.base import ApiBlueprint
from hrtele.api.fields import (
    Bool,
    Date,
    FrenchSchema,
    Int,
    List,
    Nested,
    QueryBool,
    QueryInt,
    Str,
    between,
)
from hrtele.api.paging import PageArgsSchema, page_schema
from hrtele.api.problems import problem
from hrtele.domain import planning as dp
from hrtele.extensions import db
from hrtele.planning.services import Filters, compute_grid, employees_stmt

bp = ApiBlueprint("api_planning", __name__, url_prefix="/api/v1/planning", tag="Planning",
                  description="Planning : où travaille chaque salarié, demi-journée par "
                              "demi-journée, sur une période (31 jours au plus).")

MAX_DAYS = 31
KINDS = [dp.OFF, dp.HOLIDAY, dp.ABSENT, dp.OFFICE, dp.TELEWORK]


def _d(text: str, **extra) -> dict:
    return {"description": text, **extra}


class PlanningArgs(PageArgsSchema):
    """Period and filters (those of the Planning screen)."""

    start = Date(metadata=_d("Premier jour (aaaa-mm-jj). Par défaut : le lundi de la semaine "
                             "en cours (heure de Paris)."))
    days = QueryInt(load_default=7, validate=between(1, MAX_DAYS),
                    metadata=_d(f"Nombre de jours (1 à {MAX_DAYS}). Par défaut : 7."))
    department = Str(metadata=_d("Service du poste (exact)."))
    team_id = QueryInt(validate=between(1, 2**31 - 1), metadata=_d("Équipe (identifiant)."))
    place_id = QueryInt(validate=between(1, 2**31 - 1),
                        metadata=_d("Lieu : salariés dont un accord en cours y télétravaille."))
    with_agreement = QueryBool(load_default=False,
                               metadata=_d("true : seulement les salariés ayant un accord "
                                           "en cours sur la période."))


class PlanningCellSchema(FrenchSchema):
    """Where one employee is on one half-day."""

    date = Date(required=True, metadata=_d("Jour."))
    half = Str(required=True, metadata=_d("am (matin) ou pm (après-midi).", enum=["am", "pm"]))
    kind = Str(required=True, metadata=_d(
        "off (non travaillé), holiday (jour férié), absent, office (sur site) ou telework.",
        enum=KINDS))
    place_id = Int(allow_none=True, metadata=_d("Lieu de télétravail (telework seulement)."))
    changed = Bool(required=True, metadata=_d("Résultat d'un changement ponctuel accordé."))


class PlanningRowSchema(FrenchSchema):
    """One employee's half-days over the period."""

    personnel_number = Str(required=True, metadata=_d("Matricule."))
    first_name = Str(required=True, metadata=_d("Prénom."))
    last_name = Str(required=True, metadata=_d("Nom."))
    department = Str(required=True, metadata=_d("Service du poste (vide sans poste)."))
    team = Str(required=True, metadata=_d("Équipe (vide sans équipe)."))
    half_days = List(Nested(PlanningCellSchema), required=True,
                     metadata=_d("Chaque demi-journée de la période, dans l'ordre."))


class PlanningPageSchema(page_schema(PlanningRowSchema, "PlanningRows")):
    """A page of employees with their half-days, and the period."""

    start = Date(required=True, metadata=_d("Premier jour de la période."))
    end = Date(required=True, metadata=_d("Dernier jour de la période."))


def _rows_page(stmt: Select, page: int, per_page: int) -> dict:
    """One page of a multi-column statement (db.paginate would keep the first column only)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": rows, "page": page, "per_page": per_page, "total": total or 0,
            "pages": max(1, -(-(total or 0) // per_page))}


@bp.route("", methods=["GET"])
@requires("read")
@bp.arguments(PlanningArgs, location="query")
@bp.response(200, PlanningPageSchema)
def get_planning(args):
    """Planning d'une période, par salarié (actifs, par nom), paginé."""
    today = clock.today()
    start = args.get("start") or today - timedelta(days=today.weekday())
    if not (2000 <= start.year <= 2100):
        return problem(422, "Date de début hors de la période gérée (2000 à 2100).",
                       errors=[("start", "Date hors de la période gérée (2000 à 2100).")])
    days = [start + timedelta(days=i) for i in range(args["days"])]
    filters = Filters(department=(args.get("department") or "")[:100],
                      team_id=args.get("team_id"), place_id=args.get("place_id"),
                      with_agreement=args["with_agreement"])
    page = _rows_page(employees_stmt(filters, days[0], days[-1]), args["page"], args["per_page"])
    ids = tuple(r.id for r in page["items"])
    grid = compute_grid(Filters(employee_ids=ids), days) if ids else None
    rows = {row.employee_id: row for row in grid.rows} if grid else {}
    items = []
    for person in page["items"]:
        row = rows.get(person.id)
        cells = row.cells if row else {}
        items.append({
            "personnel_number": person.personnel_number,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "department": person.department or "",
            "team": person.team_name or "",
            "half_days": [
                {"date": d, "half": h, "kind": cell.kind,
                 "place_id": cell.place_id if cell.is_telework else None,
                 "changed": cell.changed}
                for (d, h), cell in sorted(cells.items())
            ],
        })
    page["items"] = items
    page["start"], page["end"] = days[0], days[-1]
    return page
