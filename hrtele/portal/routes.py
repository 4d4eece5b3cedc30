"""The employee's own space (« Mon espace »), comfortable on a phone.

Every page works on the logged-in account's employee (``actor.employee_id``): no employee id is
ever read from the URL, and a document id belonging to someone else is a 404.
"""

from __future__ import annotations

import json
from dataclasses import replace

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from hrtele import clock
from hrtele.audit.service import record
from hrtele.auth.access import current_actor, get_visible_or_404, require_employee
from hrtele.domain.dates import format_date_fr
from hrtele.domain.notice import PHASE_ADAPTATION, notice_sentence
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db, limiter
from hrtele.models import Employee, IssuedDocument, User
from hrtele.portal.forms import PLACE_HOME, EndRequestForm, PortalRequestForm
from hrtele.portal.services import (
    acknowledge_document,
    build_export,
    download_url,
    end_terms,
    endable_agreement,
    latest_end,
    max_days_hint,
    my_agreements,
    my_documents_stmt,
    my_requests,
    pending_request,
    record_export,
    request_end,
    request_precheck,
    submit_request,
    third_place_choices,
)
from hrtele.requests.services import HOME_FROM_FILE
from hrtele.web.filters import datetime_fr
from hrtele.web.forms import EmptyForm, show_violations
from hrtele.web.labels import LABELS
from hrtele.web.pagination import paginate

bp = Blueprint("portal", __name__, url_prefix="/mon-espace")
bp.before_request(require_employee)


def _me() -> tuple[User, Employee]:
    """The logged-in account and its employee record (require_employee ran before)."""
    actor = current_actor()
    if actor is None or actor.employee_id is None:  # pragma: no cover - the hook refuses it
        abort(403)
    employee = db.session.get(Employee, actor.employee_id)
    if employee is None:  # pragma: no cover - foreign key
        abort(404)
    return actor, employee


def _own_document_or_404(document_id: int, actor: User) -> IssuedDocument:
    """A document of the logged-in employee; anybody else's (even for HR accounts) is a 404."""
    document = get_visible_or_404(IssuedDocument, document_id, actor)
    if document.employee_id != actor.employee_id:
        # An HR account linked to an employee record: HR may see the document elsewhere, but
        # this space only shows the account's own documents. Logged like any refusal.
        db.session.rollback()
        record(
            "access_denied",
            IssuedDocument.__tablename__,
            document_id,
            actor,
            {"path": request.path[:500], "method": request.method},
        )
        db.session.commit()
        abort(404)
    return document


@bp.route("/")
def index():
    """My telework: current agreement(s), my requests, history."""
    _actor, employee = _me()
    today = clock.today()
    views = my_agreements(employee.id, today)
    return render_template(
        "portal/index.html",
        employee=employee,
        live=[v for v in views if v.is_live],
        past=[v for v in views if not v.is_live],
        requests=my_requests(employee.id),
        pending=pending_request(employee.id),
        today=today,
    )


@bp.route("/documents")
def documents():
    """My documents: download and acknowledge receipt."""
    _actor, employee = _me()
    page = paginate(my_documents_stmt(employee.id))
    return render_template(
        "portal/documents.html",
        page=page,
        links={d.id: download_url(d.id) for d in page.items},
        form=EmptyForm(),
    )


@bp.route("/documents/<int:document_id>/accuse-reception", methods=["POST"])
def acknowledge(document_id: int):
    """Acknowledge receipt of one of my documents (the first timestamp is kept)."""
    actor, _employee = _me()
    document = _own_document_or_404(document_id, actor)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    done = acknowledge_document(document, actor)
    db.session.commit()
    when = datetime_fr(document.acknowledged_dt)
    if done:
        flash(f"Réception du document {document.reference} enregistrée le {when}.", "success")
    else:
        flash(
            f"Vous aviez déjà accusé réception du document {document.reference} le {when}.",
            "success",
        )
    return redirect(url_for("portal.documents"))


def _place_field(form: PortalRequestForm) -> str:
    return "place_kind" if form.place_kind.data == PLACE_HOME else "third_place_id"


@bp.route("/demande", methods=["GET", "POST"])
def new_request():
    """Make a voluntary telework request (it lands in HR's list of pending requests)."""
    actor, employee = _me()
    today = clock.today()
    form = PortalRequestForm()
    form.third_place_id.choices = third_place_choices()
    if form.validate_on_submit():
        place_id = (
            HOME_FROM_FILE if form.place_kind.data == PLACE_HOME else form.third_place_id.data
        )
        data = {
            "wished_days": form.wished_days.data,
            "wished_pattern": form.wished_pattern.data,
            "place_id": place_id,
            "motive": form.motive.data or "",
        }
        try:
            req, warnings = submit_request(employee, data, actor, today)
            db.session.commit()
        except RuleViolations as exc:
            db.session.rollback()
            mapping = {"place_id": _place_field(form)}
            show_violations(
                form, [replace(v, field=mapping.get(v.field, v.field)) for v in exc.violations]
            )
        except BusinessRuleError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(
                f"Votre demande du {format_date_fr(req.request_date)} a été transmise au service "
                "des ressources humaines, qui vous répondra par écrit.",
                "success",
            )
            for v in warnings:
                flash(f"Point d'attention : {v.message}", "warning")
            return redirect(url_for("portal.index"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "portal/new_request.html",
        form=form,
        employee=employee,
        pending=pending_request(employee.id),
        precheck=request_precheck(employee, today),
        days_help=max_days_hint(employee),
    ), status


@bp.route("/fin-du-teletravail", methods=["GET", "POST"], endpoint="request_end")
def request_end_view():
    """Ask to end telework (reversibility at the employee's initiative), with the notice delay."""
    actor, employee = _me()
    today = clock.today()
    agreement = endable_agreement(employee.id)
    if agreement is None:
        status = 422 if request.method == "POST" else 200
        return render_template(
            "portal/request_end.html", agreement=None, form=None, terms=None
        ), status
    terms = end_terms(agreement, today)
    form = EndRequestForm()
    if request.method == "GET":
        form.effective_date.data = terms.earliest_end
    if form.validate_on_submit():
        try:
            request_end(agreement, form.effective_date.data, form.reason.data or "", actor, today)
            db.session.commit()
        except RuleViolations as exc:
            db.session.rollback()
            show_violations(form, exc.violations)
        except BusinessRuleError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(
                f"Votre demande de fin du télétravail est enregistrée : fin effective le "
                f"{format_date_fr(form.effective_date.data)}. Le service des ressources humaines "
                "vous remettra la notification écrite et organisera votre retour sur site.",
                "success",
            )
            return redirect(url_for("portal.index"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "portal/request_end.html",
        agreement=agreement,
        form=form,
        terms=terms,
        explanation=notice_sentence(terms),
        latest=latest_end(agreement, terms),
        phase_label=LABELS["ending_phase"].get(terms.phase, terms.phase),
        in_adaptation=terms.phase == PHASE_ADAPTATION,
    ), status


def _export_limit() -> str:
    return current_app.config.get("RATELIMIT_EXPORT", "10 per hour")


def _export_key() -> str:
    actor = current_actor()
    return f"export:{actor.id if actor is not None else request.remote_addr}"


@bp.route("/export")
@limiter.limit(_export_limit, key_func=_export_key, scope="portal-export")
def export():
    """Download all my data as JSON (GDPR right of access and portability)."""
    actor, employee = _me()
    today = clock.today()
    data = build_export(employee, actor, today)
    record_export(employee, actor)
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="mes-donnees-hrtele-{today.isoformat()}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
