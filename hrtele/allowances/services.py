"""Monthly telework allowances and the payroll export (« export paie »).

Which agreements count for a month
----------------------------------
Agreements in status adaptation, active, suspended, ending or ended whose telework period
overlaps the month. The period runs from ``start_date`` to the earlier of ``end_date`` (last
day, inclusive) and the eve of ``ending_effective_date`` (the first day without telework,
see hrtele.domain.dates). An ``ended`` agreement with neither date cannot be placed in time:
it is left out and listed as an anomaly. Drafts, issued/signed (not started), cancelled and
imposed (L1222-11, no avenant) arrangements never count.

Suspension (choice documented for the lead): the days of the suspension period
``[suspension_start_date, suspension_end_date]`` are excluded like days outside the
agreement. They are not teleworked (per-day schemes skip them) and they do not count in the
calendar-day pro-rata of the monthly schemes. A suspension without an end date runs to the end
of the agreement when the agreement is still suspended, ending or ended; for an agreement back
to adaptation/active, a suspension without an end date is ignored (it was resumed).

Allowance terms
---------------
The policy gives the employer's default scheme; the agreement form pre-fills it and the
agreement may override it, so the agreement's scheme and amount are authoritative. The
agreement's monthly cap applies when set, otherwise the policy's cap (policy default,
overridable per agreement). Arithmetic is hrtele.domain.allowances; the exempt part comes
from the URSSAF ceiling table in the database (seeded from the reference file when empty).

One row per employee and month: when two agreements of an employee overlap the same month
(an agreement ends and another starts), their days and amounts are added up, and the exempt
total never exceeds the ceiling's monthly maximum.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from hrtele.allowances.ceilings import current_ceilings
from hrtele.audit.service import record
from hrtele.domain import lifecycle as lc
from hrtele.domain.allowances import (
    AllowanceTerms,
    MonthlyAllowance,
    monthly_allowance,
    suspended_days,
    suspension_range,
    synthetic_pattern,
)
from hrtele.domain.ceilings import Ceiling, ceiling_for
from hrtele.domain.notice import last_telework_day
from hrtele.domain.pattern import has_fixed_days
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import (
    Absence,
    Agreement,
    Employee,
    IssuedDocument,
    PayrollExport,
    Policy,
    User,
)
from hrtele.planning.services import agreement_changes
from hrtele.spreadsheets import french_csv, neutralise, unneutralise
from hrtele.web.labels import LABELS

#: Agreements whose telework started at some point: they may owe an allowance for the month.
COUNTED_STATUSES: tuple[str, ...] = tuple(sorted(lc.STARTED_STATES))
MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
CSV_HEADER = (
    "Matricule",
    "Nom",
    "Prénom",
    "Référence accord",
    "Période",
    "Jours télétravaillés",
    "Mode d'indemnisation",
    "Montant",
    "Part exonérée",
    "Part soumise à cotisations",
)
_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")
_CONTEXT = Context(prec=28)



def month_label(year: int, month: int) -> str:
    """French name of a month: « octobre 2026 »."""
    return f"{MONTHS_FR[month - 1]} {year}"


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str | None, today: date) -> tuple[int, int]:
    """'2026-10' -> (2026, 10); empty -> the current month; ValueError (French) otherwise."""
    if not text:
        return today.year, today.month
    text = text.strip()
    parts = text.split("-")
    if (len(text) != 7 or len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts)):
        raise ValueError("Mois invalide : utilisez le format aaaa-mm (par exemple 2026-10).")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise ValueError("Mois invalide : le mois doit être compris entre 01 et 12.")
    if not 2000 <= year <= 2100:
        raise ValueError("Mois invalide : l'année doit être comprise entre 2000 et 2100.")
    return year, month


#: Months the allowance pages accept (parse_month's bounds).
FIRST_MONTH, LAST_MONTH = (2000, 1), (2100, 12)


def month_in_range(year: int, month: int) -> bool:
    """Whether a month can be shown (navigation links stop at the edges instead of a 400)."""
    return FIRST_MONTH <= (year, month) <= LAST_MONTH


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    """The month `delta` months away."""
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


# --------------------------------------------------------------------------- terms


def effective_cap(agreement_cap: Decimal | None, policy_cap: Decimal | None) -> Decimal | None:
    """Monthly cap: the agreement's when set, otherwise the policy's."""
    return agreement_cap if agreement_cap is not None else policy_cap


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _scale(value: Decimal, factor: Fraction) -> Decimal:
    """value × factor rounded once to the cent (same rule as the domain)."""
    with localcontext(_CONTEXT):
        return _cents(value * factor.numerator / factor.denominator)


# --------------------------------------------------------------------------- month rows


@dataclass
class PayrollLine:
    """One employee's row of the month's payroll export."""

    employee_id: int
    personnel_number: str
    last_name: str
    first_name: str
    references: list[str] = field(default_factory=list)
    agreement_ids: list[int] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    days: Decimal = Decimal(0)
    amount: Decimal = _ZERO
    exempt: Decimal = _ZERO
    excess: Decimal = _ZERO
    ceiling_label: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def reference(self) -> str:
        """Agreement reference(s) as printed in the export."""
        return " + ".join(self.references)

    @property
    def scheme_label(self) -> str:
        """French label of the scheme(s)."""
        labels = LABELS["allowance_scheme"]
        return " + ".join(dict.fromkeys(labels.get(s, s) for s in self.schemes))


@dataclass
class PayrollMonth:
    """Every row of a month and its totals."""

    year: int
    month: int
    lines: list[PayrollLine]
    anomalies: list[str]
    ceiling: Ceiling | None

    @property
    def label(self) -> str:
        """« octobre 2026 »."""
        return month_label(self.year, self.month)

    @property
    def key(self) -> str:
        """'2026-10'."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def totals(self) -> dict[str, Decimal]:
        """Sum of days, amounts, exempt and excess parts."""
        return {
            "days": sum((line.days for line in self.lines), Decimal(0)),
            "amount": sum((line.amount for line in self.lines), _ZERO),
            "exempt": sum((line.exempt for line in self.lines), _ZERO),
            "excess": sum((line.excess for line in self.lines), _ZERO),
        }


