"""The telework observatory (« observatoire du télétravail »): figures aggregated in SQL.

Every figure comes from GROUP BY / SUM queries: the number of statements is constant (it does
not grow with the number of employees or agreements) and no table is loaded row by row.

Definitions (shown on the page as well):

- eligible posts: posts marked « télétravaillable », out of all posts;
- volunteers: employees with at least one telework request (any status);
- active teleworkers: employees with an agreement in adaptation, active or ending (notice
  running) that has started and not ended on the reference day; suspended ones are not counted;
- month figures (days, kilometres, hours, CO2, budget) are estimates for a whole month under
  the agreements that count for payroll (statuses adaptation to ended, overlapping the month,
  suspension days excluded). Telework days = days per week × calendar days covered ×
  (working days of the month / (5 × days in the month)); working days exclude weekends and
  French public holidays. Kilometres avoided = commute distance × 2 × telework days. Hours =
  kilometres / AVERAGE_COMMUTE_SPEED_KMH. CO2 = kilometres × CO2_G_PER_KM of the employee's
  commute mode (an unknown mode counts as a car);
- allowance budget: per agreement, flat amount or amount × weekly days pro-rated to the days
  covered, per-day amount × estimated telework days, one-off amount in its starting month;
  capped by the agreement's monthly cap, else the policy's. The yearly projection is the
  current month's budget × 12 (agreements unchanged).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import current_app
from sqlalchemy import (
    Date,
    Float,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
    union_all,
)

from hrtele.allowances.services import COUNTED_STATUSES, MONTHS_FR, month_bounds, shift_month
from hrtele.domain.holidays import french_public_holidays
from hrtele.extensions import db
from hrtele.models import (
    Agreement,
    Category,
    Employee,
    Place,
    Policy,
    Post,
    TeleworkRequest,
)
from hrtele.web.labels import LABELS

ACTIVE_NOW_STATUSES = ("adaptation", "active", "ending")
OPEN_SUSPENSION_STATUSES = ("suspended", "ending", "ended")
TREND_MONTHS = 12
TOP_REASONS = 10
_CENT = Decimal("0.01")
_EPOCH = date(1970, 1, 1)
NO_LABEL = "Non renseigné"
SHORT_MONTHS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(_CENT, rounding=ROUND_HALF_UP)


def _dec(value: Any, places: str = "0.1") -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def share(part: int, whole: int) -> Decimal | None:
    """part / whole in percent (one decimal), None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def working_days(year: int, month: int) -> int:
    """Monday-to-Friday days of a month that are not French public holidays."""
    holidays = french_public_holidays(year)
    first, last = month_bounds(year, month)
    count, day = 0, first
    while day <= last:
        if day.weekday() < 5 and day not in holidays:
            count += 1
        day += timedelta(days=1)
    return count


# --------------------------------------------------------------------------- results


@dataclass
class Breakdown:
    """One line of a breakdown (category, department)."""

    label: str
    posts: int = 0
    eligible_posts: int = 0
    employees: int = 0
    volunteers: int = 0
    teleworkers: int = 0


@dataclass
class MonthFigures:
    """Estimated figures of one month."""

    year: int
    month: int
    teleworkers: int = 0
    days: Decimal = Decimal(0)
    km: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)
    co2_kg: Decimal = Decimal(0)
    budget: Decimal = Decimal("0.00")

    @property
    def label(self) -> str:
        """Short label for chart axes: « nov. 2026 »."""
        return f"{SHORT_MONTHS[self.month - 1]} {self.year}"

    @property
    def long_label(self) -> str:
        """« novembre 2026 »."""
        return f"{MONTHS_FR[self.month - 1]} {self.year}"


