"""Page-numbered, sorted lists for the API (counted and sliced in SQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from hrtele.api.fields import FrenchSchema, Int, List, Nested, QueryInt, Str, between, one_of
from hrtele.extensions import db

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000


class PageArgsSchema(FrenchSchema):
    """page and per_page, common to every list."""

    page = QueryInt(
        load_default=1, validate=between(1, MAX_PAGE),
        metadata={"description": "Numéro de page (à partir de 1)."},
    )
    per_page = QueryInt(
        load_default=DEFAULT_PER_PAGE, validate=between(1, MAX_PER_PAGE),
        metadata={"description": f"Éléments par page (1 à {MAX_PER_PAGE})."},
    )


def sort_field(columns: dict[str, Any], default: str, description: str = "") -> Str:
    """The `sort` query parameter: a column name, prefixed by « - » for descending order."""
    choices = [name for key in columns for name in (key, f"-{key}")]
    return Str(
        load_default=default,
        validate=one_of(choices),
        metadata={
            "description": description or (
                "Tri : nom du champ, précédé de « - » pour l'ordre décroissant. Par défaut : "
                f"« {default} »."
            ),
            "enum": choices,
        },
    )


def sorted_stmt(stmt: Select, sort: str, columns: dict[str, Any], tie_breaker: Any) -> Select:
    """stmt ordered by the requested column (then by id, so pages never overlap)."""
    descending = sort.startswith("-")
    column = columns[sort.lstrip("-")]
    order = column.desc() if descending else column.asc()
    tie = tie_breaker.desc() if descending else tie_breaker.asc()
    return stmt.order_by(None).order_by(order, tie)


def page_of(stmt: Select, page: int, per_page: int) -> dict[str, Any]:
    """One page of stmt and its position: {items, page, per_page, total, pages}."""
    result = db.paginate(stmt, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE,
                         error_out=False)
    return {
        "items": list(result.items),
        "page": page,
        "per_page": per_page,
        "total": result.total or 0,
        "pages": max(1, result.pages),
    }


def page_schema(item_schema: type[FrenchSchema], name: str) -> type[FrenchSchema]:
    """Schema of a page of item_schema objects."""
    return type(
        name,
        (FrenchSchema,),
        {
            "items": List(Nested(item_schema), required=True),
            "page": Int(required=True, metadata={"description": "Page renvoyée."}),
            "per_page": Int(required=True, metadata={"description": "Éléments par page."}),
            "total": Int(required=True, metadata={"description": "Nombre total d'éléments."}),
            "pages": Int(required=True, metadata={"description": "Nombre de pages."}),
            "__doc__": f"Une page de résultats ({item_schema.__name__}).",
        },
    )

