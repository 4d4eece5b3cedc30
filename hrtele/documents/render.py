"""PDF rendering of the telework documents (WeasyPrint, tagged PDF/A-3a, deterministic bytes).

WeasyPrint is imported once, with this module; the rendering state (one
``FontConfiguration``, one parsed print stylesheet, one Jinja environment) is built lazily
on first use and reused for every document of the process (design.md §5). Import this
module once per worker, never per document. WeasyPrint only ever gets
:class:`BundledAssetFetcher`, which refuses every URL except files bundled with the
application (security.md §1.8).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

with warnings.catch_warnings():
    # WeasyPrint warns at import when libharfbuzz-subset is missing; that case is reported
    # by harfbuzz_subset_available() (and logged once) instead of failing under -W error.
    warnings.simplefilter("ignore", DeprecationWarning)
    import weasyprint
    from weasyprint.text import ffi as _wp_ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from hrtele import clock

from .snapshots import (
    AmendmentSnapshot,
    NoticeSnapshot,
    RefusalSnapshot,
    Snapshot,
    snapshot_json,
)
from .typography import fr_typo

__all__ = [
    "ALLOWED_ASSET_DIRS",
    "DOCUMENT_KINDS",
    "TEMPLATE_DIR",
    "TEMPLATE_VERSION",
    "BundledAssetFetcher",
    "DocumentKind",
    "DocumentRenderError",
    "ResourceRefusedError",
    "date_fr",
    "days_fr",
    "harfbuzz_subset_available",
    "render_html",
    "render_pdf",
    "render_template_pdf",
    "salutation_fr",
    "warm_up",
]

logger = logging.getLogger(__name__)

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # hrtele/
REPO_ROOT = _PACKAGE_DIR.parent
TEMPLATE_DIR = REPO_ROOT / "templates" / "pdf"
STATIC_DIR = _PACKAGE_DIR / "static"
#: The only folders WeasyPrint may read from.
ALLOWED_ASSET_DIRS: tuple[Path, ...] = (TEMPLATE_DIR, STATIC_DIR)
STYLESHEET = TEMPLATE_DIR / "print.css"

#: PDF/A-3a: PDF/A-3 plus a tagged structure (StructTreeRoot, MarkInfo, /Lang) that screen
#: readers follow. Issued documents keep the bytes they were issued with (older ones are
#: PDF/A-3b, untagged); only documents issued from now on are tagged.
PDF_VARIANT = "pdf/a-3a"
GENERATOR = "hrtele"


#: Files the legal documents are rendered from (other reports in templates/pdf, such as the
#: observatory edition, do not change the version of the issued documents).
LEGAL_TEMPLATE_FILES: tuple[str, ...] = (
    "base.html",
    "_macros.html",
    "print.css",
    "amendment.html",
    "reversibility_notice.html",
    "refusal_letter.html",
)


def _template_version() -> str:
    """Fingerprint of the legal documents' templates and stylesheet (names and bytes).

    Computed once per process and stored with each issued document: it changes whenever one
    of LEGAL_TEMPLATE_FILES changes, so one can tell which wording produced a stored PDF.
    """
    digest = hashlib.sha256()
    for name in LEGAL_TEMPLATE_FILES:
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update((TEMPLATE_DIR / name).read_bytes())
        digest.update(b"\0")
    return f"pdf-{digest.hexdigest()[:16]}"


#: Version of the legal documents' templates, e.g. "pdf-3f2a9c0d1e4b5a6c".
TEMPLATE_VERSION = _template_version()


@dataclass(frozen=True)
class DocumentKind:
    """Static description of one document kind."""

    kind: str
    template: str
    snapshot_class: type
    title: str
    attachment_name: str


#: Document kind -> template, snapshot class, PDF title and name of the embedded JSON.
DOCUMENT_KINDS: dict[str, DocumentKind] = {
    spec.kind: spec
    for spec in (
        DocumentKind(
            "amendment",
            "amendment.html",
            AmendmentSnapshot,
            "Avenant au contrat de travail relatif au télétravail",
            "donnees-avenant.json",
        ),
        DocumentKind(
            "reversibility_notice",
            "reversibility_notice.html",
            NoticeSnapshot,
            "Notification de fin de télétravail",
            "donnees-notification.json",
        ),
        DocumentKind(
            "refusal_letter",
            "refusal_letter.html",
            RefusalSnapshot,
            "Réponse à une demande de télétravail",
            "donnees-refus.json",
        ),
    )
}


class DocumentRenderError(RuntimeError):
    """Rendering failed (including a refused resource, which aborts the render)."""


class ResourceRefusedError(ValueError):
    """The URL fetcher refused a URL."""


# --------------------------------------------------------------------------- filters

_MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def date_fr(value: str | date | None, style: str = "short") -> str:
    """Format an ISO date as 01/03/2026 (short) or « 1er mars 2026 » (long)."""
    if value is None:
        raise ValueError("date_fr : date manquante")
    day = value if isinstance(value, date) else date.fromisoformat(value)
    if style == "short":
        return day.strftime("%d/%m/%Y")
    if style == "long":
        number = "1er" if day.day == 1 else str(day.day)
        # No line break between the day and its month, nor the month and its year.
        return f"{number}\u00a0{_MONTHS_FR[day.month - 1]}\u00a0{day.year}"
    raise ValueError(f"date_fr : style inconnu {style!r}")


def days_fr(value: str | int) -> str:
    """Number of days with the French plural: « 1 jour », « 1,5 jour », « 2 jours »."""
    text = str(value)
    number = float(text.replace(",", "."))
    return f"{text}\u00a0{'jour' if number < 2 else 'jours'}"


def salutation_fr(civility: str | None) -> str:
    """Letter salutation from an optional civility: « Madame », « Monsieur » or both."""
    normalised = (civility or "").strip().lower().rstrip(".")
    if normalised in {"madame", "mme"}:
        return "Madame"
    if normalised in {"monsieur", "m"}:
        return "Monsieur"
    return "Madame, Monsieur"


def _finalize(value: Any) -> Markup:
    """Every ``{{ … }}`` output is escaped and gets French typography, whatever the filter."""
    if value is None:
        raise DocumentRenderError("Valeur None dans un gabarit : utiliser un test explicite.")
    return fr_typo(value)


def _build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        fr_typo=fr_typo, date_fr=date_fr, days_fr=days_fr, salutation_fr=salutation_fr
    )
    return env


# --------------------------------------------------------------------------- URL fetcher


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def resolve_bundled_asset(url: str) -> Path:
    """Map a ``file:`` URL to a real file inside the bundled asset folders, or raise."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise ResourceRefusedError(
            f"Ressource refusée (seuls les fichiers de l'application sont autorisés) : {url!r}"
        )
    # resolve() follows symlinks and removes "..", so the containment test is on the real path.
    path = Path(unquote(parts.path)).resolve()
    for folder in ALLOWED_ASSET_DIRS:
        if _is_within(path, folder.resolve()) and path.is_file():
            return path
    raise ResourceRefusedError(f"Ressource refusée (hors des dossiers de l'application) : {url!r}")