def agreement_reference(agreement_id: int, amendment_reference: str | None) -> str:
    """The signed amendment's reference, or a stable reference built from the agreement id."""
    return amendment_reference or f"ACC-{agreement_id:06d}"


def _counted_agreements_stmt(first: date, last: date):
    return (
        select(
            Agreement.id,
            Agreement.employee_id,
            Agreement.status,
            Agreement.days_per_week,
            Agreement.weekly_pattern,
            Agreement.start_date,
            Agreement.end_date,
            Agreement.ending_effective_date,
            Agreement.suspension_start_date,
            Agreement.suspension_end_date,
            Agreement.allowance_scheme,
            Agreement.allowance_amount,
            Agreement.allowance_monthly_cap,
            Employee.personnel_number,
            Employee.last_name,
            Employee.first_name,
        )
        .join(Employee, Employee.id == Agreement.employee_id)
        .where(
            Agreement.status.in_(COUNTED_STATUSES),
            Agreement.start_date <= last,
            or_(Agreement.end_date.is_(None), Agreement.end_date >= first),
            or_(Agreement.ending_effective_date.is_(None),
                Agreement.ending_effective_date > first),
        )
        .order_by(Employee.last_name, Employee.first_name, Employee.personnel_number,
                  Agreement.start_date, Agreement.id)
    )


def _amendment_references(first: date, last: date) -> dict[int, str]:
    """{agreement id: reference of its latest amendment} for the agreements of the month."""
    latest = (
        select(func.max(IssuedDocument.id))
        .join(Agreement, Agreement.id == IssuedDocument.agreement_id)
        .where(IssuedDocument.kind == "amendment", Agreement.status.in_(COUNTED_STATUSES),
               Agreement.start_date <= last)
        .group_by(IssuedDocument.agreement_id)
    )
    rows = db.session.execute(
        select(IssuedDocument.agreement_id, IssuedDocument.reference).where(
            IssuedDocument.id.in_(latest)
        )
    )
    return {r.agreement_id: r.reference for r in rows}


def _absences(first: date, last: date) -> dict[int, frozenset[date]]:
    """{employee id: absence dates} within the month."""
    out: dict[int, set[date]] = defaultdict(set)
    rows = db.session.execute(
        select(Absence.employee_id, Absence.absence_date).where(
            and_(Absence.absence_date >= first, Absence.absence_date <= last)
        )
    )
    for r in rows:
        out[r.employee_id].add(r.absence_date)
    return {k: frozenset(v) for k, v in out.items()}


def policy_allowance() -> tuple[str | None, Decimal | None, Decimal | None]:
    """The policy's default (scheme, amount, monthly cap); Nones when no policy exists."""
    row = db.session.execute(
        select(Policy.allowance_scheme, Policy.allowance_amount, Policy.allowance_monthly_cap)
        .order_by(Policy.id).limit(1)
    ).first()
    return (row[0], row[1], row[2]) if row else (None, None, None)


