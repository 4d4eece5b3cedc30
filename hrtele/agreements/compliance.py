"""What the rules engine needs from the database besides the agreement itself, loaded once.

Every check of an agreement (the form, the HR page, issuing the amendment, putting telework in
force) goes through ``check_stored`` or ``rule_inputs``: they load the employee's other
agreements (no overlap allowed) and the seats and occupancy of the third places, then ask
``hrtele.domain.rules``. Nothing here decides a rule.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from hrtele.domain import lifecycle as lc
from hrtele.domain.notice import last_telework_day
from hrtele.domain.pattern import (
    FIRST_PLACE,
    SECOND_PLACE,
    SLOTS_PER_WEEK,
    parse_pattern,
    slot_label,
)
from hrtele.domain.rules import (
    check_activation,
    check_agreement,
    occupancy_with,
    periods_overlap,
)
from hrtele.domain.terms import AgreementPeriod, PlaceLoad, Violation
from hrtele.domain_adapters import (
    agreement_terms,
    employee_terms,
    employer_policy,
    policy_terms,
    post_terms,
    request_terms,
)
from hrtele.extensions import db
from hrtele.models import Agreement, Place

BASIS_POLICY = "Politique de l'employeur"


def agreement_period(agreement: Agreement) -> tuple[date, date | None] | None:
    """First and last day of telework under a stored agreement (None without a start date)."""
    if agreement.start_date is None:
        return None
    last = last_telework_day(
        agreement.end_date,
        agreement.ending_effective_date if agreement.status in (lc.ENDING, lc.ENDED) else None,
        agreement.ended_date if agreement.status == lc.ENDED else None,
    )
    return agreement.start_date, last


def other_agreements(employee_id: int, exclude_id: int | None) -> list[AgreementPeriod]:
    """The employee's other agreements that hold days (everything but cancelled ones)."""
    stmt = select(Agreement).where(
        Agreement.employee_id == employee_id, Agreement.status != lc.CANCELLED
    )
    if exclude_id is not None:
        stmt = stmt.where(Agreement.id != exclude_id)
    out = []
    for other in db.session.scalars(stmt.order_by(Agreement.start_date)):
        period = agreement_period(other)
        if period is None:
            continue
        out.append(
            AgreementPeriod(
                agreement_id=other.id,
                first_day=period[0],
                last_day=period[1],
                status_label=lc.STATE_LABELS.get(other.status, other.status),
            )
        )
    return out


def place_load(
    place: Place,
    exclude_id: int | None,
    first_day: date | None,
    last_day: date | None,
) -> PlaceLoad:
    """Seats of a third place and its occupancy per half-day by the other live agreements."""
    occupied = [0] * SLOTS_PER_WEEK
    if place.capacity is not None and place.kind == "third_place":
        stmt = select(Agreement).where(
            Agreement.status.in_(lc.LIVE_STATES - {lc.DRAFT}),
            or_(Agreement.place_id == place.id, Agreement.second_place_id == place.id),
        )
        if exclude_id is not None:
            stmt = stmt.where(Agreement.id != exclude_id)
        for other in db.session.scalars(stmt):
            period = agreement_period(other)
            if first_day is not None and period is not None and not periods_overlap(
                first_day, last_day, period[0], period[1]
            ):
                continue
            try:
                codes = parse_pattern(other.weekly_pattern)
            except ValueError:
                continue
            here = {FIRST_PLACE} if other.place_id == place.id else set()
            if other.second_place_id == place.id:
                here.add(SECOND_PLACE)
            for index, code in enumerate(codes):
                if code in here:
                    occupied[index] += 1
    return PlaceLoad(name=place.name, capacity=place.capacity, occupied=tuple(occupied))


def place_loads(
    place: Place | None,
    second_place: Place | None,
    exclude_id: int | None,
    first_day: date | None,
    last_day: date | None,
) -> dict[int, PlaceLoad]:
    """Loads of the agreement's places that have a number of seats, by place code."""
    loads: dict[int, PlaceLoad] = {}
    for code, row in ((FIRST_PLACE, place), (SECOND_PLACE, second_place)):
        if row is not None and row.kind == "third_place" and row.capacity is not None:
            loads[code] = place_load(row, exclude_id, first_day, last_day)
    return loads


def check_stored(agreement: Agreement, today: date, *, activation: bool = False) -> list[Violation]:
    """The rules engine's verdict on a stored agreement (attestations blocking on activation)."""
    policy = employer_policy()
    if policy is None:
        return [
            Violation(
                "",
                "La politique de télétravail de l'employeur n'est pas encore renseignée : un "
                "administrateur doit la compléter (menu « Politique ») avant d'établir un accord.",
                BASIS_POLICY,
                True,
            )
        ]
    employee = agreement.employee
    check = check_activation if activation else check_agreement
    return check(
        agreement_terms(agreement),
        post_terms(employee.post),
        employee_terms(employee),
        request_terms(agreement.request),
        policy_terms(policy),
        today,
        others=other_agreements(employee.id, agreement.id),
        place_loads=place_loads(
            agreement.place, agreement.second_place, agreement.id,
            agreement.start_date, agreement.end_date,
        ),
    )


def seat_occupancy(agreement: Agreement) -> list[dict]:
    """For each third place of the agreement with a number of seats: its occupancy, this
    agreement included, on each half-day the agreement uses it (for the agreement page)."""
    try:
        codes = parse_pattern(agreement.weekly_pattern)
    except ValueError:
        return []
    out = []
    loads = place_loads(
        agreement.place, agreement.second_place, agreement.id,
        agreement.start_date, agreement.end_date,
    )
    for code, load in loads.items():
        taken = occupancy_with(agreement.weekly_pattern, code, load)
        slots = [
            {"label": slot_label(index), "taken": taken[index]}
            for index, slot_code in enumerate(codes)
            if slot_code == code
        ]
        if slots:
            out.append({"name": load.name, "capacity": load.capacity, "slots": slots})
    return out