@dataclass
class Observatory:
    """Every figure of the observatory for a reference day."""

    today: date
    posts: int = 0
    eligible_posts: int = 0
    employees: int = 0
    volunteers: int = 0
    requests: dict[str, int] = field(default_factory=dict)
    refusal_reasons: list[tuple[str, int]] = field(default_factory=list)
    teleworkers: int = 0
    by_category: list[Breakdown] = field(default_factory=list)
    by_department: list[Breakdown] = field(default_factory=list)
    by_place: list[tuple[str, int]] = field(default_factory=list)
    days_distribution: list[tuple[Decimal, int]] = field(default_factory=list)
    average_days: Decimal | None = None
    trend: list[MonthFigures] = field(default_factory=list)
    co2_factors: dict[str, int] = field(default_factory=dict)
    speed_kmh: int = 40

    @property
    def current(self) -> MonthFigures:
        """The reference day's month."""
        return self.trend[-1]

    @property
    def yearly_projection(self) -> Decimal:
        """Current month's budget × 12."""
        return self.current.budget * 12

    @property
    def trend_budget(self) -> Decimal:
        """Budget of the last 12 months (estimated)."""
        return sum((m.budget for m in self.trend), Decimal("0.00"))

    @property
    def eligible_share(self) -> Decimal | None:
        """Eligible posts out of all posts, in percent."""
        return share(self.eligible_posts, self.posts)

    @property
    def volunteer_share(self) -> Decimal | None:
        """Volunteers out of active employees, in percent."""
        return share(self.volunteers, self.employees)

    @property
    def teleworker_share(self) -> Decimal | None:
        """Active teleworkers out of active employees, in percent."""
        return share(self.teleworkers, self.employees)

    @property
    def decided(self) -> int:
        """Accepted plus refused requests."""
        return self.requests.get("accepted", 0) + self.requests.get("refused", 0)

    @property
    def acceptance_share(self) -> Decimal | None:
        """Accepted out of decided requests, in percent."""
        return share(self.requests.get("accepted", 0), self.decided)

    @property
    def refused(self) -> int:
        """Refused requests."""
        return self.requests.get("refused", 0)


# --------------------------------------------------------------------------- SQL helpers


def _day_number(column):
    """Days since 1970-01-01 of a date column, in SQL (NULL stays NULL)."""
    if db.engine.dialect.name == "sqlite":
        return func.julianday(column) - 2440587.5
    return column - cast(literal(_EPOCH), Date)


def _lesser(a, b):
    return case((a < b, a), else_=b)


def _greater(a, b):
    return case((a > b, a), else_=b)


def _active_now_clause(today: date):
    return and_(
        Agreement.status.in_(ACTIVE_NOW_STATUSES),
        Agreement.start_date <= today,
        or_(Agreement.end_date.is_(None), Agreement.end_date >= today),
        or_(Agreement.ending_effective_date.is_(None), Agreement.ending_effective_date > today),
    )


# --------------------------------------------------------------------------- queries


def _post_figures(obs: Observatory) -> None:
    row = db.session.execute(
        select(func.count(Post.id), func.coalesce(func.sum(case((Post.is_eligible, 1), else_=0)), 0))
    ).one()
    obs.posts, obs.eligible_posts = int(row[0]), int(row[1])


def _request_figures(obs: Observatory) -> None:
    obs.requests = {
        status: int(n)
        for status, n in db.session.execute(
            select(TeleworkRequest.status, func.count(TeleworkRequest.id)).group_by(
                TeleworkRequest.status
            )
        )
    }
    reason = func.trim(TeleworkRequest.refusal_reason)
    rows = db.session.execute(
        select(reason.label("reason"), func.count(TeleworkRequest.id).label("n"))
        .where(TeleworkRequest.status == "refused")
        .group_by(reason)
        .order_by(func.count(TeleworkRequest.id).desc(), reason)
        .limit(TOP_REASONS)
    ).all()
    reasons = [((r.reason or "").strip() or "Motif non renseigné", int(r.n)) for r in rows]
    others = obs.refused - sum(n for _, n in reasons)
    if others > 0:
        reasons.append(("Autres motifs", others))
    obs.refusal_reasons = reasons


