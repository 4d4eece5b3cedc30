"""Frozen document snapshots built from the models (plain values only).

Each builder reads the rows a document prints, turns them into the plain values of
:mod:`hrtele.documents.snapshots` (ISO dates, amounts formatted « 12,50 € », tuples) and returns
the snapshot. The builders never write; they raise :class:`BusinessRuleError` (French message)
when a value the document must print is missing or inconsistent, so that nothing is issued.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import defer

from hrtele.domain import amendment_basis
from hrtele.domain import dates as domain_dates
from hrtele.domain import notice as domain_notice
from hrtele.domain.dates import format_euros
from hrtele.domain.holidays import is_public_holiday
from hrtele.domain.pattern import (
    HALF_DAYS_FR,
    SLOTS_PER_DAY,
    WEEKDAYS_FR,
    describe_pattern,
    describe_working_week,
    has_fixed_days,
    has_half_days,
    is_valid_pattern,
    is_valid_working_week,
    parse_pattern,
    place_codes_used,
)
from hrtele.domain.pattern import worked_days as domain_pattern_worked_days
from hrtele.domain.refusals import refusal_wording
from hrtele.domain.rules import min_onsite_days
from hrtele.domain_adapters import employee_terms, employer_policy, policy_terms
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import (
    Agreement,
    Employee,
    Employer,
    EquipmentItem,
    Establishment,
    IssuedDocument,
    PaperAmendment,
    Policy,
    Post,
    TeleworkRequest,
    User,
)
from hrtele.models.place import Place as PlaceRow

from .snapshots import (
    AdaptationPeriod,
    Allowance,
    AmendmentSnapshot,
    EmployeeInfo,
    EmployerInfo,
    EstablishmentInfo,
    NoticeSnapshot,
    Place,
    RefusalSnapshot,
    RequestInfo,
    ReturnArrangements,
    TeleworkDay,
    VacantPost,
)

__all__ = [
    "ALLOWANCE_LABELS",
    "MAX_VACANT_POSTS",
    "amendment_reference",
    "build_amendment",
    "build_notice",
    "build_refusal",
    "days_text",
    "employee_info",
    "employer_info",
    "latest_amendment_facts",
    "latest_paper_amendment",
    "notice_reference",
    "refusal_reference",
    "snapshot_error",
    "weekly_days",
]

#: Printed name of each allowance scheme (the amount and its basis follow in the template).
ALLOWANCE_LABELS: dict[str, str] = {
    "flat_monthly": "allocation forfaitaire mensuelle de télétravail",
    "per_weekly_day": "allocation forfaitaire de télétravail",
    "per_day": "allocation forfaitaire journalière de télétravail",
    "one_off": "indemnité forfaitaire d'installation",
    "none": "remboursement sur justificatifs",
}
#: A notice lists at most this many vacancies (the closest matches come first).
MAX_VACANT_POSTS = 20
#: Lifecycle codes of the notification method -> wording of the notice snapshot.
NOTIFICATION_METHODS = {"lrar": "LRAR", "hand_delivery": "remise en main propre contre décharge"}

_MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_POSTCODE_CITY = re.compile(r"\b\d{5}\s+(?P<city>[^,\n]+?)\s*$")
_DEFAULT_SCHEDULE = "horaires collectifs en vigueur dans l'établissement pour son poste"
NBSP = "\u00a0"


# --------------------------------------------------------------------------- references


def amendment_reference(agreement_id: int, version: int, issue_date: date) -> str:
    """« AV-2026-00042-v2 »: year of issue, agreement number, version."""
    return f"AV-{issue_date.year}-{agreement_id:05d}-v{version}"


def notice_reference(agreement_id: int, number: int, issue_date: date) -> str:
    """« NF-2026-00042-1 »: year of issue, agreement number, notice number."""
    return f"NF-{issue_date.year}-{agreement_id:05d}-{number}"


def refusal_reference(request_id: int, issue_date: date) -> str:
    """« RF-2026-00017 »: year of issue, request number (one letter per refused request)."""
    return f"RF-{issue_date.year}-{request_id:05d}"


# --------------------------------------------------------------------------- small helpers


def _one_line(text: str | None) -> str:
    """Multi-line text (addresses) on one line, parts separated by commas."""
    parts = [part.strip().rstrip(",") for part in (text or "").splitlines()]
    return ", ".join(part for part in parts if part)


def _lines(text: str | None) -> tuple[str, ...]:
    """Non-empty trimmed lines of a text (one item per line), bullets removed."""
    out = []
    for line in (text or "").splitlines():
        line = line.strip().lstrip("-•*").strip()
        if line:
            out.append(line)
    return tuple(out)


def _sentence(text: str) -> str:
    """Text ending with a full stop (the templates print it at the end of a sentence)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else f"{text}."