class BundledAssetFetcher(URLFetcher):
    """Deny-all WeasyPrint URL fetcher: serves only files under templates/pdf and hrtele/static."""

    def __init__(self) -> None:
        # fail_on_errors: a refused URL aborts the render instead of being silently skipped.
        super().__init__(
            allowed_protocols=frozenset({"file"}), allow_redirects=False, fail_on_errors=True
        )

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return a bundled file, or raise ResourceRefusedError for any other URL."""
        path = resolve_bundled_asset(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        """Never use urllib's opener: route everything through :meth:`fetch`."""
        return self.fetch(getattr(url, "full_url", url))


# --------------------------------------------------------------------------- renderer


def harfbuzz_subset_available() -> bool:
    """True if WeasyPrint subsets fonts with HarfBuzz (fast, deterministic) rather than fontTools."""
    # Same test as weasyprint.pdf.fonts.Font.subset in WeasyPrint 70.
    return _wp_ffi.harfbuzz_subset is not None and bool(
        _wp_ffi.harfbuzz.hb_version_atleast(4, 1, 0)
    )


class _Renderer:
    """Per-process WeasyPrint state: URL fetcher, font configuration, parsed stylesheet."""

    def __init__(self) -> None:
        self.fetcher = BundledAssetFetcher()
        self.font_config = FontConfiguration()
        self.stylesheet = weasyprint.CSS(
            filename=str(STYLESHEET),
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )
        self.base_url = TEMPLATE_DIR.as_uri() + "/"
        self.hb_subset = harfbuzz_subset_available()
        if not self.hb_subset:
            logger.warning(
                "libharfbuzz-subset indisponible : WeasyPrint sous-ensemble les polices avec "
                "fontTools (rendus 2 à 5 fois plus lents et non reproductibles octet pour octet)."
            )