def _employee_breakdown(dimension, label, joins, today: date) -> list[tuple[str, int, int, int]]:
    """(label, active employees, volunteers, active teleworkers) per value of dimension."""
    volunteer = exists().where(TeleworkRequest.employee_id == Employee.id)
    teleworker = exists().where(Agreement.employee_id == Employee.id, _active_now_clause(today))
    stmt = select(
        label.label("label"),
        func.coalesce(func.sum(case((Employee.is_active, 1), else_=0)), 0),
        func.coalesce(func.sum(case((volunteer, 1), else_=0)), 0),
        func.coalesce(func.sum(case((teleworker, 1), else_=0)), 0),
    ).select_from(Employee)
    for target, on in joins:
        stmt = stmt.outerjoin(target, on)
    stmt = stmt.group_by(dimension, label)
    return [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in db.session.execute(stmt)]


def _breakdowns(obs: Observatory) -> None:
    today = obs.today
    # By category: posts and employees are both attached to a category.
    cats: dict[str, Breakdown] = {}
    for label, n, eligible in db.session.execute(
        select(Category.label, func.count(Post.id),
               func.coalesce(func.sum(case((Post.is_eligible, 1), else_=0)), 0))
        .select_from(Post).outerjoin(Category, Category.id == Post.category_id)
        .group_by(Post.category_id, Category.label)
    ):
        line = cats.setdefault(label or NO_LABEL, Breakdown(label or NO_LABEL))
        line.posts += int(n)
        line.eligible_posts += int(eligible)
    for label, employees, volunteers, teleworkers in _employee_breakdown(
        Employee.category_id, Category.label, [(Category, Category.id == Employee.category_id)],
        today,
    ):
        line = cats.setdefault(label or NO_LABEL, Breakdown(label or NO_LABEL))
        line.employees += employees
        line.volunteers += volunteers
        line.teleworkers += teleworkers
    obs.by_category = sorted(cats.values(), key=lambda b: (b.label == NO_LABEL, b.label))

    # By department: the employee's department is their post's.
    deps: dict[str, Breakdown] = {}
    for department, n, eligible in db.session.execute(
        select(Post.department, func.count(Post.id),
               func.coalesce(func.sum(case((Post.is_eligible, 1), else_=0)), 0))
        .group_by(Post.department)
    ):
        key = (department or "").strip() or NO_LABEL
        line = deps.setdefault(key, Breakdown(key))
        line.posts += int(n)
        line.eligible_posts += int(eligible)
    for department, employees, volunteers, teleworkers in _employee_breakdown(
        Post.department, Post.department, [(Post, Post.id == Employee.post_id)], today,
    ):
        key = (department or "").strip() or NO_LABEL
        line = deps.setdefault(key, Breakdown(key))
        line.employees += employees
        line.volunteers += volunteers
        line.teleworkers += teleworkers
    obs.by_department = sorted(deps.values(), key=lambda b: (b.label == NO_LABEL, b.label))

    # Totals from the category breakdown (every employee falls in exactly one line).
    obs.employees = sum(b.employees for b in obs.by_category)
    obs.volunteers = sum(b.volunteers for b in obs.by_category)
    obs.teleworkers = sum(b.teleworkers for b in obs.by_category)