def compute_month(year: int, month: int) -> PayrollMonth:
    """Compute every employee's allowance for a month (a constant number of queries)."""
    first, last = month_bounds(year, month)
    ceilings = current_ceilings()
    policy_scheme, policy_amount, default_cap = policy_allowance()
    references = _amendment_references(first, last)
    absences = _absences(first, last)
    changes = agreement_changes(first, last)
    lines: dict[int, PayrollLine] = {}
    anomalies: list[str] = []
    cache: dict[tuple, MonthlyAllowance | str] = {}
    valid_patterns: dict[str, bool] = {}
    cap_default = None if default_cap is None else Decimal(default_cap).quantize(_CENT)

    def who(r) -> str:
        return f"{r.first_name} {r.last_name.upper()} ({r.personnel_number})"

    for r in db.session.execute(_counted_agreements_stmt(first, last)):
        reference = agreement_reference(r.id, references.get(r.id))
        end = last_telework_day(r.end_date, r.ending_effective_date)
        if r.status == "ended" and end is None:
            anomalies.append(
                f"Accord {reference} de {who(r)} : terminé sans date de fin connue, non exporté."
            )
            continue
        if end is not None and (end < first or end < r.start_date):
            continue
        notes: list[str] = []
        pattern = r.weekly_pattern
        valid = valid_patterns.get(pattern)
        if valid is None:
            valid = valid_patterns[pattern] = has_fixed_days(pattern)
        if not valid:
            pattern = synthetic_pattern(r.days_per_week or Decimal(0))
            notes.append("rythme sans jours fixes : jours estimés à partir du volume hebdomadaire")
        if policy_scheme is not None and (
            r.allowance_scheme != policy_scheme
            or (r.allowance_scheme != "none" and r.allowance_amount != policy_amount)
        ):
            notes.append("indemnité propre à l'accord (différente de la politique de l'employeur)")
        # Dates outside the month do not change its result: clamping them lets agreements
        # with the same terms share one computation (a one-off keeps « started earlier »).
        start = r.start_date
        if start < first:
            start = first - timedelta(days=1) if r.allowance_scheme == "one_off" else first
        month_end = None if end is None or end >= last else end
        suspended = suspended_days(
            suspension_range(r.status, r.suspension_start_date, r.suspension_end_date),
            year,
            month,
        )
        employee_absences = absences.get(r.employee_id, frozenset())
        day_changes = changes.get(r.id, ())
        key = (r.allowance_scheme, r.allowance_amount, r.allowance_monthly_cap, pattern, start,
               month_end, employee_absences, suspended, day_changes)
        result = cache.get(key)
        if result is None:
            try:
                terms = AllowanceTerms(
                    scheme=r.allowance_scheme,
                    amount=Decimal(r.allowance_amount or 0).quantize(_CENT),
                    monthly_cap=effective_cap(
                        None if r.allowance_monthly_cap is None
                        else Decimal(r.allowance_monthly_cap).quantize(_CENT),
                        cap_default,
                    ),
                    weekly_pattern=pattern,
                    start_date=start,
                    end_date=month_end,
                )
                result = monthly_allowance(
                    terms, year, month, employee_absences, ceilings, suspended=suspended,
                    changes=day_changes,
                )
            except ValueError as exc:
                result = str(exc)
            cache[key] = result
        if isinstance(result, str):
            anomalies.append(f"Accord {reference} de {who(r)} : {result} Non exporté.")
            continue
        line = lines.get(r.employee_id)
        if line is None:
            line = lines[r.employee_id] = PayrollLine(
                employee_id=r.employee_id,
                personnel_number=r.personnel_number,
                last_name=r.last_name,
                first_name=r.first_name,
            )
        line.references.append(reference)
        line.agreement_ids.append(r.id)
        line.schemes.append(r.allowance_scheme)
        line.days += result.days_teleworked
        line.amount += result.amount
        line.exempt += result.exempt
        line.ceiling_label = line.ceiling_label or result.ceiling_label
        line.notes.extend(notes)
    ceiling = ceiling_for((year, month), ceilings)
    for line in lines.values():
        if len(line.agreement_ids) > 1 and ceiling is not None and ceiling.monthly_cap is not None:
            line.exempt = min(line.exempt, ceiling.monthly_cap)
        line.exempt = min(line.exempt, line.amount)
        line.excess = line.amount - line.exempt
    return PayrollMonth(year, month, list(lines.values()), anomalies, ceiling)


# --------------------------------------------------------------------------- CSV


def _amount_fr(value: Decimal) -> str:
    """12.5 -> '12,50' (no thousands separator: payroll tools parse it)."""
    return f"{value.quantize(_CENT):f}".replace(".", ",")


def _days_fr(value: Decimal) -> str:
    """8 -> '8', 8.5 -> '8,5'."""
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}".replace(".", ",")


# Spreadsheet formula injection (OWASP « CSV injection »): text cells starting with a formula
# character are prefixed with an apostrophe so payroll tools never evaluate them.
_text = neutralise


