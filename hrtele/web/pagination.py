"""SQL-side pagination for list pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from sqlalchemy import Select, func, select

from hrtele.extensions import db
from hrtele.web.inputs import int_arg


@dataclass
class Page:
    """One page of results with navigation info."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def requested_page() -> int:
    """The ?page= argument, clamped to a sane positive integer."""
    return int_arg("page", 1, minimum=1, maximum=999_999) or 1


def paginate(stmt: Select, page: int | None = None, per_page: int | None = None) -> Page:
    """Run stmt for one page, counting the total in SQL."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = page or requested_page()
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total)


def search_term() -> str:
    """The ?q= search text, trimmed and bounded."""
    return request.args.get("q", "").strip()[:100]


def like_pattern(term: str) -> str:
    """A LIKE pattern with the user's wildcards escaped."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
