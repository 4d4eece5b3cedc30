"""Telework rules engine (loi 2012-387: C. trav. L1222-9 to L1222-11 as worded 2012-2017;
ANI du 19 juillet 2005). Pure functions: plain terms and ``today`` in, violations out.

Every check returns a list of Violation; an empty list means compliant. A blocking violation
prevents saving (or activating) the agreement; a warning is shown to HR who may go on.

Figures (caps, seniority, notice delays, allowance amounts) always come from PolicyTerms,
PostTerms or the agreement itself. The only constants below are sanity bounds that are not an
employer's choice (a 12-month adaptation ceiling for a warning, a 31-day back-dating tolerance).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .contact import check_contact_slots, check_working_hours
from .dates import adaptation_end_date, add_months
from .notice import REVERSIBILITY_CLAUSES
from .pattern import (
    PLACE_CODES,
    describe_pattern,
    has_half_days,
    is_valid_working_week,
    parse_pattern,
    pattern_days,
    place_codes_used,
    slot_label,
    unworked_telework_slots,
    worked_days,
)
from .terms import (
    ALLOWANCE_SCHEMES,
    PLACE_KINDS,
    REQUEST_STATUSES,
    AgreementPeriod,
    AgreementTerms,
    EmployeeTerms,
    PlaceLoad,
    PolicyTerms,
    PostTerms,
    RequestTerms,
    Violation,
)

__all__ = [
    "BACKDATING_TOLERANCE_DAYS",
    "BASIS_ADAPTATION",
    "BASIS_CONDITIONS",
    "BASIS_CONTACT_SLOTS",
    "BASIS_CONTRACT",
    "BASIS_COSTS",
    "BASIS_ELECTRICAL",
    "BASIS_EQUIPMENT",
    "BASIS_POLICY",
    "BASIS_REGULAR",
    "BASIS_REVERSIBILITY",
    "BASIS_TIME_CONTROL",
    "BASIS_VOLUNTARY",
    "BASIS_WORK_ORGANISATION",
    "MAX_ADAPTATION_MONTHS",
    "WEEKS_PER_MONTH",
    "check_activation",
    "check_agreement",
    "check_policy",
    "check_post",
    "check_request",
    "max_days_allowed",
    "monthly_allowance",
    "periods_overlap",
    "prorate_cap",
    "seniority_date",
    "summarise",
]

# Legal bases, as printed next to each message (legal.md §1, §3, §4.1).
BASIS_VOLUNTARY = "C. trav. L1222-9 (2012) : volontariat"
BASIS_CONTRACT = "C. trav. L1222-9 (2012) : contrat de travail ou avenant"
BASIS_REGULAR = "C. trav. L1222-9 (2012) : télétravail régulier"
BASIS_CONDITIONS = "C. trav. L1222-9 (2012) : conditions de passage en télétravail"
BASIS_TIME_CONTROL = "C. trav. L1222-9 (2012) : contrôle du temps de travail"
BASIS_CONTACT_SLOTS = "C. trav. L1222-10 5° (2012) : plages horaires"
BASIS_COSTS = "C. trav. L1222-10 1° (2012) : prise en charge des coûts"
BASIS_ADAPTATION = "ANI 19/07/2005 art. 2 : période d'adaptation"
BASIS_REVERSIBILITY = "ANI 19/07/2005 art. 3 : réversibilité"
BASIS_EQUIPMENT = "ANI 19/07/2005 art. 7 : équipements"
BASIS_ELECTRICAL = "ANI 19/07/2005 art. 7 : conformité des installations électriques"
BASIS_WORK_ORGANISATION = "ANI 19/07/2005 art. 9 : organisation du travail"
BASIS_POLICY = "Politique de l'employeur"

# Beyond a year, an « adaptation » period is no longer one (practice: 1 to 3 months, legal.md §6).
MAX_ADAPTATION_MONTHS = 12
# An avenant whose start lies further back than this is probably back-dated.
BACKDATING_TOLERANCE_DAYS = 31
# Average weeks per month, to turn a per-day allowance into a monthly estimate.
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)

_HALF = Decimal("0.5")
_CENT = Decimal("0.01")
_NBSP = "\u00a0"
_NNBSP = "\u202f"
_MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_STATUS_FR = {
    "pending": "en attente",
    "accepted": "acceptée",
    "refused": "refusée",
    "withdrawn": "retirée par le salarié",
}


# --------------------------------------------------------------------------------------------
# Small public helpers (date and amount arithmetic the forms and documents also need)
# --------------------------------------------------------------------------------------------


def seniority_date(hire_date: date, months: int) -> date:
    """Date on which an employee hired on ``hire_date`` reaches ``months`` of seniority."""
    return add_months(hire_date, months)


def prorate_cap(cap: Decimal, working_time_rate: int, half_days_allowed: bool) -> Decimal:
    """Cap × rate / 100, rounded down to the half day (or to the day when half days are barred)."""
    unit = _HALF if half_days_allowed else Decimal(1)
    scaled = cap * Decimal(working_time_rate) / Decimal(100)
    return (scaled / unit).to_integral_value(rounding=ROUND_FLOOR) * unit


def periods_overlap(
    first: date, last: date | None, other_first: date, other_last: date | None
) -> bool:
    """True when two closed periods of days share a day (None: open-ended)."""
    return (last is None or other_first <= last) and (other_last is None or first <= other_last)


def max_days_allowed(post: PostTerms, employee: EmployeeTerms, policy: PolicyTerms) -> Decimal:
    """Telework days per week allowed for this employee on this post (lowest cap, pro-rated)."""
    caps = [policy.max_days_per_week]
    if post.max_days_per_week is not None:
        caps.append(post.max_days_per_week)
    rate = employee.working_time_rate if _valid_rate(employee.working_time_rate) else 100
    return prorate_cap(min(caps), rate, policy.half_days_allowed)


def monthly_allowance(scheme: str, amount: Decimal, days_per_week: Decimal) -> Decimal | None:
    """Monthly amount of an allowance (per-day: average month of 52/12 weeks); None if one-off."""
    if scheme == "none":
        return Decimal(0)
    if scheme == "flat_monthly":
        return amount
    if scheme == "per_weekly_day":
        return (amount * days_per_week).quantize(_CENT, rounding=ROUND_HALF_UP)
    if scheme == "per_day":
        return (amount * days_per_week * WEEKS_PER_MONTH).quantize(_CENT, rounding=ROUND_HALF_UP)
    if scheme == "one_off":
        return None
    raise ValueError(f"Modalité d'allocation inconnue{_NBSP}: {scheme!r}.")


def summarise(violations: Iterable[Violation]) -> tuple[list[Violation], list[Violation]]:
    """Split violations into (blocking, warnings), keeping their order."""
    blocking: list[Violation] = []
    warnings: list[Violation] = []
    for violation in violations:
        (blocking if violation.blocking else warnings).append(violation)
    return blocking, warnings


# --------------------------------------------------------------------------------------------
# French formatting (messages only)
# --------------------------------------------------------------------------------------------


def _fr(text: str) -> str:
    """Apply French typography: no-break space before : ; ! ? € and inside guillemets."""
    for plain, fixed in (
        (" :", f"{_NBSP}:"),
        (" ;", f"{_NBSP};"),
        (" !", f"{_NBSP}!"),
        (" ?", f"{_NBSP}?"),
        (" €", f"{_NBSP}€"),
        ("« ", f"«{_NBSP}"),
        (" »", f"{_NBSP}»"),
        (" %", f"{_NBSP}%"),
    ):
        text = text.replace(plain, fixed)
    return text


def _number(value: Decimal) -> str:
    """2 -> "2", 1.50 -> "1,5"."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")


