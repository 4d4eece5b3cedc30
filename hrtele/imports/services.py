"""Import of posts and employees from the HR system: dry-run plan, then apply in one transaction.

Idempotent by key (post code, personnel number): a row whose values already match the
database is « unchanged », so running the same file twice creates and updates nothing.

Preview -> apply without trusting the browser (decision documented for the lead): the
uploaded bytes are stored server-side in an ImportBatch row with their SHA-256. The preview
page shows the plan computed from those bytes; the apply form only carries the batch id and
the hash, which must match the stored one. Apply re-parses the stored bytes and recomputes the
plan against the database as it is at that moment (so a change made in between is taken into
account), then wipes the stored content (personal data) and keeps the summary. Unapplied
batches are purged after BATCH_TTL.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select

from hrtele.audit.service import record
from hrtele.domain.rules import check_post
from hrtele.domain.terms import PostTerms
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.imports.parsing import (
    COLUMNS,
    KIND_LABELS,
    ImportFileError,
    ParsedFile,
    RawRow,
    Reason,
    read_file,
    read_record,
)
from hrtele.models import Category, Employee, Establishment, ImportBatch, Post, User
from hrtele.models.base import utcnow
from hrtele.web.filters import date_fr, number_fr

BATCH_TTL = timedelta(hours=24)
_CHUNK = 500

# Model attributes each kind may write (keys of the parsed values that are plain attributes).
EMPLOYEE_FIELDS = (
    "civility", "first_name", "last_name", "email", "hire_date", "contract_date",
    "working_time_rate", "home_address", "commute_km", "commute_mode", "is_active",
)  # fmt: skip
POST_FIELDS = (
    "title", "department", "is_eligible", "eligibility_reason", "teleworkable_tasks",
    "max_days_per_week", "headcount", "is_vacant",
)  # fmt: skip
EMPLOYEE_DEFAULTS: dict[str, Any] = {
    "civility": "", "email": "", "working_time_rate": 100, "home_address": "",
    "commute_km": Decimal("0"), "commute_mode": "voiture", "is_active": True,
}  # fmt: skip
POST_DEFAULTS: dict[str, Any] = {
    "department": "", "is_eligible": False, "eligibility_reason": "", "teleworkable_tasks": "",
    "headcount": 1, "is_vacant": False,
}  # fmt: skip
# check_post() names PostTerms fields; the import (and the API) name the columns.
POST_RULE_FIELDS = {"ineligibility_reason": "eligibility_reason"}
FIELD_LABELS = {c.key: c.label for cols in COLUMNS.values() for c in cols} | {
    "post_id": "Poste", "category_id": "Catégorie", "manager_id": "Responsable",
    "establishment_id": "Établissement",
}  # fmt: skip


@dataclass
class PlannedRow:
    """What the import will do with one line."""

    line: int
    key: str
    label: str
    action: str  # create | update | unchanged | reject
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    manager_number: str | None = None


@dataclass
class ImportPlan:
    """The dry run of a whole file."""

    kind: str
    encoding: str
    delimiter: str
    sha256: str
    columns: list[str]
    ignored_headers: list[str]
    rows: list[PlannedRow]
    new_categories: list[str]

    def of(self, action: str) -> list[PlannedRow]:
        """Rows with a given action, in file order."""
        return [r for r in self.rows if r.action == action]

    @property
    def counts(self) -> dict[str, int]:
        """How many rows per action."""
        out = {"create": 0, "update": 0, "unchanged": 0, "reject": 0}
        for r in self.rows:
            out[r.action] += 1
        return out

    @property
    def kind_label(self) -> str:
        """« salariés » or « postes »."""
        return KIND_LABELS[self.kind]


def display(value: Any) -> str:
    """French display of a planned value."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return date_fr(value)
    if isinstance(value, Decimal):
        return number_fr(value)
    return str(value)


def _chunks(items: list[str]):
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _load_by_key(model, key_col, keys: list[str], *, casefold: bool = False) -> dict[str, Any]:
    """Objects whose key is in keys, by key (lower-cased keys when casefold), in chunks."""
    out: dict[str, Any] = {}
    wanted = sorted({k.lower() for k in keys} if casefold else set(keys))
    column = func.lower(key_col) if casefold else key_col
    for chunk in _chunks(wanted):
        for obj in db.session.scalars(select(model).where(column.in_(chunk))):
            key = getattr(obj, key_col.key)
            out[key.lower() if casefold else key] = obj
    return out


