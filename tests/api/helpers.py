"""Helpers for API tests: tokens and bearer headers (call inside an app context)."""

from __future__ import annotations

from hrtele.extensions import db
from hrtele.integrations.services import create_token


def make_token(name: str, scopes: list[str]) -> tuple[int, str]:
    """(token id, secret) of a new committed token."""
    token, secret = create_token(name, scopes, None)
    db.session.commit()
    return token.id, secret


def bearer(secret: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {secret}"}
