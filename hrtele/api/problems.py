"""RFC 9457 problem details: every API error is JSON with a French message, never a trace."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response, current_app, json, request

from hrtele.api.fields import FrenchSchema, Int, List, Nested, Str

API_PREFIX = "/api/v1"
PROBLEM_MEDIA_TYPE = "application/problem+json"
#: Problem types are anchors of the readable API documentation page.
DOCS_PATH = "/documentation/api"

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    406: "Format de réponse non disponible",
    409: "Conflit de version",
    412: "Précondition non remplie",
    413: "Requête trop volumineuse",
    415: "Type de contenu non pris en charge",
    422: "Données refusées",
    429: "Trop de requêtes",
    500: "Erreur interne",
    503: "Service momentanément indisponible",
}
DETAILS = {
    400: "La requête n'a pas pu être comprise.",
    401: "Présentez un jeton d'API valide dans l'en-tête « Authorization: Bearer … ».",
    403: "Ce jeton n'a pas la portée nécessaire pour cette opération.",
    404: "La ressource demandée n'existe pas.",
    405: "Cette opération n'est pas possible sur cette adresse.",
    406: "L'API ne répond qu'en JSON (ou en PDF pour les documents).",
    409: "La ressource a été modifiée entre-temps : relisez-la puis recommencez.",
    413: "Le corps de la requête dépasse la taille autorisée : découpez le lot.",
    415: "Envoyez le corps de la requête en JSON (Content-Type: application/json).",
    422: "Les données envoyées ont été refusées : voir « errors ».",
    429: "Trop de requêtes pour ce jeton en peu de temps. Réessayez dans une minute.",
    500: "Une erreur inattendue s'est produite. L'équipe technique a été prévenue.",
    503: "La base de données est occupée. Réessayez dans un instant.",
}
TYPE_SLUGS = {
    401: "authentification",
    403: "portee",
    409: "version",
    422: "validation",
    429: "limite",
}


class FieldErrorSchema(FrenchSchema):
    """One refused field."""

    field = Str(
        allow_none=True,
        metadata={"description": "Champ concerné (null : la requête dans son ensemble)."},
    )
    message = Str(required=True, metadata={"description": "Message en français."})


class ProblemSchema(FrenchSchema):
    """RFC 9457 problem details (media type application/problem+json)."""

    type = Str(metadata={"description": "URI du type de problème (« about:blank » : générique)."})
    title = Str(metadata={"description": "Intitulé du type de problème, en français."})
    status = Int(metadata={"description": "Code de statut HTTP."})
    detail = Str(metadata={"description": "Explication propre à cette occurrence, en français."})
    instance = Str(metadata={"description": "Chemin de la requête concernée."})
    errors = List(
        Nested(FieldErrorSchema),
        metadata={"description": "Champs refusés et leurs messages."},
    )
    warnings = List(
        Str(),
        metadata={"description": "Avertissements à confirmer (« confirm_warnings »)."},
    )


def is_api_request() -> bool:
    """True for a request to the JSON API (its errors are problem details)."""
    path = request.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def problem_type(status: int) -> str:
    """URI of the problem type (an anchor of the documentation page, or about:blank)."""
    slug = TYPE_SLUGS.get(status)
    return f"{DOCS_PATH}#probleme-{slug}" if slug else "about:blank"


def problem(status: int, detail: str | None = None, *,
            errors: Iterable[tuple[str | None, str]] = (),
            warnings: Iterable[str] = (),
            headers: dict[str, str] | None = None,
            title: str | None = None) -> Response:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": problem_type(status),
        "title": title or TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400]),
        "status": status,
        "detail": detail or DETAILS.get(status, DETAILS[500] if status >= 500 else DETAILS[400]),
        "instance": request.path[:500],
    }
    errors = [{"field": f, "message": m} for f, m in errors]
    if errors:
        body["errors"] = errors
    warnings = list(warnings)
    if warnings:
        body["warnings"] = warnings
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MEDIA_TYPE
    )
    response.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def flatten_messages(messages: Any, prefix: str | None = None) -> list[tuple[str | None, str]]:
    """Marshmallow/webargs nested messages -> (field path, message) pairs.

    {"json": {"items": {"0": {"first_name": ["…"]}}}} -> [("items.0.first_name", "…")];
    a location key (json, query, headers, path) is dropped; "_schema" means the whole object.
    """
    out: list[tuple[str | None, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            key = str(key)
            if prefix is None and key in ("json", "query", "headers", "path", "view_args",
                                          "form", "files", "cookies"):
                out.extend(flatten_messages(value, None))
                continue
            if key == "_schema":
                out.extend(flatten_messages(value, prefix))
                continue
            out.extend(flatten_messages(value, f"{prefix}.{key}" if prefix else key))
    elif isinstance(messages, list | tuple):
        for item in messages:
            out.extend(flatten_messages(item, prefix))
    else:
        out.append((prefix, _french(str(messages))))
    return out


_ENGLISH = {
    "Invalid JSON body.": "Corps JSON invalide : vérifiez la syntaxe.",
    "Unknown field.": "Champ inconnu.",
}


def _french(message: str) -> str:
    """Translate the few messages webargs produces itself."""
    return _ENGLISH.get(message, message)
