"""Tests for the agreement / request / exceptional-telework state machine."""

from __future__ import annotations

import ast
import dataclasses
import itertools
import sys
from datetime import date
from pathlib import Path

import pytest

from hrtele.domain import lifecycle as lc
from hrtele.domain.lifecycle import (
    EVENT_LABELS,
    EVENTS,
    STATE_LABELS,
    STATES,
    TRANSITIONS,
    TransitionContext,
    TransitionRefused,
    allowed_events,
    initial_state,
    next_state,
)

D = date(2026, 3, 2)

# A context that satisfies every guard; the multi-target branches are tested separately.
OK = TransitionContext(
    has_adaptation_period=True,
    employee_signed_on=D,
    employer_signed_on=D,
    insurance_ok=True,
    reason="Menace d'épidémie",
    start_date=D,
    end_date=date(2027, 3, 1),
    previous_state="active",
    is_fixed_term=True,
    current_end_date=date(2026, 12, 31),
    mutual_agreement=True,
)

# Explicit expected table: (state, event) -> next state under OK. Every other pair is refused.
EXPECTED: dict[tuple[str | None, str], str] = {
    ("draft", "issue"): "issued",
    ("draft", "cancel"): "cancelled",
    ("issued", "reissue"): "issued",
    ("issued", "sign"): "signed",
    ("issued", "cancel"): "cancelled",
    ("signed", "activate"): "adaptation",  # OK has an adaptation period
    ("adaptation", "end_adaptation"): "active",
    ("adaptation", "notify_end"): "ending",
    ("adaptation", "suspend"): "suspended",
    ("adaptation", "amend"): "adaptation",
    ("active", "notify_end"): "ending",
    ("active", "suspend"): "suspended",
    ("active", "amend"): "active",
    ("active", "renew"): "active",
    ("suspended", "notify_end"): "ending",
    ("suspended", "resume"): "active",  # OK.previous_state == "active"
    ("ending", "complete_end"): "ended",
    ("ending", "renew"): "active",
    (None, "start_imposed"): "imposed",
    ("imposed", "complete_end"): "ended",
    ("pending", "accept"): "accepted",
    ("pending", "refuse"): "refused",
    ("pending", "withdraw"): "withdrawn",
}

ALL_STATES: list[str | None] = [None, *STATES]
ALL_PAIRS = list(itertools.product(ALL_STATES, EVENTS))
REFUSED_PAIRS = [pair for pair in ALL_PAIRS if pair not in EXPECTED]


def _id(pair: tuple[str | None, str]) -> str:
    return f"{pair[0] or 'none'}-{pair[1]}"


# --- Table ---------------------------------------------------------------------------------


def test_expected_table_matches_transitions_data():
    assert set(EXPECTED) == set(TRANSITIONS)
    for pair, target in EXPECTED.items():
        assert target in TRANSITIONS[pair]


def test_cross_product_is_complete():
    assert len(ALL_PAIRS) == len(ALL_STATES) * len(EVENTS) == 15 * 16
    assert len(REFUSED_PAIRS) == len(ALL_PAIRS) - len(EXPECTED)


@pytest.mark.parametrize(("pair", "expected"), list(EXPECTED.items()), ids=_id)
def test_allowed_transition(pair, expected):
    state, event = pair
    assert next_state(state, event, OK) == expected


@pytest.mark.parametrize("pair", REFUSED_PAIRS, ids=_id)
def test_every_other_pair_is_refused_in_french(pair):
    state, event = pair
    with pytest.raises(TransitionRefused) as excinfo:
        next_state(state, event, OK)
    message = excinfo.value.message
    assert message == str(excinfo.value)
    assert message.startswith("Impossible d")
    assert message.endswith(".")
    if state is not None:
        assert f"« {STATE_LABELS[state]} »" in message
    assert "_" not in message  # no code identifier leaks into the user message


@pytest.mark.parametrize("state", ALL_STATES, ids=lambda s: s or "none")
def test_allowed_events_follow_the_table(state):
    expected = [event for event in EVENTS if (state, event) in EXPECTED]
    assert allowed_events(state) == expected


def test_targets_are_known_states():
    for (source, event), targets in TRANSITIONS.items():
        assert source is None or source in STATES
        assert event in EVENTS
        assert targets and all(t in STATES for t in targets)


def test_closed_states_have_no_events():
    from hrtele.domain.lifecycle import CLOSED_STATES

    for state in CLOSED_STATES:
        assert allowed_events(state) == []


def test_every_non_initial_state_is_reachable():
    reachable = {target for targets in TRANSITIONS.values() for target in targets}
    assert set(STATES) - reachable == {"draft", "pending"}
    assert initial_state("standard") == "draft"
    assert initial_state("exceptional") == "imposed"
    assert initial_state("request") == "pending"


# --- Labels and messages -------------------------------------------------------------------


def test_labels_cover_every_state_and_event():
    assert set(STATE_LABELS) == set(STATES)
    assert set(EVENT_LABELS) == set(EVENTS)
    assert all(label.strip() for label in [*STATE_LABELS.values(), *EVENT_LABELS.values()])


