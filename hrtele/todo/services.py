"""HR to-do list (« À faire »): every follow-up the law or the policy requires, in SQL.

Each section is one SELECT of plain columns (employee names joined in, no lazy loading) plus
one COUNT; the web page and the reminder e-mails (flask send-reminders) share them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import has_request_context, url_for
from sqlalchemy import Select, and_, func, literal, or_, select
from sqlalchemy.orm import aliased

from hrtele.domain import dates
from hrtele.domain import lifecycle as lc
from hrtele.domain_adapters import employer_policy, policy_terms
from hrtele.extensions import db
from hrtele.lifecycle import links
from hrtele.lifecycle.services import (
    ATTESTATION_STATES,
    INTERVIEW_STATES,
    _candidates_stmt,
    fmt,
)
from hrtele.models import (
    Agreement,
    AgreementEvent,
    Employee,
    EquipmentItem,
    Place,
    Post,
    PriorityInformation,
    TeleworkRequest,
)

HORIZON_DAYS = 30
PREVIEW_ROWS = 10


@dataclass(frozen=True)
class Item:
    """One thing to do: who, what, the key date, where it is acted on, and how urgent."""

    who: str
    what: str
    when: date | None
    url: str | None
    urgent: bool = False


@dataclass
class Section:
    """A kind of item with its total count and (a page of) its items."""

    key: str
    title: str
    help: str
    total: int
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class _Kind:
    key: str
    title: str
    help: str
    stmt: Callable[[date], Select]
    item: Callable[[Any, date], Item]


def _name(row: Any) -> str:
    return f"{row.first_name} {row.last_name.upper()}"


def _url(func_: Callable[..., str | None], *args: Any) -> str | None:
    """A link when a request is being served (none in e-mails built by the CLI)."""
    return func_(*args) if has_request_context() else None


def _days(n: int) -> str:
    return f"{n} jour" if abs(n) <= 1 else f"{n} jours"


def _agreement_cols() -> tuple:
    return (Agreement.id, Employee.first_name, Employee.last_name, Employee.personnel_number)


def _with_employee(stmt: Select) -> Select:
    return stmt.join(Employee, Employee.id == Agreement.employee_id)


# --- Requests awaiting a decision ----------------------------------------------------------


def _requests_stmt(today: date) -> Select:
    return (
        select(TeleworkRequest.id, TeleworkRequest.request_date, TeleworkRequest.wished_days,
               Employee.first_name, Employee.last_name)
        .join(Employee, Employee.id == TeleworkRequest.employee_id)
        .where(TeleworkRequest.status == "pending")
        .order_by(TeleworkRequest.request_date, TeleworkRequest.id)
    )


def _requests_item(row: Any, today: date) -> Item:
    waiting = (today - row.request_date).days
    from hrtele.web.filters import number_fr

    return Item(
        who=_name(row),
        what=f"Demande du {fmt(row.request_date)} ({number_fr(row.wished_days)} jour(s) par "
        f"semaine), en attente de décision depuis {_days(waiting)}.",
        when=row.request_date,
        url=_url(links.request_url, row.id),
        urgent=waiting > HORIZON_DAYS,
    )


# --- Avenants to issue: drafts, and amendments / renewals waiting for version n + 1 ---------


def _to_issue_stmt(today: date) -> Select:
    return _with_employee(
        select(*_agreement_cols(), Agreement.status, Agreement.amendment_version,
               Agreement.has_pending_amendment, Agreement.start_date)
    ).where(
        or_(
            and_(Agreement.status == lc.DRAFT, Agreement.kind == "regular"),
            and_(Agreement.has_pending_amendment.is_(True),
                 Agreement.status.in_(lc.AMENDMENT_RUNNING_STATES)),
        )
    ).order_by(Agreement.start_date, Agreement.id)


def _to_issue_item(row: Any, today: date) -> Item:
    if row.status == lc.DRAFT:
        what = (f"Accord rédigé (début prévu le {fmt(row.start_date)}) : avenant à émettre "
                "puis à faire signer.")
    else:
        what = (f"Avenant modificatif ou de renouvellement : version {row.amendment_version + 1} "
                "à émettre puis à faire signer.")
    return Item(who=_name(row), what=what, when=row.start_date,
                url=_url(links.agreement_url, row.id),
                urgent=row.start_date is not None and row.start_date <= today)


# --- Issued avenants not signed yet ---------------------------------------------------------


def _unsigned_stmt(today: date) -> Select:
    issued = (
        select(AgreementEvent.agreement_id, func.max(AgreementEvent.event_date).label("issued_on"))
        .where(AgreementEvent.event.in_((lc.ISSUE, lc.REISSUE)))
        .group_by(AgreementEvent.agreement_id)
        .subquery()
    )
    return (
        _with_employee(select(*_agreement_cols(), issued.c.issued_on, Agreement.start_date))
        .outerjoin(issued, issued.c.agreement_id == Agreement.id)
        .where(Agreement.status == lc.ISSUED)
        .order_by(issued.c.issued_on, Agreement.id)
    )


def _unsigned_item(row: Any, today: date) -> Item:
    if row.issued_on is not None:
        waiting = (today - row.issued_on).days
        what = f"Avenant émis le {fmt(row.issued_on)}, non signé depuis {_days(waiting)}."
    else:
        waiting = 0
        what = "Avenant émis, pas encore signé."
    return Item(who=_name(row), what=what + f" Début prévu le {fmt(row.start_date)}.",
                when=row.issued_on, url=_url(links.agreement_url, row.id),
                urgent=waiting > 15 or (row.start_date is not None and row.start_date <= today))


# --- Adaptation periods ending --------------------------------------------------------------


def _adaptation_stmt(today: date) -> Select:
    return _with_employee(select(*_agreement_cols(), Agreement.adaptation_end_date)).where(
        Agreement.status == lc.ADAPTATION,
        Agreement.adaptation_end_date <= today + timedelta(days=HORIZON_DAYS),
    ).order_by(Agreement.adaptation_end_date, Agreement.id)


def _adaptation_item(row: Any, today: date) -> Item:
    end = row.adaptation_end_date
    if end < today:
        what = f"Période d'adaptation achevée le {fmt(end)} : à clore."
    else:
        what = (f"Période d'adaptation jusqu'au {fmt(end)} (dans {_days((end - today).days)}) : "
                "chaque partie peut encore y mettre fin avec le délai de prévenance convenu.")
    return Item(who=_name(row), what=what, when=end, url=_url(links.agreement_url, row.id),
                urgent=end < today)


# --- Annual interviews due or overdue (L1222-10 4°) -----------------------------------------


def _interviews_stmt(today: date) -> Select:
    due = Agreement.annual_interview_due_date
    return _with_employee(select(*_agreement_cols(), due, Agreement.start_date)).where(
        Agreement.status.in_(INTERVIEW_STATES),
        Agreement.kind == "regular",
        or_(due.is_(None), due <= today + timedelta(days=HORIZON_DAYS)),
    ).order_by(due.is_not(None), due, Agreement.id)


def _interviews_item(row: Any, today: date) -> Item:
    due = row.annual_interview_due_date
    if due is None:
        first = dates.add_months(row.start_date, 12)
        return Item(who=_name(row),
                    what=f"Date de l'entretien annuel à fixer (premier anniversaire : {fmt(first)}).",
                    when=first, url=_url(links.agreement_url, row.id), urgent=first < today)
    if due < today:
        what = f"Entretien annuel en retard : dû le {fmt(due)}."
    else:
        what = f"Entretien annuel à tenir au plus tard le {fmt(due)}."
    return Item(who=_name(row), what=what, when=due, url=_url(links.agreement_url, row.id),
                urgent=due < today)


# --- Attestations missing or expiring --------------------------------------------------------


def _attestations_stmt(today: date) -> Select:
    policy = policy_terms(employer_policy())
    place = aliased(Place)
    horizon = today + timedelta(days=HORIZON_DAYS)
    problems = [Agreement.insurance_expiry_date <= horizon]
    if policy.insurance_required:
        problems.append(Agreement.insurance_received_date.is_(None))
    if policy.electrical_statement_required:
        problems.append(and_(Agreement.electrical_statement_date.is_(None),
                             or_(place.id.is_(None), place.kind == "home")))
    return (
        _with_employee(select(*_agreement_cols(), Agreement.status,
                              Agreement.insurance_received_date, Agreement.insurance_expiry_date,
                              Agreement.electrical_statement_date, place.kind.label("place_kind"),
                              # the policy travels with each row: no query per row
                              literal(policy.insurance_required).label("insurance_required"),
                              literal(policy.electrical_statement_required)
                              .label("electrical_required")))
        .outerjoin(place, place.id == Agreement.place_id)
        .where(Agreement.status.in_(ATTESTATION_STATES), Agreement.kind == "regular",
               or_(*problems))
        .order_by(Employee.last_name, Employee.first_name, Agreement.id)
    )


def _attestations_item(row: Any, today: date) -> Item:
    parts = []
    urgent = False
    if row.insurance_received_date is None and row.insurance_required:
        parts.append("attestation d'assurance habitation manquante")
        urgent = urgent or row.status not in (lc.ISSUED,)
    elif row.insurance_expiry_date is not None and row.insurance_expiry_date < today:
        parts.append(f"attestation d'assurance expirée depuis le {fmt(row.insurance_expiry_date)}")
        urgent = True
    elif row.insurance_expiry_date is not None:
        parts.append(f"attestation d'assurance expirant le {fmt(row.insurance_expiry_date)}")
    if (row.electrical_statement_date is None and row.electrical_required
            and row.place_kind in (None, "home")):
        parts.append("attestation de conformité électrique du domicile manquante")
        urgent = urgent or row.status not in (lc.ISSUED,)
    what = "; ".join(parts).capitalize() + "." if parts else "Attestations à vérifier."
    if row.status in (lc.ISSUED, lc.SIGNED):
        what += " Exigée(s) avant le démarrage du télétravail."
    return Item(who=_name(row), what=what, when=row.insurance_expiry_date,
                url=_url(lambda i: url_for("lifecycle.attestations", agreement_id=i), row.id),
                urgent=urgent)


# --- Notices running (end of telework notified) ---------------------------------------------


def _notices_stmt(today: date) -> Select:
    return _with_employee(
        select(*_agreement_cols(), Agreement.ending_effective_date,
               Agreement.ending_notification_date, Agreement.ending_notice_days)
    ).where(Agreement.status == lc.ENDING).order_by(Agreement.ending_effective_date, Agreement.id)


def _notices_item(row: Any, today: date) -> Item:
    end = row.ending_effective_date
    if end is not None and end <= today:
        what = f"Préavis échu : fin du télétravail le {fmt(end)}, à constater."
    else:
        what = (f"Fin notifiée le {fmt(row.ending_notification_date)} ; préavis de "
                f"{_days(row.ending_notice_days or 0)} ; fin effective le {fmt(end)}.")
    return Item(who=_name(row), what=what, when=end, url=_url(links.agreement_url, row.id),
                urgent=end is not None and end <= today)


# --- Equipment to collect --------------------------------------------------------------------


def _equipment_stmt(today: date) -> Select:
    return (
        select(EquipmentItem.id.label("item_id"), EquipmentItem.item_type,
               EquipmentItem.serial_number, EquipmentItem.issued_date,
               Agreement.id, Agreement.status, Agreement.ending_effective_date,
               Agreement.ended_date, Employee.first_name, Employee.last_name)
        .join(Agreement, Agreement.id == EquipmentItem.agreement_id)
        .join(Employee, Employee.id == Agreement.employee_id)
        .where(EquipmentItem.returned_date.is_(None),
               Agreement.status.in_(lc.PRIORITY_STATES | {lc.CANCELLED}))
        .order_by(func.coalesce(Agreement.ended_date, Agreement.ending_effective_date),
                  EquipmentItem.id)
    )


def _equipment_item(row: Any, today: date) -> Item:
    label = row.item_type + (f" (n° {row.serial_number})" if row.serial_number else "")
    end = row.ended_date or row.ending_effective_date
    if row.status == lc.ENDING:
        what = f"{label}, remis le {fmt(row.issued_date)} : à récupérer à la fin du télétravail le {fmt(end)}."
    else:
        what = f"{label}, remis le {fmt(row.issued_date)} : non restitué, télétravail terminé."
    return Item(who=_name(row), what=what, when=end,
                url=_url(lambda i: url_for("lifecycle.equipment_return", item_id=i), row.item_id),
                urgent=row.status != lc.ENDING or (end is not None and end <= today))


# --- Fixed-term agreements reaching their term ----------------------------------------------


def _terms_stmt(today: date) -> Select:
    return _with_employee(select(*_agreement_cols(), Agreement.end_date)).where(
        Agreement.status.in_(lc.AMENDMENT_RUNNING_STATES),
        Agreement.end_date.is_not(None),
        Agreement.end_date <= today + timedelta(days=HORIZON_DAYS),
    ).order_by(Agreement.end_date, Agreement.id)


def _terms_item(row: Any, today: date) -> Item:
    return Item(who=_name(row),
                what=f"Accord à durée déterminée : échéance le {fmt(row.end_date)} ; le "
                "renouveler ou organiser le retour sur site.",
                when=row.end_date, url=_url(links.agreement_url, row.id),
                urgent=row.end_date <= today)


# --- Exceptional circumstances whose planned end has passed ---------------------------------


def _circumstances_stmt(today: date) -> Select:
    return _with_employee(
        select(*_agreement_cols(), Agreement.status, Agreement.suspension_end_date,
               Agreement.suspension_reason)
    ).where(
        Agreement.status.in_((lc.SUSPENDED, lc.IMPOSED)),
        Agreement.suspension_end_date.is_not(None),
        Agreement.suspension_end_date <= today,
    ).order_by(Agreement.suspension_end_date, Agreement.id)


def _circumstances_item(row: Any, today: date) -> Item:
    if row.status == lc.SUSPENDED:
        what = (f"Suspension prévue jusqu'au {fmt(row.suspension_end_date)} : reprendre le "
                "télétravail ou prolonger la suspension.")
    else:
        what = (f"Télétravail imposé prévu jusqu'au {fmt(row.suspension_end_date)} : constater "
                "la fin des circonstances exceptionnelles.")
    return Item(who=_name(row), what=what, when=row.suspension_end_date,
                url=_url(links.agreement_url, row.id), urgent=True)


# --- Priority return: employees to inform of a vacant post ----------------------------------


def _priority_stmt(today: date) -> Select:
    informed = (
        select(PriorityInformation.id)
        .where(PriorityInformation.post_id == Post.id,
               PriorityInformation.employee_id == Employee.id)
        .exists()
    )
    return (
        _candidates_stmt()
        .with_only_columns(Post.id.label("post_id"), Post.code, Post.title,
                           Employee.id.label("employee_id"), Employee.first_name,
                           Employee.last_name)
        .where(~informed)
        .order_by(None)
        .distinct()
        .order_by(Post.code, Employee.last_name, Employee.first_name)
    )


def _priority_item(row: Any, today: date) -> Item:
    return Item(who=_name(row),
                what=f"Prioritaire pour le poste vacant sans télétravail {row.code} — "
                f"{row.title} : l'en informer (C. trav. L1222-10 3°, 2012).",
                when=None, url=_url(lambda: url_for("lifecycle.priority")), urgent=False)


KINDS: tuple[_Kind, ...] = (
    _Kind("demandes", "Demandes en attente de décision",
          "Demandes de télétravail déposées et non encore acceptées ni refusées.",
          _requests_stmt, _requests_item),
    _Kind("avenants-a-emettre", "Avenants à émettre",
          "Accords rédigés, avenants modificatifs et renouvellements dont la nouvelle version "
          "n'est pas encore émise.", _to_issue_stmt, _to_issue_item),
    _Kind("avenants-a-signer", "Avenants émis non signés",
          "Avenants émis en attente de la signature des deux parties.",
          _unsigned_stmt, _unsigned_item),
    _Kind("fin-adaptation", "Périodes d'adaptation se terminant",
          f"Périodes d'adaptation achevées ou se terminant dans les {HORIZON_DAYS} jours "
          "(ANI 19/07/2005 art. 2).", _adaptation_stmt, _adaptation_item),
    _Kind("entretiens", "Entretiens annuels dus ou en retard",
          f"Entretiens dus dans les {HORIZON_DAYS} jours ou en retard (C. trav. L1222-10 4°, "
          "2012).", _interviews_stmt, _interviews_item),
    _Kind("attestations", "Attestations manquantes ou expirant",
          f"Assurance habitation et conformité électrique exigées par la politique de "
          f"l'employeur, manquantes ou expirant dans les {HORIZON_DAYS} jours.",
          _attestations_stmt, _attestations_item),
    _Kind("preavis", "Préavis en cours",
          "Fins de télétravail notifiées : date de fin effective, à constater à son terme.",
          _notices_stmt, _notices_item),
    _Kind("equipements", "Équipements à récupérer",
          "Équipements prêtés non restitués alors que le télétravail prend ou a pris fin "
          "(ANI 19/07/2005 art. 7).", _equipment_stmt, _equipment_item),
    _Kind("echeances", "Accords à durée déterminée arrivant à échéance",
          f"Échéance dans les {HORIZON_DAYS} jours : renouveler ou organiser le retour.",
          _terms_stmt, _terms_item),
    _Kind("circonstances", "Circonstances exceptionnelles à réexaminer",
          "Suspensions et télétravail imposé (C. trav. L1222-11) dont la fin prévue est passée.",
          _circumstances_stmt, _circumstances_item),
    _Kind("priorite", "Priorité de retour : salariés à informer",
          "Salariés prioritaires pour un poste vacant sans télétravail et pas encore informés "
          "(C. trav. L1222-10 3°, 2012).", _priority_stmt, _priority_item),
)
KINDS_BY_KEY: dict[str, _Kind] = {k.key: k for k in KINDS}


def _count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def count(key: str, today: date) -> int:
    """Number of items of one section (one query)."""
    return _count(KINDS_BY_KEY[key].stmt(today))


def section(key: str, today: date, page: int = 1, per_page: int = PREVIEW_ROWS) -> Section:
    """One section: total count and one page of items (two queries)."""
    kind = KINDS_BY_KEY[key]
    stmt = kind.stmt(today)
    total = _count(stmt)
    rows = db.session.execute(stmt.limit(per_page).offset((max(page, 1) - 1) * per_page))
    return Section(kind.key, kind.title, kind.help, total, [kind.item(r, today) for r in rows])


def sections(today: date, per_section: int = PREVIEW_ROWS) -> list[Section]:
    """Every section with its total and its first items, in the page's order."""
    return [section(kind.key, today, 1, per_section) for kind in KINDS]


# --- Reminder e-mails ---------------------------------------------------------------------------


def reminder_body(found: list[Section], today: date, base_url: str = "") -> str:
    """Plain-text digest of the sections that have items (French)."""
    lines = [f"Télétravail — points à traiter au {fmt(today)}", ""]
    for sec in found:
        if not sec.total:
            continue
        lines.append(f"{sec.title} : {sec.total}")
        lines.extend(f"  - {item.who} : {item.what}" for item in sec.items)
        if sec.total > len(sec.items):
            lines.append(f"  … et {sec.total - len(sec.items)} autre(s).")
        if base_url:
            lines.append(f"  Voir : {base_url.rstrip('/')}/a-faire/{sec.key}")
        lines.append("")
    lines.append("Message automatique de hrtele ; les données détaillées restent dans l'application.")
    return "\n".join(lines)
