"""Access matrix of the API: every operation of the OpenAPI document x every kind of caller.

Callers: no token, a revoked token, a session cookie (logged-in admin, no token), a session
cookie with a valid token, and tokens with each scope (read, write, payroll) and all of them.
Each operation needs exactly one scope (x-scope): a token without it gets 403 and nothing is
written; without a valid token, or with a session cookie, the answer is 401.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.api.conftest import problem_of, row_counts
from tests.conftest import login
from tests.factories import make_user, page_text

CALLERS = ("none", "revoked", "session", "session+token", "read", "write", "payroll", "all")
TOKEN_SCOPES = {"read": {"read"}, "write": {"write"}, "payroll": {"payroll"},
                "all": {"read", "write", "payroll"}}


def _spec(app) -> dict:
    with app.test_request_context():
        return app.extensions["hrtele_api"].spec.to_dict()


def operations(app) -> list[tuple[str, str, str]]:
    """(method, path template, scope) of every operation of the document."""
    out = []
    for path, item in _spec(app)["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "patch", "delete"):
                out.append((method.upper(), path, op.get("x-scope", "")))
    return sorted(out)


def concrete(path: str, seed) -> str:
    return (path.replace("{personnel_number}", seed.personnel_number)
            .replace("{code}", seed.post_code)
            .replace("{place_id}", str(seed.place_id))
            .replace("{request_id}", str(seed.request_id))
            .replace("{agreement_id}", str(seed.agreement_id))
            .replace("{document_id}", str(seed.document_id))
            .replace("{period}", seed.period))


def body_for(method: str, path: str, seed) -> dict | None:
    """A valid body for each write."""
    if path.endswith("/employees/{personnel_number}"):
        return {"first_name": "Léa", "last_name": "Fontaine-Matrice"}
    if path.endswith("/employees/batch"):
        return {"items": [{"personnel_number": "MAT-1", "first_name": "Zoé",
                           "last_name": "Matrice"}]}
    if path.endswith("/posts/{code}"):
        return {"title": "Gestionnaire API (matrice)"}
    if path.endswith("/posts/batch"):
        return {"items": [{"code": "MAT-P1", "title": "Poste matrice"}]}
    if path.endswith("/requests") and method == "POST":
        return {"personnel_number": seed.personnel_number, "request_date": "2026-09-01",
                "wished_days": 1, "confirm_warnings": True}
    return None


def test_every_api_route_is_a_documented_operation(app):
    """No undocumented route under /api/v1 (the matrix below walks the document)."""
    documented = {(m, p) for m, p, _ in operations(app)}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api-docs.openapi_json":
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((method, path))
    assert routes == documented
    assert all(scope in ("read", "write", "payroll") for _, _, scope in operations(app))


def _denials(app) -> int:
    from sqlalchemy import func, select

    from hrtele.extensions import db
    from hrtele.models import AuditEntry

    with app.app_context():
        return db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "access_denied"))


def _caller_client(app, api, caller):
    """(client, headers) for a kind of caller."""
    if caller in ("session", "session+token"):
        client = app.test_client()
        with app.app_context():
            make_user("admin.api@example.test", role="admin")
        assert login(client, "admin.api@example.test").status_code == 302
        headers = {}
        if caller == "session+token":
            headers["Authorization"] = f"Bearer {api.secrets['all']}"
        return client, headers
    headers = {} if caller == "none" else {"Authorization": f"Bearer {api.secrets[caller]}"}
    return app.test_client(), headers


def _expected(caller: str, scope: str) -> str:
    if caller in ("none", "revoked", "session", "session+token"):
        return "401"
    return "allowed" if scope in TOKEN_SCOPES[caller] else "403"


@pytest.mark.parametrize("caller", CALLERS)
def test_access_matrix(app, api, seeded, caller):
    """Every operation with this caller: 401, 403 (nothing written) or served."""
    problems = []
    client, headers = _caller_client(app, api, caller)
    for method, path, scope in operations(app):
        url = concrete(path, seeded)
        body = body_for(method, path, seeded)
        before = row_counts(app) if method != "GET" else None
        denials = _denials(app)
        response = client.open(url, method=method, headers=headers, json=body)
        expected = _expected(caller, scope)
        where = f"{method} {url} as {caller} (scope {scope})"
        code = response.status_code
        if code >= 500:
            problems.append(f"{where}: {code}")
        elif expected == "allowed":
            if code not in (200, 201):
                problems.append(f"{where}: allowed, got {code} {response.data[:200]!r}")
        else:
            if str(code) != expected:
                problems.append(f"{where}: expected {expected}, got {code}")
                continue
            problem = problem_of(response)
            if expected == "401" and "WWW-Authenticate" not in response.headers:
                problems.append(f"{where}: 401 without WWW-Authenticate")
            if not problem["detail"]:
                problems.append(f"{where}: empty detail")
            if before is not None and row_counts(app) != before:
                problems.append(f"{where}: refused but something was written")
            # A refused scope is audited once (who, what); unauthenticated calls are only logged.
            if _denials(app) - denials != (1 if expected == "403" else 0):
                problems.append(f"{where}: {_denials(app) - denials} access_denied entries")
    assert not problems, "\n".join(problems)


def test_payroll_token_reads_closed_month_and_nothing_else(app, api, seeded):
    """Done when: a payroll integration reads a closed month with a payroll token, nothing else."""
    response = api.get(f"/api/v1/allowances/{seeded.period}", as_="payroll")
    assert response.status_code == 200
    assert response.get_json()["period"] == seeded.period
    assert api.get("/api/v1/allowances", as_="payroll").status_code == 200
    for method, path, scope in operations(app):
        if scope != "payroll":
            url = concrete(path, seeded)
            assert api.open(method, url, as_="payroll",
                            json=body_for(method, path, seeded)).status_code == 403, url


def test_read_token_cannot_read_payroll(api, seeded):
    assert api.get(f"/api/v1/allowances/{seeded.period}", as_="read").status_code == 403
    assert api.get(f"/api/v1/allowances/{seeded.period}", as_="write").status_code == 403


def test_token_refused_on_html_pages(app, api):
    """A bearer token opens nothing outside /api/v1 (even a public page)."""
    for path in ("/salaries/", "/", "/connexion", "/documentation/api"):
        response = api.get(path, as_="all")
        assert response.status_code == 403, path
        assert "Les jetons d'API ne donnent accès qu'à l'API" in page_text(response)


def test_revoked_token_stops_at_once(app, api, api_tokens):
    from hrtele.extensions import db
    from hrtele.integrations.services import revoke_token
    from hrtele.models import ApiToken

    assert api.get("/api/v1/places", as_="read").status_code == 200
    with app.app_context():
        row = db.session.get(ApiToken, api_tokens["read"][0])
        revoke_token(row, row.version, None)
        db.session.commit()
    response = api.get("/api/v1/places", as_="read")
    assert response.status_code == 401
    assert problem_of(response)["detail"] == "Jeton d'API inconnu ou révoqué."


@pytest.mark.parametrize("header", [
    "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer hrt_" + "A" * 43, "Bearer " + "x" * 5000,
    "bearer hrt_\x00", "Token abc",
])
def test_malformed_or_unknown_tokens_are_401(api, header):
    response = api.get("/api/v1/places", as_=None, headers={"Authorization": header})
    assert response.status_code == 401
    problem_of(response)


def test_last_use_is_recorded(app, api, api_tokens, frozen_today):
    from hrtele.extensions import db
    from hrtele.models import ApiToken

    with app.app_context():
        assert db.session.get(ApiToken, api_tokens["read"][0]).last_used_dt is None
    frozen_today(date(2026, 10, 5))
    assert api.get("/api/v1/places", as_="read").status_code == 200
    with app.app_context():
        token = db.session.get(ApiToken, api_tokens["read"][0])
        assert token.last_used_dt is not None
        assert token.last_used_ip == "127.0.0.1"


def test_a_view_without_a_declared_scope_is_refused(app, api_tokens):
    """Deny by default: an API route that forgot requires(...) answers 403, never its data."""
    app.add_url_rule("/api/v1/_sonde", "sonde_sans_portee", lambda: "secret")
    secret = api_tokens["all"][1]
    response = app.test_client().get("/api/v1/_sonde",
                                     headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert b"secret" not in response.data
    problem_of(response)
