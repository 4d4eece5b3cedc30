"""Snapshot dataclasses: plain values only, round-trip, canonical JSON, validation."""

import dataclasses
import json

import pytest
from markupsafe import Markup

from hrtele.documents.snapshots import (
    AmendmentSnapshot,
    NoticeSnapshot,
    RefusalSnapshot,
    TeleworkDay,
    snapshot_from_dict,
    snapshot_from_json,
    snapshot_json,
)

from . import samples

ALL_SAMPLES = [
    samples.amendment("full_days"),
    samples.amendment("half_days", allowance=samples.ALLOWANCES["flat_monthly"]),
    samples.amendment("third_place", end_date="2027-03-31"),
    samples.notice(),
    samples.notice(vacant_posts=(), equipment_to_return=(), reason=None),
    samples.refusal(),
]


@pytest.mark.parametrize("snapshot", ALL_SAMPLES, ids=lambda s: type(s).__name__)
def test_round_trip_through_dict_and_json(snapshot):
    data = snapshot.to_dict()
    assert type(snapshot).from_dict(data) == snapshot
    assert snapshot_from_dict(data) == snapshot
    assert snapshot_from_json(snapshot_json(snapshot)) == snapshot
    # JSON-serialisable and plain.
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize("snapshot", ALL_SAMPLES, ids=lambda s: type(s).__name__)
def test_snapshot_json_is_canonical(snapshot):
    text = snapshot_json(snapshot)
    assert text == json.dumps(
        json.loads(text), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert "é" in text or "è" in text  # not \u-escaped
    assert snapshot_json(type(snapshot).from_dict(json.loads(text))) == text


def test_to_dict_keeps_field_order_and_kind_first():
    data = samples.amendment().to_dict()
    keys = list(data)
    assert keys[:4] == ["kind", "schema_version", "reference", "version"]
    assert data["kind"] == "amendment"
    assert data["weekly_pattern"] == [
        {"weekday": "lundi", "part": "journée", "place": None},
        {"weekday": "jeudi", "part": "journée", "place": None},
    ]
    assert data["end_date"] is None


def test_snapshots_are_frozen_and_hashable():
    snapshot = samples.amendment()
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.reference = "X"  # type: ignore[misc]
    assert hash(snapshot) == hash(samples.amendment())


def test_lists_become_tuples():
    snapshot = samples.amendment(contact_slots=["9 h – 12 h"], equipment=["ordinateur"])
    assert snapshot.contact_slots == ("9 h – 12 h",)
    assert snapshot.equipment == ("ordinateur",)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"issue_date": "02/03/2026"}, ValueError),
        ({"issue_date": "2026-02-30"}, ValueError),
        ({"version": "2"}, TypeError),
        ({"version": True}, TypeError),
        ({"half_days": 1}, TypeError),
        ({"reference": Markup("<b>AV</b>")}, TypeError),
        ({"days_per_week": "1.5"}, ValueError),
        ({"places": ()}, ValueError),
        ({"contact_slots": ()}, ValueError),
        ({"end_date": "2026-03-01"}, ValueError),
        ({"employer": {"name": "dict, not a dataclass"}}, TypeError),
    ],
)
def test_amendment_validation(overrides, error):
    with pytest.raises(error):
        samples.amendment(**overrides)


def test_date_objects_are_rejected():
    import datetime

    with pytest.raises(TypeError):
        samples.amendment(issue_date=datetime.date(2026, 3, 2))


def test_enums_are_checked():
    with pytest.raises(ValueError):
        TeleworkDay(weekday="lundi", part="soirée")
    with pytest.raises(ValueError):
        TeleworkDay(weekday="Monday", part="matin")
    with pytest.raises(ValueError):
        samples.notice(phase="unknown")
    with pytest.raises(ValueError):
        samples.notice(method="courriel")


def test_from_dict_rejects_unknown_fields_and_wrong_kind():
    data = samples.refusal().to_dict()
    with pytest.raises(ValueError):
        RefusalSnapshot.from_dict({**data, "extra": 1})
    with pytest.raises(ValueError):
        AmendmentSnapshot.from_dict(data)
    with pytest.raises(ValueError):
        snapshot_from_dict({"kind": "nope"})


def test_notice_refuses_an_end_date_within_the_notice_period():
    with pytest.raises(ValueError) as excinfo:
        samples.notice(
            notification_date="2026-05-04", notice_days=15, effective_end_date="2026-05-18"
        )
    message = str(excinfo.value)
    assert message.startswith("Le délai de prévenance de 15 jours n'est pas respecté : ")
    assert "19/05/2026" in message and "04/05/2026" in message and "18/05/2026" in message


def test_notice_accepts_the_exact_notice_boundary():
    snapshot = samples.notice(
        notification_date="2026-05-04", notice_days=15, effective_end_date="2026-05-19"
    )
    assert isinstance(snapshot, NoticeSnapshot)


def test_an_end_agreed_by_both_parties_does_not_wait_for_the_notice():
    """ANI 19/07/2005 art. 3: a counter-signed end may come before the notice expires."""
    agreed = samples.notice(
        notification_date="2026-05-04", notice_days=15, effective_end_date="2026-05-05",
        requires_countersignature=True,
        return_arrangements=dataclasses.replace(
            samples.notice().return_arrangements, resumption_date="2026-05-05"
        ),
    )
    assert agreed.effective_end_date == "2026-05-05"
    with pytest.raises(ValueError, match="délai de prévenance"):
        samples.notice(
            notification_date="2026-05-04", notice_days=15, effective_end_date="2026-05-03",
            requires_countersignature=True,
        )


def test_version_1_snapshots_are_still_read():
    data = samples.amendment("full_days").to_dict()
    data["schema_version"] = 1
    data["onsite_min_days"] = 3
    for key in ("reversibility_clause", "working_week", "costs_coverage"):
        data.pop(key)
    old = AmendmentSnapshot.from_dict(data)
    assert old.onsite_min_days == "3" and old.reversibility_clause == "notice"


def test_notice_from_dict_also_validates_the_notice_period():
    data = samples.notice().to_dict()
    data["effective_end_date"] = data["notification_date"]
    with pytest.raises(ValueError, match="délai de prévenance"):
        NoticeSnapshot.from_dict(data)


def test_refusal_requires_a_reason():
    with pytest.raises(ValueError):
        samples.refusal(refusal_reason="  ")


def test_notice_resumption_cannot_precede_the_end_of_telework():
    arrangements = dataclasses.replace(
        samples.notice().return_arrangements, resumption_date="2026-05-21"
    )
    with pytest.raises(ValueError, match="reprise sur site"):
        samples.notice(effective_end_date="2026-05-22", return_arrangements=arrangements)


def test_adaptation_period_is_mandatory():
    from hrtele.documents.snapshots import AdaptationPeriod

    with pytest.raises(ValueError, match="au moins un mois"):
        AdaptationPeriod(months=0, end_date="2026-04-01", notice_days_during=15)
