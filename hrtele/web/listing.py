"""Describe a list page once: sortable columns, validated filters, URL state and exports.

Each list route declares a ``ListSpec`` (its columns with a French label, an SQL sort
expression and an export value; its filters), reads the query string with ``spec.read()``
and narrows and orders its access-checked statement with ``spec.apply()``. The page, the
CSV and the XLSX export run that same statement, so an export holds exactly the rows the
list shows, filtered and sorted alike, and never more than the list's access rules allow.

Query string: ``sort`` (a column key), ``dir`` (``asc``/``desc``), ``page``, ``q`` and one
argument per filter. An unknown sort key falls back to the default order; a filter value
that is not one of its choices (or not a date) is ignored with a French message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Response, current_app, render_template
from sqlalchemy import Select

from hrtele import spreadsheets
from hrtele.audit.service import record
from hrtele.auth.access import current_actor
from hrtele.database import writes_on_get
from hrtele.extensions import db

#: Largest number of rows an export holds (a larger list asks the user to filter it).
MAX_EXPORT_ROWS = 20_000
EXPORT_FORMATS = ("csv", "xlsx")
_MAX_RAW = 200  # longest filter value read from the query string
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    """One column: key in the URL, French heading, SQL sort expression(s), export value."""

    key: str
    label: str
    sort: Any = None  # a column expression or a tuple of them; None: not sortable
    value: Callable[[Any], Any] | None = None  # export cell from a row; None: not exported
    numeric: bool = False  # right-aligned heading (class "num")
    shown: bool = True  # False: in the exports only (the table has no such column)

    @property
    def sortable(self) -> bool:
        return self.sort is not None

    def order_by(self, descending: bool) -> list[Any]:
        """ORDER BY terms for this column in the given direction (NULLs last)."""
        terms = self.sort if isinstance(self.sort, tuple | list) else (self.sort,)
        ordered = []
        for term in terms:
            ordered.append(term.is_(None))  # NULLs last whatever the direction (both DBs)
            ordered.append(term.desc() if descending else term.asc())
        return ordered


@dataclass(frozen=True)
class Filter:
    """One filter: query argument, French label, kind (choice or date) and how it narrows."""

    name: str
    label: str
    apply: Callable[[Select, Any], Select]
    kind: str = "choice"  # "choice" (value among choices) or "date" (jj/mm/aaaa or ISO)
    choices: Callable[[], Sequence[tuple[str, str]]] | None = None
    all_label: str = "Tous"

    def options(self) -> list[tuple[str, str]]:
        """(value, French label) pairs of a choice filter."""
        return [(str(v), str(text)) for v, text in (self.choices() if self.choices else ())]

    def parse(self, raw: str) -> tuple[Any, str | None]:
        """(value, None) for a valid raw value, (None, French message) otherwise."""
        if self.kind == "date":
            from hrtele.web.forms import parse_french_date

            try:
                return parse_french_date(raw), None
            except (ValueError, OverflowError):
                return None, f"Filtre « {self.label} » ignoré : date invalide (jj/mm/aaaa)."
        if raw in dict(self.options()):
            return raw, None
        return None, f"Filtre « {self.label} » ignoré : valeur inconnue."


@dataclass(frozen=True)
class ListSpec:
    """A list: its columns, filters, default order and export file name."""

    name: str  # file name stem of the exports (« accords »)
    title: str  # French title (sheet name)
    columns: Sequence[Column]
    filters: Sequence[Filter] = ()
    default_sort: str = ""
    default_desc: bool = False
    tiebreak: Any = None  # unique column ending every ORDER BY (stable pages)
    endpoint: str = ""  # the list's endpoint (links keep the state)
    export_endpoint: str = ""

    def __post_init__(self) -> None:
        if self.export_endpoint:
            # An export is audited (CNIL: reads of personal data are logged): one write
            # transaction for the whole request on SQLite.
            writes_on_get(self.export_endpoint)

    def column(self, key: str) -> Column | None:
        """The column of a key, or None."""
        return next((c for c in self.columns if c.key == key), None)

    def read(self, args: Mapping[str, str]) -> ListState:
        """The list's state from a query string: bad values dropped, with French messages."""
        sort = str(args.get("sort", ""))[:40]
        column = self.column(sort)
        if column is None or not column.sortable:
            sort, descending = self.default_sort, self.default_desc
        else:
            direction = args.get("dir", "")
            descending = direction == "desc" if direction in ("asc", "desc") else False
        values: dict[str, Any] = {}
        raw: dict[str, str] = {}
        errors: list[str] = []
        for flt in self.filters:
            text = str(args.get(flt.name, "")).strip()
            if not text:
                continue
            if len(text) > _MAX_RAW:
                errors.append(f"Filtre « {flt.label} » ignoré : valeur trop longue.")
                continue
            value, error = flt.parse(text)
            if error:
                errors.append(error)
                continue
            values[flt.name] = value
            raw[flt.name] = text
        term = str(args.get("q", "")).strip()[:100]
        return ListState(self, sort, descending, values, raw, errors, term)

    def apply(self, stmt: Select, state: ListState) -> Select:
        """``stmt`` narrowed by the state's filters and ordered by its sort column."""
        for flt in self.filters:
            if flt.name in state.values:
                stmt = flt.apply(stmt, state.values[flt.name])
        order: list[Any] = []
        column = self.column(state.sort)
        if column is not None and column.sortable:
            order.extend(column.order_by(state.descending))
        if self.tiebreak is not None:
            order.append(self.tiebreak.desc() if state.descending else self.tiebreak.asc())
        return stmt.order_by(None).order_by(*order) if order else stmt

    @property
    def shown(self) -> list[Column]:
        """The columns of the table, in order."""
        return [c for c in self.columns if c.shown]

    @property
    def exported(self) -> list[Column]:
        """The columns an export holds."""
        return [c for c in self.columns if c.value is not None]

    def rows(self, stmt: Select, limit: int | None = None) -> list[list[Any]]:
        """Export rows of a statement's results (``limit`` rows at most)."""
        columns = self.exported
        if limit is not None:
            stmt = stmt.limit(limit)
        return [[c.value(item) for c in columns] for item in db.session.scalars(stmt)]

    def export(self, stmt: Select, fmt: str, today: date, state: ListState | None = None
               ) -> Response:
        """The list as a CSV or XLSX attachment (``fmt`` checked by the route's converter).

        The export is recorded in the audit trail (list, format, filters, number of rows).
        """
        header = [c.label for c in self.exported]
        limit = current_app.config.get("EXPORT_MAX_ROWS", MAX_EXPORT_ROWS)
        rows = self.rows(stmt, limit + 1)
        if len(rows) > limit:
            # A truncated file would pass for the whole list: refuse and say how to narrow it.
            return Response(render_template(
                "errors/error.html", code=422, title="Export trop volumineux",
                message=f"La liste compte plus de {limit:,} lignes : filtrez-la avant de "
                        "l'exporter.".replace(",", "\u202f"),
            ), status=422)
        record("export", "list", None, current_actor(), {
            "liste": self.name, "format": fmt, "lignes": len(rows),
            "filtres": state.args() if state is not None else {},
        })
        db.session.commit()
        if fmt == "xlsx":
            data = spreadsheets.xlsx_bytes(header, rows, self.title)
        else:
            data = spreadsheets.csv_bytes(header, rows)
        response = Response(data, mimetype=MIMETYPES[fmt].split(";")[0])
        response.headers["Content-Type"] = MIMETYPES[fmt]
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{self.name}-{today.isoformat()}.{fmt}"'
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


