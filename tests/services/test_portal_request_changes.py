"""Employee's space services (issue 13): change or withdraw a pending request, two places,
each day's place, this week's days (with one-off changes from the planning)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError, ConcurrentEditError
from hrtele.extensions import db
from hrtele.models import AuditEntry, DayChange, User
from hrtele.portal import services
from hrtele.requests.services import HOME_FROM_FILE
from tests.factories import (
    make_agreement,
    make_employee,
    make_employer,
    make_place,
    make_request,
    make_user,
)

TODAY = date(2027, 3, 17)  # a Wednesday


@pytest.fixture
def ctx(app):
    """A request context (URLs, audit IP) with the employer configured."""
    with app.test_request_context("/mon-espace/"):
        make_employer()
        yield db.session
        db.session.rollback()


@pytest.fixture
def setup(ctx):
    employee = make_employee(home_address="4 rue Neuve, 09000 Foix")
    user = make_user("paul.services@example.test", role="employee", employee_id=employee.id)
    third = make_place(kind="third_place", name="Cap Delta", third_place_type="telecentre")
    req = make_request(employee_id=employee.id, request_date=TODAY - timedelta(days=5),
                       wished_pattern="11110000000000")
    return employee, db.session.get(User, user.id), third, req


def _wishes(third_id: int | None = None, pattern: str = "11000000220000", days: str = "2"):
    return {"wished_days": Decimal(days), "wished_pattern": pattern, "place_id": HOME_FROM_FILE,
            "second_place_id": third_id, "motive": "Trajets"}


def test_change_keeps_the_date_and_records_both_places(setup):
    employee, user, third, req = setup
    version = req.version
    services.change_own_request(req, employee, _wishes(third.id), version, user, TODAY)
    db.session.flush()
    assert req.request_date == TODAY - timedelta(days=5)
    assert req.place.kind == "home" and req.second_place_id == third.id
    assert req.wished_pattern == "11000000220000"
    assert req.status == "pending"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.object_type == "telework_requests", AuditEntry.action == "update")) == 1


def test_change_with_a_stale_version_is_refused(setup):
    employee, user, third, req = setup
    with pytest.raises(ConcurrentEditError):
        services.change_own_request(req, employee, _wishes(third.id), req.version + 1, user,
                                    TODAY)
    assert req.wished_pattern == "11110000000000"


def test_pattern_at_a_second_place_needs_that_place(setup):
    employee, user, _third, req = setup
    with pytest.raises(RuleViolations) as excinfo:
        services.change_own_request(req, employee, _wishes(None), req.version, user, TODAY)
    assert any(v.field == "wished_pattern" for v in excinfo.value.violations)


def test_second_place_must_differ_from_the_first(setup):
    employee, user, third, req = setup
    data = dict(_wishes(third.id), place_id=third.id)
    with pytest.raises(RuleViolations) as excinfo:
        services.change_own_request(req, employee, data, req.version, user, TODAY)
    assert any("différer" in v.message for v in excinfo.value.violations)


@pytest.mark.parametrize("status", ["accepted", "refused", "withdrawn"])
def test_decided_requests_are_frozen(setup, status):
    employee, user, third, req = setup
    req.status, req.decision_date = status, TODAY
    db.session.flush()
    with pytest.raises(BusinessRuleError):
        services.change_own_request(req, employee, _wishes(third.id), req.version, user, TODAY)
    with pytest.raises(BusinessRuleError):
        services.withdraw_own_request(req, req.version, user, TODAY)
    assert req.status == status


def test_withdraw_dates_the_decision_and_audits_it(setup):
    _employee, user, _third, req = setup
    services.withdraw_own_request(req, req.version, user, TODAY)
    assert req.status == "withdrawn" and req.decision_date == TODAY
    assert req.decided_by_id == user.id
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.object_type == "telework_requests", AuditEntry.action == "transition")) == 1


def test_hr_edit_keeps_the_employees_second_place(setup):
    from hrtele.requests.services import update_request

    employee, user, third, req = setup
    services.change_own_request(req, employee, _wishes(third.id), req.version, user, TODAY)
    db.session.flush()
    data = {"employee_id": employee.id, "request_date": req.request_date,
            "initiative": "employee", "wished_days": Decimal("2"),
            "wished_pattern": req.wished_pattern, "place_id": req.place_id, "motive": "x"}
    update_request(req, data, req.version, None, confirm_warnings=True, today=TODAY)
    assert req.second_place_id == third.id


@pytest.mark.parametrize(("kind", "form", "stored"), [
    (services.PLACE_HOME, "11000000000000", "11000000000000"),
    (services.PLACE_THIRD, "22000000000000", "11000000000000"),
    (services.PLACE_BOTH, "11000000220000", "11000000220000"),
])
def test_form_and_stored_patterns_round_trip(ctx, kind, form, stored):
    assert services.stored_pattern(form, kind) == stored
    place = make_place(kind="third_place", name="T") if kind == services.PLACE_THIRD else \
        make_place()
    second = make_place(kind="third_place", name="S") if kind == services.PLACE_BOTH else None
    req = make_request(place_id=place.id, second_place_id=second.id if second else None,
                       wished_pattern=stored)
    assert services.request_place_kind(req) == kind
    assert services.form_pattern(req) == form


def test_days_by_place_names_each_half_day(ctx):
    home = make_place()
    third = make_place(kind="third_place", name="Cap Delta")
    agreement = make_agreement(place_id=home.id, second_place_id=third.id,
                               weekly_pattern="11000021000000")
    days = services.days_by_place(agreement)
    assert [(d.label, d.morning, d.afternoon) for d in days] == [
        ("Lundi", "domicile", "domicile"), ("Jeudi", "Cap Delta", "domicile")]
    agreement.weekly_pattern = "0" * 14
    assert services.days_by_place(agreement) == []


def test_this_week_includes_an_approved_one_off_change(ctx, app):
    employee = make_employee()
    home = make_place(employee_id=employee.id)
    agreement = make_agreement(employee_id=employee.id, place_id=home.id, status="active",
                   weekly_pattern="11000000000000", start_date=TODAY - timedelta(days=60),
                   adaptation_end_date=None)
    monday = TODAY - timedelta(days=TODAY.weekday())
    db.session.add(DayChange(employee_id=employee.id, agreement_id=agreement.id, kind="move", half="day",
                             from_date=monday, to_date=monday + timedelta(days=1),
                             status="approved", motive=""))
    db.session.commit()
    week, _grid = services.this_week(employee.id, TODAY)
    by_day = {w.day: (w.morning.kind, w.afternoon.kind, w.morning.changed) for w in week}
    assert by_day[monday][0] == "office"
    assert by_day[monday + timedelta(days=1)] == ("telework", "telework", True)
    assert len(week) == 5  # Saturday and Sunday are not worked