def _number_fr(value: Decimal) -> str:
    """2 -> "2", 1.5 -> "1,5"."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")


def days_text(value: Decimal) -> str:
    """« 1 jour », « 1,5 jour », « 2 jours » (French plural from 2)."""
    return f"{_number_fr(value)} jour{'s' if Decimal(value) >= 2 else ''}"


def _siret(value: str) -> str:
    """SIRET printed as « 123 456 789 00012 » (other values unchanged)."""
    digits = re.sub(r"\s", "", value or "")
    if re.fullmatch(r"\d{14}", digits):
        return f"{digits[:3]} {digits[3:6]} {digits[6:9]} {digits[9:]}"
    return (value or "").strip()


def _city(address: str) -> str | None:
    """Town of a French address (what follows the postcode), or None."""
    match = _POSTCODE_CITY.search(_one_line(address))
    return match.group("city").strip() if match else None


def _next_working_day(day: date) -> date:
    """``day`` itself, or the next day that is neither a weekend nor a public holiday."""
    for _ in range(15):
        if day.weekday() < 5 and not is_public_holiday(day):
            return day
        day += timedelta(days=1)
    return day  # pragma: no cover - never more than a long weekend in a row


def snapshot_error(what: str, error: Exception) -> BusinessRuleError:
    """French refusal for a snapshot that its own validation rejected."""
    return BusinessRuleError(f"{what} ne peut pas être établi(e) : {error}")


def weekly_days(
    pattern: str | None, place_names: dict[int, str] | None = None
) -> tuple[TeleworkDay, ...]:
    """Weekly pattern as TeleworkDay items; () for a volume without fixed days.

    With ``place_names`` (place code -> printed name) and a pattern using several places, each
    half-day says where it is teleworked (a day split between two places gives two items).
    """
    if not pattern or not is_valid_pattern(pattern):
        return ()
    codes = parse_pattern(pattern)
    several = place_names is not None and len(place_codes_used(pattern)) > 1
    out = []
    for index, weekday in enumerate(WEEKDAYS_FR):
        morning, afternoon = codes[index * SLOTS_PER_DAY], codes[index * SLOTS_PER_DAY + 1]
        if not several:
            if morning and afternoon:
                out.append(TeleworkDay(weekday=weekday, part="journée"))
            elif morning or afternoon:
                out.append(TeleworkDay(weekday=weekday, part=HALF_DAYS_FR[0 if morning else 1]))
            continue
        if morning and morning == afternoon:
            out.append(TeleworkDay(weekday=weekday, part="journée", place=place_names[morning]))
            continue
        for half, code in enumerate((morning, afternoon)):
            if code:
                out.append(
                    TeleworkDay(weekday=weekday, part=HALF_DAYS_FR[half], place=place_names[code])
                )
    return tuple(out)


# --------------------------------------------------------------------------- shared parts


def _employer_row() -> tuple[Employer, Policy | None]:
    policy = employer_policy()
    employer = (
        policy.employer
        if policy is not None
        else db.session.scalar(select(Employer).order_by(Employer.id).limit(1))
    )
    if employer is None:
        raise BusinessRuleError(
            "L'employeur n'est pas encore renseigné : un administrateur doit compléter sa fiche "
            "(raison sociale, adresse, représentant) avant l'émission de tout document."
        )
    return employer, policy


def employer_info() -> EmployerInfo:
    """The employer as printed on every document; refuses when its identity is incomplete."""
    employer, policy = _employer_row()
    missing = [
        label
        for label, value in (
            ("la raison sociale", employer.name),
            ("l'adresse", employer.address),
            ("le nom du représentant", employer.representative_name),
            ("la qualité du représentant", employer.representative_title),
        )
        if not (value or "").strip()
    ]
    if missing:
        raise BusinessRuleError(
            "La fiche de l'employeur est incomplète (manque : " + ", ".join(missing) + ") : "
            "complétez-la avant d'émettre un document."
        )
    legal_frame = (policy.legal_frame if policy is not None else "") or ""
    return EmployerInfo(
        name=employer.name.strip(),
        siret=_siret(employer.siret) or "non communiqué",
        address=_one_line(employer.address),
        representative_name=employer.representative_name.strip(),
        representative_title=employer.representative_title.strip(),
        legal_frame=legal_frame.strip()
        or "aucun accord collectif relatif au télétravail n'est applicable",
    )


def _establishment(employee: Employee) -> Establishment | None:
    """The employee's establishment: the one of their post, else the employer's first one."""
    post = employee.post
    if post is not None and post.establishment is not None:
        return post.establishment
    return db.session.scalar(select(Establishment).order_by(Establishment.id).limit(1))


def _establishment_info(employee: Employee, employer: EmployerInfo) -> EstablishmentInfo:
    row = _establishment(employee)
    if row is None:
        return EstablishmentInfo(name="Siège social", address=employer.address)
    return EstablishmentInfo(
        name=row.name.strip(), address=_one_line(row.address) or employer.address
    )


def _classification(employee: Employee) -> str:
    category = employee.category or (employee.post.category if employee.post else None)
    if category is None:
        return "non renseignée"
    return category.label.strip() or category.code


def _working_time(rate: int | None) -> str:
    rate = 100 if rate is None else int(rate)
    if rate >= 100:
        return "100 % (temps plein)"
    return f"{rate} % (temps partiel)"


def _civility(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def employee_info(employee: Employee, *, require_hire_date: bool = True) -> EmployeeInfo:
    """The employee as printed on the documents; refuses when the hire date or address is missing."""
    post = employee.post
    if not (employee.home_address or "").strip():
        raise BusinessRuleError(
            f"L'adresse du domicile de {employee.full_name} n'est pas renseignée : complétez "
            "la fiche du salarié avant d'émettre le document."
        )
    hire_date = employee.hire_date
    if hire_date is None:
        if require_hire_date:
            raise BusinessRuleError(
                f"La date d'embauche de {employee.full_name} n'est pas renseignée : complétez "
                "la fiche du salarié avant d'émettre le document."
            )
        hire_date = employee.contract_date
    if hire_date is None:
        raise BusinessRuleError(
            f"Ni la date d'embauche ni la date du contrat de {employee.full_name} ne sont "
            "renseignées : complétez la fiche du salarié avant d'émettre le document."
        )
    return EmployeeInfo(
        personnel_number=employee.personnel_number,
        full_name=employee.full_name,
        address=_one_line(employee.home_address),
        post_title=post.title.strip() if post is not None else "non renseigné",
        post_code=post.code if post is not None else "—",
        department=(post.department or "").strip() or "non renseigné"
        if post is not None
        else "non renseigné",
        classification=_classification(employee),
        hire_date=hire_date.isoformat(),
        working_time_rate=_working_time(employee.working_time_rate),
        civility=_civility(employee.civility),
        contract_date=employee.contract_date.isoformat() if employee.contract_date else None,
        contract_ref=None,
    )


def _place_of_signature(establishment: EstablishmentInfo, employer: EmployerInfo) -> str:
    return _city(establishment.address) or _city(employer.address) or establishment.name


# --------------------------------------------------------------------------- amendment


def _allowance(agreement: Agreement) -> Allowance:
    scheme = agreement.allowance_scheme or "none"
    if scheme not in ALLOWANCE_LABELS:
        raise BusinessRuleError(f"Modalité d'allocation inconnue : « {scheme} ».")
    amount = Decimal(agreement.allowance_amount or 0)
    cap = agreement.allowance_monthly_cap
    return Allowance(
        scheme=scheme,
        label=ALLOWANCE_LABELS[scheme],
        amount="" if scheme == "none" else format_euros(amount),
        cap=f"{format_euros(Decimal(cap))} par mois"
        if cap is not None and scheme in ("per_weekly_day", "per_day")
        else None,
    )


def _place(row: PlaceRow, employee: Employee) -> Place:
    if row.kind == "home":
        address = _one_line(row.address) or _one_line(employee.home_address)
        name = (row.name or "").strip()
        # The model names a home « Domicile » by default: the template already says so.
        if name.lower() in ("", "domicile", "domicile du salarié"):
            name = ""
        return Place(kind="home", name=name, address=address)
    name = (row.name or "").strip()
    kind_label = {"telecentre": "télécentre", "coworking": "espace de coworking"}.get(
        row.third_place_type or ""
    )
    if kind_label and kind_label not in name.lower():
        name = f"{name} ({kind_label})"
    return Place(kind="third_place", name=name, address=_one_line(row.address))


def _place_names(places: tuple[Place, ...], agreement: Agreement) -> dict[int, str]:
    """Place code (1, 2) -> short printed name: « domicile », or the third place's name."""
    names: dict[int, str] = {}
    rows = [row for row in (agreement.place, agreement.second_place) if row is not None]
    for code, place in zip((1, 2), places, strict=False):
        names[code] = "domicile" if place.kind == "home" else (place.name or "tiers-lieu")
    if len(rows) == 2 and names.get(1) == names.get(2):
        names = {1: f"{names[1]} (lieu 1)", 2: f"{names[2]} (lieu 2)"}
    return names


