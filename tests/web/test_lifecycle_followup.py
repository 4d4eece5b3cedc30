"""Follow-up screens: annual interviews, attestations, equipment, priority return and the
« avenant modificatif »; each with valid data and with bad input that changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hrtele import clock as hrtele_clock
from hrtele.extensions import db
from hrtele.lifecycle import services as lifecycle_services
from hrtele.models import (
    Agreement,
    AgreementEvent,
    AnnualInterview,
    AuditEntry,
    EquipmentItem,
    PriorityInformation,
)
from tests.factories import (
    make_agreement,
    make_category,
    make_employee,
    make_post,
    page_text,
    slots_to_pattern,
)
from tests.web.test_lifecycle import Clock, digest_of


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Today for the lifecycle: 15/11/2026 unless moved."""
    holder = Clock(date(2026, 11, 15))
    monkeypatch.setattr(hrtele_clock, "_today_provider", lambda: holder.today)
    return holder


def active_agreement(app, **kw) -> int:
    """An agreement in force since 01/10/2026 (adaptation until 31/12/2026)."""
    with app.app_context():
        kw.setdefault("status", "adaptation")
        kw.setdefault("annual_interview_due_date", date(2027, 10, 1))
        return make_agreement(**kw).id


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def version_of(app, model, object_id: int) -> int:
    with app.app_context():
        return db.session.get(model, object_id).version


# --- Annual interview ---------------------------------------------------------------------

INTERVIEW = {
    "held_date": "10/11/2026",
    "conditions": "Bureau installé, connexion stable.",
    "workload": "Charge conforme ; pas de dépassement des plages.",
    "remarks": "",
    "next_date": "",
}


def test_record_and_correct_an_interview(app, hr_client, clock):
    agreement_id = active_agreement(app)
    response = hr_client.post(f"/suivi/accords/{agreement_id}/entretiens/nouveau", data=INTERVIEW)
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        interview = db.session.scalar(select(AnnualInterview))
        assert interview.next_date == date(2027, 11, 10)  # one year later by default
        assert interview.recorded_by_id is not None
        assert db.session.get(Agreement, agreement_id).annual_interview_due_date == date(2027, 11, 10)
        interview_id, version = interview.id, interview.version
        snapshot = lifecycle_services.interview_snapshot_data(interview)
    assert snapshot["held_date"] == "2026-11-10"
    assert snapshot["next_date"] == "2027-11-10"
    assert snapshot["employee"]["full_name"].startswith("Camille ")
    assert all(isinstance(v, (str, int, type(None), dict)) for v in snapshot.values())
    page = page_text(hr_client.get(f"/suivi/entretiens/{interview_id}"))
    assert "Bureau installé, connexion stable." in page and "10/11/2027" in page

    response = hr_client.post(f"/suivi/entretiens/{interview_id}/modifier",
                              data={**INTERVIEW, "next_date": "01/06/2027", "version": str(version)})
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).annual_interview_due_date == date(2027, 6, 1)
    stale = hr_client.post(f"/suivi/entretiens/{interview_id}/modifier",
                           data={**INTERVIEW, "workload": "Autre", "version": str(version)})
    assert stale.status_code == 409
    with app.app_context():
        assert db.session.get(AnnualInterview, interview_id).workload == INTERVIEW["workload"]


INTERVIEW_BAD_INPUT = [
    ("held_date", "", "Indiquez la date de l'entretien"),
    ("held_date", "31/02/2026", "Date impossible"),
    ("held_date", "16/11/2026", "avant d'avoir eu lieu"),
    ("held_date", "01/09/2026", "ne peut pas précéder le début du télétravail"),
    ("conditions", "   ", "conditions d'activité"),
    ("workload", "", "charge de travail"),
    ("workload", "x" * 8001, "8000 caractères au plus"),
    ("remarks", "a\x01b", "Caractères de contrôle"),
    ("next_date", "01/11/2026", "postérieur à celui-ci"),
    ("next_date", "02/10/2028", "au plus tard le 01/10/2028"),
    ("next_date", "01/13/2027", "Date impossible"),
]


def test_interview_bad_input_changes_nothing(app, hr_client, clock):
    agreement_id = active_agreement(app)
    version = version_of(app, Agreement, agreement_id)
    for field, value, message in INTERVIEW_BAD_INPUT:
        response = hr_client.post(f"/suivi/accords/{agreement_id}/entretiens/nouveau",
                                  data={**INTERVIEW, field: value})
        assert response.status_code == 422, (field, value)
        assert message in page_text(response), (field, value)
    assert count(app, AnnualInterview) == 0
    assert version_of(app, Agreement, agreement_id) == version


