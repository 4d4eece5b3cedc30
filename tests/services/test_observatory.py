"""Observatory figures checked by hand on a small dataset; statement count independent of size.

Reference day: 28/11/2026. November 2026: 30 days, 20 working days (21 weekdays minus
Wednesday 11, Armistice) -> ratio 20 / (5 × 30) = 2/15. October 2026: 22 working days, 31 days.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import event
from sqlalchemy import select as sa_select

from hrtele.extensions import db
from hrtele.models import RefusalReason
from hrtele.observatory.services import compute_observatory, working_days
from tests.factories import (
    make_agreement,
    make_category,
    make_employee,
    make_place,
    make_post,
    make_request,
)

TODAY = date(2026, 11, 28)


def build_dataset():
    """4 posts, 5 employees (one inactive), 4 requests, 3 agreements (one suspended)."""
    cat_a, cat_b = make_category("A"), make_category("B")
    p1 = make_post(code="P1", department="Finances", category_id=cat_a.id)
    p2 = make_post(code="P2", department="Finances", category_id=cat_b.id)
    p3 = make_post(code="P3", department="Accueil", category_id=cat_b.id, is_eligible=False,
                   eligibility_reason="Accueil physique")
    make_post(code="P4", department="Accueil", category_id=None)
    e1 = make_employee(post_id=p1.id, category_id=cat_a.id, commute_km=Decimal("20"),
                       commute_mode="voiture")
    e2 = make_employee(post_id=p2.id, category_id=cat_b.id, commute_km=Decimal("10"),
                       commute_mode="train")
    e3 = make_employee(post_id=p3.id, category_id=cat_b.id, commute_km=Decimal("5"),
                       commute_mode="velo")
    make_employee(post_id=p1.id, category_id=cat_a.id, is_active=False)
    e5 = make_employee(post_id=p2.id, category_id=cat_b.id, commute_km=Decimal("30"),
                       commute_mode="voiture")
    r1 = make_request(employee_id=e1.id, status="accepted")
    r2 = make_request(employee_id=e2.id, status="accepted")
    not_eligible = db.session.scalar(
        sa_select(RefusalReason.id).where(RefusalReason.code == "post_not_eligible"))
    make_request(employee_id=e3.id, status="refused", refusal_reason="Accueil du public",
                 refusal_reason_id=not_eligible)
    # Recorded before the catalogue: no reason chosen, counted apart.
    make_request(employee_id=e3.id, status="refused", refusal_reason=" Autonomie insuffisante ")
    home = make_place(employee_id=e1.id)
    coworking = make_place(kind="third_place", third_place_type="coworking", name="La Ruche")
    # e1: active since January, Monday + Wednesday, 10 € per weekly day.
    make_agreement(employee_id=e1.id, request_id=r1.id, place_id=home.id, status="active",
                   start_date=date(2026, 1, 5), weekly_pattern="11001100000000",
                   days_per_week=Decimal("2"), allowance_scheme="per_weekly_day",
                   allowance_amount=Decimal("10.00"))
    # e2: adaptation since 16 November, 1 day in a coworking space, flat 30 €.
    make_agreement(employee_id=e2.id, request_id=r2.id, place_id=coworking.id,
                   status="adaptation", start_date=date(2026, 11, 16),
                   weekly_pattern="00000011000000", days_per_week=Decimal("1"),
                   allowance_scheme="flat_monthly", allowance_amount=Decimal("30.00"))
    # e5: suspended since 16 November (no end), 2 days, 10 € per weekly day.
    make_agreement(employee_id=e5.id, request_id=None, status="suspended", start_date=date(2026, 1, 5),
                   suspension_start_date=date(2026, 11, 16), days_per_week=Decimal("2"),
                   allowance_scheme="per_weekly_day", allowance_amount=Decimal("10.00"))


def test_working_days():
    assert working_days(2026, 11) == 20
    assert working_days(2026, 10) == 22
    assert working_days(2026, 5) == 17  # 21 weekdays; 1, 8, 14 and 25 May are holidays


def test_figures_by_hand(db_session):
    build_dataset()
    obs = compute_observatory(TODAY)
    assert (obs.posts, obs.eligible_posts, obs.eligible_share) == (4, 3, Decimal("75.0"))
    assert (obs.employees, obs.volunteers, obs.teleworkers) == (4, 3, 2)
    assert obs.volunteer_share == Decimal("75.0") and obs.teleworker_share == Decimal("50.0")
    assert obs.requests == {"accepted": 2, "refused": 2}
    assert obs.acceptance_share == Decimal("50.0")
    assert obs.refusal_reasons == [("Poste non éligible au télétravail", 1),
                                   ("Motif non catalogué", 1)]
    assert obs.days_distribution == [(Decimal(1), 1), (Decimal(2), 1)]
    assert obs.average_days == Decimal("1.50")
    assert obs.by_place == [("Domicile", 1), ("Tiers-lieu — Espace de coworking", 1)]

    cats = {b.label: (b.posts, b.eligible_posts, b.employees, b.volunteers, b.teleworkers)
            for b in obs.by_category}
    assert cats == {"Catégorie A": (1, 1, 1, 1, 1), "Catégorie B": (2, 1, 3, 2, 1),
                    "Non renseigné": (1, 1, 0, 0, 0)}
    deps = {b.label: (b.posts, b.eligible_posts, b.employees, b.volunteers, b.teleworkers)
            for b in obs.by_department}
    assert deps == {"Finances": (2, 2, 3, 2, 2), "Accueil": (2, 1, 1, 1, 0)}

    # November: e1 2 × 30 × 2/15 = 8 days (320 km); e2 1 × 15 × 2/15 = 2 days (40 km);
    # e5 suspended from 16th: 2 × 15 × 2/15 = 4 days (240 km). 600 km, 15 h at 40 km/h,
    # CO2 = 560 km × 193 g + 40 km × 6 g = 108,32 kg. Budget 20 + 15 + 10 = 45 €.
    nov = obs.current
    assert (nov.year, nov.month, nov.teleworkers) == (2026, 11, 3)
    assert (nov.days, nov.km, nov.hours, nov.co2_kg) == (
        Decimal("14.0"), Decimal("600"), Decimal("15.0"), Decimal("108.3"))
    assert nov.budget == Decimal("45.00") and obs.yearly_projection == Decimal("540.00")
    # October: e1 2 × 31 × 22/155 = 8,8 days, 352 km; e5 the same with 30 km: 528 km.
    oct_ = obs.trend[-2]
    assert (oct_.month, oct_.teleworkers, oct_.days, oct_.km, oct_.budget) == (
        10, 2, Decimal("17.6"), Decimal("880"), Decimal("40.00"))
    assert len(obs.trend) == 12 and obs.trend[0].month == 12 and obs.trend[0].year == 2025
    assert obs.trend[0].teleworkers == 0 and obs.trend[0].budget == Decimal("0.00")


def test_empty_database_gives_zeros(db_session):
    obs = compute_observatory(TODAY)
    assert (obs.posts, obs.employees, obs.teleworkers) == (0, 0, 0)
    assert obs.eligible_share is None and obs.average_days is None
    assert obs.current.budget == Decimal("0.00")


def _dataset(n: int) -> None:
    """n posts, employees and requests, n/2 agreements of every kind (added in bulk)."""
    from hrtele.models import Agreement, Employee, Place, Post, TeleworkRequest

    category = make_category("B")
    offset = db.session.query(Employee).count()
    for i in range(offset, offset + n):
        post = Post(code=f"Q{i:05d}", title=f"Poste {i}", department=f"Service {i % 3}",
                    category_id=category.id, is_eligible=i % 4 != 0)
        employee = Employee(personnel_number=f"Q{i:05d}", first_name="Dominique",
                            last_name=f"Nom{i}", post=post, category_id=category.id,
                            commute_km=Decimal(i % 40),
                            commute_mode=("voiture", "train", "inconnu")[i % 3])
        request = TeleworkRequest(employee=employee, request_date=date(2026, 3, 1),
                                  wished_days=Decimal("2"), status=("accepted", "refused")[i % 2],
                                  refusal_reason=f"Motif {i % 4}" if i % 2 else "")
        db.session.add_all([post, employee, request])
        if i % 2 == 0:
            place = Place(kind=("home", "third_place")[i % 4 // 2], name="Lieu",
                          third_place_type="telecentre" if i % 4 else "")
            db.session.add_all([place, Agreement(
                employee=employee, request=request, place=place,
                status=("active", "adaptation", "suspended", "ending")[i % 4],
                start_date=date(2026, 1 + i % 11, 1), days_per_week=Decimal("2"),
                weekly_pattern="11001100000000",
                suspension_start_date=date(2026, 11, 2) if i % 4 == 2 else None,
                allowance_scheme=("per_day", "flat_monthly", "one_off")[i % 3],
                allowance_amount=Decimal("5.00"),
                allowance_monthly_cap=Decimal("30.00") if i % 5 == 0 else None)])
    db.session.commit()


def _count_statements() -> int:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        compute_observatory(TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    db.session.rollback()
    return len(statements)


def test_statement_count_does_not_grow_with_rows(db_session):
    _dataset(10)
    with_10 = _count_statements()
    _dataset(50)  # 60 employees, posts and requests, 30 agreements
    with_60 = _count_statements()
    assert with_10 == with_60
    assert with_60 <= 15


def _reference_trend(today: date, factors: dict[str, int], speed: int):
    """Brute force, day by day in Python: the figures the SQL change points must reproduce."""
    import calendar

    from hrtele.allowances.services import (
        COUNTED_STATUSES,
        last_telework_day,
        shift_month,
        suspension_range,
    )
    from hrtele.models import Agreement, Policy

    policy_cap = db.session.scalar(sa_select(Policy.allowance_monthly_cap))
    out = []
    for back in range(11, -1, -1):
        year, month = shift_month(today.year, today.month, -back)
        first = date(year, month, 1)
        dim = calendar.monthrange(year, month)[1]
        last = date(year, month, dim)
        ratio = working_days(year, month) / (5 * dim)
        people, days, km, co2, budget = set(), 0.0, 0.0, 0.0, 0.0
        for a in db.session.scalars(sa_select(Agreement)):
            end = last_telework_day(a.end_date, a.ending_effective_date)
            if a.status not in COUNTED_STATUSES or (a.status == "ended" and end is None):
                continue
            end = end or date.max
            if a.start_date > last or end < first:
                continue
            people.add(a.employee_id)
            susp = suspension_range(a.status, a.suspension_start_date, a.suspension_end_date)
            covered = 0
            day = max(first, a.start_date)
            while day <= min(last, end):
                if not (susp and susp[0] <= day <= susp[1]):
                    covered += 1
                day += timedelta(days=1)
            dpw = float(a.days_per_week)
            employee = a.employee
            days += dpw * covered * ratio
            km += 2 * float(employee.commute_km) * dpw * covered * ratio
            co2 += 2 * float(employee.commute_km) * dpw * covered * ratio * factors.get(
                employee.commute_mode, factors["voiture"]) / 1000
            amount = float(a.allowance_amount)
            full = {"flat_monthly": amount, "per_weekly_day": amount * dpw,
                    "per_day": amount * dpw * 52 / 12}.get(a.allowance_scheme, 0.0)
            cap = a.allowance_monthly_cap if a.allowance_monthly_cap is not None else policy_cap
            if cap is not None:
                full = min(full, float(cap))
            budget += full * covered / dim
            if a.allowance_scheme == "one_off" and first <= a.start_date <= last:
                budget += min(amount, float(cap)) if cap is not None else amount
        out.append((len(people), days, km, km / speed, co2, budget))
    return out


def test_trend_matches_a_day_by_day_computation(app, db_session):
    import random

    from tests.factories import make_policy

    rng = random.Random(2026)
    make_policy(allowance_monthly_cap=Decimal("35.00"))
    modes = ["voiture", "train", "velo", "covoiturage", "inconnu"]
    statuses = ["active", "adaptation", "suspended", "ending", "ended", "draft", "cancelled"]
    people = [make_employee(commute_km=Decimal(rng.randint(0, 50)), commute_mode=rng.choice(modes))
              for _ in range(25)]
    for i in range(45):
        employee = people[i % len(people)]  # some employees get a relay agreement
        start = date(2025, 6, 1) + timedelta(days=rng.randint(0, 520))
        status = rng.choice(statuses)
        kw = {}
        if rng.random() < 0.3:
            kw["end_date"] = start + timedelta(days=rng.randint(20, 300))
        if status in ("ending", "ended") or rng.random() < 0.15:
            kw["ending_effective_date"] = start + timedelta(days=rng.randint(10, 400))
        if rng.random() < 0.35:
            kw["suspension_start_date"] = start + timedelta(days=rng.randint(0, 200))
            if rng.random() < 0.6:
                kw["suspension_end_date"] = kw["suspension_start_date"] + timedelta(
                    days=rng.randint(0, 60))
        make_agreement(
            employee_id=employee.id, request_id=None, status=status, start_date=start,
            days_per_week=Decimal(rng.choice(["1", "1.5", "2", "3"])),
            allowance_scheme=rng.choice(["flat_monthly", "per_weekly_day", "per_day", "one_off",
                                         "none"]),
            allowance_amount=Decimal(rng.choice(["10.00", "2.50", "30.00", "100.00"])),
            allowance_monthly_cap=rng.choice([None, None, Decimal("25.00")]), **kw)
    obs = compute_observatory(TODAY)
    expected = _reference_trend(TODAY, app.config["CO2_G_PER_KM"], obs.speed_kmh)
    for figures, (people_n, days, km, hours, co2, budget) in zip(obs.trend, expected,
                                                                    strict=True):
        label = figures.long_label
        assert figures.teleworkers == people_n, label
        assert abs(float(figures.days) - days) <= 0.051, label
        assert abs(float(figures.km) - km) <= 0.51, label
        assert abs(float(figures.hours) - hours) <= 0.051, label
        assert abs(float(figures.co2_kg) - co2) <= 0.051, label
        assert abs(float(figures.budget) - budget) <= 0.006, label
    assert any(f.teleworkers for f in obs.trend)


def test_refusals_grouped_by_catalogue_reason_screen_and_edition_agree(db_session):
    from datetime import datetime

    from hrtele.observatory.report import pdf_context
    from hrtele.observatory.services import refusals_by_reason
    from hrtele.refusals.services import create_reason, list_reasons

    codes = {r.code: r.id for r in list_reasons()}
    added = create_reason("Activité exigeant la présence", None)
    for reason_id, n in ((codes["seniority"], 3), (added.id, 2), (codes["other"], 2), (None, 1)):
        for i in range(n):
            make_request(status="refused", refusal_reason_id=reason_id,
                         refusal_reason=f"précision {i}")  # free texts never split a group
    make_request(status="pending")
    expected = [("Ancienneté insuffisante", 3), ("Autre motif", 2),
                ("Activité exigeant la présence", 2), ("Motif non catalogué", 1)]
    assert refusals_by_reason() == expected  # ties: catalogue order, uncatalogued last
    obs = compute_observatory(TODAY)
    assert obs.refusal_reasons == expected
    context = pdf_context(obs, "Employeur", datetime(2026, 11, 28, 10, 0))
    assert context["refusals"] == [(label, str(n)) for label, n in expected]