def _days(value: Decimal) -> str:
    """French day count: "0,5 jour", "1,5 jour", "2 jours" (plural from 2)."""
    return f"{_number(value)} jour{'s' if abs(value) >= 2 else ''}"


def _months(value: int) -> str:
    """French month count: "3 mois" (invariable)."""
    return f"{value} mois"


def _euros(amount: Decimal) -> str:
    """French amount: "1 234,50 €" (narrow no-break thousands separator)."""
    text = f"{amount.quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"
    return text.replace(",", _NNBSP).replace(".", ",") + " €"


def _date(d: date) -> str:
    """French date: "1er mars 2013", "15 avril 2013"."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {_MONTHS_FR[d.month - 1]} {d.year}"


def _block(field: str, message: str, basis: str) -> Violation:
    """A blocking violation."""
    return Violation(field=field, message=_fr(message), basis=basis, blocking=True)


def _warn(field: str, message: str, basis: str) -> Violation:
    """A non-blocking violation (warning)."""
    return Violation(field=field, message=_fr(message), basis=basis, blocking=False)


def _blank(text: str | None) -> bool:
    """True for None or a string of blanks."""
    return text is None or not text.strip()


def _valid_rate(rate: int) -> bool:
    """A working-time rate is a percentage in 1..100."""
    return 0 < rate <= 100


def _is_whole(value: Decimal) -> bool:
    """True for a whole number of days."""
    return value == value.to_integral_value()


def _is_half_multiple(value: Decimal) -> bool:
    """True for a multiple of half a day."""
    return value % _HALF == 0


# --------------------------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------------------------


def _employee_checks(
    employee: EmployeeTerms, policy: PolicyTerms, reference: date | None, blocking_seniority: bool
) -> list[Violation]:
    """Active, working-time rate, seniority at ``reference`` (start date or request date)."""
    out: list[Violation] = []
    if not employee.is_active:
        out.append(
            _block(
                "employee",
                f"{employee.full_name} ne fait plus partie des effectifs : un avenant "
                "suppose un contrat de travail en cours.",
                BASIS_CONTRACT,
            )
        )
    rate = employee.working_time_rate
    if not _valid_rate(rate):
        out.append(
            _block(
                "employee",
                f"Taux d'activité invalide ({rate} %) : il doit être compris entre 1 et 100 %.",
                BASIS_POLICY,
            )
        )
    elif policy.min_working_time_rate > 0 and rate < policy.min_working_time_rate:
        out.append(
            _warn(
                "employee",
                f"Taux d'activité de {rate} %, inférieur au minimum de "
                f"{policy.min_working_time_rate} % fixé par la politique de l'employeur.",
                BASIS_POLICY,
            )
        )
    months = policy.seniority_months
    if months > 0:
        if employee.hire_date is None:
            out.append(
                _warn(
                    "employee",
                    f"Date d'embauche inconnue : l'ancienneté de {_months(months)} exigée par la "
                    "politique de l'employeur ne peut pas être vérifiée.",
                    BASIS_POLICY,
                )
            )
        elif reference is not None:
            reached = seniority_date(employee.hire_date, months)
            if reached > reference:
                if blocking_seniority:
                    out.append(
                        _block(
                            "start_date",
                            f"Ancienneté insuffisante au début du télétravail : "
                            f"{_months(months)} exigés par la politique de l'employeur, "
                            f"atteints le {_date(reached)}.",
                            BASIS_POLICY,
                        )
                    )
                else:
                    out.append(
                        _warn(
                            "employee",
                            f"Ancienneté insuffisante à la date de la demande : "
                            f"{_months(months)} exigés par la politique de l'employeur, "
                            f"atteints le {_date(reached)}. Le télétravail ne pourra pas "
                            "commencer avant cette date.",
                            BASIS_POLICY,
                        )
                    )
    return out


def _days_checks(
    field: str,
    days: Decimal,
    post: PostTerms,
    employee: EmployeeTerms,
    policy: PolicyTerms,
    caps_blocking: bool,
) -> tuple[list[Violation], bool]:
    """Range, half days and caps of a weekly number of days; also whether the count is usable."""
    make = _block if caps_blocking else _warn
    workdays = _employee_worked_days(employee)
    if days <= 0:
        return [
            _block(
                field,
                "Le nombre de jours de télétravail par semaine doit être positif : le "
                "télétravail est régulier.",
                BASIS_REGULAR,
            )
        ], False
    if days > workdays:
        return [
            _block(
                field,
                f"{_days(days)} de télétravail par semaine : c'est plus que les "
                f"{_days(workdays)} que le salarié travaille dans la semaine.",
                BASIS_WORK_ORGANISATION,
            )
        ], False
    if not _is_half_multiple(days):
        return [
            _block(
                field,
                f"Nombre de jours invalide ({_number(days)}) : comptez en jours ou en "
                "demi-journées (0,5).",
                BASIS_WORK_ORGANISATION,
            )
        ], False
    out: list[Violation] = []
    if not policy.half_days_allowed and not _is_whole(days):
        out.append(
            make(
                field,
                f"{_days(days)} par semaine : la politique de l'employeur n'autorise que des "
                "journées entières de télétravail.",
                BASIS_POLICY,
            )
        )
    rate = employee.working_time_rate if _valid_rate(employee.working_time_rate) else 100
    part_time = f" (au prorata de {rate} %)" if rate < 100 else ""
    # One message for the binding cap: the post's when it is at least as strict as the policy's.
    policy_cap = prorate_cap(policy.max_days_per_week, rate, policy.half_days_allowed)
    post_cap = (
        prorate_cap(post.max_days_per_week, rate, policy.half_days_allowed)
        if post.max_days_per_week is not None
        else None
    )
    if post_cap is not None and post_cap <= policy_cap:
        if days > post_cap:
            out.append(
                make(
                    field,
                    f"{_days(days)} par semaine : le poste « {post.title} » est plafonné à "
                    f"{_days(post_cap)}{part_time}.",
                    BASIS_POLICY,
                )
            )
    elif days > policy_cap:
        out.append(
            make(
                field,
                f"{_days(days)} par semaine : la politique de l'employeur plafonne le "
                f"télétravail à {_days(policy_cap)}{part_time}.",
                BASIS_POLICY,
            )
        )
    onsite = workdays - days
    minimum = min_onsite_days(policy, employee)
    if onsite < minimum:
        out.append(
            make(
                field,
                f"Il ne resterait que {_days(onsite)} sur site par semaine sur les "
                f"{_days(workdays)} travaillés : la politique de l'employeur impose au moins "
                f"{_days(minimum)} sur site{part_time}.",
                BASIS_POLICY,
            )
        )
    return out, True


def _employee_worked_days(employee: EmployeeTerms) -> Decimal:
    """Days the employee works per week (their working week; Monday to Friday if malformed)."""
    if is_valid_working_week(employee.working_week):
        return worked_days(employee.working_week)
    return Decimal(5)


def min_onsite_days(policy: PolicyTerms, employee: EmployeeTerms) -> Decimal:
    """Minimum days on site per week for this employee: the policy's, pro-rated for part time.

    The policy sets the minimum for a full-time week; a part-time employee must spend the same
    share of their own working time on site (rounded up to the half-day, never above it).
    """
    rate = employee.working_time_rate if _valid_rate(employee.working_time_rate) else 100
    scaled = policy.min_onsite_days_per_week * Decimal(rate) / Decimal(100)
    rounded = -((-scaled / _HALF).to_integral_value(rounding=ROUND_FLOOR)) * _HALF
    return min(rounded, _employee_worked_days(employee))


def _ineligible_post_message(post: PostTerms) -> str:
    """French sentence saying the post is not teleworkable, with its reason when known."""
    reason = "" if _blank(post.ineligibility_reason) else f" ({post.ineligibility_reason.strip()})"
    return f"Le poste « {post.title} » n'est pas télétravaillable{reason}"


# --------------------------------------------------------------------------------------------
# Agreement (avenant)
# --------------------------------------------------------------------------------------------


def _voluntary_checks(request: RequestTerms | None) -> list[Violation]:
    """The avenant must rest on the employee's accepted request."""
    if request is None:
        return [
            _block(
                "request",
                "Aucune demande de télétravail du salarié n'est rattachée à l'avenant : le "
                "télétravail repose sur le volontariat.",
                BASIS_VOLUNTARY,
            )
        ]
    if request.status == "accepted":
        return []
    if request.status == "pending":
        message = (
            "La demande de télétravail du salarié est encore en attente : acceptez-la avant "
            "d'établir l'avenant."
        )
    elif request.status in _STATUS_FR:
        message = (
            f"La demande de télétravail du salarié a été {_STATUS_FR[request.status]} : "
            "aucun avenant ne peut être établi sur cette base."
        )
    else:
        message = (
            f"Statut de demande inconnu ({request.status!r}) : seule une demande acceptée "
            "permet d'établir l'avenant."
        )
    return [_block("request", message, BASIS_VOLUNTARY)]


