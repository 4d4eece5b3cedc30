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
- allowance budget: each agreement's full-month amount (flat amount; amount × weekly days;
  per-day amount × weekly days × 52/12 weeks), capped by the agreement's monthly cap, else the
  policy's, then pro-rated to the calendar days covered (suspension excluded); a one-off amount
  counts in its starting month. The yearly projection is the current month's budget × 12.
  The payroll export (hrtele.allowances) gives the exact amounts; these are estimates.

How the month figures stay cheap with 10,000 agreements: every quantity above is a weight ×
calendar days covered, so the SQL returns only the change points of the weights (agreement
starts and ends, suspension starts and ends), grouped by day, and Python integrates these
piecewise-constant sums over each month (see _trend). Employees with two agreements in the
window (relays) are listed apart so that each is counted once per month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import current_app
from sqlalchemy import (
    Date,
    Float,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    union_all,
)

from hrtele.allowances.services import COUNTED_STATUSES, MONTHS_FR, month_bounds, shift_month
from hrtele.domain import lifecycle as lc
from hrtele.domain.allowances import OPEN_SUSPENSION_STATES
from hrtele.domain.holidays import french_public_holidays
from hrtele.domain.refusals import UNCATALOGUED
from hrtele.extensions import db
from hrtele.models import (
    Agreement,
    Category,
    Employee,
    Place,
    Policy,
    Post,
    RefusalReason,
    TeleworkRequest,
)
from hrtele.web.labels import LABELS

ACTIVE_NOW_STATUSES: tuple[str, ...] = tuple(sorted(lc.REGULAR_TELEWORKING_STATES))
OPEN_SUSPENSION_STATUSES: tuple[str, ...] = tuple(sorted(OPEN_SUSPENSION_STATES))
TREND_MONTHS = 12
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
    obs.refusal_reasons = refusals_by_reason()


def refusals_by_reason() -> list[tuple[str, int]]:
    """Refused requests per catalogue reason, most frequent first (the screen and its export).

    Refusals recorded without a catalogue reason are counted under one « non catalogué » line.
    """
    rows = db.session.execute(
        select(RefusalReason.label, RefusalReason.position,
               func.count(TeleworkRequest.id).label("n"))
        .select_from(TeleworkRequest)
        .outerjoin(RefusalReason, RefusalReason.id == TeleworkRequest.refusal_reason_id)
        .where(TeleworkRequest.status == "refused")
        .group_by(RefusalReason.id, RefusalReason.label, RefusalReason.position)
    ).all()
    lines = [(r.label or UNCATALOGUED, r.position if r.label else 10**9, int(r.n)) for r in rows]
    lines.sort(key=lambda line: (-line[2], line[1], line[0]))
    return [(label, n) for label, _, n in lines]


def _add(table: dict[str, Breakdown], label: str | None, **counts: int) -> None:
    key = (label or "").strip() or NO_LABEL
    line = table.setdefault(key, Breakdown(key))
    for name, value in counts.items():
        setattr(line, name, getattr(line, name) + int(value or 0))


def _breakdowns(obs: Observatory) -> None:
    """Posts and employees by category and by department: two GROUP BY queries in all.

    Both are grouped by (category, department) at once; the two breakdowns are then summed in
    Python from those few groups. An employee's department is their post's.
    """
    eligible = func.coalesce(func.sum(case((Post.is_eligible, 1), else_=0)), 0)
    cats: dict[str, Breakdown] = {}
    deps: dict[str, Breakdown] = {}
    for category, department, n, n_eligible in db.session.execute(
        select(Category.label, Post.department, func.count(Post.id), eligible)
        .select_from(Post).outerjoin(Category, Category.id == Post.category_id)
        .group_by(Post.category_id, Category.label, Post.department)
    ):
        _add(cats, category, posts=n, eligible_posts=n_eligible)
        _add(deps, department, posts=n, eligible_posts=n_eligible)
    volunteer = exists().where(TeleworkRequest.employee_id == Employee.id)
    teleworker = exists().where(Agreement.employee_id == Employee.id,
                                _active_now_clause(obs.today))
    for category, department, active, volunteers, teleworkers in db.session.execute(
        select(
            Category.label,
            Post.department,
            func.coalesce(func.sum(case((Employee.is_active, 1), else_=0)), 0),
            func.coalesce(func.sum(case((volunteer, 1), else_=0)), 0),
            func.coalesce(func.sum(case((teleworker, 1), else_=0)), 0),
        )
        .select_from(Employee)
        .outerjoin(Category, Category.id == Employee.category_id)
        .outerjoin(Post, Post.id == Employee.post_id)
        .group_by(Employee.category_id, Category.label, Post.department)
    ):
        counts = {"employees": active, "volunteers": volunteers, "teleworkers": teleworkers}
        _add(cats, category, **counts)
        _add(deps, department, **counts)
    order = lambda b: (b.label == NO_LABEL, b.label)  # noqa: E731
    obs.by_category = sorted(cats.values(), key=order)
    obs.by_department = sorted(deps.values(), key=order)
    # Totals from the category breakdown (every employee falls in exactly one line).
    obs.employees = sum(b.employees for b in obs.by_category)
    obs.volunteers = sum(b.volunteers for b in obs.by_category)
    obs.teleworkers = sum(b.teleworkers for b in obs.by_category)


