"""The JSON API (/api/v1): flask-smorest blueprints, OpenAPI 3.1 document, token auth.

The marshmallow schemas that validate requests and serialise responses are the ones apispec
turns into the OpenAPI 3.1 document served at /api/v1/openapi.json; a readable page is
rendered from that same document at /documentation/api. Nothing is written by hand twice.
"""

from __future__ import annotations

import http
from typing import TYPE_CHECKING

from flask import current_app, request
from flask_smorest import Api
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from hrtele.api import (
    agreements,
    allowances,
    documents,
    employees,
    places,
    planning,
    posts,
    requests,
)
from hrtele.api.auth import (
    check_api_request,
    has_valid_token,
    rate_limit_key,
    refuse_token_on_pages,
)
from hrtele.api.fields import JsonNumber, Money, QueryBool
from hrtele.api.problems import (
    PROBLEM_MEDIA_TYPE,
    ProblemSchema,
    flatten_messages,
    is_api_request,
    problem,
)
from hrtele.extensions import csrf, db, limiter

if TYPE_CHECKING:
    from flask import Flask

BLUEPRINTS = (
    employees.bp, posts.bp, places.bp, requests.bp, agreements.bp, documents.bp, allowances.bp,
    planning.bp,
)

DESCRIPTION = """\
API JSON de hrtele pour le SIRH, la paie et les outils qui lisent le télétravail.

**Authentification.** Chaque appel présente un jeton d'API créé par un administrateur
(Comptes → Intégrations API) : `Authorization: Bearer hrt_…`. Un jeton a une ou plusieurs
portées : `read` (lecture), `write` (écriture des salariés, postes et demandes), `payroll`
(indemnités des mois clôturés). Les cookies de session de l'application sont refusés.

**Erreurs.** Toute erreur est un objet « problem details » (RFC 9457,
`application/problem+json`) avec un message en français et, pour les données refusées, la
liste des champs concernés (`errors`).

**Écritures.** Salariés et postes sont créés ou mis à jour par leur clé (matricule, code),
avec les règles et les messages de l'import CSV ; renvoyer les mêmes valeurs ne change rien.
L'en-tête `If-Match` (ETag lu auparavant) protège d'une modification concurrente (409).

**Listes.** Paginées (`page`, `per_page`), filtrables comme les écrans, triées (`sort`).
"""


class HrteleApi(Api):
    """flask-smorest Api documenting errors as RFC 9457 problems, handled by hrtele itself."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Register an ApiBlueprint, documenting its operations under its French tag."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)
        self.spec.tag({"name": blp.tag, "description": blp.description})

    def _register_error_handlers(self):
        """Errors are turned into problems by register_error_handlers (API paths only)."""

    def _register_responses(self):
        """One documented problem response per HTTP error status."""
        for status in http.HTTPStatus:
            if status < 400:
                continue
            self.spec.components.response(
                status.name,
                {
                    "description": status.phrase,
                    "content": {PROBLEM_MEDIA_TYPE: {"schema": "ProblemSchema"}},
                },
                lazy=True,
            )


def _api_limit() -> str:
    return current_app.config["RATELIMIT_API"]


def _auth_failure_limit() -> str:
    return current_app.config["RATELIMIT_API_AUTH_FAILURES"]


def _client_address() -> str:
    return "api-auth:" + (request.remote_addr or "")


for _bp in BLUEPRINTS:
    csrf.exempt(_bp)  # session cookies are refused on the API: no cross-site request forgery
    limiter.limit(_api_limit, key_func=rate_limit_key)(_bp)
    # Refused tokens count per client address; a caller with a live token is never slowed
    # down by someone else's failures behind the same address.
    limiter.limit(_auth_failure_limit, key_func=_client_address,
                  deduct_when=lambda response: response.status_code == 401,
                  exempt_when=has_valid_token)(_bp)


def register(app: Flask) -> None:
    """Mount the API, its OpenAPI document, its documentation page and its hooks on app."""
    api = HrteleApi(spec_kwargs={"info": {"description": DESCRIPTION}})
    api.init_app(app)
    api.register_field(QueryBool, "boolean", None)
    api.register_field(JsonNumber, "number", None)
    api.register_field(Money, "string", None)
    api.spec.components.security_scheme("jeton", {
        "type": "http",
        "scheme": "bearer",
        "description": "Jeton d'API « hrt_… » créé par un administrateur ; portées read, "
                       "write, payroll.",
    })
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.extensions["hrtele_api"] = api

    from hrtele.api import docs

    app.register_blueprint(docs.bp)
    app.before_request(check_request)
    register_error_handlers(app)


def check_request():
    """API requests: cookies refused, token and scope checked; pages: tokens refused."""
    if is_api_request():
        return check_api_request()
    return refuse_token_on_pages()


def api_error(exc: BaseException):
    """The problem response for an exception raised while serving the API."""
    if isinstance(exc, HTTPException):
        code = exc.code or 500
        data = getattr(exc, "data", None) or {}
        messages = data.get("messages")
        headers: dict[str, str] = {}
        if code == 405 and getattr(exc, "valid_methods", None):
            headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        if code == 429:
            headers["Retry-After"] = "60"
            return problem(429, headers=headers)
        if messages:
            errors = flatten_messages(messages)
            if code == 400:
                return problem(400, "Corps de requête illisible : voir « errors ».",
                               errors=errors)
            return problem(code, errors=errors)
        detail = exc.description if getattr(exc, "french", False) else None
        return problem(code if code >= 400 else 500, detail, headers=headers)
    db.session.rollback()
    if isinstance(exc, StaleDataError):
        return problem(409)
    if isinstance(exc, IntegrityError):
        return problem(409, "Une autre écriture sur la même ressource a eu lieu en même "
                            "temps : relisez-la puis recommencez.")
    if isinstance(exc, OperationalError) and any(
            word in str(exc).lower() for word in ("locked", "busy")):
        current_app.logger.warning("database busy on %s %s", request.method, request.path)
        return problem(503, headers={"Retry-After": "5"})
    current_app.logger.exception("unexpected API error on %s %s", request.method, request.path)
    return problem(500)


def register_error_handlers(app: Flask) -> None:
    """Answer problems on API paths; leave the HTML error pages to the handlers already there."""
    handlers = app.error_handler_spec.setdefault(None, {}).setdefault(None, {})
    fallback = handlers.get(Exception)
    for exc_class in (HTTPException, StaleDataError, IntegrityError, OperationalError, Exception):
        previous = handlers.get(exc_class) or fallback

        def handler(exc, _previous=previous):
            if is_api_request():
                return api_error(exc)
            if _previous is None:
                raise exc
            return _previous(exc)

        app.register_error_handler(exc_class, handler)
