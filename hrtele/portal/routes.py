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
from hrtele.domain import planning as dp
from hrtele.domain.dates import format_date_fr
from hrtele.domain.notice import PHASE_ADAPTATION, notice_sentence
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db, limiter
from hrtele.models import Employee, IssuedDocument, User
from hrtele.planning import views as planning_views
from hrtele.portal.forms import (
    ChangeRequestForm,
    EndRequestForm,
    PortalRequestForm,
    WithdrawRequestForm,
)
from hrtele.portal.services import (
    PLACE_BOTH,
    PLACE_HOME,
    acknowledge_document,
    build_export,
    change_own_request,
    days_by_place,
    download_url,
    end_terms,
    endable_agreement,
    form_pattern,
    latest_end,
    max_days_hint,
    my_agreements,
    my_documents_stmt,
    my_requests,
    own_request,
    pending_request,
    record_export,
    request_end,
    request_place_kind,
    request_precheck,
    stored_pattern,
    submit_request,
    third_place_choices,
    this_week,
    withdraw_own_request,
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


def _index_page(error: str | None = None, status: int = 200):
    _actor, employee = _me()
    today = clock.today()
    views = my_agreements(employee.id, today)
    week, grid = this_week(employee.id, today)
    pending = pending_request(employee.id)
    withdraw_form = WithdrawRequestForm()
    if pending is not None:
        withdraw_form.version.data = pending.version
    live = [v for v in views if v.is_live]
    return render_template(
        "portal/index.html",
        employee=employee,
        live=live,
        past=[v for v in views if not v.is_live],
        requests=my_requests(employee.id),
        pending=pending,
        withdraw_form=withdraw_form,
        places_by_day={v.agreement.id: days_by_place(v.agreement) for v in live},
        week=week,
        week_title=planning_views.range_title(dp.week_days(today), False),
        cell_label=lambda cell: planning_views.cell_label(cell, grid.places),
        cell_class=lambda cell: planning_views.cell_class(cell, grid.places),
        day_label=planning_views.day_label,
        today=today,
        error=error,
    ), status


@bp.route("/")
def index():
    """My telework: current agreement(s), this week's days, my requests, history."""
    return _index_page()


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


def _wishes(form: PortalRequestForm) -> dict:
    """The service's data from the form: places resolved, pattern in the stored encoding."""
    kind = form.place_kind.data
    if kind == PLACE_HOME:
        place_id, second_id = HOME_FROM_FILE, None
    elif kind == PLACE_BOTH:
        place_id, second_id = HOME_FROM_FILE, form.third_place_id.data
    else:
        place_id, second_id = form.third_place_id.data, None
    return {
        "wished_days": form.wished_days.data,
        "wished_pattern": stored_pattern(form.wished_pattern.data, kind),
        "place_id": place_id,
        "second_place_id": second_id,
        "motive": form.motive.data or "",
    }


def _show_rule_violations(form: PortalRequestForm, exc: RuleViolations) -> None:
    mapping = {"place_id": _place_field(form), "second_place_id": "third_place_id"}
    show_violations(form, [replace(v, field=mapping.get(v.field, v.field)) for v in exc.violations])


def _request_form_page(template: str, form, employee, today, status: int, **extra):
    form.wished_pattern.working_week = employee.working_pattern
    return render_template(
        template,
        form=form,
        employee=employee,
        precheck=request_precheck(employee, today),
        days_help=max_days_hint(employee),
        **extra,
    ), status


@bp.route("/demande", methods=["GET", "POST"])
def new_request():
    """Make a voluntary telework request (it lands in HR's list of pending requests)."""
    actor, employee = _me()
    today = clock.today()
    form = PortalRequestForm()
    form.third_place_id.choices = third_place_choices()
    if form.validate_on_submit() and _request_saved(
        form, lambda: submit_request(employee, _wishes(form), actor, today),
        "Votre demande du {date} a été transmise au service des ressources humaines, qui vous "
        "répondra par écrit.",
    ):
        return redirect(url_for("portal.index"))
    status = 422 if request.method == "POST" else 200
    return _request_form_page("portal/new_request.html", form, employee, today, status,
                              pending=pending_request(employee.id))


def _request_saved(form, save, success: str) -> bool:
    """Run save() -> (request, warnings) and commit; refusals go on the form (rolled back).

    On success, flash ``success`` (``{date}``: the request's date) and each warning.
    """
    try:
        req, warnings = save()
        db.session.commit()
    except RuleViolations as exc:
        db.session.rollback()
        _show_rule_violations(form, exc)
        return False
    except BusinessRuleError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return False
    flash(success.format(date=format_date_fr(req.request_date)), "success")
    for v in warnings:
        flash(f"Point d'attention : {v.message}", "warning")
    return True


def _own_request_or_404(request_id: int, actor: User, employee: Employee):
    """One of my requests; anybody else's is a 404 (and the attempt is logged)."""
    req = own_request(employee.id, request_id)
    if req is None:
        db.session.rollback()
        record("access_denied", "telework_requests", request_id, actor,
               {"path": request.path[:500], "method": request.method})
        db.session.commit()
        abort(404)
    return req


@bp.route("/demande/<int:request_id>/modifier", methods=["GET", "POST"])
def change_request(request_id: int):
    """Change my pending request (days, half-days, places, motive) while HR has not answered."""
    actor, employee = _me()
    today = clock.today()
    req = _own_request_or_404(request_id, actor, employee)
    if req.status != "pending":
        return _index_page(
            "Cette demande a déjà reçu une réponse : elle ne peut plus être modifiée.", 422
        )
    form = ChangeRequestForm()
    form.third_place_id.choices = third_place_choices()
    if request.method == "GET":
        form.wished_days.data = req.wished_days
        form.wished_pattern.data = form_pattern(req)
        form.place_kind.data = request_place_kind(req)
        third = req.second_place_id or (req.place_id if form.place_kind.data != PLACE_HOME
                                        else None)
        form.third_place_id.data = third or 0
        form.motive.data = req.motive
        form.version.data = req.version
    elif form.validate_on_submit() and _request_saved(
        form, lambda: (req, change_own_request(req, employee, _wishes(form), form.version.data,
                                               actor, today)),
        "Votre demande du {date} est modifiée ; le service des ressources humaines en est "
        "prévenu.",
    ):
        return redirect(url_for("portal.index"))
    status = 422 if request.method == "POST" else 200
    return _request_form_page("portal/change_request.html", form, employee, today, status,
                              req=req)


@bp.route("/demande/<int:request_id>/retirer", methods=["POST"])
def withdraw_request(request_id: int):
    """Withdraw my pending request (HR no longer has to answer it)."""
    actor, employee = _me()
    req = _own_request_or_404(request_id, actor, employee)
    form = WithdrawRequestForm()
    if not form.validate_on_submit():
        return _index_page("Formulaire invalide : rechargez la page et réessayez.", 422)
    try:
        withdraw_own_request(req, form.version.data, actor, clock.today())
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        return _index_page(str(exc), 422)
    flash(
        f"Votre demande du {format_date_fr(req.request_date)} est retirée : le service des "
        "ressources humaines en est prévenu. Vous pouvez en faire une nouvelle à tout moment.",
        "success",
    )
    return redirect(url_for("portal.index"))


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
