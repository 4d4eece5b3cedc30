"""Agreement screens: valid data, every kind of bad input (nothing changes), warnings that need a
confirmation, editing by status, concurrent edits, list filters, access rules."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from hrtele.domain.dates import adaptation_end_date, add_months
from hrtele.extensions import db
from hrtele.models import Agreement, AgreementEvent, AuditEntry
from tests.conftest import login
from tests.factories import (
    make_agreement,
    make_employee,
    make_place,
    make_policy,
    make_request,
    make_user,
    page_text,
    slots_to_pattern,
)

TODAY = date.today()
START = TODAY + timedelta(days=14)


def fr(d: date) -> str:
    """dd/mm/yyyy as typed in the forms."""
    return d.strftime("%d/%m/%Y")


def count_agreements(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Agreement.id)))


@pytest.fixture
def refs(app):
    """An accepted request of an employee on an eligible post, with their home and a tiers-lieu."""
    with app.app_context():
        make_policy()
        req = make_request(
            status="accepted",
            request_date=TODAY - timedelta(days=20),
            decision_date=TODAY - timedelta(days=10),
        )
        home = make_place(employee_id=req.employee_id)
        third = make_place(
            kind="third_place",
            name="Coworking du Centre",
            third_place_type="coworking",
            address="3 place de la Mairie, 09000 Foix",
        )
        return {
            "request_id": req.id,
            "employee_id": req.employee_id,
            "home": home.id,
            "third": third.id,
        }


def valid_data(refs, **overrides) -> dict:
    """A compliant agreement form: 2 days (Monday, Thursday) at home from START."""
    data = {
        "request_id": str(refs["request_id"]),
        "place_id": str(refs["home"]),
        "second_place_id": "0",
        "days_per_week": "2",
        "mon_am": "y",
        "mon_pm": "y",
        "thu_am": "y",
        "thu_pm": "y",
        "start_date": fr(START),
        "end_date": "",
        "adaptation_months": "3",
        "notice_days_during_adaptation": "15",
        "notice_days_after_adaptation": "30",
        "reversibility_clause": "notice",
        "contact_slots": "9 h 30 – 12 h 00 et 14 h 00 – 16 h 30",
        "time_control": "Auto-déclaration hebdomadaire validée par le responsable",
        "equipment": "Ordinateur portable\n\n  Casque  \n",
        "allowance_scheme": "per_weekly_day",
        "allowance_amount": "10,00",
        "allowance_monthly_cap": "",
        "insurance_received_date": fr(TODAY - timedelta(days=5)),
        "insurance_insurer": "Mutuelle Exemple",
        "insurance_expiry_date": fr(TODAY + timedelta(days=300)),
        "electrical_statement_date": fr(TODAY - timedelta(days=5)),
        "annual_interview_due_date": "",
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return slots_to_pattern(data)


def digest_of(response) -> str:
    """The warnings digest the page carries (the user confirms these warnings)."""
    match = re.search(
        r'name="warnings_digest"[^>]*value="([0-9a-f]+)"', response.get_data(as_text=True)
    )
    assert match, "no warnings digest on the page"
    return match.group(1)


# --------------------------------------------------------------------------------------------
# Create
# --------------------------------------------------------------------------------------------


def test_create_with_valid_data(app, hr_client, refs):
    response = hr_client.post("/accords/nouveau", data=valid_data(refs))
    assert response.status_code == 302, page_text(response)[-3000:]
    with app.app_context():
        agreement = db.session.scalar(select(Agreement))
        assert agreement.status == "draft"
        assert agreement.employee_id == refs["employee_id"]
        assert agreement.request_id == refs["request_id"]
        assert agreement.days_per_week == Decimal("2")
        assert agreement.weekly_pattern == "11000011000000"
        assert agreement.equipment == "Ordinateur portable\nCasque"
        assert agreement.adaptation_end_date == adaptation_end_date(START, 3)
        assert agreement.annual_interview_due_date == add_months(START, 12)
        assert agreement.allowance_amount == Decimal("10.00")
        events = db.session.scalars(select(AgreementEvent)).all()
        assert [(e.event, e.from_state, e.to_state) for e in events] == [("create", None, "draft")]
        audit = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "agreements"))
        assert audit.action == "create"
    page = page_text(hr_client.get(response.headers["Location"]))
    assert "lundi (journée), jeudi (journée)" in page
    assert "aucune anomalie" in page


def test_create_with_third_place_second_place_and_half_days(app, hr_client, refs):
    data = valid_data(
        refs, days_per_week="1,5", mon_pm=None, thu_am="2", thu_pm="2",
        second_place_id=str(refs["third"]),
    )
    response = hr_client.post("/accords/nouveau", data=data)
    # 1,5 day is fewer than the 2 days asked for: compliant
    assert response.status_code == 302, page_text(response)[-3000:]
    with app.app_context():
        agreement = db.session.scalar(select(Agreement))
        assert agreement.days_per_week == Decimal("1.5")
        assert agreement.weekly_pattern == "10000022000000"
        assert agreement.second_place_id == refs["third"]


def test_create_form_is_prefilled_from_request_and_policy(app, hr_client, refs):
    with app.app_context():
        make_policy(
            default_contact_slots="10 h – 12 h seulement",
            adaptation_months=2,
            notice_days_during_adaptation=8,
        )
    response = hr_client.get(f"/accords/nouveau?request_id={refs['request_id']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(response)
    assert "10 h – 12 h seulement" in text
    assert re.search(r'<input[^>]*name="adaptation_months"[^>]*value="2"', html)
    assert re.search(r'<input[^>]*name="notice_days_during_adaptation"[^>]*value="8"', html)
    assert re.search(rf'<option selected value="{refs["request_id"]}">', html)
    assert '<select name="weekly_pattern" id="weekly_pattern-mon_am">' in html
    assert re.search(r'<option value="mon_am" selected>', html)  # wished 11001100000000
    assert re.search(r'<option value="wed_pm" selected>', html)
    assert not re.search(r'<option value="tue_am" selected>', html)
    assert "<legend>Rythme hebdomadaire (facultatif)</legend>" in html
    assert '<label for="weekly_pattern-sun_pm" class="visually-hidden">Dimanche après-midi</label>' in html


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "99999999999", "1.5"])
def test_create_form_ignores_bad_request_id_in_query(hr_client, refs, raw):
    assert hr_client.get(f"/accords/nouveau?request_id={raw}").status_code == 200


def _end(months: int = 0, days: int = 0) -> str:
    return fr(add_months(START, months) + timedelta(days=days))


BAD_INPUTS = [
    # (label, overrides, expected message)
    ("impossible date", {"start_date": "31/02/2026"}, "Date impossible"),
    ("date format", {"start_date": "2026/13/45"}, "jj/mm/aaaa"),
    ("empty start", {"start_date": ""}, "Indiquez la date de début"),
    ("text in days", {"days_per_week": "deux"}, "Nombre invalide"),
    ("negative days", {"days_per_week": "-1"}, "doit être positif"),
    ("huge days", {"days_per_week": "99999"}, "plus que les 5 jours"),
    ("too many decimals", {"days_per_week": "1,25"}, "décimale"),
    ("empty days", {"days_per_week": ""}, "Indiquez le nombre de jours"),
    ("negative months", {"adaptation_months": "-2"}, "Entre 0 et 36 mois."),
    ("huge months", {"adaptation_months": "99999999999"}, "Entre 0 et 36 mois."),
    ("empty months", {"adaptation_months": ""}, "Indiquez la durée de la période d'adaptation"),
    ("text in notice", {"notice_days_after_adaptation": "abc"}, "entier"),
    ("negative notice", {"notice_days_during_adaptation": "-3"}, "Entre 0 et 365 jours."),
    (
        "missing notice",
        {"notice_days_during_adaptation": ""},
        "Indiquez le délai de prévenance pendant",
    ),
    ("no contact slots", {"contact_slots": "   "}, "Indiquez les plages horaires"),
    ("no time control", {"time_control": ""}, "contrôle du temps de travail"),
    ("no equipment", {"equipment": "\n"}, "Indiquez les équipements fournis"),
    ("control character", {"equipment": "Portable\x01"}, "Caractères de contrôle"),
    ("huge text", {"contact_slots": "x" * 1001}, "1000"),
    ("pattern mismatch", {"thu_am": None, "thu_pm": None}, "Les jours cochés"),
    ("days above cap", {"days_per_week": "3", "fri_am": "y", "fri_pm": "y"}, "plafonne"),
    ("end before start", {"end_date": fr(START - timedelta(days=1))}, "doit être postérieure"),
    (
        "adaptation longer than agreement",
        {"end_date": _end(months=1)},
        "dépasse la fin de l'avenant",
    ),
    ("negative amount", {"allowance_amount": "-5"}, "au moins 0"),
    ("text amount", {"allowance_amount": "dix euros"}, "Nombre invalide"),
    ("missing amount", {"allowance_amount": ""}, "Indiquez le montant"),
    ("unknown scheme", {"allowance_scheme": "bonus"}, "choix valide"),
    ("no request", {"request_id": "0"}, "Choisissez la demande"),
    ("unknown request", {"request_id": "999999"}, "n'existe pas"),
    ("text request", {"request_id": "abc"}, "Choix non valide"),
    ("no place", {"place_id": "0"}, "Indiquez le lieu"),
    ("unknown place", {"place_id": "999999"}, "n'existe pas"),
    ("same second place", {"second_place_id": "__home__"}, "différent du lieu principal"),
    ("future insurance", {"insurance_received_date": fr(TODAY + timedelta(days=3))}, "date future"),
    (
        "expiry before receipt",
        {"insurance_expiry_date": fr(TODAY - timedelta(days=30))},
        "avant d'avoir été reçue",
    ),
    (
        "interview before start",
        {"annual_interview_due_date": fr(START - timedelta(days=1))},
        "ne peut pas précéder",
    ),
    ("start before request", {"start_date": fr(TODAY - timedelta(days=25))}, "avant la demande"),
]


@pytest.mark.parametrize(
    ("label", "overrides", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_create_rejects_bad_input(app, hr_client, refs, label, overrides, message):
    overrides = {k: (str(refs["home"]) if v == "__home__" else v) for k, v in overrides.items()}
    response = hr_client.post("/accords/nouveau", data=valid_data(refs, **overrides))
    assert response.status_code == 422
    assert message in page_text(response)
    assert count_agreements(app) == 0


def test_blocking_violation_shows_legal_basis_beside_field_and_in_summary(app, hr_client, refs):
    response = hr_client.post("/accords/nouveau", data=valid_data(refs, contact_slots=""))
    html = response.get_data(as_text=True)
    text = page_text(response)
    assert response.status_code == 422
    assert "Contrôle de conformité" in text and "Bloquant" in text
    assert "C. trav. L1222-10 5° (2012) : plages horaires" in text
    assert re.search(r'id="contact_slots-err">\s*<li>Indiquez les plages horaires', html)
    assert 'aria-invalid="true"' in html


def test_request_not_accepted_is_blocking_voluntary_principle(app, hr_client, refs):
    with app.app_context():
        pending = make_request(
            status="pending",
            employee_id=refs["employee_id"],
            request_date=TODAY - timedelta(days=3),
        )
        pending_id = pending.id
    response = hr_client.post("/accords/nouveau", data=valid_data(refs, request_id=str(pending_id)))
    assert response.status_code == 422
    text = page_text(response)
    assert "encore en attente" in text
    assert "C. trav. L1222-9 (2012) : volontariat" in text
    assert count_agreements(app) == 0


def test_half_days_forbidden_by_policy(app, hr_client, refs):
    with app.app_context():
        make_policy(half_days_allowed=False)
    data = valid_data(refs, days_per_week="1,5", mon_pm=None)
    response = hr_client.post("/accords/nouveau", data=data)
    assert response.status_code == 422
    assert "journées entières" in page_text(response)
    assert count_agreements(app) == 0


def test_home_of_another_employee_is_refused(app, hr_client, refs):
    with app.app_context():
        other_home = make_place(employee_id=make_employee().id, name="Chez un collègue").id
    response = hr_client.post("/accords/nouveau", data=valid_data(refs, place_id=str(other_home)))
    assert response.status_code == 422
    assert "n'est pas le domicile de ce salarié" in page_text(response)
    assert count_agreements(app) == 0


def test_allowance_above_policy_needs_confirmation_then_saves(app, hr_client, refs):
    data = valid_data(refs, allowance_amount="15,00")
    first = hr_client.post("/accords/nouveau", data=data)
    assert first.status_code == 422
    text = page_text(first)
    assert "au-delà de la politique de l'employeur" in text
    assert "Avertissement" in text
    assert "Cochez cette case pour enregistrer malgré les avertissements." in text
    assert count_agreements(app) == 0

    # Ticking the box without the digest of the warnings shown is not a confirmation.
    forged = hr_client.post("/accords/nouveau", data=dict(data, confirm_warnings="y"))
    assert forged.status_code == 422
    assert count_agreements(app) == 0

    confirmed = hr_client.post(
        "/accords/nouveau", data=dict(data, confirm_warnings="y", warnings_digest=digest_of(first))
    )
    assert confirmed.status_code == 302, page_text(confirmed)[-2000:]
    with app.app_context():
        assert db.session.scalar(select(Agreement.allowance_amount)) == Decimal("15.00")


def test_confirmation_does_not_cover_new_warnings(app, hr_client, refs):
    first = hr_client.post("/accords/nouveau", data=valid_data(refs, allowance_amount="15,00"))
    digest = digest_of(first)
    changed = valid_data(
        refs, allowance_amount="18,00", confirm_warnings="y", warnings_digest=digest
    )
    response = hr_client.post("/accords/nouveau", data=changed)
    assert response.status_code == 422
    assert "Les avertissements ont changé" in page_text(response)
    assert count_agreements(app) == 0


def test_html_is_stored_as_typed_and_shown_escaped(app, hr_client, refs):
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{7*7}}'
    response = hr_client.post(
        "/accords/nouveau",
        data=valid_data(refs, insurance_insurer=payload[:200], equipment=payload),
    )
    assert response.status_code == 302
    with app.app_context():
        agreement = db.session.scalar(select(Agreement))
        assert agreement.equipment == payload
        agreement_id = agreement.id
    html = hr_client.get(f"/accords/{agreement_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{7*7}}" in html  # rendered literally, never evaluated as a template


def test_second_agreement_for_same_request_is_refused(app, hr_client, refs):
    assert hr_client.post("/accords/nouveau", data=valid_data(refs)).status_code == 302
    response = hr_client.post("/accords/nouveau", data=valid_data(refs))
    assert response.status_code == 422
    assert "répond déjà à cette demande" in page_text(response)
    assert count_agreements(app) == 1


# --------------------------------------------------------------------------------------------
# Edit
# --------------------------------------------------------------------------------------------


@pytest.fixture
def draft(app, refs):
    """A compliant draft agreement starting in two weeks."""
    with app.app_context():
        agreement = make_agreement(
            request_id=refs["request_id"],
            employee_id=refs["employee_id"],
            place_id=refs["home"],
            start_date=START,
            adaptation_end_date=adaptation_end_date(START, 3),
            weekly_pattern="11000011000000",
            insurance_received_date=TODAY - timedelta(days=5),
            electrical_statement_date=TODAY - timedelta(days=5),
        )
        return {"id": agreement.id, "version": agreement.version}


def edit_data(refs, draft, **overrides) -> dict:
    """The edit form's data: no request field, the version loaded."""
    return valid_data(refs, **{"request_id": None, "version": str(draft["version"]), **overrides})


