"""Employee and post writes through the CSV import's own rules (plan, then apply).

The API never re-implements a rule: each JSON record goes through
hrtele.imports.services.plan_records (the same cell parsers, the same checks, the same French
messages as a file), then apply_plan writes it, idempotent by key, audited with the token.
"""

from __future__ import annotations

from typing import Any

from hrtele.api.auth import current_integration
from hrtele.api.fields import (
    Bool,
    FrenchSchema,
    Int,
    JsonNumber,
    List,
    Nested,
    QueryBool,
    Str,
    one_of,
)
from hrtele.api.problems import FieldErrorSchema, problem
from hrtele.imports.parsing import COLUMNS, Column
from hrtele.imports.services import ImportPlan, PlannedRow, apply_plan, plan_records

ACTIONS = ["create", "update", "unchanged", "reject"]
#: Records per batch (a CSV file holds up to 20,000 lines; JSON bodies stay under 1 MiB).
MAX_BATCH = 1000


def _column_field(column: Column, *, required: bool):
    """The JSON field of an import column (type and documentation from the column itself)."""
    help_text = ("date ISO aaaa-mm-jj (jj/mm/aaaa accepté aussi)." if column.json_type == "date"
                 else column.help)
    description = column.label + (f" — {help_text}" if help_text else "")
    metadata: dict[str, Any] = {"description": description}
    # Bounds are said in the description, not as minimum/maximum: they are rules of the
    # import (a batch reports an out-of-range row as refused, it does not reject the request).
    kwargs: dict[str, Any] = {"required": required, "allow_none": not required,
                              "metadata": metadata}
    kind = column.json_type
    if kind == "date":  # a string: ISO or jj/mm/aaaa, checked by the import's date parser
        return Str(**kwargs)
    if kind == "number":
        return JsonNumber(**kwargs)
    if kind == "integer":
        return Int(**kwargs)
    if kind == "boolean":
        return Bool(**kwargs)
    return Str(**kwargs)


def write_schema(kind: str, name: str, *, without_key: bool) -> type[FrenchSchema]:
    """Body schema of a write, generated from the import columns (nothing to drift apart)."""
    attrs: dict[str, Any] = {
        "__doc__": (
            f"Une ligne d'import de {'salarié' if kind == 'employees' else 'poste'} en JSON. "
            "Un champ absent, null ou vide n'est pas fourni : il garde sa valeur (mise à jour) "
            "ou prend sa valeur par défaut (création), comme une cellule vide du CSV."
        )
    }
    for index, column in enumerate(COLUMNS[kind]):
        if without_key and index == 0:  # the first column is the key (matricule, code)
            continue
        attrs[column.key] = _column_field(column, required=column.required)
    return type(name, (FrenchSchema,), attrs)


def batch_schema(item: type[FrenchSchema], name: str, max_items: int) -> type[FrenchSchema]:
    """Body of a batch write: up to max_items records."""
    from marshmallow import validate

    return type(name, (FrenchSchema,), {
        "__doc__": f"Un lot de {max_items} lignes au plus, appliqué en une seule transaction.",
        "items": List(
            Nested(item), required=True,
            validate=validate.Length(min=1, max=max_items,
                                     error=f"Entre 1 et {max_items} lignes par lot."),
        ),
    })


class DryRunArgsSchema(FrenchSchema):
    """?dry_run=true: plan only."""

    dry_run = QueryBool(
        load_default=False,
        metadata={"description": "true : contrôle seulement (aperçu), rien n'est enregistré."},
    )


class RowReportSchema(FrenchSchema):
    """What the batch did with one record."""

    index = Int(metadata={"description": "Position de la ligne dans « items » (à partir de 0)."})
    key = Str(metadata={"description": "Matricule ou code du poste."})
    action = Str(validate=one_of(ACTIONS), metadata={"enum": ACTIONS})
    changed_fields = List(Str())
    errors = List(Nested(FieldErrorSchema))
    warnings = List(Str())


class CountsSchema(FrenchSchema):
    """Rows per action."""

    create = Int()
    update = Int()
    unchanged = Int()
    reject = Int()


class BatchReportSchema(FrenchSchema):
    """Result of a batch: counts and one report per record."""

    dry_run = Bool()
    counts = Nested(CountsSchema)
    items = List(Nested(RowReportSchema))


def row_report(index: int, row: PlannedRow) -> dict[str, Any]:
    """JSON report of one planned row."""
    return {
        "index": index,
        "key": row.key,
        "action": row.action,
        "changed_fields": sorted(row.changes) if row.action == "update" else [],
        "errors": [{"field": getattr(r, "field", None), "message": str(r)} for r in row.reasons],
        "warnings": [str(w) for w in row.warnings],
    }


def rejection(row: PlannedRow):
    """422 problem listing a refused record's fields and French reasons."""
    return problem(
        422,
        "Ligne refusée par les règles d'import : voir « errors ».",
        errors=[(getattr(r, "field", None), str(r)) for r in row.reasons],
        warnings=[str(w) for w in row.warnings],
    )


def plan(kind: str, records: list[dict[str, Any]]) -> ImportPlan:
    """The import plan of JSON records."""
    return plan_records(kind, records)


def apply(plan_: ImportPlan) -> dict[str, int]:
    """Write a plan on behalf of the calling integration (the caller commits)."""
    return apply_plan(plan_, current_integration(), source="api")  # type: ignore[arg-type]
