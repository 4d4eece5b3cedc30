"""schemathesis against the real app, on both databases, over every operation of the document.

Each operation gets bounded property-based cases (valid and invalid parameters and bodies,
with a token holding every scope). A case fails on a 5xx, a status or content type the
document does not list, or a body or header that breaks the documented schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
MAX_EXAMPLES = 20


def _document() -> dict:
    """The OpenAPI document, read once at collection from a throwaway app (no database)."""
    from hrtele import create_app

    probe = create_app({"TESTING": True, "SECRET_KEY": "collection-only",
                        "SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": False})
    with probe.test_request_context():
        return probe.extensions["hrtele_api"].spec.to_dict()


schema = schemathesis.openapi.from_dict(_document())


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms(case, app, api, seeded):
    """Cases of one operation sent to this test's app (seeded, token with every scope)."""
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {api.secrets['all']}"},
                           checks=CHECKS)
