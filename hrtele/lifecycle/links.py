"""Links to other areas' pages, tolerant of areas that are not built (or named) as expected."""

from __future__ import annotations

from flask import current_app, url_for


def endpoint_exists(endpoint: str) -> bool:
    """True when the application has a view for ``endpoint``."""
    return endpoint in current_app.view_functions


def object_url(endpoint: str, object_id: int) -> str | None:
    """URL of ``endpoint`` for one object id (its single URL argument), or None if absent."""
    if not endpoint_exists(endpoint):
        return None
    for rule in current_app.url_map.iter_rules(endpoint):
        arguments = list(rule.arguments)
        if len(arguments) == 1:
            return url_for(endpoint, **{arguments[0]: object_id})
    return None


def endpoint_methods(endpoint: str) -> set[str]:
    """HTTP methods accepted by ``endpoint`` (empty when it does not exist)."""
    if not endpoint_exists(endpoint):
        return set()
    methods: set[str] = set()
    for rule in current_app.url_map.iter_rules(endpoint):
        methods |= set(rule.methods or ())
    return methods


def agreement_url(agreement_id: int) -> str:
    """The agreement page (agreements area), or the lifecycle follow-up page as a fallback."""
    return object_url("agreements.show", agreement_id) or url_for(
        "lifecycle.agreement", agreement_id=agreement_id
    )


def employee_url(employee_id: int) -> str | None:
    """The employee page, when the employees area provides one."""
    return object_url("employees.show", employee_id)


def request_url(request_id: int) -> str | None:
    """The request page, or the request list, when the requests area provides them."""
    url = object_url("requests.show", request_id)
    if url is None and endpoint_exists("requests.index"):
        url = url_for("requests.index")
    return url
