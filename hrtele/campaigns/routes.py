"""Campaign screens (HR): create from a selection, filters or a policy change; dry run; start;
live progress (JSON status polled by a few lines of JS, meta-refresh fallback); cancel; ZIP."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from hrtele import clock
from hrtele.agreements.routes import LIST as AGREEMENTS
from hrtele.agreements.services import LIVE_STATUSES, list_agreements_stmt
from hrtele.audit.service import record
from hrtele.auth.access import current_actor, require_hr
from hrtele.campaigns import services
from hrtele.database import writes_on_get
from hrtele.domain import campaigns as domain
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import Agreement, Campaign
from hrtele.web.labels import LABELS
from hrtele.web.pagination import paginate

bp = Blueprint("campaigns", __name__, url_prefix="/campagnes")
bp.before_request(require_hr)

#: How a campaign's agreements were chosen, as posted by the forms.
SCOPES = ("selection", "filters", "policy")
STATUS_LABELS = {
    "draft": "Simulation (non lancée)",
    "running": "En cours",
    "done": "Terminée",
    "cancelled": "Annulée",
}


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _filters() -> tuple[str, str, dict[str, str]]:
    """(search term, status, other filters) of the agreements list, from the form or the
    query string: the list's own filters (department, place, day, manager, dates), validated
    by its ListSpec."""
    state = AGREEMENTS.read(request.values)
    extra = {name: raw for name, raw in state.raw.items() if name != "status"}
    return state.term, state.raw.get("status", ""), extra


def _filters_description(state) -> list[str]:
    """French description of each filter of the agreements list in use."""
    parts = []
    for flt in AGREEMENTS.filters:
        if flt.name in state.raw:
            shown = dict(flt.options()).get(state.raw[flt.name], state.raw[flt.name])
            parts.append(f"{flt.label.lower()} « {shown} »")
    if state.term:
        parts.append(f"recherche « {state.term} »")
    return parts


def _extra_labels(extra: dict[str, str]) -> list[str]:
    """« service « Finances » »… for the filters the campaign form carries as hidden fields."""
    return _filters_description(AGREEMENTS.read(extra))


def _scope_ids(scope: str) -> tuple[list[int], str]:
    """Agreement ids and a French description of where they come from."""
    if scope == "selection":
        ids = services.selected_ids(request.form.getlist("agreement_id"))
        return ids, f"Sélection de la liste des accords ({len(set(ids))})"
    if scope == "policy":
        ids = list(db.session.scalars(
            select(Agreement.id).where(Agreement.status.in_(LIVE_STATUSES),
                                       Agreement.kind == "regular")
        ))
        return ids, "Changement de politique : accords en cours ou en préparation"
    state = AGREEMENTS.read(request.values)
    stmt = AGREEMENTS.apply(list_agreements_stmt(state.term), state)
    stmt = stmt.with_only_columns(Agreement.id).order_by(None)
    ids = list(db.session.scalars(stmt.limit(services.MAX_ITEMS + 1)))
    parts = _filters_description(state)
    return ids, ("Filtres de la liste des accords"
                 + (f" : {', '.join(parts)}" if parts else " : tous"))[:200]


@bp.route("/")
def index():
    """Campaigns, newest first."""
    return render_template("campaigns/index.html", page=paginate(services.campaigns_stmt()),
                           kinds=domain.KINDS, status_labels=STATUS_LABELS)


@bp.route("/nouvelle", methods=["GET", "POST"])
def create():
    """GET: choose the kind (filters or policy scope). POST: plan the campaign (dry run).

    The agreements list posts the selected rows as repeated ``agreement_id`` values with
    ``kind``; the filters form posts ``scope=filters`` with ``q`` and ``status``.
    """
    if request.method == "GET":
        scope = request.args.get("scope", "filters")
        scope = scope if scope in ("filters", "policy") else "filters"
        term, status, extra = _filters()
        kind = request.args.get("kind", domain.AMENDMENT)
        return render_template(
            "campaigns/new.html", scope=scope, term=term, status=status, extra=extra,
            extra_labels=_extra_labels(extra),
            kind=kind if kind in domain.KINDS else domain.AMENDMENT, kinds=domain.KINDS,
            statuses=LABELS["agreement_status"],
        )
    kind = request.form.get("kind", "")
    scope = request.form.get("scope") or "selection"
    try:
        if kind not in domain.KINDS:
            raise BusinessRuleError("Choisissez le type de campagne.")
        if scope not in SCOPES:
            raise BusinessRuleError("Origine de la sélection inconnue.")
        ids, source = _scope_ids(scope)
        campaign = services.plan_campaign(kind, ids, current_actor(), source, clock.today())
        db.session.commit()
    except BusinessRuleError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        term, status, extra = _filters()
        return render_template(
            "campaigns/new.html", scope=scope if scope != "selection" else "filters",
            term=term, status=status, extra=extra, extra_labels=_extra_labels(extra),
            kind=kind if kind in domain.KINDS else domain.AMENDMENT,
            kinds=domain.KINDS, statuses=LABELS["agreement_status"],
        ), 422
    return redirect(url_for("campaigns.show", campaign_id=campaign.id))


@bp.route("/<int:campaign_id>")
def show(campaign_id: int):
    """Dry run (draft), live progress (running) or result (done, cancelled)."""
    campaign = _campaign_or_404(campaign_id)
    blocked = db.session.execute(services.items_stmt(campaign.id, ("blocked",)).limit(500)).all()
    problems = db.session.execute(
        services.items_stmt(campaign.id, ("failed", "skipped")).limit(500)
    ).all()
    return render_template(
        "campaigns/show.html", campaign=campaign, progress=services.progress(campaign),
        kind=domain.KINDS[campaign.kind], blocked=blocked, problems=problems,
        status_labels=STATUS_LABELS,
    )


@bp.route("/<int:campaign_id>/etat")
def status(campaign_id: int):
    """JSON progress, polled by static/campaign.js."""
    campaign = _campaign_or_404(campaign_id)
    data = services.progress(campaign).as_json()
    data["status_label"] = STATUS_LABELS[campaign.status]
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:campaign_id>/lancer")
def start(campaign_id: int):
    """Start a planned campaign: its items are queued for the workers."""
    campaign = _campaign_or_404(campaign_id)
    try:
        must_run = services.start_campaign(campaign, current_actor())
        db.session.commit()
    except BusinessRuleError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("campaigns.show", campaign_id=campaign_id))
    if must_run:
        from hrtele.jobs.tasks import queue_runners

        try:
            queue_runners(campaign_id)
        except Exception:  # queue storage down: the worker's sweeper resumes the campaign later
            current_app.logger.exception("campaign %s: runners not queued", campaign_id)
            flash("La file des tâches est injoignable : la campagne démarrera dès que le "
                  "processus de travail sera de nouveau disponible.", "error")
        else:
            flash("Campagne lancée : les documents sont émis en arrière-plan.", "success")
    else:
        flash("Aucun accord à traiter : la campagne est terminée.", "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id))


@bp.post("/<int:campaign_id>/annuler")
def cancel(campaign_id: int):
    """Cancel a draft or running campaign (documents already issued stay issued)."""
    campaign = _campaign_or_404(campaign_id)
    try:
        n = services.cancel_campaign(campaign, current_actor())
        db.session.commit()
    except BusinessRuleError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        flash(f"Campagne annulée : {n} accord(s) ne seront pas traités.", "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id))


writes_on_get("campaigns.archive")


@bp.route("/<int:campaign_id>/documents.zip")
def archive(campaign_id: int):
    """ZIP of the PDFs issued by the campaign, with index.csv (reference, employee, SHA-256)."""
    campaign = _campaign_or_404(campaign_id)
    if domain.KINDS[campaign.kind].document_kind is None:
        abort(404)
    spool, count = services.zip_file(campaign)
    record("download", "campaigns", campaign.id, current_actor(), {"documents": count})
    db.session.commit()
    size = spool.seek(0, 2)
    spool.seek(0)

    def chunks():
        try:
            while block := spool.read(256 * 1024):
                yield block
        finally:
            spool.close()

    response = Response(chunks(), mimetype="application/zip")
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="campagne-{campaign_id}-documents.zip"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
