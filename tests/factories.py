"""Test data builders with sane defaults: make_x(**overrides) adds, flushes and commits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

from hrtele.extensions import db
from hrtele.models import (
    Agreement,
    Category,
    Employee,
    Employer,
    Establishment,
    Place,
    Policy,
    Post,
    TeleworkRequest,
    User,
)

_seq = count(1)
TEST_PASSWORD = "mot-de-passe-de-test-42"


def _save(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def make_employer(**kw) -> Employer:
    """The employer, with its policy and one establishment."""
    existing = db.session.query(Employer).first()
    if existing is not None and not kw:
        return existing
    employer = Employer(
        name=kw.pop("name", "Société Exemple SAS"),
        siret=kw.pop("siret", "12345678900011"),
        address=kw.pop("address", "1 rue de la Paix, 09000 Foix"),
        representative_name=kw.pop("representative_name", "Claire Martin"),
        representative_title=kw.pop("representative_title", "Directrice des ressources humaines"),
        it_charter_ref=kw.pop("it_charter_ref", "Charte informatique v3 (2024)"),
        **kw,
    )
    _save(employer)
    _save(Policy(employer_id=employer.id))
    _save(Establishment(employer_id=employer.id, name="Siège", address="1 rue de la Paix, 09000 Foix"))
    return employer


def make_policy(**kw) -> Policy:
    """The employer's policy, updated with overrides."""
    employer = make_employer()
    policy = db.session.query(Policy).filter_by(employer_id=employer.id).one()
    for k, v in kw.items():
        setattr(policy, k, v)
    return _save(policy)


def make_category(code: str = "B", label: str | None = None) -> Category:
    """A staff category (reused when the code exists)."""
    existing = db.session.query(Category).filter_by(code=code).first()
    if existing:
        return existing
    return _save(Category(code=code, label=label or f"Catégorie {code}"))


def make_post(**kw) -> Post:
    """An eligible post."""
    make_employer()
    n = next(_seq)
    defaults = dict(
        code=f"P{n:04d}",
        title=f"Gestionnaire {n}",
        department="Finances",
        is_eligible=True,
        eligibility_reason="",
        teleworkable_tasks="Instruction des dossiers, rédaction",
        headcount=1,
        category_id=make_category().id,
    )
    defaults.update(kw)
    return _save(Post(**defaults))


def make_employee(**kw) -> Employee:
    """An active full-time employee on an eligible post."""
    n = next(_seq)
    if "post_id" not in kw:
        kw["post_id"] = make_post().id
    defaults = dict(
        personnel_number=f"M{n:05d}",
        first_name="Camille",
        last_name=f"Durand{n}",
        email=f"camille{n}@example.test",
        hire_date=date(2020, 1, 6),
        working_time_rate=100,
        home_address="12 chemin des Oliviers, 09100 Pamiers",
        commute_km=Decimal("25"),
        commute_mode="voiture",
        category_id=make_category().id,
    )
    defaults.update(kw)
    return _save(Employee(**defaults))


def make_place(**kw) -> Place:
    """The employee's home by default."""
    defaults = dict(kind="home", name="Domicile", address="12 chemin des Oliviers, 09100 Pamiers")
    defaults.update(kw)
    return _save(Place(**defaults))


def make_request(**kw) -> TeleworkRequest:
    """A pending voluntary request."""
    if "employee_id" not in kw:
        kw["employee_id"] = make_employee().id
    defaults = dict(
        request_date=date(2026, 9, 1),
        wished_days=Decimal("2"),
        wished_pattern="11001100000000",
        motive="Réduire les trajets",
        status="pending",
    )
    defaults.update(kw)
    return _save(TeleworkRequest(**defaults))


def make_agreement(**kw) -> Agreement:
    """A compliant draft agreement answering an accepted request."""
    if "request_id" not in kw:
        req = make_request(status="accepted", decision_date=date(2026, 9, 10),
                           **({"employee_id": kw["employee_id"]} if "employee_id" in kw else {}))
        kw["request_id"] = req.id
        kw.setdefault("employee_id", req.employee_id)
    if "place_id" not in kw:
        kw["place_id"] = make_place(employee_id=kw["employee_id"]).id
    defaults = dict(
        days_per_week=Decimal("2"),
        weekly_pattern="11001100000000",
        start_date=date(2026, 10, 1),
        adaptation_months=3,
        adaptation_end_date=date(2026, 12, 31),
        notice_days_during_adaptation=15,
        notice_days_after_adaptation=30,
        contact_slots="9 h 30 – 12 h 00 et 14 h 00 – 16 h 30",
        time_control="Auto-déclaration hebdomadaire validée par le responsable",
        equipment="Ordinateur portable, casque",
        allowance_scheme="per_weekly_day",
        allowance_amount=Decimal("10.00"),
        insurance_received_date=date(2026, 9, 15),
        electrical_statement_date=date(2026, 9, 15),
        status="draft",
    )
    defaults.update(kw)
    return _save(Agreement(**defaults))


def make_user(email: str, role: str = "hr", password: str = TEST_PASSWORD, **kw) -> User:
    """An account with a known test password."""
    from hrtele.auth.passwords import hash_password

    if role == "employee" and "employee_id" not in kw:
        kw["employee_id"] = make_employee().id
    return _save(User(email=email, role=role, password_hash=hash_password(password),
                      display_name=kw.pop("display_name", email.split("@")[0]), **kw))


def page_text(response) -> str:
    """Response body with HTML entities decoded and CSRF token values blanked.

    The tokens are random: a short string asserted absent could otherwise appear in one.
    """
    import html
    import re

    body = re.sub(r'(name="csrf_token"[^>]*?value=")[^"]*"', r'\1"', response.get_data(as_text=True))
    return html.unescape(body)


def slots_to_pattern(data: dict, field: str = "weekly_pattern") -> dict:
    """Form data with half-day keys (« mon_am »: "y") turned into the pattern field's values."""
    from hrtele.domain.pattern import SLOT_NAMES

    out = {k: v for k, v in data.items() if k not in SLOT_NAMES}
    chosen = [name for name in SLOT_NAMES if data.get(name)]
    tokens = [name if data[name] in ("y", "1", True) else f"{name}:{data[name]}" for name in chosen]
    if tokens or field not in out:
        out[field] = tokens
    return out
