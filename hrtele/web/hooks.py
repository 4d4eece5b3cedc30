"""Response hooks: security headers (CSP without inline script)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Flask, Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.routing import IntegerConverter

from hrtele.web.errors import FrenchHTTPError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


NAV_HR = (
    ("todo.index", "À faire"),
    ("planning.index", "Planning"),
    ("requests.index", "Demandes"),
    ("agreements.index", "Accords"),
    ("employees.index", "Salariés"),
    ("posts.index", "Postes"),
    ("places.index", "Lieux"),
    ("documents.index", "Documents"),
    ("allowances.index", "Indemnités"),
    ("observatory.index", "Observatoire"),
    ("imports.index", "Import SIRH"),
    ("campaigns.index", "Campagnes"),
    ("policy.edit", "Politique"),
    ("audit.index", "Journal"),
    ("users.index", "Comptes"),
    ("integrations.index", "Intégrations API"),
)
NAV_ADMIN_ONLY = frozenset({"users.index", "integrations.index"})


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` limited to 1..2**31-1: larger ids are a 404, never a database error."""

    def __init__(self, map, fixed_digits=0, min=1, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class CountingFormDataParser(FormDataParser):
    """URL-encoded bodies obey MAX_FORM_PARTS too (Werkzeug only counts multipart parts).

    Undecodable bytes become U+FFFD instead of an exception.
    """

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        text = stream.read().decode("utf-8", "replace")
        if self.max_form_parts is not None and text.count("&") >= self.max_form_parts:
            raise RequestEntityTooLarge()
        items = parse_qsl(text, keep_blank_values=True)
        return stream, self.cls(items), self.cls()


class LimitedRequest(Request):
    """Request whose non-multipart bodies are capped at MAX_FORM_BODY (uploads keep the full limit).

    Werkzeug bounds url-encoded forms by MAX_CONTENT_LENGTH only, which is sized for uploads.
    """

    form_data_parser_class = CountingFormDataParser

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        limit = Request.max_content_length.fget(self)  # type: ignore[attr-defined]
        small = current_app.config.get("MAX_FORM_BODY") if current_app else None
        if small and self.mimetype != "multipart/form-data" and (limit is None or small < limit):
            return small
        return limit

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)  # type: ignore[attr-defined]


def install_url_converters(app: Flask) -> None:
    """Replace the int converter before any route is registered (and cap plain request bodies)."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = LimitedRequest


NUL_REFUSED = (
    "La requête contient un caractère nul (U+0000), qui ne peut pas être enregistré : "
    "retirez-le puis recommencez."
)
TOO_MANY_ARGS = "La requête contient trop de paramètres."


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values)


def refuse_unstorable_input() -> None:
    """400 for a NUL character in the path, the query string or a form field (not file bodies).

    PostgreSQL cannot store NUL in text and refuses it even in a search pattern; SQLite would
    store it silently. One check here covers every field of every form, present and future.
    """
    if "\x00" in request.path:
        raise FrenchHTTPError(400, NUL_REFUSED)
    args = request.args
    if len(args) > current_app.config.get("MAX_QUERY_ARGS", 100):
        raise FrenchHTTPError(413, TOO_MANY_ARGS)
    if _has_nul(args.items(multi=True)):
        raise FrenchHTTPError(400, NUL_REFUSED)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if _has_nul(request.form.items(multi=True)):
            raise FrenchHTTPError(400, NUL_REFUSED)
        for storage in request.files.values():
            if "\x00" in (storage.filename or ""):
                raise FrenchHTTPError(400, NUL_REFUSED)


def register(app: Flask) -> None:
    """Add security headers to every response and the navigation helper."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unstorable_input)
    proxies = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if proxies > 0:  # client address and scheme from the trusted reverse proxy (ASVS 15.3.4)
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    @app.context_processor
    def _nav():
        def nav_items_hr():
            from flask_login import current_user

            is_admin = bool(getattr(current_user, "is_admin", False))
            return [(e, t) for e, t in NAV_HR
                    if e in app.view_functions and (is_admin or e not in NAV_ADMIN_ONLY)]

        return {"nav_items_hr": nav_items_hr}

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if not response.headers.get("Cache-Control") and response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response
