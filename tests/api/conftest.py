"""Fixtures of the API tests: tokens per scope, a seeded database, a bearer client."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from hrtele.extensions import db
from tests.api.helpers import bearer, make_token

#: Tokens every API test gets: one per scope, one with every scope, one revoked.
TOKEN_SCOPES = {
    "read": ["read"],
    "write": ["write"],
    "payroll": ["payroll"],
    "all": ["read", "write", "payroll"],
    "revoked": ["read", "write", "payroll"],
}


class ApiClient:
    """A test client sending one of the test tokens (as_=None: no token at all)."""

    def __init__(self, client, secrets: dict[str, str]):
        self.client = client
        self.secrets = secrets

    def open(self, method: str, path: str, as_: str | None = "all", **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if as_ is not None:
            headers.update(bearer(self.secrets[as_]))
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, as_: str | None = "all", **kwargs):
        return self.open("GET", path, as_, **kwargs)

    def put(self, path: str, as_: str | None = "all", **kwargs):
        return self.open("PUT", path, as_, **kwargs)

    def post(self, path: str, as_: str | None = "all", **kwargs):
        return self.open("POST", path, as_, **kwargs)


@pytest.fixture
def api_tokens(app) -> dict[str, tuple[int, str]]:
    """{name: (token id, secret)}; the « revoked » one is revoked already."""
    from hrtele.integrations.services import revoke_token
    from hrtele.models import ApiToken

    with app.app_context():
        tokens = {name: make_token(f"Test {name}", scopes) for name, scopes in TOKEN_SCOPES.items()}
        row = db.session.get(ApiToken, tokens["revoked"][0])
        revoke_token(row, row.version, None)
        db.session.commit()
    return tokens


@pytest.fixture
def api(app, api_tokens) -> ApiClient:
    """Bearer client: api.get(path, as_="read") …"""
    return ApiClient(app.test_client(), {name: secret for name, (_, secret) in api_tokens.items()})


@dataclass
class ApiSeed:
    """Ids and keys of one record of each kind the API reads."""

    personnel_number: str
    employee_id: int
    post_code: str
    place_id: int
    request_id: int
    agreement_id: int
    document_id: int
    period: str


def seed_records(app) -> ApiSeed:
    """An employee with a request, an agreement, an issued document, and a closed month."""
    from hrtele.allowances.services import close_month
    from hrtele.models import IssuedDocument
    from tests.factories import make_agreement, make_employee, make_employer, make_post

    with app.app_context():
        make_employer()
        post = make_post(code="API-POSTE", title="Gestionnaire API", max_days_per_week=2)
        employee = make_employee(personnel_number="API-001", first_name="Léa",
                                 last_name="Fontaine", post_id=post.id)
        agreement = make_agreement(employee_id=employee.id, status="active",
                                   start_date=date(2026, 1, 5))
        pdf = b"%PDF-1.7 document API"
        document = IssuedDocument(
            reference="AV-API-1", kind="amendment", version=1, employee_id=employee.id,
            agreement_id=agreement.id, pdf_bytes=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf), snapshot_json="{}", template_version="test",
        )
        db.session.add(document)
        close_month(2026, 3, None, date(2026, 4, 2))
        db.session.commit()
        return ApiSeed(
            personnel_number=employee.personnel_number, employee_id=employee.id,
            post_code=post.code, place_id=agreement.place_id, request_id=agreement.request_id,
            agreement_id=agreement.id, document_id=document.id, period="2026-03",
        )


@pytest.fixture
def seeded(app) -> ApiSeed:
    """The records of seed_records()."""
    return seed_records(app)


def row_counts(app) -> dict[str, int]:
    """Rows per table (nothing-written checks); the audit trail and token table excluded."""
    from sqlalchemy import func, select

    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name not in ("audit_entries", "api_tokens")
        }


def problem_of(response) -> dict[str, Any]:
    """The RFC 9457 body of an error response (asserting its media type)."""
    assert response.mimetype == "application/problem+json", response.data[:300]
    body = response.get_json(force=True)
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == response.status_code
    return body
