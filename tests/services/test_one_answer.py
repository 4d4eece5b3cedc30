"""One legal answer: the HR screen, the employee's space and the PDF notice never disagree.

For the same agreement and the same day they must give the same phase (adaptation or after),
the same notice delay and the same earliest effective date. Each view is reached through the
entry point production uses:

- HR: the notify-end transition of the lifecycle service (and the sentence of its form);
- the employee: ``portal.services.end_terms`` and ``request_end``;
- the PDF: ``documents.builders.build_notice`` after the end was notified.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hrtele import clock
from hrtele.documents import builders
from hrtele.domain import lifecycle as lc
from hrtele.domain.dates import adaptation_end_date
from hrtele.domain.notice import notice_sentence
from hrtele.extensions import db
from hrtele.lifecycle import services as lifecycle
from hrtele.models import Agreement, User
from hrtele.portal import services as portal
from tests.documents.model_samples import agreement_variant
from tests.factories import make_user
from tests.web.test_portal import make_document


def _hr() -> User:
    existing = db.session.scalar(select(User).where(User.email == "rh-answer@example.test"))
    return existing or make_user("rh-answer@example.test", role="hr")


def three_answers(agreement: Agreement, day: date, hr: User) -> dict[str, tuple]:
    """(phase, delay, earliest end) as each view gives it for a notice given on ``day``."""
    out: dict[str, tuple] = {}
    screen = lifecycle.end_terms_for(agreement, day)
    sentence = notice_sentence(screen)
    out["hr_screen"] = (screen.phase, screen.notice_days, screen.earliest_end)
    assert f"{screen.notice_days} jour" in sentence or not screen.unilateral_allowed

    employee = portal.end_terms(agreement, day)
    out["employee_space"] = (employee.phase, employee.notice_days, employee.earliest_end)

    # The HR transition then the PDF built from what it recorded (rolled back afterwards).
    savepoint = db.session.begin_nested()
    try:
        lifecycle.transition(
            agreement,
            lc.NOTIFY_END,
            {
                "version": agreement.version,
                "initiative": "employer",
                "method": "lrar",
                "notification_date": day,
                "return_arrangements": "Retour au siège",
                "is_end_mutual": not screen.unilateral_allowed,
            },
            hr,
            day,
        )
        recorded = (
            agreement.ending_phase, agreement.ending_notice_days, agreement.ending_effective_date
        )
        out["hr_recorded"] = recorded
        if has_amendment(agreement):  # a paper amendment issues no notice from the app yet
            snapshot = builders.build_notice(agreement, number=1, issue_date=day)
            out["pdf"] = (
                snapshot.phase,
                snapshot.notice_days,
                date.fromisoformat(snapshot.effective_end_date),
            )
    finally:
        savepoint.rollback()
        db.session.expire_all()
    return out


def has_amendment(agreement: Agreement) -> bool:
    """An amendment was issued in the app for this agreement."""
    from hrtele.documents.services import documents_for_agreement

    return bool(documents_for_agreement(agreement.id, kind="amendment"))


def _assert_one_answer(answers: dict[str, tuple]) -> None:
    values = set(answers.values())
    assert len(values) == 1, answers


@pytest.fixture
def running(db_session):
    """A running agreement of the documents' sample employee, with an issued amendment."""
    agreement = agreement_variant("full_days-per_weekly_day")
    agreement.status = lc.ADAPTATION
    db.session.commit()
    make_document(agreement.employee_id, agreement.id)
    return agreement


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    months=st.integers(1, 6),
    during=st.integers(0, 45),
    after=st.one_of(st.none(), st.integers(0, 90)),
    clause=st.sampled_from(["notice", "mutual"]),
    offset=st.integers(0, 500),
    closed=st.booleans(),
)
def test_the_three_views_agree(running, months, during, after, clause, offset, closed):
    """Random terms and dates: the HR screen, the employee's space and the PDF agree."""
    agreement = db.session.get(Agreement, running.id)
    start = agreement.start_date
    agreement.adaptation_months = months
    agreement.adaptation_end_date = adaptation_end_date(start, months)
    agreement.notice_days_during_adaptation = during
    agreement.notice_days_after_adaptation = after  # None: an imported agreement's silence
    agreement.reversibility_clause = clause
    day = start + timedelta(days=offset)
    # HR may or may not have recorded the end of the adaptation period: it must not matter.
    agreement.status = (
        lc.ACTIVE if closed and day > agreement.adaptation_end_date else lc.ADAPTATION
    )
    agreement.end_date = None
    db.session.flush()
    with clock.freeze(day):
        answers = three_answers(agreement, day, _hr())
    _assert_one_answer(answers)
    db.session.rollback()


