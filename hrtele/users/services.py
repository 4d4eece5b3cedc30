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


NO_MAIL = (
    "L'envoi de courriels n'est pas configuré sur ce serveur : l'invitation ne peut pas "
    "être envoyée (demandez à l'administrateur technique de régler la messagerie). Le lien d'un espace salarié n'est jamais affiché, il part uniquement par "
    "courriel à l'adresse du salarié."
)
MAIL_FAILED = (
    "Le courriel d'invitation n'a pas pu être envoyé : rien n'a été enregistré, réessayez dans "
    "un instant ou vérifiez l'adresse de la fiche."
)


def invitation_mail_body(user: User, invitation: Invitation, link: str) -> str:
    """Text of the invitation e-mail (French)."""
    from hrtele.models import Employer
    from hrtele.web.filters import datetime_fr

    employer = db.session.scalar(select(Employer.name).order_by(Employer.id).limit(1)) or ""
    return (
        f"Bonjour {user.display_name or ''},\n\n"
        f"Un accès à l'application de gestion du télétravail{' de ' + employer if employer else ''} "
        "a été ouvert pour vous.\n"
        f"Pour choisir votre mot de passe, ouvrez ce lien avant le "
        f"{datetime_fr(invitation.expires_dt)} (heure de Paris) :\n\n{link}\n\n"
        "Ce lien ne fonctionne qu'une seule fois. Votre identifiant est votre adresse "
        f"électronique : {user.email}.\n"
        "Si vous n'attendiez pas ce message, ignorez-le et prévenez le service RH.\n"
    )


def send_invitation(user: User, invitation: Invitation, token: str) -> bool:
    """E-mail the one-time link to the account holder; True when handed to the mail server."""
    from flask import url_for

    from hrtele.mail import send_mail

    link = url_for("auth.invitation", token=token, _external=True)
    return send_mail(user.email, "Votre accès au télétravail : choisissez votre mot de passe",
                     invitation_mail_body(user, invitation, link))


def employee_account(employee_id: int) -> User | None:
    """The account linked to an employee, or None."""
    return db.session.scalar(select(User).where(User.employee_id == employee_id))


def employee_space_status(employee_id: int) -> str:
    """'none', 'invited' (link pending), 'waiting' (no valid link), 'active' or 'disabled'."""
    user = employee_account(employee_id)
    if user is None:
        return "none"
    if not user.is_active_account:
        return "disabled"
    if user.password_hash is not None:
        return "active"
    return "invited" if pending_invitation(user.id) is not None else "waiting"


def has_issued_amendment(employee_id: int) -> bool:
    """True when an amendment was issued for the employee (their space then has a document)."""
    from hrtele.models import IssuedDocument

    return db.session.scalar(
        select(IssuedDocument.id)
        .where(IssuedDocument.employee_id == employee_id, IssuedDocument.kind == "amendment")
        .limit(1)
    ) is not None


def invite_employee(employee: Employee, actor: User | None) -> tuple[User, Invitation]:
    """Invite an employee into their space: the one-time link is e-mailed, never shown.

    The account (created when missing) uses the address of the employee's record; only the
    employee, who reads that mailbox, can choose the password. An account whose password is
    already chosen is refused: resetting it is an admin action, and it is e-mailed too.
    Raises BusinessRuleError (nothing saved) when no e-mail can be sent.
    """
    from hrtele.mail import mail_enabled

    if not mail_enabled():
        raise BusinessRuleError(NO_MAIL)
    if not (employee.email or "").strip():
        raise BusinessRuleError(
            "La fiche du salarié n'indique pas d'adresse électronique : complétez-la avant "
            "de l'inviter."
        )
    email = normalise_email(employee.email)
    user = employee_account(employee.id)
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
                "peut lui envoyer un lien de réinitialisation (par courriel)."
            )
        if email != user.email:
            other = find_user_by_email(email)
            if other is not None and other.id != user.id:
                raise BusinessRuleError(f"Un compte existe déjà pour {email}.")
            record("update", "users", user.id, actor, {"email": [user.email, email]})
            user.email = email
    invitation, token = create_invitation(user, actor)
    if not send_invitation(user, invitation, token):
        raise BusinessRuleError(MAIL_FAILED)
    return user, invitation
