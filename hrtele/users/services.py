"""Account operations shared by the admin screens, the HR invitation and the CLI."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import Select, func, or_, select, update

from hrtele.audit.service import record
from hrtele.auth.passwords import hash_password, password_problems
from hrtele.auth.sessions import revoke_all_sessions
from hrtele.editing import BusinessRuleError, check_version
from hrtele.extensions import db
from hrtele.models import Employee, Invitation, User
from hrtele.models.base import utcnow
from hrtele.models.user import ROLES
from hrtele.web.pagination import like_pattern

LABEL = "Ce compte"
DEFAULT_INVITATION_VALIDITY = timedelta(days=7)
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


def normalise_email(email: str) -> str:
    """Trimmed, lower-cased address; BusinessRuleError when it is not an address."""
    email = (email or "").strip().lower()
    if not email or len(email) > 254 or not _EMAIL.match(email):
        raise BusinessRuleError("Adresse électronique invalide (exemple : prenom.nom@exemple.fr).")
    return email


def find_user_by_email(email: str) -> User | None:
    """The account with this address (case-insensitive), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email: str, role: str, password: str | None, actor: User | None,
                display_name: str = "", employee_id: int | None = None) -> User:
    """Create an account; password None means it is set later through an invitation."""
    email = normalise_email(email)
    if role not in ROLES:
        raise BusinessRuleError(f"Rôle inconnu : {role}.")
    if find_user_by_email(email) is not None:
        raise BusinessRuleError(f"Un compte existe déjà pour {email}.")
    if role == "employee":
        if employee_id is None or db.session.get(Employee, employee_id) is None:
            raise BusinessRuleError("Un compte salarié doit être rattaché à un salarié existant.")
        if db.session.scalar(select(User.id).where(User.employee_id == employee_id)):
            raise BusinessRuleError("Ce salarié a déjà un compte.")
    user = User(email=email, role=role, display_name=(display_name or "").strip()[:200],
                employee_id=employee_id if role == "employee" else None,
                is_active_account=True)
    if password is not None:
        problems = password_problems(password, email=email)
        if problems:
            raise BusinessRuleError(" ".join(problems))
        user.password_hash = hash_password(password)
        user.password_changed_dt = utcnow()
    db.session.add(user)
    db.session.flush()
    record("create", "users", user.id, actor,
           {"email": email, "role": role, "employee_id": user.employee_id,
            "password": "défini" if password is not None else "à choisir (invitation)"})
    return user


def set_password(user: User, password: str, actor: User | None) -> None:
    """Change a password and end every open session of that account."""
    problems = password_problems(password, email=user.email)
    if problems:
        raise BusinessRuleError(" ".join(problems))
    user.password_hash = hash_password(password)
    user.password_changed_dt = utcnow()
    revoke_all_sessions(user.id)
    db.session.flush()
    record("update", "users", user.id, actor, {"password": "modifié"})


def active_admin_count() -> int:
    """Number of active admin accounts."""
    return db.session.scalar(
        select(func.count(User.id)).where(User.role == "admin", User.is_active_account.is_(True))
    ) or 0


_UNCHECKED = object()


def set_active(user: User, active: bool, actor: User | None,
               expected_version: int | None | object = _UNCHECKED) -> None:
    """Activate or deactivate an account; deactivation ends its sessions at once.

    Screens pass the version the admin saw (a stale or missing one gives a 409).
    """
    if expected_version is not _UNCHECKED:
        check_version(user, expected_version, LABEL)  # type: ignore[arg-type]
    if user.is_active_account == active:
        return
    if not active:
        if actor is not None and actor.id == user.id:
            raise BusinessRuleError("Vous ne pouvez pas désactiver votre propre compte.")
        if user.role == "admin" and active_admin_count() <= 1:
            raise BusinessRuleError("Impossible de désactiver le dernier administrateur actif.")
    user.is_active_account = active
    if not active:
        revoke_all_sessions(user.id)
    db.session.flush()
    record("update", "users", user.id, actor, {"is_active_account": [not active, active]})


def set_signatory(user: User, allowed: bool, actor: User | None,
                  expected_version: int | None | object = _UNCHECKED) -> None:
    """Allow an HR account to sign documents for the employer (or withdraw it)."""
    if expected_version is not _UNCHECKED:
        check_version(user, expected_version, LABEL)  # type: ignore[arg-type]
    if allowed and user.role not in ("hr", "admin"):
        raise BusinessRuleError(
            "Seul un compte RH ou administrateur peut signer pour l'employeur."
        )
    if user.can_sign_for_employer == allowed:
        return
    user.can_sign_for_employer = allowed
    db.session.flush()
    record("update", "users", user.id, actor, {"can_sign_for_employer": [not allowed, allowed]})