def _place_and_days(obs: Observatory) -> None:
    """Active agreements by place kind and by days per week (one GROUP BY on both)."""
    kinds = LABELS["place_kind"]
    types = LABELS["third_place_type"]
    places: dict[str, int] = {}
    days: dict[Decimal, int] = {}
    for kind, ptype, dpw, n in db.session.execute(
        select(Place.kind, Place.third_place_type, Agreement.days_per_week,
               func.count(Agreement.id))
        .select_from(Agreement).outerjoin(Place, Place.id == Agreement.place_id)
        .where(_active_now_clause(obs.today))
        .group_by(Place.kind, Place.third_place_type, Agreement.days_per_week)
    ):
        if kind is None:
            label = "Lieu non renseigné"
        elif kind == "third_place":
            label = f"{kinds['third_place']} — {types.get(ptype or '', ptype) or 'autre'}"
        else:
            label = kinds.get(kind, kind)
        places[label] = places.get(label, 0) + int(n)
        key = Decimal(str(dpw if dpw is not None else 0)).normalize()
        days[key] = days.get(key, 0) + int(n)
    obs.by_place = sorted(places.items(), key=lambda item: (-item[1], item[0]))
    obs.days_distribution = sorted(days.items())
    total = sum(days.values())
    if total:
        weighted = sum(d * n for d, n in days.items())
        obs.average_days = (weighted / total).quantize(Decimal("0.01"), ROUND_HALF_UP)


_FAR_FUTURE = 10**7  # day number standing for « no end »


def _lesser(a, b):
    return case((a < b, a), else_=b)


def _greater(a, b):
    return case((a > b, a), else_=b)


