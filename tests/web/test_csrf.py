"""CSRF on every state-changing route of app.url_map (security.md §4.3), with CSRF switched on."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from hrtele.extensions import db
from tests.factories import TEST_PASSWORD, make_employee, make_user, page_text

pytestmark = pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def token_of(response) -> str:
    """The CSRF token embedded in a page."""
    match = _TOKEN.search(response.get_data(as_text=True))
    assert match, "no csrf_token in the page"
    return match.group(1) or match.group(2)


def login_with_csrf(client, email: str, password: str = TEST_PASSWORD):
    """Log in through the real form, token included."""
    token = token_of(client.get("/connexion"))
    return client.post("/connexion", data={"email": email, "password": password, "csrf_token": token})


def _row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def _sample_values(url_rule) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, converter in url_rule._converters.items():
        kind = type(converter).__name__
        if "Integer" in kind or "Int" in kind:
            values[name] = 1
        elif "UUID" in kind:
            values[name] = uuid.uuid4()
        else:
            values[name] = "x"
    return values


@pytest.fixture
def admin(app):
    with app.app_context():
        make_employee()
        return make_user("admin@example.test", role="admin").id


def test_every_state_changing_route_refuses_a_missing_token(app, admin):
    """Logged in as admin (who may do everything), no token -> 400, nothing written."""
    client = app.test_client()
    assert login_with_csrf(client, "admin@example.test").status_code == 302
    before = _row_counts(app)
    checked, problems = 0, []
    with app.test_request_context():
        from flask import url_for

        targets = [
            (url_rule.endpoint, method, url_for(url_rule.endpoint, **_sample_values(url_rule)))
            for url_rule in app.url_map.iter_rules()
            for method in sorted(url_rule.methods & STATE_CHANGING)
        ]
    for endpoint, method, url in targets:
        response = client.open(url, method=method, data={"anything": "1"})
        checked += 1
        if url.startswith("/api/v1/"):
            # The JSON API is exempt from CSRF tokens because it refuses session cookies
            # outright: a logged-in browser cannot be made to write through it.
            if response.status_code != 401 or response.mimetype != "application/problem+json":
                problems.append(f"{method} {url} ({endpoint}): session cookie not refused "
                                f"({response.status_code})")
            continue
        if response.status_code != 400:
            problems.append(f"{method} {url} ({endpoint}): {response.status_code}")
        elif "jeton de sécurité" not in page_text(response):
            problems.append(f"{method} {url} ({endpoint}): 400 without the French message")
    assert checked >= 5
    assert not problems, "\n".join(problems)
    assert _row_counts(app) == before


def test_login_form_itself_needs_the_token(app, admin):
    client = app.test_client()
    response = client.post("/connexion", data={"email": "admin@example.test", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/mon-compte").status_code == 302


def test_token_of_another_session_is_refused(app, admin):
    with app.app_context():
        make_user("rh@example.test", role="hr")
    mallory, victim = app.test_client(), app.test_client()
    login_with_csrf(mallory, "rh@example.test")
    login_with_csrf(victim, "admin@example.test")
    foreign = token_of(mallory.get("/mon-compte"))
    assert victim.post("/deconnexion", data={"csrf_token": foreign}).status_code == 400
    assert victim.get("/mon-compte").status_code == 200  # still logged in: nothing happened


def test_garbage_token_is_refused(app, admin):
    client = app.test_client()
    login_with_csrf(client, "admin@example.test")
    assert client.post("/deconnexion", data={"csrf_token": "x" * 80}).status_code == 400


def test_valid_token_lets_the_request_through(app, admin):
    client = app.test_client()
    login_with_csrf(client, "admin@example.test")
    token = token_of(client.get("/mon-compte"))
    response = client.post("/mon-compte/mot-de-passe", data={
        "csrf_token": token, "current_password": TEST_PASSWORD,
        "new_password": "une phrase vraiment nouvelle", "confirm": "une phrase vraiment nouvelle"})
    assert response.status_code == 302
    token = token_of(client.get("/mon-compte"))
    assert client.post("/deconnexion", data={"csrf_token": token}).status_code == 302
    assert client.get("/mon-compte").status_code == 302


def test_token_does_not_survive_logout(app, admin):
    client = app.test_client()
    login_with_csrf(client, "admin@example.test")
    old_token = token_of(client.get("/mon-compte"))
    client.post("/deconnexion", data={"csrf_token": old_token})
    # Logged out, the old token is bound to a cleared session: a log-in POST with it fails.
    response = client.post("/connexion", data={"email": "admin@example.test",
                                               "password": TEST_PASSWORD, "csrf_token": old_token})
    assert response.status_code == 400
