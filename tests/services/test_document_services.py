"""Issuing documents from the models, on SQLite and PostgreSQL: real PDFs read back with pypdf."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdf
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from hrtele.documents import builders, render, services
from hrtele.documents.render import DOCUMENT_KINDS, TEMPLATE_VERSION, date_fr
from hrtele.documents.snapshots import snapshot_from_json, snapshot_json
from hrtele.domain_adapters import RuleViolations
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import (
    AgreementEvent,
    AuditEntry,
    EquipmentItem,
    IssuedDocument,
    SignedScan,
)
from tests.documents.model_samples import (
    TODAY,
    VARIANTS,
    agreement_variant,
    employee_with_post,
    memoise_renders,
    missing_from,
    pdf_text,
    vacant_post,
)
from tests.documents.test_render import AMENDMENT_ARTICLES, LEGAL_REFERENCES, amendment_values
from tests.factories import make_category, make_post, make_request, make_user, plain_pdf


@pytest.fixture(autouse=True)
def _memoised_renders(monkeypatch):
    """Identical snapshots are rendered once per test process (renders are deterministic)."""
    memoise_renders(monkeypatch)


@pytest.fixture
def hr(db_session):
    """The HR user who issues the documents."""
    return make_user(email="rh.docs@example.test", role="hr", display_name="Rose Hérault")


def _count(kind: str | None = None) -> int:
    stmt = select(func.count()).select_from(IssuedDocument)
    if kind:
        stmt = stmt.where(IssuedDocument.kind == kind)
    return db.session.scalar(stmt)


def _issue(agreement, hr, today=TODAY) -> IssuedDocument:
    document = services.issue_amendment(agreement, hr, today)
    db.session.commit()
    return document


# --------------------------------------------------------------------------- amendment content


@pytest.mark.parametrize("variant", VARIANTS)
def test_amendment_from_models_prints_every_clause_and_value(db_session, hr, variant):
    agreement = agreement_variant(variant)
    document = _issue(agreement, hr)
    text_ = pdf_text(document.pdf_bytes)
    snapshot = snapshot_from_json(document.snapshot_json)

    assert not missing_from(text_, "Avenant au contrat de travail relatif au télétravail")
    assert not missing_from(text_, *AMENDMENT_ARTICLES)
    assert not missing_from(text_, *LEGAL_REFERENCES)
    assert not missing_from(text_, *[v for v in amendment_values(snapshot) if v])
    # Values taken from the rows themselves, as the builder must print them.
    employee = agreement.employee
    expected = [
        f"AV-2026-{agreement.id:05d}-v1",
        "version 1",
        "Société Exemple SAS",
        "SIRET 123 456 789 00011",
        "représentée par Claire Martin, en qualité de Directrice des ressources humaines",
        "Madame Claire DELMAS",
        "demeurant 7 rue du Château-du-Roi, 09000 Foix",
        f"matricule {employee.personnel_number}",
        "au service de l'employeur depuis le 02/09/2019",
        f"occupant le poste de Chargée d'études (code {employee.post.code})",
        "service Études et méthodes",
        "classification Techniciens et agents de maîtrise",
        "100 % (temps plein)",
        "établissement de rattachement : Siège, 1 rue de la Paix, 09000 Foix",
        "le contrat de travail conclu le 20/08/2019",
        "demande formulée par le salarié le 01/09/2026, acceptée par l'employeur le 10/09/2026",
        "Motif exprimé : Réduire les trajets.",
        "est identifié comme télétravaillable : rédaction et analyse réalisables à distance.",
        "Activités exercées en télétravail : rédaction des notes d'études, analyse des données.",
        "Le présent avenant prend effet le 01/10/2026.",
        "Une période d'adaptation de 3 mois, qui s'achève le 31/12/2026",
        "délai de prévenance de 15 jours",
        "délai de prévenance de 30 jours",
        "9 h 30 – 12 h 00 et 14 h 00 – 16 h 30",
        "Auto-déclaration hebdomadaire validée par le responsable.",
        "Ordinateur portable, casque",
        "Charte informatique v3 (2024)",
        "Le premier entretien est fixé au 01/10/2027.",
        "Fait à Foix, le 20 novembre 2026",
        "Lu et approuvé",
    ]
    spec = VARIANTS[variant]
    expected += {
        "full_days-per_weekly_day": [
            "2 jours par semaine",
            "lundi (journée entière) ; jeudi (journée entière).",
            "Le télétravail s'exerce par journées entières.",
            "domicile du salarié, 7 rue du Château-du-Roi, 09000 Foix",
            "allocation forfaitaire de télétravail d'un montant de 10,00 € par mois et par jour "
            "de télétravail hebdomadaire, dans la limite de 20,00 € par mois",
            "au moins 3 jours par semaine",
            "durée indéterminée",
        ],
        "half_days-flat_monthly": [
            "1,5 jour par semaine",
            "mardi (journée entière) ; vendredi (après-midi).",
            "Le télétravail peut être organisé par demi-journées.",
            "allocation forfaitaire mensuelle de télétravail d'un montant de 20,00 € par mois",
            "au moins 3 jours par semaine",
        ],
        "third_place-per_day": [
            "1 jour par semaine",
            "mercredi (journée entière).",
            "dans les lieux suivants",
            "tiers-lieu (télécentre ou espace de travail partagé) : Télécentre de Lavelanet, "
            "2 rue des Pyrénées, 09300 Lavelanet",
            "domicile du salarié, 7 rue du Château-du-Roi, 09000 Foix",
            "allocation forfaitaire journalière de télétravail d'un montant de 2,70 € par jour "
            "de télétravail effectivement accompli, dans la limite de 59,40 € par mois",
            "durée déterminée et prend fin le 30/09/2027",
        ],
        "volume-one_off": [
            "1 jour par semaine, sans jours fixes",
            "indemnité forfaitaire d'installation d'un montant de 100,00 €, versée en une seule fois",
        ],
        "full_days-none": [
            "vendredi (journée entière).",
            "Aucune allocation forfaitaire n'est versée",
        ],
    }[variant]
    missing = missing_from(text_, *expected)
    assert not missing, f"{variant}: absent du PDF : {missing}"
    assert snapshot.allowance.scheme == spec["allowance_scheme"]
    reader = pypdf.PdfReader(io.BytesIO(document.pdf_bytes))
    assert 1 <= len(reader.pages) <= 4


def test_issue_stores_an_immutable_record_with_events_and_audit(db_session, hr):
    agreement = agreement_variant("full_days-per_weekly_day")
    version_before = agreement.version
    document = _issue(agreement, hr)

    assert document.kind == "amendment" and document.version == 1
    assert document.reference == f"AV-2026-{agreement.id:05d}-v1"
    assert document.employee_id == agreement.employee_id
    assert document.agreement_id == agreement.id and document.request_id is None
    assert document.sha256 == hashlib.sha256(document.pdf_bytes).hexdigest()
    assert document.size == len(document.pdf_bytes)
    assert document.template_version == TEMPLATE_VERSION
    assert document.template_version.startswith("pdf-")
    assert document.issued_by_id == hr.id and document.issued_dt is not None
    assert document.is_superseded is False and document.acknowledged_dt is None
    # The stored JSON is the canonical snapshot.
    assert document.snapshot_json == snapshot_json(snapshot_from_json(document.snapshot_json))

    db.session.refresh(agreement)
    assert agreement.status == "issued"
    assert agreement.amendment_version == 1
    assert agreement.version > version_before
    events = db.session.scalars(
        select(AgreementEvent).where(AgreementEvent.agreement_id == agreement.id)
    ).all()
    assert [(e.event, e.from_state, e.to_state) for e in events] == [("issue", "draft", "issued")]
    assert document.reference in events[0].note
    audit = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "issue", AuditEntry.object_type == "issued_documents"
        )
    ).one()
    assert audit.object_id == document.id and audit.actor_id == hr.id
    assert json.loads(audit.changes_json)["sha256"] == document.sha256


def test_embedded_json_equals_stored_snapshot_and_rerender_is_byte_identical(db_session, hr):
    agreement = agreement_variant("half_days-flat_monthly")
    document = _issue(agreement, hr)
    reader = pypdf.PdfReader(io.BytesIO(document.pdf_bytes))
    name = DOCUMENT_KINDS["amendment"].attachment_name
    (embedded,) = reader.attachments[name]
    assert embedded.decode("utf-8") == document.snapshot_json
    # Two fresh renders (the real renderer, not the test cache) of the stored snapshot give
    # exactly the stored bytes.
    stored = snapshot_from_json(document.snapshot_json)
    assert render.render_pdf("amendment", stored) == document.pdf_bytes
    assert render.render_pdf("amendment", stored) == document.pdf_bytes
    assert services.rerender(document) == document.pdf_bytes


def test_reissue_creates_a_new_version_and_supersedes_the_old_one(db_session, hr):
    agreement = agreement_variant("full_days-per_weekly_day")
    first = _issue(agreement, hr)
    first_bytes, first_sha = first.pdf_bytes, first.sha256
    agreement.days_per_week = Decimal("1")
    agreement.weekly_pattern = "11000000000000"
    db.session.commit()
    second = _issue(agreement, hr, date(2026, 11, 25))

    assert (second.version, second.reference) == (2, f"AV-2026-{agreement.id:05d}-v2")
    db.session.expire_all()
    old = db.session.get(IssuedDocument, first.id)
    assert old.is_superseded is True
    assert old.pdf_bytes == first_bytes and old.sha256 == first_sha
    assert db.session.get(IssuedDocument, second.id).is_superseded is False
    assert not missing_from(
        pdf_text(second.pdf_bytes), "1 jour par semaine", "lundi (journée entière)."
    )
    agreement = db.session.get(type(agreement), agreement.id)
    assert agreement.status == "issued" and agreement.amendment_version == 2
    events = [e.event for e in agreement.events]
    assert events == ["issue", "reissue"]

    # Unchanged since version 2: no new version (the amendment is up to date).
    plan = services.amendment_plan(agreement, date(2026, 11, 26))
    assert not plan.allowed and plan.up_to_date and "à jour" in plan.refusal
    with pytest.raises(BusinessRuleError, match="L'avenant est à jour"):
        services.issue_amendment(agreement, hr, date(2026, 11, 26))
    db.session.rollback()

    # Edited after issue, the agreement went back to draft: 'issue' again, version 3.
    agreement = db.session.get(type(agreement), agreement.id)
    agreement.status = "draft"
    agreement.contact_slots = "9 h 30 – 12 h 00 et 14 h 00 – 16 h 00"
    db.session.commit()
    plan = services.amendment_plan(agreement, date(2026, 11, 26))
    assert plan.allowed and plan.supersedes and plan.changes == ("plages de joignabilité",)
    third = _issue(agreement, hr, date(2026, 11, 26))
    assert third.version == 3
    db.session.refresh(agreement)
    assert [(e.event, e.from_state, e.to_state) for e in agreement.events][-1] == (
        "issue",
        "draft",
        "issued",
    )
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(IssuedDocument)
            .where(IssuedDocument.is_superseded.is_(False))
        )
        == 1
    )


def test_amended_running_agreement_issues_version_n_plus_one_and_stays_active(db_session, hr):
    agreement = agreement_variant("full_days-per_weekly_day")
    _issue(agreement, hr)
    agreement.status = "active"
    db.session.commit()
    with pytest.raises(BusinessRuleError, match="avenant modificatif"):
        services.issue_amendment(agreement, hr, TODAY)
    db.session.rollback()

    agreement.has_pending_amendment = True  # what the lifecycle's 'amend' transition sets
    agreement.allowance_amount = Decimal("9.00")
    db.session.commit()
    document = _issue(agreement, hr)
    assert document.version == 2
    db.session.refresh(agreement)
    assert agreement.status == "active"
    assert agreement.amendment_version == 2 and agreement.has_pending_amendment is False
    assert agreement.events[-1].event == "reissue"
    assert (agreement.events[-1].from_state, agreement.events[-1].to_state) == ("active", "active")
    assert not missing_from(pdf_text(document.pdf_bytes), "9,00 €")


def test_blocking_violations_refuse_the_issue_and_store_nothing(db_session, hr):
    agreement = agreement_variant("full_days-per_weekly_day")
    agreement.employee.post.is_eligible = False
    agreement.contact_slots = ""
    db.session.commit()
    with pytest.raises(RuleViolations) as refused:
        services.issue_amendment(agreement, hr, TODAY)
    db.session.rollback()
    fields = {v.field for v in refused.value.violations}
    assert {"post", "contact_slots"} <= fields
    assert all(v.blocking for v in refused.value.violations)
    assert _count() == 0
    db.session.refresh(agreement)
    assert agreement.status == "draft" and agreement.amendment_version == 0
    assert db.session.scalar(select(func.count()).select_from(AgreementEvent)) == 0


@pytest.mark.parametrize("status", ["signed", "ended", "cancelled"])
def test_amendment_refused_outside_issuable_statuses(db_session, hr, status):
    agreement = agreement_variant("full_days-none", status=status)
    with pytest.raises(BusinessRuleError):
        services.issue_amendment(agreement, hr, TODAY)
    db.session.rollback()
    assert _count() == 0


def test_incomplete_employee_record_is_refused_in_french(db_session, hr):
    employee = employee_with_post(home_address="")
    agreement = agreement_variant("full_days-none", employee=employee)
    with pytest.raises(BusinessRuleError, match="adresse du domicile"):
        services.issue_amendment(agreement, hr, TODAY)
    db.session.rollback()
    assert _count() == 0


def test_concurrent_issue_of_the_same_version_creates_no_duplicate(db_session, hr, monkeypatch):
    agreement = agreement_variant("full_days-per_weekly_day")
    _issue(agreement, hr)
    agreement.contact_slots = "9 h 30 – 12 h 00 et 14 h 00 – 16 h 00"  # a new version is due
    # A second request that read the database before the first one committed computes the
    # same next version: the unique constraint refuses it with a French message.
    monkeypatch.setattr(services, "_next_version", lambda employee_id, kind: 1)
    with pytest.raises(BusinessRuleError, match="Aucun doublon"):
        services.issue_amendment(agreement, hr, TODAY)
    db.session.rollback()
    assert _count("amendment") == 1


def test_record_existing_amendment_keeps_the_status(db_session, hr):
    agreement = agreement_variant("third_place-per_day", status="active")
    document = services.record_existing_amendment(agreement, hr, date(2026, 9, 20))
    db.session.commit()
    assert document.reference == f"AV-2026-{agreement.id:05d}-v1"
    assert not missing_from(pdf_text(document.pdf_bytes), "le 20 septembre 2026")
    db.session.refresh(agreement)
    assert agreement.status == "active" and agreement.amendment_version == 1
    assert db.session.scalar(select(func.count()).select_from(AgreementEvent)) == 0


# --------------------------------------------------------------------------- immutability (DB)


FROZEN_STATEMENTS = (
    "UPDATE issued_documents SET pdf_bytes = :blob WHERE id = :id",
    "UPDATE issued_documents SET sha256 = 'x' WHERE id = :id",
    "UPDATE issued_documents SET snapshot_json = '{}' WHERE id = :id",
    "UPDATE issued_documents SET reference = 'AV-FAUX', size = 1 WHERE id = :id",
    "DELETE FROM issued_documents WHERE id = :id",
)


def test_database_keeps_issued_documents_immutable(db_session, hr):
    document = _issue(agreement_variant("full_days-none"), hr)
    doc_id, sha = document.id, document.sha256
    for statement in FROZEN_STATEMENTS:
        # IntegrityError from the triggers; on PostgreSQL the application role is not even
        # allowed to try (permission denied).
        with pytest.raises(DBAPIError):
            db.session.execute(text(statement), {"id": doc_id, "blob": b"%PDF-fake"})
            db.session.flush()
        db.session.rollback()
    stored = db.session.get(IssuedDocument, doc_id)
    assert stored is not None and stored.sha256 == sha
    assert hashlib.sha256(stored.pdf_bytes).hexdigest() == sha

    # The bookkeeping flags stay mutable.
    db.session.execute(
        text(
            "UPDATE issued_documents SET is_superseded = :flag, acknowledged_dt = :when "
            "WHERE id = :id"
        ),
        {"flag": True, "when": datetime(2026, 11, 21, 10, tzinfo=UTC), "id": doc_id},
    )
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(IssuedDocument, doc_id)
    assert stored.is_superseded is True and stored.acknowledged_dt is not None

    # Signed scans are append-only.
    scan = services.attach_scan(stored, "signé.pdf", plain_pdf(), hr, 5_000_000)
    db.session.commit()
    for statement in (
        "UPDATE signed_scans SET filename = 'autre.pdf' WHERE id = :id",
        "DELETE FROM signed_scans WHERE id = :id",
    ):
        with pytest.raises(DBAPIError):
            db.session.execute(text(statement), {"id": scan.id})
            db.session.flush()
        db.session.rollback()
    assert db.session.get(SignedScan, scan.id).filename == "signe.pdf"


# --------------------------------------------------------------------------- notice


def _ending(agreement, **fields):
    values = dict(
        status="ending",
        ending_initiative="employer",
        ending_notification_date=date(2026, 11, 16),
        ending_effective_date=date(2026, 12, 1),
        ending_reason="réorganisation du service autour d'un projet sur site",
        ending_method="hand_delivery",
        ending_phase="adaptation",
        ending_notice_days=15,
        ending_return_arrangements="Bureau 204, horaires de l'équipe Études",
    )
    values.update(fields)
    for key, value in values.items():
        setattr(agreement, key, value)
    db.session.commit()
    return agreement


def test_notice_from_models_prints_every_element(db_session, hr):
    agreement = agreement_variant("full_days-per_weekly_day")
    amendment = _issue(agreement, hr, date(2026, 9, 20))
    category_b = agreement.employee.category_id
    matching = vacant_post(code="LAB-01", category_id=category_b)
    vacant_post(code="LAB-02", category_id=category_b, is_eligible=True)  # teleworkable
    vacant_post(code="LAB-03", category_id=make_category("A").id)  # other category
    make_post(code="LAB-04", is_eligible=False, is_vacant=False, category_id=category_b)
    db.session.add_all(
        [
            EquipmentItem(agreement_id=agreement.id, item_type="Ordinateur portable",
                          serial_number="PC-778", issued_date=date(2026, 10, 1)),
            EquipmentItem(agreement_id=agreement.id, item_type="Casque", serial_number="",
                          issued_date=date(2026, 10, 1), returned_date=date(2026, 11, 2)),
        ]
    )  # fmt: skip
    _ending(agreement)

    document = services.issue_notice(agreement, hr, TODAY)
    db.session.commit()
    assert document.kind == "reversibility_notice" and document.version == 1
    assert document.reference == f"NF-2026-{agreement.id:05d}-1"
    text_ = pdf_text(document.pdf_bytes)
    missing = missing_from(
        text_,
        "Notification de fin de télétravail",
        document.reference,
        "Madame Claire DELMAS",
        amendment.reference,
        "du 20/09/2026",
        "L'employeur notifie au salarié",
        "pendant la période d'adaptation",
        "Date de notification", "16/11/2026",
        "remise en main propre contre décharge",
        "15 jours",
        "Fin du télétravail à l'initiative de l'employeur",
        "Retour dans les locaux", "à compter du 01/12/2026, date de fin du télétravail",
        "Motif : réorganisation du service autour d'un projet sur site",
        "Siège, 1 rue de la Paix, 09000 Foix",
        "M. Julien LACOSTE, Responsable du service Études",
        "Bureau 204, horaires de l'équipe Études.",
        "L. 1222-10, 3°",
        "LAB-01", matching.title,
        "Ordinateur portable (n° de série PC-778)",
        "l'allocation forfaitaire de télétravail cesse d'être due à compter du 01/12/2026",
        "Fait à Foix, le 20 novembre 2026",
    )  # fmt: skip
    assert not missing, f"absent de la notification : {missing}"
    for absent in ("LAB-02", "LAB-03", "LAB-04", "Casque"):
        assert absent not in text_
    snapshot = snapshot_from_json(document.snapshot_json)
    assert snapshot.phase == "adaptation" and snapshot.notice_days == 15
    assert snapshot.requires_countersignature is False
    reader = pypdf.PdfReader(io.BytesIO(document.pdf_bytes))
    (embedded,) = reader.attachments[DOCUMENT_KINDS["reversibility_notice"].attachment_name]
    assert embedded.decode() == document.snapshot_json

    with pytest.raises(BusinessRuleError, match="déjà été émise"):
        services.issue_notice(agreement, hr, TODAY)
    db.session.rollback()
    assert _count("reversibility_notice") == 1


def test_notice_phase_and_resumption_from_dates_when_not_recorded(db_session, hr):
    agreement = agreement_variant("full_days-per_weekly_day")
    _issue(agreement, hr, date(2026, 9, 20))
    # Notified after the adaptation end (31/12/2026); effective on a Saturday.
    _ending(
        agreement,
        ending_phase=None,
        ending_notice_days=None,
        ending_initiative="employee",
        ending_method="lrar",
        ending_notification_date=date(2027, 1, 4),
        ending_effective_date=date(2027, 2, 6),
        is_end_mutual=True,
        ending_reason="",
        ending_return_arrangements="",
    )
    snapshot = builders.build_notice(agreement, number=1, issue_date=date(2027, 1, 4))
    assert snapshot.phase == "after_adaptation" and snapshot.notice_days == 30
    assert snapshot.method == "LRAR" and snapshot.requires_countersignature is True
    # One return date: the first day without telework is the first day back on site.
    assert snapshot.return_arrangements.resumption_date == "2027-02-06"
    assert snapshot.reason is None and snapshot.return_arrangements.details is None


def test_notice_refused_when_the_notice_delay_is_not_respected(db_session, hr):
    agreement = agreement_variant("full_days-per_weekly_day")
    _issue(agreement, hr, date(2026, 9, 20))
    _ending(agreement, ending_effective_date=date(2026, 11, 25))  # 9 days < 15 days
    with pytest.raises(BusinessRuleError) as refused:
        services.issue_notice(agreement, hr, TODAY)
    db.session.rollback()
    message = str(refused.value)
    assert "délai de prévenance de 15 jours n'est pas respecté" in message
    assert "01/12/2026" in message and "25/11/2026" in message
    assert _count("reversibility_notice") == 0


def test_notice_requires_an_issued_amendment_and_an_ending_status(db_session, hr):
    agreement = agreement_variant("full_days-per_weekly_day")
    with pytest.raises(BusinessRuleError, match="fin notifiée"):
        services.issue_notice(agreement, hr, TODAY)
    _ending(agreement)
    with pytest.raises(BusinessRuleError, match="enregistrez d'abord l'avenant signé sur papier"):
        services.issue_notice(agreement, hr, TODAY)
    db.session.rollback()
    assert _count() == 0


# --------------------------------------------------------------------------- refusal letter


def test_refusal_letter_from_a_refused_request(db_session, hr):
    from sqlalchemy import select

    from hrtele.models import RefusalReason

    employee = employee_with_post()
    organisation = db.session.scalar(
        select(RefusalReason.id).where(RefusalReason.code == "service_organisation"))
    req = make_request(
        employee_id=employee.id,
        status="refused",
        refusal_reason_id=organisation,
        refusal_reason="le poste requiert une présence quotidienne auprès du laboratoire",
        decision_date=date(2026, 9, 12),
        decided_by_id=hr.id,
        wished_days=Decimal("2"),
        wished_pattern="11000000110000",
    )
    document = services.issue_refusal(req, hr, TODAY)
    db.session.commit()
    assert document.reference == f"RF-2026-{req.id:05d}"
    assert document.request_id == req.id and document.agreement_id is None
    text_ = pdf_text(document.pdf_bytes)
    missing = missing_from(
        text_,
        "réponse à votre demande de télétravail du 01/09/2026",
        # The days keep their own parentheses; none around them (no nesting).
        "2 jours par semaine, soit lundi (journée), vendredi (journée)",
        "Organisation du service : le poste requiert une présence quotidienne",
        "Rose Hérault, service des ressources humaines",
        "12/09/2026",
        "Madame,",
        "Madame Claire DELMAS",
        "À Foix, le 20 novembre 2026",
    )
    assert not missing, f"absent de la lettre : {missing}"
    assert not re.search(r"\([^()]*\(", text_), "parenthèses imbriquées dans la lettre"
    with pytest.raises(BusinessRuleError, match="déjà été émise"):
        services.issue_refusal(req, hr, TODAY)
    db.session.rollback()
    pending = make_request(employee_id=employee.id, status="pending")
    with pytest.raises(BusinessRuleError, match="Seule une demande refusée"):
        services.issue_refusal(pending, hr, TODAY)
    db.session.rollback()
    assert _count("refusal_letter") == 1


# --------------------------------------------------------------------------- scans and helpers


def test_scan_validation(db_session, hr):
    document = _issue(agreement_variant("full_days-none"), hr)
    pdf = plain_pdf(3)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    cases = {
        "vide": b"",
        "pas un PDF": png,
        "%%EOF": pdf[:-200],
        "taille maximale": pdf,
    }
    with pytest.raises(BusinessRuleError, match="fichier joint"):  # the issued PDF/A itself
        services.attach_scan(document, "scan.pdf", document.pdf_bytes, hr, max_bytes=10**7)
    db.session.rollback()
    for expected, data in cases.items():
        with pytest.raises(BusinessRuleError, match=expected):
            services.attach_scan(document, "scan.pdf", data, hr, max_bytes=len(pdf) - 1)
        db.session.rollback()
    scan = services.attach_scan(document, "../Scan signé ÉTÉ.PDF", pdf, hr, max_bytes=len(pdf))
    db.session.commit()
    assert scan.filename == "Scan-signe-ETE.pdf"
    assert scan.sha256 == hashlib.sha256(pdf).hexdigest() and scan.size == len(pdf)
    assert db.session.scalar(select(func.count()).select_from(SignedScan)) == 1


def test_integrity_check_and_download_names():
    document = IssuedDocument(
        kind="amendment", version=2, employee_id=7, pdf_bytes=b"%PDF-1.7 x %%EOF",
        sha256=hashlib.sha256(b"%PDF-1.7 x %%EOF").hexdigest(), size=16,
    )  # fmt: skip
    assert services.integrity_ok(document)
    document.pdf_bytes = b"%PDF-1.7 y %%EOF"
    assert not services.integrity_ok(document)
    assert services.download_filename(document, "M-004217") == "avenant-teletravail-M-004217-v2.pdf"
    document.kind, document.version = "reversibility_notice", 1
    assert (
        services.download_filename(document, "Mé 12/3")
        == "notification-fin-teletravail-Me-12-3-1.pdf"
    )
    document.kind = "refusal_letter"
    assert services.download_filename(document, "M00017") == "refus-teletravail-M00017.pdf"
    assert services.download_filename(document, None) == "refus-teletravail-salarie-7.pdf"


def test_previews_are_watermarked_and_never_stored(db_session, hr):
    agreement = agreement_variant("full_days-per_weekly_day")
    pdf = services.preview_amendment(agreement, TODAY)
    assert pdf.startswith(b"%PDF-")
    assert not missing_from(pdf_text(pdf), "Aperçu – document non émis")
    assert pypdf.PdfReader(io.BytesIO(pdf)).attachments == {}
    assert _count() == 0
    db.session.refresh(agreement)
    assert agreement.status == "draft" and agreement.amendment_version == 0
    assert date_fr(TODAY) in pdf_text(pdf)
