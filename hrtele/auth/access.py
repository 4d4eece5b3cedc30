"""Who may see what: role gates for blueprints and object lookups that answer 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

from hrtele.extensions import db
from hrtele.models import Employee, User

T = TypeVar("T")
MAX_ID = 2**31 - 1  # largest INTEGER primary key on PostgreSQL


def current_actor() -> User | None:
    """The logged-in user, or None."""
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()  # type: ignore[attr-defined]
    return None


def _login_redirect():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def require_login():
    """before_request hook: anonymous visitors go to the log-in page."""
    if current_actor() is None:
        return _login_redirect()
    return None


def require_hr():
    """before_request hook for HR areas: anonymous -> log-in, employee -> 403."""
    actor = current_actor()
    if actor is None:
        return _login_redirect()
    if not actor.is_hr:
        _audit_denied(actor)
        abort(403)
    return None


def require_admin():
    """before_request hook for admin areas."""
    actor = current_actor()
    if actor is None:
        return _login_redirect()
    if not actor.is_admin:
        _audit_denied(actor)
        abort(403)
    return None


def require_employee():
    """before_request hook for the employee's own space (needs a linked employee record)."""
    actor = current_actor()
    if actor is None:
        return _login_redirect()
    if actor.employee_id is None:
        _audit_denied(actor)
        abort(403)
    return None


def guard(hook: Callable[[], object]) -> Callable:
    """Decorator running a role hook (require_login, require_hr ...) before one view."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            response = hook()
            if response is not None:
                return response
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _audit_denied(actor: User | None, object_type: str = "route", object_id: int | None = None):
    """Record one refused access in its own transaction (the request fails right after)."""
    from hrtele.audit.service import record_apart

    record_apart("access_denied", object_type, object_id, actor,
                 {"path": request.path[:500], "method": request.method})


def can_see_employee(actor: User | None, employee_id: int | None) -> bool:
    """HR sees every employee; an employee only themself."""
    if actor is None:
        return False
    if actor.is_hr:
        return True
    return employee_id is not None and actor.employee_id == employee_id


def get_visible_or_404(model: type[T], object_id: int, actor: User | None,
                       owner: Callable[[T], int | None] | None = None) -> T:
    """Load model by id, answering 404 when missing or not visible to actor."""
    if not isinstance(object_id, int) or not 0 < object_id <= MAX_ID:
        abort(404)
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    if owner is None:
        owner = (lambda o: o.id) if model is Employee else (lambda o: getattr(o, "employee_id", None))
    if not can_see_employee(actor, owner(obj)):
        _audit_denied(actor, getattr(model, "__tablename__", "object"), object_id)
        abort(404)
    return obj
