"""An agreement signed on paper before the app is ended properly: HR records the paper
amendment (date, optional scan) and the notice refers to it. SQLite and PostgreSQL; the notice
PDF is read back with pypdf."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from hrtele.documents import services
from hrtele.documents.render import date_fr
from hrtele.documents.snapshots import NoticeSnapshot, snapshot_from_json
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import AuditEntry, IssuedDocument, PaperAmendment
from tests.documents.model_samples import (
    TODAY,
    agreement_variant,
    memoise_renders,
    missing_from,
    pdf_text,
)
from tests.documents.samples import notice as notice_sample
from tests.factories import make_user, plain_pdf

SIGNED = date(2024, 3, 1)
MAX = 1024 * 1024


@pytest.fixture(autouse=True)
def _memoised_renders(monkeypatch):
    memoise_renders(monkeypatch)


@pytest.fixture
def hr(db_session):
    return make_user(email="rh.papier@example.test", role="hr", display_name="Rose Hérault")


def _imported_ending():
    """An agreement signed before the app (no amendment issued here), its end notified."""
    agreement = agreement_variant("full_days-per_weekly_day", status="active")
    for key, value in dict(
        status="ending", ending_initiative="employer",
        ending_notification_date=date(2026, 11, 16), ending_effective_date=date(2026, 12, 1),
        ending_reason="réorganisation du service", ending_method="hand_delivery",
        ending_phase="adaptation", ending_notice_days=15,
        ending_return_arrangements="Bureau 204, horaires de l'équipe",
    ).items():  # fmt: skip
        setattr(agreement, key, value)
    db.session.commit()
    return agreement


def test_paper_amendment_lets_an_imported_agreement_be_ended_with_a_notice(db_session, hr):
    agreement = _imported_ending()
    refusal = services.notice_refusal(agreement)
    assert refusal and "avenant signé sur papier" in refusal
    assert services.notice_preview_refusal(agreement, TODAY) == refusal
    with pytest.raises(BusinessRuleError, match="avenant signé sur papier"):
        services.issue_notice(agreement, hr, TODAY)
    db.session.rollback()

    scan = plain_pdf(text="avenant papier")
    row = services.record_paper_amendment(
        agreement, SIGNED, ("Avenant signé 2024.pdf", scan), hr, TODAY, MAX
    )
    db.session.commit()
    assert (row.signed_date, row.size, row.filename) == (SIGNED, len(scan), "Avenant-signe-2024.pdf")
    assert services.notice_refusal(agreement) is None
    assert services.notice_preview_refusal(agreement, TODAY) is None

    notice = services.issue_notice(agreement, hr, TODAY)
    db.session.commit()
    snapshot = snapshot_from_json(notice.snapshot_json)
    assert snapshot.amendment_on_paper is True and snapshot.amendment_reference is None
    assert snapshot.amendment_date == SIGNED.isoformat()
    text = pdf_text(notice.pdf_bytes)
    assert not missing_from(
        text,
        "Notification de fin de télétravail",
        f"avenant au contrat de travail signé sur papier le {date_fr(SIGNED)}",
    )
    assert "référencé" not in text
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "paper_amendments")
    ).one()
    assert json.loads(audit.changes_json)["signed_date"] == "2024-03-01"


def test_the_amendment_issued_in_the_app_wins_and_refuses_a_paper_one(db_session, hr):
    agreement = agreement_variant("full_days-per_weekly_day")
    services.issue_amendment(agreement, hr, TODAY)
    db.session.commit()
    assert "émis dans l'application" in services.paper_amendment_refusal(agreement, TODAY)
    with pytest.raises(BusinessRuleError, match="émis dans l'application"):
        services.record_paper_amendment(agreement, SIGNED, None, hr, TODAY, MAX)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PaperAmendment)) == 0


@pytest.mark.parametrize(
    ("signed", "scan", "message"),
    [
        (date(2026, 11, 21), None, "dans le futur"),
        (SIGNED, b"GIF89a not a pdf", "n'est pas un PDF"),
        (SIGNED, b"", "vide"),
        (SIGNED, b"%PDF-1.7 " + b"x" * MAX, "taille maximale"),
        (SIGNED, b"%PDF-1.7 truncated", "incomplet"),
    ],
)
def test_bad_dates_and_bad_scans_are_refused_and_nothing_is_stored(
    db_session, hr, signed, scan, message
):
    agreement = _imported_ending()
    with pytest.raises(BusinessRuleError, match=message):
        services.record_paper_amendment(
            agreement, signed, None if scan is None else ("x.pdf", scan), hr, TODAY, MAX
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PaperAmendment)) == 0
    assert services.notice_refusal(agreement)


def test_a_correction_is_a_new_record_and_the_latest_counts(db_session, hr):
    agreement = _imported_ending()
    services.record_paper_amendment(agreement, date(2024, 3, 10), None, hr, TODAY, MAX)
    services.record_paper_amendment(agreement, SIGNED, None, hr, TODAY, MAX)
    db.session.commit()
    assert services.paper_amendment(agreement.id).signed_date == SIGNED
    assert db.session.scalar(select(func.count()).select_from(PaperAmendment)) == 2
    facts = services.amendment_facts([agreement.id, 2**31 - 1])
    assert facts == {agreement.id: (False, SIGNED), 2**31 - 1: (False, None)}
    snapshot = services.notice_snapshot(agreement, TODAY)
    assert snapshot.amendment_date == SIGNED.isoformat() and snapshot.amendment_on_paper
    assert db.session.scalar(select(func.count()).select_from(IssuedDocument)) == 0


def test_paper_amendment_is_refused_for_an_agreement_still_in_preparation(db_session, hr):
    agreement = agreement_variant("full_days-per_weekly_day")  # a draft: issue it in the app
    assert "s'émet dans l'application" in services.paper_amendment_refusal(agreement, TODAY)


def test_notice_snapshots_issued_before_paper_amendments_stay_readable():
    data = notice_sample().to_dict()
    data.pop("amendment_on_paper")  # what notices stored before this change look like
    old = NoticeSnapshot.from_dict(data)
    assert old.amendment_on_paper is False and old.amendment_reference == data["amendment_reference"]
    paper = NoticeSnapshot.from_dict({**data, "amendment_reference": None,
                                      "amendment_on_paper": True})
    assert paper.amendment_reference is None
    with pytest.raises(ValueError, match="référence de l'avenant"):
        NoticeSnapshot.from_dict({**data, "amendment_reference": None})
