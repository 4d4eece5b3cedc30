"""Contact slots and working hours (L1222-10 5° 2012, L3131-1, ANI art. 6)."""

from __future__ import annotations

import pytest

from hrtele.domain.contact import (
    BASIS_DAILY_REST,
    BASIS_PRIVATE_LIFE,
    Slot,
    check_contact_slots,
    check_working_hours,
    format_slots,
    parse_slots,
)


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("9 h 30 – 12 h 00 et 14 h 00 – 16 h 30", ((570, 720), (840, 990))),
        ("9h30-12h", ((570, 720),)),
        ("09:30 - 12:00, 14:00 - 17:30", ((570, 720), (840, 1050))),
        ("de 9 h à 12 h ; de 14 h à 17 h", ((540, 720), (840, 1020))),
        ("De 9 h à 12 h et de 14 h à 17 h", ((540, 720), (840, 1020))),
        ("14 h – 16 h et 9 h – 11 h", ((540, 660), (840, 960))),  # sorted
    ],
)
def test_parse_slots(text, slots):
    assert tuple((s.start, s.end) for s in parse_slots(text)) == slots


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Aucune plage"),
        ("le matin", "illisible"),
        ("12 h – 9 h", "finir après son début"),
        ("25 h – 26 h", "Heure invalide"),
        ("9 h – 12 h et 11 h – 13 h", "se chevauchent"),
        (" et ".join(["9 h – 9 h 30"] * 7), "Trop de plages"),
    ],
)
def test_parse_slots_refuses_in_french(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_slots(text)


def test_format_slots():
    assert format_slots((Slot(570, 720),)) == "9\u00a0h\u00a030 – 12\u00a0h\u00a000"


@pytest.mark.parametrize(
    ("slots", "hours", "expected"),
    [
        ("9 h – 12 h", "8 h – 12 h et 13 h – 17 h", []),
        ("12 h – 14 h", "8 h – 12 h et 13 h – 17 h", [True]),  # across the lunch break
        ("9 h – 12 h", "", []),  # no hours known: only the slots themselves are checked
        ("9 h – 12 h", "n'importe quand", [False]),  # unreadable hours: a warning
        ("6 h 30 – 9 h", "6 h – 18 h", [False]),  # early: private life
    ],
)
def test_check_contact_slots(slots, hours, expected):
    assert [v.blocking for v in check_contact_slots(slots, hours)] == expected


def test_daily_rest_and_private_life_bases():
    violations = check_contact_slots("7 h – 12 h et 14 h – 21 h", "")
    assert {(v.basis, v.blocking) for v in violations} == {
        (BASIS_DAILY_REST, True),
        (BASIS_PRIVATE_LIFE, False),
    }


def test_check_working_hours():
    assert check_working_hours("") == []
    assert check_working_hours("8 h 30 – 12 h 30 et 13 h 30 – 17 h 30") == []
    assert check_working_hours("6 h – 20 h")[0].basis == BASIS_DAILY_REST
    assert check_working_hours("toute la journée")[0].blocking
