"""Which amendment an agreement rests on, what the notice needs, when a new version is due."""

from __future__ import annotations

from datetime import date

import pytest

from hrtele.domain import amendment_basis as ab

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("issued", "paper", "expected"),
    [
        (True, None, ab.ISSUED),
        (True, date(2024, 3, 1), ab.ISSUED),  # the app's amendment wins
        (False, date(2024, 3, 1), ab.PAPER),
        (False, None, None),
    ],
)
def test_amendment_basis(issued, paper, expected):
    assert ab.amendment_basis(issued, paper) == expected


@pytest.mark.parametrize(
    ("state", "kind", "issued", "paper", "refused_with"),
    [
        ("ending", "regular", True, False, None),
        ("ending", "regular", False, True, None),
        ("ended", "regular", False, True, None),
        ("ending", "regular", False, False, "enregistrez d'abord l'avenant signé sur papier"),
        ("active", "regular", True, False, "une fois la fin notifiée"),
        ("draft", "regular", False, True, "une fois la fin notifiée"),
        ("ending", "exceptional", True, False, "sans notification de réversibilité"),
        ("ended", "exceptional", False, False, "sans notification de réversibilité"),
    ],
)
def test_notice_needs_an_ended_regular_agreement_and_an_amendment(
    state, kind, issued, paper, refused_with
):
    refusal = ab.notice_refusal(state, kind, issued, paper)
    if refused_with is None:
        assert refusal is None
    else:
        assert refusal is not None and refused_with in refusal


@pytest.mark.parametrize(
    ("state", "kind", "issued", "signed", "refused_with"),
    [
        ("active", "regular", False, date(2024, 3, 1), None),
        ("ending", "regular", False, date(2024, 3, 1), None),
        ("ended", "regular", False, None, None),
        ("signed", "regular", False, TODAY, None),
        ("ending", "regular", False, date(2026, 12, 6), "dans le futur"),
        ("ending", "regular", True, date(2024, 3, 1), "a été émis dans l'application"),
        ("draft", "regular", False, date(2024, 3, 1), "s'émet dans l'application"),
        ("issued", "regular", False, date(2024, 3, 1), "s'émet dans l'application"),
        ("cancelled", "regular", False, date(2024, 3, 1), "s'émet dans l'application"),
        ("imposed", "exceptional", False, date(2024, 3, 1), "ne repose pas sur un avenant"),
    ],
)
def test_paper_amendment_only_for_agreements_signed_before_the_app(
    state, kind, issued, signed, refused_with
):
    refusal = ab.paper_amendment_refusal(state, kind, issued, signed, TODAY)
    if refused_with is None:
        assert refusal is None
    else:
        assert refusal is not None and refused_with in refusal


BASE = {
    "kind": "amendment", "schema_version": 2, "reference": "AV-2026-00001-v1", "version": 1,
    "issue_date": "2026-11-20", "days_per_week": "2", "contact_slots": ["9 h – 12 h"],
    "places": [{"kind": "home", "name": "Domicile"}],
}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ()),
        # The reference, version and issue date change on every issue: they are not terms.
        ({"reference": "AV-2026-00001-v2", "version": 2, "issue_date": "2026-12-01"}, ()),
        ({"days_per_week": "1"}, ("jours de télétravail par semaine",)),
        ({"contact_slots": ["10 h – 12 h"], "places": []},
         ("plages de joignabilité", "lieux de télétravail")),
        ({"new_part": "x"}, ("new part",)),
    ],
)
def test_amendment_changes_ignore_what_changes_on_every_issue(changes, expected):
    current = {**BASE, **changes}
    assert sorted(ab.amendment_changes(BASE, current)) == sorted(expected)


def test_an_unreadable_or_missing_previous_version_counts_as_changed():
    assert ab.amendment_changes(None, BASE) == ("avenant",)


@pytest.mark.parametrize(
    ("state", "kind", "can_issue", "has_amendment", "notice_issued", "step"),
    [
        ("draft", "regular", True, False, False, ab.STEP_ISSUE_AMENDMENT),
        ("draft", "regular", False, False, False, ab.STEP_FIX_AMENDMENT),
        ("issued", "regular", False, True, False, ab.STEP_SIGN),
        ("issued", "regular", True, True, False, ab.STEP_ISSUE_AMENDMENT),
        ("signed", "regular", False, True, False, ab.STEP_ACTIVATE),
        ("adaptation", "regular", False, True, False, ab.STEP_END_ADAPTATION),
        ("active", "regular", False, True, False, ab.STEP_FOLLOW_UP),
        ("active", "regular", True, True, False, ab.STEP_ISSUE_AMENDMENT),
        ("suspended", "regular", False, True, False, ab.STEP_RESUME),
        ("ending", "regular", False, False, False, ab.STEP_RECORD_PAPER),
        ("ending", "regular", False, True, False, ab.STEP_ISSUE_NOTICE),
        ("ending", "regular", False, True, True, ab.STEP_COMPLETE_END),
        ("ended", "regular", False, False, False, ab.STEP_RECORD_PAPER),
        ("ended", "regular", False, True, True, ab.STEP_NONE),
        ("cancelled", "regular", False, False, True, ab.STEP_NONE),
        ("imposed", "exceptional", False, False, False, ab.STEP_COMPLETE_END),
        ("ended", "exceptional", False, False, False, ab.STEP_NONE),
    ],
)
def test_next_step(state, kind, can_issue, has_amendment, notice_issued, step):
    assert ab.next_step(
        state, kind, can_issue_amendment=can_issue, has_amendment=has_amendment,
        notice_issued=notice_issued,
    ) == step  # fmt: skip
    assert ab.STEP_TEXTS[step]
