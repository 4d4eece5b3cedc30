"""Audit trail browser (HR and admin): who did what, when, to which record."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from hrtele import clock
from hrtele.audit.forms import AuditFilterForm
from hrtele.audit.service import audit_entries_stmt, describe_changes, distinct_values
from hrtele.auth.access import require_hr
from hrtele.models import AuditEntry
from hrtele.web.filters import label
from hrtele.web.listing import Column, ListSpec
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


FILTER_NAMES = ("acteur", "action", "objet", "numero", "du", "au")


def _changes_text(entry: AuditEntry) -> str:
    return " ; ".join(f"{k} : {v}" if k else v for k, v in describe_changes(entry.changes_json))


LIST = ListSpec(
    name="journal",
    title="Journal des opérations",
    endpoint="audit.index",
    export_endpoint="audit.export",
    columns=(
        Column("at", "Date et heure", AuditEntry.at_dt, lambda e: e.at_dt),
        Column("actor", "Auteur", AuditEntry.actor_label, lambda e: e.actor_label),
        Column("action", "Action", AuditEntry.action, lambda e: label(e.action, "audit_action")),
        Column("object", "Enregistrement", (AuditEntry.object_type, AuditEntry.object_id),
               lambda e: label(e.object_type, "object_type")
               + (f" n° {e.object_id}" if e.object_id else "")),
        Column("changes", "Détail", None, _changes_text),
        Column("ip", "Adresse IP", AuditEntry.ip, lambda e: e.ip),
    ),
    default_sort="at",
    default_desc=True,
    tiebreak=AuditEntry.id,
)


def _listed():
    """(form, state, statement): statement None when the filters are invalid."""
    form = _form()
    state = LIST.read(request.args)
    filtered = any(request.args.get(name) for name in FILTER_NAMES)
    if filtered and not form.validate():
        return form, state, None
    state.extra = {name: request.args[name] for name in FILTER_NAMES if request.args.get(name)}
    stmt = audit_entries_stmt(
        actor=form.acteur.data or "",
        action=form.action.data or "",
        object_type=form.objet.data or "",
        object_id=form.object_id,
        date_from=form.du.data,
        date_to=form.au.data,
    )
    return form, state, LIST.apply(stmt, state)


def _invalid(form, state):
    return render_template("audit/index.html", form=form, page=None, listing=state,
                           describe=describe_changes), 422


@bp.route("/")
def index():
    """Entries newest first (or sorted by a column), filtered by author, action, record and
    dates; paginated."""
    form, state, stmt = _listed()
    if stmt is None:
        return _invalid(form, state)
    return render_template("audit/index.html", form=form, page=paginate(stmt), listing=state,
                           describe=describe_changes)


@bp.route("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    """The filtered and sorted trail as a French CSV or an XLSX workbook."""
    form, state, stmt = _listed()
    if stmt is None:
        return _invalid(form, state)
    return LIST.export(stmt, fmt, clock.today(), state)