def _places(agreement: Agreement) -> tuple[Place, ...]:
    rows = [row for row in (agreement.place, agreement.second_place) if row is not None]
    if not rows:
        raise BusinessRuleError(
            "Aucun lieu de télétravail n'est indiqué dans l'accord : précisez le domicile ou le "
            "tiers-lieu avant d'émettre l'avenant."
        )
    places = tuple(_place(row, agreement.employee) for row in rows)
    empty = [place for place in places if not place.address]
    if empty:
        raise BusinessRuleError(
            "L'adresse d'un lieu de télétravail n'est pas renseignée : complétez-la avant "
            "d'émettre l'avenant."
        )
    return places


def _equipment(agreement: Agreement) -> tuple[str, ...]:
    items = _lines(agreement.equipment)
    if items:
        return items
    rows = db.session.scalars(
        select(EquipmentItem)
        .where(EquipmentItem.agreement_id == agreement.id, EquipmentItem.returned_date.is_(None))
        .order_by(EquipmentItem.id)
    )
    return tuple(_equipment_label(row) for row in rows)


def _equipment_label(row: EquipmentItem) -> str:
    serial = (row.serial_number or "").strip()
    return f"{row.item_type.strip()} (n° de série {serial})" if serial else row.item_type.strip()


def _onsite_min_days(days: Decimal, employee: Employee, policy: Policy | None) -> str:
    """Days on site per week the amendment prints: the policy's minimum for this employee
    (pro-rated for part time), never more than the days left after telework."""
    terms = employee_terms(employee)
    minimum = min_onsite_days(policy_terms(policy), terms)
    worked = (
        domain_pattern_worked_days(terms.working_week)
        if is_valid_working_week(terms.working_week)
        else Decimal(5)
    )
    return _number_fr(max(Decimal(0), min(minimum, worked - Decimal(days))))


