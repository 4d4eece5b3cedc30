"""Second factor for HR and admin accounts: TOTP (RFC 6238, pyotp) and one-time recovery codes.

Required for HR and admin accounts when the TWO_FACTOR_REQUIRED setting is on (the default):
after the password, the user types the 6-digit code of their authenticator app, or enrols
one at their first log-in. A code is accepted once (the last accepted 30-second step is
kept), within one step of clock drift. Recovery codes (10, shown once) are stored hashed
and work once each.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
from flask import current_app
from sqlalchemy import delete, select, update

from hrtele.audit.service import record
from hrtele.extensions import db
from hrtele.models import RecoveryCode, User, UserTotp
from hrtele.models.base import utcnow

ISSUER = "hrtele"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i confusion
_DIGITS = re.compile(r"^[0-9]{6}$")


def required_for(user: User) -> bool:
    """True when this account must use a second factor (HR and admin, per the setting)."""
    return bool(current_app.config.get("TWO_FACTOR_REQUIRED", True)) and user.is_hr


def totp_of(user_id: int) -> UserTotp | None:
    """The account's TOTP record (confirmed or not), or None."""
    return db.session.get(UserTotp, user_id)


def is_enrolled(user: User) -> bool:
    """True when the account has a confirmed authenticator."""
    record_ = totp_of(user.id)
    return record_ is not None and record_.confirmed_dt is not None


def start_enrolment(user: User) -> UserTotp:
    """The account's TOTP record, with a new random secret the first time; flushes."""
    existing = totp_of(user.id)
    if existing is None:
        existing = UserTotp(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(existing)
        db.session.flush()
    return existing


def provisioning_uri(user: User, secret: str) -> str:
    """otpauth:// URI that authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of uri as inline SVG markup (no script, no external image)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True,
                                    title="Code QR à scanner avec l'application d'authentification")
    return out.getvalue().decode("utf-8")


def group_secret(secret: str) -> str:
    """The secret in groups of four, for typing it by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _normalise(code: str) -> str:
    return re.sub(r"[\s\-]", "", code or "").lower()


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The 30-second step (now, or one before/after) whose code is `code`, or None."""
    if not _DIGITS.match(code):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    current = int(now // STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def check_totp(user: User, code: str, now: float | None = None) -> bool:
    """Accept a code once: right secret, within one step, newer than the last one accepted."""
    record_ = totp_of(user.id)
    if record_ is None:
        return False
    step = _matching_step(record_.secret, _normalise(code), now)
    if step is None or (record_.last_step is not None and step <= record_.last_step):
        return False
    # Conditional update: two concurrent requests with the same code cannot both pass.
    result = db.session.execute(
        update(UserTotp)
        .where(UserTotp.user_id == user.id,
               (UserTotp.last_step.is_(None)) | (UserTotp.last_step < step))
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(record_, ["last_step"])
    return result.rowcount == 1


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes by 10 new ones, returned in clear once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        codes.append(code)
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(code)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code; False when unknown or already used."""
    if not 10 <= len(_normalise(code)) <= 20:
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
               RecoveryCode.used_dt.is_(None))
        .values(used_dt=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def remaining_recovery_codes(user_id: int) -> int:
    """Unused recovery codes of the account."""
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_dt.is_(None))).all())


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Confirm the authenticator with a first code; returns the recovery codes, or None."""
    record_ = totp_of(user.id)
    if record_ is None or record_.confirmed_dt is not None or not check_totp(user, code):
        return None
    record_.confirmed_dt = utcnow()
    codes = new_recovery_codes(user)
    record("update", "users", user.id, user, {"second_factor": "activé (application TOTP)"})
    return codes


def check_second_factor(user: User, code: str) -> str | None:
    """'totp' or 'recovery_code' when the code is accepted, None otherwise."""
    if check_totp(user, code):
        return "totp"
    if use_recovery_code(user, code):
        return "recovery_code"
    return None


def reset_second_factor(user: User, actor: User | None) -> None:
    """Forget the authenticator and recovery codes (lost phone): enrol again at next log-in."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(UserTotp).where(UserTotp.user_id == user.id))
    db.session.flush()
    record("update", "users", user.id, actor, {"second_factor": "réinitialisé"})
