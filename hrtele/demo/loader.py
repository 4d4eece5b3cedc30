"""Loading the demonstration data set into the current transaction (the caller commits).

Everything is derived from ``today`` and a seed through one ``random.Random``: the same date and
seed always give the same data. Dates are placed so that every record is in a state it could
really have reached by ``today``: requests before decisions, signatures before the start,
timeline events (``agreement_events``) replaying the lifecycle state machine up to the current
status, annual interviews on each anniversary (some deliberately missed).
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import func, select

from hrtele import clock
from hrtele.audit.service import record
from hrtele.demo import data
from hrtele.demo.data import DEFAULT_SEED, DemoAccount, PostSpec, TownSpec
from hrtele.domain import lifecycle as lc
from hrtele.domain.dates import (
    adaptation_end_date,
    add_months,
    annual_interview_due_dates,
    format_date_fr,
)
from hrtele.domain.notice import (
    CLAUSE_MUTUAL,
    PHASE_ADAPTATION,
    PHASE_AFTER_ADAPTATION,
    end_terms,
)
from hrtele.domain.notice import earliest_end as effective_end_date
from hrtele.domain.pattern import (
    EMPTY_PATTERN,
    SLOTS_PER_WEEK,
    STANDARD_WORKING_WEEK,
    describe_pattern,
)
from hrtele.domain.refusals import OTHER
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import (
    Absence,
    Agreement,
    AgreementEvent,
    AnnualInterview,
    Category,
    Employee,
    Employer,
    EquipmentItem,
    Establishment,
    Place,
    Policy,
    Post,
    PriorityInformation,
    RefusalReason,
    TeleworkRequest,
    User,
)
from hrtele.models.agreement import AGREEMENT_STATUSES
from hrtele.models.request import REQUEST_STATUSES
from hrtele.posts.services import create_post
from hrtele.users.services import create_user

__all__ = ["DEFAULT_SEED", "DemoSummary", "database_has_employer", "load_demo"]

_HALF = Decimal("0.5")
# Named people whose situation is fixed (the demo accounts); the others are drawn like anyone.
_SCRIPTED = ("julie", "thomas", "sophie", "marc")
_DAY = timedelta(days=1)
# Demo refusal kinds (data.REFUSAL_REASONS) -> code of the seeded refusal catalogue.
_CATALOGUE_CODES = {"ineligible": "post_not_eligible", "seniority": "seniority",
                    "working_time": "working_time", "service": "service_organisation"}


@dataclass(frozen=True)
class DemoSummary:
    """What load_demo created, for the command's report."""

    today: date
    seed: int
    employer_name: str
    establishments: int
    posts: int
    ineligible_posts: int
    vacant_posts: int
    employees: int
    inactive_employees: int
    telecentres: int
    homes: int
    requests: dict[str, int]
    agreements: dict[str, int]
    accounts: tuple[DemoAccount, ...]


def database_has_employer() -> bool:
    """True when an employer exists (the demo only loads into an empty database)."""
    return db.session.scalar(select(Employer.id).limit(1)) is not None


def load_demo(today: date | None = None, actor: User | None = None,
              seed: int = DEFAULT_SEED) -> DemoSummary:
    """Add the fictitious employer and its staff, requests and agreements; does not commit."""
    if database_has_employer():
        raise BusinessRuleError(
            "La base contient déjà un employeur : les données de démonstration ne se chargent "
            "que dans une base vide."
        )
    return _Builder(today or clock.today(), actor, seed).run()



# --------------------------------------------------------------------------------------------
# Small date helpers
# --------------------------------------------------------------------------------------------


def _weekday_on_or_after(d: date) -> date:
    while d.weekday() >= 5:
        d += _DAY
    return d


def _weekday_on_or_before(d: date) -> date:
    while d.weekday() >= 5:
        d -= _DAY
    return d


def _monday_on_or_before(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _first_of_month_on_or_after(d: date) -> date:
    return d if d.day == 1 else add_months(d.replace(day=1), 1)


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour, 0), tzinfo=UTC)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c if c.isalnum() else "-" for c in plain.lower().replace("'", "")).strip("-")


# --------------------------------------------------------------------------------------------
# Builder
# --------------------------------------------------------------------------------------------


@dataclass
class _Person:
    employee: Employee
    spec: PostSpec
    town: TownSpec
    key: str | None = None
    home: Place | None = None
    busy: bool = False


@dataclass
class _Dates:
    """The dates around one agreement, in chronological order."""

    request: date
    decision: date
    issue: date
    employee_signed: date
    employer_signed: date
    insurance: date
    electrical: date
    start: date


@dataclass
class _Plan:
    """What one agreement scenario asks for; unset fields are drawn at random."""

    status: str
    place: str = "home"  # home | home+tc | tc
    days: Decimal | None = None
    volume_only: bool = False
    start: date | None = None
    fixed_term: bool = False
    renewed: bool = False
    amended: bool = False
    overdue: bool = False
    insurance: str = "ok"  # ok | missing | expired
    electrical_missing: bool = False
    allowance: str | None = None
    ending: str | None = None  # key of data.ENDING_REASONS
    cancel_from: str = lc.DRAFT
    suspension: int = 0
    extras: dict[str, Any] = field(default_factory=dict)


class _PoolExhausted(Exception):
    """No employee left who fits a scenario (only possible with an unusual seed)."""