@pytest.mark.parametrize(
    ("state", "event", "message"),
    [
        (
            "draft",
            "sign",
            "Impossible de signer un accord à l'état « accord rédigé » : "
            "l'avenant doit d'abord être émis.",
        ),
        (
            "issued",
            "activate",
            "Impossible de démarrer le télétravail d'un accord à l'état « avenant émis » : "
            "l'avenant doit d'abord être signé par les deux parties.",
        ),
        (
            "ended",
            "resume",
            "Impossible de reprendre un accord à l'état « terminé » : "
            "cet état est définitif, aucune action n'est possible.",
        ),
        (
            "draft",
            "end_adaptation",
            "Impossible de clore la période d'adaptation d'un accord à l'état "
            "« accord rédigé ». Actions possibles : émettre l'avenant, abandonner l'accord.",
        ),
        (
            "active",
            "accept",
            "Impossible d'accepter la demande : cette action concerne une demande de "
            "télétravail, pas un accord (état « actif »).",
        ),
        (
            "pending",
            "sign",
            "Impossible d'enregistrer les signatures : cette action concerne un accord de "
            "télétravail, pas une demande (état « en attente »).",
        ),
        (
            None,
            "sign",
            "Impossible d'enregistrer les signatures : aucun accord n'existe encore ; "
            "il faut d'abord rédiger l'accord.",
        ),
        (
            "active",
            "start_imposed",
            "Impossible d'imposer le télétravail à partir d'un accord à l'état « actif » : "
            "le télétravail imposé (L1222-11) se crée comme un nouvel accord exceptionnel.",
        ),
    ],
)
def test_refusal_messages(state, event, message):
    with pytest.raises(TransitionRefused) as excinfo:
        next_state(state, event, OK)
    assert excinfo.value.message == message


def test_unknown_state_or_event_is_a_programming_error():
    with pytest.raises(ValueError, match="État inconnu"):
        next_state("brouillon", "issue")
    with pytest.raises(ValueError, match="Action inconnue"):
        next_state("draft", "publish")
    with pytest.raises(ValueError, match="État inconnu"):
        allowed_events("nope")
    with pytest.raises(ValueError, match="Type d'accord inconnu"):
        initial_state("occasional")


def test_context_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        OK.reason = "autre"  # type: ignore[misc]


# --- Guards --------------------------------------------------------------------------------


def _refused(state, event, **fields) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as excinfo:
        next_state(state, event, dataclasses.replace(OK, **fields))
    assert excinfo.value.message
    return excinfo.value


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"employee_signed_on": None}, "celle du salarié"),
        ({"employer_signed_on": None}, "celle de l'employeur"),
        (
            {"employee_signed_on": None, "employer_signed_on": None},
            "celle du salarié et celle de l'employeur",
        ),
    ],
)
def test_sign_requires_both_signature_dates(fields, missing):
    error = _refused("issued", "sign", **fields)
    assert f"(il manque {missing})" in error.message


def test_default_context_refuses_guarded_events():
    with pytest.raises(TransitionRefused, match="Signature impossible"):
        next_state("issued", "sign")
    assert next_state("draft", "issue") == "issued"  # unguarded events need no context


@pytest.mark.parametrize(("has_adaptation", "expected"), [(True, "adaptation"), (False, "active")])
def test_activate_target_depends_on_adaptation_period(has_adaptation, expected):
    ctx = dataclasses.replace(OK, has_adaptation_period=has_adaptation)
    assert next_state("signed", "activate", ctx) == expected


def test_activate_requires_insurance():
    error = _refused("signed", "activate", insurance_ok=False)
    assert "assurance" in error.message
    assert error.field == "insurance_attestation"


@pytest.mark.parametrize("previous", ["active", "adaptation"])
def test_resume_returns_to_previous_state(previous):
    assert next_state("suspended", "resume", dataclasses.replace(OK, previous_state=previous)) == (
        previous
    )


@pytest.mark.parametrize("previous", [None, "suspended", "ending", "draft"])
def test_resume_requires_a_valid_previous_state(previous):
    error = _refused("suspended", "resume", previous_state=previous)
    assert error.message.startswith("Reprise impossible")
    assert error.field == "previous_state"


@pytest.mark.parametrize(
    ("state", "event", "fields", "field"),
    [
        ("active", "suspend", {"reason": ""}, "reason"),
        ("adaptation", "suspend", {"reason": "   "}, "reason"),
        ("active", "suspend", {"start_date": None}, "start_date"),
        ("active", "suspend", {"end_date": date(2026, 3, 1)}, "end_date"),
        (None, "start_imposed", {"reason": " \n"}, "reason"),
        (None, "start_imposed", {"start_date": None}, "start_date"),
        (None, "start_imposed", {"end_date": date(2026, 3, 1)}, "end_date"),
        ("pending", "refuse", {"reason": ""}, "reason"),
        ("active", "renew", {"is_fixed_term": False}, "is_fixed_term"),
        ("ending", "renew", {"end_date": None}, "end_date"),
        ("active", "renew", {"end_date": date(2026, 12, 31)}, "end_date"),  # not after current
        ("active", "notify_end", {"mutual_agreement": False}, "mutual_agreement"),
    ],
)
def test_guard_failures(state, event, fields, field):
    error = _refused(state, event, **fields)
    assert error.field == field
    assert "impossible" in error.message


