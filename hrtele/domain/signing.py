"""Electronic signature circuit: who signs a document, in which order, and when it is complete.

Pure domain code (stdlib only). The circuit of a document is the ordered tuple of the roles
that must sign it; the services store one evidence row per signature and ask these functions
which role is expected next. Signing orders and signable kinds are policy data, decided here
once for the web pages, the services, the e-mails and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EMPLOYEE = "employee"
EMPLOYER = "employer"
ROLES: tuple[str, ...] = (EMPLOYEE, EMPLOYER)

ROLE_LABELS: dict[str, str] = {EMPLOYEE: "le salarié", EMPLOYER: "l'employeur"}
#: Title printed above each visible signature block.
ROLE_TITLES: dict[str, str] = {EMPLOYEE: "Le salarié", EMPLOYER: "Pour l'employeur"}

EMPLOYEE_FIRST = "employee_first"
EMPLOYER_FIRST = "employer_first"
ORDERS: tuple[str, ...] = (EMPLOYEE_FIRST, EMPLOYER_FIRST)
ORDER_LABELS: dict[str, str] = {
    EMPLOYEE_FIRST: "le salarié signe en premier, puis l'employeur",
    EMPLOYER_FIRST: "l'employeur signe en premier, puis le salarié",
}
DEFAULT_ORDER = EMPLOYEE_FIRST

AMENDMENT = "amendment"
NOTICE = "reversibility_notice"
#: Document kinds that can go through the electronic signature circuit.
SIGNABLE_KINDS: tuple[str, ...] = (AMENDMENT, NOTICE)

#: How a signer proved who they are just before signing.
AUTH_PASSWORD = "password"
AUTH_LABELS: dict[str, str] = {AUTH_PASSWORD: "mot de passe ressaisi au moment de signer"}

_LRAR = "LRAR"


class SigningRefused(Exception):
    """The circuit cannot start or the signature cannot be taken; ``message`` is French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NoticeFacts:
    """What the end-of-telework notice says about who sends it and how it is acknowledged."""

    initiative: str  # 'employee' or 'employer': the issuer of the notice
    method: str  # 'LRAR' or hand delivery against discharge
    requires_countersignature: bool


def signing_steps(kind: str, order: str, notice: NoticeFacts | None = None) -> tuple[str, ...]:
    """Ordered roles that must sign a document of ``kind``; raises SigningRefused if none.

    The amendment is signed by both parties in the employer's configured order. A notice is
    signed first by the party that sends it, then by the recipient when the recipient must
    countersign (agreed end) or acknowledge receipt (hand delivery against discharge); a
    notice sent by registered letter (LRAR) has no acknowledgement to collect in the app.
    """
    if kind == AMENDMENT:
        if order not in ORDERS:
            raise ValueError(f"Ordre de signature inconnu : {order!r}")
        return (EMPLOYEE, EMPLOYER) if order == EMPLOYEE_FIRST else (EMPLOYER, EMPLOYEE)
    if kind == NOTICE:
        if notice is None:
            raise ValueError("Les modalités de la notification sont nécessaires.")
        if notice.initiative not in ROLES:
            raise ValueError(f"Initiative inconnue : {notice.initiative!r}")
        issuer = notice.initiative
        recipient = EMPLOYER if issuer == EMPLOYEE else EMPLOYEE
        if notice.requires_countersignature or notice.method != _LRAR:
            return (issuer, recipient)
        if issuer == EMPLOYER:
            raise SigningRefused(
                "Cette notification est envoyée par lettre recommandée avec demande d'avis de "
                "réception : l'avis de réception tient lieu d'accusé de réception, il n'y a "
                "pas de signature du salarié à recueillir dans l'application."
            )
        return (issuer,)
    raise SigningRefused(
        "Seuls l'avenant et la notification de fin de télétravail se signent dans "
        "l'application."
    )


def next_role(steps: tuple[str, ...], signed: Iterable[str]) -> str | None:
    """Role expected to sign next, or None when every step is signed."""
    done = list(signed)
    if done != list(steps[: len(done)]):
        raise ValueError(f"Signatures hors de l'ordre prévu : {done!r} pour {steps!r}")
    return steps[len(done)] if len(done) < len(steps) else None


def is_complete(steps: tuple[str, ...], signed: Iterable[str]) -> bool:
    """True when every role of the circuit has signed."""
    return next_role(steps, signed) is None


def check_turn(steps: tuple[str, ...], signed: Iterable[str], role: str) -> None:
    """Raise SigningRefused (French) unless ``role`` is the one expected to sign now."""
    done = list(signed)
    expected = next_role(steps, done)
    if expected == role:
        return
    if role in done:
        raise SigningRefused(f"Ce document est déjà signé par {ROLE_LABELS[role]}.")
    if role not in steps:
        raise SigningRefused(f"Ce document n'a pas à être signé par {ROLE_LABELS[role]}.")
    if expected is None:
        raise SigningRefused("Toutes les signatures de ce document sont déjà recueillies.")
    raise SigningRefused(
        f"Ce n'est pas encore votre tour : ce document doit d'abord être signé par "
        f"{ROLE_LABELS[expected]}."
    )


def signature_reason(
    kind: str, role: str, steps: tuple[str, ...], notice: NoticeFacts | None = None
) -> str:
    """French /Reason of a signature: what the signer agrees to, by their role in the circuit."""
    if kind == AMENDMENT:
        return (
            "Signature de l'avenant au contrat de travail relatif au télétravail par "
            f"{ROLE_LABELS[role]}"
        )
    if role == steps[0]:
        return f"Notification de fin de télétravail signée par {ROLE_LABELS[role]} (émetteur)"
    if notice is not None and notice.requires_countersignature:
        return (
            f"Notification de fin de télétravail : « bon pour accord » de {ROLE_LABELS[role]} "
            "(destinataire)"
        )
    return (
        f"Notification de fin de télétravail : reçue en main propre par {ROLE_LABELS[role]} "
        "(destinataire)"
    )
