"""PAdES signatures with pyHanko: the employer's seal, visible blocks, PDF/A-friendly output.

Each signature is an incremental update over the bytes it signs (the issued PDF/A-3a file,
then the previous signed revision), so the issued bytes stay intact at the start of the file:

- the signature field and its visible block go in the blank signature area of the signer's
  party, found through the named destinations ``signature-<party>`` (top-left corner) and
  ``signature-<party>-end`` (bottom-right corner) that the PDF templates put there;
- the block is drawn with an embedded subset of DejaVu Sans (PDF/A forbids non-embedded
  fonts; pyHanko's default stamp uses Courier, which is not embedded); the font is rescaled
  to 1000 units per em because pyHanko writes the /W widths in font units;
- the evidence of the signature (JSON) is embedded as a PDF/A-3 associated file of the
  block's appearance stream: it is signed by that same signature and, unlike a document-level
  attachment, adding it later does not count as a change to earlier signatures;
- the document information dictionary and the XMP metadata stay consistent (PDF/A), and the
  XMP keeps its ``pdfaid`` identification.

The signature is PAdES baseline B-B (ETSI.CAdES.detached, SHA-256) made with the employer's
certificate (PKCS#12 from the configuration), whoever the signer is: see README « Signature
électronique » for why the employee's consent is sealed with the employer's certificate.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import embed, generic, layout, text
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_byterange import BuildProps
from pyhanko.stamp import TextStampStyle
from pyhanko.stamp.text import TextStamp

__all__ = [
    "DEMO_SUBJECT",
    "Seal",
    "SealUnavailable",
    "SignatureArea",
    "SignatureAreaMissing",
    "create_demo_seal",
    "load_seal",
    "sign_revision",
    "signature_area",
]

# fontTools logs a warning per table it cannot subset (e.g. DejaVu's FFTM): noise here.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

#: Common name of the demonstration certificate created by `flask demo-data`.
DEMO_SUBJECT = "Certificat de DÉMONSTRATION — sans valeur"
DEFAULT_FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
STAMP_FONT_SIZE = 6
EVIDENCE_MIME_TYPE = "application/json"


class SealUnavailable(RuntimeError):
    """The employer's seal (PKCS#12 file and password) cannot be used; message in French."""


class SignatureAreaMissing(ValueError):
    """The PDF has no blank signature area for this party (issued before e-signature)."""


# --------------------------------------------------------------------------- seal


@dataclass(frozen=True)
class Seal:
    """The employer's signing key and certificate, loaded from a PKCS#12 file."""

    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate
    subject: str
    sha256: str
    is_demo: bool
    not_after: datetime


_seal_cache: dict[tuple[str, float, int, bytes], Seal] = {}
_seal_lock = threading.Lock()


def load_seal(path: Path, password: bytes | None) -> Seal:
    """Load (once per file version) the PKCS#12 seal; SealUnavailable with a French reason."""
    try:
        stat = path.stat()
    except OSError:
        raise SealUnavailable(
            f"Le certificat de cachet de l'employeur est introuvable ({path.name}) : "
            "configurez SIGNING_PKCS12 ou lancez « flask --app hrtele demo-data » pour un "
            "certificat de démonstration."
        ) from None
    key = (str(path), stat.st_mtime, stat.st_size, hashlib.sha256(password or b"").digest())
    with _seal_lock:
        cached = _seal_cache.get(key)
        if cached is not None:
            return cached
        try:
            signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=password)
        except (OSError, ValueError, TypeError) as error:
            raise SealUnavailable(
                "Le certificat de cachet de l'employeur ne peut pas être ouvert (fichier PKCS#12 "
                "ou mot de passe incorrect)."
            ) from error
        if signer is None or signer.signing_cert is None:
            raise SealUnavailable(
                "Le certificat de cachet de l'employeur ne peut pas être ouvert (fichier PKCS#12 "
                "ou mot de passe incorrect)."
            )
        certificate = signer.signing_cert
        subject = certificate.subject.human_friendly
        seal = Seal(
            signer=signer,
            certificate=certificate,
            subject=subject,
            sha256=hashlib.sha256(certificate.dump()).hexdigest(),
            is_demo=DEMO_SUBJECT in subject,
            not_after=certificate.not_valid_after,
        )
        _seal_cache[key] = seal
        return seal


