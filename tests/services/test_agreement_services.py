"""Agreement services called directly (the CLI's path): same rules, same refusals, both databases."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hrtele.agreements.services import (
    AMENDABLE_STATUSES,
    EDITABLE_STATUSES,
    agreement_violations,
    amend_agreement,
    create_agreement,
    current_violations,
    prepare,
    update_agreement,
)
from hrtele.domain.dates import adaptation_end_date, add_months
from hrtele.domain.rules import BASIS_VOLUNTARY
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError, ConcurrentEditError
from hrtele.extensions import db
from hrtele.models import Agreement, AgreementEvent, AuditEntry, Policy
from tests.factories import (
    make_agreement,
    make_employee,
    make_place,
    make_policy,
    make_request,
    make_user,
)

TODAY = date(2026, 6, 1)  # services take ``today``: tests never depend on the clock
START = date(2026, 7, 1)


@pytest.fixture
def setup(db_session):
    """Policy, accepted request, home, actor; returns the base data dict of a compliant agreement."""
    make_policy()
    req = make_request(
        status="accepted", request_date=date(2026, 5, 1), decision_date=date(2026, 5, 10)
    )
    home = make_place(employee_id=req.employee_id)
    actor = make_user(email="rh.service@example.test", role="hr")
    data = {
        "request_id": req.id,
        "place_id": home.id,
        "second_place_id": None,
        "days_per_week": Decimal("2"),
        "weekly_pattern": "11001100000000",
        "start_date": START,
        "end_date": None,
        "adaptation_months": 3,
        "notice_days_during_adaptation": 15,
        "notice_days_after_adaptation": 30,
        "contact_slots": "9 h 30 – 12 h",
        "reversibility_clause": "notice",
        "time_control": "Auto-déclaration",
        "equipment": "Ordinateur portable",
        "allowance_scheme": "per_weekly_day",
        "allowance_amount": Decimal("10.00"),
        "allowance_monthly_cap": None,
        "insurance_received_date": date(2026, 5, 20),
        "insurance_insurer": "Assureur",
        "insurance_expiry_date": date(2027, 5, 20),
        "electrical_statement_date": date(2026, 5, 20),
        "annual_interview_due_date": None,
    }
    return {"data": data, "actor": actor, "request": req, "home": home}


def test_compliant_data_has_no_violation(setup):
    assert agreement_violations(setup["data"], TODAY) == []


def test_create_writes_draft_event_and_audit(setup):
    agreement = create_agreement(setup["data"], setup["actor"], confirm_warnings=False, today=TODAY)
    db.session.commit()
    assert agreement.status == "draft" and agreement.kind == "regular"
    assert agreement.employee_id == setup["request"].employee_id
    assert agreement.adaptation_end_date == adaptation_end_date(START, 3) == date(2026, 9, 30)
    assert agreement.annual_interview_due_date == add_months(START, 12)
    event = db.session.scalar(select(AgreementEvent))
    assert (event.event, event.from_state, event.to_state, event.event_date) == (
        "create",
        None,
        "draft",
        TODAY,
    )
    assert event.actor_id == setup["actor"].id
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "agreements"))
    assert audit.action == "create" and audit.actor_id == setup["actor"].id


def test_prepare_derives_dates_and_cleans_texts():
    values = prepare(
        {
            "start_date": date(2026, 1, 31),
            "adaptation_months": 1,
            "equipment": " a \n\n b ",
            "weekly_pattern": None,
            "allowance_amount": None,
            "contact_slots": "  x ",
        }
    )
    assert values["adaptation_end_date"] == date(2026, 2, 28)  # clamped, never shortened
    assert values["annual_interview_due_date"] == date(2027, 1, 31)
    assert values["equipment"] == "a\nb"
    assert values["weekly_pattern"] == "00000000000000"
    assert values["allowance_amount"] == Decimal("0") and values["allowance_scheme"] == "none"
    assert values["contact_slots"] == "x"
    assert prepare({"start_date": START, "adaptation_months": 0})["adaptation_end_date"] is None


@pytest.mark.parametrize("status", ["pending", "refused", "withdrawn"])
def test_request_not_accepted_is_blocking(setup, status):
    req = make_request(
        status=status, employee_id=setup["request"].employee_id, request_date=date(2026, 5, 2)
    )
    data = dict(setup["data"], request_id=req.id)
    with pytest.raises(RuleViolations) as refused:
        create_agreement(data, setup["actor"], confirm_warnings=True, today=TODAY)
    blocking = refused.value.blocking
    assert [(v.field, v.basis) for v in blocking] == [("request_id", BASIS_VOLUNTARY)]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Agreement.id))) == 0


def test_no_request_is_blocking(setup):
    with pytest.raises(RuleViolations) as refused:
        create_agreement(dict(setup["data"], request_id=None), setup["actor"], True, TODAY)
    assert refused.value.blocking[0].field == "request_id"


def test_warnings_need_confirmation(setup):
    data = dict(setup["data"], allowance_amount=Decimal("12.00"))
    with pytest.raises(RuleViolations) as refused:
        create_agreement(data, setup["actor"], confirm_warnings=False, today=TODAY)
    assert refused.value.blocking == []
    assert [v.field for v in refused.value.warnings] == ["allowance_amount"]
    db.session.rollback()
    agreement = create_agreement(data, setup["actor"], confirm_warnings=True, today=TODAY)
    db.session.commit()
    assert agreement.allowance_amount == Decimal("12.00")


def test_missing_policy_refuses(setup):
    db.session.query(Policy).delete()
    db.session.commit()
    violations = agreement_violations(setup["data"], TODAY)
    assert any(v.blocking and "politique" in v.message for v in violations)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"adaptation_months": 10**12}, "adaptation_months"),
        ({"adaptation_months": -1}, "adaptation_months"),
        ({"adaptation_months": None}, "adaptation_months"),
        ({"notice_days_after_adaptation": 10**9}, "notice_days_after_adaptation"),
        ({"start_date": date(9999, 12, 31)}, "start_date"),
        ({"days_per_week": Decimal("NaN")}, "days_per_week"),
        ({"place_id": 10**15}, "place_id"),
        ({"end_date": START}, "end_date"),
        ({"weekly_pattern": "11001100xx"}, "weekly_pattern"),
        ({"weekly_pattern": "10000000000000"}, "weekly_pattern"),
    ],
)
def test_out_of_range_values_are_refused_never_crash(setup, overrides, field):
    violations = agreement_violations(dict(setup["data"], **overrides), TODAY)
    assert any(v.blocking and v.field == field for v in violations), violations


def test_place_rules(setup):
    other_home = make_place(employee_id=make_employee().id)
    third = make_place(kind="third_place", name="Télécentre")
    fields = lambda data: {v.field for v in agreement_violations(data, TODAY) if v.blocking}  # noqa: E731
    assert "place_id" in fields(dict(setup["data"], place_id=other_home.id))
    assert fields(dict(setup["data"], place_id=third.id, second_place_id=setup["home"].id)) == set()
    assert "second_place_id" in fields(dict(setup["data"], second_place_id=setup["home"].id))


def test_one_live_agreement_per_request(setup):
    create_agreement(setup["data"], setup["actor"], False, TODAY)
    db.session.commit()
    with pytest.raises(RuleViolations) as refused:
        create_agreement(setup["data"], setup["actor"], True, TODAY)
    assert "répond déjà" in refused.value.blocking[0].message


def test_overlapping_agreement_of_same_employee_is_refused(setup):
    """Two agreements of one employee may not cover the same day: blocking, not a warning."""
    other = make_agreement(employee_id=setup["request"].employee_id, status="active")
    violations = agreement_violations(setup["data"], TODAY)
    assert [(v.field, v.blocking) for v in violations] == [("start_date", True)]
    assert f"n° {other.id}" in violations[0].message
    assert "ne peuvent pas se chevaucher" in violations[0].message


def test_agreement_after_the_end_of_the_previous_one_is_accepted(setup):
    start = setup["data"]["start_date"]
    make_agreement(
        employee_id=setup["request"].employee_id,
        status="ended",
        start_date=start - timedelta(days=400),
        ending_effective_date=start,
        ended_date=start - timedelta(days=1),
    )
    assert agreement_violations(setup["data"], TODAY) == []


def _stored(setup, status="draft") -> Agreement:
    agreement = create_agreement(setup["data"], setup["actor"], False, TODAY)
    agreement.status = status
    db.session.commit()
    return agreement


def test_update_draft_keeps_status_and_bumps_version(setup):
    agreement = _stored(setup)
    version = agreement.version
    update_agreement(
        agreement,
        dict(setup["data"], notice_days_after_adaptation=45),
        version,
        setup["actor"],
        False,
        TODAY,
    )
    db.session.commit()
    assert agreement.status == "draft" and agreement.version == version + 1
    assert (
        db.session.scalar(
            select(func.count(AgreementEvent.id)).where(AgreementEvent.event == "edit")
        )
        == 0
    )


def test_update_issued_goes_back_to_draft_with_event(setup):
    agreement = _stored(setup, "issued")
    update_agreement(
        agreement,
        dict(setup["data"], days_per_week=Decimal("1"), weekly_pattern="11000000000000"),
        agreement.version,
        setup["actor"],
        False,
        TODAY,
    )
    db.session.commit()
    assert agreement.status == "draft"
    event = db.session.scalar(select(AgreementEvent).where(AgreementEvent.event == "edit"))
    assert (event.from_state, event.to_state) == ("issued", "draft")


def test_update_issued_without_change_stays_issued(setup):
    agreement = _stored(setup, "issued")
    update_agreement(agreement, setup["data"], agreement.version, setup["actor"], False, TODAY)
    db.session.commit()
    assert agreement.status == "issued"
    assert (
        db.session.scalar(
            select(func.count(AgreementEvent.id)).where(AgreementEvent.event == "edit")
        )
        == 0
    )


def test_update_stale_version_is_refused(setup):
    agreement = _stored(setup)
    with pytest.raises(ConcurrentEditError):
        update_agreement(
            agreement, setup["data"], agreement.version - 1, setup["actor"], False, TODAY
        )
    with pytest.raises(ConcurrentEditError):
        update_agreement(agreement, setup["data"], None, setup["actor"], False, TODAY)


@pytest.mark.parametrize(
    "status", ["signed", "adaptation", "active", "suspended", "ending", "ended", "cancelled"]
)
def test_plain_update_refused_outside_draft_and_issued(setup, status):
    agreement = _stored(setup, status)
    with pytest.raises(BusinessRuleError) as refused:
        update_agreement(agreement, setup["data"], agreement.version, setup["actor"], False, TODAY)
    assert "modifié" in str(refused.value)
    assert not isinstance(refused.value, RuleViolations)


def test_amend_running_agreement_keeps_status_and_writes_no_event(setup):
    assert set(AMENDABLE_STATUSES) == {"adaptation", "active"}
    assert EDITABLE_STATUSES == ("draft", "issued")
    agreement = _stored(setup, "active")
    amend_agreement(
        agreement,
        dict(setup["data"], allowance_amount=Decimal("8.00")),
        agreement.version,
        setup["actor"],
        False,
        TODAY,
    )
    db.session.commit()
    assert agreement.status == "active" and agreement.allowance_amount == Decimal("8.00")
    assert (
        db.session.scalar(
            select(func.count(AgreementEvent.id)).where(AgreementEvent.event == "edit")
        )
        == 0
    )
    signed = make_agreement(employee_id=make_employee().id, status="signed")
    with pytest.raises(BusinessRuleError):
        amend_agreement(signed, setup["data"], signed.version, setup["actor"], False, TODAY)


def test_update_refused_by_rules_changes_nothing(setup):
    agreement = _stored(setup)
    version = agreement.version
    with pytest.raises(RuleViolations):
        update_agreement(
            agreement, dict(setup["data"], contact_slots=""), version, setup["actor"], True, TODAY
        )
    db.session.rollback()
    fresh = db.session.get(Agreement, agreement.id)
    assert fresh.version == version and fresh.contact_slots == "9 h 30 – 12 h"


def test_current_violations_uses_activation_rules_once_signed(setup):
    agreement = _stored(setup)
    agreement.insurance_received_date = None
    db.session.commit()
    draft_check = current_violations(agreement, TODAY)
    assert [v.blocking for v in draft_check if v.field == "insurance_received_date"] == [False]
    agreement.status = "signed"
    db.session.commit()
    signed_check = current_violations(agreement, TODAY)
    assert [v.blocking for v in signed_check if v.field == "insurance_received_date"] == [True]


def test_today_is_an_argument(setup):
    # The same data is back-dated seen from a later "today": a warning, not a crash.
    later = START + timedelta(days=60)
    fields = {(v.field, v.blocking) for v in agreement_violations(setup["data"], later)}
    assert ("start_date", False) in fields


def test_running_agreement_is_not_flagged_as_back_dated(setup):
    agreement = _stored(setup, "active")
    much_later = START + timedelta(days=200)
    assert all(v.field != "start_date" for v in current_violations(agreement, much_later))
    # A draft still gets the warning on its show page.
    agreement.status = "draft"
    db.session.commit()
    assert ("start_date", False) in {
        (v.field, v.blocking) for v in current_violations(agreement, much_later)
    }


@pytest.mark.parametrize(
    ("kind", "status"), [("exceptional", "imposed"), ("regular", "ended"), ("regular", "cancelled")]
)
def test_live_check_not_applicable(setup, kind, status):
    agreement = _stored(setup, status)
    agreement.kind = kind
    db.session.commit()
    assert current_violations(agreement, TODAY) is None