def list_users_stmt(term: str = "", role: str = "", status: str = "") -> Select:
    """Accounts matching a search term, a role and a status, ordered by e-mail."""
    stmt = select(User)
    if term:
        pattern = like_pattern(term)
        stmt = stmt.where(or_(User.email.ilike(pattern, escape="\\"),
                              User.display_name.ilike(pattern, escape="\\")))
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    if status == "active":
        stmt = stmt.where(User.is_active_account.is_(True))
    elif status == "inactive":
        stmt = stmt.where(User.is_active_account.is_(False))
    return stmt.order_by(User.email)


# --- invitations ---------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def invitation_validity() -> timedelta:
    """How long an invitation link stays valid (config INVITATION_VALIDITY, 7 days)."""
    if has_app_context():
        return current_app.config.get("INVITATION_VALIDITY", DEFAULT_INVITATION_VALIDITY)
    return DEFAULT_INVITATION_VALIDITY


def create_invitation(user: User, actor: User | None) -> tuple[Invitation, str]:
    """A new one-time link for user (earlier unused links stop working); returns (row, token).

    Only the SHA-256 of the random token is stored: the clear token exists in the link alone.
    """
    if not user.is_active_account:
        raise BusinessRuleError("Ce compte est désactivé : réactivez-le avant d'envoyer un lien.")
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_dt.is_(None),
               Invitation.expires_dt > now)
        .values(expires_dt=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(token_hash=_token_hash(token), user_id=user.id,
                            expires_dt=now + invitation_validity(),
                            created_by_id=actor.id if actor is not None else None,
                            created_dt=now)
    db.session.add(invitation)
    db.session.flush()
    record("invite", "users", user.id, actor,
           {"invitation_id": invitation.id, "expires_dt": invitation.expires_dt})
    return invitation, token


def find_valid_invitation(token: str) -> Invitation | None:
    """The unused, unexpired invitation of this token whose account is active, or None."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token))
    )
    if invitation is None or invitation.used_dt is not None:
        return None
    if _aware(invitation.expires_dt) <= utcnow():
        return None
    if not invitation.user.is_active_account:
        return None
    return invitation


def accept_invitation(invitation: Invitation, password: str) -> User:
    """Set the account's password through the link; the link cannot be used again."""
    user = invitation.user
    set_password(user, password, user)
    invitation.used_dt = utcnow()
    db.session.flush()
    record("invitation_used", "users", user.id, user, {"invitation_id": invitation.id})
    return user


def pending_invitation(user_id: int) -> Invitation | None:
    """The latest unused and unexpired invitation of an account, or None."""
    return db.session.scalar(
        select(Invitation)
        .where(Invitation.user_id == user_id, Invitation.used_dt.is_(None),
               Invitation.expires_dt > utcnow())
        .order_by(Invitation.created_dt.desc(), Invitation.id.desc())
        .limit(1)
    )


def invite_employee(employee: Employee, email: str, actor: User | None
                    ) -> tuple[User, Invitation, str]:
    """HR invites an employee: account without password (created if needed) plus a link.

    An account that already has a password is refused: resetting it is an admin action,
    so HR cannot obtain a link that would let them take over an employee's account.
    """
    user = db.session.scalar(select(User).where(User.employee_id == employee.id))
    if user is None:
        user = create_user(email, "employee", None, actor, employee.full_name, employee.id)
    else:
        if not user.is_active_account:
            raise BusinessRuleError(
                "Le compte de ce salarié est désactivé : un administrateur doit le réactiver."
            )
        if user.password_hash is not None:
            raise BusinessRuleError(
                "Ce salarié a déjà choisi son mot de passe. En cas d'oubli, un administrateur "
                "peut lui envoyer un lien de réinitialisation."
            )
        new_email = normalise_email(email)
        if new_email != user.email:
            other = find_user_by_email(new_email)
            if other is not None and other.id != user.id:
                raise BusinessRuleError(f"Un compte existe déjà pour {new_email}.")
            record("update", "users", user.id, actor, {"email": [user.email, new_email]})
            user.email = new_email
    invitation, token = create_invitation(user, actor)
    return user, invitation, token