def test_edit_draft(app, hr_client, refs, draft):
    page = hr_client.get(f"/accords/{draft['id']}/modifier")
    assert page.status_code == 200
    assert 'name="request_id"' not in page.get_data(as_text=True)
    response = hr_client.post(
        f"/accords/{draft['id']}/modifier",
        data=edit_data(refs, draft, days_per_week="1", thu_am=None, thu_pm=None),
    )
    assert response.status_code == 302, page_text(response)[-3000:]
    with app.app_context():
        agreement = db.session.get(Agreement, draft["id"])
        assert agreement.days_per_week == Decimal("1")
        assert agreement.weekly_pattern == "11000000000000"
        assert agreement.status == "draft"
        assert agreement.version == draft["version"] + 1
        assert db.session.scalar(select(func.count(AgreementEvent.id))) == 0
        actions = db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.object_id == draft["id"], AuditEntry.object_type == "agreements"
            )
        ).all()
        assert "update" in actions


def test_edit_issued_agreement_goes_back_to_draft_with_event(app, hr_client, refs, draft):
    with app.app_context():
        agreement = db.session.get(Agreement, draft["id"])
        agreement.status = "issued"
        db.session.commit()
        draft["version"] = agreement.version
    page = hr_client.get(f"/accords/{draft['id']}/modifier")
    assert "remet l'accord à l'état de brouillon" in page_text(page)
    response = hr_client.post(
        f"/accords/{draft['id']}/modifier",
        data=edit_data(refs, draft, notice_days_after_adaptation="45"),
    )
    assert response.status_code == 302, page_text(response)[-3000:]
    with app.app_context():
        agreement = db.session.get(Agreement, draft["id"])
        assert agreement.status == "draft"
        assert agreement.notice_days_after_adaptation == 45
        events = db.session.scalars(select(AgreementEvent)).all()
        assert [(e.event, e.from_state, e.to_state) for e in events] == [
            ("edit", "issued", "draft")
        ]