def _pattern_checks(
    a: AgreementTerms, employee: EmployeeTerms, policy: PolicyTerms, days_ok: bool
) -> list[Violation]:
    """Weekly pattern: well formed, on worked half-days, matching the days, places named."""
    pattern = (a.weekly_pattern or "").strip()
    if not pattern:
        return []
    try:
        parse_pattern(pattern)
    except ValueError as error:
        return [_block("weekly_pattern", str(error), BASIS_CONDITIONS)]
    counted = pattern_days(pattern)
    if counted == 0:
        # Volume of days without fixed weekdays.
        return []
    out: list[Violation] = []
    if is_valid_working_week(employee.working_week):
        unworked = unworked_telework_slots(pattern, employee.working_week)
        if unworked:
            labels = ", ".join(slot_label(index) for index in unworked)
            out.append(
                _block(
                    "weekly_pattern",
                    f"Demi-journée{'s' if len(unworked) > 1 else ''} de télétravail non "
                    f"travaillée{'s' if len(unworked) > 1 else ''} par le salarié ({labels}) : "
                    "le télétravail s'exerce sur les jours de travail prévus au contrat.",
                    BASIS_WORK_ORGANISATION,
                )
            )
    if days_ok and a.days_per_week is not None and counted != a.days_per_week:
        out.append(
            _block(
                "weekly_pattern",
                f"Les jours cochés ({describe_pattern(pattern)}) représentent {_days(counted)} "
                f"par semaine, alors que l'avenant en prévoit {_number(a.days_per_week)}.",
                BASIS_CONDITIONS,
            )
        )
    if not policy.half_days_allowed and has_half_days(pattern):
        out.append(
            _block(
                "weekly_pattern",
                f"Les jours cochés ({describe_pattern(pattern)}) comportent une demi-journée : "
                "la politique de l'employeur n'autorise que des journées entières.",
                BASIS_POLICY,
            )
        )
    used = place_codes_used(pattern)
    if 2 in used and not a.second_place_kind:
        out.append(
            _block(
                "weekly_pattern",
                "Des demi-journées sont prévues au second lieu, mais aucun second lieu n'est "
                "choisi.",
                BASIS_CONDITIONS,
            )
        )
    if a.second_place_kind and 2 not in used:
        out.append(
            _warn(
                "weekly_pattern",
                "Un second lieu est choisi, mais aucune demi-journée n'y est prévue : "
                "indiquez pour chaque demi-journée le lieu où elle est télétravaillée.",
                BASIS_CONDITIONS,
            )
        )
    return out


