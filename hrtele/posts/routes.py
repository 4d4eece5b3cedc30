"""Post screens (HR)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from hrtele.auth.access import current_actor, require_hr
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import Post
from hrtele.posts.forms import PostForm
from hrtele.posts.services import (
    category_choices,
    create_post,
    establishment_choices,
    list_posts_stmt,
    update_post,
)
from hrtele.web.pagination import paginate, search_term

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


@bp.route("/")
def index():
    """List posts with search, eligibility filter and pagination."""
    eligible = request.args.get("eligible", "")
    page = paginate(list_posts_stmt(search_term(), eligible if eligible in ("0", "1") else ""))
    return render_template("posts/index.html", page=page, eligible=eligible)


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
