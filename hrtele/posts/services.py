"""Post operations shared by the web and the CLI."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from hrtele.audit.service import record_change
from hrtele.editing import BusinessRuleError, assign, check_version
from hrtele.extensions import db
from hrtele.models import Category, Establishment, Post, User
from hrtele.web.pagination import like_pattern

LABEL = "Ce poste"


def list_posts_stmt(term: str = "", eligible: str = "") -> Select:
    """Posts matching a search term, ordered by code."""
    stmt = select(Post).options(joinedload(Post.category), joinedload(Post.establishment))
    if term:
        pattern = like_pattern(term)
        stmt = stmt.where(
            or_(
                Post.code.ilike(pattern, escape="\\"),
                Post.title.ilike(pattern, escape="\\"),
                Post.department.ilike(pattern, escape="\\"),
            )
        )
    if eligible == "1":
        stmt = stmt.where(Post.is_eligible.is_(True))
    elif eligible == "0":
        stmt = stmt.where(Post.is_eligible.is_(False))
    return stmt.order_by(Post.code)


def _check_unique_code(code: str, post_id: int | None) -> None:
    existing = db.session.scalar(select(Post).where(Post.code == code))
    if existing is not None and existing.id != post_id:
        raise BusinessRuleError(f"Le code « {code} » est déjà utilisé par un autre poste.")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    for key in ("establishment_id", "category_id"):
        if not data.get(key):
            data[key] = None
    if data.get("max_days_per_week") is not None:
        data["max_days_per_week"] = data["max_days_per_week"]
    return data


def create_post(data: dict[str, Any], actor: User | None) -> Post:
    """Create a post after checking its code is unique."""
    data = _clean(data)
    _check_unique_code(data["code"], None)
    post = Post()
    assign(post, data)
    db.session.add(post)
    record_change(post, actor)
    return post


def update_post(post: Post, data: dict[str, Any], expected_version: int | None,
                actor: User | None) -> Post:
    """Update a post, refusing a concurrent edit."""
    check_version(post, expected_version, LABEL)
    data = _clean(data)
    _check_unique_code(data["code"], post.id)
    assign(post, data)
    record_change(post, actor)
    return post


def establishment_choices() -> list[tuple[int, str]]:
    """(id, name) of establishments for select fields, with an empty choice."""
    rows = db.session.execute(select(Establishment.id, Establishment.name).order_by(Establishment.name))
    return [(0, "—")] + [(r.id, r.name) for r in rows]


def category_choices() -> list[tuple[int, str]]:
    """(id, label) of categories for select fields, with an empty choice."""
    rows = db.session.execute(select(Category.id, Category.label).order_by(Category.code))
    return [(0, "—")] + [(r.id, r.label) for r in rows]