def _place_and_days(obs: Observatory) -> None:
    active = _active_now_clause(obs.today)
    kinds = LABELS["place_kind"]
    types = LABELS["third_place_type"]
    places: dict[str, int] = {}
    for kind, ptype, n in db.session.execute(
        select(Place.kind, Place.third_place_type, func.count(Agreement.id))
        .select_from(Agreement).outerjoin(Place, Place.id == Agreement.place_id)
        .where(active).group_by(Place.kind, Place.third_place_type)
    ):
        if kind is None:
            label = "Lieu non renseigné"
        elif kind == "third_place":
            label = f"{kinds['third_place']} — {types.get(ptype or '', ptype) or 'autre'}"
        else:
            label = kinds.get(kind, kind)
        places[label] = places.get(label, 0) + int(n)
    obs.by_place = sorted(places.items(), key=lambda item: (-item[1], item[0]))

    distribution = [
        (Decimal(str(d)).normalize() if d is not None else Decimal(0), int(n))
        for d, n in db.session.execute(
            select(Agreement.days_per_week, func.count(Agreement.id)).where(active)
            .group_by(Agreement.days_per_week).order_by(Agreement.days_per_week)
        )
    ]
    obs.days_distribution = distribution
    total = sum(n for _, n in distribution)
    if total:
        weighted = sum(d * n for d, n in distribution)
        obs.average_days = (weighted / total).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _months_subquery(months: list[tuple[int, int]]):
    """One row per month: key, first/last day numbers, days in month, working-day ratio."""
    selects = []
    for year, month in months:
        first, last = month_bounds(year, month)
        dim = calendar.monthrange(year, month)[1]
        ratio = working_days(year, month) / (5 * dim)
        selects.append(
            select(
                literal(f"{year:04d}-{month:02d}", String).label("mkey"),
                literal((first - _EPOCH).days, Integer).label("m_first"),
                literal((last - _EPOCH).days, Integer).label("m_last"),
                literal(dim, Integer).label("m_dim"),
                literal(ratio, Float).label("m_ratio"),
            )
        )
    return union_all(*selects).subquery("months")


_FAR_FUTURE = 10**7  # day number standing for « no end » in the suspension arithmetic


def _counted_agreements_cte(window_first: date, window_last: date, default_cap: Decimal | None):
    """Agreements counting for payroll in the window, reduced to day numbers once (materialised).

    Converting dates to day numbers is the costly part on SQLite (julianday parses text); doing
    it once per agreement, before the join with the months, keeps the trend query fast.
    """
    end_fixed = _day_number(Agreement.end_date)
    end_notice = _day_number(Agreement.ending_effective_date) - 1
    last_day = case(
        (Agreement.end_date.is_(None), end_notice),
        (Agreement.ending_effective_date.is_(None), end_fixed),
        (end_fixed < end_notice, end_fixed),
        else_=end_notice,
    )
    suspension_end = case(
        (Agreement.suspension_end_date.isnot(None), _day_number(Agreement.suspension_end_date)),
        (Agreement.status.in_(OPEN_SUSPENSION_STATUSES), literal(_FAR_FUTURE)),
        else_=None,
    )
    cap = (Agreement.allowance_monthly_cap if default_cap is None
           else func.coalesce(Agreement.allowance_monthly_cap, literal(default_cap)))
    return (
        select(
            Agreement.employee_id.label("employee_id"),
            _day_number(Agreement.start_date).label("a_start"),
            last_day.label("a_last"),
            _day_number(Agreement.suspension_start_date).label("s_lo"),
            suspension_end.label("s_hi"),
            Agreement.days_per_week.label("dpw"),
            Agreement.allowance_scheme.label("scheme"),
            Agreement.allowance_amount.label("amount"),
            cap.label("cap"),
            Employee.commute_km.label("km"),
            Employee.commute_mode.label("mode"),
        )
        .join(Employee, Employee.id == Agreement.employee_id)
        .where(
            Agreement.status.in_(COUNTED_STATUSES),
            Agreement.start_date <= window_last,
            or_(Agreement.end_date.is_(None), Agreement.end_date >= window_first),
            or_(Agreement.ending_effective_date.is_(None),
                Agreement.ending_effective_date > window_first),
            not_(and_(Agreement.status == "ended", Agreement.end_date.is_(None),
                      Agreement.ending_effective_date.is_(None))),
        )
        .cte("counted")
        .prefix_with("MATERIALIZED")
    )