def _counted_agreements_cte(window_first: date, window_last: date, default_cap: Decimal | None,
                            factors: dict[str, int]):
    """Agreements counting for payroll in the window, as day numbers and linear weights.

    Materialised once: converting dates to day numbers is the costly part on SQLite (julianday
    parses text). Weights per agreement: dpw (telework days a week), kmdpw (one-way km × dpw),
    co2dpw (kmdpw × g/km of the commute mode), full (full-month allowance, capped), oneoff.
    """
    end_fixed = _day_number(Agreement.end_date)
    end_notice = _day_number(Agreement.ending_effective_date) - 1
    last_day = case(
        (and_(Agreement.end_date.is_(None), Agreement.ending_effective_date.is_(None)),
         literal(_FAR_FUTURE)),
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
    amount, dpw, scheme = Agreement.allowance_amount, Agreement.days_per_week, \
        Agreement.allowance_scheme
    full = case(
        (scheme == "flat_monthly", amount),
        (scheme == "per_weekly_day", amount * dpw),
        (scheme == "per_day", amount * dpw * literal(52.0 / 12.0, Float)),
        else_=0,
    )
    oneoff = case((scheme == "one_off", amount), else_=0)
    default_factor = factors.get("voiture", 0)
    factor = case(
        *[(Employee.commute_mode == mode, literal(int(g))) for mode, g in factors.items()],
        else_=literal(int(default_factor)),
    ) if factors else literal(0)
    return (
        select(
            Agreement.employee_id.label("employee_id"),
            _day_number(Agreement.start_date).label("a_start"),
            last_day.label("a_last"),
            _day_number(Agreement.suspension_start_date).label("s_lo"),
            suspension_end.label("s_hi"),
            dpw.label("dpw"),
            (Employee.commute_km * dpw).label("kmdpw"),
            (Employee.commute_km * dpw * factor).label("co2dpw"),
            case((and_(cap.isnot(None), full > cap), cap), else_=full).label("full"),
            case((and_(cap.isnot(None), oneoff > cap), cap), else_=oneoff).label("oneoff"),
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


_WEIGHTS = ("dpw", "kmdpw", "co2dpw", "full")


def _events_statement(a):
    """Change points of the weighted coverage: starts, ends, suspension starts and ends.

    Each branch is grouped by day, so the result has at most a few rows per distinct date,
    whatever the number of agreements. The last branch lists the agreements of employees who
    have more than one in the window (relays), to count each employee once per month.
    """
    kind = literal_column
    sums = [func.sum(getattr(a.c, w)) for w in _WEIGHTS]
    neg = [-func.sum(getattr(a.c, w)) for w in _WEIGHTS]
    s_start = _greater(a.c.a_start, a.c.s_lo)
    s_end = _lesser(a.c.a_last, a.c.s_hi)
    suspended = and_(a.c.s_lo.isnot(None), a.c.s_hi.isnot(None), s_start <= s_end)
    multi = select(a.c.employee_id).group_by(a.c.employee_id).having(func.count() > 1)
    zero = literal(0)
    return union_all(
        select(kind("'start'"), a.c.a_start, func.count(), *sums, func.sum(a.c.oneoff))
        .group_by(a.c.a_start),
        select(kind("'end'"), a.c.a_last + 1, func.count(), *neg, zero)
        .where(a.c.a_last < _FAR_FUTURE).group_by(a.c.a_last),
        select(kind("'suspension_start'"), s_start, zero, *neg, zero)
        .where(suspended).group_by(s_start),
        select(kind("'suspension_end'"), s_end + 1, zero, *sums, zero)
        .where(suspended, s_end < _FAR_FUTURE).group_by(s_end),
        select(kind("'relay'"), a.c.a_start, a.c.employee_id, a.c.a_last, zero, zero, zero,
               zero).where(a.c.employee_id.in_(multi)),
    )


def _trend(obs: Observatory, months: list[tuple[int, int]], default_cap: Decimal | None) -> None:
    """Month-by-month estimates from the change points of the agreements (one statement).

    Coverage weights are piecewise constant between change points: integrating them over each
    month's days gives Σ weight × calendar days covered, without one row per agreement and month.
    """
    window_first = month_bounds(*months[0])[0]
    window_last = month_bounds(*months[-1])[1]
    a = _counted_agreements_cte(window_first, window_last, default_cap, obs.co2_factors)
    starts: dict[int, list[float]] = {}
    changes: dict[int, list[float]] = {}
    relays: dict[int, list[tuple[int, int]]] = {}
    for row in db.session.execute(_events_statement(a)):
        kind, day = row[0], int(round(float(row[1])))
        if kind == "relay":
            relays.setdefault(int(row[2]), []).append((day, int(round(float(row[3])))))
            continue
        weights = [float(x or 0) for x in row[3:7]]
        delta = changes.setdefault(day, [0.0] * (len(_WEIGHTS) + 1))
        delta[0] += float(row[2] or 0) * (1 if kind == "start" else -1 if kind == "end" else 0)
        for i, w in enumerate(weights, start=1):
            delta[i] += w
        if kind == "start":
            entry = starts.setdefault(day, [0.0, 0.0])
            entry[0] += float(row[7] or 0)
            entry[1] += float(row[2] or 0)

    bounds = [((lo - _EPOCH).days, (hi - _EPOCH).days)
              for lo, hi in (month_bounds(y, m) for y, m in months)]
    points = sorted(changes)
    running = [0.0] * (len(_WEIGHTS) + 1)  # [agreements covering, dpw, kmdpw, co2dpw, full]
    index = 0
    by_month: list[MonthFigures] = []
    for (year, month), (first, last) in zip(months, bounds, strict=True):
        integral = [0.0] * len(_WEIGHTS)
        day = first
        # Apply every change up to the first day of the month.
        while index < len(points) and points[index] <= first:
            for i, v in enumerate(changes[points[index]]):
                running[i] += v
            index += 1
        # Agreements covering the first day, plus those starting later in the month.
        overlapping = running[0] + sum(v[1] for d, v in starts.items() if first < d <= last)
        while day <= last:
            nxt = points[index] if index < len(points) and points[index] <= last else last + 1
            span = nxt - day
            for i in range(len(_WEIGHTS)):
                integral[i] += running[i + 1] * span
            if nxt <= last:
                delta = changes[points[index]]
                for i, v in enumerate(delta):
                    running[i] += v
                index += 1
            day = nxt
        dim = last - first + 1
        ratio = working_days(year, month) / (5 * dim)
        oneoff = sum(v[0] for d, v in starts.items() if first <= d <= last)
        duplicates = sum(
            max(0, sum(1 for lo, hi in spans if lo <= last and hi >= first) - 1)
            for spans in relays.values()
        )
        km = 2 * integral[1] * ratio
        figures = MonthFigures(year, month)
        figures.teleworkers = int(round(overlapping)) - duplicates
        figures.days = _dec(integral[0] * ratio)
        figures.km = _dec(km, "1")
        figures.hours = _dec(km / obs.speed_kmh if obs.speed_kmh else 0)
        figures.co2_kg = _dec(2 * integral[2] * ratio / 1000)
        figures.budget = _money(integral[3] / dim + oneoff)
        by_month.append(figures)
    obs.trend = by_month


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