def test_interview_refused_when_telework_is_not_running(app, hr_client, clock):
    agreement_id = active_agreement(app, status="draft")
    response = hr_client.post(f"/suivi/accords/{agreement_id}/entretiens/nouveau", data=INTERVIEW)
    assert response.status_code == 422
    assert "télétravail en cours" in page_text(response)
    assert count(app, AnnualInterview) == 0


# --- Attestations ---------------------------------------------------------------------------

ATTESTATIONS = {
    "insurance_received_date": "05/11/2026",
    "insurance_insurer": "Mutuelle <b>Exemple</b>",
    "insurance_expiry_date": "31/12/2027",
    "electrical_statement_date": "05/11/2026",
}


def test_record_attestations(app, hr_client, clock):
    agreement_id = active_agreement(app, status="signed", insurance_received_date=None,
                                    electrical_statement_date=None)
    version = version_of(app, Agreement, agreement_id)
    response = hr_client.post(f"/suivi/accords/{agreement_id}/attestations",
                              data={**ATTESTATIONS, "version": str(version)})
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.insurance_expiry_date == date(2027, 12, 31)
        assert agreement.insurance_insurer == "Mutuelle <b>Exemple</b>"
    html = hr_client.get(f"/suivi/accords/{agreement_id}").get_data(as_text=True)
    assert "Mutuelle &lt;b&gt;Exemple&lt;/b&gt;" in html


ATTESTATION_BAD_INPUT = [
    ("insurance_received_date", "16/11/2026", "date future"),
    ("insurance_received_date", "29/02/2026", "Date impossible"),
    ("insurance_insurer", "", "Indiquez l'assureur"),
    ("insurance_insurer", "A" * 201, "200 caractères au plus"),
    ("insurance_expiry_date", "", "fin de validité"),
    ("insurance_expiry_date", "01/11/2026", "doit être postérieure à la réception"),
    ("electrical_statement_date", "01/01/2030", "date future"),
]


def test_attestations_bad_input_changes_nothing(app, hr_client, clock):
    agreement_id = active_agreement(app, insurance_received_date=None, insurance_insurer="")
    version = version_of(app, Agreement, agreement_id)
    for field, value, message in ATTESTATION_BAD_INPUT:
        response = hr_client.post(f"/suivi/accords/{agreement_id}/attestations",
                                  data={**ATTESTATIONS, field: value, "version": str(version)})
        assert response.status_code == 422, (field, value)
        assert message in page_text(response), (field, value)
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.version == version
        assert agreement.insurance_received_date is None


def test_attestations_stale_version_is_409(app, hr_client, clock):
    agreement_id = active_agreement(app)
    version = version_of(app, Agreement, agreement_id)
    response = hr_client.post(f"/suivi/accords/{agreement_id}/attestations",
                              data={**ATTESTATIONS, "version": str(version + 1)})
    assert response.status_code == 409
    assert version_of(app, Agreement, agreement_id) == version


# --- Equipment --------------------------------------------------------------------------------


def test_lend_and_return_equipment(app, hr_client, clock):
    agreement_id = active_agreement(app)
    response = hr_client.post(f"/suivi/accords/{agreement_id}/equipements/nouveau", data={
        "item_type": "Ordinateur portable", "serial_number": "SN-123", "issued_date": "01/10/2026"})
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        item = db.session.scalar(select(EquipmentItem))
        item_id, version = item.id, item.version
    assert "non restitué" in page_text(hr_client.get(f"/suivi/accords/{agreement_id}"))
    bad = hr_client.post(f"/suivi/equipements/{item_id}/restitution", data={
        "version": str(version), "returned_date": "30/09/2026", "return_condition": "Bon état"})
    assert bad.status_code == 422
    assert "ne peut pas précéder la remise" in page_text(bad)
    response = hr_client.post(f"/suivi/equipements/{item_id}/restitution", data={
        "version": str(version), "returned_date": "14/11/2026", "return_condition": "Bon état"})
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(EquipmentItem, item_id)
        assert (item.returned_date, item.return_condition) == (date(2026, 11, 14), "Bon état")
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.object_type == "equipment_items")) == 2
    twice = hr_client.post(f"/suivi/equipements/{item_id}/restitution", data={
        "version": str(version + 1), "returned_date": "15/11/2026", "return_condition": "Usé"})
    assert twice.status_code == 422
    assert "déjà été restitué le 14/11/2026" in page_text(twice)


EQUIPMENT_BAD_INPUT = [
    ({"item_type": "", "issued_date": "01/10/2026"}, "Indiquez le type d'équipement"),
    ({"item_type": "Écran", "issued_date": ""}, "Indiquez la date de remise"),
    ({"item_type": "Écran", "issued_date": "16/11/2026"}, "dans le futur"),
    ({"item_type": "É\x07cran", "issued_date": "01/10/2026"}, "Caractères de contrôle"),
    ({"item_type": "X" * 101, "issued_date": "01/10/2026"}, "100 caractères au plus"),
]


