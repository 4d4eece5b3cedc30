"""Signature circuit pages: start (HR), sign (employee or HR signatory), signed PDF, evidence,
and the verification page (open to anyone, with an upload; HR can also check a stored file).

Object pages go through get_visible_or_404: an employee only reaches their own documents.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from hrtele.audit.service import record
from hrtele.auth.access import current_actor, get_visible_or_404, guard, require_hr, require_login
from hrtele.database import writes_on_get
from hrtele.documents import services as documents
from hrtele.documents.routes import _document_back, _personnel_number, _serve_stored
from hrtele.domain import signing as rules
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db, limiter
from hrtele.models import IssuedDocument
from hrtele.signatures import services
from hrtele.signatures.forms import SignForm, VerifyForm
from hrtele.web.forms import EmptyForm

bp = Blueprint("signatures", __name__, url_prefix="/signatures")

writes_on_get("signatures.download_signed")


def _back(document: IssuedDocument) -> str:
    actor = current_actor()
    if actor is not None and actor.is_hr:
        return _document_back(document)
    return url_for("portal.documents")


def _client_ip() -> str:
    return (request.remote_addr or "")[:45]


def _sign_limit() -> str:
    return current_app.config.get("RATELIMIT_SIGN", "10 per minute")


def _actor_key() -> str:
    actor = current_actor()
    return f"sign:{actor.id if actor is not None else request.remote_addr}"


# --------------------------------------------------------------------------- HR: start


@bp.post("/documents/<int:document_id>/lancer")
@guard(require_hr)
def start(document_id: int):
    """Open the electronic signature circuit of an issued document."""
    document = get_visible_or_404(IssuedDocument, document_id, current_actor())
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.start_circuit(document, current_actor())
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        return render_template(
            "documents/refused.html", message=str(exc), violations=[], back=_back(document)
        ), 422
    flash(
        f"Signature électronique de {document.reference} lancée : le premier signataire est "
        "prévenu par e-mail.",
        "success",
    )
    return redirect(_back(document), 303)


# --------------------------------------------------------------------------- signing


def _sign_page(document: IssuedDocument, form: SignForm, status: int = 200):
    actor = current_actor()
    circuit = services.circuit_for(document)
    role = services.role_of(actor, document)
    turn_message = None
    can_sign = False
    if not circuit.started:
        turn_message = "La signature électronique de ce document n'est pas encore lancée."
    elif circuit.void:
        turn_message = "Une version plus récente de ce document a été émise : celle-ci ne se signe plus."
    elif circuit.complete:
        turn_message = "Toutes les signatures de ce document sont recueillies."
    elif role is None:
        turn_message = (
            "Votre compte n'est pas habilité à signer ce document pour l'employeur."
            if actor is not None and actor.is_hr
            else "Vous n'avez pas à signer ce document."
        )
    else:
        try:
            rules.check_turn(circuit.steps, circuit.signed_roles, role)
            can_sign = True
        except rules.SigningRefused as refused:
            turn_message = refused.message
    return render_template(
        "signatures/sign.html",
        document=document,
        circuit=circuit,
        role=role,
        can_sign=can_sign,
        turn_message=turn_message,
        form=form,
        back=_back(document),
        kind_label=services.KIND_LABELS.get(document.kind, document.kind),
        role_labels=rules.ROLE_LABELS,
    ), status


@bp.route("/documents/<int:document_id>/signer", methods=["GET", "POST"])
@guard(require_login)
@limiter.limit(_sign_limit, key_func=_actor_key, methods=["POST"], scope="signature")
def sign(document_id: int):
    """Read the document, then sign it with the password typed again (phone-friendly)."""
    actor = current_actor()
    document = get_visible_or_404(IssuedDocument, document_id, actor)
    form = SignForm()
    if request.method == "GET":
        return _sign_page(document, form)
    if not form.validate_on_submit():
        return _sign_page(document, form, 422)
    try:
        services.sign_document(
            document,
            actor,
            form.password.data,
            ip=_client_ip(),
            user_agent=request.headers.get("User-Agent", ""),
        )
        db.session.commit()
    except BusinessRuleError as exc:
        db.session.rollback()
        # A refused signature (wrong password, not your turn...) is a security event: log it.
        record("signature_refused", "issued_documents", document.id, actor,
               {"reason": str(exc)[:300]})
        db.session.commit()
        form.password.errors = [*form.password.errors, str(exc)]
        return _sign_page(document, form, 422)
    circuit = services.circuit_for(document)
    if circuit.complete:
        flash("Signature enregistrée : le document est maintenant signé par toutes les parties.",
              "success")
    else:
        flash(
            f"Signature enregistrée. Le document attend maintenant la signature de "
            f"{rules.ROLE_LABELS[circuit.next_role]}.",
            "success",
        )
    return redirect(url_for("signatures.sign", document_id=document.id), 303)


# --------------------------------------------------------------------------- signed PDF, evidence


@bp.get("/documents/<int:document_id>/pdf-signe")
@guard(require_login)
def download_signed(document_id: int):
    """The latest signed PDF (complete or in progress) of a document, as stored."""
    document = get_visible_or_404(IssuedDocument, document_id, current_actor())
    circuit = services.circuit_for(document)
    evidence = services.signed_pdf(circuit)
    if evidence is None:
        abort(404)
    base = documents.download_filename(document, _personnel_number(document))
    return _serve_stored(
        "signature_evidences",
        evidence.id,
        evidence.pdf_bytes,
        evidence.pdf_sha256,
        services.signed_filename(document, circuit.complete and circuit.latest.id == evidence.id,
                                 base),
        {"reference": document.reference, "document_id": document.id,
         "sequence": evidence.sequence},
    )


@bp.get("/documents/<int:document_id>/preuves")
@guard(require_login)
def evidence(document_id: int):
    """Who signed, when, how they were authenticated, from where, and what they signed."""
    document = get_visible_or_404(IssuedDocument, document_id, current_actor())
    circuit = services.circuit_for(document)
    return render_template(
        "signatures/evidence.html",
        document=document,
        circuit=circuit,
        back=_back(document),
        kind_label=services.KIND_LABELS.get(document.kind, document.kind),
        role_labels=rules.ROLE_LABELS,
        auth_labels=rules.AUTH_LABELS,
    )


# --------------------------------------------------------------------------- verification


def _verify_limit() -> str:
    return current_app.config.get("RATELIMIT_VERIFY", "30 per hour")


def _report_context(result: services.Verification) -> dict[str, Any]:
    actor = current_actor()
    return {
        "result": result,
        "show_links": actor is not None and actor.is_hr,
        "kind_labels": services.KIND_LABELS,
    }


@bp.route("/verification", methods=["GET", "POST"])
@limiter.limit(_verify_limit, methods=["POST"], scope="verification")
def verify():
    """Upload a PDF: is it an unaltered document of this app, signed by whom, which version."""
    form = VerifyForm()
    result = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            max_bytes = int(current_app.config["SIGNED_SCAN_MAX_BYTES"])
            data = form.pdf.data.stream.read(max_bytes + 1)
            if len(data) > max_bytes:
                form.pdf.errors = [
                    f"Le fichier dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo."
                ]
                status = 422
            else:
                result = services.verify_pdf(data)
                record("verify", "pdf", result.document.id if result.document else None,
                       current_actor(), {"sha256": result.inspection.sha256, "ok": result.ok})
                db.session.commit()
                status = 200 if result.ok else 422
        else:
            status = 422
    return render_template("signatures/verify.html", form=form,
                           **_report_context(result) if result else {"result": None}), status


@bp.get("/documents/<int:document_id>/verifier")
@guard(require_hr)
def verify_stored(document_id: int):
    """Verify the stored file of a document (its latest signed revision, else the issued PDF)."""
    document = get_visible_or_404(IssuedDocument, document_id, current_actor())
    evidence = services.signed_pdf(services.circuit_for(document))
    data = evidence.pdf_bytes if evidence is not None else document.pdf_bytes
    result = services.verify_pdf(data)
    return render_template("signatures/verify.html", form=VerifyForm(), stored=document,
                           **_report_context(result)), 200 if result.ok else 422


# --------------------------------------------------------------------------- partials


@bp.app_context_processor
def _partials() -> dict[str, Any]:
    """Helpers for the signature status shown in document panels and the employee's space."""
    return {
        "signature_circuits": services.circuits_for,
        "signature_start_refusal": services.start_refusal,
        "signable_kinds": rules.SIGNABLE_KINDS,
    }