@pytest.mark.slow
def test_every_demo_agreement_on_every_day_of_a_year(app, backend):
    """The demo's running agreements, notified on any day of the coming year: one answer."""
    from hrtele.demo.loader import load_demo

    start = date(2026, 12, 5)
    with app.app_context(), clock.freeze(start):
        load_demo(today=start)
        db.session.commit()
        hr = db.session.scalar(select(User).where(User.role == "hr").limit(1))
        agreements = db.session.scalars(
            select(Agreement).where(
                Agreement.status.in_(lc.ENDABLE_STATES), Agreement.kind == "regular"
            )
        ).all()
        assert len(agreements) >= 20
        step = 1 if backend == "sqlite" else 7  # PostgreSQL: one day a week keeps it quick
        checked = 0
        for agreement in agreements:
            for offset in range(0, 366, step):
                day = start + timedelta(days=offset)
                if agreement.end_date is not None and day >= agreement.end_date:
                    break
                screen = lifecycle.end_terms_for(agreement, day)
                employee = portal.end_terms(agreement, day)
                pdf = builders._phase_and_days(agreement, day)
                assert (screen.phase, screen.notice_days) == (
                    employee.phase, employee.notice_days
                ) == pdf, (agreement.id, day)
                assert screen.earliest_end == employee.earliest_end
                checked += 1
            # And through the transition and the PDF on a few days spread over the year.
            for offset in (0, 45, 120, 300):
                day = start + timedelta(days=offset)
                if agreement.end_date is None or day < agreement.end_date - timedelta(days=100):
                    with clock.freeze(day):
                        _assert_one_answer(three_answers(agreement, day, hr))
        assert checked > 1000 // step


def test_an_imported_agreement_answers_like_one_made_in_the_app(running):
    """An agreement without delays of its own (imported, signed on paper) takes the policy's
    delays, says so, and otherwise answers exactly like one made in the app."""
    made_in_app = db.session.get(Agreement, running.id)
    policy_days = (15, 30)  # the documents' sample policy
    imported_like = agreement_variant("full_days-per_weekly_day")
    imported_like.status = lc.ADAPTATION
    imported_like.notice_days_during_adaptation = None
    imported_like.notice_days_after_adaptation = None
    imported_like.employee.working_time_rate = 100
    db.session.commit()
    make_document(imported_like.employee_id, imported_like.id)
    made_in_app.notice_days_during_adaptation, made_in_app.notice_days_after_adaptation = (
        policy_days
    )
    db.session.commit()
    from hrtele.domain_adapters import employer_policy

    policy = employer_policy()
    policy.notice_days_during_adaptation, policy.notice_days_after_adaptation = policy_days
    db.session.commit()
    hr = _hr()
    for offset in (0, 30, 91, 200):
        day = made_in_app.start_date + timedelta(days=offset)
        with clock.freeze(day):
            a = three_answers(made_in_app, day, hr)
            b = three_answers(imported_like, day, hr)
        _assert_one_answer(a)
        assert a["hr_screen"] == b["hr_screen"], (offset, a, b)
        assert lifecycle.end_terms_for(imported_like, day).notice_source == "policy"


def test_the_pages_print_the_same_numbers(app, hr_client, frozen_today):
    """The HR form and the employee's page show the same delay and date (rendered HTML)."""
    from tests.conftest import login
    from tests.factories import make_agreement, make_employee, make_policy, page_text

    frozen_today(date(2027, 1, 20))
    with app.app_context():
        make_policy()
        employee = make_employee()
        make_user("salarie-answer@example.test", role="employee", employee_id=employee.id)
        agreement = make_agreement(
            employee_id=employee.id,
            status=lc.ADAPTATION,  # not closed by HR, but over since 31/12/2026
            start_date=date(2026, 10, 1),
            adaptation_end_date=date(2026, 12, 31),
            notice_days_during_adaptation=15,
            notice_days_after_adaptation=30,
            days_per_week=Decimal("2"),
        )
        agreement_id = agreement.id
    hr_page = page_text(hr_client.get(f"/suivi/accords/{agreement_id}/notification-fin"))
    employee_client = app.test_client()
    assert login(employee_client, "salarie-answer@example.test").status_code == 302
    employee_page = page_text(employee_client.get("/mon-espace/fin-du-teletravail"))
    for page in (hr_page, employee_page):
        assert "30 jours" in page and "19/02/2027" in page, page[:2000]