def _trend(obs: Observatory, months: list[tuple[int, int]], default_cap: Decimal | None) -> None:
    m = _months_subquery(months)
    a = _counted_agreements_cte(month_bounds(*months[0])[0], month_bounds(*months[-1])[1],
                                default_cap)
    lo = _greater(a.c.a_start, m.c.m_first)
    hi = case((a.c.a_last.is_(None), m.c.m_last), (a.c.a_last > m.c.m_last, m.c.m_last),
              else_=a.c.a_last)
    covered = hi - lo + 1
    overlap = _lesser(hi, a.c.s_hi) - _greater(lo, a.c.s_lo) + 1
    suspended = case(
        (and_(a.c.s_lo.isnot(None), a.c.s_hi.isnot(None), overlap > 0), overlap), else_=0
    )
    days_covered = covered - suspended  # calendar days of telework in the month
    weekly_days = a.c.dpw * days_covered  # Σ × working-day ratio = telework days
    monthly = case(
        (a.c.scheme == "flat_monthly", a.c.amount * days_covered / m.c.m_dim),
        (a.c.scheme == "per_weekly_day", a.c.amount * a.c.dpw * days_covered / m.c.m_dim),
        (a.c.scheme == "per_day", a.c.amount * a.c.dpw * days_covered * m.c.m_ratio),
        (and_(a.c.scheme == "one_off", a.c.a_start >= m.c.m_first, a.c.a_start <= m.c.m_last),
         a.c.amount),
        else_=0,
    )
    capped = case((and_(a.c.cap.isnot(None), monthly > a.c.cap), a.c.cap), else_=monthly)
    stmt = (
        select(
            m.c.mkey,
            a.c.mode,
            func.count(func.distinct(a.c.employee_id)),
            func.sum(weekly_days * m.c.m_ratio),
            func.sum(a.c.km * weekly_days * m.c.m_ratio),
            func.sum(capped),
        )
        .select_from(a)
        .join(m, and_(a.c.a_start <= m.c.m_last,
                      or_(a.c.a_last.is_(None), a.c.a_last >= m.c.m_first)))
        .group_by(m.c.mkey, a.c.mode)
    )
    factors = obs.co2_factors
    by_month = {f"{y:04d}-{mo:02d}": MonthFigures(y, mo) for y, mo in months}
    raw: dict[str, dict[str, float]] = {k: {"days": 0.0, "km": 0.0, "co2": 0.0, "budget": 0.0}
                                        for k in by_month}
    for mkey, mode, teleworkers, days, km_one_way, budget in db.session.execute(stmt):
        figures, acc = by_month[mkey], raw[mkey]
        figures.teleworkers += int(teleworkers or 0)
        km = 2 * float(km_one_way or 0)
        acc["days"] += float(days or 0)
        acc["km"] += km
        acc["co2"] += km * factors.get(mode or "", factors.get("voiture", 0)) / 1000
        acc["budget"] += float(budget or 0)
    for key, figures in by_month.items():
        acc = raw[key]
        figures.days = _dec(acc["days"])
        figures.km = _dec(acc["km"], "1")
        figures.hours = _dec(acc["km"] / obs.speed_kmh if obs.speed_kmh else 0)
        figures.co2_kg = _dec(acc["co2"])
        figures.budget = _money(acc["budget"])
    obs.trend = list(by_month.values())


def compute_observatory(today: date) -> Observatory:
    """All observatory figures for a reference day (a constant number of SQL statements)."""
    config = current_app.config
    obs = Observatory(
        today=today,
        co2_factors=dict(config.get("CO2_G_PER_KM", {})),
        speed_kmh=int(config.get("AVERAGE_COMMUTE_SPEED_KMH", 40) or 40),
    )
    _post_figures(obs)
    _request_figures(obs)
    _breakdowns(obs)
    _place_and_days(obs)
    default_cap = db.session.scalar(
        select(Policy.allowance_monthly_cap).order_by(Policy.id).limit(1)
    )
    months = [shift_month(today.year, today.month, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
    _trend(obs, months, default_cap)
    return obs