def _request_info(agreement: Agreement) -> RequestInfo:
    req = agreement.request
    if req is None:
        raise BusinessRuleError(
            "Aucune demande de télétravail n'est rattachée à l'accord : le télétravail repose "
            "sur le volontariat du salarié."
        )
    acceptance = req.decision_date or req.request_date
    return RequestInfo(
        date=req.request_date.isoformat(),
        initiative=req.initiative if req.initiative in ("employee", "employer") else "employee",
        acceptance_date=max(acceptance, req.request_date).isoformat(),
        motive=_one_line(req.motive).rstrip(".") or None,
    )


def build_amendment(agreement: Agreement, *, version: int, issue_date: date) -> AmendmentSnapshot:
    """Snapshot of the telework amendment (avenant) of ``agreement``, version ``version``."""
    employee = agreement.employee
    policy = employer_policy()
    employer = employer_info()
    establishment = _establishment_info(employee, employer)
    post = employee.post
    if post is None:
        raise BusinessRuleError(
            f"Aucun poste n'est affecté à {employee.full_name} : l'avenant doit indiquer le poste "
            "télétravaillable."
        )
    if agreement.start_date is None:
        raise BusinessRuleError("La date de début du télétravail n'est pas renseignée.")
    months = agreement.adaptation_months or 0
    adaptation_end = agreement.adaptation_end_date or domain_dates.adaptation_end_date(
        agreement.start_date, months
    )
    if months < 1 or adaptation_end is None:
        raise BusinessRuleError(
            "L'avenant ne peut pas être émis sans période d'adaptation : l'ANI du 19 juillet "
            "2005 en organise une (indiquez sa durée en mois et le délai de prévenance)."
        )
    during = agreement.notice_days_during_adaptation
    after = agreement.notice_days_after_adaptation
    if during is None or after is None:
        raise BusinessRuleError(
            "Les délais de prévenance de l'accord ne sont pas renseignés : l'avenant doit les "
            "fixer (ANI du 19 juillet 2005, art. 2 et 3)."
        )
    clause = agreement.reversibility_clause
    if clause not in domain_notice.REVERSIBILITY_CLAUSES:
        raise BusinessRuleError(
            "La clause de réversibilité de l'accord n'est pas renseignée : indiquez si, après la "
            "période d'adaptation, chacune des parties peut mettre fin au télétravail avec "
            "préavis ou seulement d'un commun accord."
        )
    days = Decimal(agreement.days_per_week)
    pattern = agreement.weekly_pattern or ""
    places = _places(agreement)
    eligibility = (
        f"Le poste de {post.title.strip()} (code {post.code}) est identifié comme télétravaillable"
    )
    reason = (post.eligibility_reason or "").strip().rstrip(".")
    eligibility += f" : {reason}." if reason else "."
    tasks = _sentence(
        _one_line(post.teleworkable_tasks)
        or "les activités du poste qui peuvent être exercées à distance, définies avec le "
        "responsable hiérarchique"
    )
    if agreement.end_date is not None:
        renewal = (
            "Il peut être renouvelé, d'un commun accord, par un nouvel avenant conclu avant "
            "son terme."
        )
    else:
        renewal = "Les modalités du télétravail sont réexaminées lors de chaque entretien annuel."
    # The first annual interview is due one year after the start (L1222-10 4°, 2012); the date
    # is fixed in the amendment when it is issued.
    interview = domain_dates.first_interview_due(agreement.start_date)
    employer_row, _ = _employer_row()
    charter = (employer_row.it_charter_ref or "").strip() or "version en vigueur"
    try:
        return AmendmentSnapshot(
            reference=amendment_reference(agreement.id, version, issue_date),
            version=version,
            issue_date=issue_date.isoformat(),
            employer=employer,
            establishment=establishment,
            employee=employee_info(employee),
            request=_request_info(agreement),
            eligibility_statement=eligibility,
            teleworked_tasks=tasks,
            days_per_week=_number_fr(days),
            weekly_pattern=weekly_days(pattern, _place_names(places, agreement)),
            half_days=bool(
                (is_valid_pattern(pattern) and has_half_days(pattern))
                or days != days.to_integral_value()
            ),
            onsite_min_days=_onsite_min_days(days, employee, policy),
            places=places,
            start_date=agreement.start_date.isoformat(),
            end_date=agreement.end_date.isoformat() if agreement.end_date else None,
            renewal=renewal,
            adaptation=AdaptationPeriod(
                months=months, end_date=adaptation_end.isoformat(), notice_days_during=during
            ),
            notice_days_after=after,
            contact_slots=_lines(agreement.contact_slots),
            time_control=_sentence(_one_line(agreement.time_control)),
            equipment=_equipment(agreement),
            allowance=_allowance(agreement),
            insurance_required=bool(policy.insurance_required) if policy is not None else True,
            electrical_statement_required=bool(policy.electrical_statement_required)
            if policy is not None
            else True,
            it_charter_ref=charter,
            annual_interview_first_date=interview.isoformat(),
            place_of_signature=_place_of_signature(establishment, employer),
            reversibility_clause=clause,
            working_week=describe_working_week(employee.working_pattern)
            if is_valid_working_week(employee.working_pattern)
            else None,
            costs_coverage=_lines(agreement.costs_coverage)
            or _lines(policy.costs_coverage if policy is not None else ""),
        )
    except (ValueError, TypeError) as error:
        raise snapshot_error("L'avenant", error) from error