@pytest.mark.parametrize("status", ["signed", "adaptation", "active", "ended"])
def test_edit_of_signed_or_running_agreement_is_refused(app, hr_client, refs, draft, status):
    with app.app_context():
        agreement = db.session.get(Agreement, draft["id"])
        agreement.status = status
        db.session.commit()
        version = agreement.version
    page = hr_client.get(f"/accords/{draft['id']}/modifier")
    assert page.status_code == 409
    expected = "ne peut plus être modifié" if status == "ended" else "avenant modificatif"
    assert expected in page_text(page)
    response = hr_client.post(
        f"/accords/{draft['id']}/modifier",
        data=edit_data(refs, dict(draft, version=version), days_per_week="1"),
    )
    assert response.status_code == 409
    with app.app_context():
        agreement = db.session.get(Agreement, draft["id"])
        assert agreement.days_per_week == Decimal("2") and agreement.version == version
    assert "Modifier</a>" not in page_text(hr_client.get(f"/accords/{draft['id']}"))


def test_edit_with_stale_version_gives_409_and_changes_nothing(app, hr_client, refs, draft):
    first = hr_client.post(
        f"/accords/{draft['id']}/modifier",
        data=edit_data(refs, draft, notice_days_after_adaptation="40"),
    )
    assert first.status_code == 302
    second = hr_client.post(
        f"/accords/{draft['id']}/modifier",
        data=edit_data(refs, draft, notice_days_after_adaptation="50"),
    )
    assert second.status_code == 409
    assert "modifié par quelqu'un d'autre" in page_text(second)
    with app.app_context():
        agreement = db.session.get(Agreement, draft["id"])
        assert agreement.notice_days_after_adaptation == 40
        assert agreement.version == draft["version"] + 1


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999"])
def test_edit_with_missing_or_garbage_version_gives_409(app, hr_client, refs, draft, version):
    response = hr_client.post(
        f"/accords/{draft['id']}/modifier",
        data=edit_data(refs, draft, version=version, notice_days_after_adaptation="50"),
    )
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Agreement, draft["id"]).notice_days_after_adaptation == 30


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": "31/02/2027"}, "Date impossible"),
        (
            {"days_per_week": "4", "tue_am": "y", "tue_pm": "y", "wed_am": "y", "wed_pm": "y"},
            "plafonne",
        ),
        ({"contact_slots": ""}, "Indiquez les plages horaires"),
    ],
)
def test_edit_rejects_bad_input_and_changes_nothing(
    app, hr_client, refs, draft, overrides, message
):
    response = hr_client.post(
        f"/accords/{draft['id']}/modifier", data=edit_data(refs, draft, **overrides)
    )
    assert response.status_code == 422
    assert message in page_text(response)
    with app.app_context():
        agreement = db.session.get(Agreement, draft["id"])
        assert agreement.version == draft["version"]
        assert agreement.contact_slots.startswith("9 h 30")


