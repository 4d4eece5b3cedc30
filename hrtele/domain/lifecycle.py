"""Lifecycle state machines for telework agreements and telework requests.

Pure domain code: stdlib only, no I/O. Three kinds of records share one flat state space
(state names never clash between kinds, except the shared terminal state ``ended``):

- ``standard`` agreement (avenant, C. trav. L1222-9 2012 / ANI 19 July 2005): starts as ``draft``;
- ``exceptional`` arrangement: telework imposed by the employer under L1222-11 (threat of
  epidemic, force majeure). It is not an avenant: it is created directly in state ``imposed``
  by the ``start_imposed`` event (from no state at all, written ``None``) and closed by
  ``complete_end``;
- ``request``: an employee's telework request (volontariat), starts as ``pending``.

The machine only knows states, events and the facts its guards need (``TransitionContext``).
Date arithmetic (notice, adaptation end, interviews) lives in ``hrtele.domain.dates``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .notice import unilateral_end_allowed

# --- States -------------------------------------------------------------------------------

DRAFT = "draft"
ISSUED = "issued"
SIGNED = "signed"
ADAPTATION = "adaptation"
ACTIVE = "active"
SUSPENDED = "suspended"
ENDING = "ending"
ENDED = "ended"
CANCELLED = "cancelled"
IMPOSED = "imposed"

PENDING = "pending"
ACCEPTED = "accepted"
REFUSED = "refused"
WITHDRAWN = "withdrawn"

AGREEMENT_STATES: tuple[str, ...] = (
    DRAFT,
    ISSUED,
    SIGNED,
    ADAPTATION,
    ACTIVE,
    SUSPENDED,
    ENDING,
    ENDED,
    CANCELLED,
)
EXCEPTIONAL_STATES: tuple[str, ...] = (IMPOSED, ENDED)
REQUEST_STATES: tuple[str, ...] = (PENDING, ACCEPTED, REFUSED, WITHDRAWN)
STATES: tuple[str, ...] = (*AGREEMENT_STATES, IMPOSED, *REQUEST_STATES)



# Record kinds and the state each one starts in.
KIND_STANDARD = "standard"
KIND_EXCEPTIONAL = "exceptional"
KIND_REQUEST = "request"
INITIAL_STATES: dict[str, str] = {
    KIND_STANDARD: DRAFT,
    KIND_EXCEPTIONAL: IMPOSED,
    KIND_REQUEST: PENDING,
}

STATE_LABELS: dict[str, str] = {
    DRAFT: "accord rédigé",
    ISSUED: "avenant émis",
    SIGNED: "signé par les deux parties",
    ADAPTATION: "actif — période d'adaptation",
    ACTIVE: "actif",
    SUSPENDED: "suspendu — circonstances exceptionnelles",
    ENDING: "fin notifiée, préavis en cours",
    ENDED: "terminé",
    CANCELLED: "abandonné avant signature",
    IMPOSED: "télétravail imposé — circonstances exceptionnelles",
    PENDING: "en attente",
    ACCEPTED: "acceptée",
    REFUSED: "refusée",
    WITHDRAWN: "retirée",
}

# --- Events -------------------------------------------------------------------------------

ISSUE = "issue"
REISSUE = "reissue"
SIGN = "sign"
ACTIVATE = "activate"
END_ADAPTATION = "end_adaptation"
NOTIFY_END = "notify_end"
COMPLETE_END = "complete_end"
SUSPEND = "suspend"
RESUME = "resume"
AMEND = "amend"
RENEW = "renew"
CANCEL = "cancel"
START_IMPOSED = "start_imposed"
ACCEPT = "accept"
REFUSE = "refuse"
WITHDRAW = "withdraw"

AGREEMENT_EVENTS: tuple[str, ...] = (
    ISSUE,
    REISSUE,
    SIGN,
    ACTIVATE,
    END_ADAPTATION,
    NOTIFY_END,
    COMPLETE_END,
    SUSPEND,
    RESUME,
    AMEND,
    RENEW,
    CANCEL,
    START_IMPOSED,
)
REQUEST_EVENTS: tuple[str, ...] = (ACCEPT, REFUSE, WITHDRAW)
EVENTS: tuple[str, ...] = (*AGREEMENT_EVENTS, *REQUEST_EVENTS)

# Labels for buttons and the audit trail.
EVENT_LABELS: dict[str, str] = {
    ISSUE: "Émettre l'avenant",
    REISSUE: "Émettre une nouvelle version de l'avenant",
    SIGN: "Enregistrer les signatures",
    ACTIVATE: "Démarrer le télétravail",
    END_ADAPTATION: "Clore la période d'adaptation",
    NOTIFY_END: "Notifier la fin du télétravail",
    COMPLETE_END: "Constater la fin du télétravail",
    SUSPEND: "Suspendre (circonstances exceptionnelles)",
    RESUME: "Reprendre le télétravail",
    AMEND: "Émettre un avenant modificatif",
    RENEW: "Renouveler l'accord",
    CANCEL: "Abandonner l'accord",
    START_IMPOSED: "Imposer le télétravail (circonstances exceptionnelles, L1222-11)",
    ACCEPT: "Accepter la demande",
    REFUSE: "Refuser la demande",
    WITHDRAW: "Retirer la demande",
}

# --- Transition table (data) --------------------------------------------------------------
# (source state, event) -> possible target states. ``None`` as a source means "no record yet".
# When several targets are listed, the context decides (see _RESOLVERS).
TRANSITIONS: dict[tuple[str | None, str], tuple[str, ...]] = {
    (DRAFT, ISSUE): (ISSUED,),
    (DRAFT, CANCEL): (CANCELLED,),
    (ISSUED, REISSUE): (ISSUED,),
    (ISSUED, SIGN): (SIGNED,),
    (ISSUED, CANCEL): (CANCELLED,),
    (SIGNED, ACTIVATE): (ADAPTATION, ACTIVE),
    (ADAPTATION, END_ADAPTATION): (ACTIVE,),
    (ADAPTATION, NOTIFY_END): (ENDING,),
    (ADAPTATION, SUSPEND): (SUSPENDED,),
    (ADAPTATION, AMEND): (ADAPTATION,),
    (ACTIVE, NOTIFY_END): (ENDING,),
    (ACTIVE, SUSPEND): (SUSPENDED,),
    (ACTIVE, AMEND): (ACTIVE,),
    (ACTIVE, RENEW): (ACTIVE,),
    (SUSPENDED, NOTIFY_END): (ENDING,),
    (SUSPENDED, RESUME): (ACTIVE, ADAPTATION),
    (ENDING, COMPLETE_END): (ENDED,),
    (ENDING, RENEW): (ACTIVE,),
    (None, START_IMPOSED): (IMPOSED,),
    (IMPOSED, COMPLETE_END): (ENDED,),
    (PENDING, ACCEPT): (ACCEPTED,),
    (PENDING, REFUSE): (REFUSED,),
    (PENDING, WITHDRAW): (WITHDRAWN,),
}


# --- Agreement state groups (the registry every screen, job and query asks) ---------------

#: Every state an agreement row may hold, standard and exceptional (the DB constraint's list).
ALL_AGREEMENT_STATES: tuple[str, ...] = (*AGREEMENT_STATES, IMPOSED)
#: Closed for good: nothing more happens to the agreement.
CLOSED_STATES: frozenset[str] = frozenset({ENDED, CANCELLED})
#: In force or in preparation (everything not closed): one live agreement per employee at a time.
LIVE_STATES: frozenset[str] = frozenset(ALL_AGREEMENT_STATES) - CLOSED_STATES
#: The employee teleworks under the agreement today (a suspension stops telework).
TELEWORKING_STATES: frozenset[str] = frozenset({ADAPTATION, ACTIVE, ENDING, IMPOSED})
#: Regular telework under an amendment running today (the observatory's « en télétravail »).
REGULAR_TELEWORKING_STATES: frozenset[str] = frozenset({ADAPTATION, ACTIVE, ENDING})
#: Telework has started at some point (allowances and follow-up count these).
STARTED_STATES: frozenset[str] = frozenset({ADAPTATION, ACTIVE, SUSPENDED, ENDING, ENDED})
#: The agreement form may still be edited directly (before signature).
EDITABLE_STATES: frozenset[str] = frozenset({DRAFT, ISSUED})
#: An « avenant modificatif » may be made (event 'amend').
AMENDABLE_STATES: frozenset[str] = frozenset(
    state for (state, event) in TRANSITIONS if event == AMEND and state is not None
)
#: Running under an amendment (adaptation, active or suspended): amendable, renewable terms.
AMENDMENT_RUNNING_STATES: frozenset[str] = frozenset({ADAPTATION, ACTIVE, SUSPENDED})
#: The end of telework may be notified (event 'notify_end').
ENDABLE_STATES: frozenset[str] = frozenset(
    state for (state, event) in TRANSITIONS if event == NOTIFY_END and state is not None
)
#: The annual interview (L1222-10 4°, 2012) is due in these states.
INTERVIEW_STATES: frozenset[str] = frozenset({ADAPTATION, ACTIVE, SUSPENDED, ENDING})
#: Attestations (insurance, electrical conformity) are followed in these states.
ATTESTATION_STATES: frozenset[str] = frozenset({ISSUED, SIGNED, ADAPTATION, ACTIVE, SUSPENDED})
#: Priority return to a post on site (L1222-10 3°, 2012) is followed in these states.
PRIORITY_STATES: frozenset[str] = frozenset({ENDING, ENDED})

#: Badge tone of each agreement state on screens ("ok" running, "warn" needs attention ...).
STATE_TONES: dict[str, str] = {
    DRAFT: "neutral",
    ISSUED: "info",
    SIGNED: "info",
    ADAPTATION: "ok",
    ACTIVE: "ok",
    IMPOSED: "ok",
    SUSPENDED: "warn",
    ENDING: "warn",
    ENDED: "closed",
    CANCELLED: "closed",
    PENDING: "warn",
    ACCEPTED: "ok",
    REFUSED: "closed",
    WITHDRAWN: "closed",
}


def state_tone(state: str) -> str:
    """Badge tone of a state ("neutral" when unknown)."""
    return STATE_TONES.get(state, "neutral")


# --- Context and errors -------------------------------------------------------------------


@dataclass(frozen=True)
class TransitionContext:
    """Facts the guards need; every field defaults to "not provided"."""

    has_adaptation_period: bool = False  # activate: adaptation vs active
    employee_signed_on: date | None = None  # sign
    employer_signed_on: date | None = None  # sign
    # activate: False when the employer's policy requires a home-insurance attestation and it
    # has not been received. Fail-closed: the caller sets True when nothing is missing.
    insurance_ok: bool = False
    reason: str = ""  # refuse, suspend, start_imposed
    start_date: date | None = None  # suspend, start_imposed
    end_date: date | None = None  # suspend / start_imposed (planned end), renew (new term)
    previous_state: str | None = None  # resume; notify_end from suspended (phase)
    is_fixed_term: bool = False  # renew
    current_end_date: date | None = None  # renew: the term being extended
    mutual_agreement: bool = False  # notify_end: end agreed by both parties
    # notify_end: phase of the notification (hrtele.domain.notice.phase_on) and the amendment's
    # reversibility clause. Fail-closed defaults: unknown phase, end only by mutual agreement.
    notice_phase: str | None = None
    reversibility_clause: str = "mutual"


class TransitionRefused(Exception):
    """A transition that the rules forbid; ``message`` is French, for the user."""

    def __init__(self, message: str, *, field: str | None = None, basis: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.basis = basis


# --- Guards -------------------------------------------------------------------------------
# Each guard returns None when the transition may happen, else raises TransitionRefused.

# L1222-11 allows imposing telework; suspending an agreement rests on the avenant's clause.
_BASIS_SUSPENSION = "avenant, clause « circonstances exceptionnelles »"
_BASIS_ANI_3 = "ANI 19/07/2005 art. 3 ; Cass. soc. 12 févr. 2014, n° 12-23.051"
_BASIS_L1222_11 = "C. trav. L1222-11 (2012)"


def _has_text(value: str | None) -> bool:
    return bool(value and value.strip())


def _check_dates(ctx: TransitionContext, what: str, basis: str) -> None:
    if ctx.start_date is None:
        raise TransitionRefused(
            f"{what} : la date de début doit être renseignée.",
            field="start_date",
            basis=basis,
        )
    if ctx.end_date is not None and ctx.end_date < ctx.start_date:
        raise TransitionRefused(
            f"{what} : la date de fin prévue ne peut pas précéder la date de début.",
            field="end_date",
            basis=basis,
        )


def _guard_sign(state: str | None, ctx: TransitionContext) -> None:
    missing = []
    if ctx.employee_signed_on is None:
        missing.append("celle du salarié")
    if ctx.employer_signed_on is None:
        missing.append("celle de l'employeur")
    if missing:
        raise TransitionRefused(
            "Signature impossible : les deux dates de signature doivent être renseignées "
            f"(il manque {' et '.join(missing)}).",
            field="employee_signed_on" if ctx.employee_signed_on is None else "employer_signed_on",
        )


def _guard_activate(state: str | None, ctx: TransitionContext) -> None:
    if not ctx.insurance_ok:
        raise TransitionRefused(
            "Démarrage impossible : l'attestation d'assurance multirisque habitation "
            "exigée par la politique de l'employeur n'a pas été reçue.",
            field="insurance_attestation",
            basis="politique employeur",
        )


def _guard_suspend(state: str | None, ctx: TransitionContext) -> None:
    if not _has_text(ctx.reason):
        raise TransitionRefused(
            "Suspension impossible : le motif (circonstances exceptionnelles, menace "
            "d'épidémie, force majeure) doit être indiqué.",
            field="reason",
            basis=_BASIS_SUSPENSION,
        )
    _check_dates(ctx, "Suspension impossible", _BASIS_SUSPENSION)


def _guard_start_imposed(state: str | None, ctx: TransitionContext) -> None:
    if not _has_text(ctx.reason):
        raise TransitionRefused(
            "Télétravail imposé impossible : les circonstances exceptionnelles (menace "
            "d'épidémie, force majeure) doivent être indiquées.",
            field="reason",
            basis=_BASIS_L1222_11,
        )
    _check_dates(ctx, "Télétravail imposé impossible", _BASIS_L1222_11)


def _guard_refuse(state: str | None, ctx: TransitionContext) -> None:
    if not _has_text(ctx.reason):
        raise TransitionRefused(
            "Refus impossible : le motif du refus doit être indiqué.",
            field="reason",
        )


def _guard_renew(state: str | None, ctx: TransitionContext) -> None:
    if not ctx.is_fixed_term:
        raise TransitionRefused(
            "Renouvellement impossible : seul un accord à durée déterminée peut être renouvelé.",
            field="is_fixed_term",
        )
    if ctx.end_date is None:
        raise TransitionRefused(
            "Renouvellement impossible : la nouvelle date de fin doit être renseignée.",
            field="end_date",
        )
    if ctx.current_end_date is not None and ctx.end_date <= ctx.current_end_date:
        raise TransitionRefused(
            "Renouvellement impossible : la nouvelle date de fin doit être postérieure "
            "à la date de fin actuelle.",
            field="end_date",
        )


def _guard_notify_end(state: str | None, ctx: TransitionContext) -> None:
    # The rule lives in hrtele.domain.notice: during the adaptation period either party may end
    # telework unilaterally (ANI art. 2); afterwards only under a reversibility clause allowing
    # it, otherwise by agreement of both parties (ANI art. 3).
    if ctx.mutual_agreement:
        return
    if ctx.notice_phase is None or not unilateral_end_allowed(
        ctx.notice_phase, ctx.reversibility_clause
    ):
        raise TransitionRefused(
            "Fin du télétravail impossible par simple notification : après la période "
            "d'adaptation, la fin doit être convenue par accord entre les parties, sauf "
            "clause de réversibilité prévue à l'avenant.",
            field="mutual_agreement",
            basis=_BASIS_ANI_3,
        )


_GUARDS: dict[str, Callable[[str | None, TransitionContext], None]] = {
    SIGN: _guard_sign,
    ACTIVATE: _guard_activate,
    SUSPEND: _guard_suspend,
    START_IMPOSED: _guard_start_imposed,
    REFUSE: _guard_refuse,
    RENEW: _guard_renew,
    NOTIFY_END: _guard_notify_end,
}


# --- Target resolution for events with several possible targets ---------------------------


def _resolve_activate(state: str | None, ctx: TransitionContext) -> str:
    return ADAPTATION if ctx.has_adaptation_period else ACTIVE


def _resolve_resume(state: str | None, ctx: TransitionContext) -> str:
    if ctx.previous_state in (ACTIVE, ADAPTATION):
        return ctx.previous_state
    raise TransitionRefused(
        "Reprise impossible : l'état antérieur à la suspension (actif ou période "
        "d'adaptation) doit être indiqué.",
        field="previous_state",
    )


_RESOLVERS: dict[str, Callable[[str | None, TransitionContext], str]] = {
    ACTIVATE: _resolve_activate,
    RESUME: _resolve_resume,
}


# --- Refusal messages ---------------------------------------------------------------------

# Infinitive phrase per event; {obj} is "un accord" / "une demande", {de_obj} its "de" form.
_EVENT_PHRASES: dict[str, str] = {
    ISSUE: "émettre l'avenant {de_obj}",
    REISSUE: "émettre une nouvelle version de l'avenant {de_obj}",
    SIGN: "signer {obj}",
    ACTIVATE: "démarrer le télétravail {de_obj}",
    END_ADAPTATION: "clore la période d'adaptation {de_obj}",
    NOTIFY_END: "notifier la fin {de_obj}",
    COMPLETE_END: "constater la fin {de_obj}",
    SUSPEND: "suspendre {obj}",
    RESUME: "reprendre {obj}",
    AMEND: "modifier {obj}",
    RENEW: "renouveler {obj}",
    CANCEL: "abandonner {obj}",
    ACCEPT: "accepter {obj}",
    REFUSE: "refuser {obj}",
    WITHDRAW: "retirer {obj}",
}

# Specific explanations for the most likely mistakes; other refusals list what is possible.
_HINTS: dict[tuple[str | None, str], str] = {
    (DRAFT, SIGN): "l'avenant doit d'abord être émis",
    (DRAFT, ACTIVATE): "l'avenant doit d'abord être émis puis signé par les deux parties",
    (ISSUED, ACTIVATE): "l'avenant doit d'abord être signé par les deux parties",
    (DRAFT, REISSUE): "l'avenant n'a pas encore été émis une première fois",
    (SIGNED, CANCEL): "un avenant signé ne peut plus être abandonné",
    (SIGNED, AMEND): "le télétravail doit d'abord démarrer",
    (ACTIVE, END_ADAPTATION): "la période d'adaptation est déjà close",
    (ENDING, NOTIFY_END): "la fin du télétravail est déjà notifiée",
    (SUSPENDED, SUSPEND): "le télétravail est déjà suspendu",
    (ACTIVE, RESUME): "le télétravail n'est pas suspendu",
    (ADAPTATION, RESUME): "le télétravail n'est pas suspendu",
    (IMPOSED, NOTIFY_END): "un télétravail imposé prend fin en constatant la fin "
    "des circonstances exceptionnelles",
}


def _object_phrases(state: str | None, event: str) -> tuple[str, str]:
    """Return ("un accord", "d'un accord") or the request / exceptional equivalent."""
    if state in REQUEST_STATES or (state is None and event in REQUEST_EVENTS):
        return "une demande", "d'une demande"
    if state == IMPOSED:
        return "un accord exceptionnel", "d'un accord exceptionnel"
    return "un accord", "d'un accord"


def _impossible_de(phrase: str) -> str:
    # French elision: "de émettre" -> "d'émettre".
    if phrase[:1].lower() in "aeéèêiou":
        return f"Impossible d'{phrase}"
    return f"Impossible de {phrase}"


def _refusal_message(state: str | None, event: str) -> str:
    obj, de_obj = _object_phrases(state, event)
    action = _impossible_de(EVENT_LABELS[event][:1].lower() + EVENT_LABELS[event][1:])
    if state is None:
        if event in REQUEST_EVENTS:
            return f"{action} : aucune demande n'existe."
        return f"{action} : aucun accord n'existe encore ; il faut d'abord rédiger l'accord."
    label = STATE_LABELS[state]
    if event == START_IMPOSED:
        return (
            f"Impossible d'imposer le télétravail à partir {de_obj} à l'état « {label} » : "
            "le télétravail imposé (L1222-11) se crée comme un nouvel accord exceptionnel."
        )
    if event in REQUEST_EVENTS and state not in REQUEST_STATES:
        return (
            f"{action} : cette action concerne une demande de télétravail, "
            f"pas {obj} (état « {label} »)."
        )
    if event not in REQUEST_EVENTS and state in REQUEST_STATES:
        return (
            f"{action} : cette action concerne un accord de télétravail, "
            f"pas une demande (état « {label} »)."
        )
    head = _impossible_de(_EVENT_PHRASES[event].format(obj=obj, de_obj=de_obj))
    head += f" à l'état « {label} »"
    hint = _HINTS.get((state, event))
    if hint is not None:
        return f"{head} : {hint}."
    possible = [EVENT_LABELS[e][:1].lower() + EVENT_LABELS[e][1:] for e in allowed_events(state)]
    if possible:
        return f"{head}. Actions possibles : {', '.join(possible)}."
    return f"{head} : cet état est définitif, aucune action n'est possible."


# --- Public API ---------------------------------------------------------------------------


def allowed_events(state: str | None) -> list[str]:
    """Events the table allows from ``state`` (guards not evaluated), in EVENTS order."""
    _check_known_state(state)
    return [event for event in EVENTS if (state, event) in TRANSITIONS]


def next_state(state: str | None, event: str, context: TransitionContext | None = None) -> str:
    """State reached by applying ``event`` to ``state``; raises TransitionRefused if forbidden."""
    _check_known_state(state)
    if event not in EVENTS:
        raise ValueError(f"Action inconnue : {event!r}")
    targets = TRANSITIONS.get((state, event))
    if targets is None:
        raise TransitionRefused(_refusal_message(state, event))
    ctx = context if context is not None else TransitionContext()
    guard = _GUARDS.get(event)
    if guard is not None:
        guard(state, ctx)
    resolver = _RESOLVERS.get(event)
    target = resolver(state, ctx) if resolver is not None else targets[0]
    if target not in targets:  # the table is the source of truth; resolvers must agree
        raise AssertionError(f"resolver for {event!r} returned {target!r} not in {targets!r}")
    return target


def initial_state(kind: str) -> str:
    """State a new record of ``kind`` ('standard', 'exceptional', 'request') starts in."""
    try:
        return INITIAL_STATES[kind]
    except KeyError:
        raise ValueError(f"Type d'accord inconnu : {kind!r}") from None


def _check_known_state(state: str | None) -> None:
    if state is not None and state not in STATE_LABELS:
        raise ValueError(f"État inconnu : {state!r}")
