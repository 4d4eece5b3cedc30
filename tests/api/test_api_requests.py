"""Recording a telework request through the API: the request service's own checks."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from hrtele.extensions import db
from hrtele.models import AuditEntry, TeleworkRequest
from tests.api.conftest import problem_of, row_counts
from tests.factories import make_employee, make_employer, make_place, make_post


def _employee(app, **kw) -> str:
    with app.app_context():
        make_employer()
        post = make_post(code="REQ-P", is_eligible=kw.pop("eligible", True))
        return make_employee(personnel_number="REQ-1", post_id=post.id, **kw).personnel_number


def test_record_a_request(app, api, frozen_today):
    frozen_today(date(2026, 9, 10))
    number = _employee(app)
    response = api.post("/api/v1/requests", as_="write", json={
        "personnel_number": number.lower(), "request_date": "2026-09-08", "wished_days": 1.5,
        "wished_half_days": ["tue_am", "tue_pm", "fri_am"], "home_from_file": True,
        "motive": "Trajets longs"})
    assert response.status_code == 201, response.data
    created = response.get_json()
    assert created["status"] == "pending" and created["wished_days"] == 1.5
    assert [h["label"] for h in created["wished_half_days"]] == [
        "mardi matin", "mardi après-midi", "vendredi matin"]
    assert response.headers["Location"] == f"/api/v1/requests/{created['id']}"
    with app.app_context():
        req = db.session.get(TeleworkRequest, created["id"])
        assert req.wished_pattern == "00110000100000"
        assert req.place.kind == "home"  # the home from the employee's file, created
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.object_type == "telework_requests"))
        assert entry.actor_label.startswith("API « Test write »")


def test_blocking_rules_and_warnings(app, api, frozen_today):
    frozen_today(date(2026, 9, 10))
    number = _employee(app, eligible=False)
    before = row_counts(app)
    future = api.post("/api/v1/requests", as_="write", json={
        "personnel_number": number, "request_date": "2026-12-01", "wished_days": 7,
        "wished_half_days": ["mon_am", "noon"]})
    problem = problem_of(future)
    assert future.status_code == 422
    assert {e["field"] for e in problem["errors"]} == {"wished_half_days.1"}
    too_many = api.post("/api/v1/requests", as_="write", json={
        "personnel_number": number, "request_date": "2026-09-01", "wished_days": 7})
    assert problem_of(too_many)["errors"] == [{
        "field": "wished_days",
        "message": "Entre 0,5 et 5 jours par semaine, en journées ou demi-journées."}]
    dated = api.post("/api/v1/requests", as_="write", json={
        "personnel_number": number, "request_date": "2026-12-01", "wished_days": 1})
    assert "request_date" in {e["field"] for e in problem_of(dated)["errors"]}
    warned = api.post("/api/v1/requests", as_="write", json={
        "personnel_number": number, "request_date": "2026-09-01", "wished_days": 1})
    problem = problem_of(warned)
    assert warned.status_code == 422
    assert problem["warnings"] and "confirm_warnings" in problem["detail"]
    assert row_counts(app) == before
    confirmed = api.post("/api/v1/requests", as_="write", json={
        "personnel_number": number, "request_date": "2026-09-01", "wished_days": 1,
        "confirm_warnings": True})
    assert confirmed.status_code == 201


def test_unknown_employee_and_foreign_home(app, api, frozen_today):
    frozen_today(date(2026, 9, 10))
    number = _employee(app)
    unknown = api.post("/api/v1/requests", as_="write", json={
        "personnel_number": "PERSONNE", "request_date": "2026-09-01", "wished_days": 1})
    assert problem_of(unknown)["errors"][0]["field"] == "personnel_number"
    with app.app_context():
        other = make_employee(personnel_number="REQ-2")
        foreign_home = make_place(employee_id=other.id).id
    foreign = api.post("/api/v1/requests", as_="write", json={
        "personnel_number": number, "request_date": "2026-09-01", "wished_days": 1,
        "place_id": foreign_home, "confirm_warnings": True})
    assert {"field": "place_id", "message": "Ce domicile est celui d'un autre salarié."} in \
        problem_of(foreign)["errors"]
