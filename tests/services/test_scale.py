"""Large employers: the heavy pages issue a constant number of statements whatever the rows
(counted at two sizes), derived results are recomputed only when the data changed, and the
priority-return section counted per post agrees with the pair-by-pair definition."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from hrtele import cache
from hrtele.extensions import db
from hrtele.lifecycle.services import uninformed_priority_count
from hrtele.models import DerivedResult, PriorityInformation
from hrtele.todo import services as todo
from tests.factories import make_agreement, make_category, make_employee, make_post, make_user

TODAY = date(2027, 1, 10)
PAGES = (
    "/a-faire/",
    "/a-faire/priorite",
    "/a-faire/attestations",
    "/observatoire/",
    "/indemnites/?mois=2026-12",
    "/indemnites/?mois=2026-12&page=2",
    "/accords/",
    "/salaries/",
    "/demandes/",
    "/campagnes/",
    "/",
)


@pytest.fixture(autouse=True)
def _today(frozen_today):
    frozen_today(TODAY)


def _grow(n: int, vacant: bool = True) -> None:
    """n agreements of every useful kind: running, ended (priority), missing attestations."""
    category = make_category("B")
    if vacant:
        make_post(is_eligible=False, is_vacant=True, category_id=category.id)
    for i in range(n):
        status = ("active", "ended", "adaptation", "signed")[i % 4]
        employee = make_employee(category_id=category.id)
        make_agreement(employee_id=employee.id, status=status, start_date=date(2026, 10, 1),
                       insurance_received_date=None if i % 3 == 0 else date(2026, 9, 15),
                       ended_date=date(2026, 12, 1) if status == "ended" else None,
                       ending_effective_date=date(2026, 12, 1) if status == "ended" else None)


def _statements(app, client, path: str) -> int:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
        assert response.status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def _views(app, client) -> dict[str, int]:
    """Statements of each page once its results are stored (the first views store them; the
    first allowance view also seeds the URSSAF table, a data change: hence two rounds)."""
    for _round in range(2):
        for path in PAGES:
            assert client.get(path).status_code == 200, path
    return {path: _statements(app, client, path) for path in PAGES}


def _computations(app) -> dict[str, int]:
    """Statements of the heavy computations themselves, run from scratch."""
    from hrtele.allowances import stored
    from hrtele.observatory.services import compute_observatory

    out = {}
    with app.test_request_context():
        engine = db.engine
        for name, action in (
            ("todo", lambda: todo.sections(TODAY)),
            ("observatory", lambda: compute_observatory(TODAY)),
            ("allowances", lambda: stored.month_summary(2026, 12)),
        ):
            seen: list[str] = []

            def count(_conn, _cursor, statement, *_args, _seen=seen):
                _seen.append(statement)

            db.session.execute(DerivedResult.__table__.delete())  # force a recomputation
            event.listen(engine, "before_cursor_execute", count)
            try:
                action()
            finally:
                event.remove(engine, "before_cursor_execute", count)
            db.session.rollback()
            out[name] = len(seen)
    return out


def test_statements_do_not_grow_with_rows(app, hr_client):
    with app.app_context():
        make_user(email="salarie@example.test", role="employee")
        _grow(4)
    small_views, small_work = _views(app, hr_client), _computations(app)
    with app.app_context():
        _grow(60)
    large_views, large_work = _views(app, hr_client), _computations(app)
    assert large_views == small_views
    assert large_work == small_work


def test_derived_results_follow_the_data(app, hr_client):
    with app.app_context():
        _grow(3)
    assert hr_client.get("/a-faire/").status_code == 200
    with app.app_context():
        first = db.session.scalar(select(DerivedResult).where(DerivedResult.key.like("todo:%")))
        version = first.data_version
        assert version == cache.data_version()
    # A view without change reuses the stored result.
    assert hr_client.get("/a-faire/").status_code == 200
    with app.app_context():
        assert db.session.get(DerivedResult, first.key).computed_dt == first.computed_dt
        make_agreement(status="draft")  # any business change moves the version
        assert cache.data_version() > version
    page = hr_client.get("/a-faire/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DerivedResult, first.key).data_version == cache.data_version()
        assert todo.count("avenants-a-emettre", TODAY) >= 1
    assert "Avenants à émettre" in page


def test_priority_counts_agree_with_the_pairs(app):
    with app.app_context():
        category = make_category("B")
        posts = [make_post(is_eligible=False, is_vacant=True, category_id=category.id)
                 for _ in range(3)]
        _grow(9, vacant=False)
        # One candidate occupies a vacant post already; another was informed of one post.
        own = make_employee(category_id=category.id, post_id=posts[0].id)
        make_agreement(employee_id=own.id, status="ended", ended_date=date(2026, 12, 1),
                       ending_effective_date=date(2026, 12, 1))
        told = make_employee(category_id=category.id)
        make_agreement(employee_id=told.id, status="ended", ended_date=date(2026, 12, 1),
                       ending_effective_date=date(2026, 12, 1))
        db.session.add(PriorityInformation(employee_id=told.id, post_id=posts[1].id,
                                           informed_date=TODAY))
        db.session.commit()
        expected = uninformed_priority_count()
        assert expected > 0
        assert todo.count("priorite", TODAY) == expected
        pages = [todo.section("priorite", TODAY, page, 4).items for page in range(1, 10)]
        listed = [(i.who, i.what) for items in pages for i in items]
        assert len(listed) == expected and len(set(listed)) == expected