def create_demo_seal(p12_path: Path, password_path: Path, organisation: str) -> bool:
    """Create a self-signed demonstration seal (PKCS#12 + password file, mode 0600).

    Returns False when the file already exists (never overwritten). The certificate's
    common name says « Certificat de DÉMONSTRATION — sans valeur » and it is valid from
    2020 to 2050, so that demonstration documents dated in the past verify too.
    """
    if p12_path.exists():
        return False
    import secrets

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_SUBJECT),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64] or "Démonstration"),
            x509.NameAttribute(
                NameOID.ORGANIZATIONAL_UNIT_NAME, "hrtele — données de démonstration"
            ),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
        ]
    )
    start = datetime(2020, 1, 1, tzinfo=UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    password = secrets.token_urlsafe(24)
    data = pkcs12.serialize_key_and_certificates(
        DEMO_SUBJECT.encode(),
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(password.encode()),
    )
    p12_path.parent.mkdir(parents=True, exist_ok=True)
    for path, content in ((password_path, password.encode()), (p12_path, data)):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
    return True


# --------------------------------------------------------------------------- font


_font_cache: dict[str, bytes] = {}
_font_lock = threading.Lock()


def _font_bytes(font_file: str) -> bytes:
    """The font rescaled to 1000 units per em (pyHanko writes /W in font units)."""
    with _font_lock:
        data = _font_cache.get(font_file)
        if data is None:
            font = TTFont(font_file)
            try:
                if font["head"].unitsPerEm != 1000:
                    scale_upem(font, 1000)
                buffer = io.BytesIO()
                font.save(buffer)
            finally:
                font.close()
            data = _font_cache[font_file] = buffer.getvalue()
        return data


@dataclass(frozen=True)
class _EmbeddedFontFactory(FontEngineFactory):
    """pyHanko font engine over in-memory font bytes (embedded subset, PDF/A-compatible)."""

    font_file: str

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_bytes(self.font_file)),
            font_size=STAMP_FONT_SIZE,
            obj_stream=obj_stream,
        )


# --------------------------------------------------------------------------- signature area


@dataclass(frozen=True)
class SignatureArea:
    """Where a party's visible signature block goes: page index and box in PDF points."""

    page_index: int
    box: tuple[int, int, int, int]  # x1, y1, x2, y2


def _name_tree_items(node: generic.DictionaryObject) -> Iterator[tuple[str, object]]:
    names = node.get("/Names")
    if names is not None:
        names = names.get_object()
        for i in range(0, len(names) - 1, 2):
            yield str(names[i]), names[i + 1]
    for kid in node.get("/Kids", ()) or ():
        yield from _name_tree_items(kid.get_object())


def _page_refs(node: generic.DictionaryObject) -> Iterator[int]:
    kids = node.get_object()["/Kids"]
    for i in range(len(kids)):
        ref = kids.raw_get(i)
        obj = ref.get_object()
        if obj.get("/Type") == "/Pages":
            yield from _page_refs(obj)
        else:
            yield ref.idnum


def _destinations(reader: PdfFileReader) -> dict[str, tuple[int, float, float]]:
    """Named destinations as {name: (page object id, left, top)}."""
    out: dict[str, tuple[int, float, float]] = {}
    names = reader.root.get("/Names")
    tree = names.get_object().get("/Dests") if names is not None else None
    if tree is None:
        return out
    for name, value in _name_tree_items(tree.get_object()):
        dest = value.get_object()
        if isinstance(dest, generic.DictionaryObject):
            dest = dest["/D"]
        if len(dest) >= 4 and dest[1] == "/XYZ":
            out[name] = (dest.raw_get(0).idnum, float(dest[2]), float(dest[3]))
    return out


