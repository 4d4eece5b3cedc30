"""The URSSAF exemption ceiling table stored in the database (UrssafCeiling rows).

The table is data: it is seeded from hrtele/data/urssaf_ceilings.json (the reference file,
legal.md §5.2), an administrator may add, edit or delete rows, and every change is validated
through the rules of hrtele.domain.ceilings.parse_ceilings (no overlapping periods, amounts
non-negative and to the cent, at least one basis per row). Computations read the table through
current_ceilings(). The table is filled by migration i16_reference_data (and `demo-data`),
never by a page: a first visit writes nothing.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select

from hrtele.audit.service import changed_fields, record
from hrtele.domain.ceilings import DEFAULT_CEILINGS_PATH, Ceiling, dump_ceilings, parse_ceilings
from hrtele.editing import BusinessRuleError, check_version
from hrtele.extensions import db
from hrtele.models import UrssafCeiling, User

LABEL = "Cette ligne du barème"
EDITABLE_FIELDS = (
    "valid_from",
    "valid_to",
    "per_weekly_day_monthly",
    "per_day",
    "monthly_cap",
    "note",
    "source",
)
_LINE_PREFIX = re.compile(r"^Ligne \d+ : ")


def to_ceiling(row: UrssafCeiling) -> Ceiling:
    """Domain value of a stored row."""
    return Ceiling(
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        per_weekly_day_monthly=_amount(row.per_weekly_day_monthly),
        per_day=_amount(row.per_day),
        monthly_cap=_amount(row.monthly_cap),
        note=row.note or "",
        source=row.source or "",
    )


def _amount(value: Decimal | None) -> Decimal | None:
    """Stored Numeric -> Decimal to the cent (SQLite may hand back more digits)."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def list_rows() -> list[UrssafCeiling]:
    """Every stored row, oldest period first."""
    return list(db.session.scalars(select(UrssafCeiling).order_by(UrssafCeiling.valid_from)))


def reference_ceilings() -> tuple[Ceiling, ...]:
    """The reference file's table, read afresh (an updated file is seen without a restart)."""
    return parse_ceilings(DEFAULT_CEILINGS_PATH.read_text(encoding="utf-8"))


def _insert(ceilings: tuple[Ceiling, ...]) -> None:
    for c in ceilings:
        db.session.add(
            UrssafCeiling(
                valid_from=c.valid_from,
                valid_to=c.valid_to,
                per_weekly_day_monthly=c.per_weekly_day_monthly,
                per_day=c.per_day,
                monthly_cap=c.monthly_cap,
                note=c.note,
                source=c.source,
            )
        )
    db.session.flush()


def seed_if_empty(actor: User | None = None) -> int:
    """Fill an empty table from the reference file; returns the number of rows added (0 if not empty)."""
    if db.session.scalar(select(func.count(UrssafCeiling.id))):
        return 0
    ceilings = reference_ceilings()
    _insert(ceilings)
    record("create", "urssaf_ceilings", None, actor,
           {"source": "fichier de référence", "rows": len(ceilings)})
    return len(ceilings)


def reset_from_reference(actor: User | None) -> int:
    """Replace the whole table by the reference file's rows (audited); returns the row count."""
    ceilings = reference_ceilings()
    before = [_row_dict(to_ceiling(r)) for r in list_rows()]
    db.session.execute(delete(UrssafCeiling))
    db.session.flush()  # the deletes must reach the database before the unique valid_from inserts
    _insert(ceilings)
    record("update", "urssaf_ceilings", None, actor,
           {"action": "réinitialisation depuis le fichier de référence",
            "before": json.dumps(before, ensure_ascii=False), "rows": len(ceilings)})
    return len(ceilings)


def current_ceilings() -> tuple[Ceiling, ...]:
    """The table used by computations (read only: it is loaded by the migrations)."""
    return tuple(to_ceiling(r) for r in list_rows())


def reference_rows() -> list[dict[str, Any]]:
    """The reference file's periods as column values (migration and test set-up)."""
    return [
        {"valid_from": c.valid_from, "valid_to": c.valid_to,
         "per_weekly_day_monthly": c.per_weekly_day_monthly, "per_day": c.per_day,
         "monthly_cap": c.monthly_cap, "note": c.note, "source": c.source, "version": 1}
        for c in reference_ceilings()
    ]


def _row_dict(c: Ceiling | dict[str, Any]) -> dict[str, Any]:
    """JSON-ready dict (the reference file's shape) of a Ceiling or of form data."""
    get = c.get if isinstance(c, dict) else (lambda k: getattr(c, k))

    def iso(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    def amount(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "valid_from": iso(get("valid_from")),
        "valid_to": iso(get("valid_to")),
        "per_weekly_day_monthly": amount(get("per_weekly_day_monthly")),
        "per_day": amount(get("per_day")),
        "monthly_cap": amount(get("monthly_cap")),
        "note": get("note") or "",
        "source": get("source") or "",
    }


def validate_table(rows: list[dict[str, Any]]) -> tuple[Ceiling, ...]:
    """Run a whole candidate table through parse_ceilings; BusinessRuleError (French) if refused."""
    try:
        return parse_ceilings(json.dumps({"ceilings": rows}, ensure_ascii=False))
    except ValueError as exc:
        raise BusinessRuleError(_LINE_PREFIX.sub("", str(exc))) from None


def _table_with(row_id: int | None, data: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Current table as dicts, with row_id replaced by data (added when row_id is None, removed when data is None)."""
    out = [_row_dict(to_ceiling(r)) for r in list_rows() if r.id != row_id]
    if data is not None:
        out.append(_row_dict(data))
    return out


def create_row(data: dict[str, Any], actor: User | None) -> UrssafCeiling:
    """Add a period after validating the whole resulting table."""
    validate_table(_table_with(None, data))
    row = UrssafCeiling(**{k: data.get(k) for k in EDITABLE_FIELDS})
    row.note = row.note or ""
    row.source = row.source or ""
    db.session.add(row)
    db.session.flush()
    record("create", "urssaf_ceilings", row.id, actor, _row_dict(data))
    return row


def update_row(row: UrssafCeiling, data: dict[str, Any], expected_version: int | None,
               actor: User | None) -> UrssafCeiling:
    """Edit a period (409 when someone saved it meanwhile) after validating the whole table."""
    check_version(row, expected_version, LABEL)
    validate_table(_table_with(row.id, data))
    for key in EDITABLE_FIELDS:
        value = data.get(key)
        setattr(row, key, value if value is not None or key not in ("note", "source") else "")
    changes = changed_fields(row)
    db.session.flush()
    if changes:
        record("update", "urssaf_ceilings", row.id, actor, changes)
    return row


def delete_row(row: UrssafCeiling, expected_version: int | None, actor: User | None) -> None:
    """Remove a period (gaps are allowed: months in a gap have no known ceiling)."""
    check_version(row, expected_version, LABEL)
    snapshot = _row_dict(to_ceiling(row))
    row_id = row.id
    db.session.delete(row)
    db.session.flush()
    record("delete", "urssaf_ceilings", row_id, actor, snapshot)


def table_json() -> str:
    """The stored table in the reference file's JSON format (for download)."""
    return dump_ceilings(current_ceilings())