@dataclass
class ListState:
    """Sort, direction, valid filter values and the search term read from a query string."""

    spec: ListSpec
    sort: str
    descending: bool
    values: dict[str, Any]
    raw: dict[str, str]
    errors: list[str] = field(default_factory=list)
    term: str = ""
    #: Arguments of filters a page validates itself (the audit trail's form), kept in links.
    extra: dict[str, str] = field(default_factory=dict)

    def args(self, **overrides: Any) -> dict[str, Any]:
        """Query arguments reproducing this state (valid values only), with overrides."""
        args: dict[str, Any] = {**self.extra, **self.raw}
        if self.term:
            args["q"] = self.term
        if self.sort != self.spec.default_sort or self.descending != self.spec.default_desc:
            args["sort"] = self.sort
            args["dir"] = "desc" if self.descending else "asc"
        args.update(overrides)
        return {k: v for k, v in args.items() if v not in (None, "")}

    def sort_args(self, key: str) -> dict[str, Any]:
        """Arguments of a column heading's link: sort by it, or flip it when already sorted."""
        descending = not self.descending if key == self.sort else False
        return self.args(sort=key, dir="desc" if descending else "asc", page=None)

    def aria_sort(self, key: str) -> str | None:
        """aria-sort value of a column heading."""
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"

    @property
    def filtered(self) -> bool:
        """True when a filter or a search narrows the list."""
        return bool(self.raw or self.term or self.extra)
