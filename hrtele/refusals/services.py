"""Catalogue of refusal reasons: list, add, rename, deactivate; shared by web and CLI."""

from __future__ import annotations

from sqlalchemy import func, select

from hrtele.audit.service import record_change
from hrtele.domain import refusals as rules
from hrtele.domain_adapters import input_error
from hrtele.editing import BusinessRuleError, check_version
from hrtele.extensions import db
from hrtele.models import RefusalReason, TeleworkRequest, User

_LABEL = "Ce motif de refus"


def list_reasons(active_only: bool = False) -> list[RefusalReason]:
    """Catalogue in display order (active reasons only for the refusal form)."""
    stmt = select(RefusalReason).order_by(RefusalReason.position, RefusalReason.id)
    if active_only:
        stmt = stmt.where(RefusalReason.is_active.is_(True))
    return list(db.session.scalars(stmt))


def usage_counts() -> dict[int, int]:
    """Number of requests refused with each reason (id -> count)."""
    rows = db.session.execute(
        select(TeleworkRequest.refusal_reason_id, func.count(TeleworkRequest.id))
        .where(TeleworkRequest.refusal_reason_id.is_not(None))
        .group_by(TeleworkRequest.refusal_reason_id)
    )
    return {int(reason_id): int(n) for reason_id, n in rows}


def reason_choices(include_id: int | None = None) -> list[tuple[int, str]]:
    """(id, label) of the active reasons, plus ``include_id`` if it was deactivated since."""
    reasons = [r for r in list_reasons() if r.is_active or r.id == include_id]
    return [(r.id, r.label) for r in reasons]


def reason_code(reason_id: int | None) -> str | None:
    """Code of a catalogue reason (None for reasons HR added or an unknown id)."""
    if not reason_id:
        return None
    return db.session.scalar(select(RefusalReason.code).where(RefusalReason.id == reason_id))


def other_reason() -> RefusalReason | None:
    """The seeded « autre motif » reason."""
    return db.session.scalar(select(RefusalReason).where(RefusalReason.code == rules.OTHER))


def active_reason(reason_id: int | None, keep_id: int | None = None) -> RefusalReason | None:
    """The catalogue reason to record: ``reason_id`` (active, or ``keep_id``), default « autre ».

    An unknown or deactivated reason is a French input error on the form's select.
    """
    if not reason_id:
        return other_reason()
    reason = db.session.get(RefusalReason, reason_id)
    if reason is None or not (reason.is_active or reason.id == keep_id):
        raise input_error("reason_id", "Choisissez un motif proposé dans la liste.")
    return reason


def _other_labels(reason: RefusalReason | None) -> set[str]:
    stmt = select(RefusalReason.label)
    if reason is not None and reason.id is not None:
        stmt = stmt.where(RefusalReason.id != reason.id)
    return set(db.session.scalars(stmt))


def _clean_label(label: str, reason: RefusalReason | None) -> str:
    label = " ".join((label or "").split())
    error = rules.check_label(label, _other_labels(reason))
    if error:
        raise input_error("label", error)
    return label


def create_reason(label: str, actor: User | None) -> RefusalReason:
    """Add a reason at the end of the catalogue (active)."""
    label = _clean_label(label, None)
    last = db.session.scalar(select(func.max(RefusalReason.position))) or 0
    reason = RefusalReason(label=label, is_active=True, position=int(last) + 10)
    db.session.add(reason)
    record_change(reason, actor)
    return reason


def rename_reason(reason: RefusalReason, label: str, expected_version: int | None,
                  actor: User | None) -> RefusalReason:
    """Rename a reason; refusal letters already issued keep the label they printed."""
    check_version(reason, expected_version, _LABEL)
    reason.label = _clean_label(label, reason)
    record_change(reason, actor)
    return reason


def set_active(reason: RefusalReason, active: bool, expected_version: int | None,
               actor: User | None) -> RefusalReason:
    """Deactivate (no longer offered) or reactivate a reason; the last active one stays."""
    check_version(reason, expected_version, _LABEL)
    if not active and reason.is_active:
        others = db.session.scalar(
            select(func.count(RefusalReason.id)).where(
                RefusalReason.is_active.is_(True), RefusalReason.id != reason.id)
        )
        if not others:
            raise BusinessRuleError(
                "Au moins un motif doit rester proposé dans le formulaire de refus.")
    reason.is_active = active
    record_change(reason, actor)
    return reason


def delete_reason(reason: RefusalReason, expected_version: int | None,
                  actor: User | None) -> None:
    """Delete a reason no request uses (a used one can only be deactivated)."""
    check_version(reason, expected_version, _LABEL)
    if reason.code == rules.OTHER:
        raise BusinessRuleError("Le motif « autre » ne peut pas être supprimé.")
    if usage_counts().get(reason.id):
        raise BusinessRuleError(
            "Ce motif a déjà servi à motiver un refus : désactivez-le plutôt que de le "
            "supprimer.")
    record_change(reason, actor, action="delete")
    db.session.delete(reason)
    db.session.flush()