def _seat_checks(
    a: AgreementTerms, place_loads: Mapping[int, PlaceLoad]
) -> list[Violation]:
    """Third places with seats: no half-day beyond their capacity (a warning with occupancy)."""
    pattern = (a.weekly_pattern or "").strip()
    if not pattern or not place_loads:
        return []
    try:
        codes = parse_pattern(pattern)
    except ValueError:
        return []
    out: list[Violation] = []
    for code in PLACE_CODES:
        load = place_loads.get(code)
        if load is None or load.capacity is None:
            continue
        full = [
            f"{slot_label(index)} ({load.occupied[index] + 1}/{load.capacity})"
            for index, slot_code in enumerate(codes)
            if slot_code == code and load.occupied[index] + 1 > load.capacity
        ]
        if full:
            out.append(
                _warn(
                    "weekly_pattern",
                    f"« {load.name} » compte {load.capacity} place"
                    f"{'s' if load.capacity > 1 else ''} : elle serait dépassée "
                    f"{'le' if len(full) == 1 else 'les'} {', '.join(full)}.",
                    BASIS_WORK_ORGANISATION,
                )
            )
    return out


def occupancy_with(
    pattern: str, code: int, load: PlaceLoad
) -> tuple[int, ...]:
    """Occupancy of a place on each half-day if this pattern is added to the others."""
    slots = parse_pattern(pattern) if pattern else (0,) * len(load.occupied)
    return tuple(n + (1 if slot == code else 0) for n, slot in zip(load.occupied, slots, strict=True))


def _overlap_checks(
    a: AgreementTerms, others: Sequence[AgreementPeriod]
) -> list[Violation]:
    """Two agreements of the same employee may not cover the same day."""
    if a.start_date is None:
        return []
    last = a.end_date
    out: list[Violation] = []
    for other in others:
        if periods_overlap(a.start_date, last, other.first_day, other.last_day):
            until = f"au {_date(other.last_day)}" if other.last_day else "sans date de fin"
            out.append(
                _block(
                    "start_date",
                    f"Le salarié a déjà un accord sur cette période (n° {other.agreement_id}, "
                    f"« {other.status_label} », du {_date(other.first_day)} {until}) : deux "
                    "accords ne peuvent pas se chevaucher. Mettez fin au premier ou choisissez "
                    "une date de début postérieure.",
                    BASIS_CONTRACT,
                )
            )
    return out


def _date_checks(a: AgreementTerms, request: RequestTerms | None, today: date) -> list[Violation]:
    """Start date present, after the request, not back-dated; end after start."""
    if a.start_date is None:
        return [
            _block(
                "start_date",
                "Indiquez la date de début du télétravail.",
                BASIS_CONDITIONS,
            )
        ]
    out: list[Violation] = []
    start = a.start_date
    if request is not None and request.request_date is not None and start < request.request_date:
        out.append(
            _block(
                "start_date",
                f"Le télétravail commencerait le {_date(start)}, avant la demande du salarié "
                f"du {_date(request.request_date)}.",
                BASIS_VOLUNTARY,
            )
        )
    elif (
        request is not None
        and request.status == "accepted"
        and request.decision_date is not None
        and start < request.decision_date
    ):
        out.append(
            _block(
                "start_date",
                f"Le télétravail commencerait le {_date(start)}, avant l'acceptation de la "
                f"demande du salarié le {_date(request.decision_date)} : il ne peut commencer "
                "qu'une fois les deux parties d'accord.",
                BASIS_VOLUNTARY,
            )
        )
    if (today - start).days > BACKDATING_TOLERANCE_DAYS:
        out.append(
            _warn(
                "start_date",
                f"La date de début ({_date(start)}) est passée depuis plus de "
                f"{BACKDATING_TOLERANCE_DAYS} jours : un avenant ne devrait pas être antidaté.",
                BASIS_CONDITIONS,
            )
        )
    if a.end_date is not None and a.end_date <= start:
        out.append(
            _block(
                "end_date",
                f"La date de fin ({_date(a.end_date)}) doit être postérieure à la date de "
                f"début ({_date(start)}).",
                BASIS_CONDITIONS,
            )
        )
    return out


