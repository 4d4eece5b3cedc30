"""API tokens screen (admin): created for a named integration, shown once, stored hashed,
revocable, last use shown; CSRF stays on for the screen but never blocks token API writes."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hrtele.extensions import db
from hrtele.models import ApiToken, AuditEntry
from tests.factories import make_user, page_text
from tests.web.test_csrf import login_with_csrf, token_of

SECRET_RE = re.compile(r"hrt_[A-Za-z0-9_-]{43}")


def _create(client, name="Logiciel de paie", scopes=("payroll",)):
    return client.post("/comptes/integrations/", data={"name": name, "scopes": list(scopes)})


def test_admin_creates_a_token_shown_once_and_stored_hashed(app, admin_client):
    response = _create(admin_client)
    assert response.status_code == 200
    secret = SECRET_RE.search(response.get_data(as_text=True)).group(0)
    assert response.headers["Cache-Control"] == "no-store"
    assert "il ne sera plus jamais affiché" in page_text(response)
    listing = admin_client.get("/comptes/integrations/")
    assert secret not in listing.get_data(as_text=True)
    assert secret[:10] in listing.get_data(as_text=True)  # the prefix tells tokens apart
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        row = {c.key: getattr(token, c.key) for c in ApiToken.__table__.columns}
        assert secret not in repr(row)
        assert token.scopes == "payroll" and token.name == "Logiciel de paie"
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.object_type == "api_tokens"))
        assert entry.action == "create" and secret not in entry.changes_json
    api = app.test_client()
    used = api.get("/api/v1/allowances", headers={"Authorization": f"Bearer {secret}"})
    assert used.status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_dt)) is not None
    listing = page_text(admin_client.get("/comptes/integrations/"))
    assert "jamais" not in listing and "127.0.0.1" in listing  # last use: date and address


def test_revocation(app, admin_client):
    secret = SECRET_RE.search(_create(admin_client, "SIRH", ("read",)).get_data(as_text=True))[0]
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        token_id, version = token.id, token.version
    stale = admin_client.post(f"/comptes/integrations/{token_id}/revoquer",
                              data={"version": version + 1})
    assert stale.status_code == 409
    response = admin_client.post(f"/comptes/integrations/{token_id}/revoquer",
                                 data={"version": version})
    assert response.status_code == 302
    assert "Révoqué le" in page_text(admin_client.get("/comptes/integrations/"))
    refused = app.test_client().get("/api/v1/places",
                                    headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    again = admin_client.post(f"/comptes/integrations/{token_id}/revoquer",
                              data={"version": version + 1})
    assert again.status_code == 422 and "déjà révoqué" in page_text(again)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.object_type == "api_tokens", AuditEntry.action == "revoke")) == 1
    # The name is free again once revoked.
    assert _create(admin_client, "SIRH", ("read",)).status_code == 200


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "scopes": ["read"]}, "Le nom de l'intégration est obligatoire."),
    ({"name": "SIRH"}, "Choisissez au moins une portée"),
    ({"name": "SIRH", "scopes": ["admin"]}, "Not a valid choice"),
    ({"name": "x" * 101, "scopes": ["read"]}, "100 caractères au plus."),
])
def test_invalid_creation_is_refused(app, admin_client, data, message):
    response = admin_client.post("/comptes/integrations/", data=data)
    assert response.status_code == 422
    if message != "Not a valid choice":
        assert message in page_text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_duplicate_active_name_is_refused(app, admin_client):
    _create(admin_client, "Paie")
    response = _create(admin_client, "paie")
    assert response.status_code == 422
    assert "Un jeton actif porte déjà le nom" in page_text(response)


def test_hr_and_employees_cannot_manage_tokens(app, hr_client):
    assert hr_client.get("/comptes/integrations/").status_code == 403
    assert _create(hr_client).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_nav_shows_the_screen_to_admins_only(admin_client, hr_client):
    assert "Intégrations API" in page_text(admin_client.get("/comptes/integrations/"))
    assert "Intégrations API" not in page_text(hr_client.get("/salaries/"))


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_csrf_protects_the_screen_but_not_token_writes(app, app_config):
    with app.app_context():
        make_user("admin.csrf@example.test", role="admin")
    client = app.test_client()
    assert login_with_csrf(client, "admin.csrf@example.test").status_code == 302
    assert _create(client).status_code == 400  # no CSRF token: refused
    page = client.get("/comptes/integrations/")
    response = client.post("/comptes/integrations/", data={
        "name": "SIRH", "scopes": ["write"], "csrf_token": token_of(page)})
    secret = SECRET_RE.search(response.get_data(as_text=True))[0]
    api = app.test_client()  # an integration: no cookie, no CSRF token, only its bearer token
    write = api.put("/api/v1/employees/CSRF-1", headers={"Authorization": f"Bearer {secret}"},
                    json={"first_name": "Jeton", "last_name": "Seul"})
    assert write.status_code == 201, write.data