def test_equipment_bad_input_changes_nothing(app, hr_client, clock):
    agreement_id = active_agreement(app)
    for data, message in EQUIPMENT_BAD_INPUT:
        response = hr_client.post(f"/suivi/accords/{agreement_id}/equipements/nouveau", data=data)
        assert response.status_code == 422, data
        assert message in page_text(response), data
    assert count(app, EquipmentItem) == 0


def test_equipment_return_bad_input_changes_nothing(app, hr_client, clock):
    agreement_id = active_agreement(app)
    with app.app_context():
        item = EquipmentItem(agreement_id=agreement_id, item_type="Casque", issued_date=date(2026, 10, 1))
        db.session.add(item)
        db.session.commit()
        item_id, version = item.id, item.version
    for data, message in (
        ({"returned_date": "", "return_condition": "Bon état"}, "Indiquez la date de restitution"),
        ({"returned_date": "16/11/2026", "return_condition": "Bon état"}, "dans le futur"),
        ({"returned_date": "14/11/2026", "return_condition": ""}, "Indiquez l'état"),
    ):
        response = hr_client.post(f"/suivi/equipements/{item_id}/restitution",
                                  data={**data, "version": str(version)})
        assert response.status_code == 422
        assert message in page_text(response)
    with app.app_context():
        item = db.session.get(EquipmentItem, item_id)
        assert item.returned_date is None and item.version == version


# --- Priority return ----------------------------------------------------------------------------


def priority_setup(app) -> tuple[int, int, int]:
    """A vacant non-telework post in category B and an employee of category B whose telework ended."""
    with app.app_context():
        category = make_category("B")
        post = make_post(is_eligible=False, is_vacant=True, eligibility_reason="Accueil du public",
                         title="Agent d'accueil", category_id=category.id)
        other_category = make_category("A")
        make_post(is_eligible=False, is_vacant=True, eligibility_reason="Terrain",
                  title="Contrôleur", category_id=other_category.id)
        agreement = make_agreement(status="ended", ended_date=date(2026, 11, 1))
        return post.id, agreement.employee_id, agreement.id


