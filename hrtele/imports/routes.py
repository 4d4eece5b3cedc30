"""Import screens (HR): upload a CSV, preview the dry run, apply it in one transaction."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hrtele.auth.access import current_actor, require_hr
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.imports.forms import ApplyForm, UploadForm
from hrtele.imports.parsing import (
    COLUMNS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    KIND_LABELS,
    ImportFileError,
    template_csv,
)
from hrtele.imports.services import (
    FIELD_LABELS,
    apply_batch,
    build_plan,
    create_batch,
    discard_batch,
    display,
)
from hrtele.models import ImportBatch
from hrtele.web.filters import plural_fr

bp = Blueprint("imports", __name__, url_prefix="/import")
bp.before_request(require_hr)

DISPLAY_LIMIT = 500


def _limits() -> dict[str, int]:
    return {
        "max_bytes": int(current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)),
        "max_rows": int(current_app.config.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
    }


def _recent_batches():
    actor = current_actor()
    return list(db.session.scalars(
        select(ImportBatch).where(ImportBatch.created_by_id == actor.id)
        .order_by(ImportBatch.id.desc()).limit(10)
    ))


def _index_page(form: UploadForm, error: str | None = None, status: int = 200):
    return render_template(
        "imports/index.html",
        form=form,
        error=error,
        columns=COLUMNS,
        kind_labels=KIND_LABELS,
        batches=_recent_batches(),
        limits=_limits(),
    ), status


@bp.route("/", methods=["GET", "POST"])
def index():
    """Upload form; a readable file becomes a batch and its preview."""
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        limits = _limits()
        data = upload.read(limits["max_bytes"] + 1)
        try:
            batch, _plan = create_batch(form.kind.data, upload.filename or "", data,
                                        current_actor(), **limits)
            db.session.commit()
        except ImportFileError as exc:
            db.session.rollback()
            return _index_page(form, str(exc), 422)
        return redirect(url_for("imports.preview", batch_id=batch.id))
    if form.is_submitted():
        return _index_page(form, None, 422)
    return _index_page(form)


@bp.route("/modele/<kind>.csv")
def template(kind: str):
    """Empty file with the expected header line (UTF-8 with BOM, ';')."""
    if kind not in COLUMNS:
        abort(404)
    name = "salaries" if kind == "employees" else "postes"
    response = Response(template_csv(kind), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="modele-import-{name}.csv"'
    return response


def _batch_or_404(batch_id: int, lock: bool = False) -> ImportBatch:
    # FOR UPDATE (PostgreSQL) serialises two concurrent applies of one batch; SQLite writes
    # are already serialised by BEGIN IMMEDIATE.
    batch = db.session.get(ImportBatch, batch_id, with_for_update=lock or None)
    actor = current_actor()
    if batch is None or (batch.created_by_id != actor.id and not actor.is_admin):
        abort(404)
    return batch


def _preview_page(batch: ImportBatch, error: str | None = None, status: int = 200):
    if batch.applied_dt is not None:
        counts = json.loads(batch.result_json or "{}")
        return render_template("imports/result.html", batch=batch, counts=counts,
                               kind_label=KIND_LABELS[batch.kind]), status
    try:
        plan = build_plan(batch.kind, batch.content, **_limits())
    except ImportFileError as exc:  # limits lowered since the upload
        plan, error = None, str(exc)
    form = ApplyForm(sha256=batch.sha256)
    return render_template(
        "imports/preview.html",
        batch=batch,
        plan=plan,
        form=form,
        error=error,
        limit=DISPLAY_LIMIT,
        field_labels=FIELD_LABELS,
        show=display,
    ), status


@bp.route("/lots/<int:batch_id>")
def preview(batch_id: int):
    """Dry run of a stored file: rows to create, update or reject (with the reason)."""
    return _preview_page(_batch_or_404(batch_id))


@bp.route("/lots/<int:batch_id>/appliquer", methods=["POST"])
def apply(batch_id: int):
    """Apply the stored file in one transaction (the hash must match the preview)."""
    batch = _batch_or_404(batch_id, lock=True)
    form = ApplyForm()
    if not form.validate_on_submit():
        return _preview_page(batch, "Confirmation invalide : rechargez l'aperçu.", 422)
    try:
        counts = apply_batch(batch, form.sha256.data, current_actor(), **_limits())
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        return _preview_page(_batch_or_404(batch_id), str(exc), 409)
    except IntegrityError:  # a concurrent import wrote the same keys meanwhile
        db.session.rollback()
        return _preview_page(
            _batch_or_404(batch_id),
            "Des données ont été modifiées en même temps par un autre import : rien n'a été "
            "enregistré, vérifiez l'aperçu puis appliquez de nouveau.",
            409,
        )
    flash(
        "Import appliqué : "
        + ", ".join((
            plural_fr("%(num)s création", "%(num)s créations", counts["create"]),
            plural_fr("%(num)s mise à jour", "%(num)s mises à jour", counts["update"]),
            plural_fr("%(num)s ligne inchangée", "%(num)s lignes inchangées",
                      counts["unchanged"]),
            plural_fr("%(num)s ligne rejetée", "%(num)s lignes rejetées", counts["reject"]),
        )) + ".",
        "success",
    )
    return redirect(url_for("imports.preview", batch_id=batch_id))


@bp.route("/lots/<int:batch_id>/abandonner", methods=["POST"])
def discard(batch_id: int):
    """Abandon a preview (the stored file is deleted)."""
    batch = _batch_or_404(batch_id)
    if batch.applied_dt is not None:
        flash("Cet import est déjà appliqué.", "error")
        return redirect(url_for("imports.preview", batch_id=batch_id))
    discard_batch(batch, current_actor())
    db.session.commit()
    flash("Aperçu abandonné : le fichier déposé a été supprimé.", "success")
    return redirect(url_for("imports.index"))