_renderer: _Renderer | None = None
_init_lock = threading.Lock()
# WeasyPrint is not documented as thread-safe and the font configuration is shared:
# one render at a time per process (threads bring nothing anyway, design.md §5).
_render_lock = threading.Lock()


def _get_renderer() -> _Renderer:
    global _renderer
    if _renderer is None:
        with _init_lock:
            if _renderer is None:
                _renderer = _Renderer()
    return _renderer


def warm_up() -> bool:
    """Initialise the renderer now (e.g. in a worker at start-up); return HarfBuzz subset availability."""
    return _get_renderer().hb_subset


_env: Environment | None = None


def _environment() -> Environment:
    """The process-wide Jinja environment (templates are compiled once and cached)."""
    global _env
    if _env is None:
        _env = _build_environment()
    return _env


def _spec_for(kind: str, snapshot: Snapshot) -> DocumentKind:
    try:
        spec = DOCUMENT_KINDS[kind]
    except KeyError:
        raise ValueError(f"Type de document inconnu : {kind!r}") from None
    if type(snapshot) is not spec.snapshot_class:
        raise TypeError(
            f"{kind} attend un {spec.snapshot_class.__name__}, reçu {type(snapshot).__name__}"
        )
    return spec


def _issue_datetime(snapshot: Snapshot) -> datetime:
    return datetime.fromisoformat(snapshot.issue_date).replace(tzinfo=UTC)


def render_html(kind: str, snapshot: Snapshot, *, preview: bool = False) -> str:
    """HTML source of a document (the input WeasyPrint lays out); preview adds a watermark."""
    spec = _spec_for(kind, snapshot)
    env = _environment()
    template = env.get_template(spec.template)
    html_source = template.render(
        doc=snapshot,
        kind=kind,
        title=spec.title,
        created=_issue_datetime(snapshot).strftime("%Y-%m-%dT%H:%M:%SZ"),
        generator=GENERATOR,
        preview=preview,
    )
    # Values were escaped and typeset by finalize; this pass typesets the templates' own
    # text (tags and entities are left intact, and the filter is idempotent).
    return str(fr_typo(Markup(html_source)))


def _dedupe_associated_files(document: Any, pdf: Any) -> None:
    """WeasyPrint 70 lists each PDF/A-3 attachment twice in /AF; keep one reference of each."""
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)


def _write_pdf(
    renderer: _Renderer,
    html_source: str,
    identifier: bytes,
    uncompressed: bool,
    attachments: list[Any] | None = None,
) -> bytes:
    """Lay out ``html_source`` and write it as tagged PDF/A-3a (one render at a time)."""
    with _render_lock, warnings.catch_warnings():
        # WeasyPrint 70 opens its bundled sRGB profile for the PDF/A output intent and never
        # closes it; silence that one ResourceWarning so that "-W error" test runs stay green.
        warnings.filterwarnings(
            "ignore", message=r"unclosed file .*sRGB2014\.icc", category=ResourceWarning
        )
        try:
            document = weasyprint.HTML(
                string=html_source,
                base_url=renderer.base_url,
                url_fetcher=renderer.fetcher,
            )
            return document.write_pdf(
                stylesheets=[renderer.stylesheet],
                font_config=renderer.font_config,
                attachments=attachments,
                pdf_variant=PDF_VARIANT,
                pdf_identifier=identifier,
                uncompressed_pdf=uncompressed,
                presentational_hints=False,
                finisher=_dedupe_associated_files,
            )
        except FatalURLFetchingError as error:  # BaseException subclass in WeasyPrint
            raise DocumentRenderError(str(error)) from error.__cause__


