"""The route side of a save: run the service, commit once, or roll back and show the refusal.

Usage (the route still owns the single commit of the request, through this helper)::

    if form.validate_on_submit():
        saved = save_form(form, lambda: services.create_thing(data, current_actor()),
                          success=lambda thing: f"« {thing.name} » créé.")
        if saved:
            return redirect(url_for("things.show", thing_id=saved.value.id))
    return render_template(...), 422 if request.method == "POST" else 200
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import flash

from hrtele.domain.terms import Violation
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.web.forms import show_violations

T = TypeVar("T")

ViolationsHandler = Callable[[Any, Sequence[Violation]], None]


@dataclass(frozen=True)
class Saved(Generic[T]):
    """A committed save; ``value`` is what the operation returned (always truthy)."""

    value: T


def save_form(
    form: Any,
    operation: Callable[[], T],
    *,
    success: str | Callable[[T], str] | None = None,
    on_violations: ViolationsHandler = show_violations,
) -> Saved[T] | None:
    """Run ``operation`` and commit; on a refused rule roll back, explain it on ``form``, return None.

    RuleViolations go to ``on_violations(form, violations)`` (beside the fields by default);
    any other BusinessRuleError becomes a form-level error. On success, ``success`` (a French
    message, or a function of the operation's result giving one) is flashed.
    """
    try:
        value = operation()
        db.session.commit()
    except RuleViolations as exc:
        db.session.rollback()
        on_violations(form, exc.violations)
        return None
    except BusinessRuleError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return None
    if success is not None:
        flash(success(value) if callable(success) else success, "success")
    return Saved(value)