def _categories() -> dict[str, int]:
    return {r.code: r.id for r in db.session.execute(select(Category.code, Category.id))}


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return old is not None and new is not None and Decimal(old) == Decimal(new)
    return old == new


def _diff(obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (getattr(obj, k), v) for k, v in values.items() if not _same(getattr(obj, k), v)}


def _duplicate_check(raw: RawRow, key: str, seen: dict[str, int], what: str,
                     folded: str | None = None, field: str | None = None) -> bool:
    """Refuse a second line with the same key (compared as `folded` when given)."""
    compared = key if folded is None else folded
    if compared in seen:
        raw.errors.append(Reason(
            f"{what} « {key} » en double dans le fichier (déjà en ligne {seen[compared]})",
            field))
        return True
    seen[compared] = raw.line
    return False


# --------------------------------------------------------------------------- plans


def _plan_posts(parsed: ParsedFile) -> tuple[list[PlannedRow], list[str]]:
    keys = [r.values["code"] for r in parsed.rows if "code" in r.values]
    existing = _load_by_key(Post, Post.code, keys)
    categories = _categories()
    establishments = {
        name.casefold(): eid
        for eid, name in db.session.execute(select(Establishment.id, Establishment.name))
    }
    new_categories: dict[str, None] = {}
    seen: dict[str, int] = {}
    planned: list[PlannedRow] = []
    for raw in parsed.rows:
        v = raw.values
        key = v.get("code", raw.raw.get("code", ""))
        if "code" in v:
            _duplicate_check(raw, key, seen, "Code", field="code")
        values = {k: v[k] for k in POST_FIELDS if k in v}
        if "establishment_name" in v:
            eid = establishments.get(v["establishment_name"].casefold())
            if eid is None:
                raw.errors.append(Reason(f"Établissement « {v['establishment_name']} » inconnu",
                                         "establishment_name"))
            values["establishment_id"] = eid
        category = v.get("category_code")
        post = existing.get(key)
        row = PlannedRow(raw.line, key, v.get("title") or (post.title if post else ""), "reject")
        if raw.errors:
            row.reasons = raw.errors
            planned.append(row)
            continue
        if category:
            if category in categories:
                values["category_id"] = categories[category]
            else:
                new_categories[category] = None
                values["category_code"] = category
        merged = {**POST_DEFAULTS, **values} if post is None else values
        terms = PostTerms(
            code=key,
            title=merged.get("title", post.title if post else ""),
            is_eligible=merged.get("is_eligible", post.is_eligible if post else False),
            ineligibility_reason=merged.get(
                "eligibility_reason", post.eligibility_reason if post else ""),
            max_days_per_week=merged.get(
                "max_days_per_week", post.max_days_per_week if post else None),
        )
        for violation in check_post(terms):
            (row.reasons if violation.blocking else row.warnings).append(
                Reason(violation.message, POST_RULE_FIELDS.get(violation.field, violation.field)))
        if row.reasons:
            planned.append(row)
            continue
        if post is None:
            row.action, row.values = "create", merged
        else:
            row.values = values
            row.changes = _diff(post, {k: x for k, x in values.items() if k != "category_code"})
            if "category_code" in values:
                row.changes["category_id"] = (post.category_id, values["category_code"])
            row.action = "update" if row.changes else "unchanged"
        planned.append(row)
    return planned, list(new_categories)


