"""Account operations shared by the admin screens and the CLI."""

from __future__ import annotations

from sqlalchemy import func, select

from hrtele.audit.service import record
from hrtele.auth.passwords import hash_password, password_problems
from hrtele.auth.sessions import revoke_all_sessions
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import Employee, User
from hrtele.models.base import utcnow
from hrtele.models.user import ROLES


def create_user(email: str, role: str, password: str | None, actor: User | None,
                display_name: str = "", employee_id: int | None = None) -> User:
    """Create an account; password None means it is set later through an invitation."""
    email = email.strip().lower()
    if role not in ROLES:
        raise BusinessRuleError(f"Rôle inconnu : {role}.")
    if not email or "@" not in email or len(email) > 254:
        raise BusinessRuleError("Adresse électronique invalide.")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise BusinessRuleError(f"Un compte existe déjà pour {email}.")
    if role == "employee":
        if employee_id is None or db.session.get(Employee, employee_id) is None:
            raise BusinessRuleError("Un compte salarié doit être rattaché à un salarié existant.")
        if db.session.scalar(select(User.id).where(User.employee_id == employee_id)):
            raise BusinessRuleError("Ce salarié a déjà un compte.")
    user = User(email=email, role=role, display_name=display_name.strip()[:200],
                employee_id=employee_id if role == "employee" else None)
    if password is not None:
        problems = password_problems(password, email=email)
        if problems:
            raise BusinessRuleError(" ".join(problems))
        user.password_hash = hash_password(password)
        user.password_changed_dt = utcnow()
    db.session.add(user)
    db.session.flush()
    record("create", "users", user.id, actor, {"email": email, "role": role})
    return user


def set_password(user: User, password: str, actor: User | None) -> None:
    """Change a password and end every open session of that account."""
    problems = password_problems(password, email=user.email)
    if problems:
        raise BusinessRuleError(" ".join(problems))
    user.password_hash = hash_password(password)
    user.password_changed_dt = utcnow()
    revoke_all_sessions(user.id)
    record("update", "users", user.id, actor, {"password": "modifié"})


def set_active(user: User, active: bool, actor: User | None) -> None:
    """Activate or deactivate an account; deactivation ends its sessions."""
    user.is_active_account = active
    if not active:
        revoke_all_sessions(user.id)
    record("update", "users", user.id, actor, {"is_active_account": active})
