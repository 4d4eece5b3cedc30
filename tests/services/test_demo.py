"""Demo data: contents, internal consistency, accounts, and the `demo-data` command."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select

from hrtele.auth.passwords import password_problems
from hrtele.demo.data import DEMO_ACCOUNTS, EMPLOYER, TELECENTRES
from hrtele.demo.loader import load_demo
from hrtele.documents import services as documents_services
from hrtele.domain import lifecycle as lc
from hrtele.domain.dates import add_months, first_interview_due, next_interview_deadline
from hrtele.domain.lifecycle import TransitionRefused
from hrtele.domain.pattern import has_half_days, pattern_days
from hrtele.domain.rules import check_activation, check_agreement
from hrtele.domain.terms import PolicyTerms
from hrtele.domain_adapters import (
    agreement_terms,
    employee_terms,
    policy_terms,
    post_terms,
    request_terms,
)
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.lifecycle import services as lifecycle_services
from hrtele.models import (
    Agreement,
    AgreementEvent,
    AnnualInterview,
    AuditEntry,
    Category,
    Employee,
    Employer,
    EquipmentItem,
    Place,
    Policy,
    Post,
    TeleworkRequest,
    User,
)
from hrtele.models.agreement import AGREEMENT_STATUSES
from hrtele.models.request import REQUEST_STATUSES
from hrtele.requests import services as requests_services
from tests.conftest import login
from tests.factories import make_employer

TODAY = date(2026, 3, 15)
STARTED = (lc.ADAPTATION, lc.ACTIVE, lc.SUSPENDED, lc.ENDING, lc.ENDED)
RUNNING = (lc.ADAPTATION, lc.ACTIVE, lc.SUSPENDED, lc.ENDING)


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _blocking(agreement: Agreement, policy: PolicyTerms, today: date) -> list[str]:
    """Blocking rule violations of a stored agreement (activation rules once it has started)."""
    employee = agreement.employee
    check = check_activation if agreement.status in STARTED else check_agreement
    violations = check(agreement_terms(agreement), post_terms(employee.post),
                       employee_terms(employee), request_terms(agreement.request), policy, today)
    return [v.message for v in violations if v.blocking]


# The documents area issues version n + 1 of a running agreement's avenant (after an amendment
# or a renewal) as a same-state 'reissue' event.
REISSUED_IN = (lc.ADAPTATION, lc.ACTIVE, lc.SUSPENDED)


def _replay(agreement: Agreement, events: list[AgreementEvent], today: date) -> None:
    """The timeline is a valid path of the state machine ending in the current status."""
    state = None if agreement.kind == "exceptional" else lc.DRAFT
    previous_date = None
    for event in events:
        assert event.from_state == state, (agreement.id, event.event)
        if event.event == lc.REISSUE and state in REISSUED_IN:
            assert event.to_state == state
        else:
            assert (state, event.event) in lc.TRANSITIONS, (agreement.id, state, event.event)
            assert event.to_state in lc.TRANSITIONS[(state, event.event)]
        assert event.event_date <= today
        assert previous_date is None or event.event_date >= previous_date
        assert event.note.strip()
        state, previous_date = event.to_state, event.event_date
    assert state == agreement.status, (agreement.id, state, agreement.status)


def check_demo(today: date) -> dict[str, list[Agreement]]:
    """Assert everything the demo promises; returns the agreements by status."""
    session = db.session
    employer = session.scalars(select(Employer)).one()
    assert employer.name == EMPLOYER["name"]
    assert len(employer.siret) == 14 and _luhn(employer.siret) and _luhn(employer.siret[:9])
    assert employer.representative_name and employer.it_charter_ref
    policy = session.scalars(select(Policy)).one()
    policy = policy_terms(policy)
    assert len(employer.establishments) >= 3
    assert session.scalar(select(func.count(Category.id))) == 3

    posts = session.scalars(select(Post)).all()
    assert len(posts) >= 30
    ineligible = [p for p in posts if not p.is_eligible]
    assert len(ineligible) >= 5
    assert all(p.eligibility_reason.strip() for p in ineligible)
    assert any(p.is_vacant and p.is_eligible for p in posts)
    assert any(p.is_vacant and not p.is_eligible for p in posts)
    assert any(p.max_days_per_week is not None for p in posts)
    assert len({p.department for p in posts}) >= 8

    employees = session.scalars(select(Employee)).all()
    active = [e for e in employees if e.is_active]
    assert len(active) >= 100
    assert len({e.email for e in employees}) == len(employees)
    assert {e.working_time_rate for e in active} >= {100, 90, 80, 50}
    assert {e.category_id for e in active} == {c.id for c in session.scalars(select(Category))}
    assert len({p.department for p in posts if any(e.post_id == p.id for e in active)}) >= 8
    assert sum(e.manager_id is None for e in active) == 1  # only the managing director
    assert any(e.hire_date > date(today.year - 1, today.month, 1) for e in active)
    assert all(e.post_id is not None and e.home_address and e.commute_km > 0 for e in employees)
    assert len({e.commute_mode for e in employees}) >= 4

    telecentres = session.scalars(select(Place).where(Place.third_place_type == "telecentre")).all()
    assert sorted(p.name for p in telecentres) == sorted(t.name for t in TELECENTRES)
    assert all(p.kind == "third_place" and p.capacity for p in telecentres)
    for town in ("Verniolle", "Saint-Lizier", "Lavelanet", "Auch", "Lectoure", "Lombez",
                 "Mauvezin", "Mirande", "Montréal", "Nogaro", "Riscle"):
        assert any(town in p.address or town in p.name for p in telecentres), town

    requests = session.scalars(select(TeleworkRequest)).all()
    assert {r.status for r in requests} == set(REQUEST_STATUSES)
    for request in requests:
        assert request.request_date <= today
        assert pattern_days(request.wished_pattern) in (0, request.wished_days)
        if request.status != "pending":  # withdrawals are dated like decisions
            assert request.decided_by_id is not None
            assert request.request_date < request.decision_date <= today
        else:
            assert request.decision_date is None and request.decided_by_id is None
        assert bool(request.refusal_reason.strip()) == (request.status == "refused")

    agreements = session.scalars(select(Agreement).order_by(Agreement.id)).all()
    by_status: dict[str, list[Agreement]] = {s: [] for s in AGREEMENT_STATUSES}
    for agreement in agreements:
        by_status[agreement.status].append(agreement)
    assert all(by_status.values()), {s: len(v) for s, v in by_status.items()}
    events = session.scalars(select(AgreementEvent).order_by(AgreementEvent.id)).all()
    events_of: dict[int, list[AgreementEvent]] = {}
    for event in events:
        events_of.setdefault(event.agreement_id, []).append(event)
    equipment_of: dict[int, list[EquipmentItem]] = {}
    for item in session.scalars(select(EquipmentItem)):
        equipment_of.setdefault(item.agreement_id, []).append(item)
    interviews_of: dict[int, list[date]] = {}
    for interview in session.scalars(select(AnnualInterview)):
        interviews_of.setdefault(interview.agreement_id, []).append(interview.held_date)

    overdue = []
    for agreement in agreements:
        _replay(agreement, events_of.get(agreement.id, []), today)
        assert agreement.place is not None
        if agreement.place.kind == "home":
            assert agreement.place.employee_id == agreement.employee_id
        if agreement.kind == "exceptional":
            assert agreement.request_id is None and agreement.status in (lc.IMPOSED, lc.ENDED)
            assert agreement.suspension_reason and agreement.suspension_start_date
            assert (agreement.ended_date is not None) == (agreement.status == lc.ENDED)
            continue
        assert agreement.request.status == "accepted"
        assert agreement.request.employee_id == agreement.employee_id
        assert pattern_days(agreement.weekly_pattern) in (0, agreement.days_per_week)
        if agreement.employee.is_active:
            assert _blocking(agreement, policy, today) == [], agreement.id
        if agreement.status in STARTED:
            assert agreement.start_date <= today
            assert agreement.employee_signed_date and agreement.employer_signed_date
            assert max(agreement.employee_signed_date, agreement.employer_signed_date) \
                <= agreement.start_date
            assert equipment_of[agreement.id]
            returned = [i.returned_date is not None for i in equipment_of[agreement.id]]
            assert all(returned) if agreement.status == lc.ENDED else not any(returned)
        if agreement.status in (lc.DRAFT, lc.ISSUED, lc.CANCELLED):
            assert agreement.employee_signed_date is None
        if agreement.status in (lc.ENDING, lc.ENDED):
            assert agreement.ending_notification_date <= today
            if agreement.status == lc.ENDED:
                assert agreement.ending_effective_date <= agreement.ended_date <= today
            assert agreement.ending_initiative in ("employee", "employer")
            assert agreement.ending_method in ("lrar", "hand_delivery")
            assert agreement.ending_phase in ("adaptation", "after_adaptation")
            assert agreement.ending_notice_days in (agreement.notice_days_during_adaptation,
                                                    agreement.notice_days_after_adaptation)
            assert agreement.ending_return_arrangements.strip()
            assert agreement.ending_notification_date + timedelta(
                days=agreement.ending_notice_days) <= agreement.ending_effective_date
            if agreement.end_date is not None:
                assert agreement.ending_effective_date <= agreement.end_date
        assert (agreement.ended_date is not None) == (agreement.status == lc.ENDED)
        if agreement.status in RUNNING:
            last = max(interviews_of.get(agreement.id, []), default=None)
            deadline = (
                next_interview_deadline(agreement.start_date, last)
                if last is not None
                else first_interview_due(agreement.start_date)
            )
            # The stored due date never lies beyond what L1222-10 4° (2012) allows.
            assert agreement.annual_interview_due_date <= deadline, agreement.id
            late = agreement.annual_interview_due_date < today
            if late:
                overdue.append(agreement)
    assert len(overdue) >= 2
    running = [a for s in RUNNING for a in by_status[s]]
    assert any(a.insurance_expiry_date and a.insurance_expiry_date < today for a in running)
    assert any(a.insurance_received_date is None for a in by_status[lc.SIGNED])
    assert any(a.place.third_place_type == "telecentre" for a in running)
    assert any(a.second_place is not None for a in running)
    assert any(has_half_days(a.weekly_pattern) for a in running)
    assert len({a.allowance_scheme for a in agreements}) >= 4
    assert any(a.amendment_version == 2 for a in running)
    assert any(a.has_pending_amendment for a in running)
    assert any(a.suspension_end_date < today for a in by_status[lc.IMPOSED])
    assert any(a.end_date is not None for a in running)
    # What HR has to do today: close an adaptation period whose last day has passed, record
    # the end of a notice that has run out; and notices still running.
    assert any(a.adaptation_end_date < today for a in by_status[lc.ADAPTATION])
    assert any(a.ending_effective_date <= today for a in by_status[lc.ENDING])
    assert any(a.ending_effective_date > today for a in by_status[lc.ENDING])
    assert any(a.end_date is not None for a in by_status[lc.ENDING])
    return by_status


def test_demo_passwords_satisfy_the_policy():
    for account in DEMO_ACCOUNTS:
        assert password_problems(account.password, email=account.email) == []
    assert len({a.password for a in DEMO_ACCOUNTS}) == len(DEMO_ACCOUNTS)
    assert {a.role for a in DEMO_ACCOUNTS} == {"admin", "hr", "employee"}


def test_demo_data_is_complete_and_consistent(app):
    with app.app_context():
        summary = load_demo(TODAY)
        db.session.commit()
        by_status = check_demo(TODAY)
        assert summary.posts >= 30 and summary.employees >= 100 and summary.telecentres == 11
        assert summary.agreements == {s: len(v) for s, v in by_status.items()}
        assert all(summary.requests.values())

        users = {u.email: u for u in db.session.scalars(select(User))}
        assert set(users) == {a.email for a in DEMO_ACCOUNTS}
        teleworking = {a.employee_id for s in (lc.ACTIVE, lc.ADAPTATION) for a in by_status[s]}
        with_agreement = {a.employee_id for a in db.session.scalars(select(Agreement))}
        employee_users = [u for u in users.values() if u.role == "employee"]
        assert sum(u.employee_id in teleworking for u in employee_users) >= 3
        assert any(u.employee_id not in with_agreement for u in employee_users)
        for account in DEMO_ACCOUNTS:
            user = users[account.email]
            assert user.role == account.role and user.display_name == account.display_name
            assert (user.employee_id is not None) == (account.role == "employee")
            if user.employee_id is not None:
                assert user.employee.email == account.email
        audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
        assert audit.object_type == "demo"

    for account in DEMO_ACCOUNTS:
        response = login(app.test_client(), account.email, account.password)
        assert response.status_code == 302, account.email
    assert login(app.test_client(), DEMO_ACCOUNTS[0].email, "wrong-password-123").status_code == 401


def test_demo_data_is_consistent_on_awkward_dates_and_seeds(app):
    """A leap day, a month end, a Sunday; the loader never commits, so each load is rolled back."""
    with app.app_context():
        for today, seed in ((date(2028, 2, 29), 7), (date(2027, 1, 31), 2026),
                            (date(2026, 8, 16), 2012)):
            load_demo(today, seed=seed)
            check_demo(today)
            check_transitions(today)
            db.session.rollback()
        assert db.session.scalar(select(func.count(Employer.id))) == 0


def test_load_demo_refuses_a_database_with_an_employer(app):
    with app.app_context():
        make_employer()
        with pytest.raises(BusinessRuleError, match="base vide"):
            load_demo(TODAY)
        db.session.rollback()
        assert db.session.scalar(select(func.count(Employee.id))) == 0


def _table_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_demo_command_loads_once_and_if_empty_changes_nothing(app, monkeypatch):
    # The documents step the command runs after loading renders real PDFs (about 0.2 s each):
    # keep it, bounded to one document of each kind, to keep this test fast.
    from hrtele.documents import demo as demo_documents

    monkeypatch.setattr(demo_documents, "issue_demo_documents", partial(
        demo_documents.issue_demo_documents, max_amendments=1, max_notices=1, max_refusals=1))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data", "--today", "15/03/2026"])
    assert result.exit_code == 0, result.output
    assert "DÉMONSTRATION UNIQUEMENT" in result.output
    assert "15/03/2026" in result.output
    for account in DEMO_ACCOUNTS:
        assert account.email in result.output and account.password in result.output
    with app.app_context():
        before = _table_counts()
        assert before["employers"] == 1 and before["employees"] >= 100
        assert before["issued_documents"] >= 1

    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert "déjà un employeur" in again.output
    assert "DÉMONSTRATION" not in again.output

    refused = runner.invoke(args=["demo-data", "--today", "15/03/2026"])
    assert refused.exit_code != 0
    assert "base vide" in refused.output
    with app.app_context():
        assert _table_counts() == before


@pytest.mark.parametrize("value", ["31/02/2026", "demain", "2026-13-01", "<script>"])
def test_demo_command_rejects_a_bad_date(app, value):
    result = app.test_cli_runner().invoke(args=["demo-data", "--today", value])
    assert result.exit_code != 0
    assert "Date invalide" in result.output or "Date impossible" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Employer.id))) == 0


def test_demo_command_rejects_an_out_of_range_date(app):
    result = app.test_cli_runner().invoke(args=["demo-data", "--today", "01/01/1900"])
    assert result.exit_code != 0
    assert "hors limites" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Employer.id))) == 0


def test_default_reference_date_is_the_paris_calendar_day():
    from hrtele.clock import today

    assert abs((today() - date.today()).days) <= 1


# --------------------------------------------------------------------------------------------
# Every transition HR can trigger from the screens is possible on the demo data, today
# --------------------------------------------------------------------------------------------

# (source state, event) pairs the lifecycle screens run through lifecycle.services.transition.
UI_TRANSITIONS = sorted(
    (state, event)
    for (state, event) in lc.TRANSITIONS
    if state is not None and event in lifecycle_services.UI_EVENTS
)


def _transition_data(agreement: Agreement, event: str, today: date) -> dict:
    """What HR would type in the event's form today (every date is today or a sane future)."""
    data: dict = {"version": agreement.version}
    if event == lc.SIGN:
        data.update(employee_signed_date=today, employer_signed_date=today)
    elif event in (lc.ACTIVATE, lc.END_ADAPTATION, lc.COMPLETE_END, lc.RESUME):
        data.update(event_date=today)
    elif event == lc.NOTIFY_END:
        data.update(
            initiative="employer", method="hand_delivery", notification_date=today,
            reason="Réorganisation du service.", is_end_mutual=False,
            return_arrangements="Retour sur site à temps plein, même poste, mêmes horaires.",
        )
    elif event == lc.SUSPEND:
        data.update(reason="Coupure de la ligne internet au domicile (force majeure).",
                    start_date=today, end_date=today + timedelta(days=14))
    elif event == lc.RENEW:
        data.update(end_date=add_months(agreement.end_date, 12) if agreement.end_date else None)
    elif event == lc.CANCEL:
        data.update(reason="Le salarié renonce au télétravail.")
    return data


