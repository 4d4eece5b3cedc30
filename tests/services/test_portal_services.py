"""Employee's space services: notice terms, ending, acknowledgement, request, export scoping."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from hrtele.domain.notice import notice_sentence
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import (
    Agreement,
    AgreementEvent,
    AuditEntry,
    Employee,
    EquipmentItem,
    IssuedDocument,
    TeleworkRequest,
    User,
)
from hrtele.portal import services
from hrtele.requests.services import HOME_FROM_FILE
from tests.factories import make_agreement, make_employee, make_employer, make_policy, make_user
from tests.web.test_portal import make_document

TODAY = date(2027, 3, 15)


@pytest.fixture
def ctx(app):
    """A request context (URLs, audit IP) with the employer configured."""
    with app.test_request_context("/mon-espace/"):
        make_employer()
        yield db.session
        db.session.rollback()


def _agreement(
    employee_id: int, status: str, start: date, adaptation_end: date | None, **kw
) -> Agreement:
    return make_agreement(
        employee_id=employee_id,
        status=status,
        start_date=start,
        adaptation_end_date=adaptation_end,
        **kw,
    )


# --- notice terms -------------------------------------------------------------------------------


def test_terms_during_adaptation_use_the_agreement_notice(ctx):
    employee = make_employee()
    agreement = _agreement(
        employee.id,
        "adaptation",
        TODAY - timedelta(days=20),
        TODAY + timedelta(days=70),
        notice_days_during_adaptation=10,
    )
    terms = services.end_terms(agreement, TODAY)
    assert (terms.phase, terms.notice_days) == ("adaptation", 10)
    assert terms.earliest_end == TODAY + timedelta(days=10)
    assert "ANI" in terms.basis and "art. 2" in terms.basis
    assert "période d'adaptation" in notice_sentence(terms)


def test_terms_after_adaptation_by_date_use_the_longer_notice(ctx):
    employee = make_employee()
    # HR did not close the adaptation period, but its end date has passed.
    agreement = _agreement(
        employee.id, "adaptation", TODAY - timedelta(days=120), TODAY - timedelta(days=30)
    )
    terms = services.end_terms(agreement, TODAY)
    assert (terms.phase, terms.notice_days) == ("after_adaptation", 30)
    assert terms.earliest_end == TODAY + timedelta(days=30)


def test_terms_fall_back_on_the_policy_when_the_agreement_is_silent(ctx):
    make_policy(notice_days_after_adaptation=45)
    employee = make_employee()
    agreement = _agreement(
        employee.id, "active", TODAY - timedelta(days=400), TODAY - timedelta(days=300)
    )
    agreement.notice_days_after_adaptation = None
    terms = services.end_terms(agreement, TODAY)
    assert terms.notice_days == 45
    assert terms.notice_source == "policy"
    assert "politique de l'employeur" in notice_sentence(terms)


def test_latest_date_is_the_end_of_a_fixed_term_agreement(ctx):
    employee = make_employee()
    agreement = _agreement(
        employee.id,
        "active",
        TODAY - timedelta(days=400),
        TODAY - timedelta(days=300),
        end_date=TODAY + timedelta(days=40),
    )
    terms = services.end_terms(agreement, TODAY)
    assert services.latest_end(agreement, terms) == TODAY + timedelta(days=40)
    with pytest.raises(RuleViolations, match="terme de l'accord"):
        services.request_end(agreement, TODAY + timedelta(days=41), "", None, TODAY)


# --- ending -------------------------------------------------------------------------------------


def test_request_end_too_early_changes_nothing(ctx):
    employee = make_employee()
    agreement = _agreement(
        employee.id, "adaptation", TODAY - timedelta(days=5), TODAY + timedelta(days=85)
    )
    with pytest.raises(RuleViolations) as info:
        services.request_end(agreement, TODAY + timedelta(days=14), "", None, TODAY)
    assert info.value.violations[0].field == "effective_date"
    assert "au plus tôt le 30/03/2027" in info.value.violations[0].message
    db.session.rollback()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.status == "adaptation"
    assert db.session.scalar(select(func.count(AgreementEvent.id))) == 0


def test_request_end_records_the_transition(ctx):
    employee = make_employee()
    user = make_user("fin@example.test", role="employee", employee_id=employee.id)
    agreement = _agreement(
        employee.id, "active", TODAY - timedelta(days=200), TODAY - timedelta(days=110)
    )
    version = agreement.version
    services.request_end(agreement, TODAY + timedelta(days=31), "  Déménagement  ", user, TODAY)
    db.session.commit()
    agreement = db.session.get(Agreement, agreement.id)
    assert agreement.status == "ending"
    assert agreement.version == version + 1
    assert (agreement.ending_initiative, agreement.ending_reason) == ("employee", "Déménagement")
    assert agreement.ending_notification_date == TODAY
    assert (agreement.ending_phase, agreement.ending_notice_days) == ("after_adaptation", 30)
    event_row = db.session.scalar(select(AgreementEvent))
    assert event_row.actor_id == user.id and event_row.event_date == TODAY
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "transition"))
    assert json.loads(audit.changes_json)["event"] == "notify_end"


def test_request_end_without_reversibility_clause_is_refused_after_adaptation(ctx):
    employee = make_employee()
    agreement = _agreement(
        employee.id, "active", TODAY - timedelta(days=400), TODAY - timedelta(days=300)
    )
    agreement.reversibility_clause = "mutual"
    db.session.commit()
    with pytest.raises(RuleViolations, match="commun accord"):
        services.request_end(agreement, TODAY + timedelta(days=60), "", None, TODAY)


def test_request_end_of_an_agreement_no_longer_running_is_refused(ctx):
    employee = make_employee()
    agreement = _agreement(
        employee.id, "ending", TODAY - timedelta(days=400), TODAY - timedelta(days=300)
    )
    with pytest.raises(BusinessRuleError, match="n'est plus en cours"):
        services.request_end(agreement, TODAY + timedelta(days=60), "", None, TODAY)


# --- documents ----------------------------------------------------------------------------------


def test_acknowledge_keeps_the_first_timestamp(ctx):
    employee = make_employee()
    document = make_document(employee.id)
    assert services.acknowledge_document(document, None) is True
    db.session.commit()
    first = db.session.get(IssuedDocument, document.id).acknowledged_dt
    assert services.acknowledge_document(document, None) is False
    db.session.commit()
    assert db.session.get(IssuedDocument, document.id).acknowledged_dt == first
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1


# --- request ------------------------------------------------------------------------------------


def test_submit_request_refuses_a_second_pending_one(ctx):
    employee = make_employee()
    data = {
        "wished_days": Decimal("1"),
        "wished_pattern": "11000000000000",
        "place_id": HOME_FROM_FILE,
        "motive": "",
    }
    request, warnings = services.submit_request(employee, data, None, TODAY)
    db.session.commit()
    assert (request.status, request.initiative, request.request_date) == (
        "pending",
        "employee",
        TODAY,
    )
    assert warnings == []
    with pytest.raises(BusinessRuleError, match="déjà une demande"):
        services.submit_request(employee, data, None, TODAY)
    db.session.rollback()
    assert db.session.scalar(select(func.count(TeleworkRequest.id))) == 1


def test_submit_request_with_a_live_agreement_adds_a_note_in_the_employees_words(ctx):
    employee = make_employee()
    _agreement(employee.id, "active", TODAY - timedelta(days=200), TODAY - timedelta(days=110))
    data = {
        "wished_days": Decimal("1"),
        "wished_pattern": "00000000000000",
        "place_id": HOME_FROM_FILE,
        "motive": "",
    }
    _request, warnings = services.submit_request(employee, data, None, TODAY)
    messages = " ".join(v.message for v in warnings)
    assert "Vous avez déjà un accord" in messages
    assert "Ce salarié" not in messages


# --- reading ------------------------------------------------------------------------------------


def test_my_agreements_loads_everything_in_a_fixed_number_of_queries(ctx, app):
    employee = make_employee()
    for n in range(4):
        agreement = _agreement(
            employee.id,
            "ended",
            TODAY - timedelta(days=900 - n * 100),
            TODAY - timedelta(days=800 - n * 100),
        )
        db.session.add(
            EquipmentItem(
                agreement_id=agreement.id,
                item_type=f"Écran {n}",
                issued_date=TODAY - timedelta(days=800),
            )
        )
    make_agreement(
        employee_id=employee.id,
        status="draft",
        days_per_week=Decimal("1"),
        weekly_pattern="11000000000000",
    )
    db.session.commit()
    employee_id = employee.id
    db.session.expunge_all()
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        views = services.my_agreements(employee_id, TODAY)
        for view in views:
            _ = (view.agreement.place, view.agreement.events, view.equipment)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(views) == 4  # the draft is HR's working copy
    assert all(len(v.equipment) == 1 for v in views)
    assert len(statements) <= 5


def test_export_is_scoped_to_the_employee(ctx):
    alice = make_employee(first_name="Alice", personnel_number="EXP-A")
    bruno = make_employee(
        first_name="Bruno",
        last_name="Exportable",
        personnel_number="EXP-B",
        home_address="99 rue Cachée",
    )
    user = make_user("alice.export@example.test", role="employee", employee_id=alice.id)
    make_user("bruno.export@example.test", role="employee", employee_id=bruno.id)
    _agreement(alice.id, "active", TODAY - timedelta(days=200), TODAY - timedelta(days=110))
    other = _agreement(bruno.id, "active", TODAY - timedelta(days=200), TODAY - timedelta(days=110))
    make_document(alice.id)
    make_document(bruno.id, other.id)
    data = services.build_export(
        db.session.get(Employee, alice.id), db.session.get(User, user.id), TODAY
    )
    body = json.dumps(data, ensure_ascii=False)
    assert data["employee"]["personnel_number"] == "EXP-A"
    assert len(data["agreements"]) == 1 and len(data["documents"]) == 1
    for secret in ("EXP-B", "Exportable", "99 rue Cachée", "bruno.export", "pdf_bytes"):
        assert secret not in body
    assert data["about"]["codes"]["agreement_status"]["ending"]
