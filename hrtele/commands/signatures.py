"""`flask verify-pdf`: the verification page's checks from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from hrtele.extensions import db
from hrtele.models import IssuedDocument
from hrtele.signatures import services


def _report(result: services.Verification) -> list[str]:
    lines = [("OK   " if result.ok else "ÉCHEC ") + result.verdict]
    lines.append(f"  Empreinte SHA-256 du fichier : {result.inspection.sha256}")
    if result.document is not None:
        doc = result.document
        kind = services.KIND_LABELS.get(doc.kind, doc.kind)
        lines.append(f"  Document : {kind}, référence {doc.reference}, version {doc.version}"
                     + (f", accord n° {doc.agreement_id}" if doc.agreement_id else ""))
    for number, check in enumerate(result.signatures, start=1):
        scope = ("couvre tout le document" if check.covers_whole_file
                 else "couvre sa révision ; seules des signatures ont suivi"
                 if check.later_changes_allowed else "ne couvre pas tout le document")
        lines.append(
            f"  Signature {number} : {check.signer_name or 'signataire inconnu'} — "
            f"{'valide' if check.ok else 'NON VALIDE'} — {scope}"
        )
        if check.reason:
            lines.append(f"    Objet : {check.reason}")
        if check.signing_time:
            lines.append(f"    Date déclarée : {check.signing_time.isoformat()}")
        if check.problem:
            lines.append(f"    Problème : {check.problem}")
    for problem in result.problems:
        lines.append(f"  ! {problem}")
    return lines


@click.command("verify-pdf")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--document", "document_id", type=int,
              help="Vérifier le fichier enregistré d'un document (numéro du document émis).")
@with_appcontext
def verify_pdf_command(path: Path | None, document_id: int | None) -> None:
    """Vérifier un PDF : document intact émis par hrtele, signatures, version de l'accord."""
    if (path is None) == (document_id is None):
        raise click.UsageError("Indiquez soit un fichier PDF, soit --document NUMÉRO.")
    if path is not None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise click.ClickException(f"Fichier illisible : {error.strerror}") from None
    else:
        document = db.session.get(IssuedDocument, document_id)
        if document is None:
            raise click.ClickException(f"Aucun document émis n° {document_id}.")
        evidence = services.signed_pdf(services.circuit_for(document))
        data = evidence.pdf_bytes if evidence is not None else document.pdf_bytes
    result = services.verify_pdf(data)
    click.echo("\n".join(_report(result)))
    if not result.ok:
        raise SystemExit(1)


commands = [verify_pdf_command]