class _Builder:
    """Creates the demo records in the session, step by step."""

    def __init__(self, today: date, actor: User | None, seed: int) -> None:
        if not date(1990, 1, 1) <= today <= date(2100, 12, 31):
            raise BusinessRuleError(
                "Date de référence hors limites : choisissez une date entre 1990 et 2100."
            )
        self.today = today
        self.actor = actor
        self.seed = seed
        self.rng = random.Random(seed)
        self.establishments: dict[str, Establishment] = {}
        self.categories: dict[str, Category] = {}
        self.posts: dict[str, Post] = {}
        self.telecentres: dict[str, Place] = {}
        self.people: list[_Person] = []
        self._weekend_worker = False
        self.named: dict[str, _Person] = {}
        self.hr_users: list[User] = []
        self.serial = 0
        self.teleworkers: list[_Person] = []

    # -- steps ---------------------------------------------------------------------------

    def run(self) -> DemoSummary:
        """Create everything, then count what was created."""
        self._organisation()
        self._staff_accounts()
        self._posts()
        self._telecentres()
        self._employees()
        try:
            self._scenarios()
        except _PoolExhausted:
            raise BusinessRuleError(
                f"Avec la graine {self.seed}, le tirage ne fournit pas assez de salariés pour "
                "tous les scénarios : choisissez une autre graine (option --seed)."
            ) from None
        self._employee_accounts()
        db.session.flush()
        summary = self._summary()
        record("import", "demo", None, self.actor, {
            "today": self.today,
            "seed": self.seed,
            "posts": summary.posts,
            "employees": summary.employees,
            "requests": sum(summary.requests.values()),
            "agreements": sum(summary.agreements.values()),
        })
        return summary

    def _organisation(self) -> None:
        employer = Employer(**data.EMPLOYER)
        db.session.add(employer)
        db.session.flush()
        db.session.add(Policy(employer_id=employer.id, **data.POLICY))
        for key, (name, address) in data.ESTABLISHMENTS.items():
            self.establishments[key] = Establishment(employer_id=employer.id, name=name,
                                                     address=address)
        for code, label in data.CATEGORIES.items():
            self.categories[code] = Category(code=code, label=label)
        db.session.add_all([*self.establishments.values(), *self.categories.values()])
        db.session.flush()

    def _staff_accounts(self) -> None:
        for account in data.DEMO_ACCOUNTS:
            if account.role == "employee":
                continue
            user = create_user(account.email, account.role, account.password, self.actor,
                               account.display_name)
            if account.role == "hr":
                self.hr_users.append(user)

    def _posts(self) -> None:
        for spec in data.POSTS:
            self.posts[spec.code] = create_post({
                "code": spec.code,
                "title": spec.title,
                "department": spec.department,
                "establishment_id": self.establishments[spec.establishment].id,
                "category_id": self.categories[spec.category].id,
                "is_eligible": spec.eligible,
                "eligibility_reason": spec.reason,
                "teleworkable_tasks": spec.tasks,
                "max_days_per_week": spec.cap,
                "headcount": spec.headcount,
                "is_vacant": spec.vacant,
            }, self.actor)

    def _telecentres(self) -> None:
        for spec in data.TELECENTRES:
            self.telecentres[spec.key] = Place(
                kind="third_place", third_place_type="telecentre", name=spec.name,
                address=spec.address, capacity=spec.capacity,
            )
        db.session.add_all(self.telecentres.values())

    # -- employees -----------------------------------------------------------------------

    def _employees(self) -> None:
        rng = self.rng
        named_by_post: dict[str, list[data.NamedPerson]] = {}
        for person in data.NAMED_PEOPLE:
            named_by_post.setdefault(person.post, []).append(person)
        used_names = {(p.first_name, p.last_name) for p in data.NAMED_PEOPLE}
        number = 0
        for spec in data.POSTS:
            if spec.vacant:
                continue
            waiting = list(named_by_post.get(spec.code, []))
            for _ in range(spec.headcount):
                number += 1
                if waiting:
                    named = waiting.pop(0)
                    person = self._new_person(number, spec, named.civility, named.first_name,
                                              named.last_name, town=named.town,
                                              hired=self._years_ago(named.seniority_years))
                    person.key = named.key
                    self.named[named.key] = person
                else:
                    person = self._random_person(number, spec, used_names)
                self.people.append(person)
        # Recent hires on teleworkable posts: below the 12 months of seniority the policy asks.
        candidates = [p for p in self.people if p.spec.eligible and p.key is None]
        for person in rng.sample(candidates, 5):
            person.employee.hire_date = self.today - timedelta(days=rng.randint(45, 320))
            person.employee.contract_date = person.employee.hire_date
        self._insert_with_managers()

    def _years_ago(self, years: int) -> date:
        return self.today - timedelta(days=365 * years + self.rng.randint(0, 200))

    def _random_person(self, number: int, spec: PostSpec, used: set[tuple[str, str]]) -> _Person:
        rng = self.rng
        while True:
            female = rng.random() < 0.55
            first = rng.choice(data.FIRST_NAMES_F if female else data.FIRST_NAMES_M)
            last = rng.choice(data.LAST_NAMES)
            if (first, last) not in used:
                used.add((first, last))
                break
        hired = self.today - timedelta(days=rng.randint(730, 9500))
        person = self._new_person(number, spec, "Mme" if female else "M.", first, last,
                                  town=None, hired=hired)
        person.employee.working_time_rate = rng.choice((100,) * 15 + (90, 90, 80, 80, 50))
        if rng.random() < 0.1:  # fixed-term contract first, permanent contract later
            later = hired + timedelta(days=rng.randint(90, 700))
            person.employee.contract_date = min(later, self.today)
        return person

    def _new_person(self, number: int, spec: PostSpec, civility: str, first: str, last: str,
                    town: str | None, hired: date) -> _Person:
        rng = self.rng
        towns = data.HOME_TOWNS[spec.establishment]
        home_town = next((t for t in towns if t.town == town), None) or rng.choice(towns)
        km = max(1, home_town.km + rng.choice((-1, 0, 0, 1, 2)))
        employee = Employee(
            personnel_number=f"PGS{number:04d}",
            civility=civility,
            first_name=first,
            last_name=last,
            email=f"{_slug(first)}.{_slug(last)}@{data.DEMO_EMAIL_DOMAIN}",
            post_id=self.posts[spec.code].id,
            category_id=self.categories[spec.category].id,
            hire_date=hired,
            contract_date=hired,
            working_time_rate=100,
            home_address=f"{rng.randint(1, 48)} {rng.choice(data.STREETS)}, "
                         f"{home_town.postcode} {home_town.town}",
            commute_km=Decimal(f"{km}.{rng.randint(0, 9)}"),
            commute_mode=self._commute_mode(km),
            is_active=True,
        )
        return _Person(employee=employee, spec=spec, town=home_town)

    def _commute_mode(self, km: int) -> str:
        rng = self.rng
        if km <= 3:
            return rng.choice(("marche", "velo", "voiture"))
        if km <= 10:
            return rng.choice(("velo", "voiture", "voiture", "transports"))
        return rng.choice(("voiture",) * 7 + ("covoiturage", "covoiturage", "train", "moto"))

    def _insert_with_managers(self) -> None:
        """Insert managers before their teams, so manager_id is known at insert time."""
        director = self.named["dg"]
        heads: dict[str, _Person] = {}
        for person in self.people:
            if person.spec.head and person.spec.department not in heads:
                heads[person.spec.department] = person
        leads = [p for p in self.people if p.spec.code == "RTE-03"]
        placed = {id(director), *(id(p) for p in heads.values()), *(id(p) for p in leads)}
        levels = [
            [director],
            [p for p in heads.values() if p is not director],
            leads,
            [p for p in self.people if id(p) not in placed],
        ]
        road_agents = 0
        for level in levels:
            for person in level:
                head = heads.get(person.spec.department)
                if person is director:
                    manager = None
                elif person is head:
                    manager = director
                elif person.spec.code == "RTE-04" and leads:
                    manager = leads[road_agents % len(leads)]
                    road_agents += 1
                else:
                    manager = head or director
                person.employee.manager_id = manager.employee.id if manager else None
            db.session.add_all(p.employee for p in level)
            db.session.flush()

    def _home(self, person: _Person) -> Place:
        if person.home is None:
            person.home = Place(kind="home", name="Domicile",
                                address=person.employee.home_address,
                                employee_id=person.employee.id)
            db.session.add(person.home)
        return person.home

    # -- picking people ------------------------------------------------------------------

    def _teleworkable(self, person: _Person) -> bool:
        employee = person.employee
        return (
            person.spec.eligible
            and person.key not in _SCRIPTED
            and employee.working_time_rate >= data.POLICY["min_working_time_rate"]
            and employee.hire_date is not None
            and add_months(employee.hire_date, 13) <= self.today
        )

    def _take(self, pool: list[_Person], *, start: date | None = None,
              telecentre: bool = False, establishment: str | None = None) -> _Person:
        for person in pool:
            if person.busy:
                continue
            if telecentre and person.town.telecentre is None:
                continue
            if establishment and person.spec.establishment != establishment:
                continue
            if start is not None and add_months(person.employee.hire_date, 12) > start:
                continue
            person.busy = True
            return person
        raise _PoolExhausted

    # -- scenarios -----------------------------------------------------------------------

    def _scenarios(self) -> None:
        rng = self.rng
        today = self.today
        pool = [p for p in self.people if self._teleworkable(p)]
        rng.shuffle(pool)

        # The people behind the demo accounts.
        julie, thomas, sophie, marc = (self.named[k] for k in _SCRIPTED)
        for person in (julie, thomas, sophie, marc):
            person.busy = True
        self._agreement(julie, _Plan(lc.ACTIVE, place="home+tc", days=Decimal("2"),
                                     start=self._months_ago_first(20), allowance="per_weekly_day",
                                     extras={"pattern": "00110011000000"}))
        self._agreement(thomas, _Plan(lc.ADAPTATION, days=Decimal("1.5"),
                                      start=_monday_on_or_before(today - timedelta(days=40)),
                                      extras={"pattern": "00110010000000"}))
        self._agreement(sophie, _Plan(lc.ACTIVE, place="tc", days=Decimal("1"),
                                      start=self._months_ago_first(26), overdue=True,
                                      extras={"pattern": "00001100000000"}))
        self._request_only(marc, "pending", days=Decimal("1"), pattern="00000000110000",
                           request_date=_monday_on_or_before(today - timedelta(days=6)))

        # Telework imposed at the flooded Saint-Girons site, and a past snow episode.
        for overdue in (False, False, True):
            self._imposed(self._take(pool, establishment="saint_girons"), overdue=overdue)
        self._imposed(self._take(pool, establishment="saint_girons"), ended=True)

        plans = [
            # Third places first: they need someone living near a télécentre.
            _Plan(lc.ACTIVE, place="tc", allowance="none"),
            _Plan(lc.ACTIVE, place="tc"),
            _Plan(lc.ACTIVE, place="home+tc", amended=True,
                  extras={"amendment_pending": True}),
            _Plan(lc.ACTIVE, place="home+tc", allowance="per_day"),
            _Plan(lc.ADAPTATION, place="tc"),
            _Plan(lc.DRAFT, place="home+tc"),
            # Home-based.
            _Plan(lc.DRAFT),
            _Plan(lc.DRAFT, volume_only=True),
            _Plan(lc.DRAFT, insurance="missing", electrical_missing=True),
            _Plan(lc.ISSUED),
            _Plan(lc.ISSUED, insurance="missing"),
            _Plan(lc.ISSUED, fixed_term=True),
            _Plan(lc.SIGNED),
            _Plan(lc.SIGNED, fixed_term=True),
            _Plan(lc.SIGNED, insurance="missing", extras={"start_passed": True}),
            # Start date reached, signatures and attestations in: HR can start it today.
            _Plan(lc.SIGNED, extras={"start_passed": True}),
            _Plan(lc.ADAPTATION),
            # Its last day has passed but HR has not closed the adaptation period yet.
            _Plan(lc.ADAPTATION, extras={"adaptation_overdue": True}),
            _Plan(lc.ADAPTATION, allowance="per_day"),
            _Plan(lc.ADAPTATION, allowance="one_off"),
            _Plan(lc.ADAPTATION, volume_only=True),
            _Plan(lc.ACTIVE),
            _Plan(lc.ACTIVE, amended=True),
            _Plan(lc.ACTIVE, overdue=True),
            _Plan(lc.ACTIVE, overdue=True, allowance="flat_monthly"),
            _Plan(lc.ACTIVE, insurance="expired"),
            _Plan(lc.ACTIVE, insurance="expired", allowance="per_day"),
            _Plan(lc.ACTIVE, fixed_term=True, extras={"term_soon": True}),
            _Plan(lc.ACTIVE, fixed_term=True, renewed=True),
            _Plan(lc.ACTIVE, allowance="flat_monthly"),
            _Plan(lc.ACTIVE, allowance="one_off"),
            _Plan(lc.ACTIVE),
            _Plan(lc.ACTIVE),
            _Plan(lc.SUSPENDED, suspension=0),
            _Plan(lc.SUSPENDED, suspension=1),
            _Plan(lc.ENDING, ending="adaptation_employer"),
            _Plan(lc.ENDING, ending="employee"),
            _Plan(lc.ENDING, ending="employer"),
            # Notice run out: HR still has to record the end of telework.
            _Plan(lc.ENDING, ending="employee", extras={"effective_passed": True}),
            # Non-renewal of a fixed-term avenant notified; the term is a few weeks away.
            _Plan(lc.ENDING, ending="term", fixed_term=True),
            _Plan(lc.ENDED, ending="adaptation_employee"),
            _Plan(lc.ENDED, ending="employee"),
            _Plan(lc.ENDED, ending="term", fixed_term=True),
            _Plan(lc.CANCELLED, cancel_from=lc.DRAFT),
            _Plan(lc.CANCELLED, cancel_from=lc.ISSUED),
        ]
        for plan in plans:
            start = plan.start or self._start_for(plan)
            plan.start = start
            person = self._take(pool, start=start if start <= today else today,
                                telecentre=plan.place != "home")
            self._agreement(person, plan)

        # A former employee whose telework ended when he left.
        self._former_employee()

        # Requests without an agreement (yet).
        accepted = self._take(pool)
        self._request_only(accepted, "accepted", days=Decimal("1"), pattern="11000000000000",
                           request_date=today - timedelta(days=rng.randint(14, 20)),
                           decided_days_ago=rng.randint(1, 4))
        for pattern, days, tc in (("00000011000000", Decimal("1"), False),
                                  ("00110000100000", Decimal("1.5"), False),
                                  ("00000000110000", Decimal("1"), True)):
            try:
                person = self._take(pool, telecentre=tc)
            except _PoolExhausted:  # nobody left near a télécentre: a request to work at home
                person, tc = self._take(pool), False
            self._request_only(person, "pending", days=days, pattern=pattern, telecentre=tc,
                               request_date=today - timedelta(days=rng.randint(2, 25)))
        recent = [p for p in self.people if p.spec.eligible and p.key is None and not p.busy
                  and add_months(p.employee.hire_date, 12) > today]
        recent.sort(key=lambda p: p.employee.personnel_number)
        newcomer, refused_newcomer = recent[0], recent[1]
        newcomer.busy = refused_newcomer.busy = True
        self._request_only(newcomer, "pending", days=Decimal("1"), pattern="00001100000000",
                           request_date=today - timedelta(days=rng.randint(2, 10)))
        self._refused(refused_newcomer, "seniority")
        self._refused(self._take(pool), "service")
        part_time = self._take(pool)
        part_time.employee.working_time_rate = 50
        self._refused(part_time, "working_time")
        ineligible = [p for p in self.people if not p.spec.eligible and p.key is None]
        for code in ("RH-04", "RTE-04", "SOC-02"):
            person = next(p for p in ineligible if p.spec.code == code and not p.busy)
            person.busy = True
            self._refused(person, "ineligible")
        others = [p for p in self.people if not p.busy and p.key is None]
        for person in rng.sample(others, 3):
            person.busy = True
            asked_days_ago = rng.randint(30, 200)
            self._request_only(person, "withdrawn", days=Decimal("1"), pattern="00000000110000",
                               request_date=today - timedelta(days=asked_days_ago),
                               decided_days_ago=asked_days_ago - rng.randint(3, 20))
        self._priority_informations()

    def _months_ago_first(self, months: int) -> date:
        return add_months(self.today, -months).replace(day=1)

    def _start_for(self, plan: _Plan) -> date:
        """A start date that lets the plan's status be reached by today."""
        rng, today = self.rng, self.today
        status = plan.status
        if plan.extras.get("term_soon") or (status == lc.ENDING and plan.ending == "term"):
            # A one-year fixed term ending within the next six weeks or so.
            return _first_of_month_on_or_after(add_months(today, -12) + timedelta(days=10))
        if plan.extras.get("effective_passed"):
            # Long past the adaptation period, so the notice given weeks ago follows it.
            return self._months_ago_first(rng.randint(8, 30))
        if plan.extras.get("adaptation_overdue"):
            # The adaptation period (3 months) ended one to four weeks ago.
            start = _monday_on_or_before(add_months(today, -3) - timedelta(days=rng.randint(7, 25)))
            while adaptation_end_date(start, data.POLICY["adaptation_months"]) >= today:
                start -= timedelta(days=7)
            return start
        if plan.renewed:
            return self._months_ago_first(rng.randint(14, 20))
        if status in (lc.DRAFT, lc.ISSUED, lc.CANCELLED):
            return _first_of_month_on_or_after(today + timedelta(days=12))
        if status == lc.SIGNED:
            if plan.extras.get("start_passed"):
                return _weekday_on_or_after(today - timedelta(days=4))
            return _first_of_month_on_or_after(today + timedelta(days=6))
        if status == lc.ADAPTATION:
            return _monday_on_or_before(today - timedelta(days=rng.randint(10, 80)))
        if status == lc.ENDING and plan.ending == "adaptation_employer":
            return _monday_on_or_before(today - timedelta(days=rng.randint(30, 60)))
        if status == lc.ENDED:
            if plan.ending == "adaptation_employee":
                return _monday_on_or_before(today - timedelta(days=rng.randint(90, 150)))
            if plan.ending == "term":
                return self._months_ago_first(16)
            return self._months_ago_first(rng.randint(14, 40))
        if plan.insurance == "expired" or plan.overdue:
            return self._months_ago_first(rng.randint(15, 44))
        return self._months_ago_first(rng.randint(4, 48))

    # -- dates ---------------------------------------------------------------------------

    def _dates(self, start: date) -> _Dates:
        """Request, decision, issue, signatures and attestations before ``start`` (and today)."""
        rng, today = self.rng, self.today
        if start > today:  # not started yet: everything happened in the last weeks
            request = _weekday_on_or_after(today - timedelta(days=rng.randint(28, 45)))
            cap = today
        else:
            request = _weekday_on_or_after(start - timedelta(days=rng.randint(35, 70)))
            cap = min(today, start - _DAY)

        def step(after: date, low: int, high: int) -> date:
            return min(_weekday_on_or_after(after + timedelta(days=rng.randint(low, high))), cap)

        decision = step(request, 6, 18)
        issue = step(decision, 3, 7)
        employee_signed = step(issue, 2, 5)
        employer_signed = step(employee_signed, 0, 2)
        insurance = step(decision, 2, 10)
        electrical = step(decision, 2, 10)
        return _Dates(min(request, cap), decision, issue, employee_signed, employer_signed,
                      insurance, electrical, start)

    # -- one agreement -------------------------------------------------------------------

    def _days_for(self, person: _Person) -> Decimal:
        policy_cap = data.POLICY["max_days_per_week"]
        cap = min(policy_cap, person.spec.cap) if person.spec.cap is not None else policy_cap
        scaled = cap * Decimal(person.employee.working_time_rate) / Decimal(100)
        cap = (scaled / _HALF).to_integral_value(rounding=ROUND_FLOOR) * _HALF
        options = [d for d in (Decimal("1"), Decimal("1.5"), Decimal("2")) if d <= cap] or [_HALF]
        return self.rng.choice(options + [options[-1]])

    def _pattern_for(self, days: Decimal) -> str:
        slots = ["0"] * SLOTS_PER_WEEK
        full = int(days)
        half = days - full == _HALF
        weekdays = self.rng.sample(range(5), full + (1 if half else 0))
        for day in weekdays[:full]:
            slots[2 * day] = slots[2 * day + 1] = "1"
        if half:
            slots[2 * weekdays[-1] + self.rng.randint(0, 1)] = "1"
        return "".join(slots)

    def _working_week(self, person: _Person, pattern: str) -> None:
        """Part-time employees work fewer half-days; one full-timer works Tuesday to Saturday.

        Chosen without drawing from the random generator (the rest of the demo stays the same)
        and never on a half-day this agreement teleworks.
        """
        employee = person.employee
        if employee.working_pattern != STANDARD_WORKING_WEEK:
            return
        rate = employee.working_time_rate or 100
        if rate >= 100:
            if not self._weekend_worker and pattern[:2] == "00" and pattern != EMPTY_PATTERN:
                employee.working_pattern = "00111111111100"
                self._weekend_worker = True
            return
        off = int((Decimal(100 - rate) / Decimal(10)).to_integral_value())  # half-days off
        slots = list(STANDARD_WORKING_WEEK)
        for index in range(9, -1, -1):  # from Friday afternoon backwards
            if off == 0:
                break
            if pattern[index] == "0":
                slots[index] = "0"
                off -= 1
        employee.working_pattern = "".join(slots)

    def _allowance(self, scheme: str) -> tuple[Decimal, Decimal | None]:
        return {
            "per_weekly_day": (Decimal("10.00"), None),
            "per_day": (Decimal("2.50"), Decimal("55.00")),
            "flat_monthly": (Decimal("20.00"), None),
            "one_off": (Decimal("100.00"), None),
            "none": (Decimal("0.00"), None),
        }[scheme]

    def _agreement(self, person: _Person, plan: _Plan) -> Agreement:
        rng, today = self.rng, self.today
        start = plan.start or self._start_for(plan)
        status = plan.status
        dates = self._dates(start)
        days = plan.days or self._days_for(person)
        pattern = plan.extras.get("pattern") or (
            EMPTY_PATTERN if plan.volume_only else self._pattern_for(days)
        )
        telecentre = (self.telecentres[person.town.telecentre]
                      if person.town.telecentre else None)
        home = self._home(person) if plan.place != "tc" else None
        main_place = home if home is not None else telecentre
        second_place = telecentre if plan.place == "home+tc" else None
        if second_place is not None:
            pattern = _last_day_at_second_place(pattern)
        self._working_week(person, pattern)
        wished_place = main_place
        request = self._request(person, "accepted", days=days, pattern=pattern,
                                place=wished_place, request_date=dates.request,
                                decision_date=dates.decision)
        request.second_place = second_place
        scheme = plan.allowance or rng.choice(("per_weekly_day",) * 4 + ("per_day", "flat_monthly"))
        amount, cap = self._allowance(scheme)
        adaptation_months = data.POLICY["adaptation_months"]
        end_date = None
        if plan.fixed_term:
            end_date = add_months(start, 12) - _DAY
        agreement = Agreement(
            employee_id=person.employee.id,
            request=request,
            kind="regular",
            status=status,
            place=main_place,
            second_place=second_place,
            days_per_week=days,
            weekly_pattern=pattern,
            start_date=start,
            end_date=end_date,
            adaptation_months=adaptation_months,
            adaptation_end_date=adaptation_end_date(start, adaptation_months),
            notice_days_during_adaptation=data.POLICY["notice_days_during_adaptation"],
            notice_days_after_adaptation=data.POLICY["notice_days_after_adaptation"],
            reversibility_clause="notice",
            contact_slots=rng.choice(data.CONTACT_SLOTS),
            time_control=data.POLICY["default_time_control"],
            equipment=rng.choice(data.EQUIPMENT_TEXTS),
            allowance_scheme=scheme,
            allowance_amount=amount,
            allowance_monthly_cap=cap,
            annual_interview_due_date=add_months(start, 12),
            amendment_version=0,
        )
        db.session.add(agreement)
        self.teleworkers.append(person)
        self._attestations(agreement, plan, dates, home is not None)
        events: list[tuple[str, str | None, str, date, str]] = []
        started = status in (lc.ADAPTATION, lc.ACTIVE, lc.SUSPENDED, lc.ENDING, lc.ENDED)
        issued = started or status in (lc.ISSUED, lc.SIGNED) or (
            status == lc.CANCELLED and plan.cancel_from == lc.ISSUED)
        if issued:
            agreement.amendment_version = 1
            events.append((lc.ISSUE, lc.DRAFT, lc.ISSUED, dates.issue,
                           "Avenant émis (version 1) et remis au salarié pour signature."))
        if status == lc.CANCELLED:
            source = lc.ISSUED if issued else lc.DRAFT
            when = min(today, (dates.issue if issued else dates.decision) + timedelta(days=3))
            events.append((lc.CANCEL, source, lc.CANCELLED, when,
                           f"Motif : {data.CANCEL_REASONS[1 if issued else 0]}"))
        if started or status == lc.SIGNED:
            agreement.employee_signed_date = dates.employee_signed
            agreement.employer_signed_date = dates.employer_signed
            events.append((lc.SIGN, lc.ISSUED, lc.SIGNED, dates.employer_signed,
                           f"Signé par le salarié le {format_date_fr(dates.employee_signed)} et "
                           f"par l'employeur le {format_date_fr(dates.employer_signed)}."))
        if started:
            self._started(agreement, person, plan, events, pattern)
        self._events(agreement, events)
        return agreement

    def _attestations(self, agreement: Agreement, plan: _Plan, dates: _Dates,
                      at_home: bool) -> None:
        today = self.today
        if at_home and not plan.electrical_missing:
            agreement.electrical_statement_date = dates.electrical
        if plan.insurance == "missing":
            return
        received = dates.insurance
        if dates.start <= today:
            # Attestations are renewed every year: keep the latest one received.
            renewals = 0
            while add_months(received, 12 * (renewals + 1)) <= today:
                renewals += 1
            if plan.insurance == "expired":
                renewals = max(0, renewals - 1)
            received = add_months(received, 12 * renewals)
        agreement.insurance_received_date = received
        agreement.insurance_insurer = self.rng.choice(data.INSURERS)
        agreement.insurance_expiry_date = add_months(received, 12) - _DAY

    def _started(self, agreement: Agreement, person: _Person, plan: _Plan,
                 events: list, pattern: str) -> None:
        """Activation, end of adaptation and what followed, up to the plan's status.

        Fields and timeline notes follow hrtele.lifecycle.services, so demo records look like
        the ones the lifecycle screens write.
        """
        rng, today = self.rng, self.today
        start = agreement.start_date
        adaptation_end = agreement.adaptation_end_date
        status = plan.status
        events.append((lc.ACTIVATE, lc.SIGNED, lc.ADAPTATION, start,
                       f"Démarrage le {format_date_fr(start)} ; période d'adaptation jusqu'au "
                       f"{format_date_fr(adaptation_end)}."))
        in_adaptation = status == lc.ADAPTATION or plan.ending in (
            "adaptation_employer", "adaptation_employee")
        if not in_adaptation:
            closed = adaptation_end + _DAY
            events.append((lc.END_ADAPTATION, lc.ADAPTATION, lc.ACTIVE, closed,
                           "Période d'adaptation achevée ; la clause de réversibilité "
                           f"s'applique depuis le {format_date_fr(closed)}."))
        if plan.renewed:
            old_end = agreement.end_date
            agreement.end_date = add_months(start, 24) - _DAY
            renewed_on = _weekday_on_or_before(old_end - timedelta(days=rng.randint(20, 40)))
            events.append((lc.RENEW, lc.ACTIVE, lc.ACTIVE, renewed_on,
                           f"Échéance portée du {format_date_fr(old_end)} au "
                           f"{format_date_fr(agreement.end_date)} ; avenant de renouvellement "
                           "à émettre."))
            self._reissue(agreement, events, lc.ACTIVE, renewed_on)
        if plan.amended:
            previous = pattern
            while previous == pattern:
                previous = self._pattern_for(agreement.days_per_week)
            effective = _first_of_month_on_or_after(
                max(adaptation_end + timedelta(days=20), today - timedelta(days=100)))
            effective = min(effective, today)
            events.append((lc.AMEND, lc.ACTIVE, lc.ACTIVE, effective,
                           f"Avenant modificatif à effet du {format_date_fr(effective)} ; jours "
                           f"de télétravail : {describe_pattern(previous)} → "
                           f"{describe_pattern(pattern)}."))
            if plan.extras.get("amendment_pending"):
                agreement.has_pending_amendment = True  # version 2 still to be issued
            else:
                self._reissue(agreement, events, lc.ACTIVE, effective)
        if status == lc.SUSPENDED:
            reason = data.SUSPENSION_REASONS[plan.suspension % len(data.SUSPENSION_REASONS)]
            agreement.suspension_reason = reason
            agreement.suspension_start_date = _weekday_on_or_after(
                today - timedelta(days=rng.randint(6, 15)))
            agreement.suspension_end_date = today + timedelta(days=rng.randint(10, 30))
            events.append((lc.SUSPEND, lc.ACTIVE, lc.SUSPENDED, agreement.suspension_start_date,
                           f"Motif : {reason} ; à partir du "
                           f"{format_date_fr(agreement.suspension_start_date)}, fin prévue le "
                           f"{format_date_fr(agreement.suspension_end_date)}."))
        ended_on = None
        if status in (lc.ENDING, lc.ENDED):
            ended_on = self._notify_end(agreement, person, plan, events, in_adaptation)
        self._interviews(agreement, plan, ended_on)
        self._equipment(agreement, ended_on)
        if agreement.allowance_scheme == "per_day" and status in (lc.ACTIVE, lc.ADAPTATION):
            self._absences(person, agreement)

    def _reissue(self, agreement: Agreement, events: list, state: str, after: date) -> None:
        """Version n + 1 of the avenant issued after an amendment or a renewal (documents area)."""
        when = min(self.today, _weekday_on_or_after(after + timedelta(days=self.rng.randint(3, 8))))
        agreement.amendment_version += 1
        events.append((lc.REISSUE, state, state, when,
                       f"Avenant émis (version {agreement.amendment_version}) et signé par les "
                       "deux parties."))

    def _notify_end(self, agreement: Agreement, person: _Person, plan: _Plan, events: list,
                    in_adaptation: bool) -> date | None:
        """Reversibility notice (and, for ended ones, the end); returns the end if reached."""
        rng, today = self.rng, self.today
        start = agreement.start_date
        notice = (agreement.notice_days_during_adaptation if in_adaptation
                  else agreement.notice_days_after_adaptation)
        if plan.ending == "term":
            effective = agreement.end_date  # the term: the agreement ends by itself
            if plan.status == lc.ENDING:  # term still to come: notified in the last days
                latest = effective - timedelta(days=notice + rng.randint(0, 7))
                notified = _weekday_on_or_before(
                    min(today - timedelta(days=rng.randint(1, 5)), latest))
            else:
                notified = effective - timedelta(days=notice + rng.randint(5, 15))
        elif plan.extras.get("effective_passed"):
            # The notice has run out: the end is to be recorded (complete_end) from today.
            notified = _weekday_on_or_before(today - timedelta(days=notice + rng.randint(3, 12)))
            effective = effective_end_date(notified, notice)
        elif plan.status == lc.ENDING:
            notified = _weekday_on_or_before(today - timedelta(days=rng.randint(1, 9)))
            notified = max(notified, start + timedelta(days=14))
            effective = effective_end_date(notified, notice)
        elif in_adaptation:
            notified = start + timedelta(days=rng.randint(30, 60))
            effective = effective_end_date(notified, notice)
        else:
            notified = _monday_on_or_before(today - timedelta(days=rng.randint(60, 200)))
            effective = effective_end_date(notified, notice)
        initiative = ("employer" if plan.ending in ("adaptation_employer", "employer", "term")
                      else "employee")
        mutual = not in_adaptation and plan.ending != "departure"
        method = rng.choice(("lrar", "hand_delivery"))
        agreement.ending_initiative = initiative
        agreement.ending_notification_date = notified
        agreement.ending_effective_date = effective
        agreement.ending_reason = data.ENDING_REASONS[plan.ending]
        agreement.ending_method = method
        # What the screens will read comes from the one notice module, as for a real notice.
        terms = end_terms(
            start=agreement.start_date,
            adaptation_end=agreement.adaptation_end_date,
            clause=agreement.reversibility_clause or CLAUSE_MUTUAL,
            notice_during=agreement.notice_days_during_adaptation,
            notice_after=agreement.notice_days_after_adaptation,
            policy_notice_during=data.POLICY["notice_days_during_adaptation"],
            policy_notice_after=data.POLICY["notice_days_after_adaptation"],
            notification_date=notified,
        )
        expected_phase = PHASE_ADAPTATION if in_adaptation else PHASE_AFTER_ADAPTATION
        if (terms.phase, terms.notice_days) != (expected_phase, notice) or not (
            mutual or effective >= terms.earliest_end
        ):
            raise AssertionError(f"demo notice inconsistent with the legal core: {terms}")
        agreement.ending_phase = terms.phase
        agreement.ending_notice_days = terms.notice_days
        agreement.is_end_mutual = mutual
        agreement.ending_return_arrangements = self._return_arrangements(person, plan, effective)
        who = "du salarié" if initiative == "employee" else "de l'employeur"
        how = ("par LRAR" if method == "lrar"
               else "par remise en main propre contre décharge")
        note = (f"À l'initiative {who}, notifiée le {format_date_fr(notified)} {how} ; délai de "
                f"prévenance de {notice} jours ; fin effective le {format_date_fr(effective)}.")
        if mutual:
            note += " Fin convenue d'un commun accord."
        note += f" Motif : {agreement.ending_reason}"
        phase_state = lc.ADAPTATION if in_adaptation else lc.ACTIVE
        events.append((lc.NOTIFY_END, phase_state, lc.ENDING, notified, note))
        if plan.status != lc.ENDED:
            return None
        agreement.ended_date = effective
        events.append((lc.COMPLETE_END, lc.ENDING, lc.ENDED, effective,
                       f"Fin du télétravail le {format_date_fr(effective)}."))
        return effective

    def _return_arrangements(self, person: _Person, plan: _Plan, effective: date) -> str:
        """Where and how the employee works on site again (legal.md §4.2)."""
        if plan.ending == "departure":
            return ("Sans objet : départ de l'entreprise ; équipements restitués le dernier jour "
                    "travaillé.")
        site = self.establishments[person.spec.establishment].name
        manager_id = person.employee.manager_id
        manager = next((p.employee for p in self.people if p.employee.id == manager_id), None)
        who = f", sous la responsabilité de {manager.full_name}" if manager else ""
        return (f"Retour sur site à temps plein à compter du {format_date_fr(effective)} : "
                f"{site}, poste de {person.spec.title.lower()}, horaires collectifs du "
                f"service{who}.")

    def _interviews(self, agreement: Agreement, plan: _Plan, until: date | None) -> None:
        """One annual interview per anniversary already passed (the latest one missed if overdue)."""
        rng, today = self.rng, self.today
        start = agreement.start_date
        limit = min(today, until) if until else today
        anniversaries = []
        years = 1
        while add_months(start, 12 * years) < limit:
            anniversaries.append(add_months(start, 12 * years))
            years += 1
        held = anniversaries[:-1] if plan.overdue else anniversaries
        for due in held:
            when = due - timedelta(days=rng.randint(0, 25))
            conditions, workload, remarks = rng.choice(data.INTERVIEW_TEXTS)
            db.session.add(AnnualInterview(
                agreement=agreement, held_date=when, conditions=conditions, workload=workload,
                remarks=remarks, next_date=add_months(due, 12),
                recorded_by_id=rng.choice(self.hr_users).id,
            ))
        if until is not None:
            agreement.annual_interview_due_date = None
        elif plan.overdue and anniversaries:
            agreement.annual_interview_due_date = anniversaries[-1]
        else:
            agreement.annual_interview_due_date = annual_interview_due_dates(start, today)

    def _equipment(self, agreement: Agreement, returned: date | None) -> None:
        rng = self.rng
        issued = max(agreement.employer_signed_date or agreement.start_date,
                     agreement.start_date - timedelta(days=rng.randint(1, 5)))
        items = [("Ordinateur portable", "PC")]
        if rng.random() < 0.7:
            items.append(("Casque audio avec micro", "CA"))
        if rng.random() < 0.35:
            items.append(("Écran 24 pouces", "EC"))
        if rng.random() < 0.2:
            items.append(("Téléphone mobile professionnel", "TM"))
        for label, prefix in items:
            self.serial += 1
            db.session.add(EquipmentItem(
                agreement=agreement, item_type=label,
                serial_number=f"PGS-{prefix}-{self.serial:05d}", issued_date=issued,
                returned_date=returned,
                return_condition=(rng.choice(("Bon état", "Bon état", "Rayures légères"))
                                  if returned else ""),
            ))

    def _absences(self, person: _Person, agreement: Agreement) -> None:
        """A few absences last month on telework days (deducted from per-day allowances)."""
        first = add_months(self.today.replace(day=1), -1)
        days = []
        d = max(first, agreement.start_date)
        while d < self.today.replace(day=1):
            weekday = d.weekday()
            if agreement.weekly_pattern[2 * weekday:2 * weekday + 2] != "00":
                days.append(d)
            d += _DAY
        for day in self.rng.sample(days, min(2, len(days))):
            db.session.add(Absence(employee_id=person.employee.id, absence_date=day,
                                   reason=self.rng.choice(data.ABSENCE_REASONS)))

    def _events(self, agreement: Agreement, events: list) -> None:
        # Chronological order (stable: same-day events keep their lifecycle order).
        events = sorted(events, key=lambda item: item[3])
        for index, (event, source, target, when, note) in enumerate(events):
            db.session.add(AgreementEvent(
                agreement=agreement, event=event, from_state=source, to_state=target,
                event_date=when, note=note,
                actor_id=self.hr_users[index % len(self.hr_users)].id,
                created_dt=_at(when, 9 + index % 8),
            ))

    # -- other records -------------------------------------------------------------------

    def _imposed(self, person: _Person, *, ended: bool = False, overdue: bool = False) -> None:
        """Telework imposed under L1222-11 (stored like hrtele.lifecycle.services.start_imposed)."""
        rng, today = self.rng, self.today
        if ended:
            start = _weekday_on_or_after(today - timedelta(days=rng.randint(60, 120)))
            end = start + timedelta(days=rng.randint(3, 6))
            reason = data.PAST_IMPOSED_REASON
        else:
            start = min(_weekday_on_or_after(today - timedelta(days=rng.randint(5, 9))), today)
            # One planned end already passed: HR must record that the circumstances are over.
            end = today - _DAY if overdue else today + timedelta(days=rng.randint(10, 25))
            end = max(end, start + _DAY)
            reason = data.IMPOSED_REASON
        agreement = Agreement(
            employee_id=person.employee.id, kind="exceptional",
            status=lc.ENDED if ended else lc.IMPOSED, place=self._home(person),
            days_per_week=Decimal("5"), weekly_pattern="1" * 10 + "0000", start_date=start,
            end_date=end, adaptation_months=0, adaptation_end_date=None,
            contact_slots=data.POLICY["default_contact_slots"],
            time_control=data.POLICY["default_time_control"],
            equipment="Ordinateur portable prêté pour la durée des circonstances exceptionnelles",
            allowance_scheme="none", allowance_amount=Decimal("0"), amendment_version=0,
            suspension_reason=reason, suspension_start_date=start, suspension_end_date=end,
        )
        db.session.add(agreement)
        events = [(lc.START_IMPOSED, None, lc.IMPOSED, start,
                   f"Circonstances : {reason} ; à partir du {format_date_fr(start)}, fin prévue "
                   f"le {format_date_fr(end)}.")]
        returned = None
        if ended:
            returned = agreement.ended_date = end + _DAY
            events.append((lc.COMPLETE_END, lc.IMPOSED, lc.ENDED, returned,
                           "Fin des circonstances exceptionnelles et du télétravail imposé le "
                           f"{format_date_fr(returned)}."))
        self.serial += 1
        db.session.add(EquipmentItem(
            agreement=agreement, item_type="Ordinateur portable",
            serial_number=f"PGS-PC-{self.serial:05d}", issued_date=start,
            returned_date=returned, return_condition="Bon état" if returned else "",
        ))
        self._events(agreement, events)

    def _former_employee(self) -> None:
        """An employee who left the company; his telework ended with his contract."""
        rng = self.rng
        spec = next(s for s in data.POSTS if s.code == "FIN-03")
        used = {(p.employee.first_name, p.employee.last_name) for p in self.people}
        person = self._random_person(len(self.people) + 1, spec, used)
        person.employee.working_time_rate = 100
        person.employee.hire_date = self.today - timedelta(days=rng.randint(3000, 5000))
        person.employee.contract_date = person.employee.hire_date
        person.employee.manager_id = self.named["julie"].employee.manager_id
        db.session.add(person.employee)
        db.session.flush()
        self.people.append(person)
        person.busy = True
        plan = _Plan(lc.ENDED, ending="departure", start=self._months_ago_first(30))
        self._agreement(person, plan)
        person.employee.is_active = False

    def _request(self, person: _Person, status: str, *, days: Decimal, pattern: str,
                 place: Place | None, request_date: date, decision_date: date | None = None,
                 refusal_reason: str = "", refusal_code: str | None = None) -> TeleworkRequest:
        rng = self.rng
        decided = status != "pending"  # a withdrawal is dated and recorded like a decision
        decider = rng.choice(self.hr_users) if decided else None
        request = TeleworkRequest(
            employee_id=person.employee.id,
            request_date=request_date,
            initiative="employee",
            wished_days=days,
            wished_pattern=pattern,
            place=place,
            motive=rng.choice(data.REQUEST_MOTIVES),
            status=status,
            refusal_reason=refusal_reason,
            refusal_reason_id=db.session.scalar(
                select(RefusalReason.id).where(RefusalReason.code == refusal_code))
            if refusal_code else None,
            decided_by_id=decider.id if decider else None,
            decided_dt=_at(decision_date, 11) if decided and decision_date else None,
            decision_date=decision_date if decided else None,
        )
        db.session.add(request)
        return request

    def _request_only(self, person: _Person, status: str, *, days: Decimal, pattern: str,
                      request_date: date, telecentre: bool = False,
                      decided_days_ago: int | None = None,
                      refusal_reason: str = "",
                      refusal_code: str | None = None) -> TeleworkRequest:
        place = (self.telecentres[person.town.telecentre] if telecentre and person.town.telecentre
                 else self._home(person))
        decision = None
        if status != "pending":
            ago = decided_days_ago if decided_days_ago is not None else self.rng.randint(5, 60)
            decision = max(request_date + _DAY, self.today - timedelta(days=ago))
            decision = min(decision, self.today)
        return self._request(person, status, days=days, pattern=pattern, place=place,
                             request_date=request_date, decision_date=decision,
                             refusal_reason=refusal_reason, refusal_code=refusal_code)

    def _refused(self, person: _Person, why: str) -> None:
        """A refused request: the demo's reason as precision, its catalogue reason chosen."""
        employee = person.employee
        template = data.REFUSAL_REASONS[why]
        reason = template.format(
            reason=person.spec.reason[:1].lower() + person.spec.reason[1:],
            date=format_date_fr(add_months(employee.hire_date, 12)),
            rate=employee.working_time_rate,
        )
        request_date = self.today - timedelta(days=self.rng.randint(20, 90))
        if why == "seniority":
            request_date = max(request_date, employee.hire_date + timedelta(days=15))
        self._request_only(person, "refused", days=Decimal("2"), pattern="11000000110000",
                           request_date=min(request_date, self.today - timedelta(days=2)),
                           decided_days_ago=self.rng.randint(1, 15), refusal_reason=reason,
                           refusal_code=_CATALOGUE_CODES.get(why, OTHER))

    def _priority_informations(self) -> None:
        """Teleworkers told of vacant posts without telework (C. trav. L1222-10 3°, 2012)."""
        vacant = [self.posts[s.code] for s in data.POSTS if s.vacant and not s.eligible]
        informed = _weekday_on_or_after(self.today - timedelta(days=20))
        informed = min(informed, self.today)
        teleworkers = [p for p in self.teleworkers if p.employee.is_active
                       and p.spec.establishment == "saint_girons"]
        for person in teleworkers[:4]:
            for post in vacant:
                if post.establishment_id == self.posts[person.spec.code].establishment_id:
                    db.session.add(PriorityInformation(
                        employee_id=person.employee.id, post_id=post.id, informed_date=informed,
                        actor_id=self.hr_users[0].id, created_dt=_at(informed),
                    ))

    def _employee_accounts(self) -> None:
        for account in data.DEMO_ACCOUNTS:
            if account.role != "employee":
                continue
            employee = self.named[account.person].employee
            create_user(account.email, "employee", account.password, self.actor,
                        account.display_name, employee.id)

    # -- summary -------------------------------------------------------------------------

    def _summary(self) -> DemoSummary:
        session = db.session

        def count(stmt) -> int:
            return session.scalar(stmt) or 0

        requests = Counter(dict(session.execute(
            select(TeleworkRequest.status, func.count()).group_by(TeleworkRequest.status)).all()))
        agreements = Counter(dict(session.execute(
            select(Agreement.status, func.count()).group_by(Agreement.status)).all()))
        return DemoSummary(
            today=self.today,
            seed=self.seed,
            employer_name=data.EMPLOYER["name"],
            establishments=count(select(func.count(Establishment.id))),
            posts=count(select(func.count(Post.id))),
            ineligible_posts=count(select(func.count(Post.id)).where(Post.is_eligible.is_(False))),
            vacant_posts=count(select(func.count(Post.id)).where(Post.is_vacant.is_(True))),
            employees=count(select(func.count(Employee.id)).where(Employee.is_active.is_(True))),
            inactive_employees=count(
                select(func.count(Employee.id)).where(Employee.is_active.is_(False))),
            telecentres=count(select(func.count(Place.id)).where(
                Place.third_place_type == "telecentre")),
            homes=count(select(func.count(Place.id)).where(Place.kind == "home")),
            requests={s: requests.get(s, 0) for s in REQUEST_STATUSES},
            agreements={s: agreements.get(s, 0) for s in AGREEMENT_STATUSES},
            accounts=data.DEMO_ACCOUNTS,
        )


def _last_day_at_second_place(pattern: str) -> str:
    """Home plus a third place: the last teleworked day of the week is at the third place."""
    days = [d for d in range(SLOTS_PER_WEEK // 2) if pattern[2 * d:2 * d + 2] != "00"]
    if len(days) < 2:
        return pattern
    last = days[-1]
    slots = list(pattern)
    for index in (2 * last, 2 * last + 1):
        if slots[index] != "0":
            slots[index] = "2"
    return "".join(slots)
