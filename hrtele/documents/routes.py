"""Documents: issue (HR), preview (HR), download of the stored bytes (HR and the employee
concerned), signed scans, history.

Downloads always serve the bytes stored when the document was issued, never a new render
(design.md §5, security.md §3.3). Mixed HR / employee routes check the login, then the
object (get_visible_or_404: an employee only sees their own documents, others are a 404);
HR-only routes are guarded one by one.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

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
from sqlalchemy import select

from hrtele import clock
from hrtele.audit.service import record
from hrtele.auth.access import current_actor, get_visible_or_404, guard, require_hr, require_login
from hrtele.database import writes_on_get
from hrtele.documents import services
from hrtele.documents.forms import PaperAmendmentForm, ReissueAmendmentForm, ScanUploadForm
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError, check_version
from hrtele.extensions import db
from hrtele.integrity import verified
from hrtele.models import (
    Agreement,
    Employee,
    IssuedDocument,
    PaperAmendment,
    SignedScan,
    TeleworkRequest,
)
from hrtele.web.pagination import paginate

bp = Blueprint("documents", __name__, url_prefix="/documents")

#: CSP of PDF responses: Chrome's built-in viewer needs object-src and inline styles
#: (crbug.com/271452); nothing else may load.
PDF_CSP = (
    "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'"
)


# --------------------------------------------------------------------------- responses


def _pdf_response(
    data: bytes | None, filename: str, *, inline: bool = False, etag: str | None = None
) -> Response:
    """PDF response that is never cached; ``data=None`` gives a 304 Not Modified."""
    if data is None:
        response = Response(status=304)
    else:
        response = Response(data, mimetype="application/pdf")
        disposition = "inline" if inline else "attachment"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if etag is not None:
        response.set_etag(etag)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = PDF_CSP
    return response


def _serve_stored(
    object_type: str,
    object_id: int,
    data: bytes,
    sha256: str,
    filename: str,
    details: dict[str, Any],
) -> Response:
    """Serve stored bytes (or 304) and audit the download, committing once.

    The endpoint is declared with writes_on_get, so on SQLite the whole request is one
    BEGIN IMMEDIATE transaction: the audit insert never has to upgrade a read snapshot.
    """
    # Every stored download is checked against its recorded SHA-256: altered bytes are never
    # served (IntegrityFailure -> refusal page, audit entry, error log).
    data = verified(data, sha256, object_type=object_type, object_id=object_id)
    not_modified = request.if_none_match.contains_weak(sha256)
    user = current_actor()
    # The audit only needs the actor's id and e-mail.
    actor = SimpleNamespace(id=user.id, email=user.email) if user is not None else None
    record(
        "download",
        object_type,
        object_id,
        actor,  # type: ignore[arg-type]
        {**details, "sha256": sha256, "status": 304 if not_modified else 200},
    )
    db.session.commit()
    return _pdf_response(None if not_modified else data, filename, etag=sha256)


def _refused(message: str, *, violations: list | None = None, back: str | None = None):
    """French page explaining why a document was not issued (status 422)."""
    return render_template(
        "documents/refused.html", message=message, violations=violations or [], back=back
    ), 422


def _optional_url(endpoint: str, **values: Any) -> str | None:
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def _agreement_back(agreement_id: int) -> str | None:
    return _optional_url("agreements.show", agreement_id=agreement_id)


def _agreement_documents(agreement_id: int) -> str | None:
    """The agreement page opened on its Documents tab (where an issued document shows)."""
    url = _agreement_back(agreement_id)
    return f"{url}#onglet-documents" if url else None


def _request_back(request_id: int) -> str | None:
    return _optional_url("requests.show", request_id=request_id)


def _document_back(document: IssuedDocument) -> str:
    if document.agreement_id is not None:
        url = _agreement_back(document.agreement_id)
        if url:
            return url
    if document.request_id is not None:
        url = _request_back(document.request_id)
        if url:
            return url
    return url_for("documents.history", employee_id=document.employee_id)


def _personnel_number(document: IssuedDocument) -> str | None:
    """Matricule printed in the document (from its stored snapshot)."""
    try:
        return json.loads(document.snapshot_json)["employee"]["personnel_number"]
    except (ValueError, KeyError, TypeError):
        return None


# --------------------------------------------------------------------------- downloads

# Both downloads write their audit row: run them in one write transaction (SQLite).
writes_on_get("documents.download")
writes_on_get("documents.download_scan")
writes_on_get("documents.download_paper_scan")


@bp.get("/<int:document_id>")
@guard(require_login)
def download(document_id: int):
    """The stored PDF of an issued document (HR: any; employee: their own, else 404)."""
    document = get_visible_or_404(IssuedDocument, document_id, current_actor())
    return _serve_stored(
        "issued_documents",
        document.id,
        document.pdf_bytes,
        document.sha256,
        services.download_filename(document, _personnel_number(document)),
        {"reference": document.reference},
    )


def _scan_owner(scan: SignedScan) -> int | None:
    return db.session.scalar(
        select(IssuedDocument.employee_id).where(IssuedDocument.id == scan.document_id)
    )


@bp.get("/scans/<int:scan_id>")
@guard(require_login)
def download_scan(scan_id: int):
    """A signed scan (HR, and the employee the document concerns)."""
    scan = get_visible_or_404(SignedScan, scan_id, current_actor(), owner=_scan_owner)
    reference = db.session.scalar(
        select(IssuedDocument.reference).where(IssuedDocument.id == scan.document_id)
    )
    filename = f"{services.scan_filename(reference or 'document')[:-4]}-signe-{scan.id}.pdf"
    return _serve_stored(
        "signed_scans",
        scan.id,
        scan.pdf_bytes,
        scan.sha256,
        filename,
        {"document_id": scan.document_id, "reference": reference},
    )


# --------------------------------------------------------------------------- previews (HR)


@bp.get("/accords/<int:agreement_id>/apercu-avenant")
@guard(require_hr)
def preview_amendment(agreement_id: int):
    """The amendment as it would be issued now, watermarked, not stored."""
    agreement = get_visible_or_404(Agreement, agreement_id, current_actor())
    try:
        pdf = services.preview_amendment(agreement, clock.today())
    except BusinessRuleError as exc:
        db.session.rollback()
        return _refused(str(exc), back=_agreement_back(agreement.id))
    return _pdf_response(pdf, f"apercu-avenant-accord-{agreement.id}.pdf", inline=True)


@bp.get("/accords/<int:agreement_id>/apercu-notification")
@guard(require_hr)
def preview_notice(agreement_id: int):
    """The end-of-telework notice as it would be issued now, watermarked, not stored."""
    agreement = get_visible_or_404(Agreement, agreement_id, current_actor())
    try:
        pdf = services.preview_notice(agreement, clock.today())
    except BusinessRuleError as exc:
        db.session.rollback()
        return _refused(str(exc), back=_agreement_back(agreement.id))
    return _pdf_response(pdf, f"apercu-notification-accord-{agreement.id}.pdf", inline=True)


@bp.get("/demandes/<int:request_id>/apercu-refus")
@guard(require_hr)
def preview_refusal(request_id: int):
    """The refusal letter as it would be issued now, watermarked, not stored."""
    req = get_visible_or_404(TeleworkRequest, request_id, current_actor())
    try:
        pdf = services.preview_refusal(req, clock.today())
    except BusinessRuleError as exc:
        db.session.rollback()
        return _refused(str(exc), back=_request_back(req.id))
    return _pdf_response(pdf, f"apercu-refus-demande-{req.id}.pdf", inline=True)


# --------------------------------------------------------------------------- issuing (HR)


def _issue(action, back: str | None, success: str):
    """Run an issuing service, commit once; French refusal page (422) on a refused issue."""
    try:
        document = action()
        db.session.commit()
    except RuleViolations as exc:
        db.session.rollback()
        return _refused(
            "Le document n'a pas été émis : l'accord présente des points bloquants.",
            violations=exc.violations,
            back=back,
        )
    except BusinessRuleError as exc:
        db.session.rollback()
        return _refused(str(exc), back=back)
    flash(success.format(reference=document.reference), "success")
    return redirect(back or url_for("documents.history", employee_id=document.employee_id), 303)


def _render_reissue(agreement: Agreement, form: ReissueAmendmentForm, plan, status: int):
    return render_template(
        "documents/reissue.html",
        agreement=agreement,
        form=form,
        plan=plan,
        current=services.documents_for_agreement(agreement.id, "amendment")[:1],
        back=_agreement_back(agreement.id),
    ), status


@bp.get("/accords/<int:agreement_id>/nouvelle-version")
@guard(require_hr)
def confirm_reissue(agreement_id: int):
    """Confirmation page of a new amendment version: what changed, what issuing it does."""
    agreement = get_visible_or_404(Agreement, agreement_id, current_actor())
    plan = services.amendment_plan(agreement, clock.today())
    if not plan.allowed:
        return _refused(plan.refusal or "Émission impossible.", back=_agreement_back(agreement.id))
    if not plan.supersedes:
        # Nothing to supersede: the first issue needs no confirmation.
        return redirect(_agreement_back(agreement.id) or url_for("documents.history",
                        employee_id=agreement.employee_id), 303)
    form = ReissueAmendmentForm()
    form.version.data = agreement.version
    return _render_reissue(agreement, form, plan, 200)


@bp.post("/accords/<int:agreement_id>/avenant")
@guard(require_hr)
def issue_amendment(agreement_id: int):
    """Issue (or reissue) the amendment of an agreement: version n+1, stored for good.

    A new version supersedes the one in force: it needs the confirmation box of the
    confirmation page, else that page comes back (422) saying what issuing does.
    """
    agreement = get_visible_or_404(Agreement, agreement_id, current_actor())
    form = ReissueAmendmentForm()
    form.validate()
    # A second click, or someone else's edit since the page was shown, is refused (409).
    check_version(agreement, form.version.data, "Cet accord")
    plan = services.amendment_plan(agreement, clock.today())
    if plan.allowed and plan.supersedes and not form.confirm.data:
        if not form.confirm.errors:
            form.confirm.errors = ["Cochez la case pour confirmer l'émission de la nouvelle version."]
        return _render_reissue(agreement, form, plan, 422)
    return _issue(
        lambda: services.issue_amendment(agreement, current_actor(), clock.today()),
        _agreement_documents(agreement.id),
        "Avenant {reference} émis et enregistré.",
    )


@bp.post("/accords/<int:agreement_id>/notification")
@guard(require_hr)
def issue_notice(agreement_id: int):
    """Issue the end-of-telework notice of an agreement whose end was notified."""
    agreement = get_visible_or_404(Agreement, agreement_id, current_actor())
    return _issue(
        lambda: services.issue_notice(agreement, current_actor(), clock.today()),
        _agreement_documents(agreement.id),
        "Notification de fin de télétravail {reference} émise et enregistrée.",
    )


@bp.post("/demandes/<int:request_id>/refus")
@guard(require_hr)
def issue_refusal(request_id: int):
    """Issue the reasoned refusal letter of a refused request."""
    req = get_visible_or_404(TeleworkRequest, request_id, current_actor())
    return _issue(
        lambda: services.issue_refusal(req, current_actor(), clock.today()),
        _request_back(req.id),
        "Lettre de refus {reference} émise et enregistrée.",
    )


# --------------------------------------------------------------------------- signed scans (HR)


@bp.route("/<int:document_id>/scan", methods=["GET", "POST"])
@guard(require_hr)
def upload_scan(document_id: int):
    """Attach the signed scan (PDF) of an issued document; scans are never replaced."""
    document = get_visible_or_404(IssuedDocument, document_id, current_actor())
    form = ScanUploadForm()
    max_bytes = int(current_app.config["SIGNED_SCAN_MAX_BYTES"])
    if form.validate_on_submit():
        storage = form.scan.data
        data = storage.stream.read(max_bytes + 1)
        try:
            services.attach_scan(document, storage.filename, data, current_actor(), max_bytes)
            db.session.commit()
        except BusinessRuleError as exc:
            db.session.rollback()
            form.scan.errors = [*form.scan.errors, str(exc)]
        else:
            flash(f"Scan signé de {document.reference} enregistré.", "success")
            return redirect(_document_back(document), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "documents/upload_scan.html",
        form=form,
        document=document,
        scans=services.scans_for_documents([document.id])[document.id],
        max_mb=max_bytes / (1024 * 1024),
        back=_document_back(document),
    ), status


# --------------------------------------------------------------------------- paper amendment (HR)


@bp.route("/accords/<int:agreement_id>/avenant-papier", methods=["GET", "POST"])
@guard(require_hr)
def paper_amendment(agreement_id: int):
    """Record the amendment signed on paper before the app (date, optional PDF scan)."""
    agreement = get_visible_or_404(Agreement, agreement_id, current_actor())
    today = clock.today()
    refusal = services.paper_amendment_refusal(agreement, today)
    form = PaperAmendmentForm()
    max_bytes = int(current_app.config["SIGNED_SCAN_MAX_BYTES"])
    if refusal is None and form.validate_on_submit():
        date_refusal = services.paper_amendment_refusal(agreement, today, form.signed_date.data)
        storage = form.scan.data
        scan = None
        if storage is not None and getattr(storage, "filename", ""):
            scan = (storage.filename, storage.stream.read(max_bytes + 1))
        if date_refusal:
            form.signed_date.errors = [*form.signed_date.errors, date_refusal]
        else:
            try:
                services.record_paper_amendment(
                    agreement, form.signed_date.data, scan, current_actor(), today, max_bytes
                )
                db.session.commit()
            except BusinessRuleError as exc:
                # The date was checked above: what is left is the scan (not a PDF, too big...).
                db.session.rollback()
                form.scan.errors = [*form.scan.errors, str(exc)]
            else:
                flash("Avenant papier enregistré : la notification de fin peut s'y référer.",
                      "success")
                return redirect(_agreement_documents(agreement.id) or url_for(
                    "documents.history", employee_id=agreement.employee_id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "documents/paper_amendment.html",
        form=form,
        agreement=agreement,
        refusal=refusal,
        current=services.paper_amendment(agreement.id),
        max_mb=max_bytes / (1024 * 1024),
        back=_agreement_back(agreement.id),
    ), status


def _paper_owner(row: PaperAmendment) -> int | None:
    return db.session.scalar(select(Agreement.employee_id).where(Agreement.id == row.agreement_id))


@bp.get("/avenants-papier/<int:paper_id>/scan")
@guard(require_hr)
def download_paper_scan(paper_id: int):
    """The scan of a paper amendment (HR), checked against its recorded SHA-256."""
    row = get_visible_or_404(PaperAmendment, paper_id, current_actor(), owner=_paper_owner)
    if row.pdf_bytes is None or row.sha256 is None:
        abort(404)  # no scan was attached: no page links here
    return _serve_stored(
        "paper_amendments",
        row.id,
        row.pdf_bytes,
        row.sha256,
        f"avenant-papier-accord-{row.agreement_id}-{row.id}.pdf",
        {"agreement_id": row.agreement_id},
    )


# --------------------------------------------------------------------------- history (HR)


@bp.get("/salaries/<int:employee_id>")
@guard(require_hr)
def history(employee_id: int):
    """Every document issued for one employee, newest first, with versions and scans."""
    employee = get_visible_or_404(Employee, employee_id, current_actor())
    page = paginate(services.document_history_stmt(employee.id))
    return render_template(
        "documents/history.html",
        employee=employee,
        page=page,
        scans=services.scans_for_documents(doc.id for doc in page.items),
        issuers=services.issuer_names(page.items),
        employee_url=_optional_url("employees.show", employee_id=employee.id),
    )


# --------------------------------------------------------------------------- partial panels


@bp.app_context_processor
def _panels() -> dict[str, Any]:
    """Helpers for the partials other areas include (agreement, request, employee pages)."""
    return {
        "agreement_documents_panel": agreement_panel,
        "request_documents_panel": request_panel,
        "employee_documents_panel": employee_panel,
    }


def agreement_panel(agreement: Agreement) -> dict[str, Any]:
    """What the agreement page shows: versions, scans, issue / notice actions.

    Every button the page shows leads somewhere that works: a preview or an issue action is
    offered only when the services say it can succeed, else the page gives their reason.
    """
    today = clock.today()
    documents = services.documents_for_agreement(agreement.id)
    amendments = [d for d in documents if d.kind == "amendment"]
    notices = [d for d in documents if d.kind == "reversibility_notice"]
    plan = services.amendment_plan(agreement, today)
    blocking = []
    preview_refusal = None
    if plan.allowed:
        preview_refusal = services.amendment_preview_refusal(agreement, today)
        if preview_refusal is None:
            blocking = [
                v for v in services.amendment_violations(agreement, today) if v.blocking
            ]
    show_notice = agreement.status == "ending" or (agreement.status == "ended" and not notices)
    show_notice = show_notice and agreement.kind == "regular"
    paper = services.paper_amendment(agreement.id) if not amendments else None
    current_notice = services.notice_document(agreement) if show_notice else None
    notice_refusal = None
    if show_notice and current_notice is None:
        notice_refusal = services.notice_preview_refusal(agreement, today)
    paper_refusal = services.paper_amendment_refusal(agreement, today) if not amendments else (
        "L'avenant a été émis dans l'application."
    )
    scans = services.scans_for_documents(d.id for d in documents)
    return {
        "amendments": amendments,
        "notices": notices,
        "scans": scans,
        "issuers": services.issuer_names(documents),
        "plan": plan,
        "blocking": blocking,
        "amendment_preview": plan.allowed and preview_refusal is None,
        "amendment_preview_refusal": preview_refusal,
        "can_issue_amendment": plan.allowed and preview_refusal is None and not blocking,
        "show_notice": show_notice,
        "current_notice": current_notice,
        "notice_preview": show_notice and current_notice is None and notice_refusal is None,
        "notice_refusal": notice_refusal,
        "paper": paper,
        "can_record_paper": paper_refusal is None,
        "needs_paper": show_notice and not amendments and paper is None and paper_refusal is None,
    }


def request_panel(req: TeleworkRequest) -> dict[str, Any]:
    """What the request page shows: the refusal letter, or the action to issue it."""
    document = services.refusal_document(req)
    documents = [document] if document is not None else []
    return {
        "document": document,
        "scans": services.scans_for_documents(d.id for d in documents),
        "issuers": services.issuer_names(documents),
    }


def employee_panel(employee: Employee, limit: int = 10) -> dict[str, Any]:
    """The latest documents of an employee (the full history has its own page)."""
    stmt = services.document_history_stmt(employee.id)
    documents = list(db.session.scalars(stmt.limit(limit + 1)))
    more = len(documents) > limit
    documents = documents[:limit]
    return {
        "documents": documents,
        "more": more,
        "scans": services.scans_for_documents(d.id for d in documents),
        "issuers": services.issuer_names(documents),
    }


# The list of every document (its own module; registers on this blueprint).
from hrtele.documents import list_routes  # noqa: E402,F401