# --------------------------------------------------------------------------- notice


def _phase_and_days(agreement: Agreement, notified: date) -> tuple[str, int]:
    """Phase and delay of the notice: those recorded when the end was notified (computed then
    by hrtele.domain.notice), else what the domain answers for the notification date."""
    from hrtele.lifecycle.services import end_terms_for

    terms = end_terms_for(agreement, notified)
    phase = agreement.ending_phase if agreement.ending_phase in domain_notice.PHASES else terms.phase
    days = (
        agreement.ending_notice_days
        if agreement.ending_notice_days is not None
        else terms.notice_days
    )
    return phase, days


def _manager(employee: Employee) -> str:
    manager = employee.manager
    if manager is not None:
        title = manager.post.title.strip() if manager.post is not None else ""
        name = (
            f"{manager.civility.strip()} {manager.full_name}".strip()
            if manager.civility
            else manager.full_name
        )
        return f"{name}, {title}" if title else name
    department = (
        employee.post.department.strip() if employee.post and employee.post.department else ""
    )
    return (
        f"responsable du service {department}"
        if department
        else "responsable hiérarchique du salarié"
    )


def _vacant_posts(employee: Employee) -> tuple[VacantPost, ...]:
    """Vacant posts without telework in the employee's category (all categories if unknown)."""
    category_id = employee.category_id or (employee.post.category_id if employee.post else None)
    stmt = select(Post).where(Post.is_vacant.is_(True), Post.is_eligible.is_(False))
    if category_id is not None:
        stmt = stmt.where(Post.category_id == category_id)
    if employee.post_id is not None:
        stmt = stmt.where(Post.id != employee.post_id)
    rows = db.session.scalars(stmt.order_by(Post.code).limit(MAX_VACANT_POSTS))
    return tuple(
        VacantPost(
            code=row.code,
            title=row.title.strip(),
            department=(row.department or "").strip() or "—",
            establishment=row.establishment.name.strip() if row.establishment else "—",
        )
        for row in rows
    )


