"""Policy, employer identity and categories: admin saves, HR reads, employee 403; each kind of bad
input changes nothing; check_policy violations; stale versions give 409."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import AuditEntry, Category, Employer, Policy
from hrtele.policy.services import is_valid_siret, normalise_siret, policy_violations
from tests.conftest import login
from tests.factories import make_category, make_employer, make_policy, make_user, page_text

POLICY = {
    "legal_frame": "loi n° 2012-387 du 22 mars 2012 + ANI du 19 juillet 2005",
    "max_days_per_week": "1,5",
    "half_days_allowed": "y",
    "min_onsite_days_per_week": "3",
    "seniority_months": "6",
    "min_working_time_rate": "80",
    "adaptation_months": "3",
    "notice_days_during_adaptation": "15",
    "notice_days_after_adaptation": "30",
    "default_contact_slots": "9 h – 12 h et 14 h – 16 h",
    "default_time_control": "Relevé hebdomadaire des horaires",
    "default_working_hours": "8 h 30 – 12 h 30 et 13 h 30 – 17 h 30",
    "reversibility_clause": "notice",
    "allowance_scheme": "per_weekly_day",
    "allowance_amount": "10,40 €",
    "allowance_monthly_cap": "",
    "insurance_required": "y",
    "electrical_statement_required": "y",
}
EMPLOYER = {
    "name": "Coopérative Exemple",
    "siret": "552 008 164 00014",
    "address": "2 avenue des Pyrénées\n09000 Foix",
    "representative_name": "Jeanne Roux",
    "representative_title": "Directrice générale",
    "it_charter_ref": "Charte informatique 2012",
}


def policy_row(app) -> tuple[int, Decimal, int]:
    with app.app_context():
        policy = db.session.scalar(select(Policy))
        return policy.version, policy.max_days_per_week, policy.notice_days_after_adaptation


def digest_of(response) -> str:
    match = re.search(
        r'name="warnings_digest"[^>]*value="([0-9a-f]+)"', response.get_data(as_text=True)
    )
    assert match, "no warnings digest on the page"
    return match.group(1)


@pytest.fixture
def policy_version(app):
    with app.app_context():
        return make_policy().version


# --------------------------------------------------------------------------------------------
# Policy
# --------------------------------------------------------------------------------------------


def test_admin_saves_policy(app, admin_client, policy_version):
    page = admin_client.get("/politique/")
    assert page.status_code == 200
    assert 'name="max_days_per_week"' in page.get_data(as_text=True)
    response = admin_client.post("/politique/", data=dict(POLICY, version=str(policy_version)))
    assert response.status_code == 302, page_text(response)[-3000:]
    with app.app_context():
        policy = db.session.scalar(select(Policy))
        assert policy.max_days_per_week == Decimal("1.5")
        assert policy.allowance_amount == Decimal("10.40")
        assert policy.min_working_time_rate == 80 and policy.seniority_months == 6
        assert policy.version == policy_version + 1
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "policies"))
        assert entry.action == "update" and "max_days_per_week" in entry.changes_json


def test_new_agreement_form_takes_policy_defaults(app, admin_client, hr_client, policy_version):
    admin_client.post(
        "/politique/",
        data=dict(
            POLICY,
            version=str(policy_version),
            default_contact_slots="10 h – 11 h 30 et 14 h – 15 h",
        ),
    )
    assert "10 h – 11 h 30 et 14 h – 15 h" in page_text(hr_client.get("/accords/nouveau"))


def test_hr_reads_policy_but_cannot_save(app, hr_client, policy_version):
    page = hr_client.get("/politique/")
    assert page.status_code == 200
    text = page_text(page)
    assert "Consultation seule" in text and "Plafond de jours par semaine" in text
    assert 'name="max_days_per_week"' not in page.get_data(as_text=True)
    response = hr_client.post("/politique/", data=dict(POLICY, version=str(policy_version)))
    assert response.status_code == 403
    assert policy_row(app)[0] == policy_version


def test_employee_and_anonymous_are_kept_out(app, client, policy_version):
    assert client.get("/politique/").status_code == 302
    with app.app_context():
        make_user(email="emp@example.test", role="employee")
    assert login(client, "emp@example.test").status_code == 302
    for url in ("/politique/", "/politique/employeur", "/politique/categories"):
        assert client.get(url).status_code == 403, url
    assert (
        client.post("/politique/", data=dict(POLICY, version=str(policy_version))).status_code
        == 403
    )
    assert policy_row(app)[0] == policy_version


BAD_POLICY = [
    ("max_days_per_week", "abc", "Nombre invalide"),
    ("max_days_per_week", "", "Indiquez le plafond"),
    ("max_days_per_week", "1,25", "décimale"),
    ("max_days_per_week", "0", "doit être positif"),
    ("max_days_per_week", "6", "ne pas dépasser les jours travaillés"),
    ("max_days_per_week", "99999999", "trop grand"),
    ("max_days_per_week", "999", "ne pas dépasser les jours travaillés"),
    ("max_days_per_week", "1,3", "demi-journées"),
    ("min_onsite_days_per_week", "-1", "positif ou nul"),
    ("min_onsite_days_per_week", "9", "au plus 5"),
    ("seniority_months", "-1", "ne peut pas être négative"),
    ("seniority_months", "douze", "entier"),
    ("seniority_months", "99999999999", "600 mois au plus."),
    ("min_working_time_rate", "150", "compris entre 0 et 100"),
    ("adaptation_months", "-3", "ne peut pas être négative"),
    ("adaptation_months", "", "Indiquez la durée"),
    ("notice_days_during_adaptation", "-5", "ne peut pas être négatif"),
    ("notice_days_after_adaptation", "99999", "365 jours au plus."),
    ("legal_frame", "   ", "Indiquez le cadre juridique"),
    ("legal_frame", "L" * 201, "200 caractères au plus."),
    ("default_contact_slots", "", "Indiquez les plages horaires"),
    ("default_time_control", "Relevé\x00", "Caractères de contrôle"),
    ("allowance_scheme", "prime", "choix valide"),
    ("allowance_amount", "-1", "au moins 0"),
    ("allowance_amount", "1e9", "Nombre invalide"),
    ("allowance_monthly_cap", "abc", "Nombre invalide"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_POLICY)
def test_bad_policy_input_changes_nothing(app, admin_client, policy_version, field, value, message):
    before = policy_row(app)
    response = admin_client.post(
        "/politique/", data=dict(POLICY, version=str(policy_version), **{field: value})
    )
    assert response.status_code == 422
    assert message in page_text(response)
    assert policy_row(app) == before


def test_half_day_cap_when_half_days_are_barred(app, admin_client, policy_version):
    data = dict(POLICY, version=str(policy_version))
    del data["half_days_allowed"]
    response = admin_client.post("/politique/", data=data)
    assert response.status_code == 422
    assert "demi-journées ne sont pas autorisées" in page_text(response)
    assert policy_row(app)[0] == policy_version


def test_cap_plus_onsite_above_workweek_is_not_saved_without_confirmation(
    app, admin_client, policy_version
):
    data = dict(
        POLICY, version=str(policy_version), max_days_per_week="3", min_onsite_days_per_week="3"
    )
    response = admin_client.post("/politique/", data=data)
    assert response.status_code == 422
    text = page_text(response)
    assert "ne pourra jamais être atteint" in text
    assert "Politique de l'employeur" in text  # legal basis shown
    assert policy_row(app)[0] == policy_version


def test_policy_warning_needs_confirmation_then_saves(app, admin_client, policy_version):
    data = dict(POLICY, version=str(policy_version), adaptation_months="18")
    first = admin_client.post("/politique/", data=data)
    assert first.status_code == 422
    assert "au-delà de 12" in page_text(first)
    assert policy_row(app)[0] == policy_version
    confirmed = admin_client.post(
        "/politique/", data=dict(data, confirm_warnings="y", warnings_digest=digest_of(first))
    )
    assert confirmed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Policy.adaptation_months)) == 18


def test_policy_stale_version_gives_409(app, admin_client, policy_version):
    assert (
        admin_client.post(
            "/politique/",
            data=dict(POLICY, version=str(policy_version), notice_days_after_adaptation="40"),
        ).status_code
        == 302
    )
    response = admin_client.post(
        "/politique/",
        data=dict(POLICY, version=str(policy_version), notice_days_after_adaptation="50"),
    )
    assert response.status_code == 409
    assert "modifié par quelqu'un d'autre" in page_text(response)
    assert policy_row(app)[2] == 40


def test_policy_html_is_escaped(app, admin_client, policy_version, hr_client):
    frame = "<script>alert(1)</script> loi 2012"
    assert (
        admin_client.post(
            "/politique/", data=dict(POLICY, version=str(policy_version), legal_frame=frame)
        ).status_code
        == 302
    )
    html = hr_client.get("/politique/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_policy_page_without_employer_points_to_employer_form(admin_client):
    response = admin_client.get("/politique/")
    assert response.status_code == 200
    assert "Renseigner l'employeur" in page_text(response)


def test_policy_violations_service_needs_every_figure():
    violations = policy_violations({"legal_frame": "", "max_days_per_week": None})
    assert {v.field for v in violations} >= {
        "legal_frame",
        "max_days_per_week",
        "notice_days_after_adaptation",
    }
    assert all(v.blocking for v in violations)


# --------------------------------------------------------------------------------------------
# Employer
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("55200816400014", True),
        ("44320733600019", True),
        ("35600000049837", True),  # La Poste: sum of digits multiple of 5
        ("12345678900011", False),
        ("5520081640001", False),
        ("552008164000141", False),
        ("5520081640001A", False),
        ("", False),
    ],
)
def test_siret_check(siret, valid):
    assert is_valid_siret(siret) is valid


def test_normalise_siret():
    assert normalise_siret(" 552 008 164\u00a000014 ") == "55200816400014"
    assert normalise_siret("552.008.164-00014") == "55200816400014"


def test_admin_creates_employer_with_default_policy(app, admin_client):
    response = admin_client.post("/politique/employeur", data=EMPLOYER)
    assert response.status_code == 302, page_text(response)[-2000:]
    with app.app_context():
        employer = db.session.scalar(select(Employer))
        assert employer.siret == "55200816400014"
        assert employer.representative_title == "Directrice générale"
        policy = db.session.scalar(select(Policy))
        assert policy.employer_id == employer.id
        assert policy.legal_frame == "loi n° 2012-387 du 22 mars 2012 + ANI du 19 juillet 2005"
        actions = set(
            db.session.scalars(select(AuditEntry.object_type).where(AuditEntry.action == "create"))
        )
        assert {"employers", "policies"} <= actions
    assert "Plafond de jours" in page_text(admin_client.get("/politique/"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "12345678900011", "SIRET invalide"),
        ("siret", "abc", "SIRET invalide"),
        ("siret", "", "Indiquez le SIRET"),
        ("siret", "1" * 31, "SIRET invalide"),
        ("name", "", "Indiquez la raison sociale"),
        ("name", "N" * 201, "200 caractères au plus."),
        ("representative_name", "", "Indiquez le signataire"),
        ("address", "rue\x07", "Caractères de contrôle"),
    ],
)
def test_bad_employer_input_changes_nothing(app, admin_client, field, value, message):
    with app.app_context():
        employer = make_employer()
        version, siret = employer.version, employer.siret
    response = admin_client.post(
        "/politique/employeur", data=dict(EMPLOYER, version=str(version), **{field: value})
    )
    assert response.status_code == 422
    assert message in page_text(response)
    with app.app_context():
        employer = db.session.scalar(select(Employer))
        assert (employer.version, employer.siret) == (version, siret)


def test_employer_edit_and_stale_version(app, admin_client):
    with app.app_context():
        version = make_employer().version
    assert (
        admin_client.post(
            "/politique/employeur", data=dict(EMPLOYER, version=str(version))
        ).status_code
        == 302
    )
    response = admin_client.post(
        "/politique/employeur", data=dict(EMPLOYER, version=str(version), name="Autre")
    )
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(Employer.name)) == "Coopérative Exemple"


def test_hr_reads_employer_but_cannot_save(app, hr_client):
    with app.app_context():
        version = make_employer().version
    page = hr_client.get("/politique/employeur")
    assert page.status_code == 200 and "Société Exemple SAS" in page_text(page)
    assert (
        hr_client.post(
            "/politique/employeur", data=dict(EMPLOYER, version=str(version))
        ).status_code
        == 403
    )
    with app.app_context():
        assert db.session.scalar(select(Employer.name)) == "Société Exemple SAS"


# --------------------------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------------------------


def count_categories(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Category.id)))


def test_admin_adds_and_renames_category(app, admin_client):
    response = admin_client.post("/politique/categories", data={"code": "CADRE", "label": "Cadres"})
    assert response.status_code == 302
    with app.app_context():
        category = db.session.scalar(select(Category).where(Category.code == "CADRE"))
        category_id, version = category.id, category.version
    page = admin_client.get(f"/politique/categories/{category_id}/modifier")
    assert page.status_code == 200
    response = admin_client.post(
        f"/politique/categories/{category_id}/modifier",
        data={"label": "Cadres et assimilés", "version": str(version)},
    )
    assert response.status_code == 302
    assert "Cadres et assimilés" in page_text(admin_client.get("/politique/categories"))
    stale = admin_client.post(
        f"/politique/categories/{category_id}/modifier",
        data={"label": "Autre", "version": str(version)},
    )
    assert stale.status_code == 409
    with app.app_context():
        category = db.session.get(Category, category_id)
        assert (category.code, category.label) == ("CADRE", "Cadres et assimilés")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "", "label": "Sans code"}, "Indiquez le code"),
        ({"code": "a b", "label": "Espace"}, "Lettres, chiffres"),
        ({"code": "X" * 21, "label": "Long"}, "20 caractères au plus."),
        ({"code": "B", "label": "Doublon"}, "déjà utilisé"),
        ({"code": "Z", "label": ""}, "Indiquez le libellé"),
        ({"code": "Z", "label": "<b>\x00</b>"}, "Caractères de contrôle"),
    ],
)
def test_bad_category_input_changes_nothing(app, admin_client, data, message):
    with app.app_context():
        make_category("B")
    before = count_categories(app)
    response = admin_client.post("/politique/categories", data=data)
    assert response.status_code == 422
    assert message in page_text(response)
    assert count_categories(app) == before


def test_hr_cannot_add_or_rename_categories(app, hr_client):
    with app.app_context():
        category = make_category("B")
        category_id, version = category.id, category.version
    assert "Renommer" not in page_text(hr_client.get("/politique/categories"))
    assert (
        hr_client.post("/politique/categories", data={"code": "Z", "label": "Z"}).status_code == 403
    )
    assert (
        hr_client.post(
            f"/politique/categories/{category_id}/modifier",
            data={"label": "X", "version": str(version)},
        ).status_code
        == 403
    )
    assert count_categories(app) == 1
    assert hr_client.get("/politique/categories/999999/modifier").status_code == 404
