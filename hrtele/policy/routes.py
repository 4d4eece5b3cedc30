"""Policy screens: HR may read them, only an admin may save (policy, employer, categories)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from hrtele.auth.access import current_actor, require_admin, require_hr
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError
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


def _refused(form, exc: BusinessRuleError) -> None:
    db.session.rollback()
    if isinstance(exc, RuleViolations):
        if hasattr(form, "accept_violations"):
            form.accept_violations(exc.violations)
        else:
            show_violations(form, exc.violations)
    else:
        form.form_errors.append(str(exc))


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
        try:
            update_policy(
                policy,
                form.service_data(),
                form.version.data,
                current_actor(),
                bool(form.confirm_warnings.data),
            )
            db.session.commit()
        except BusinessRuleError as exc:
            _refused(form, exc)
        else:
            flash("Politique de télétravail enregistrée.", "success")
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
        try:
            save_employer(current, form.service_data(), form.version.data, current_actor())
            db.session.commit()
        except BusinessRuleError as exc:
            _refused(form, exc)
        else:
            flash("Identité de l'employeur enregistrée.", "success")
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
        try:
            category = create_category(form.service_data(), current_actor())
            db.session.commit()
        except BusinessRuleError as exc:
            _refused(form, exc)
        else:
            flash(f"Catégorie « {category.label} » ajoutée.", "success")
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
        try:
            update_category(
                category, {"label": form.label.data}, form.version.data, current_actor()
            )
            db.session.commit()
        except BusinessRuleError as exc:
            _refused(form, exc)
        else:
            flash("Catégorie renommée.", "success")
            return redirect(url_for("policy.categories"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "policy/category_form.html", form=form, category=category, can_edit=_can_edit()
    ), status