def _equipment_to_return(agreement: Agreement) -> tuple[str, ...]:
    rows = db.session.scalars(
        select(EquipmentItem)
        .where(EquipmentItem.agreement_id == agreement.id, EquipmentItem.returned_date.is_(None))
        .order_by(EquipmentItem.id)
    )
    return tuple(_equipment_label(row) for row in rows)


def _allowance_end(agreement: Agreement, effective: date) -> str:
    scheme = agreement.allowance_scheme or "none"
    when = effective.strftime("%d/%m/%Y")
    if scheme == "none":
        return (
            "aucune allocation forfaitaire n'était versée ; les frais engagés pour le télétravail "
            f"jusqu'au {when} restent remboursés sur justificatifs."
        )
    if scheme == "one_off":
        return (
            "l'indemnité forfaitaire d'installation a été versée au démarrage du télétravail ; "
            f"aucune allocation de télétravail n'est due à compter du {when}."
        )
    label = ALLOWANCE_LABELS[scheme]
    # The last month with telework is the month of the eve of the effective end date.
    last_day = effective - timedelta(days=1)
    month = f"{_MONTHS_FR[last_day.month - 1]}{NBSP}{last_day.year}"
    if scheme == "per_day":
        return (
            f"l'{label} cesse d'être due à compter du {when} ; seuls les jours de télétravail "
            f"accomplis jusqu'à cette date sont indemnisés au titre du mois de {month}."
        )
    if (last_day + timedelta(days=1)).day == 1:
        return (
            f"l'{label} cesse d'être due à compter du {when} ; celle du mois de {month} est "
            "versée en entier."
        )
    return (
        f"l'{label} cesse d'être due à compter du {when} ; celle du mois de {month} est versée "
        "au prorata de la période de télétravail."
    )