def _adaptation_checks(a: AgreementTerms) -> list[Violation]:
    """Adaptation period: length given and sensible, end date consistent and within the avenant."""
    out: list[Violation] = []
    months = a.adaptation_months
    if months is None:
        out.append(
            _block(
                "adaptation_months",
                "Indiquez la durée de la période d'adaptation, pendant laquelle chaque partie "
                "peut mettre fin au télétravail.",
                BASIS_ADAPTATION,
            )
        )
    elif months < 0:
        out.append(
            _block(
                "adaptation_months",
                "La durée de la période d'adaptation ne peut pas être négative.",
                BASIS_ADAPTATION,
            )
        )
    elif months == 0:
        out.append(
            _warn(
                "adaptation_months",
                "Aucune période d'adaptation n'est prévue, alors que l'ANI du 19 juillet 2005 "
                "en organise une.",
                BASIS_ADAPTATION,
            )
        )
    elif months > MAX_ADAPTATION_MONTHS:
        out.append(
            _warn(
                "adaptation_months",
                f"Période d'adaptation de {_months(months)} : au-delà de "
                f"{_months(MAX_ADAPTATION_MONTHS)}, elle n'est plus une période d'essai du "
                "télétravail.",
                BASIS_ADAPTATION,
            )
        )

    start = a.start_date
    given = a.adaptation_end_date
    expected = (
        adaptation_end_date(start, months)
        if start is not None and months is not None and months > 0
        else None
    )
    if given is not None and start is not None and given < start:
        out.append(
            _block(
                "adaptation_end_date",
                f"La fin de la période d'adaptation ({_date(given)}) précède le début du "
                f"télétravail ({_date(start)}).",
                BASIS_ADAPTATION,
            )
        )
    elif (
        given is not None
        and expected is not None
        # Accept the last day of the period or the day after (« jusqu'au » vs « au »).
        and given != expected
    ):
        out.append(
            _warn(
                "adaptation_end_date",
                f"La fin de la période d'adaptation ({_date(given)}) ne correspond pas à "
                f"{_months(months)} à compter du {_date(start)} : fin attendue le "
                f"{_date(expected)}.",
                BASIS_ADAPTATION,
            )
        )
    effective = given if given is not None else expected
    if (
        effective is not None
        and a.end_date is not None
        and (start is None or a.end_date > start)
        and effective > a.end_date
    ):
        out.append(
            _block(
                "adaptation_end_date" if given is not None else "adaptation_months",
                f"La période d'adaptation (jusqu'au {_date(effective)}) dépasse la fin de "
                f"l'avenant ({_date(a.end_date)}).",
                BASIS_ADAPTATION,
            )
        )
    return out


def _notice_checks(a: AgreementTerms) -> list[Violation]:
    """Notice delays (« délais de prévenance ») during and after the adaptation period."""
    out: list[Violation] = []
    during_needed = a.adaptation_months is None or a.adaptation_months > 0
    for field, value, needed, when, basis in (
        (
            "notice_days_during_adaptation",
            a.notice_days_during_adaptation,
            during_needed,
            "pendant la période d'adaptation",
            BASIS_ADAPTATION,
        ),
        (
            "notice_days_after_adaptation",
            a.notice_days_after_adaptation,
            True,
            "après la période d'adaptation (réversibilité)",
            BASIS_REVERSIBILITY,
        ),
    ):
        if value is None:
            if needed:
                out.append(_block(field, f"Indiquez le délai de prévenance {when}.", basis))
        elif value < 0:
            out.append(
                _block(
                    field,
                    f"Le délai de prévenance {when} ne peut pas être négatif.",
                    basis,
                )
            )
    if a.reversibility_clause is None:
        out.append(
            _block(
                "reversibility_clause",
                "Indiquez la clause de réversibilité applicable après la période d'adaptation : "
                "fin à l'initiative de chacune des parties avec le délai de prévenance, ou "
                "uniquement d'un commun accord.",
                BASIS_REVERSIBILITY,
            )
        )
    elif a.reversibility_clause not in REVERSIBILITY_CLAUSES:
        out.append(
            _block(
                "reversibility_clause",
                f"Clause de réversibilité inconnue ({a.reversibility_clause!r}).",
                BASIS_REVERSIBILITY,
            )
        )
    return out


