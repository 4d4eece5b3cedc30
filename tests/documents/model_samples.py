"""Database rows for the document tests: a realistic employee and agreement variants."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pypdf
from sqlalchemy import select

from hrtele.extensions import db
from hrtele.models import Agreement, Employee, Establishment, Post
from tests.factories import (
    make_agreement,
    make_category,
    make_employee,
    make_employer,
    make_place,
    make_post,
    make_request,
)

#: Issue date used by the service tests (after every factory date).
TODAY = date(2026, 11, 20)

#: Agreement variants: weekly pattern, days, places and allowance scheme.
VARIANTS: dict[str, dict[str, Any]] = {
    "full_days-per_weekly_day": dict(
        days_per_week=Decimal("2"),
        weekly_pattern="11000011000000",
        allowance_scheme="per_weekly_day",
        allowance_amount=Decimal("10.00"),
        allowance_monthly_cap=Decimal("20.00"),
    ),
    "half_days-flat_monthly": dict(
        days_per_week=Decimal("1.5"),
        weekly_pattern="00110000010000",
        allowance_scheme="flat_monthly",
        allowance_amount=Decimal("20.00"),
    ),
    "third_place-per_day": dict(
        days_per_week=Decimal("1"),
        weekly_pattern="00001100000000",
        allowance_scheme="per_day",
        allowance_amount=Decimal("2.70"),
        allowance_monthly_cap=Decimal("59.40"),
        end_date=date(2027, 9, 30),
        third_place=True,
    ),
    "volume-one_off": dict(
        days_per_week=Decimal("1"),
        weekly_pattern="00000000000000",
        allowance_scheme="one_off",
        allowance_amount=Decimal("100.00"),
    ),
    "full_days-none": dict(
        days_per_week=Decimal("1"),
        weekly_pattern="00000000110000",
        allowance_scheme="none",
        allowance_amount=Decimal("0"),
    ),
}


def pdf_text(pdf: bytes) -> str:
    """Text of every page of a real PDF."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def squash(text: str) -> str:
    """Text without any whitespace (PDF line breaks fall anywhere), typography normalised.

    Hyphenation breaks words at line ends with U+2010; typographic apostrophes and no-break
    spaces are compared as their plain forms.
    """
    text = re.sub("\u2010\\s*\n", "", text)
    text = text.replace("\u2019", "'")
    return "".join(text.split())


def missing_from(text: str, *expected: str) -> list[str]:
    """The expected values absent from the PDF text (whitespace-insensitive)."""
    haystack = squash(text)
    return [value for value in expected if squash(value) not in haystack]


def _free(model: type, column: str, value: str) -> dict[str, str]:
    """{column: value} when no row uses that value yet, else {} (the factory numbers it)."""
    taken = db.session.scalar(select(model.id).where(getattr(model, column) == value).limit(1))
    return {} if taken is not None else {column: value}


def employee_with_post(**overrides: Any) -> Employee:
    """Claire DELMAS, chargée d'études at the Foix head office, with a manager.

    The first one of a database gets fixed numbers (matricule, post codes), so that the
    documents of two tests are identical and memoise_renders() can serve them.
    """
    employer = make_employer()
    establishment = db.session.query(Establishment).filter_by(employer_id=employer.id).first()
    category = make_category("B", "Techniciens et agents de maîtrise")
    post = make_post(
        **_free(Post, "code", "ETU-03"),
        title="Chargée d'études",
        department="Études et méthodes",
        establishment_id=establishment.id,
        category_id=category.id,
        eligibility_reason="rédaction et analyse réalisables à distance",
        teleworkable_tasks="rédaction des notes d'études, analyse des données",
    )
    manager_post = make_post(
        **_free(Post, "code", "DIR-01"), title="Responsable du service Études", is_eligible=False
    )
    manager = make_employee(
        **_free(Employee, "personnel_number", "M-000420"),
        post_id=manager_post.id,
        first_name="Julien",
        last_name="Lacoste",
        civility="M.",
    )
    values = dict(
        **_free(Employee, "personnel_number", "M-004217"),
        post_id=post.id,
        civility="Madame",
        first_name="Claire",
        last_name="Delmas",
        hire_date=date(2019, 9, 2),
        contract_date=date(2019, 8, 20),
        home_address="7 rue du Château-du-Roi\n09000 Foix",
        manager_id=manager.id,
        category_id=category.id,
    )
    values.update(overrides)
    return make_employee(**values)


def agreement_variant(name: str, employee: Employee | None = None, **overrides: Any) -> Agreement:
    """A compliant draft agreement of one of the VARIANTS."""
    values = dict(VARIANTS[name])
    third_place = values.pop("third_place", False)
    employee = employee or employee_with_post()
    req = make_request(
        employee_id=employee.id,
        status="accepted",
        decision_date=date(2026, 9, 10),
        wished_days=values["days_per_week"],
        wished_pattern=values["weekly_pattern"],
    )
    home = make_place(employee_id=employee.id, address="7 rue du Château-du-Roi, 09000 Foix")
    if third_place:
        tele = make_place(
            kind="third_place",
            third_place_type="telecentre",
            name="Télécentre de Lavelanet",
            address="2 rue des Pyrénées, 09300 Lavelanet",
        )
        values.update(place_id=tele.id, second_place_id=home.id)
    else:
        values.update(place_id=home.id)
    values.update(request_id=req.id, employee_id=employee.id)
    values.update(overrides)
    return make_agreement(**values)


def vacant_post(**overrides: Any) -> Post:
    """A vacant non-telework post of category B."""
    values = dict(
        title="Technicienne de laboratoire",
        department="Laboratoire",
        is_eligible=False,
        is_vacant=True,
        category_id=make_category("B").id,
    )
    values.update(overrides)
    return make_post(**values)


_RENDER_CACHE: dict[tuple, bytes] = {}


def memoise_renders(monkeypatch) -> None:
    """Make the services reuse the PDF of a snapshot already rendered in this test process.

    Rendering is deterministic (the same snapshot gives the same bytes, checked by
    test_render.py and by test_document_services.py with the real renderer), so this only
    saves time: a snapshot rendered on SQLite is not rendered again on PostgreSQL.
    """
    from hrtele.documents import services

    real = services.render_pdf

    def cached(kind: str, snapshot: Any, **options: Any) -> bytes:
        key = (kind, snapshot, tuple(sorted(options.items())))
        if key not in _RENDER_CACHE:
            _RENDER_CACHE[key] = real(kind, snapshot, **options)
        return _RENDER_CACHE[key]

    monkeypatch.setattr(services, "render_pdf", cached)