def _plan_employees(parsed: ParsedFile) -> tuple[list[PlannedRow], list[str]]:
    """Employees are matched by personnel number, case-insensitively (as the employee screens do)."""
    keys = [r.values["personnel_number"] for r in parsed.rows if "personnel_number" in r.values]
    managers_wanted = [r.values["manager_number"] for r in parsed.rows
                       if "manager_number" in r.values]
    existing = _load_by_key(Employee, Employee.personnel_number, keys + managers_wanted,
                            casefold=True)
    post_codes = [r.values["post_code"] for r in parsed.rows if "post_code" in r.values]
    posts = {p.code: p.id for p in _load_by_key(Post, Post.code, post_codes).values()}
    categories = _categories()
    new_categories: dict[str, None] = {}
    seen: dict[str, int] = {}
    file_keys = {r.values["personnel_number"].lower() for r in parsed.rows
                 if "personnel_number" in r.values and not r.errors}
    numbers = {e.id: number for number, e in existing.items()}
    planned: list[PlannedRow] = []
    for raw in parsed.rows:
        v = raw.values
        key = v.get("personnel_number", raw.raw.get("personnel_number", ""))
        if "personnel_number" in v:
            _duplicate_check(raw, key, seen, "Matricule", key.lower(), "personnel_number")
        values = {k: v[k] for k in EMPLOYEE_FIELDS if k in v}
        if "post_code" in v:
            if v["post_code"] in posts:
                values["post_id"] = posts[v["post_code"]]
            else:
                raw.errors.append(Reason(
                    f"Poste « {v['post_code']} » inconnu : importez d'abord les postes",
                    "post_code"))
        manager = v.get("manager_number")
        if manager is not None:
            if manager.lower() == key.lower():
                raw.errors.append(Reason("Le salarié ne peut pas être son propre responsable",
                                         "manager_number"))
            elif manager.lower() not in existing and manager.lower() not in file_keys:
                raw.errors.append(Reason(
                    f"Responsable « {manager} » inconnu (ni en base ni dans le fichier)",
                    "manager_number"))
        employee = existing.get(key.lower())
        name = " ".join(x for x in (v.get("first_name"), v.get("last_name")) if x)
        row = PlannedRow(raw.line, key, name, "reject", manager_number=manager)
        if raw.errors:
            row.reasons = raw.errors
            planned.append(row)
            continue
        category = v.get("category_code")
        if category:
            if category in categories:
                values["category_id"] = categories[category]
            else:
                new_categories[category] = None
                values["category_code"] = category
        if employee is None:
            row.action, row.values = "create", {**EMPLOYEE_DEFAULTS, **values}
            if manager is not None:
                row.changes["manager_id"] = (None, manager)
        else:
            row.values = values
            row.changes = _diff(employee, {k: x for k, x in values.items()
                                           if k != "category_code"})
            if "category_code" in values:
                row.changes["category_id"] = (employee.category_id, values["category_code"])
            if manager is not None:
                current = existing.get(manager.lower())
                if current is None or employee.manager_id != current.id:
                    row.changes["manager_id"] = (numbers.get(employee.manager_id), manager)
            row.action = "update" if row.changes else "unchanged"
        planned.append(row)
    _reject_orphan_managers(planned, existing)
    if any("manager_id" in r.changes for r in planned):
        _reject_manager_cycles(planned)
        _reject_orphan_managers(planned, existing)
    return planned, list(new_categories)


def _reject_manager_cycles(planned: list[PlannedRow]) -> None:
    """Refuse rows whose new manager is, directly or not, managed by the employee (a loop)."""
    tree = db.session.execute(
        select(Employee.id, func.lower(Employee.personnel_number), Employee.manager_id)
    ).all()
    number_of = {row[0]: row[1] for row in tree}
    parent = {row[1]: number_of.get(row[2]) for row in tree}
    changing = [r for r in planned if r.action != "reject" and "manager_id" in r.changes]
    for row in changing:
        parent[row.key.lower()] = row.manager_number.lower()
    for row in changing:
        start, current, steps = row.key.lower(), parent.get(row.key.lower()), 0
        while current is not None and current != start and steps <= len(parent):
            current, steps = parent.get(current), steps + 1
        if current == start:
            row.action, row.changes = "reject", {}
            row.reasons.append(Reason(
                f"Responsable « {row.manager_number} » : ce choix créerait une boucle "
                "hiérarchique (il est lui-même placé sous l'autorité de ce salarié)",
                "manager_number"))