def test_employee_of_an_agreement_cannot_be_changed_by_tampering(app, hr_client, refs, draft):
    with app.app_context():
        other = make_request(status="accepted", request_date=TODAY - timedelta(days=2)).id
    response = hr_client.post(
        f"/accords/{draft['id']}/modifier",
        data=edit_data(refs, draft, request_id=str(other), employee_id="1"),
    )
    assert response.status_code == 302
    with app.app_context():
        agreement = db.session.get(Agreement, draft["id"])
        assert (agreement.request_id, agreement.employee_id) == (
            refs["request_id"],
            refs["employee_id"],
        )


def test_unknown_agreement_is_404(hr_client):
    assert hr_client.get("/accords/999999").status_code == 404
    assert hr_client.get("/accords/999999/modifier").status_code == 404
    assert hr_client.get("/accords/abc").status_code == 404


# --------------------------------------------------------------------------------------------
# Show and list
# --------------------------------------------------------------------------------------------


def test_show_page_lists_facts_and_live_compliance(app, hr_client, refs, draft):
    with app.app_context():
        # The policy changed after drafting: the live check now flags the allowance.
        make_policy(allowance_amount=Decimal("5.00"))
    text = page_text(hr_client.get(f"/accords/{draft['id']}"))
    assert "lundi (journée), jeudi (journée)" in text
    assert fr(START) in text
    assert "10,00\u00a0€" in text
    assert "au-delà de la politique de l'employeur" in text
    assert "Politique de l'employeur" in text
    assert "Demande du" in text