def signature_area(pdf: bytes, party: str) -> SignatureArea:
    """The blank signature area of ``party`` ('employee' or 'employer') in an issued PDF."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        destinations = _destinations(reader)
        pages = list(_page_refs(reader.root["/Pages"]))
    except (PdfError, KeyError, TypeError, ValueError) as error:
        raise SignatureAreaMissing("Le PDF ne peut pas être lu.") from error
    start = destinations.get(f"signature-{party}")
    end = destinations.get(f"signature-{party}-end")
    if start is None or end is None or start[0] != end[0] or start[0] not in pages:
        raise SignatureAreaMissing(
            "Ce document a été émis avant la signature électronique (il n'a pas de zone de "
            "signature repérable) : émettez-en une nouvelle version ou faites-le signer sur "
            "papier."
        )
    x1, y2, x2, y1 = start[1], start[2], end[1], end[2]
    if not (x2 - x1 > 50 and y2 - y1 > 30):
        raise SignatureAreaMissing("La zone de signature du document est trop petite.")
    return SignatureArea(pages.index(start[0]), (round(x1), round(y1), round(x2), round(y2)))


# --------------------------------------------------------------------------- signing


class _PdfAWriter(IncrementalPdfFileWriter):
    """Incremental writer keeping the document information dictionary equal to the XMP.

    pyHanko writes « pyHanko x.y » as the XMP producer but appends it to the information
    dictionary's producer; PDF/A wants both to say the same thing.
    """

    def _update_meta(self) -> None:
        super()._update_meta()
        if self._info is not None:
            info = self._info.get_object()
            if info.get("/Producer") != VENDOR:
                info["/Producer"] = generic.TextStringObject(VENDOR)
                self.mark_update(self._info)


class _EvidenceStamp(TextStamp):
    """Text block whose appearance stream carries the evidence file (/AF, PDF/A-3)."""

    def as_form_xobject(self):
        xobject = super().as_form_xobject()
        xobject["/AF"] = generic.ArrayObject([self.style.evidence_ref])
        return xobject


@dataclass(frozen=True)
class _EvidenceStampStyle(TextStampStyle):
    evidence_ref: generic.IndirectObject | None = None

    def create_stamp(self, writer, box, text_params) -> _EvidenceStamp:
        return _EvidenceStamp(writer=writer, style=self, box=box, text_params=text_params)


class _TimedSigner(signers.PdfSigner):
    """PdfSigner whose claimed signing time (/M) is the application's clock."""

    def __init__(self, *args, signing_time: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, *args, **kwargs):
        session = super().init_signing_session(*args, **kwargs)
        session.system_time = self._signing_time
        return session


def _embed_evidence(
    writer: IncrementalPdfFileWriter, evidence_json: bytes, name: str, when: datetime
) -> generic.IndirectObject:
    """Add the evidence file (PDF/A-3 embedded file: MIME type, dates, relationship)."""
    stream = embed.EmbeddedFileObject.from_file_data(
        writer,
        evidence_json,
        mime_type=EVIDENCE_MIME_TYPE,
        params=embed.EmbeddedFileParams(creation_date=when, modification_date=when),
    )
    spec = embed.FileSpec(
        file_spec_string=name,
        file_name=name,
        embedded_data=stream,
        description="Preuve de la signature électronique (qui, quand, authentification, "
        "empreinte SHA-256 du document signé)",
        af_relationship=generic.NameObject("/Supplement"),
    )
    return writer.add_object(spec.as_pdf_object())


def sign_revision(
    pdf: bytes,
    *,
    seal: Seal,
    area: SignatureArea,
    field_name: str,
    stamp_text: str,
    evidence_json: bytes,
    evidence_name: str,
    reason: str,
    signer_name: str,
    location: str,
    contact: str,
    signing_time: datetime,
    auth_seconds: int | None,
    font_file: str = DEFAULT_FONT_FILE,
) -> bytes:
    """Append one PAdES B-B signature with its visible block; the input bytes stay a prefix."""
    writer = _PdfAWriter(io.BytesIO(pdf), strict=False)
    fields.append_signature_field(
        writer,
        fields.SigFieldSpec(field_name, on_page=area.page_index, box=area.box),
    )
    evidence_ref = _embed_evidence(writer, evidence_json, evidence_name, signing_time)
    style = _EvidenceStampStyle(
        stamp_text=stamp_text,
        text_box_style=text.TextBoxStyle(
            font=_EmbeddedFontFactory(font_file), font_size=STAMP_FONT_SIZE, leading=7
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins(left=4, right=4, top=4, bottom=4),
        ),
        border_width=1,
        evidence_ref=evidence_ref,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        name=signer_name,
        location=location,
        contact_info=contact,
        prop_auth_type=fields.SigAuthType.PASSWORD,
        prop_auth_time=auth_seconds,
        app_build_props=BuildProps(name="hrtele"),
    )
    signer = _TimedSigner(meta, seal.signer, stamp_style=style, signing_time=signing_time)
    output = io.BytesIO()
    signer.sign_pdf(writer, output=output, existing_fields_only=True)
    signed = output.getvalue()
    if not signed.startswith(pdf):  # pragma: no cover - pyHanko always appends
        raise RuntimeError("pyHanko a réécrit le document au lieu de l'augmenter")
    return signed