def _reject_orphan_managers(planned: list[PlannedRow], existing: dict[str, Any]) -> None:
    """A manager known only from this file must be imported too: reject rows whose manager's row is rejected."""
    changed = True
    while changed:
        changed = False
        accepted = {r.key.lower() for r in planned if r.action != "reject"}
        for row in planned:
            manager = row.manager_number
            if (row.action != "reject" and manager is not None
                    and manager.lower() not in existing and manager.lower() not in accepted):
                row.action = "reject"
                row.changes = {}
                row.reasons.append(Reason(
                    f"Responsable « {manager} » refusé dans ce même fichier : corrigez sa ligne",
                    "manager_number"))
                changed = True


def build_plan(kind: str, data: bytes, *, max_bytes: int | None = None,
               max_rows: int | None = None) -> ImportPlan:
    """Dry run: what importing these bytes would do now (ImportFileError for unreadable files)."""
    kwargs = {k: v for k, v in (("max_bytes", max_bytes), ("max_rows", max_rows)) if v}
    parsed = read_file(kind, data, **kwargs)
    planner = _plan_posts if kind == "posts" else _plan_employees
    rows, new_categories = planner(parsed)
    return ImportPlan(
        kind=kind,
        encoding=parsed.encoding,
        delimiter=parsed.delimiter,
        sha256=hashlib.sha256(data).hexdigest(),
        columns=[c.header for c in parsed.columns],
        ignored_headers=parsed.ignored_headers,
        rows=rows,
        new_categories=new_categories,
    )


def plan_records(kind: str, records: list[dict[str, Any]]) -> ImportPlan:
    """Dry run of records given as JSON values (the API): same checks and messages as a file.

    Record n is reported as « line » n + 1, as if it followed a header line. The plan's
    SHA-256 is that of the records' canonical JSON (it identifies the batch in the audit).
    """
    rows = [read_record(kind, record, index + 2) for index, record in enumerate(records)]
    parsed = ParsedFile(kind, "JSON", "", list(COLUMNS[kind]), [], rows)
    planner = _plan_posts if kind == "posts" else _plan_employees
    planned, new_categories = planner(parsed)
    canonical = json.dumps(records, sort_keys=True, ensure_ascii=False, default=str)
    return ImportPlan(
        kind=kind,
        encoding="JSON",
        delimiter="",
        sha256=hashlib.sha256(canonical.encode()).hexdigest(),
        columns=[c.header for c in COLUMNS[kind]],
        ignored_headers=[],
        rows=planned,
        new_categories=new_categories,
    )


# --------------------------------------------------------------------------- apply


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: display(v) if isinstance(v, (date, Decimal, bool)) else v
            for k, v in values.items() if k != "category_code"}


def apply_plan(plan: ImportPlan, actor: User | None, *, source: str = "import"
               ) -> dict[str, int]:
    """Write the plan's creations and updates (the caller commits once); returns the counts.

    ``source`` (« import », « api ») is written in each row's audit entry; the summary entry
    of the whole batch is written for files only (an API call audits its rows).
    """
    categories = _categories()
    for code in plan.new_categories:
        if code not in categories:
            category = Category(code=code, label=f"Catégorie {code}")
            db.session.add(category)
            db.session.flush()
            categories[code] = category.id
            record("create", "categories", category.id, actor,
                   {"code": code, "source": source})
    model, key_col = (Post, Post.code) if plan.kind == "posts" else (
        Employee, Employee.personnel_number)
    fold = plan.kind == "employees"  # personnel numbers match case-insensitively

    def norm(key: str) -> str:
        return key.lower() if fold else key

    to_write = [r for r in plan.rows if r.action in ("create", "update")]
    existing = _load_by_key(model, key_col, [r.key for r in to_write if r.action == "update"],
                            casefold=fold)
    created: list[tuple[PlannedRow, Any]] = []
    objects: dict[str, Any] = dict(existing)
    for row in to_write:
        values = dict(row.values)
        code = values.pop("category_code", None)
        if code:
            values["category_id"] = categories[code]
        if row.action == "create":
            obj = model(**{key_col.key: row.key}, **values)
            db.session.add(obj)
            created.append((row, obj))
            objects[norm(row.key)] = obj
        else:
            obj = existing[norm(row.key)]
            for k, v in values.items():
                if not _same(getattr(obj, k), v):
                    setattr(obj, k, v)
    if plan.kind == "employees":
        _assign_managers(plan, objects)
    db.session.flush()  # one flush: SQLAlchemy inserts managers before the people they manage
    for row, obj in created:
        record("create", model.__tablename__, obj.id, actor,
               {"source": source, **_audit_values(row.values)})
    for row in to_write:
        if row.action == "update":
            obj = existing[norm(row.key)]
            record("update", model.__tablename__, obj.id, actor, {
                "source": source,
                **{k: [display(o), display(n)] for k, (o, n) in row.changes.items()},
            })
    counts = plan.counts
    if source != "import":
        return counts
    record("import", plan.kind, None, actor, {
        "sha256": plan.sha256, "created": counts["create"], "updated": counts["update"],
        "unchanged": counts["unchanged"], "rejected": counts["reject"],
    })
    return counts