def _first_success(candidates, attempt) -> tuple[object | None, list[str]]:
    """The first candidate on which ``attempt`` succeeds (each try rolled back), and refusals."""
    refusals: list[str] = []
    for candidate in candidates:
        savepoint = db.session.begin_nested()
        try:
            attempt(candidate)
        except (TransitionRefused, BusinessRuleError) as exc:
            refusals.append(f"n° {candidate.id} : {exc}")
            continue
        finally:
            savepoint.rollback()
        return candidate, refusals
    return None, refusals


def check_transitions(today: date) -> None:
    """Each UI transition succeeds today on at least one demo record (and changes nothing)."""
    session = db.session
    hr = session.scalars(select(User).where(User.role == "hr").order_by(User.id)).first()
    agreements = session.scalars(select(Agreement).order_by(Agreement.id)).all()
    before = {a.id: (a.status, a.version) for a in agreements}
    events_before = session.scalar(select(func.count(AgreementEvent.id)))
    missing: dict[tuple[str, str], list[str]] = {}

    for state, event in UI_TRANSITIONS:
        def attempt(agreement, event=event):
            row = lifecycle_services.transition(
                agreement, event, _transition_data(agreement, event, today), hr, today)
            assert row.event_date <= today
            assert agreement.status in lc.TRANSITIONS[(row.from_state, event)]

        candidates = [a for a in agreements if a.status == state]
        found, refusals = _first_success(candidates, attempt)
        if found is None:
            missing[(state, event)] = refusals or ["aucun accord dans cet état"]

    # Issuing the avenant of a draft (documents area): allowed and compliant, without a PDF.
    def issuable(agreement):
        plan = documents_services.amendment_plan(agreement)
        if not plan.allowed:
            raise BusinessRuleError(plan.refusal)
        blocking = [v.message for v in documents_services.amendment_violations(agreement, today)
                    if v.blocking]
        if blocking:
            raise BusinessRuleError(" ".join(blocking))

    found, refusals = _first_success([a for a in agreements if a.status == lc.DRAFT], issuable)
    if found is None:
        missing[(lc.DRAFT, lc.ISSUE)] = refusals or ["aucun accord rédigé"]

    requests = session.scalars(select(TeleworkRequest).order_by(TeleworkRequest.id)).all()
    pending = [r for r in requests if r.status == lc.PENDING]
    decisions = {
        lc.ACCEPT: lambda r: requests_services.accept_request(r, today, r.version, hr, today),
        lc.REFUSE: lambda r: requests_services.refuse_request(
            r, "Les jours demandés correspondent aux permanences du service.", today,
            r.version, hr, today),
        lc.WITHDRAW: lambda r: requests_services.withdraw_request(r, today, r.version, hr, today),
    }
    for event, decide in decisions.items():
        found, refusals = _first_success(pending, decide)
        if found is None:
            missing[(lc.PENDING, event)] = refusals or ["aucune demande en attente"]

    assert not missing, "\n".join(
        f"{state} → {event} : {' | '.join(refusals[:3])}"
        for (state, event), refusals in missing.items())
    # Every try was rolled back.
    session.expire_all()
    assert {a.id: (a.status, a.version) for a in session.scalars(select(Agreement))} == before
    assert session.scalar(select(func.count(AgreementEvent.id))) == events_before
    assert {r.status for r in session.scalars(select(TeleworkRequest))} == set(REQUEST_STATUSES)


def test_every_lifecycle_transition_can_be_run_on_the_demo_today(app):
    """HR can try every state and transition from the screens the day the demo is loaded."""
    assert {event for _, event in UI_TRANSITIONS} == set(lifecycle_services.UI_EVENTS)
    with app.app_context():
        load_demo(TODAY)
        db.session.commit()
        check_transitions(TODAY)