def render_pdf(
    kind: str,
    snapshot: Snapshot,
    *,
    embed_json: bool = True,
    uncompressed: bool = False,
    preview: bool = False,
) -> bytes:
    """Render a document to tagged PDF/A-3a bytes; the same snapshot always gives the same bytes.

    ``preview`` prints an « Aperçu – document non émis » watermark on every page: for the
    unstored previews HR looks at before issuing.
    """
    reusable = _REUSABLE.get()
    if reusable and embed_json and not uncompressed and not preview:
        # Bytes rendered earlier from this exact snapshot (bulk jobs render outside the
        # write transaction, then issue through the services): same input, same bytes.
        ready = reusable.get((kind, snapshot_json(snapshot)))
        if ready is not None:
            return ready
    html_source = render_html(kind, snapshot, preview=preview)
    spec = DOCUMENT_KINDS[kind]
    renderer = _get_renderer()
    canonical = snapshot_json(snapshot)
    issued = _issue_datetime(snapshot)

    attachments = []
    if embed_json:
        attachments.append(
            weasyprint.Attachment(
                string=canonical,
                name=spec.attachment_name,
                description="Données ayant servi à établir le document (instantané JSON)",
                created=issued,
                modified=issued,
                relationship="Data",
                url_fetcher=renderer.fetcher,
            )
        )
    # First half of the PDF file identifier: stable for a given document and snapshot.
    identifier = hashlib.sha256(f"{kind}\n{canonical}".encode()).hexdigest()[:32].encode()

    return _write_pdf(renderer, html_source, identifier, uncompressed, attachments)


#: PDFs rendered ahead of issuing, by (kind, canonical snapshot JSON); see :func:`reusing`.
_REUSABLE: ContextVar[dict[tuple[str, str], bytes] | None] = ContextVar(
    "hrtele_reusable_pdfs", default=None
)


def prerender(kind: str, snapshot: Snapshot) -> tuple[tuple[str, str], bytes]:
    """Render a document now; return its reuse key and bytes (for :func:`reusing`)."""
    return (kind, snapshot_json(snapshot)), render_pdf(kind, snapshot)


@contextmanager
def reusing(pdfs: dict[tuple[str, str], bytes]) -> Iterator[None]:
    """Within the block, render_pdf returns these bytes for an identical (kind, snapshot).

    Lets a bulk job render while holding no write lock, then issue through the ordinary
    services, which rebuild the snapshot: if the data changed meanwhile the snapshot differs
    and the document is rendered again, so a reused PDF always matches its stored snapshot.
    """
    token = _REUSABLE.set(pdfs)
    try:
        yield
    finally:
        _REUSABLE.reset(token)


# --------------------------------------------------------------------------- generic templates


def render_template_pdf(
    template_name: str,
    context: dict[str, Any],
    *,
    title: str,
    author: str,
    subject: str,
    created: datetime | None = None,
    uncompressed: bool = False,
) -> bytes:
    """Render any template of templates/pdf/ with a plain dict to tagged PDF/A-3a bytes.

    For reports that are not issued legal documents (e.g. the observatory edition): no
    snapshot class, no embedded JSON. Same pipeline as :func:`render_pdf`: the process-wide
    Jinja environment (autoescape, StrictUndefined, French typography on every value), the
    deny-all :class:`BundledAssetFetcher`, the shared fonts and print stylesheet, tagged PDF/A-3a.
    ``context`` must hold plain values only (str, int, Decimal, lists/tuples/dicts of them,
    or ``Markup`` the caller built safely), never ORM objects or None. The template also
    receives ``title``, ``author``, ``subject``, ``created`` (W3C date-time) and
    ``generator`` and should put them in its ``<head>`` (WeasyPrint reads the PDF metadata
    from ``<title>`` and the ``<meta>`` tags). Identical inputs give identical bytes.
    """
    created = (created or clock.now_utc()).astimezone(UTC)
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    template = _environment().get_template(template_name)
    html_source = str(
        fr_typo(
            Markup(
                template.render(
                    **context,
                    title=title,
                    author=author,
                    subject=subject,
                    created=stamp,
                    generator=GENERATOR,
                )
            )
        )
    )
    renderer = _get_renderer()
    identifier = hashlib.sha256(
        f"{template_name}\n{stamp}\n{html_source}".encode()
    ).hexdigest()[:32].encode()
    return _write_pdf(renderer, html_source, identifier, uncompressed)
