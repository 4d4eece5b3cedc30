"""Refusal-reason catalogue: HR adds, renames, deactivates; a used reason is never deleted."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import AuditEntry, RefusalReason
from tests.factories import make_request, page_text


def reasons(app) -> list[tuple[str, bool]]:
    with app.app_context():
        return [(r.label, r.is_active) for r in db.session.scalars(
            select(RefusalReason).order_by(RefusalReason.position, RefusalReason.id))]


def reason(app, label: str) -> RefusalReason:
    with app.app_context():
        found = db.session.scalar(select(RefusalReason).where(RefusalReason.label == label))
        db.session.expunge(found)
        return found


def test_catalogue_is_seeded_and_listed(app, hr_client):
    assert reasons(app) == [("Poste non éligible au télétravail", True),
                            ("Ancienneté insuffisante", True),
                            ("Organisation du service", True),
                            ("Temps de travail", True), ("Autre motif", True)]
    page = page_text(hr_client.get("/motifs-de-refus/"))
    assert "Organisation du service" in page and "Ajouter un motif" in page


def test_add_rename_deactivate_reactivate(app, hr_client):
    response = hr_client.post("/motifs-de-refus/", data={"label": "  Activité  sur site  "})
    assert response.status_code == 302
    added = reason(app, "Activité sur site")
    assert added.is_active
    response = hr_client.post(f"/motifs-de-refus/{added.id}/modifier",
                              data={"label": "Activité exigeant la présence",
                                    "version": str(added.version)})
    assert response.status_code == 302
    renamed = reason(app, "Activité exigeant la présence")
    response = hr_client.post(f"/motifs-de-refus/{renamed.id}/desactiver",
                              data={"version": str(renamed.version)})
    assert response.status_code == 302
    assert ("Activité exigeant la présence", False) in reasons(app)
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.object_type == "refusal_reasons")) == 3
    renamed = reason(app, "Activité exigeant la présence")
    response = hr_client.post(f"/motifs-de-refus/{renamed.id}/reactiver",
                              data={"version": str(renamed.version)})
    assert response.status_code == 302
    assert ("Activité exigeant la présence", True) in reasons(app)


@pytest.mark.parametrize(("label", "message"), [
    ("", "Indiquez le libellé du motif"),
    ("   ", "Indiquez le libellé du motif"),
    ("x" * 121, "120 caractères au plus"),
    ("autre motif", "Un motif porte déjà ce libellé"),
    ("bad\x07label", ""),
])
def test_bad_labels_are_422_and_change_nothing(app, hr_client, label, message):
    before = reasons(app)
    response = hr_client.post("/motifs-de-refus/", data={"label": label})
    assert response.status_code == 422
    assert message in page_text(response)
    assert reasons(app) == before


def test_rename_to_an_existing_label_is_422(app, hr_client):
    seniority = reason(app, "Ancienneté insuffisante")
    response = hr_client.post(f"/motifs-de-refus/{seniority.id}/modifier",
                              data={"label": "Temps de travail",
                                    "version": str(seniority.version)})
    assert response.status_code == 422
    assert "Un motif porte déjà ce libellé" in page_text(response)


def test_used_reason_cannot_be_deleted_only_deactivated(app, hr_client):
    seniority = reason(app, "Ancienneté insuffisante")
    with app.app_context():
        make_request(status="refused", refusal_reason_id=seniority.id,
                     decision_date=date(2026, 9, 10))
    page = page_text(hr_client.get("/motifs-de-refus/"))
    assert "Supprimer Ancienneté insuffisante" not in page
    response = hr_client.post(f"/motifs-de-refus/{seniority.id}/supprimer",
                              data={"version": str(seniority.version)})
    assert response.status_code == 422
    assert "désactivez-le plutôt" in page_text(response)
    assert ("Ancienneté insuffisante", True) in reasons(app)
    unused = reason(app, "Temps de travail")
    response = hr_client.post(f"/motifs-de-refus/{unused.id}/supprimer",
                              data={"version": str(unused.version)})
    assert response.status_code == 302
    assert "Temps de travail" not in [label for label, _ in reasons(app)]


def test_deactivated_reason_is_no_longer_offered(app, hr_client):
    seniority = reason(app, "Ancienneté insuffisante")
    hr_client.post(f"/motifs-de-refus/{seniority.id}/desactiver",
                   data={"version": str(seniority.version)})
    with app.app_context():
        req = make_request()
        req_id, version = req.id, req.version
    page = hr_client.get(f"/demandes/{req_id}").get_data(as_text=True)
    assert "Ancienneté insuffisante" not in page and "Organisation du service" in page
    response = hr_client.post(f"/demandes/{req_id}/refuser", data={
        "refuse-version": str(version), "refuse-decision_date": date.today().strftime("%d/%m/%Y"),
        "refuse-reason_id": str(seniority.id), "refuse-refusal_reason": ""})
    assert response.status_code == 422
    assert "Choisissez un motif proposé dans la liste" in page_text(response)


def test_stale_version_and_missing_version(app, hr_client):
    seniority = reason(app, "Ancienneté insuffisante")
    response = hr_client.post(f"/motifs-de-refus/{seniority.id}/desactiver",
                              data={"version": str(seniority.version + 5)})
    assert response.status_code == 409
    response = hr_client.post(f"/motifs-de-refus/{seniority.id}/desactiver", data={})
    assert response.status_code == 409  # no version: treated as a stale form, nothing saved
    assert ("Ancienneté insuffisante", True) in reasons(app)
    assert hr_client.post("/motifs-de-refus/999999/desactiver",
                          data={"version": "1"}).status_code == 404


def test_employee_is_refused(app, client):
    from tests.conftest import login
    from tests.factories import make_employee, make_user

    with app.app_context():
        make_user(email="salarie@example.test", role="employee", employee_id=make_employee().id)
    login(client, "salarie@example.test")
    assert client.get("/motifs-de-refus/").status_code in (403, 404)
    assert client.post("/motifs-de-refus/", data={"label": "X"}).status_code in (403, 404)
