"""Who calls the API: a bearer token with scopes; session cookies are refused here.

Rules (issue 15):
- every operation but the OpenAPI document needs ``Authorization: Bearer hrt_…`` (401);
- each operation needs one scope (read, write or payroll), else 403;
- a request carrying the application's session or remember cookie is refused (401): the API
  never acts for a logged-in browser, so CSRF protection is not needed on it;
- a bearer token on an HTML page is refused (403): tokens only open the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g, request

from hrtele.api.problems import API_PREFIX, problem
from hrtele.integrations.services import (
    SCOPE_NAMES,
    IntegrationActor,
    find_active_token,
    hash_token,
    note_use,
)

F = TypeVar("F", bound=Callable)
#: Endpoints open without a token (the OpenAPI document).
PUBLIC_API_ENDPOINTS = frozenset({"api-docs.openapi_json"})
_SCOPE_ATTRIBUTE = "_hrtele_api_scope"


def requires(scope: str) -> Callable[[F], F]:
    """Declare the scope an API view needs (checked before the body is read)."""

    def decorator(view: F) -> F:
        setattr(view, _SCOPE_ATTRIBUTE, scope)
        view._apidoc = getattr(view, "_apidoc", {})  # type: ignore[attr-defined]
        view._apidoc.setdefault("manual_doc", {}).update(  # type: ignore[attr-defined]
            {"security": [{"jeton": [scope]}], "x-scope": scope}
        )
        return view

    return decorator


def required_scope(endpoint: str | None) -> str | None:
    """The scope declared on an endpoint's view, or None."""
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, _SCOPE_ATTRIBUTE, None)


def bearer_secret() -> str | None:
    """The token presented in the Authorization header (None when there is none)."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip() or None


def rate_limit_key() -> str:
    """Throttling bucket: the presented token (hashed), else the client address."""
    secret = bearer_secret()
    if secret:
        return "api-token:" + hash_token(secret)[:32]
    return "api-anonymous:" + (request.remote_addr or "")


def presented_token():
    """The live token this request presents (looked up once per request), or None."""
    if "_api_token_lookup" not in g:
        secret = bearer_secret()
        g._api_token_lookup = find_active_token(secret) if secret else None
    return g._api_token_lookup


def has_valid_token() -> bool:
    """True when the request presents a live token (exempts it from the failure limit)."""
    return presented_token() is not None


def current_integration() -> IntegrationActor | None:
    """The integration calling the API in this request (audit author), or None."""
    return g.get("api_actor")


def _carries_session_cookie() -> bool:
    config = current_app.config
    names = {config.get("SESSION_COOKIE_NAME"), config.get("REMEMBER_COOKIE_NAME", "remember_token"),
             "hrtele_session", "__Host-hrtele"}
    return any(name and name in request.cookies for name in names)


def _unauthorized(detail: str):
    # Logged, not audited: unauthenticated callers must not be able to fill the audit trail.
    current_app.logger.warning("API authentication refused: %s %s from %s", request.method,
                               request.path[:200], request.remote_addr)
    return problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="hrtele-api"'})


def _forbidden(scope: str):
    """403 for a missing scope, written to the audit trail (ASVS 16.3.2) in its own commit."""
    from hrtele.audit.service import record
    from hrtele.extensions import db

    try:
        db.session.rollback()
        record("access_denied", "route", None, current_integration(),  # type: ignore[arg-type]
               {"path": request.path[:500], "method": request.method, "scope": scope})
        db.session.commit()
    except Exception:  # auditing must never turn a refusal into a 500
        db.session.rollback()
        current_app.logger.exception("could not audit a refused API call")
    return problem(
        403,
        f"Ce jeton n'a pas la portée « {SCOPE_NAMES.get(scope, scope)} » nécessaire à "
        "cette opération.",
    )


def check_api_request():
    """before_request for /api/v1: cookies refused, token checked, scope checked."""
    if request.endpoint in PUBLIC_API_ENDPOINTS:
        return None
    if _carries_session_cookie():
        return _unauthorized(
            "Les cookies de session ne sont pas acceptés par l'API : authentifiez-vous avec un "
            "jeton d'API (en-tête « Authorization: Bearer … »), sans cookie."
        )
    secret = bearer_secret()
    if secret is None:
        return _unauthorized(
            "Jeton d'API manquant : ajoutez l'en-tête « Authorization: Bearer <jeton> »."
        )
    token = presented_token()
    if token is None:
        return _unauthorized("Jeton d'API inconnu ou révoqué.")
    g.api_actor = IntegrationActor(token_id=token.id, name=token.name)
    g.api_scopes = token.scope_set
    note_use(token, request.remote_addr or "")
    scope = required_scope(request.endpoint)
    if scope is None and request.endpoint is not None:  # deny by default: no declared scope
        current_app.logger.error("API view %s declares no scope: refused", request.endpoint)
        return problem(403, "Cette opération ne déclare aucune portée : elle est refusée.")
    if scope is not None and scope not in g.api_scopes:
        return _forbidden(scope)
    if request.method in ("POST", "PUT", "PATCH") and not request.is_json:
        return problem(415)
    return None


def refuse_token_on_pages():
    """before_request for everything outside the API: a bearer token opens nothing here."""
    if request.path.startswith(API_PREFIX + "/") or request.path == API_PREFIX:
        return None
    if request.headers.get("Authorization", "").lower().startswith("bearer"):
        from hrtele.web.errors import error_page

        return error_page(
            403,
            "Les jetons d'API ne donnent accès qu'à l'API (/api/v1), pas aux pages de "
            "l'application.",
        )
    return None
