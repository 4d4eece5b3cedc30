"""Generic, French error pages; never a stack trace, never a bare 500 for known failures."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from hrtele.extensions import db
from hrtele.integrity import IntegrityFailure

MESSAGES = {
    400: ("Requête invalide", "La requête n'a pas pu être comprise. Vérifiez les informations saisies."),
    403: ("Accès interdit", "Vous n'avez pas les droits nécessaires pour cette action."),
    404: ("Page introuvable", "La page demandée n'existe pas ou ne vous est pas accessible."),
    405: ("Méthode non autorisée", "Cette action n'est pas possible de cette manière."),
    409: (
        "Modification concurrente",
        "Cet enregistrement a été modifié par quelqu'un d'autre entre-temps. "
        "Rechargez la page pour voir la version actuelle, puis refaites votre modification.",
    ),
    413: ("Fichier trop volumineux", "Le fichier ou le formulaire envoyé dépasse la taille autorisée."),
    429: ("Trop de tentatives", "Trop de tentatives en peu de temps. Réessayez dans une minute."),
    500: ("Erreur interne", "Une erreur inattendue s'est produite. L'équipe technique a été prévenue."),
    503: ("Service momentanément indisponible", "La base de données est occupée. Réessayez dans un instant."),
}


def error_page(code: int, detail: str | None = None):
    """Render the generic error page with a French title and message."""
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        db.session.rollback()
        return error_page(
            400,
            "Le formulaire a expiré ou son jeton de sécurité est invalide. "
            "Rechargez la page et recommencez.",
        )

    @app.errorhandler(StaleDataError)
    def _stale(_exc):
        db.session.rollback()
        return error_page(409)

    @app.errorhandler(OperationalError)
    def _operational(exc):
        db.session.rollback()
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            app.logger.warning("database busy on %s %s", request.method, request.path)
            return error_page(503)
        app.logger.exception("database error")
        return error_page(500)

    @app.errorhandler(IntegrityFailure)
    def _tampered(exc: IntegrityFailure):
        # Stored bytes no longer match their SHA-256: nothing is served, an alert is logged
        # and audited (hrtele.integrity).
        db.session.rollback()
        app.logger.error("integrity failure on %s %s: %s", request.method, request.path, exc)
        from hrtele.audit.service import record_apart
        from hrtele.auth.access import current_actor

        record_apart("integrity_error", exc.object_type, exc.object_id, current_actor(),
                     {"path": request.path[:500]})
        return error_page(
            500,
            "Le fichier enregistré ne correspond plus à son empreinte SHA-256 : il n'est pas "
            "délivré. L'équipe technique a été alertée.",
        )

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _unstorable(exc):
        # Last line of defence: a value the database cannot hold (out-of-range number,
        # NUL byte...) that slipped past validation is the client's input, not a crash.
        db.session.rollback()
        app.logger.warning("value refused by the database on %s %s: %s", request.method,
                           request.path, str(exc).splitlines()[0][:200])
        return error_page(400, "Une valeur saisie ne peut pas être enregistrée (nombre trop "
                               "grand ou caractère interdit). Vérifiez le formulaire.")

    @app.errorhandler(IntegrityError)
    def _integrity(exc):
        # A uniqueness or immutability rule of the database refused the write: usually two
        # submissions racing each other. Nothing was saved.
        db.session.rollback()
        app.logger.warning("integrity error on %s %s: %s", request.method, request.path,
                           str(exc).splitlines()[0][:200])
        return error_page(409, "L'enregistrement a été refusé par la base de données (doublon "
                               "ou donnée protégée) : rien n'a été modifié. Rechargez la page.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code in MESSAGES:
            detail = exc.description if getattr(exc, "french", False) else None
            response, code = error_page(exc.code, detail)
            if exc.code == 429:
                return response, code, {"Retry-After": "60"}
            return response, code
        return exc

    @app.errorhandler(Exception)
    def _unexpected(exc):
        db.session.rollback()
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return error_page(500)


class FrenchHTTPError(HTTPException):
    """An HTTP error whose description is a French message shown to the user."""

    french = True

    def __init__(self, code: int, description: str):
        self.code = code
        super().__init__(description=description)
