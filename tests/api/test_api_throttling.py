"""Throttling per token (Flask-Limiter), and of refused tokens per client address."""

from __future__ import annotations

import pytest

from tests.api.conftest import problem_of

pytestmark = pytest.mark.parametrize("app_config", [{
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_API": "3 per minute",
    "RATELIMIT_API_AUTH_FAILURES": "2 per minute",
}])


def test_each_token_has_its_own_budget(api):
    for _ in range(3):
        assert api.get("/api/v1/places", as_="read").status_code == 200
    limited = api.get("/api/v1/places", as_="read")
    assert limited.status_code == 429
    problem = problem_of(limited)
    assert problem["type"].endswith("#probleme-limite")
    assert limited.headers["Retry-After"]
    # Another integration is not slowed down by the first one.
    assert api.get("/api/v1/places", as_="all").status_code == 200


def test_refused_tokens_are_limited_per_address_without_blocking_live_tokens(api):
    bad = {"Authorization": "Bearer hrt_" + "x" * 43}
    assert api.get("/api/v1/places", as_=None, headers=bad).status_code == 401
    assert api.get("/api/v1/places", as_=None).status_code == 401
    assert api.get("/api/v1/places", as_=None, headers=bad).status_code == 429
    assert api.get("/api/v1/places", as_="read").status_code == 200
