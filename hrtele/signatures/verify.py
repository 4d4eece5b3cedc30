"""Reading a PDF back: its revisions, its signatures and their validity (pyHanko's validator).

No database here: services.verify_pdf() matches the revisions against the stored documents
and decides which certificates are the employer's. Validation never fetches anything from
the network (no OCSP/CRL: the employer's seal is checked against the certificates this
application signed with), and each signature is validated at the signing time it claims,
so a document stays verifiable after the certificate expires.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

__all__ = ["SignatureCheck", "PdfInspection", "inspect_pdf", "revision_ends"]

logger = logging.getLogger(__name__)

_EOF = re.compile(rb"%%EOF(\r\n|\r|\n)?")


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of the file as pyHanko's validator judged it."""

    field_name: str
    signer_name: str
    reason: str
    signing_time: datetime | None
    certificate_subject: str
    certificate_sha256: str
    known_certificate: bool  # the employer's seal, as recorded by this application
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature is correct
    trusted: bool
    covers_whole_file: bool  # nothing was appended after this signature
    later_changes_allowed: bool  # what came after is only further signatures
    revision_end: int  # length of the file prefix this signature covers
    evidence: dict[str, Any] | None  # the embedded evidence (JSON), when present
    problem: str = ""  # French explanation when not ok

    @property
    def ok(self) -> bool:
        """True when the signature is valid, trusted and nothing forbidden followed it."""
        return (
            self.intact and self.valid and self.trusted and self.later_changes_allowed
            and not self.problem
        )


@dataclass(frozen=True)
class PdfInspection:
    """What the file contains: its revision boundaries and signatures."""

    readable: bool
    sha256: str
    size: int
    revision_ends: tuple[int, ...]
    signatures: tuple[SignatureCheck, ...] = field(default_factory=tuple)
    error: str = ""  # French, when unreadable


def revision_ends(data: bytes) -> tuple[int, ...]:
    """Offsets just after each « %%EOF » marker: the candidate ends of each revision."""
    return tuple(match.end() for match in _EOF.finditer(data))


def _evidence(embedded_sig: Any) -> dict[str, Any] | None:
    """The evidence JSON associated with the signature's visible block, if any."""
    try:
        appearance = embedded_sig.sig_field["/AP"]["/N"].get_object()
        for spec in appearance.get("/AF", ()):
            stream = spec.get_object()["/EF"]["/F"].get_object()
            return json.loads(stream.data.decode("utf-8"))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None


def _check(embedded_sig: Any, is_known: Callable[[str], bool]) -> SignatureCheck:
    sig = embedded_sig.sig_object
    cert = embedded_sig.signer_cert
    cert_sha = hashlib.sha256(cert.dump()).hexdigest()
    known = is_known(cert_sha)
    claimed = embedded_sig.self_reported_timestamp
    context = ValidationContext(
        trust_roots=[cert] if known else [],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=claimed,
    )
    problem = ""
    try:
        status = validate_pdf_signature(embedded_sig, signer_validation_context=context)
        intact, valid, trusted = status.intact, status.valid, status.trusted
        coverage = status.coverage
        level = status.modification_level
        later_ok = status.docmdp_ok and level is not None and level <= ModificationLevel.FORM_FILLING
    except (SignatureValidationError, ValueError, KeyError) as error:
        logger.info("signature %s not validated: %s", embedded_sig.field_name, error)
        intact = valid = trusted = later_ok = False
        coverage = None
        problem = "La signature est illisible ou corrompue."
    if not problem:
        if not intact:
            problem = "Le contenu signé a été modifié : l'empreinte ne correspond plus."
        elif not valid:
            problem = "La valeur de la signature est incorrecte."
        elif not known:
            problem = (
                "La signature est correcte mais le certificat n'est pas celui de l'employeur "
                "enregistré dans cette application."
            )
        elif not trusted:
            problem = "Le certificat de l'employeur n'est pas valide à la date de signature."
        elif not later_ok:
            problem = (
                "Le document a été modifié après cette signature (autre chose que des "
                "signatures a été ajouté)."
            )
    byte_range = sig.get("/ByteRange")
    end = int(byte_range[2]) + int(byte_range[3]) if byte_range is not None else 0
    return SignatureCheck(
        field_name=str(embedded_sig.field_name),
        signer_name=str(sig.get("/Name", "")),
        reason=str(sig.get("/Reason", "")),
        signing_time=claimed,
        certificate_subject=cert.subject.human_friendly,
        certificate_sha256=cert_sha,
        known_certificate=known,
        intact=intact,
        valid=valid,
        trusted=trusted,
        covers_whole_file=coverage == SignatureCoverageLevel.ENTIRE_FILE,
        later_changes_allowed=later_ok,
        revision_end=end,
        evidence=_evidence(embedded_sig),
        problem=problem,
    )


def inspect_pdf(data: bytes, is_known_certificate: Callable[[str], bool]) -> PdfInspection:
    """Read the file and validate every signature it carries (never raises on bad input)."""
    digest = hashlib.sha256(data).hexdigest()
    ends = revision_ends(data)
    if not data.startswith(b"%PDF-"):
        return PdfInspection(False, digest, len(data), ends, (), "Ce fichier n'est pas un PDF.")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        checks = tuple(_check(sig, is_known_certificate) for sig in reader.embedded_signatures)
    except Exception as error:  # any parsing failure of hostile input is a "no", never a 500
        logger.info("PDF not readable: %s", error)
        return PdfInspection(
            False, digest, len(data), ends, (),
            "Ce PDF est illisible ou endommagé : il ne peut pas être vérifié.",
        )
    return PdfInspection(True, digest, len(data), ends, checks)
