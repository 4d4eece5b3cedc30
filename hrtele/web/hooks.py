"""Response hooks: security headers (CSP without inline script)."""

from __future__ import annotations

from flask import Flask

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


NAV_HR = (
    ("todo.index", "À faire"),
    ("requests.index", "Demandes"),
    ("agreements.index", "Accords"),
    ("employees.index", "Salariés"),
    ("posts.index", "Postes"),
    ("places.index", "Lieux"),
    ("allowances.index", "Indemnités"),
    ("observatory.index", "Observatoire"),
    ("policy.edit", "Politique"),
    ("audit.index", "Journal"),
    ("users.index", "Comptes"),
)


def register(app: Flask) -> None:
    """Add security headers to every response and the navigation helper."""

    @app.context_processor
    def _nav():
        def nav_items_hr():
            return [(e, t) for e, t in NAV_HR if e in app.view_functions]

        return {"nav_items_hr": nav_items_hr}

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not response.headers.get("Cache-Control") and response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response