def _allowance_checks(
    a: AgreementTerms, policy: PolicyTerms, days: Decimal | None
) -> list[Violation]:
    """Allowance scheme and amount against the cost duty and the employer's policy."""
    scheme = a.allowance_scheme
    amount = a.allowance_amount
    if scheme not in ALLOWANCE_SCHEMES:
        return [
            _block(
                "allowance_scheme",
                f"Modalité d'allocation inconnue ({scheme!r}).",
                BASIS_COSTS,
            )
        ]
    out: list[Violation] = []
    amount_ok = False
    if amount is not None and amount < 0:
        out.append(
            _block(
                "allowance_amount",
                "Le montant de l'allocation ne peut pas être négatif.",
                BASIS_COSTS,
            )
        )
    elif scheme != "none" and not amount:
        out.append(
            _block(
                "allowance_amount",
                "Indiquez le montant de l'allocation de télétravail prévue par l'avenant.",
                BASIS_COSTS,
            )
        )
    elif scheme == "none" and amount:
        out.append(
            _warn(
                "allowance_amount",
                f"Un montant ({_euros(amount)}) est saisi alors que l'avenant ne prévoit "
                "aucune allocation : il ne sera pas versé.",
                BASIS_COSTS,
            )
        )
    else:
        amount_ok = scheme != "none"

    policy_pays = policy.allowance_scheme != "none" and policy.allowance_amount > 0
    if scheme == "none" and policy_pays:
        out.append(
            _warn(
                "allowance_scheme",
                "L'avenant ne prévoit aucune allocation alors que la politique de l'employeur "
                "en verse une : vérifiez que tous les coûts découlant du télétravail sont pris "
                "en charge.",
                BASIS_COSTS,
            )
        )
    elif scheme != "none" and policy_pays and scheme != policy.allowance_scheme:
        out.append(
            _warn(
                "allowance_scheme",
                "La modalité d'allocation de l'avenant diffère de celle prévue par la "
                "politique de l'employeur.",
                BASIS_POLICY,
            )
        )
    elif amount_ok and scheme == policy.allowance_scheme and amount > policy.allowance_amount:
        out.append(
            _warn(
                "allowance_amount",
                f"Allocation de {_euros(amount)}, au-delà de la politique de l'employeur "
                f"({_euros(policy.allowance_amount)}).",
                BASIS_POLICY,
            )
        )
    cap = policy.allowance_monthly_cap
    if amount_ok and cap is not None and days is not None:
        monthly = monthly_allowance(scheme, amount, days)
        if monthly is not None and monthly > cap:
            out.append(
                _warn(
                    "allowance_amount",
                    f"Allocation d'environ {_euros(monthly)} par mois, au-delà du plafond "
                    f"mensuel de {_euros(cap)} fixé par la politique de l'employeur.",
                    BASIS_POLICY,
                )
            )
    return out


def _cost_coverage_checks(a: AgreementTerms, policy: PolicyTerms) -> list[Violation]:
    """Costs of telework covered in money or in kind, by the agreement or the policy."""
    # An allowance scheme chosen (even if its amount is still missing, which blocks anyway) or
    # paid under the policy covers the costs in money.
    in_money = a.allowance_scheme != "none" or (
        policy.allowance_scheme != "none" and policy.allowance_amount > 0
    )
    in_kind = not _blank(a.costs_coverage) or not _blank(policy.costs_coverage)
    if in_money or in_kind:
        return []
    return [
        _warn(
            "costs_coverage",
            "Ni l'avenant ni la politique de l'employeur ne prennent en charge les coûts "
            "découlant directement du télétravail (matériels, logiciels, abonnements, "
            "communications, maintenance), en argent ou en nature : la loi de 2012 les met à "
            "la charge de l'employeur.",
            BASIS_COSTS,
        )
    ]


def _attestation_checks(
    a: AgreementTerms, policy: PolicyTerms, today: date, activation: bool
) -> list[Violation]:
    """Insurance and electrical-conformity attestations: warnings at drafting, blocking to activate."""
    out: list[Violation] = []
    missing = _block if activation else _warn
    when = (
        "elle est exigée avant la mise en œuvre du télétravail"
        if activation
        else "elle devra être reçue avant la mise en œuvre du télétravail"
    )
    required = []
    if policy.insurance_required:
        required.append(
            (
                "insurance_received_date",
                a.insurance_received_date,
                "L'attestation d'assurance habitation",
                BASIS_POLICY,
            )
        )
    if policy.electrical_statement_required and "home" in a.place_kinds:
        required.append(
            (
                "electrical_statement_date",
                a.electrical_statement_date,
                "L'attestation de conformité des installations électriques du domicile",
                BASIS_ELECTRICAL,
            )
        )
    for field, received, label, basis in required:
        if received is None:
            out.append(missing(field, f"{label} n'a pas été reçue : {when}.", basis))
        elif received > today:
            out.append(
                _block(
                    field,
                    f"{label} ne peut pas avoir été reçue à une date future ({_date(received)}).",
                    basis,
                )
            )
    return out


