"""« À faire » page: every kind of item appears, links to where it is acted on, paginates,
and its queries do not grow with the number of rows (no N+1)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from hrtele import clock as hrtele_clock
from hrtele.extensions import db
from hrtele.models import AgreementEvent, EquipmentItem
from tests.factories import (
    make_agreement,
    make_employee,
    make_post,
    make_request,
    page_text,
)

TODAY = date(2027, 1, 10)
FAR = date(2027, 12, 1)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    """The lifecycle's today is 10/01/2027 in these tests."""
    monkeypatch.setattr(hrtele_clock, "_today_provider", lambda: TODAY)


def _agreement(last_name: str, **kw):
    kw.setdefault("annual_interview_due_date", FAR)
    employee = make_employee(last_name=last_name)
    return make_agreement(employee_id=employee.id, **kw)


def todo_data() -> dict[str, int]:
    """One item of every kind; returns the ids the assertions need."""
    ids: dict[str, int] = {}
    ids["request"] = make_request(employee_id=make_employee(last_name="Attente").id,
                                  request_date=date(2026, 11, 1)).id
    ids["draft"] = _agreement("Brouillon", status="draft").id
    ids["amended"] = _agreement("Modifie", status="active", has_pending_amendment=True,
                                amendment_version=1).id
    issued = _agreement("Emis", status="issued")
    db.session.add(AgreementEvent(agreement_id=issued.id, event="issue", from_state="draft",
                                  to_state="issued", event_date=date(2026, 12, 20)))
    db.session.commit()
    ids["issued"] = issued.id
    ids["adaptation"] = _agreement("Adaptation", status="adaptation",
                                   adaptation_end_date=date(2027, 1, 31)).id
    ids["interview"] = _agreement("Entretien", status="active",
                                  annual_interview_due_date=date(2027, 1, 1)).id
    ids["attestation"] = _agreement("Assurance", status="signed", insurance_received_date=None).id
    ids["ending"] = _agreement("Preavis", status="ending", ending_notification_date=date(2027, 1, 2),
                               ending_notice_days=30, ending_effective_date=date(2027, 2, 1)).id
    ended = _agreement("Materiel", status="ended", ended_date=date(2027, 1, 5))
    item = EquipmentItem(agreement_id=ended.id, item_type="Écran 24 pouces", serial_number="EC-9",
                         issued_date=date(2026, 10, 1))
    db.session.add(item)
    db.session.commit()
    ids["equipment"] = item.id
    ids["term"] = _agreement("Echeance", status="active", end_date=date(2027, 1, 31)).id
    ids["suspended"] = _agreement("Suspendu", status="suspended", suspension_reason="Crue",
                                  suspension_start_date=date(2026, 12, 1),
                                  suspension_end_date=date(2027, 1, 5)).id
    ids["imposed"] = _agreement("Impose", status="imposed", kind="exceptional",
                                suspension_reason="Épidémie", suspension_start_date=date(2026, 12, 1),
                                suspension_end_date=date(2027, 1, 8), request_id=None).id
    ids["vacant"] = make_post(is_eligible=False, is_vacant=True, title="Agent d'accueil",
                              eligibility_reason="Accueil du public").id
    return ids


EXPECTED = {
    "Demandes en attente de décision": "en attente de décision depuis 70 jours",
    "Avenants à émettre": "avenant à émettre",
    "Avenants émis non signés": "Avenant émis le 20/12/2026, non signé depuis 21 jours",
    "Périodes d'adaptation se terminant": "Période d'adaptation jusqu'au 31/01/2027",
    "Entretiens annuels dus ou en retard": "Entretien annuel en retard : dû le 01/01/2027",
    "Attestations manquantes ou expirant": "Attestation d'assurance habitation manquante",
    "Préavis en cours": "fin effective le 01/02/2027",
    "Équipements à récupérer": "Écran 24 pouces (n° EC-9)",
    "Accords à durée déterminée arrivant à échéance": "échéance le 31/01/2027",
    "Circonstances exceptionnelles à réexaminer": "Télétravail imposé prévu jusqu'au 08/01/2027",
    "Priorité de retour : salariés à informer": "Agent d'accueil",
}


def test_every_kind_of_item_is_listed_with_a_link(app, hr_client):
    with app.app_context():
        ids = todo_data()
    response = hr_client.get("/a-faire/")
    assert response.status_code == 200
    text = page_text(response)
    for title, line in EXPECTED.items():
        assert title in text, title
        assert line in text, line
    html = response.get_data(as_text=True)
    assert "Avenant modificatif ou de renouvellement : version 2" in text
    assert "Suspension prévue jusqu'au 05/01/2027" in text
    assert f"/demandes/{ids['request']}" in html
    assert f"/accords/{ids['issued']}" in html
    assert f"/suivi/accords/{ids['attestation']}/attestations" in html
    assert f"/suivi/equipements/{ids['equipment']}/restitution" in html
    assert "/suivi/priorite" in html
    assert "urgent" in text


def test_empty_database_has_nothing_to_do(app, hr_client):
    text = page_text(hr_client.get("/a-faire/"))
    assert "Rien à traiter" in text


def test_detail_pages(app, hr_client):
    from hrtele.todo.services import KINDS

    with app.app_context():
        todo_data()
    for kind in KINDS:
        response = hr_client.get(f"/a-faire/{kind.key}")
        assert response.status_code == 200, kind.key
        text = page_text(response)
        assert kind.title in text and "Page 1 sur 1" in text, kind.key
        assert "Rien à traiter" not in text, kind.key


def test_unknown_section_is_404(hr_client):
    assert hr_client.get("/a-faire/inconnu").status_code == 404


class TestPagination:
    @pytest.fixture
    def app_config(self):
        return {"PAGE_SIZE": 3}

    def test_detail_paginates_in_sql(self, app, hr_client):
        with app.app_context():
            for i in range(7):
                make_request(employee_id=make_employee(last_name=f"Demandeur{i}").id,
                             request_date=date(2026, 12, 1 + i))
        first = page_text(hr_client.get("/a-faire/demandes"))
        assert "Page 1 sur 3" in first and "7 résultats" in first
        assert "DEMANDEUR0" in first and "DEMANDEUR3" not in first
        last = page_text(hr_client.get("/a-faire/demandes?page=3"))
        assert "DEMANDEUR6" in last
        assert "Page 3 sur 3" in page_text(hr_client.get("/a-faire/demandes?page=999"))
        assert hr_client.get("/a-faire/demandes?page=abc").status_code == 200


def _statements(app, client, path: str) -> int:
    count = 0

    def before(*_args, **_kwargs):
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return count


def test_queries_do_not_grow_with_rows(app, hr_client):
    with app.app_context():
        todo_data()
    few = _statements(app, hr_client, "/a-faire/")
    with app.app_context():
        todo_data()
        todo_data()
    many = _statements(app, hr_client, "/a-faire/")
    assert many == few
