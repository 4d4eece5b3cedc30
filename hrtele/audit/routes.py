"""Audit trail browser (HR and admin): who did what, when, to which record."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from hrtele.audit.forms import AuditFilterForm
from hrtele.audit.service import audit_entries_stmt, describe_changes, distinct_values
from hrtele.auth.access import require_hr
from hrtele.models import AuditEntry
from hrtele.web.filters import label
from hrtele.web.pagination import paginate

bp = Blueprint("audit", __name__, url_prefix="/journal")
bp.before_request(require_hr)


def _form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "Toutes")] + [
        (a, label(a, "audit_action")) for a in distinct_values(AuditEntry.action)
    ]
    form.objet.choices = [("", "Tous")] + [
        (t, label(t, "object_type")) for t in distinct_values(AuditEntry.object_type)
    ]
    return form


@bp.route("/")
def index():
    """Entries newest first, filtered by author, action, record and dates; paginated."""
    form = _form()
    filtered = any(request.args.get(name) for name in ("acteur", "action", "objet", "numero", "du", "au"))
    if filtered and not form.validate():
        return render_template("audit/index.html", form=form, page=None, describe=describe_changes), 422
    stmt = audit_entries_stmt(
        actor=form.acteur.data or "",
        action=form.action.data or "",
        object_type=form.objet.data or "",
        object_id=form.object_id,
        date_from=form.du.data,
        date_to=form.au.data,
    )
    return render_template("audit/index.html", form=form, page=paginate(stmt), describe=describe_changes)
