"""API tokens: creation (shown once), hashed storage, revocation, authentication, last use.

A token is ``hrt_`` followed by 43 random URL-safe characters (256 bits). Only its SHA-256 is
stored: a slow password hash is not needed for a random secret of that length, and a plain
hash lets every API request find the token with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import OperationalError

from hrtele.audit.service import record
from hrtele.editing import BusinessRuleError, check_version
from hrtele.extensions import db
from hrtele.models import ApiToken, User
from hrtele.models.base import utcnow

TOKEN_PREFIX = "hrt_"
#: Scopes, in display order, with their French label.
SCOPES: dict[str, str] = {
    "read": "Lecture (salariés, postes, lieux, demandes, accords, documents)",
    "write": "Écriture (salariés et postes, enregistrement de demandes)",
    "payroll": "Paie (indemnités des mois clôturés)",
}
SCOPE_NAMES: dict[str, str] = {"read": "lecture", "write": "écriture", "payroll": "paie"}
MAX_NAME = 100
#: The last-used date is refreshed at most this often (keeps reads mostly read-only).
LAST_USED_REFRESH = timedelta(minutes=1)


@dataclass(frozen=True)
class IntegrationActor:
    """The author of an API write in the audit trail: the token's integration, not a person."""

    token_id: int
    name: str
    id: None = None  # no user account behind it

    @property
    def email(self) -> str:
        """Label written in the audit trail's « who » column."""
        return f"API « {self.name} » (jeton n° {self.token_id})"


def hash_token(token: str) -> str:
    """SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def list_tokens_stmt(include_revoked: bool = True) -> Select:
    """Tokens, active first, newest first."""
    stmt = select(ApiToken)
    if not include_revoked:
        stmt = stmt.where(ApiToken.revoked_dt.is_(None))
    return stmt.order_by(ApiToken.revoked_dt.is_not(None), ApiToken.created_dt.desc(),
                         ApiToken.id.desc())


def _clean_scopes(scopes: list[str] | tuple[str, ...] | set[str]) -> str:
    chosen = sorted(set(scopes or ()))
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        raise BusinessRuleError("Portée inconnue : " + ", ".join(unknown) + ".")
    if not chosen:
        raise BusinessRuleError("Choisissez au moins une portée (lecture, écriture ou paie).")
    return " ".join(chosen)


def create_token(name: str, scopes: list[str], actor: User | None) -> tuple[ApiToken, str]:
    """Create a token for a named integration; returns the row and the secret (shown once)."""
    name = " ".join((name or "").split())
    if not name:
        raise BusinessRuleError("Le nom de l'intégration est obligatoire.")
    if len(name) > MAX_NAME:
        raise BusinessRuleError(f"{MAX_NAME} caractères au plus pour le nom.")
    taken = db.session.scalar(
        select(ApiToken.id).where(func.lower(ApiToken.name) == name.lower(),
                                  ApiToken.revoked_dt.is_(None))
    )
    if taken is not None:
        raise BusinessRuleError(
            f"Un jeton actif porte déjà le nom « {name} » : révoquez-le ou choisissez un autre nom."
        )
    scope_text = _clean_scopes(scopes)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        scopes=scope_text,
        token_hash=hash_token(secret),
        token_prefix=secret[: len(TOKEN_PREFIX) + 6],
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(token)
    db.session.flush()
    record("create", "api_tokens", token.id, actor, {"name": name, "scopes": scope_text})
    return token, secret


def revoke_token(token: ApiToken, expected_version: int | None, actor: User | None) -> ApiToken:
    """Revoke a token for good (its integration is refused from the next request on)."""
    check_version(token, expected_version, "Ce jeton")
    if token.revoked_dt is not None:
        raise BusinessRuleError("Ce jeton est déjà révoqué.")
    token.revoked_dt = utcnow()
    token.revoked_by_id = actor.id if actor is not None else None
    db.session.flush()
    record("revoke", "api_tokens", token.id, actor, {"name": token.name})
    return token


def find_active_token(secret: str) -> ApiToken | None:
    """The live token matching a presented secret, or None (unknown, malformed or revoked)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_dt is not None:
        return None
    return token


def note_use(token: ApiToken, ip: str) -> None:
    """Refresh the last-used date (at most once a minute), in its own short transaction.

    Called before the request does anything else, so nothing of the request is committed
    with it; a busy database only skips the bookkeeping, never fails the call.
    """
    now = utcnow()
    last = token.last_used_dt
    if last is not None:
        last = last if last.tzinfo is not None else last.replace(tzinfo=now.tzinfo)
        if now - last < LAST_USED_REFRESH and token.last_used_ip == ip:
            return
    token_id = token.id
    try:
        db.session.commit()  # close the read transaction: the update starts a fresh one
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id)
            .values(last_used_dt=now, last_used_ip=ip[:45])
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except OperationalError:
        db.session.rollback()
    db.session.expire_all()
