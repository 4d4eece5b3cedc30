"""/api/v1/documents: issued documents' metadata and their PDF, served from the stored bytes."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload

from hrtele.api.auth import current_integration, requires
from hrtele.api.base import ApiBlueprint
from hrtele.api.fields import QueryInt, Str, between, one_of
from hrtele.api.paging import PageArgsSchema, page_of, sort_field, sorted_stmt
from hrtele.api.problems import problem
from hrtele.api.schemas import DocumentPageSchema, DocumentSchema
from hrtele.audit.service import record
from hrtele.database import writes_on_get
from hrtele.documents import services
from hrtele.documents.routes import PDF_CSP
from hrtele.extensions import db
from hrtele.models import Employee, IssuedDocument
from hrtele.models.document import DOCUMENT_KINDS
from hrtele.web.labels import LABELS

bp = ApiBlueprint("api_documents", __name__, url_prefix="/api/v1/documents", tag="Documents",
                  description="Documents émis (avenants, notifications de fin, lettres de "
                              "refus…) : métadonnées et PDF tel qu'émis.")

SORTS = {"issued_at": IssuedDocument.issued_dt, "reference": IssuedDocument.reference}


class DocumentListArgs(PageArgsSchema):
    """Filters: the employee, the agreement or request, the kind."""

    personnel_number = Str(metadata={"description": "Matricule du salarié (exact)."})
    agreement_id = QueryInt(validate=between(1, 2**31 - 1),
                            metadata={"description": "Accord concerné."})
    request_id = QueryInt(validate=between(1, 2**31 - 1),
                          metadata={"description": "Demande concernée."})
    kind = Str(validate=one_of(DOCUMENT_KINDS),
               metadata={"enum": list(DOCUMENT_KINDS), "description": "Nature du document."})
    sort = sort_field(SORTS, "-issued_at")


def document_view(document: IssuedDocument) -> dict[str, Any]:
    """Metadata of a document, with the address of its PDF."""
    data = {key: getattr(document, key) for key in (
        "id", "reference", "kind", "version", "employee_id", "agreement_id", "request_id",
        "sha256", "size", "template_version", "issued_dt", "is_superseded")}
    data["kind_label"] = LABELS["document_kind"].get(document.kind, document.kind)
    data["pdf_url"] = url_for("api_documents.get_document_pdf", document_id=document.id)
    return data


def _metadata_stmt():
    return select(IssuedDocument).options(
        defer(IssuedDocument.pdf_bytes), defer(IssuedDocument.snapshot_json)
    )


@bp.route("", methods=["GET"])
@requires("read")
@bp.arguments(DocumentListArgs, location="query")
@bp.response(200, DocumentPageSchema)
def list_documents(args):
    """Liste des documents émis (sans leurs octets)."""
    stmt = _metadata_stmt()
    if args.get("personnel_number"):
        stmt = stmt.join(Employee, Employee.id == IssuedDocument.employee_id).where(
            func.lower(Employee.personnel_number) == args["personnel_number"].lower()
        )
    for key in ("agreement_id", "request_id", "kind"):
        if args.get(key) is not None:
            stmt = stmt.where(getattr(IssuedDocument, key) == args[key])
    page = page_of(sorted_stmt(stmt, args["sort"], SORTS, IssuedDocument.id), args["page"],
                   args["per_page"])
    page["items"] = [document_view(d) for d in page["items"]]
    return page


@bp.route("/<int:document_id>", methods=["GET"], errors=(404,))
@requires("read")
@bp.response(200, DocumentSchema)
def get_document(document_id: int):
    """Métadonnées d'un document émis (empreinte SHA-256, version, accord…)."""
    document = db.session.scalar(_metadata_stmt().where(IssuedDocument.id == document_id))
    if document is None:
        return problem(404, "Ce document n'existe pas.")
    return document_view(document)


writes_on_get("api_documents.get_document_pdf")  # the download is audited: one write transaction


@bp.route("/<int:document_id>/pdf", methods=["GET"], errors=(404, 500))
@requires("read")
@bp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf",
             description="Le PDF tel qu'émis (mêmes octets, empreinte SHA-256 revérifiée).",
             headers={"ETag": {"description": "SHA-256 des octets.", "schema": {"type": "string"}}})
@bp.alt_response(304, description="Non modifié (If-None-Match égal à l'empreinte).",
                 success=True)
def get_document_pdf(document_id: int):
    """Le PDF d'un document, servi depuis les octets enregistrés à l'émission.

    L'empreinte SHA-256 est recalculée à chaque téléchargement : un document altéré n'est
    pas délivré (500, alerte). Le téléchargement est inscrit au journal d'audit.
    """
    document = db.session.scalar(
        select(IssuedDocument).options(joinedload(IssuedDocument.employee))
        .where(IssuedDocument.id == document_id)
    )
    if document is None:
        return problem(404, "Ce document n'existe pas.")
    actor = current_integration()
    if not services.integrity_ok(document):
        current_app.logger.error(
            "issued document %s: stored bytes do not match their SHA-256", document.id
        )
        record("integrity_error", "issued_documents", document.id, actor,  # type: ignore[arg-type]
               {"reference": document.reference, "via": "api"})
        db.session.commit()
        return problem(500, "Le document enregistré ne correspond plus à son empreinte : il "
                            "n'est pas délivré. L'équipe technique a été alertée.")
    not_modified = request.if_none_match.contains_weak(document.sha256)
    record("download", "issued_documents", document.id, actor,  # type: ignore[arg-type]
           {"reference": document.reference, "sha256": document.sha256,
            "status": 304 if not_modified else 200, "via": "api"})
    db.session.commit()
    if not_modified:
        response = Response(status=304)
    else:
        number = document.employee.personnel_number if document.employee else None
        response = Response(document.pdf_bytes, mimetype="application/pdf")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{services.download_filename(document, number)}"'
        )
    response.set_etag(document.sha256)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = PDF_CSP
    return response
