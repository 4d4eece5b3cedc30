"""Shared pieces of the API blueprints: documented error responses, ETags, commits."""

from __future__ import annotations

import http
from typing import Any

from flask import request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser

from hrtele.api.fields import FrenchSchema, Str
from hrtele.api.problems import problem
from hrtele.extensions import db

#: Errors any operation may answer: a request refused before routing (NUL character: 400; too
#: many query parameters: 413), authentication, scope, throttling and a busy database.
COMMON_ERRORS = (400, 401, 403, 413, 429, 503)


def status_name(code: int) -> str:
    """Name of the component response documenting a status (« NOT_FOUND »)."""
    return http.HTTPStatus(code).name


class ApiBlueprint(Blueprint):
    """smorest Blueprint with a French tag, operation ids and the common problem responses."""

    # Each schema says how it treats unknown keys: a misspelt filter (« departement= ») is
    # refused instead of silently returning everything.
    ARGUMENTS_PARSER = FlaskParser(unknown=None)

    def __init__(self, *args, tag: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag = tag

    def route(self, rule, *, parameters=None, tags=None, errors=(), **options):
        """Register a view; ``errors`` adds documented problem responses beyond the common ones."""
        parent = super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)

        def decorator(func):
            for code in (*COMMON_ERRORS, *errors):
                func = self.alt_response(code, response=status_name(code))(func)
            func = self.doc(operationId=func.__name__)(func)
            return parent(func)

        return decorator


def etag_of(obj: Any) -> str:
    """Strong ETag of a versioned row: its id and version (changes on every update)."""
    return f"{obj.id}-{obj.version}"


def stale_if_match(obj: Any | None):
    """A 409 problem when If-Match names another version than obj's (None: go on)."""
    if not request.headers.get("If-Match"):
        return None
    if obj is None:
        return problem(409, "L'en-tête If-Match désigne une ressource qui n'existe pas (encore).")
    if request.if_match.contains(etag_of(obj)) or request.if_match.star_tag:
        return None
    return problem(
        409,
        "Version périmée : la ressource a été modifiée depuis votre lecture (ETag « "
        f"{etag_of(obj)} » attendu). Relisez-la puis recommencez.",
    )


def with_etag(response, obj: Any):
    """Set the ETag header of a response from a versioned row."""
    response.set_etag(etag_of(obj))
    return response


def commit() -> None:
    """The request's single commit (API writes)."""
    db.session.commit()


class IfMatchArgs(FrenchSchema):
    """The optional If-Match header of a write (read through request.if_match)."""

    class Meta(FrenchSchema.Meta):
        unknown = "exclude"

    if_match = Str(data_key="If-Match", metadata={"description": (
        "ETag lu précédemment (« id-version »). Si la ressource a changé depuis, la requête "
        "est refusée (409) et rien n'est modifié.")})

ETAG_HEADER = {
    "ETag": {
        "description": "Version de la ressource (« id-version »), à renvoyer dans If-Match.",
        "schema": {"type": "string"},
    }
}
CREATED_HEADERS = {
    **ETAG_HEADER,
    "Location": {"description": "Adresse de la ressource créée.", "schema": {"type": "string"}},
}
