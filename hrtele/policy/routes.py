"""Policy screens: HR may read them, only an admin may save (policy, employer, categories)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from hrtele.auth.access import current_actor, require_admin, require_hr
from hrtele.extensions import db
from hrtele.models import Category
from hrtele.policy.forms import CategoryForm, CategoryRenameForm, EmployerForm, PolicyForm
from hrtele.policy.services import (
    create_category,
    get_employer,
    get_policy,
    list_categories,
    save_employer,
    update_category,
    update_policy,
)
from hrtele.web.forms import show_violations
from hrtele.web.saving import save_form

bp = Blueprint("policy", __name__, url_prefix="/politique")


@bp.before_request
def _gate():
    """HR may look; saving anything here is an admin's job."""
    refused = require_hr()
    if refused is None and request.method not in ("GET", "HEAD", "OPTIONS"):
        refused = require_admin()
    return refused


def _can_edit() -> bool:
    actor = current_actor()
    return actor is not None and actor.is_admin


def _show_violations(form, violations) -> None:
    """Warnings to confirm on forms that offer it; otherwise every violation beside its field."""
    if hasattr(form, "accept_violations"):
        form.accept_violations(violations)
    else:
        show_violations(form, violations)


def _save(form, operation, success) -> bool:
    """Run a service and commit once; a refusal rolls back and is shown on the form (False)."""
    return save_form(form, operation, success=success, on_violations=_show_violations) is not None


@bp.route("/", methods=["GET", "POST"])
def edit():
    """The employer's telework policy: caps, delays, defaults of new agreements."""
    policy = get_policy()
    if policy is None:
        return render_template("policy/missing.html", can_edit=_can_edit())
    form = PolicyForm(obj=policy)
    if request.method == "GET":
        form.version.data = policy.version
    if form.validate_on_submit():
        if _save(form, lambda: update_policy(
            policy,
            form.service_data(),
            form.version.data,
            current_actor(),
            bool(form.confirm_warnings.data),
        ), "Politique de télétravail enregistrée."):
            return redirect(url_for("policy.edit"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "policy/edit.html", form=form, policy=policy, can_edit=_can_edit()
    ), status


@bp.route("/employeur", methods=["GET", "POST"])
def employer():
    """The employer's identity (name, SIRET, representative, IT charter)."""
    current = get_employer()
    form = EmployerForm(obj=current)
    if request.method == "GET" and current is not None:
        form.version.data = current.version
    if form.validate_on_submit():
        if _save(form, lambda: save_employer(
            current, form.service_data(), form.version.data, current_actor()
        ), "Identité de l'employeur enregistrée."):
            return redirect(url_for("policy.employer"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "policy/employer.html", form=form, employer=current, can_edit=_can_edit()
    ), status


@bp.route("/categories", methods=["GET", "POST"])
def categories():
    """Staff categories: the list and a form to add one."""
    form = CategoryForm()
    if form.validate_on_submit():
        if _save(form, lambda: create_category(form.service_data(), current_actor()),
                 lambda category: f"Catégorie « {category.label} » ajoutée."):
            return redirect(url_for("policy.categories"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "policy/categories.html", form=form, categories=list_categories(), can_edit=_can_edit()
    ), status


@bp.route("/categories/<int:category_id>/modifier", methods=["GET", "POST"])
def edit_category(category_id: int):
    """Rename a staff category."""
    category = db.session.get(Category, category_id) or abort(404)
    form = CategoryRenameForm(obj=category)
    if request.method == "GET":
        form.version.data = category.version
    if form.validate_on_submit():
        if _save(form, lambda: update_category(
            category, {"label": form.label.data}, form.version.data, current_actor()
        ), "Catégorie renommée."):
            return redirect(url_for("policy.categories"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "policy/category_form.html", form=form, category=category, can_edit=_can_edit()
    ), status