def latest_paper_amendment(agreement_id: int) -> PaperAmendment | None:
    """The paper amendment recorded last for the agreement (a correction is a new row)."""
    return db.session.scalar(
        select(PaperAmendment)
        .options(defer(PaperAmendment.pdf_bytes))
        .where(PaperAmendment.agreement_id == agreement_id)
        .order_by(PaperAmendment.id.desc())
        .limit(1)
    )


def latest_amendment_facts(agreement: Agreement) -> tuple[str | None, date, bool]:
    """Reference (None on paper), date and paper flag of the amendment the notice refers to.

    The amendment issued in the app wins; else the paper amendment HR recorded; else the
    domain's refusal (hrtele.domain.amendment_basis.notice_refusal).
    """
    row = db.session.execute(
        select(IssuedDocument.reference, IssuedDocument.snapshot_json, IssuedDocument.issued_dt)
        .where(IssuedDocument.agreement_id == agreement.id, IssuedDocument.kind == "amendment")
        .order_by(IssuedDocument.version.desc())
        .limit(1)
    ).first()
    if row is not None:
        issue = json.loads(row.snapshot_json).get("issue_date")
        return row.reference, date.fromisoformat(issue) if issue else row.issued_dt.date(), False
    paper = latest_paper_amendment(agreement.id)
    if paper is not None:
        return None, paper.signed_date, True
    refusal = amendment_basis.notice_refusal(agreement.status, agreement.kind, False, False)
    raise BusinessRuleError(refusal or "Aucun avenant n'a été émis pour cet accord.")