def test_suspension_and_imposed_end_date_optional_and_may_equal_start():
    for end in (None, D):
        ctx = dataclasses.replace(OK, end_date=end)
        assert next_state("active", "suspend", ctx) == "suspended"
        assert next_state(None, "start_imposed", ctx) == "imposed"


def test_imposed_telework_cites_l1222_11():
    error = _refused(None, "start_imposed", reason="")
    assert error.basis == "C. trav. L1222-11 (2012)"


def test_renew_without_known_current_end_date():
    assert next_state("active", "renew", dataclasses.replace(OK, current_end_date=None)) == "active"


@pytest.mark.parametrize(
    ("state", "phase", "mutual", "clause", "allowed"),
    [
        # During adaptation either party may end unilaterally (ANI art. 2).
        ("adaptation", "adaptation", False, "mutual", True),
        ("suspended", "adaptation", False, "mutual", True),
        # After adaptation: agreement of both parties, or an agreed reversibility clause (art. 3).
        ("active", "after_adaptation", False, "mutual", False),
        ("active", "after_adaptation", True, "mutual", True),
        ("active", "after_adaptation", False, "notice", True),
        ("suspended", "after_adaptation", False, "mutual", False),
        ("suspended", "after_adaptation", False, "notice", True),
        # The phase comes from the dates (hrtele.domain.notice), never from the state: an
        # agreement still « adaptation » whose period is over follows the clause.
        ("adaptation", "after_adaptation", False, "mutual", False),
        ("active", None, False, "notice", False),  # unknown phase: fail closed
    ],
)
def test_notify_end_depends_on_phase_and_clause(state, phase, mutual, clause, allowed):
    ctx = TransitionContext(mutual_agreement=mutual, notice_phase=phase, reversibility_clause=clause)
    if allowed:
        assert next_state(state, "notify_end", ctx) == "ending"
    else:
        with pytest.raises(TransitionRefused) as excinfo:
            next_state(state, "notify_end", ctx)
        assert "ANI 19/07/2005 art. 3" in excinfo.value.basis
        assert "clause de réversibilité" in excinfo.value.message


def test_full_happy_path():
    state = initial_state("standard")
    for event in ("issue", "reissue", "sign", "activate", "amend", "end_adaptation", "suspend"):
        state = next_state(state, event, OK)
    assert state == "suspended"
    for event in ("resume", "notify_end", "complete_end"):
        state = next_state(state, event, OK)
    assert state == "ended"
    assert allowed_events(state) == []


# --- Purity --------------------------------------------------------------------------------


def test_module_imports_only_stdlib():
    tree = ast.parse(Path(lc.__file__).read_text(encoding="utf-8"))
    modules = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    }
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}


def test_state_groups_are_consistent():
    """The registry's groups partition the states the way every screen and query reads them."""
    from hrtele.domain import lifecycle as lc

    assert lc.LIVE_STATES | lc.CLOSED_STATES == set(lc.ALL_AGREEMENT_STATES)
    assert not lc.LIVE_STATES & lc.CLOSED_STATES
    assert lc.TELEWORKING_STATES <= lc.LIVE_STATES
    assert lc.REGULAR_TELEWORKING_STATES <= lc.TELEWORKING_STATES
    assert lc.SUSPENDED not in lc.TELEWORKING_STATES  # a suspension stops telework
    assert lc.ENDABLE_STATES == {lc.ADAPTATION, lc.ACTIVE, lc.SUSPENDED}
    assert lc.AMENDABLE_STATES == {lc.ADAPTATION, lc.ACTIVE}
    assert lc.EDITABLE_STATES == {lc.DRAFT, lc.ISSUED}
    assert set(lc.STATE_TONES) >= set(lc.ALL_AGREEMENT_STATES)


def test_database_constraints_come_from_the_registries():
    from hrtele.domain.document_kinds import DOCUMENT_KIND_CODES
    from hrtele.models import Agreement, IssuedDocument

    def check_text(model, name):
        for constraint in model.__table__.constraints:
            if getattr(constraint, "name", "") and constraint.name.endswith(name):
                return str(constraint.sqltext)
        raise AssertionError(name)

    status = check_text(Agreement, "status_known")
    assert all(f"'{state}'" in status for state in lc_all_states())
    kinds = check_text(IssuedDocument, "kind_known")
    assert all(f"'{kind}'" in kinds for kind in DOCUMENT_KIND_CODES)


def lc_all_states():
    from hrtele.domain.lifecycle import ALL_AGREEMENT_STATES

    return ALL_AGREEMENT_STATES
