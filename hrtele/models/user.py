"""Accounts, server-side sessions and invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrtele.models.base import Base, TimestampMixin, VersionedMixin, utcnow
from hrtele.models.employee import Employee

ROLES = ("admin", "hr", "employee")


class User(Base, TimestampMixin, VersionedMixin):
    """A person who logs in: HR staff, an admin, or an employee."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'hr', 'employee')", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id"), nullable=True, unique=True
    )
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    password_changed_dt: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    # HR account allowed to sign documents for the employer (electronic signature circuit).
    can_sign_for_employer: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    employee: Mapped[Employee | None] = relationship()

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_hr(self) -> bool:
        """HR staff and admins see every employee of the employer."""
        return self.role in ("hr", "admin")

    @property
    def is_admin(self) -> bool:
        """Admins also manage users and the policy."""
        return self.role == "admin"


class UserSession(Base):
    """Server-side session record: deleting it ends the session for real."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()


class Invitation(Base):
    """One-time, expiring link to set a password."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