def check_agreement(
    agreement: AgreementTerms,
    post: PostTerms,
    employee: EmployeeTerms,
    request: RequestTerms | None,
    policy: PolicyTerms,
    today: date,
    *,
    activation: bool = False,
    others: Sequence[AgreementPeriod] = (),
    place_loads: Mapping[int, PlaceLoad] | None = None,
) -> list[Violation]:
    """Every rule the telework agreement breaks; an empty list means compliant.

    ``others`` are the employee's other agreements (not cancelled); ``place_loads`` the seats and
    occupancy of the agreement's third places (place code 1 or 2 -> load).
    """
    a = agreement
    out: list[Violation] = []
    out += _voluntary_checks(request)
    if not post.is_eligible:
        out.append(_block("post", _ineligible_post_message(post) + ".", BASIS_POLICY))
    out += _employee_checks(employee, policy, a.start_date, blocking_seniority=True)

    days = a.days_per_week
    days_ok = False
    if days is None:
        out.append(
            _block(
                "days_per_week",
                "Indiquez le nombre de jours de télétravail par semaine.",
                BASIS_REGULAR,
            )
        )
    else:
        day_violations, days_ok = _days_checks(
            "days_per_week", days, post, employee, policy, caps_blocking=True
        )
        out += day_violations
        if (
            days_ok
            and request is not None
            and request.wished_days is not None
            and days > request.wished_days
        ):
            out.append(
                _warn(
                    "days_per_week",
                    f"L'avenant prévoit {_days(days)} de télétravail par semaine, alors que le "
                    f"salarié en a demandé {_number(request.wished_days)}.",
                    BASIS_VOLUNTARY,
                )
            )
    out += _pattern_checks(a, employee, policy, days_ok)
    out += _seat_checks(a, place_loads or {})

    if _blank(a.place_kind):
        out.append(
            _block(
                "place_kind",
                "Indiquez le lieu du télétravail (domicile ou tiers-lieu).",
                BASIS_CONDITIONS,
            )
        )
    elif a.place_kind not in PLACE_KINDS:
        out.append(
            _block(
                "place_kind",
                f"Lieu de télétravail inconnu ({a.place_kind!r}) : domicile ou tiers-lieu.",
                BASIS_CONDITIONS,
            )
        )

    elif a.second_place_kind is not None and a.second_place_kind not in PLACE_KINDS:
        out.append(
            _block(
                "second_place_kind",
                f"Lieu de télétravail inconnu ({a.second_place_kind!r}) : domicile ou tiers-lieu.",
                BASIS_CONDITIONS,
            )
        )

    out += _date_checks(a, request, today)
    out += _overlap_checks(a, others)
    out += _adaptation_checks(a)
    out += _notice_checks(a)

    if _blank(a.contact_slots):
        out.append(
            _block(
                "contact_slots",
                "Indiquez les plages horaires pendant lesquelles le salarié peut être "
                "joint, fixées en concertation avec lui.",
                BASIS_CONTACT_SLOTS,
            )
        )
    else:
        hours = employee.working_hours if not _blank(employee.working_hours) else (
            policy.default_working_hours
        )
        out += check_contact_slots(a.contact_slots, hours or "")
    if _blank(a.time_control):
        out.append(
            _block(
                "time_control",
                "Indiquez les modalités de contrôle du temps de travail (obligatoires à "
                "défaut d'accord collectif applicable).",
                BASIS_TIME_CONTROL,
            )
        )
    out += _allowance_checks(a, policy, days if days_ok else None)
    out += _cost_coverage_checks(a, policy)
    if _blank(a.equipment):
        out.append(
            _block(
                "equipment",
                "Indiquez les équipements fournis (ou l'usage du matériel personnel), leur "
                "installation et leur maintenance.",
                BASIS_EQUIPMENT,
            )
        )
    out += _attestation_checks(a, policy, today, activation)
    return out


def check_activation(
    agreement: AgreementTerms,
    post: PostTerms,
    employee: EmployeeTerms,
    request: RequestTerms | None,
    policy: PolicyTerms,
    today: date,
    *,
    others: Sequence[AgreementPeriod] = (),
    place_loads: Mapping[int, PlaceLoad] | None = None,
) -> list[Violation]:
    """Rules to put the agreement in force: as check_agreement, attestations now blocking."""
    return check_agreement(
        agreement, post, employee, request, policy, today,
        activation=True, others=others, place_loads=place_loads,
    )


# --------------------------------------------------------------------------------------------
# Request, post, policy
# --------------------------------------------------------------------------------------------


def check_request(
    request: RequestTerms,
    post: PostTerms,
    employee: EmployeeTerms,
    policy: PolicyTerms,
    today: date,
) -> list[Violation]:
    """Rules on recording a telework request; caps and eligibility only warn (HR may refuse)."""
    out: list[Violation] = []
    if request.status not in REQUEST_STATUSES:
        out.append(
            _block("status", f"Statut de demande inconnu ({request.status!r}).", BASIS_VOLUNTARY)
        )
    if request.request_date is None:
        out.append(
            _block(
                "request_date",
                "Indiquez la date de la demande : elle atteste le volontariat du salarié.",
                BASIS_VOLUNTARY,
            )
        )
    elif request.request_date > today:
        out.append(
            _block(
                "request_date",
                f"La date de la demande ({_date(request.request_date)}) ne peut pas être "
                "dans le futur.",
                BASIS_VOLUNTARY,
            )
        )
    if request.wished_days is not None:
        wished_violations, _ = _days_checks(
            "wished_days", request.wished_days, post, employee, policy, caps_blocking=False
        )
        out += wished_violations
    if not post.is_eligible:
        out.append(
            _warn(
                "post",
                _ineligible_post_message(post) + " : la demande pourra être refusée.",
                BASIS_POLICY,
            )
        )
    out += _employee_checks(employee, policy, request.request_date, blocking_seniority=False)
    return out


def check_post(post: PostTerms, policy: PolicyTerms | None = None) -> list[Violation]:
    """Rules on a post record (code, title, eligibility reason, own cap)."""
    out: list[Violation] = []
    if _blank(post.code):
        out.append(_block("code", "Indiquez le code du poste.", BASIS_POLICY))
    if _blank(post.title):
        out.append(_block("title", "Indiquez l'intitulé du poste.", BASIS_POLICY))
    if not post.is_eligible and _blank(post.ineligibility_reason):
        out.append(
            _warn(
                "ineligibility_reason",
                "Indiquez pourquoi le poste n'est pas télétravaillable : ce motif sera repris "
                "dans les réponses aux demandes.",
                BASIS_POLICY,
            )
        )
    cap = post.max_days_per_week
    if cap is not None:
        workdays = policy.workdays_per_week if policy is not None else Decimal(5)
        if cap <= 0 or cap > workdays:
            out.append(
                _block(
                    "max_days_per_week",
                    f"Le plafond du poste doit être compris entre 0,5 et {_days(workdays)} "
                    "par semaine.",
                    BASIS_WORK_ORGANISATION,
                )
            )
        elif not _is_half_multiple(cap):
            out.append(
                _block(
                    "max_days_per_week",
                    f"Plafond invalide ({_number(cap)}) : comptez en jours ou en "
                    "demi-journées (0,5).",
                    BASIS_WORK_ORGANISATION,
                )
            )
        elif policy is not None:
            if cap > policy.max_days_per_week:
                out.append(
                    _warn(
                        "max_days_per_week",
                        f"Le plafond du poste ({_days(cap)}) dépasse celui de la politique de "
                        f"l'employeur ({_days(policy.max_days_per_week)}), qui s'appliquera.",
                        BASIS_POLICY,
                    )
                )
            if not policy.half_days_allowed and not _is_whole(cap):
                out.append(
                    _warn(
                        "max_days_per_week",
                        f"Plafond de {_days(cap)} alors que la politique de l'employeur "
                        "n'autorise que des journées entières.",
                        BASIS_POLICY,
                    )
                )
    return out


