"""Refusal-reason catalogue screens (HR and admin): list, add, rename, deactivate, delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from hrtele.auth.access import current_actor, require_hr
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import RefusalReason
from hrtele.refusals import services
from hrtele.refusals.forms import ReasonForm, ReasonRenameForm, ReasonStateForm
from hrtele.web.saving import save_form

bp = Blueprint("refusals", __name__, url_prefix="/motifs-de-refus")
bp.before_request(require_hr)


def _reason_or_404(reason_id: int) -> RefusalReason:
    return db.session.get(RefusalReason, reason_id) or abort(404)


def _render_index(form: ReasonForm, status: int, error: str | None = None):
    return render_template(
        "refusals/index.html", form=form, reasons=services.list_reasons(),
        usage=services.usage_counts(), state_form=ReasonStateForm(), error=error,
    ), status


@bp.route("/", methods=["GET", "POST"])
def index():
    """The catalogue, how often each reason was used, and a form to add one."""
    form = ReasonForm()
    if form.validate_on_submit():
        if save_form(form, lambda: services.create_reason(form.label.data, current_actor()),
                     success=lambda r: f"Motif « {r.label} » ajouté."):
            return redirect(url_for("refusals.index"))
    return _render_index(form, 422 if request.method == "POST" else 200)


@bp.route("/<int:reason_id>/modifier", methods=["GET", "POST"])
def rename(reason_id: int):
    """Rename one reason."""
    reason = _reason_or_404(reason_id)
    form = ReasonRenameForm(obj=reason)
    if request.method == "GET":
        form.version.data = reason.version
    if form.validate_on_submit():
        if save_form(form, lambda: services.rename_reason(
                reason, form.label.data, form.version.data, current_actor()),
                success="Motif renommé."):
            return redirect(url_for("refusals.index"))
    status = 422 if request.method == "POST" else 200
    return render_template("refusals/form.html", form=form, reason=reason), status


def _state_change(reason_id: int, operation, success: str):
    reason = _reason_or_404(reason_id)
    form = ReasonStateForm()
    if not form.validate_on_submit():
        return _render_index(ReasonForm(formdata=None), 422,
                             "Le formulaire est incomplet : rechargez la page et recommencez.")
    try:
        operation(reason, form.version.data)
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        return _render_index(ReasonForm(formdata=None), 422, str(exc))
    flash(success, "success")
    return redirect(url_for("refusals.index"))


@bp.route("/<int:reason_id>/desactiver", methods=["POST"])
def deactivate(reason_id: int):
    """Stop offering a reason (past refusals keep it)."""
    return _state_change(
        reason_id, lambda r, v: services.set_active(r, False, v, current_actor()),
        "Motif désactivé : il n'est plus proposé dans le formulaire de refus.")


@bp.route("/<int:reason_id>/reactiver", methods=["POST"])
def reactivate(reason_id: int):
    """Offer a deactivated reason again."""
    return _state_change(
        reason_id, lambda r, v: services.set_active(r, True, v, current_actor()),
        "Motif réactivé.")


@bp.route("/<int:reason_id>/supprimer", methods=["POST"])
def delete(reason_id: int):
    """Delete a reason no refusal uses."""
    return _state_change(
        reason_id, lambda r, v: services.delete_reason(r, v, current_actor()),
        "Motif supprimé.")
