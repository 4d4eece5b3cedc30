"""Services shared by the web screens and the CLI: requests, employees, places, domain adapters.

Called directly (no HTTP), on SQLite and PostgreSQL, inside an app context.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from hrtele.domain.lifecycle import TransitionRefused
from hrtele.domain.terms import Violation
from hrtele.domain_adapters import (
    RuleViolations,
    agreement_terms,
    employee_terms,
    employer_policy,
    input_error,
    policy_terms,
    post_terms,
    request_terms,
    require_compliance,
)
from hrtele.editing import BusinessRuleError, ConcurrentEditError
from hrtele.employees.services import (
    create_employee,
    current_agreement_status,
    employee_choices,
    pending_request_counts,
    update_employee,
)
from hrtele.models import AuditEntry, Employee, Place, TeleworkRequest
from hrtele.places.services import create_place, place_choices, update_place
from hrtele.requests.services import (
    HOME_FROM_FILE,
    accept_request,
    create_request,
    days_waited,
    refuse_request,
    request_violations,
    update_request,
    withdraw_request,
)
from tests.factories import (
    make_agreement,
    make_employee,
    make_place,
    make_policy,
    make_post,
    make_request,
    make_user,
)

TODAY = date(2026, 11, 20)


def request_data(emp_id: int, /, **changes) -> dict:
    data = {
        "employee_id": emp_id,
        "request_date": date(2026, 11, 2),
        "initiative": "employee",
        "wished_days": Decimal("2"),
        "wished_pattern": "11001100000000",
        "place_id": None,
        "motive": "Trajets",
    }
    data.update(changes)
    return data


@pytest.fixture
def hr(db_session):
    return make_user(email="rh@example.test", role="hr")


@pytest.fixture
def employee(db_session):
    return make_employee(home_address="9 rue Basse, 09000 Foix")


def count(session, model) -> int:
    return session.scalar(select(func.count(model.id)))


# --------------------------------------------------------------------------------------------
# Recording requests
# --------------------------------------------------------------------------------------------


def test_create_request_flushes_and_audits(db_session, hr, employee):
    req = create_request(request_data(employee.id), hr, today=TODAY)
    db_session.commit()
    assert req.id and req.status == "pending" and req.wished_pattern == "11001100000000"
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.object_type == "telework_requests"))
    assert entry.action == "create" and entry.actor_id == hr.id


def test_warnings_refuse_unless_confirmed(db_session, hr, employee):
    data = request_data(employee.id, wished_days=Decimal("3"), wished_pattern="11111100000000")
    with pytest.raises(RuleViolations) as caught:
        create_request(data, hr, today=TODAY)
    assert caught.value.warnings and not caught.value.blocking
    assert any("plafonne" in v.message for v in caught.value.warnings)
    db_session.rollback()
    assert count(db_session, TeleworkRequest) == 0
    req = create_request(data, hr, confirm_warnings=True, today=TODAY)
    db_session.commit()
    assert req.wished_days == Decimal("3")


BLOCKING_REQUEST_INPUT = [
        ({"request_date": date(2026, 11, 25)}, "request_date"),  # after TODAY
        ({"request_date": None}, "request_date"),
        ({"wished_days": None}, "wished_days"),
        ({"wished_days": Decimal("0")}, "wished_days"),
        ({"wished_days": Decimal("1.3")}, "wished_days"),
        ({"wished_days": Decimal("7")}, "wished_days"),
        ({"wished_pattern": "11x"}, "wished_pattern"),
        ({"initiative": "boss"}, "initiative"),
        ({"employee_id": 999999}, "employee_id"),
        ({"place_id": 999999}, "place_id"),
        ({"motive": "m" * 4001}, "motive"),
]


def test_blocking_input_refuses_even_confirmed(db_session, hr, employee):
    for changes, field in BLOCKING_REQUEST_INPUT:
        with pytest.raises(RuleViolations) as caught:
            create_request(request_data(employee.id, **changes), hr, confirm_warnings=True,
                           today=TODAY)
        assert field in {v.field for v in caught.value.blocking}, changes
        db_session.rollback()
    assert count(db_session, TeleworkRequest) == 0


def test_rules_engine_violations_are_mapped(db_session, employee):
    make_policy(seniority_months=120)
    violations = request_violations(request_data(employee.id), today=TODAY)
    assert any(v.field == "employee" and "Ancienneté" in v.message and not v.blocking
               for v in violations)


def test_home_from_file_creates_a_home_place(db_session, hr, employee):
    req = create_request(request_data(employee.id, place_id=HOME_FROM_FILE), hr, today=TODAY)
    db_session.commit()
    place = db_session.get(Place, req.place_id)
    assert place.kind == "home" and place.employee_id == employee.id
    assert place.address == "9 rue Basse, 09000 Foix"


def test_update_request_checks_version_and_status(db_session, hr, employee):
    req = make_request(employee_id=employee.id, request_date=date(2026, 11, 2))
    with pytest.raises(ConcurrentEditError):
        update_request(req, request_data(employee.id), req.version + 1, hr, today=TODAY)
    update_request(req, request_data(employee.id, wished_days=Decimal("1"),
                                     wished_pattern="00000000000000"), req.version, hr, today=TODAY)
    db_session.commit()
    assert req.wished_days == Decimal("1") and req.version == 2
    accept_request(req, TODAY, req.version, hr, today=TODAY)
    db_session.commit()
    with pytest.raises(BusinessRuleError, match="déjà reçu une réponse"):
        update_request(req, request_data(employee.id), req.version, hr, today=TODAY)


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


@pytest.fixture
def pending(db_session, employee):
    return make_request(employee_id=employee.id, request_date=date(2026, 11, 2))


def test_accept_stamps_and_audits(db_session, hr, pending):
    accept_request(pending, date(2026, 11, 10), pending.version, hr, today=TODAY)
    db_session.commit()
    assert pending.status == "accepted" and pending.decision_date == date(2026, 11, 10)
    assert pending.decided_by_id == hr.id and pending.decided_dt is not None
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "transition"))
    assert '"event": "accept"' in entry.changes_json and '"accepted"' in entry.changes_json
    assert days_waited(pending) == 8


def test_refuse_needs_a_reason(db_session, hr, pending):
    with pytest.raises(TransitionRefused) as caught:
        refuse_request(pending, "   ", TODAY, pending.version, hr, today=TODAY)
    assert caught.value.field == "reason"
    db_session.rollback()
    assert db_session.get(TeleworkRequest, pending.id).status == "pending"
    refuse_request(pending, " Poste d'accueil ", TODAY, pending.version, hr, today=TODAY)
    db_session.commit()
    assert pending.status == "refused" and pending.refusal_reason == "Poste d'accueil"


def test_withdraw(db_session, hr, pending):
    withdraw_request(pending, TODAY, pending.version, hr, today=TODAY)
    db_session.commit()
    assert pending.status == "withdrawn" and days_waited(pending) == 18


def test_decided_requests_are_final(db_session, hr, employee):
    for status in ("accepted", "refused", "withdrawn"):
        req = make_request(employee_id=employee.id, request_date=date(2026, 11, 2),
                           status=status, decision_date=date(2026, 11, 5))
        for action, args in (
            (accept_request, ()),
            (refuse_request, ("Motif",)),
            (withdraw_request, ()),
        ):
            with pytest.raises(TransitionRefused, match="Impossible"):
                action(req, *args, TODAY, req.version, hr, today=TODAY)
            db_session.rollback()
        assert db_session.get(TeleworkRequest, req.id).status == status
    assert db_session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "transition")) == 0


def test_decision_date_is_checked(db_session, hr, pending):
    for decision_date in (None, date(2026, 11, 1), TODAY + timedelta(days=1)):
        with pytest.raises(RuleViolations) as caught:
            accept_request(pending, decision_date, pending.version, hr, today=TODAY)
        assert caught.value.blocking[0].field == "decision_date"
        db_session.rollback()
    assert db_session.get(TeleworkRequest, pending.id).status == "pending"


def test_stale_decision_is_a_conflict(db_session, hr, pending):
    with pytest.raises(ConcurrentEditError):
        accept_request(pending, TODAY, pending.version - 1, hr, today=TODAY)
    assert pending.status == "pending"


def test_departed_employee_request_cannot_be_accepted(db_session, hr):
    employee = make_employee(is_active=False)
    req = make_request(employee_id=employee.id, request_date=date(2026, 11, 2))
    with pytest.raises(BusinessRuleError, match="ne fait plus partie des effectifs"):
        accept_request(req, TODAY, req.version, hr, today=TODAY)


# --------------------------------------------------------------------------------------------
# Employees and places
# --------------------------------------------------------------------------------------------


def employee_data(**changes) -> dict:
    data = {
        "personnel_number": "CLI-1", "civility": "M.", "first_name": "Ali", "last_name": "Ben",
        "email": "", "post_id": None, "category_id": None, "hire_date": date(2021, 3, 1),
        "contract_date": None, "working_time_rate": 100, "home_address": "",
        "commute_km": Decimal("3.5"), "commute_mode": "velo", "manager_id": None,
        "is_active": True,
    }
    data.update(changes)
    return data


def test_create_employee_and_duplicate_number(db_session, hr):
    employee = create_employee(employee_data(), hr)
    db_session.commit()
    assert employee.id and employee.commute_km == Decimal("3.5")
    with pytest.raises(RuleViolations) as caught:
        create_employee(employee_data(personnel_number="cli-1"), hr)
    assert caught.value.blocking[0].field == "personnel_number"


BAD_EMPLOYEE_DATA = [
        ({"working_time_rate": 0}, "working_time_rate"),
        ({"working_time_rate": 101}, "working_time_rate"),
        ({"commute_km": Decimal("-1")}, "commute_km"),
        ({"commute_mode": "fusée"}, "commute_mode"),
        ({"civility": "Dr"}, "civility"),
        ({"post_id": 999999}, "post_id"),
        ({"category_id": 999999}, "category_id"),
        ({"manager_id": 999999}, "manager_id"),
        ({"first_name": " "}, "first_name"),
        ({"personnel_number": ""}, "personnel_number"),
]


def test_create_employee_refuses_bad_data(db_session, hr):
    for changes, field in BAD_EMPLOYEE_DATA:
        with pytest.raises(RuleViolations) as caught:
            create_employee(employee_data(**changes), hr)
        assert field in {v.field for v in caught.value.violations}, changes
        db_session.rollback()
    assert count(db_session, Employee) == 0


def test_manager_cycles_are_refused(db_session, hr):
    top = make_employee()
    middle = make_employee(manager_id=top.id)
    bottom = make_employee(manager_id=middle.id)
    data = employee_data(personnel_number=top.personnel_number, manager_id=bottom.id)
    with pytest.raises(RuleViolations, match="boucle hiérarchique"):
        update_employee(top, data, top.version, hr)
    db_session.rollback()
    assert db_session.get(Employee, top.id).manager_id is None
    with pytest.raises(RuleViolations, match="son propre responsable"):
        update_employee(top, dict(data, manager_id=top.id), top.version, hr)


def test_list_aggregates(db_session):
    first = make_agreement(status="cancelled")
    make_agreement(employee_id=first.employee_id, status="active")
    second = make_employee()
    make_request(employee_id=second.id)
    make_request(employee_id=second.id)
    ids = [first.employee_id, second.id]
    assert current_agreement_status(ids) == {first.employee_id: "active"}
    assert pending_request_counts(ids) == {second.id: 2}
    assert current_agreement_status([]) == {} and pending_request_counts([]) == {}


def test_employee_choices_search_and_include(db_session):
    kept = make_employee(last_name="Zeta")
    gone = make_employee(last_name="Omega", is_active=False)
    ids = [i for i, _ in employee_choices(term="zeta")]
    assert ids == [kept.id]
    assert gone.id not in [i for i, _ in employee_choices()]
    assert gone.id in [i for i, _ in employee_choices(include_id=gone.id, term="zeta")]
    last = make_employee(last_name="Zzz")
    limited = [i for i, _ in employee_choices(limit=1, include_id=last.id)]
    assert len(limited) == 2 and limited[0] == last.id


def test_places_home_and_third_place(db_session, hr, employee):
    home = create_place({"kind": "home", "employee_id": employee.id, "third_place_type": "x",
                         "name": "", "address": "", "capacity": 4}, hr)
    assert (home.name, home.address, home.third_place_type, home.capacity) == (
        "Domicile", "9 rue Basse, 09000 Foix", "", None)
    third = create_place({"kind": "third_place", "employee_id": employee.id,
                          "third_place_type": "telecentre", "name": "Télécentre",
                          "address": "Place du Marché", "capacity": 8}, hr)
    db_session.commit()
    assert third.employee_id is None
    other = make_employee()
    assert {i for i, _ in place_choices(other.id)} == {third.id}
    assert {i for i, _ in place_choices(employee.id)} == {home.id, third.id}
    with pytest.raises(ConcurrentEditError):
        update_place(third, {"kind": "third_place", "third_place_type": "coworking",
                             "name": "X", "address": "Y"}, third.version + 3, hr)
    with pytest.raises(RuleViolations) as caught:
        create_place({"kind": "third_place", "third_place_type": "", "name": "",
                      "address": ""}, hr)
    assert {v.field for v in caught.value.violations} == {"third_place_type", "name", "address"}


# --------------------------------------------------------------------------------------------
# Domain adapters
# --------------------------------------------------------------------------------------------


def test_policy_terms_of_defaults_match_a_stored_policy(db_session):
    assert employer_policy() is None
    defaults = policy_terms(None)
    make_policy()
    assert policy_terms(employer_policy()) == defaults
    assert defaults.max_days_per_week == Decimal("2") and defaults.half_days_allowed


def test_post_employee_request_terms(db_session):
    post = make_post(is_eligible=False, eligibility_reason="  Accueil  ",
                     max_days_per_week=Decimal("1.5"))
    terms = post_terms(post)
    assert (terms.is_eligible, terms.ineligibility_reason, terms.max_days_per_week) == (
        False, "Accueil", Decimal("1.5"))
    assert post_terms(None).is_eligible is False
    employee = make_employee(first_name="Léa", last_name="Roux", working_time_rate=80)
    e = employee_terms(employee)
    assert (e.full_name, e.working_time_rate, e.is_active) == ("Léa ROUX", 80, True)
    req = make_request(employee_id=employee.id, wished_days=Decimal("1.5"))
    assert request_terms(req).wished_days == Decimal("1.5")
    assert request_terms(None) is None
    unsaved = request_terms(TeleworkRequest(request_date=date(2026, 1, 5), wished_days=1))
    assert unsaved.status == "pending" and unsaved.wished_days == Decimal("1")


def test_agreement_terms(db_session):
    agreement = make_agreement()
    terms = agreement_terms(agreement)
    assert terms.place_kind == "home" and terms.days_per_week == Decimal("2")
    assert terms.weekly_pattern == "11001100000000" and terms.allowance_amount == Decimal("10.00")
    assert terms.start_date == agreement.start_date and terms.equipment
    third = make_place(kind="third_place", third_place_type="coworking", name="C")
    assert agreement_terms(agreement, place=third).place_kind == "third_place"
    shadow = agreement_terms(SimpleNamespace(start_date=None, days_per_week="1.5"))
    assert shadow.days_per_week == Decimal("1.5") and shadow.allowance_scheme == "none"
    assert shadow.place_kind is None and shadow.contact_slots == ""


def test_require_compliance():
    warning = Violation("a", "attention", "", False)
    blocking = input_error("b", "non")
    require_compliance([])
    require_compliance([warning], confirm_warnings=True)
    with pytest.raises(RuleViolations):
        require_compliance([warning])
    with pytest.raises(RuleViolations) as caught:
        require_compliance([warning, *blocking.violations], confirm_warnings=True)
    assert caught.value.blocking[0].field == "b" and str(caught.value) == "attention non"