def check_policy(policy: PolicyTerms) -> list[Violation]:
    """Rules on the employer's policy values themselves (ranges and coherence)."""
    p = policy
    out: list[Violation] = []
    workdays = p.workdays_per_week
    workdays_ok = 0 < workdays <= 7 and _is_half_multiple(workdays)
    if not workdays_ok:
        out.append(
            _block(
                "workdays_per_week",
                "Le nombre de jours travaillés par semaine doit être compris entre 0,5 et 7.",
                BASIS_POLICY,
            )
        )
    cap = p.max_days_per_week
    cap_ok = False
    if cap <= 0 or (workdays_ok and cap > workdays):
        out.append(
            _block(
                "max_days_per_week",
                "Le plafond de jours de télétravail par semaine doit être positif et ne pas "
                "dépasser les jours travaillés.",
                BASIS_POLICY,
            )
        )
    elif not _is_half_multiple(cap):
        out.append(
            _block(
                "max_days_per_week",
                f"Plafond invalide ({_number(cap)}) : comptez en jours ou en demi-journées (0,5).",
                BASIS_POLICY,
            )
        )
    elif not p.half_days_allowed and not _is_whole(cap):
        out.append(
            _block(
                "max_days_per_week",
                f"Plafond de {_days(cap)} alors que les demi-journées ne sont pas autorisées.",
                BASIS_POLICY,
            )
        )
    else:
        cap_ok = True
    onsite = p.min_onsite_days_per_week
    if onsite < 0 or not _is_half_multiple(onsite):
        out.append(
            _block(
                "min_onsite_days_per_week",
                "Le minimum de jours sur site doit être positif ou nul, en jours ou demi-journées.",
                BASIS_POLICY,
            )
        )
    elif workdays_ok and cap_ok and cap + onsite > workdays:
        out.append(
            _warn(
                "min_onsite_days_per_week",
                f"Avec {_days(onsite)} sur site au minimum, le plafond de {_days(cap)} de "
                f"télétravail ne pourra jamais être atteint sur {_days(workdays)} travaillés.",
                BASIS_POLICY,
            )
        )
    for field, value, label, basis in (
        (
            "seniority_months",
            p.seniority_months,
            "L'ancienneté requise ne peut pas être négative.",
            BASIS_POLICY,
        ),
        (
            "adaptation_months",
            p.adaptation_months,
            "La durée de la période d'adaptation ne peut pas être négative.",
            BASIS_ADAPTATION,
        ),
        (
            "notice_days_during_adaptation",
            p.notice_days_during_adaptation,
            "Le délai de prévenance pendant la période d'adaptation ne peut pas être négatif.",
            BASIS_ADAPTATION,
        ),
        (
            "notice_days_after_adaptation",
            p.notice_days_after_adaptation,
            "Le délai de prévenance après la période d'adaptation ne peut pas être négatif.",
            BASIS_REVERSIBILITY,
        ),
    ):
        if value < 0:
            out.append(_block(field, label, basis))
    if p.adaptation_months > MAX_ADAPTATION_MONTHS:
        out.append(
            _warn(
                "adaptation_months",
                f"Période d'adaptation de {_months(p.adaptation_months)} : au-delà de "
                f"{_months(MAX_ADAPTATION_MONTHS)}, elle n'est plus une période d'essai du "
                "télétravail.",
                BASIS_ADAPTATION,
            )
        )
    if not 0 <= p.min_working_time_rate <= 100:
        out.append(
            _block(
                "min_working_time_rate",
                "Le taux d'activité minimum doit être compris entre 0 et 100 %.",
                BASIS_POLICY,
            )
        )
    if p.allowance_scheme not in ALLOWANCE_SCHEMES:
        out.append(
            _block(
                "allowance_scheme",
                f"Modalité d'allocation inconnue ({p.allowance_scheme!r}).",
                BASIS_COSTS,
            )
        )
    elif p.allowance_amount < 0:
        out.append(
            _block(
                "allowance_amount",
                "Le montant de l'allocation ne peut pas être négatif.",
                BASIS_COSTS,
            )
        )
    elif p.allowance_scheme != "none" and p.allowance_amount == 0:
        out.append(
            _warn(
                "allowance_amount",
                "Une modalité d'allocation est choisie mais son montant est nul.",
                BASIS_COSTS,
            )
        )
    elif p.allowance_scheme == "none" and p.allowance_amount > 0:
        out.append(
            _warn(
                "allowance_amount",
                "Un montant d'allocation est saisi alors qu'aucune allocation n'est prévue.",
                BASIS_COSTS,
            )
        )
    if not _blank(p.default_working_hours):
        hours_problems = check_working_hours(p.default_working_hours, field="default_working_hours")
        out += hours_problems
        if not hours_problems and not _blank(p.default_contact_slots):
            out += check_contact_slots(
                p.default_contact_slots, p.default_working_hours, field="default_contact_slots"
            )
    if p.allowance_monthly_cap is not None and p.allowance_monthly_cap < 0:
        out.append(
            _block(
                "allowance_monthly_cap",
                "Le plafond mensuel de l'allocation ne peut pas être négatif.",
                BASIS_POLICY,
            )
        )
    return out
