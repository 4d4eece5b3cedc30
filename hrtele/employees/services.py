"""Employee operations shared by the web screens and the CLI."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from hrtele.audit.service import record_change
from hrtele.domain.contact import check_working_hours
from hrtele.domain.pattern import STANDARD_WORKING_WEEK, is_valid_working_week, worked_days
from hrtele.domain.terms import Violation
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import assign, check_version
from hrtele.extensions import db
from hrtele.models import Agreement, Category, Employee, Post, TeleworkRequest, User
from hrtele.web.labels import LABELS
from hrtele.web.pagination import like_pattern

FIELDS = (
    "personnel_number", "civility", "first_name", "last_name", "email", "post_id", "category_id",
    "hire_date", "contract_date", "working_time_rate", "working_pattern", "working_hours",
    "home_address", "commute_km", "commute_mode", "manager_id", "is_active",
)
# Agreement states that are no longer « current » for the employee list.
_CLOSED_AGREEMENT_STATES = ("cancelled",)
# Bound on the management chain walked to detect cycles (far above any real hierarchy).
_MAX_CHAIN = 1000


def _label() -> str:
    return gettext("Ce salarié")


# --------------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------------


def list_employees_stmt(term: str = "", department: str = "", category_id: int | None = None,
                        active: str = "") -> Select:
    """Employees matching a search (name, number, e-mail) and filters, ordered by name."""
    stmt = select(Employee).options(joinedload(Employee.post), joinedload(Employee.category))
    if term:
        pattern = like_pattern(term)
        stmt = stmt.where(
            or_(
                Employee.last_name.ilike(pattern, escape="\\"),
                Employee.first_name.ilike(pattern, escape="\\"),
                (Employee.first_name + " " + Employee.last_name).ilike(pattern, escape="\\"),
                (Employee.last_name + " " + Employee.first_name).ilike(pattern, escape="\\"),
                Employee.personnel_number.ilike(pattern, escape="\\"),
                Employee.email.ilike(pattern, escape="\\"),
            )
        )
    if department:
        stmt = stmt.where(Employee.post_id.in_(select(Post.id).where(Post.department == department)))
    if category_id:
        stmt = stmt.where(Employee.category_id == category_id)
    if active == "1":
        stmt = stmt.where(Employee.is_active.is_(True))
    elif active == "0":
        stmt = stmt.where(Employee.is_active.is_(False))
    return stmt.order_by(Employee.last_name, Employee.first_name, Employee.id)


def current_agreement_status(employee_ids: list[int]) -> dict[int, str]:
    """{employee id: status of their latest non-cancelled agreement}, in one aggregated query."""
    if not employee_ids:
        return {}
    latest = (
        select(Agreement.employee_id, func.max(Agreement.id).label("agreement_id"))
        .where(
            Agreement.employee_id.in_(employee_ids),
            Agreement.status.not_in(_CLOSED_AGREEMENT_STATES),
        )
        .group_by(Agreement.employee_id)
        .subquery()
    )
    rows = db.session.execute(
        select(latest.c.employee_id, Agreement.status).join(
            Agreement, Agreement.id == latest.c.agreement_id
        )
    )
    return {row.employee_id: row.status for row in rows}


def pending_request_counts(employee_ids: list[int]) -> dict[int, int]:
    """{employee id: number of pending telework requests}, in one aggregated query."""
    if not employee_ids:
        return {}
    rows = db.session.execute(
        select(TeleworkRequest.employee_id, func.count(TeleworkRequest.id))
        .where(TeleworkRequest.employee_id.in_(employee_ids), TeleworkRequest.status == "pending")
        .group_by(TeleworkRequest.employee_id)
    )
    return {employee_id: count for employee_id, count in rows}


def employee_requests(employee: Employee) -> list[TeleworkRequest]:
    """The employee's telework requests, latest first."""
    return list(
        db.session.scalars(
            select(TeleworkRequest)
            .where(TeleworkRequest.employee_id == employee.id)
            .order_by(TeleworkRequest.request_date.desc(), TeleworkRequest.id.desc())
        )
    )


def employee_agreements(employee: Employee) -> list[Agreement]:
    """The employee's telework agreements, latest first."""
    return list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.employee_id == employee.id)
            .order_by(Agreement.start_date.desc(), Agreement.id.desc())
        )
    )