def csv_bytes(payroll: PayrollMonth) -> bytes:
    """The export as French payroll tools read it: UTF-8 with BOM, ';', decimal commas, CRLF."""
    return french_csv(CSV_HEADER, (
            (
                _text(line.personnel_number),
                _text(line.last_name),
                _text(line.first_name),
                _text(line.reference),
                payroll.key,
                _days_fr(line.days),
                line.scheme_label,
                _amount_fr(line.amount),
                _amount_fr(line.exempt),
                _amount_fr(line.excess),
            )
            for line in payroll.lines
    ))


def read_csv_rows(data: bytes) -> list[dict[str, str]]:
    """Rows of a stored export, for display (header names as keys)."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    return list(reader)


_untext = unneutralise


def _decimal_fr(value: str) -> Decimal:
    """'12,50' -> Decimal('12.50') (the export's French number format)."""
    return Decimal((value or "0").strip().replace(",", "."))


def stored_lines(data: bytes) -> list[dict]:
    """Typed rows of a stored (closed) export, read back from its own bytes."""
    lines = []
    for row in read_csv_rows(data):
        lines.append({
            "personnel_number": _untext(row.get(CSV_HEADER[0]) or ""),
            "last_name": _untext(row.get(CSV_HEADER[1]) or ""),
            "first_name": _untext(row.get(CSV_HEADER[2]) or ""),
            "agreement_reference": _untext(row.get(CSV_HEADER[3]) or ""),
            "period": row.get(CSV_HEADER[4]) or "",
            "days": _decimal_fr(row.get(CSV_HEADER[5]) or "0"),
            "scheme": row.get(CSV_HEADER[6]) or "",
            "amount": _decimal_fr(row.get(CSV_HEADER[7]) or "0"),
            "exempt": _decimal_fr(row.get(CSV_HEADER[8]) or "0"),
            "excess": _decimal_fr(row.get(CSV_HEADER[9]) or "0"),
        })
    return lines


def closed_months_stmt():
    """Closed months (stored exports), most recent first, without their bytes."""
    from sqlalchemy.orm import defer

    return (
        select(PayrollExport)
        .options(defer(PayrollExport.csv_bytes))
        .order_by(PayrollExport.year.desc(), PayrollExport.month.desc())
    )


def csv_filename(year: int, month: int, provisional: bool) -> str:
    """Download name of a month's export."""
    suffix = "-provisoire" if provisional else ""
    return f"paie-teletravail-{year:04d}-{month:02d}{suffix}.csv"


# --------------------------------------------------------------------------- closing


def get_export(year: int, month: int) -> PayrollExport | None:
    """The stored export of a closed month, or None."""
    return db.session.scalar(
        select(PayrollExport).where(PayrollExport.year == year, PayrollExport.month == month)
    )


def closer_label(export: PayrollExport) -> str:
    """Who closed the month (display name or e-mail)."""
    if export.closed_by_id is None:
        return "ligne de commande"
    user = db.session.get(User, export.closed_by_id)
    return (user.display_name or user.email) if user else "compte supprimé"


def already_closed_message(export: PayrollExport) -> str:
    """French refusal when closing a month twice."""
    from hrtele.web.filters import datetime_fr

    return (
        f"Le mois de {month_label(export.year, export.month)} est déjà clôturé "
        f"(le {datetime_fr(export.closed_dt)}) : son export de paie est enregistré et ne peut "
        "plus être modifié. Téléchargez l'export enregistré ; une régularisation se fait sur "
        "le mois suivant."
    )


def close_month(year: int, month: int, actor: User | None, today: date) -> PayrollExport:
    """Freeze the month's export (bytes + SHA-256, append-only); refuses a second closing."""
    existing = get_export(year, month)
    if existing is not None:
        raise BusinessRuleError(already_closed_message(existing))
    if (year, month) > (today.year, today.month):
        raise BusinessRuleError(
            f"Le mois de {month_label(year, month)} n'a pas commencé : il ne peut pas être clôturé."
        )
    payroll = compute_month(year, month)
    data = csv_bytes(payroll)
    export = PayrollExport(
        year=year,
        month=month,
        csv_bytes=data,
        sha256=hashlib.sha256(data).hexdigest(),
        row_count=len(payroll.lines),
        closed_by_id=actor.id if actor is not None else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(export)
    except IntegrityError:  # closed by someone else at the same moment
        existing = get_export(year, month)
        raise BusinessRuleError(
            already_closed_message(existing) if existing else
            f"Le mois de {month_label(year, month)} est déjà clôturé."
        ) from None
    totals = payroll.totals
    record("export", "payroll_exports", export.id, actor, {
        "period": payroll.key, "rows": export.row_count, "sha256": export.sha256,
        "amount": totals["amount"], "exempt": totals["exempt"], "excess": totals["excess"],
    })
    return export