def build_notice(agreement: Agreement, *, number: int, issue_date: date) -> NoticeSnapshot:
    """Snapshot of the end-of-telework notice of an agreement whose end was notified."""
    if agreement.ending_notification_date is None or agreement.ending_effective_date is None:
        raise BusinessRuleError(
            "La fin du télétravail n'a pas été notifiée dans le suivi de l'accord (date de "
            "notification et date de fin effective manquantes)."
        )
    initiative = agreement.ending_initiative
    if initiative not in ("employee", "employer"):
        raise BusinessRuleError(
            "L'initiative de la fin du télétravail (salarié ou employeur) n'est pas renseignée."
        )
    employee = agreement.employee
    employer = employer_info()
    establishment = _establishment_info(employee, employer)
    notified = agreement.ending_notification_date
    effective = agreement.ending_effective_date
    phase, notice_days = _phase_and_days(agreement, notified)
    amendment_ref, amendment_date, on_paper = latest_amendment_facts(agreement)
    method = NOTIFICATION_METHODS.get(agreement.ending_method or "", "LRAR")
    details = _one_line(agreement.ending_return_arrangements) or None
    try:
        return NoticeSnapshot(
            reference=notice_reference(agreement.id, number, issue_date),
            issue_date=issue_date.isoformat(),
            employer=employer,
            employee=employee_info(employee, require_hire_date=False),
            amendment_reference=amendment_ref,
            amendment_date=amendment_date.isoformat(),
            amendment_on_paper=on_paper,
            initiative=initiative,
            phase=phase,
            notification_date=notified.isoformat(),
            method=method,
            notice_days=notice_days,
            effective_end_date=effective.isoformat(),
            return_arrangements=ReturnArrangements(
                site_name=establishment.name,
                site_address=establishment.address,
                schedule=_DEFAULT_SCHEDULE,
                manager=_manager(employee),
                # One return date: the first day without telework is the first day on site.
                resumption_date=effective.isoformat(),
                details=_sentence(details) if details else None,
            ),
            vacant_posts=_vacant_posts(employee),
            equipment_to_return=_equipment_to_return(agreement),
            allowance_end=_allowance_end(agreement, effective),
            requires_countersignature=bool(agreement.is_end_mutual),
            place_of_signature=_place_of_signature(establishment, employer),
            reason=_one_line(agreement.ending_reason).rstrip(".") or None,
        )
    except ValueError as error:
        # NoticeSnapshot checks that the effective end respects the notice delay.
        raise BusinessRuleError(
            f"La notification de fin de télétravail ne peut pas être émise : {error}"
        ) from error
    except TypeError as error:
        raise snapshot_error("La notification", error) from error


# --------------------------------------------------------------------------- refusal


def _wished_days(req: TeleworkRequest) -> str:
    text = f"{days_text(Decimal(req.wished_days))} par semaine"
    pattern = req.wished_pattern or ""
    if has_fixed_days(pattern):
        from hrtele.places.services import place_names

        # « , soit lundi (journée) … »: the days carry their own parentheses, so none around.
        text += f", soit {describe_pattern(pattern, place_names(req.place, req.second_place))}"
    return text


def _decided_by(req: TeleworkRequest, employer: EmployerInfo) -> str:
    user = db.session.get(User, req.decided_by_id) if req.decided_by_id else None
    if user is None:
        return f"{employer.representative_name}, {employer.representative_title}"
    name = (user.display_name or "").strip() or user.email
    if user.employee is not None and user.employee.post is not None:
        return f"{name}, {user.employee.post.title.strip()}"
    return f"{name}, service des ressources humaines"


def build_refusal(req: TeleworkRequest, *, issue_date: date) -> RefusalSnapshot:
    """Snapshot of the reasoned refusal letter answering a refused request."""
    if req.status != "refused":
        raise BusinessRuleError(
            "Seule une demande refusée donne lieu à une lettre de refus motivé."
        )
    label = req.catalogue_reason.label if req.catalogue_reason is not None else None
    reason = refusal_wording(label, _one_line(req.refusal_reason))
    if not reason:
        raise BusinessRuleError(
            "Le motif du refus n'est pas renseigné : la lettre de refus doit être motivée."
        )
    employer = employer_info()
    employee = req.employee
    establishment = _establishment_info(employee, employer)
    decision = req.decision_date or (req.decided_dt.date() if req.decided_dt else issue_date)
    try:
        return RefusalSnapshot(
            reference=refusal_reference(req.id, issue_date),
            issue_date=issue_date.isoformat(),
            employer=employer,
            employee=employee_info(employee, require_hire_date=False),
            request_date=req.request_date.isoformat(),
            wished_days=_wished_days(req),
            refusal_reason=reason,
            decided_by=_decided_by(req, employer),
            decision_date=decision.isoformat(),
            place_of_signature=_place_of_signature(establishment, employer),
        )
    except (ValueError, TypeError) as error:
        raise snapshot_error("La lettre de refus", error) from error
