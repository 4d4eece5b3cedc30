"""/api/v1/allowances: the telework allowances of closed months, for payroll (scope payroll).

Only closed months are served, from the export stored when the month was closed: payroll
reads exactly the figures HR froze, never a fresh computation that could still change.
"""

from __future__ import annotations

from decimal import Decimal

from hrtele.allowances.services import (
    closed_months_stmt,
    get_export,
    month_label,
    stored_lines,
)
from hrtele.api.auth import current_integration, requires
from hrtele.api.base import ApiBlueprint
from hrtele.api.paging import PageArgsSchema, page_of, page_schema
from hrtele.api.problems import problem
from hrtele.api.schemas import AllowanceMonthSchema, ClosedMonthSchema
from hrtele.audit.service import record
from hrtele.database import writes_on_get
from hrtele.extensions import db

bp = ApiBlueprint("api_allowances", __name__, url_prefix="/api/v1/allowances", tag="Indemnités (paie)",
                  description="Indemnités de télétravail des mois clôturés, pour la paie "
                              "(portée « paie »).")

ClosedMonthPageSchema = page_schema(ClosedMonthSchema, "ClosedMonthPage")
PERIOD_PATTERN = r"^[0-9]{4}-[0-9]{2}$"


def _month(export) -> dict:
    return {
        "period": f"{export.year:04d}-{export.month:02d}",
        "closed_at": export.closed_dt,
        "row_count": export.row_count,
        "sha256": export.sha256,
    }


@bp.route("", methods=["GET"])
@requires("payroll")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, ClosedMonthPageSchema)
def list_closed_months(args):
    """Mois clôturés, du plus récent au plus ancien."""
    page = page_of(closed_months_stmt(), args["page"], args["per_page"])
    page["items"] = [_month(e) for e in page["items"]]
    return page


writes_on_get("api_allowances.get_allowance_month")  # the read of payroll data is audited


@bp.route("/<string:period>", methods=["GET"], errors=(404,),
          parameters=[{"in": "path", "name": "period", "required": True,
                       "description": "Mois (aaaa-mm), par exemple 2026-10.",
                       "schema": {"type": "string", "pattern": PERIOD_PATTERN}}])
@requires("payroll")
@bp.response(200, AllowanceMonthSchema)
def get_allowance_month(period: str):
    """Indemnités d'un mois clôturé : une ligne par salarié, lue dans l'export enregistré."""
    parts = period.split("-")
    if (len(period) != 7 or len(parts) != 2
            or not all(p.isascii() and p.isdigit() for p in parts)):
        return problem(404, "Mois inconnu : utilisez le format aaaa-mm (par exemple 2026-10).")
    year, month = int(parts[0]), int(parts[1])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return problem(404, "Mois inconnu : utilisez le format aaaa-mm (par exemple 2026-10).")
    export = get_export(year, month)
    if export is None:
        return problem(404, f"Le mois {period} ({month_label(year, month)}) n'est pas clôturé : "
                            "ses indemnités peuvent encore changer et ne sont pas transmises à "
                            "la paie.")
    lines = stored_lines(export.csv_bytes)
    totals = {
        key: sum((line[key] for line in lines), Decimal(0))
        for key in ("days", "amount", "exempt", "excess")
    }
    body = {**_month(export), "totals": totals, "lines": lines}
    record("download", "payroll_exports", export.id, current_integration(),  # type: ignore[arg-type]
           {"period": period, "sha256": export.sha256, "via": "api"})
    db.session.commit()
    return body