def direct_reports(employee: Employee) -> list[Employee]:
    """Employees whose manager is this employee."""
    return list(
        db.session.scalars(
            select(Employee)
            .where(Employee.manager_id == employee.id)
            .order_by(Employee.last_name, Employee.first_name)
        )
    )


# --------------------------------------------------------------------------------------------
# Select choices
# --------------------------------------------------------------------------------------------


def department_choices() -> list[str]:
    """Distinct non-empty departments of posts, sorted."""
    rows = db.session.scalars(
        select(Post.department).where(Post.department != "").distinct().order_by(Post.department)
    )
    return list(rows)


def category_choices() -> list[tuple[int, str]]:
    """(id, label) of categories with an empty choice."""
    rows = db.session.execute(select(Category.id, Category.label).order_by(Category.code))
    return [(0, "—")] + [(r.id, r.label) for r in rows]


def post_choices() -> list[tuple[int, str]]:
    """(id, « code — title (télétravaillable or not) ») of posts with an empty choice."""
    rows = db.session.execute(
        select(Post.id, Post.code, Post.title, Post.is_eligible).order_by(Post.code)
    )
    out = [(0, "—")]
    for r in rows:
        status = gettext("télétravaillable") if r.is_eligible else gettext("non télétravaillable")
        out.append((r.id, f"{r.code} — {r.title} ({status})"))
    return out


def employee_choices(exclude_id: int | None = None, active_only: bool = True,
                     include_id: int | None = None, term: str = "",
                     limit: int | None = None) -> list[tuple[int, str]]:
    """(id, « NOM Prénom (matricule) ») of employees matching term, without exclude_id.

    include_id (the current value of the select) is always listed, even if inactive or not
    matching the search, so that re-displaying a form never loses the user's choice.
    """
    stmt = select(Employee.id, Employee.first_name, Employee.last_name, Employee.personnel_number)
    condition = Employee.is_active.is_(True) if active_only else Employee.id.is_not(None)
    if term:
        pattern = like_pattern(term)
        condition = condition & or_(
            Employee.last_name.ilike(pattern, escape="\\"),
            Employee.first_name.ilike(pattern, escape="\\"),
            (Employee.first_name + " " + Employee.last_name).ilike(pattern, escape="\\"),
            Employee.personnel_number.ilike(pattern, escape="\\"),
        )
    stmt = stmt.where(condition)
    if exclude_id is not None:
        stmt = stmt.where(Employee.id != exclude_id)
    stmt = stmt.order_by(Employee.last_name, Employee.first_name, Employee.id)
    if limit:
        stmt = stmt.limit(limit)
    rows = list(db.session.execute(stmt))
    if include_id and include_id != exclude_id and all(r.id != include_id for r in rows):
        extra = db.session.execute(
            select(Employee.id, Employee.first_name, Employee.last_name,
                   Employee.personnel_number).where(Employee.id == include_id)
        ).first()
        if extra is not None:
            rows.insert(0, extra)
    return [(r.id, f"{r.last_name.upper()} {r.first_name} ({r.personnel_number})") for r in rows]