def test_priority_page_lists_matching_employees_and_records_information(app, hr_client, clock):
    post_id, employee_id, agreement_id = priority_setup(app)
    page = page_text(hr_client.get("/suivi/priorite"))
    assert "Agent d'accueil" in page and "Contrôleur" in page
    assert page.count("à informer") == 1  # only the matching category
    response = hr_client.post(f"/suivi/priorite/{post_id}/salaries/{employee_id}/informe",
                              data={"informed_date": "14/11/2026"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(PriorityInformation))
        assert (row.post_id, row.employee_id, row.informed_date) == (post_id, employee_id, date(2026, 11, 14))
        assert row.actor_id is not None
    assert "informé le 14/11/2026" in page_text(hr_client.get("/suivi/priorite"))
    # From the agreement panel (back to the agreement page), with today's date.
    panel = page_text(hr_client.get(f"/suivi/accords/{agreement_id}"))
    assert "Agent d'accueil" in panel and "informé le 14/11/2026" in panel
    response = hr_client.post(f"/suivi/priorite/{post_id}/salaries/{employee_id}/informe",
                              data={"back": str(agreement_id)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(str(agreement_id))
    assert count(app, PriorityInformation) == 2


PRIORITY_BAD_INPUT = [
    ({"informed_date": "16/11/2026"}, "ne peut pas être datée du futur"),
    ({"informed_date": "31/04/2026"}, "Date impossible"),
    ({"informed_date": "hier"}, "Date invalide"),
]


def test_priority_bad_input_changes_nothing(app, hr_client, clock):
    post_id, employee_id, _ = priority_setup(app)
    for data, message in PRIORITY_BAD_INPUT:
        response = hr_client.post(f"/suivi/priorite/{post_id}/salaries/{employee_id}/informe",
                                  data=data)
        assert response.status_code == 422, data
        assert message in page_text(response), data
    assert count(app, PriorityInformation) == 0


def test_priority_refused_for_someone_without_priority_or_twice_the_same_day(app, hr_client, clock):
    post_id, employee_id, _ = priority_setup(app)
    with app.app_context():
        stranger = make_employee().id
    response = hr_client.post(f"/suivi/priorite/{post_id}/salaries/{stranger}/informe", data={})
    assert response.status_code == 422
    assert "n'a pas de priorité de retour" in page_text(response)
    assert hr_client.post(f"/suivi/priorite/{post_id}/salaries/{employee_id}/informe",
                          data={}).status_code == 302
    again = hr_client.post(f"/suivi/priorite/{post_id}/salaries/{employee_id}/informe", data={})
    assert again.status_code == 422
    assert "déjà enregistrée" in page_text(again)
    assert count(app, PriorityInformation) == 1
    assert hr_client.post(f"/suivi/priorite/999999/salaries/{employee_id}/informe",
                          data={}).status_code == 404


def test_employee_back_on_telework_loses_priority(app, hr_client, clock):
    _, employee_id, _ = priority_setup(app)
    with app.app_context():
        make_agreement(employee_id=employee_id, status="active")
    assert "à informer" not in page_text(hr_client.get("/suivi/priorite"))


# --- Avenant modificatif ------------------------------------------------------------------------


def amend_data(app, agreement_id: int, **overrides) -> dict:
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        data = {
            "version": str(agreement.version), "effective_date": "01/12/2026",
            "days_per_week": "1", "mon_am": "y", "mon_pm": "y",
            "place_id": str(agreement.place_id), "second_place_id": "0",
            "allowance_scheme": "per_weekly_day", "allowance_amount": "10,00",
            "allowance_monthly_cap": "", "reason": "",
        }
    data.update(overrides)
    return slots_to_pattern(data)


def test_amendment_records_event_and_flags_new_version(app, hr_client, clock):
    clock.set(date(2026, 10, 20))  # no back-dating warning yet
    agreement_id = active_agreement(app)
    response = hr_client.post(f"/suivi/accords/{agreement_id}/avenant-modificatif",
                              data=amend_data(app, agreement_id))
    if response.status_code == 422:  # warnings to confirm
        response = hr_client.post(
            f"/suivi/accords/{agreement_id}/avenant-modificatif",
            data={**amend_data(app, agreement_id), "confirm_warnings": "y",
                  "warnings_digest": digest_of(response)})
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.days_per_week == Decimal("1.0") and agreement.has_pending_amendment
        event = db.session.scalar(select(AgreementEvent).where(AgreementEvent.event == "amend"))
        assert event.event_date == date(2026, 12, 1)
        assert event.from_state == event.to_state == "adaptation"
        assert "jours par semaine : 2 → 1" in event.note
    panel = page_text(hr_client.get(f"/suivi/accords/{agreement_id}"))
    assert "version 1) est à émettre" in panel


AMENDMENT_BAD_INPUT = [
    ({"effective_date": ""}, "Indiquez la date d'effet"),
    ({"effective_date": "01/09/2026"}, "ne peut pas précéder le début du télétravail"),
    ({"days_per_week": "2", "mon_am": "y", "mon_pm": "y", "wed_am": "y", "wed_pm": "y"},
     "Aucune modification"),
    ({"days_per_week": "4", "tue_am": "y", "tue_pm": "y", "wed_am": "y", "wed_pm": "y",
      "thu_am": "y", "thu_pm": "y"}, "plafonne le télétravail à 2 jours"),
    ({"days_per_week": "1,3"}, "demi-journées"),
    ({"days_per_week": "deux"}, "Nombre invalide"),
    ({"place_id": "0"}, "Choisissez le lieu"),
    ({"allowance_amount": "-5"}, "au moins 0"),
    ({"days_per_week": "1", "mon_am": "y", "mon_pm": "y", "tue_am": "y"}, "représentent 1,5"),
]


def test_amendment_bad_input_changes_nothing(app, hr_client, clock):
    clock.set(date(2026, 10, 20))
    agreement_id = active_agreement(app)
    version = version_of(app, Agreement, agreement_id)
    for overrides, message in AMENDMENT_BAD_INPUT:
        data = amend_data(app, agreement_id)
        if any(k.endswith(("_am", "_pm")) for k in overrides):
            data.pop("weekly_pattern")
        data = slots_to_pattern({**data, **overrides})
        response = hr_client.post(f"/suivi/accords/{agreement_id}/avenant-modificatif", data=data)
        assert response.status_code == 422, overrides
        assert message in page_text(response), overrides
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.version == version and not agreement.has_pending_amendment
        assert db.session.scalar(select(func.count(AgreementEvent.id))) == 0


def test_amendment_refused_outside_adaptation_and_active(app, hr_client, clock):
    agreement_id = active_agreement(app, status="signed")
    page = page_text(hr_client.get(f"/suivi/accords/{agreement_id}/avenant-modificatif"))
    assert "le télétravail doit d'abord démarrer" in page
    response = hr_client.post(f"/suivi/accords/{agreement_id}/avenant-modificatif",
                              data=amend_data(app, agreement_id))
    assert response.status_code == 422
    assert "le télétravail doit d'abord démarrer" in page_text(response)


def test_amendment_stale_version_is_409(app, hr_client, clock):
    clock.set(date(2026, 10, 20))
    agreement_id = active_agreement(app)
    data = amend_data(app, agreement_id)
    data["version"] = str(int(data["version"]) + 3)
    assert hr_client.post(f"/suivi/accords/{agreement_id}/avenant-modificatif",
                          data=data).status_code == 409
