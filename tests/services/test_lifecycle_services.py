"""Lifecycle services called directly: transitions and their side effects, interview dates,
priority return candidates, attestation states, imposed telework."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtele.domain import lifecycle as lc
from hrtele.domain.lifecycle import TransitionRefused
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError, ConcurrentEditError
from hrtele.lifecycle import services
from hrtele.models import (
    Agreement,
    AgreementEvent,
    AnnualInterview,
    AuditEntry,
    PriorityInformation,
)
from tests.factories import (
    make_agreement,
    make_category,
    make_employee,
    make_place,
    make_policy,
    make_post,
    make_user,
)


@pytest.fixture
def hr(db_session):
    """An HR account acting in the services."""
    return make_user(email="rh-services@example.test", role="hr")


def test_transition_writes_event_audit_and_fields(db_session, hr):
    agreement = make_agreement(status="issued")
    row = services.transition(agreement, lc.SIGN, {
        "version": agreement.version, "employee_signed_date": date(2026, 9, 22),
        "employer_signed_date": date(2026, 9, 24)}, hr, date(2026, 9, 25))
    db_session.commit()
    assert (row.from_state, row.to_state, row.event_date) == ("issued", "signed", date(2026, 9, 24))
    assert row.actor_id == hr.id
    assert agreement.employer_signed_date == date(2026, 9, 24)
    audit = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "transition"))
    assert '"event": "sign"' in audit.changes_json and audit.actor_id == hr.id


def test_refused_transition_changes_nothing_after_rollback(db_session, hr):
    agreement = make_agreement(status="draft")
    version = agreement.version
    with pytest.raises(TransitionRefused, match="l'avenant doit d'abord être émis"):
        services.transition(agreement, lc.SIGN, {"version": version}, hr, date(2026, 9, 25))
    db_session.rollback()
    assert db_session.get(Agreement, agreement.id).status == "draft"
    assert db_session.scalar(select(AgreementEvent.id)) is None


def test_stale_version_and_unknown_event(db_session, hr):
    agreement = make_agreement(status="issued")
    with pytest.raises(ConcurrentEditError):
        services.transition(agreement, lc.SIGN, {"version": agreement.version + 1}, hr, date(2026, 9, 25))
    with pytest.raises(ValueError):
        services.transition(agreement, lc.ISSUE, {"version": agreement.version}, hr, date(2026, 9, 25))


def test_activation_without_adaptation_goes_straight_to_active(db_session, hr):
    agreement = make_agreement(status="signed", adaptation_months=0, adaptation_end_date=None,
                               notice_days_during_adaptation=None)
    services.transition(agreement, lc.ACTIVATE, {"version": agreement.version,
                                                 "event_date": date(2026, 10, 1)}, hr, date(2026, 10, 1))
    assert agreement.status == "active"
    assert agreement.annual_interview_due_date == date(2027, 10, 1)


def test_late_activation_after_the_adaptation_period_is_active(db_session, hr):
    agreement = make_agreement(status="signed")
    services.transition(agreement, lc.ACTIVATE, {"version": agreement.version,
                                                 "event_date": date(2027, 1, 4)}, hr, date(2027, 1, 4))
    assert agreement.status == "active"


def test_renewal_from_ending_cancels_the_notice(db_session, hr):
    agreement = make_agreement(status="ending", end_date=date(2027, 9, 30), ending_initiative="employer",
                               ending_notification_date=date(2027, 2, 1), ending_method="lrar",
                               ending_effective_date=date(2027, 3, 3), ending_notice_days=30)
    services.transition(agreement, lc.RENEW, {"version": agreement.version,
                                              "end_date": date(2028, 9, 30)}, hr, date(2027, 2, 10))
    assert agreement.status == "active"
    assert agreement.ending_effective_date is None and agreement.ending_method is None
    assert agreement.has_pending_amendment
    with pytest.raises(TransitionRefused, match="postérieure à la date de fin actuelle"):
        services.transition(agreement, lc.RENEW, {"version": agreement.version,
                                                  "end_date": date(2028, 1, 1)}, hr, date(2027, 2, 10))


def test_resume_falls_back_on_dates_without_a_suspend_event(db_session, hr):
    in_adaptation = make_agreement(status="suspended", suspension_start_date=date(2026, 11, 1),
                                   suspension_reason="Crue")
    after = make_agreement(status="suspended", suspension_start_date=date(2027, 2, 1),
                           suspension_reason="Crue")
    assert services.suspended_from(in_adaptation, date(2027, 3, 1)) == "adaptation"
    assert services.suspended_from(after, date(2027, 3, 1)) == "active"
    services.transition(after, lc.RESUME, {"version": after.version, "event_date": date(2027, 3, 1)},
                        hr, date(2027, 3, 1))
    assert after.status == "active" and after.suspension_end_date == date(2027, 3, 1)


def test_notice_days_fall_back_on_the_policy(db_session, hr):
    make_policy(notice_days_after_adaptation=45)
    agreement = make_agreement(status="active", notice_days_after_adaptation=None)
    terms = services.end_terms_for(agreement, date(2027, 2, 1))
    assert (terms.phase, terms.notice_days, terms.notice_source) == (
        "after_adaptation", 45, "policy"
    )
    assert terms.earliest_end == date(2027, 3, 18)


def test_one_day_imposed_telework(db_session, hr):
    employee = make_employee()
    home = make_place(employee_id=employee.id)
    agreement = services.start_imposed(employee, {
        "reason": "Grève exceptionnelle des transports", "start_date": date(2026, 12, 3),
        "end_date": date(2026, 12, 3), "days_per_week": Decimal("1")}, hr, date(2026, 12, 1))
    assert agreement.end_date is None and agreement.suspension_end_date == date(2026, 12, 3)
    assert agreement.place_id == home.id and agreement.kind == "exceptional"
    event = db_session.scalar(select(AgreementEvent).where(AgreementEvent.agreement_id == agreement.id))
    assert (event.event, event.from_state, event.to_state) == ("start_imposed", None, "imposed")


def test_imposed_telework_refused_for_someone_who_left(db_session, hr):
    employee = make_employee(is_active=False)
    with pytest.raises(TransitionRefused, match="ne fait plus partie des effectifs"):
        services.start_imposed(employee, {"reason": "Épidémie", "start_date": date(2026, 12, 3),
                                          "days_per_week": Decimal("5")}, hr, date(2026, 12, 1))



def test_interview_due_date_and_latest_interview_rule(db_session, hr):
    agreement = make_agreement(status="active")
    assert services.interview_due_date(agreement) == date(2027, 10, 1)
    services.record_interview(agreement, {"held_date": date(2027, 9, 20), "conditions": "Bien",
                                          "workload": "Normale"}, hr, date(2027, 9, 25))
    assert agreement.annual_interview_due_date == date(2028, 9, 20)
    # Recording an older interview afterwards does not move the due date back.
    services.record_interview(agreement, {"held_date": date(2026, 12, 1), "conditions": "Début",
                                          "workload": "Faible", "next_date": date(2027, 6, 1)},
                              hr, date(2027, 9, 25))
    assert agreement.annual_interview_due_date == date(2028, 9, 20)
    assert db_session.scalar(select(AnnualInterview.id).order_by(AnnualInterview.id)) is not None


def test_interview_snapshot_is_plain_data(db_session, hr):
    agreement = make_agreement(status="active")
    interview = services.record_interview(agreement, {
        "held_date": date(2027, 9, 20), "conditions": "<b>Bien</b>", "workload": "Normale",
        "remarks": "RAS"}, hr, date(2027, 9, 25))
    data = services.interview_snapshot_data(interview)
    assert data["conditions"] == "<b>Bien</b>"
    assert data["held_date"] == "2027-09-20" and data["next_date"] == "2028-09-20"
    assert data["agreement_start_date"] == "2026-10-01"
    assert data["recorded_by"] == "rh-services"

    def plain(value):
        if isinstance(value, dict):
            return all(plain(v) for v in value.values())
        return value is None or type(value) in (str, int)

    assert plain(data)


def test_attestation_status(db_session):
    make_policy(insurance_required=True, electrical_statement_required=True)
    today = date(2027, 1, 10)
    ok = make_agreement(insurance_expiry_date=date(2027, 6, 1))
    expiring = make_agreement(insurance_expiry_date=date(2027, 2, 1))
    expired = make_agreement(insurance_expiry_date=date(2027, 1, 1))
    missing = make_agreement(insurance_received_date=None, electrical_statement_date=None)
    third = make_agreement(electrical_statement_date=None,
                           place_id=make_place(kind="third_place", name="Télécentre").id)
    states = {a.id: [s["state"] for s in services.attestation_status(a, today)]
              for a in (ok, expiring, expired, missing, third)}
    assert states[ok.id] == ["ok", "ok"]
    assert states[expiring.id] == ["expiring", "ok"]
    assert states[expired.id] == ["expired", "ok"]
    assert states[missing.id] == ["missing", "missing"]
    assert states[third.id] == ["ok", "not_required"]


def test_attestation_update_refused_on_closed_agreement(db_session, hr):
    agreement = make_agreement(status="ended")
    with pytest.raises(BusinessRuleError, match="clos"):
        services.update_attestations(agreement, {"version": agreement.version}, hr, date(2027, 1, 1))
    with pytest.raises(RuleViolations):
        services.update_attestations(make_agreement(), {
            "version": 1, "insurance_received_date": None, "insurance_insurer": "Assureur"},
            hr, date(2027, 1, 1))


def test_priority_candidates(db_session, hr):
    cat_b = make_category("B")
    cat_a = make_category("A")
    vacant = make_post(is_eligible=False, is_vacant=True, eligibility_reason="Accueil",
                       category_id=cat_b.id)
    occupied = make_post(is_eligible=False, is_vacant=False, eligibility_reason="Accueil",
                         category_id=cat_b.id)
    # Matching: ended telework, own post in category B (two ended agreements: listed once).
    ended = make_agreement(status="ended")
    make_agreement(status="ended", employee_id=ended.employee_id)
    # Matching through the employee's category when their post has none.
    no_cat_post = make_post(category_id=None)
    by_employee = make_agreement(status="ending",
                                 employee_id=make_employee(post_id=no_cat_post.id,
                                                           category_id=cat_b.id).id)
    # Not matching: other category, inactive, teleworking again, still active.
    make_agreement(status="ended", employee_id=make_employee(
        post_id=make_post(category_id=cat_a.id).id, category_id=cat_a.id).id)
    make_agreement(status="ended", employee_id=make_employee(is_active=False).id)
    again = make_agreement(status="ended")
    make_agreement(status="active", employee_id=again.employee_id)
    make_agreement(status="active")

    found = services.priority_candidates([vacant.id, occupied.id])
    assert list(found) == [vacant.id]
    assert sorted(c.employee_id for c in found[vacant.id]) == sorted(
        [ended.employee_id, by_employee.employee_id])
    assert services.uninformed_priority_count() == 2
    services.inform_priority(vacant, ended.employee, {}, hr, date(2027, 1, 10))
    assert services.uninformed_priority_count() == 1
    found = services.priority_candidates([vacant.id])
    informed = {c.employee_id: c.informed_date for c in found[vacant.id]}
    assert informed[ended.employee_id] == date(2027, 1, 10)
    assert informed[by_employee.employee_id] is None
    assert db_session.scalar(select(PriorityInformation.actor_id)) == hr.id
    assert [p.id for p, _ in services.matching_vacant_posts(by_employee)] == [vacant.id]


def test_priority_refused_for_an_eligible_or_occupied_post(db_session, hr):
    ended = make_agreement(status="ended")
    with pytest.raises(BusinessRuleError, match="n'est pas un poste vacant sans télétravail"):
        services.inform_priority(make_post(is_vacant=True), ended.employee, {}, hr, date(2027, 1, 10))


def test_timeline_in_recording_order_with_actor(db_session, hr):
    agreement = make_agreement(status="issued")
    services.transition(agreement, lc.CANCEL, {"version": agreement.version, "reason": "Mutation"},
                        hr, date(2026, 9, 25))
    [(event, who)] = services.timeline(agreement.id)
    assert event.event == "cancel" and who == "rh-services" and "Mutation" in event.note