def _assign_managers(plan: ImportPlan, objects: dict[str, Any]) -> None:
    """Point each written employee at its manager (an existing or a just-created employee)."""
    wanted = {r.key.lower(): r.manager_number.lower() for r in plan.rows
              if r.action in ("create", "update") and "manager_id" in r.changes}
    missing = [m for m in wanted.values() if m not in objects]
    objects = {**objects, **_load_by_key(Employee, Employee.personnel_number, missing,
                                         casefold=True)}
    for key, manager in wanted.items():
        objects[key].manager = objects[manager]


# --------------------------------------------------------------------------- batches


def purge_stale_batches(now=None) -> int:
    """Delete unapplied batches older than BATCH_TTL (their content is personal data)."""
    now = now or utcnow()
    result = db.session.execute(
        delete(ImportBatch).where(ImportBatch.applied_dt.is_(None),
                                  ImportBatch.created_dt < now - BATCH_TTL)
    )
    return result.rowcount or 0


def create_batch(kind: str, filename: str, data: bytes, actor: User | None, *,
                 max_bytes: int | None = None, max_rows: int | None = None
                 ) -> tuple[ImportBatch, ImportPlan]:
    """Check the file is readable, keep its bytes server-side and return the batch and its plan."""
    plan = build_plan(kind, data, max_bytes=max_bytes, max_rows=max_rows)
    purge_stale_batches()
    batch = ImportBatch(
        kind=kind,
        filename=_safe_filename(filename),
        content=data,
        sha256=plan.sha256,
        size=len(data),
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(batch)
    db.session.flush()
    record("create", "import_batches", batch.id, actor,
           {"kind": kind, "sha256": plan.sha256, "size": len(data), "rows": len(plan.rows)})
    return batch, plan


def _safe_filename(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '<>"')
    return cleaned[:200]


def apply_batch(batch: ImportBatch, expected_sha256: str, actor: User | None, *,
                max_bytes: int | None = None, max_rows: int | None = None
                ) -> dict[str, int]:
    """Apply a previewed batch once (hash checked), then wipe its stored content."""
    if batch.applied_dt is not None:
        raise BusinessRuleError("Cet import a déjà été appliqué ; déposez de nouveau le fichier "
                                "pour un nouvel import.")
    if not expected_sha256 or expected_sha256 != batch.sha256 or \
            hashlib.sha256(batch.content).hexdigest() != batch.sha256:
        raise BusinessRuleError("Le fichier à appliquer ne correspond pas à l'aperçu affiché : "
                                "rechargez l'aperçu puis recommencez.")
    try:
        plan = build_plan(batch.kind, batch.content, max_bytes=max_bytes, max_rows=max_rows)
    except ImportFileError as exc:
        raise BusinessRuleError(str(exc)) from None
    counts = apply_plan(plan, actor)
    batch.applied_dt = utcnow()
    batch.result_json = json.dumps(counts, sort_keys=True)
    batch.content = b""
    db.session.flush()
    return counts


def discard_batch(batch: ImportBatch, actor: User | None) -> None:
    """Abandon a preview: the stored file is deleted."""
    batch_id = batch.id
    db.session.delete(batch)
    db.session.flush()
    record("delete", "import_batches", batch_id, actor, {"reason": "aperçu abandonné"})


def batch_count(actor: User) -> int:
    """Pending (unapplied) batches of an actor."""
    return db.session.scalar(
        select(func.count(ImportBatch.id)).where(ImportBatch.created_by_id == actor.id,
                                                 ImportBatch.applied_dt.is_(None))
    ) or 0