# --------------------------------------------------------------------------------------------
# Create / update
# --------------------------------------------------------------------------------------------


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Only known fields; empty ids become None; defaults for optional values."""
    data = {key: data[key] for key in FIELDS if key in data}
    for key in ("post_id", "category_id", "manager_id"):
        if not data.get(key):
            data[key] = None
    if data.get("commute_km") is None:
        data["commute_km"] = Decimal("0")
    for key in ("civility", "email", "home_address", "working_hours"):
        if data.get(key) is None:
            data[key] = ""
    if data.get("working_pattern") is None:
        data["working_pattern"] = STANDARD_WORKING_WEEK
    if data.get("is_active") is None:
        data["is_active"] = True
    return data


def _error(field: str, message: str) -> Violation:
    return Violation(field=field, message=message, basis="", blocking=True)


def _manager_cycle(employee_id: int, manager_id: int) -> bool:
    """True when employee_id appears in the management chain above manager_id."""
    current: int | None = manager_id
    seen: set[int] = set()
    while current is not None and current not in seen and len(seen) < _MAX_CHAIN:
        if current == employee_id:
            return True
        seen.add(current)
        current = db.session.scalar(select(Employee.manager_id).where(Employee.id == current))
    return current is not None and current in seen  # a pre-existing loop above: refuse too


def validate_employee(data: dict[str, Any], employee_id: int | None) -> list[Violation]:
    """Input and consistency errors of employee data (empty list: may be saved)."""
    errors: list[Violation] = []
    number = (data.get("personnel_number") or "").strip()
    if not number:
        errors.append(_error("personnel_number", gettext("Le matricule est obligatoire.")))
    elif len(number) > 30:
        errors.append(_error("personnel_number", gettext("30 caractères au plus.")))
    else:
        existing = db.session.scalar(
            select(Employee.id).where(func.lower(Employee.personnel_number) == number.lower())
        )
        if existing is not None and existing != employee_id:
            errors.append(
                _error(
                    "personnel_number",
                    gettext(
                        "Le matricule « %(number)s » est déjà attribué à un autre salarié.",
                        number=number,
                    ),
                )
            )
    for key, message in (
        ("first_name", gettext("Le prénom est obligatoire.")),
        ("last_name", gettext("Le nom est obligatoire.")),
    ):
        if not (data.get(key) or "").strip():
            errors.append(_error(key, message))
    rate = data.get("working_time_rate")
    if not isinstance(rate, int) or not 1 <= rate <= 100:
        errors.append(
            _error(
                "working_time_rate",
                gettext("Le taux d'activité est compris entre 1 et 100 %."),
            )
        )
    week = data.get("working_pattern", STANDARD_WORKING_WEEK)
    if not is_valid_working_week(week):
        errors.append(
            _error("working_pattern", gettext("Semaine de travail invalide (0 ou 1 par demi-journée)."))
        )
    elif worked_days(week) == 0:
        errors.append(
            _error("working_pattern", gettext("Cochez au moins une demi-journée travaillée."))
        )
    errors += check_working_hours(data.get("working_hours") or "")
    km = data.get("commute_km")
    if km is not None and not Decimal(0) <= km <= Decimal(2000):
        errors.append(_error("commute_km", gettext("La distance est comprise entre 0 et 2 000 km.")))
    if data.get("commute_mode") not in LABELS["commute_mode"]:
        errors.append(_error("commute_mode", gettext("Mode de transport inconnu.")))
    if data.get("civility") not in ("", "M.", "Mme"):
        errors.append(_error("civility", gettext("Civilité inconnue.")))
    if data.get("post_id") and db.session.get(Post, data["post_id"]) is None:
        errors.append(_error("post_id", gettext("Ce poste n'existe pas.")))
    if data.get("category_id") and db.session.get(Category, data["category_id"]) is None:
        errors.append(_error("category_id", gettext("Cette catégorie n'existe pas.")))
    manager_id = data.get("manager_id")
    if manager_id:
        if employee_id is not None and manager_id == employee_id:
            errors.append(
                _error("manager_id", gettext("Un salarié ne peut pas être son propre responsable."))
            )
        elif db.session.get(Employee, manager_id) is None:
            errors.append(_error("manager_id", gettext("Ce responsable n'existe pas.")))
        elif employee_id is not None and _manager_cycle(employee_id, manager_id):
            errors.append(
                _error(
                    "manager_id",
                    gettext(
                        "Ce choix créerait une boucle hiérarchique : ce responsable est "
                        "lui-même placé sous l'autorité du salarié."
                    ),
                )
            )
    return errors


def create_employee(data: dict[str, Any], actor: User | None) -> Employee:
    """Create an employee after checking the matricule, post, category and manager."""
    data = _clean(data)
    errors = validate_employee(data, None)
    if errors:
        raise RuleViolations(errors)
    employee = Employee()
    assign(employee, data)
    db.session.add(employee)
    record_change(employee, actor)
    return employee


def update_employee(employee: Employee, data: dict[str, Any], expected_version: int | None,
                    actor: User | None) -> Employee:
    """Update an employee, refusing a concurrent edit, a duplicate matricule or a cycle."""
    check_version(employee, expected_version, _label())
    data = _clean(data)
    errors = validate_employee(data, employee.id)
    if errors:
        raise RuleViolations(errors)
    assign(employee, data)
    record_change(employee, actor)
    return employee
