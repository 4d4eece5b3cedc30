"""Bulk campaigns on SQLite and PostgreSQL (jobs inline): dry run, issuing, idempotency, ZIP."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hrtele.campaigns import kinds, services
from hrtele.documents import services as documents
from hrtele.domain import campaigns as domain
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.jobs.tasks import queue_runners
from hrtele.models import Agreement, AuditEntry, Campaign, IssuedDocument
from tests.documents.model_samples import TODAY, agreement_variant, employee_with_post
from tests.factories import make_user

V = "full_days-per_weekly_day"


@pytest.fixture
def hr(db_session, frozen_today):
    frozen_today(TODAY)
    return make_user(email="rh.campagne@example.test", role="hr")


def _run(campaign: Campaign) -> None:
    campaign_id = campaign.id
    assert services.start_campaign(campaign, None)
    db.session.commit()  # (reading an attribute now would open a new write transaction)
    queue_runners(campaign_id)  # immediate mode: runs inline, in its own session
    db.session.expire_all()


def _documents(kind: str = "amendment") -> int:
    return db.session.scalar(
        select(func.count()).select_from(IssuedDocument).where(IssuedDocument.kind == kind)
    )


def test_dry_run_uses_the_single_issue_checks(hr):
    ok = agreement_variant(V)
    cancelled = agreement_variant(V, status="cancelled")
    campaign = services.plan_campaign(
        domain.AMENDMENT, [ok.id, cancelled.id], hr, "test", TODAY
    )
    db.session.commit()
    items = {i.agreement_id: i for i in services.campaign_items(campaign.id)}
    assert items[ok.id].status == "pending"
    assert items[ok.id].target_version == 1
    assert items[cancelled.id].status == "blocked"
    # The same French reason single issuing gives, word for word.
    assert items[cancelled.id].reason == documents.amendment_plan(cancelled).refusal
    assert services.progress(campaign).blocked == 1
    assert _documents() == 0  # a dry run issues nothing
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "campaigns"))
    assert entry.action == "plan" and entry.actor_id == hr.id


def test_blocking_rule_is_reported_with_its_message(hr):
    # More days than the policy's cap: the rules engine blocks issuing.
    bad = agreement_variant(V, days_per_week=Decimal("4"), weekly_pattern="1111111100")
    expected = [v.message for v in documents.amendment_violations(bad, TODAY) if v.blocking]
    assert expected
    campaign = services.plan_campaign(domain.AMENDMENT, [bad.id], hr, "test", TODAY)
    [item] = services.campaign_items(campaign.id)
    assert item.status == "blocked"
    assert item.reason == " ".join(expected)


def test_campaign_issues_one_amendment_per_agreement_and_zips_them(hr):
    agreements = [agreement_variant(V) for _ in range(3)]
    campaign = services.plan_campaign(
        domain.AMENDMENT, [a.id for a in agreements], hr, "test", TODAY
    )
    db.session.commit()
    _run(campaign)
    campaign = db.session.get(Campaign, campaign.id)
    assert campaign.status == "done"
    progress = services.progress(campaign)
    assert (progress.done, progress.failed, progress.remaining, progress.percent) == (3, 0, 0, 100)
    assert _documents() == 3
    for agreement in agreements:
        refreshed = db.session.get(Agreement, agreement.id)
        assert refreshed.status == "issued" and refreshed.amendment_version == 1
    issued = db.session.scalars(select(IssuedDocument)).all()
    assert {d.issued_by_id for d in issued} == {hr.id}

    buffer = io.BytesIO()
    assert services.write_zip(campaign, buffer) == 3
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
    assert len(pdfs) == 3
    rows = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig")),
                               delimiter=";"))
    assert len(rows) == 3
    for row in rows:
        data = archive.read(row["fichier"])
        assert data.startswith(b"%PDF-")
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "campaigns")
    ).all()
    assert actions.count("campaign_issue") == 3
    assert {"plan", "start", "finish"} <= set(actions)


def test_a_repeated_or_resumed_item_never_issues_twice(hr):
    agreement = agreement_variant(V)
    campaign = services.plan_campaign(domain.AMENDMENT, [agreement.id], hr, "test", TODAY)
    db.session.commit()
    _run(campaign)
    [item] = services.campaign_items(campaign.id)
    assert item.status == "done"
    # A second runner processing the same item (a duplicate job) finds it done.
    assert services.process_item(item.id, domain.AMENDMENT, "other:1", TODAY) == "done"
    # A crash between issuing and marking the item: its (agreement, version) exists already.
    item = services.campaign_items(campaign.id)[0]
    item.status, item.document_id = "pending", None
    item.campaign.status = "running"
    db.session.commit()
    assert services.process_item(item.id, domain.AMENDMENT, "other:1", TODAY) == "skipped"
    assert _documents() == 1
    assert "déjà émise" in services.campaign_items(campaign.id)[0].reason


def test_cancel_stops_pending_items(hr):
    agreements = [agreement_variant(V) for _ in range(2)]
    campaign = services.plan_campaign(
        domain.AMENDMENT, [a.id for a in agreements], hr, "test", TODAY
    )
    services.start_campaign(campaign, hr)
    assert services.cancel_campaign(campaign, hr) == 2
    db.session.commit()
    assert services.claim_next(campaign.id, "w:1", 60) is None
    assert _documents() == 0
    with pytest.raises(BusinessRuleError):
        services.cancel_campaign(campaign, hr)


def test_renewal_extends_the_term_then_issues_version_n_plus_1(hr):
    employee = employee_with_post()
    running = agreement_variant(V, employee=employee)
    documents.issue_amendment(running, hr, TODAY)
    running.status = "active"
    running.end_date = date(2027, 9, 30)
    open_ended = agreement_variant(V, status="active", amendment_version=1)
    db.session.commit()
    campaign = services.plan_campaign(
        domain.RENEWAL, [running.id, open_ended.id], hr, "test", TODAY
    )
    db.session.commit()
    items = {i.agreement_id: i for i in services.campaign_items(campaign.id)}
    assert items[running.id].status == "pending", items[running.id].reason
    assert items[open_ended.id].status == "blocked"
    assert "durée déterminée" in items[open_ended.id].reason
    # The dry run changed nothing.
    assert db.session.get(Agreement, running.id).end_date == date(2027, 9, 30)
    _run(campaign)
    renewed = db.session.get(Agreement, running.id)
    assert renewed.end_date == date(2028, 9, 30)
    assert renewed.amendment_version == 2 and not renewed.has_pending_amendment
    assert _documents() == 2


def test_notice_campaign_blocks_agreements_without_a_notified_end(hr):
    agreement = agreement_variant(V)
    campaign = services.plan_campaign(
        domain.REVERSIBILITY_NOTICE, [agreement.id], hr, "test", TODAY
    )
    [item] = services.campaign_items(campaign.id)
    assert item.status == "blocked"
    assert item.reason == documents.notice_refusal(agreement)


def test_attestation_reminders_are_mailed(hr, mail_outbox):
    missing = agreement_variant(V, status="signed", insurance_received_date=None)
    complete = agreement_variant(V, status="signed")
    campaign = services.plan_campaign(
        domain.ATTESTATION_REMINDER, [missing.id, complete.id], hr, "test", TODAY
    )
    db.session.commit()
    items = {i.agreement_id: i for i in services.campaign_items(campaign.id)}
    assert items[complete.id].status == "blocked"
    assert kinds.missing_attestations(missing, TODAY)
    _run(campaign)
    [message] = mail_outbox
    assert message["To"] == missing.employee.email
    assert "Assurance multirisque habitation" in message.get_content()
    assert services.campaign_items(campaign.id)[0].status in ("done", "blocked")


def test_bad_selection_is_refused(hr):
    with pytest.raises(BusinessRuleError):
        services.selected_ids(["12", "abc"])
    with pytest.raises(BusinessRuleError):
        services.plan_campaign(domain.AMENDMENT, [], hr, "test", TODAY)
    with pytest.raises(BusinessRuleError):
        services.plan_campaign("inconnu", [1], hr, "test", TODAY)
    with pytest.raises(BusinessRuleError):
        services.plan_campaign(domain.AMENDMENT, [999999], hr, "test", TODAY)
