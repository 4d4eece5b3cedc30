"""First visits never write: every page (GET) of a fresh database leaves every business table
as it was (only the audit trail and session bookkeeping may grow)."""

from __future__ import annotations

from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import UrssafCeiling
from tests.web.test_access_matrix import ROUTES, RULES, Seed, _url
from tests.web.test_fuzz_forms import FILE_WORDS, make_client, snapshot


def test_reference_data_is_there_before_any_visit(app):
    with app.app_context():
        assert db.session.scalar(select(func.count(UrssafCeiling.id))) == 5


def test_every_page_of_a_fresh_database_writes_nothing(app):
    seed = Seed(app)
    clients = {actor: make_client(app, actor) for actor in ("admin", "employee_a")}
    pages = []
    for endpoint, (_rule, methods) in sorted(ROUTES.items()):
        if "GET" not in methods or endpoint not in RULES or any(w in endpoint for w in FILE_WORDS):
            continue
        rule = RULES[endpoint]
        actor = "employee_a" if rule.access == "employee_own" else "admin"
        # The seed builds its objects on demand: all of them before the first snapshot.
        pages.append((actor, _url(app, endpoint, rule.ids(seed, "a") if rule.ids else {})))
    before = snapshot(app)
    visited = 0
    for actor, url in pages:
        response = clients[actor].get(url)
        assert response.status_code < 500, url
        visited += 1
        assert snapshot(app) == before, f"GET {url} changed the database"
    assert visited > 40
