"""Helpers shared by services: optimistic locking and field assignment."""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import Conflict


class ConcurrentEditError(Conflict):
    """Someone else saved the record after the user loaded it (HTTP 409)."""

    french = True

    def __init__(self, label: str = "Cet enregistrement"):
        super().__init__(
            description=(
                f"{label} a été modifié par quelqu'un d'autre depuis que vous avez ouvert le "
                "formulaire. Rechargez la page pour voir la version actuelle ; vos changements "
                "n'ont pas été enregistrés."
            )
        )


class BusinessRuleError(ValueError):
    """A rule refused the operation; the message is French and shown as is."""


def check_version(obj: Any, expected: int | None, label: str = "Cet enregistrement") -> None:
    """Raise ConcurrentEditError unless the form carried the version currently stored."""
    if expected is None or obj.version != expected:
        raise ConcurrentEditError(label)


def assign(obj: Any, data: dict[str, Any]) -> None:
    """Set attributes from a dict of already-validated values."""
    for key, value in data.items():
        setattr(obj, key, value)
