"""Post screens (HR)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from hrtele import clock
from hrtele.auth.access import current_actor, require_hr
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import Category, Post
from hrtele.posts.forms import PostForm
from hrtele.posts.services import (
    category_choices,
    create_post,
    establishment_choices,
    list_posts_stmt,
    update_post,
)
from hrtele.web.list_filters import department_choices
from hrtele.web.listing import Column, Filter, ListSpec
from hrtele.web.pagination import paginate

bp = Blueprint("posts", __name__, url_prefix="/postes")
bp.before_request(require_hr)

FIELDS = (
    "code", "title", "department", "establishment_id", "category_id", "is_eligible",
    "eligibility_reason", "teleworkable_tasks", "max_days_per_week", "headcount", "is_vacant",
)


def _form(obj: Post | None = None) -> PostForm:
    form = PostForm(obj=obj)
    form.establishment_id.choices = establishment_choices()
    form.category_id.choices = category_choices()
    return form


def _data(form: PostForm) -> dict:
    return {name: getattr(form, name).data for name in FIELDS}


def _category_label():
    return select(Category.label).where(Category.id == Post.category_id).scalar_subquery()


def _category_choices() -> list[tuple[str, str]]:
    return [(str(cid), text) for cid, text in category_choices()[1:]]


def _yes_no(column, label: str, yes: str, no: str, name: str) -> Filter:
    return Filter(name, label, lambda stmt, v: stmt.where(column.is_(v == "1")),
                  choices=lambda: [("1", yes), ("0", no)])


LIST = ListSpec(
    name="postes",
    title="Postes",
    endpoint="posts.index",
    export_endpoint="posts.export",
    columns=(
        Column("code", "Code", Post.code, lambda p: p.code),
        Column("title", "Intitulé", Post.title, lambda p: p.title),
        Column("department", "Service", Post.department, lambda p: p.department),
        Column("category", "Catégorie", _category_label(),
               lambda p: p.category.label if p.category else ""),
        Column("eligible", "Télétravaillable", Post.is_eligible, lambda p: p.is_eligible),
        Column("max_days", "Plafond j/sem.", Post.max_days_per_week,
               lambda p: p.max_days_per_week, numeric=True),
        Column("vacant", "Vacant", Post.is_vacant, lambda p: p.is_vacant),
        Column("headcount", "Effectif", Post.headcount, lambda p: p.headcount, shown=False),
        Column("reason", "Motif d'inéligibilité", None, lambda p: p.eligibility_reason,
               shown=False),
    ),
    filters=(
        Filter("department", "Service", lambda stmt, v: stmt.where(Post.department == v),
               choices=department_choices),
        Filter("category", "Catégorie", lambda stmt, v: stmt.where(Post.category_id == int(v)),
               choices=_category_choices, all_label="Toutes"),
        _yes_no(Post.is_eligible, "Télétravaillable", "Télétravaillables",
                "Non télétravaillables", "eligible"),
        _yes_no(Post.is_vacant, "Vacance", "Vacants", "Pourvus", "vacant"),
    ),
    default_sort="code",
    tiebreak=Post.id,
)


def _listed():
    """(state, statement) of the posts list from the query string."""
    state = LIST.read(request.args)
    return state, LIST.apply(list_posts_stmt(state.term), state)


@bp.route("/")
def index():
    """List posts: sortable columns, filters (department, category, eligibility, vacancy)
    and search, kept in the URL; SQL pagination."""
    state, stmt = _listed()
    return render_template("posts/index.html", page=paginate(stmt), listing=state)


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """The filtered and sorted list as a French CSV or an XLSX workbook."""
    state, stmt = _listed()
    return LIST.export(stmt, fmt, clock.today(), state)


@bp.route("/nouveau", methods=["GET", "POST"])
def create():
    """Create a post."""
    form = _form()
    if form.validate_on_submit():
        try:
            post = create_post(_data(form), current_actor())
            db.session.commit()
        except BusinessRuleError as exc:
            db.session.rollback()
            form.code.errors.append(str(exc))
        else:
            flash(f"Poste « {post.title} » créé.", "success")
            return redirect(url_for("posts.show", post_id=post.id))
    status = 422 if form.errors or request.method == "POST" else 200
    return render_template("posts/form.html", form=form, post=None), status


@bp.route("/<int:post_id>")
def show(post_id: int):
    """One post."""
    post = db.session.get(Post, post_id) or abort(404)
    return render_template("posts/show.html", post=post)


@bp.route("/<int:post_id>/modifier", methods=["GET", "POST"])
def edit(post_id: int):
    """Edit a post (409 if someone else saved it meanwhile)."""
    post = db.session.get(Post, post_id) or abort(404)
    form = _form(post)
    if request.method == "GET":
        form.version.data = post.version
    if form.validate_on_submit():
        try:
            update_post(post, _data(form), form.version.data, current_actor())
            db.session.commit()
        except BusinessRuleError as exc:
            db.session.rollback()
            form.code.errors.append(str(exc))
        else:
            flash("Poste enregistré.", "success")
            return redirect(url_for("posts.show", post_id=post.id))
    status = 422 if request.method == "POST" else 200
    return render_template("posts/form.html", form=form, post=post), status