def test_list_filters_by_status_and_searches_employee(app, hr_client):
    with app.app_context():
        alice = make_employee(first_name="Alice", last_name="Martin", personnel_number="MAT-001")
        bob = make_employee(first_name="Bob", last_name="Bernard", personnel_number="MAT-002")
        make_agreement(employee_id=alice.id, status="active")
        make_agreement(employee_id=bob.id, status="draft")
    page = page_text(hr_client.get("/accords/?status=active"))
    assert "Alice MARTIN" in page and "Bob BERNARD" not in page
    page = page_text(hr_client.get("/accords/?q=bern"))
    assert "Bob BERNARD" in page and "Alice MARTIN" not in page
    page = page_text(hr_client.get("/accords/?q=MAT-001"))
    assert "Alice MARTIN" in page and "Bob BERNARD" not in page
    page = page_text(hr_client.get("/accords/?q=alice martin"))
    assert "Alice MARTIN" in page
    page = page_text(hr_client.get("/accords/?status=bogus"))
    assert "Alice MARTIN" in page and "Bob BERNARD" in page
    assert hr_client.get("/accords/?q=%25_%5C").status_code == 200


def test_list_paginates_in_sql_without_n_plus_one(app, hr_client):
    with app.app_context():
        for i in range(30):
            make_agreement(employee_id=make_employee(last_name=f"Salarie{i:02d}").id)
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = hr_client.get("/accords/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    agreement_selects = [s for s in statements if "FROM agreements" in s]
    employee_selects = [
        s
        for s in statements
        if s.lstrip().startswith("SELECT") and "FROM employees" in s and "agreements" not in s
        # The manager filter's choices: one query for the page, not one per row.
        and "manager_id IS NOT NULL" not in s
    ]
    assert len(agreement_selects) == 2  # the count and the page
    assert employee_selects == []
    assert "LIMIT" in agreement_selects[-1].upper()
    assert "page 1 sur 2" in page_text(response).lower()
    assert hr_client.get("/accords/?page=2").status_code == 200
    assert hr_client.get("/accords/?page=abc").status_code == 200


# --------------------------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------------------------


def test_employee_gets_403_everywhere(app, refs, draft):
    with app.app_context():
        make_user(email="salarie@example.test", role="employee", employee_id=refs["employee_id"])
    client = app.test_client()
    assert login(client, "salarie@example.test").status_code == 302
    for url in (
        "/accords/",
        "/accords/nouveau",
        f"/accords/{draft['id']}",
        f"/accords/{draft['id']}/modifier",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/accords/nouveau", data=valid_data(refs)).status_code == 403
    assert (
        client.post(
            f"/accords/{draft['id']}/modifier", data=edit_data(refs, draft, days_per_week="1")
        ).status_code
        == 403
    )
    assert count_agreements(app) == 1
    with app.app_context():
        assert db.session.get(Agreement, draft["id"]).version == draft["version"]


def test_anonymous_is_sent_to_login(client):
    response = client.get("/accords/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_token_is_400_and_changes_nothing(self, app, refs):
        with app.app_context():
            make_user(email="rh2@example.test", role="hr")
        client = app.test_client()
        # log in with a real token
        page = client.get("/connexion").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert (
            client.post(
                "/connexion",
                data={
                    "email": "rh2@example.test",
                    "password": "mot-de-passe-de-test-42",
                    "csrf_token": token,
                },
            ).status_code
            == 302
        )
        response = client.post("/accords/nouveau", data=valid_data(refs))
        assert response.status_code == 400
        assert count_agreements(app) == 0
