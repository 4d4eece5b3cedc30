"""A month's allowances computed once per data change and stored, then read a page at a time.

compute_month walks every agreement in Python (about 2 s at 100,000 employees): the month page
now asks this module, which recomputes only when the business data changed since (the data
version of hrtele.cache) and keeps the lines in ``allowance_lines`` for SQL pagination.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import delete, func, insert, select

from hrtele.allowances.services import PayrollLine, PayrollMonth, compute_month, csv_bytes
from hrtele.cache import Stored, background_refresh, data_version, decode, queue_once, store
from hrtele.domain.ceilings import Ceiling
from hrtele.extensions import db
from hrtele.models import AllowanceLine, DerivedResult


@dataclass
class MonthSummary:
    """Everything the month page shows except the lines themselves."""

    year: int
    month: int
    anomalies: list[str] = field(default_factory=list)
    ceiling: Ceiling | None = None
    totals: dict[str, Decimal] = field(default_factory=dict)
    csv_sha256: str = ""
    line_count: int = 0

    def payroll(self) -> PayrollMonth:
        """A PayrollMonth without lines (label, key, anomalies, ceiling for the template)."""
        return PayrollMonth(self.year, self.month, [], self.anomalies, self.ceiling)


def month_key(year: int, month: int) -> str:
    """'2026-11'."""
    return f"{year:04d}-{month:02d}"


def _line_row(key: str, position: int, version: int, line: PayrollLine) -> dict:
    return {
        "month_key": key, "position": position, "data_version": version,
        "employee_id": line.employee_id, "personnel_number": line.personnel_number,
        "last_name": line.last_name, "first_name": line.first_name,
        "references": json.dumps(line.references, ensure_ascii=False),
        "agreement_ids": json.dumps(line.agreement_ids),
        "schemes": json.dumps(line.schemes), "days": line.days, "amount": line.amount,
        "exempt": line.exempt, "excess": line.excess, "ceiling_label": line.ceiling_label,
        "notes": json.dumps(line.notes, ensure_ascii=False),
    }


def month_summary(year: int, month: int) -> MonthSummary:
    """The month's summary at the current data version, recomputing and storing it if stale."""
    return month_lookup(year, month).value


def month_lookup(year: int, month: int) -> Stored:
    """The stored month: fresh, or stale while a background job recomputes it, or computed now
    when nothing is stored yet."""
    key = f"allowances:{month_key(year, month)}"
    version = data_version()
    row = db.session.get(DerivedResult, key)
    if row is not None and row.data_version == version:
        return Stored(decode(json.loads(row.payload)), True, row.computed_dt)
    if row is not None and background_refresh():
        from hrtele.jobs.tasks import refresh_derived

        queue_once(key, version, lambda: refresh_derived(key))
        return Stored(decode(json.loads(row.payload)), False, row.computed_dt)
    return Stored(recompute_month(year, month, version), True, None)


def recompute_month(year: int, month: int, version: int) -> MonthSummary:
    """Compute the month (compute_month), replace its stored lines and summary."""
    key = month_key(year, month)
    payroll = compute_month(year, month)
    summary = MonthSummary(
        year=year, month=month, anomalies=payroll.anomalies, ceiling=payroll.ceiling,
        totals=payroll.totals, csv_sha256=hashlib.sha256(csv_bytes(payroll)).hexdigest(),
        line_count=len(payroll.lines),
    )
    db.session.execute(delete(AllowanceLine).where(AllowanceLine.month_key == key))
    rows = [_line_row(key, i, version, line) for i, line in enumerate(payroll.lines)]
    if rows:  # one executemany, whatever the number of lines
        db.session.execute(insert(AllowanceLine), rows)
    store(f"allowances:{key}", summary, version)
    return summary


def lines_page(year: int, month: int, page: int, per_page: int) -> tuple[list[PayrollLine], int]:
    """(lines of one page, total) from the stored month (call month_summary first)."""
    key = month_key(year, month)
    total = db.session.scalar(
        select(func.count()).select_from(AllowanceLine).where(AllowanceLine.month_key == key)
    ) or 0
    rows = db.session.scalars(
        select(AllowanceLine).where(AllowanceLine.month_key == key)
        .order_by(AllowanceLine.position).limit(per_page).offset((page - 1) * per_page)
    )
    lines = [
        PayrollLine(
            employee_id=r.employee_id, personnel_number=r.personnel_number,
            last_name=r.last_name, first_name=r.first_name,
            references=json.loads(r.references), agreement_ids=json.loads(r.agreement_ids),
            schemes=json.loads(r.schemes), days=Decimal(r.days), amount=Decimal(r.amount),
            exempt=Decimal(r.exempt), excess=Decimal(r.excess), ceiling_label=r.ceiling_label,
            notes=json.loads(r.notes),
        )
        for r in rows
    ]
    return lines, total
