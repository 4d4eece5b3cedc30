"""Campaign operations shared by the web and the jobs: plan, start, cancel, claim, process.

Exactly-once issuing, even when workers crash or run on several machines:
- a runner *claims* one pending item at a time (a lease: ``claimed_until``); a crashed
  worker's lease expires and another runner takes the item back;
- the item is rendered while holding no write lock, then stored in one transaction that
  locks the item and its agreement, re-checks that the item is still pending and that its
  target version (agreement, version) is not issued yet, issues through the documents
  services and marks the item done: the document and the item's state commit together;
- the issued documents' unique (employee, kind, version) is the last guard.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import socket
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from hrtele import clock
from hrtele.audit.service import record
from hrtele.campaigns import kinds
from hrtele.database import read_only_transactions
from hrtele.documents.render import DocumentRenderError, prerender, reusing
from hrtele.documents.services import download_filename
from hrtele.domain import campaigns as domain
from hrtele.editing import BusinessRuleError
from hrtele.extensions import db
from hrtele.models import Agreement, Campaign, CampaignItem, Employee, IssuedDocument, User

log = logging.getLogger(__name__)

MAX_ITEMS = 5000
MAX_ATTEMPTS = 3
#: Item statuses that are final (the rest: blocked = never queued, pending = to do).
FINISHED = ("done", "failed", "skipped", "cancelled")


def worker_id() -> str:
    """hostname:pid of this process (recorded on each item it processes)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _now() -> datetime:
    return clock.now_utc()


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


# --------------------------------------------------------------------------- planning


def _agreements(ids: Iterable[int]) -> list[Agreement]:
    """The agreements with what the checks read, loaded in a few queries (no N+1)."""
    wanted = sorted(set(ids))
    out: list[Agreement] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        out.extend(
            db.session.scalars(
                select(Agreement)
                .where(Agreement.id.in_(chunk))
                .options(
                    joinedload(Agreement.employee).joinedload(Employee.post),
                    joinedload(Agreement.request),
                    joinedload(Agreement.place),
                    joinedload(Agreement.second_place),
                )
                .order_by(Agreement.id)
            ).unique()
        )
    return out


def plan_campaign(
    kind: str, agreement_ids: Iterable[int], actor: User | None, source: str, today: date
) -> Campaign:
    """Create a draft campaign with its dry run: one item per agreement, pending or blocked."""
    if kind not in domain.KINDS:
        raise BusinessRuleError("Type de campagne inconnu.")
    ids = sorted({int(i) for i in agreement_ids})
    if not ids:
        raise BusinessRuleError("Aucun accord sélectionné : cochez au moins un accord.")
    if len(ids) > MAX_ITEMS:
        raise BusinessRuleError(
            f"{len(ids)} accords sélectionnés : une campagne en traite au plus {MAX_ITEMS}. "
            "Affinez les filtres (état, recherche) et lancez plusieurs campagnes."
        )
    agreements = _agreements(ids)
    if not agreements:
        raise BusinessRuleError("Aucun des accords sélectionnés n'existe.")
    campaign = Campaign(
        kind=kind, status="draft", source=source[:200],
        created_by_id=actor.id if actor else None, created_dt=_now(),
    )
    db.session.add(campaign)
    db.session.flush()
    blocked = 0
    for agreement in agreements:
        verdict = kinds.verdict(kind, agreement, today)
        blocked += not verdict.ok
        db.session.add(
            CampaignItem(
                campaign_id=campaign.id,
                agreement_id=agreement.id,
                status="pending" if verdict.ok else "blocked",
                reason=verdict.reason,
                target_version=verdict.target_version,
            )
        )
    db.session.flush()
    record("plan", "campaigns", campaign.id, actor, {
        "kind": kind, "source": source, "agreements": len(agreements),
        "blocked": blocked, "unknown_ids": len(ids) - len(agreements),
    })
    return campaign


def start_campaign(campaign: Campaign, actor: User | None) -> bool:
    """Draft -> running (or straight to done when nothing is to do); True when jobs must run."""
    if campaign.status != "draft":
        raise BusinessRuleError("Cette campagne a déjà été lancée ou annulée.")
    if campaign.kind == domain.ATTESTATION_REMINDER:
        from hrtele.mail import mail_enabled

        if not mail_enabled():
            raise BusinessRuleError(
                "Aucun serveur d'envoi d'e-mails n'est configuré (MAIL_SERVER) : les relances "
                "ne peuvent pas partir."
            )
    counts = status_counts(campaign.id)
    campaign.started_dt = _now()
    campaign.status = "running" if counts.get("pending") else "done"
    if campaign.status == "done":
        campaign.finished_dt = campaign.started_dt
    record("start", "campaigns", campaign.id, actor, {
        "kind": campaign.kind, "to_process": counts.get("pending", 0),
        "blocked": counts.get("blocked", 0),
    })
    db.session.flush()
    return campaign.status == "running"


def cancel_campaign(campaign: Campaign, actor: User | None) -> int:
    """Stop a draft or running campaign: its pending items are cancelled; returns how many."""
    if campaign.status not in ("draft", "running"):
        raise BusinessRuleError("Cette campagne est déjà terminée ou annulée.")
    result = db.session.execute(
        update(CampaignItem)
        .where(CampaignItem.campaign_id == campaign.id, CampaignItem.status == "pending")
        .values(status="cancelled", reason="Campagne annulée.", claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    campaign.status = "cancelled"
    campaign.finished_dt = _now()
    record("cancel", "campaigns", campaign.id, actor, {"cancelled_items": result.rowcount})
    db.session.flush()
    return result.rowcount or 0


# --------------------------------------------------------------------------- progress


def status_counts(campaign_id: int) -> dict[str, int]:
    """{item status: count} in one query."""
    rows = db.session.execute(
        select(CampaignItem.status, func.count())
        .where(CampaignItem.campaign_id == campaign_id)
        .group_by(CampaignItem.status)
    )
    return {status: n for status, n in rows}


@dataclass(frozen=True)
class Progress:
    """Where a campaign stands: counts, percentage, time left (for the page and the JSON)."""

    status: str
    total: int
    blocked: int
    done: int
    failed: int
    skipped: int
    cancelled: int
    remaining: int
    percent: int
    eta_seconds: float | None
    eta_text: str

    def as_json(self) -> dict:
        """Plain dict for the status endpoint."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def progress(campaign: Campaign) -> Progress:
    """Counts by status, percentage of the queued items processed, and the estimated time left."""
    counts = status_counts(campaign.id)
    queued = sum(counts.get(s, 0) for s in ("pending", *FINISHED))
    processed = sum(counts.get(s, 0) for s in ("done", "failed", "skipped"))
    remaining = counts.get("pending", 0)
    eta = None
    if campaign.status == "running" and campaign.started_dt is not None:
        started = campaign.started_dt
        if started.tzinfo is None:  # SQLite returns naive datetimes (stored as UTC)
            started = started.replace(tzinfo=_now().tzinfo)
        eta = domain.eta_seconds(processed, remaining, (_now() - started).total_seconds())
    elif campaign.status != "running":
        eta = 0.0
    percent = 100 if queued == 0 else int(100 * (queued - remaining) / queued)
    return Progress(
        status=campaign.status,
        total=sum(counts.values()),
        blocked=counts.get("blocked", 0),
        done=counts.get("done", 0),
        failed=counts.get("failed", 0),
        skipped=counts.get("skipped", 0),
        cancelled=counts.get("cancelled", 0),
        remaining=remaining,
        percent=percent,
        eta_seconds=eta,
        eta_text=domain.describe_duration(eta) if campaign.status == "running" else "",
    )


def items_stmt(campaign_id: int, statuses: tuple[str, ...]) -> Select:
    """Items of some statuses with the employee's name, for the lists of the campaign page."""
    return (
        select(CampaignItem, Employee.first_name, Employee.last_name, Employee.personnel_number)
        .join(Agreement, Agreement.id == CampaignItem.agreement_id)
        .join(Employee, Employee.id == Agreement.employee_id)
        .where(CampaignItem.campaign_id == campaign_id, CampaignItem.status.in_(statuses))
        .order_by(CampaignItem.id)
    )


def campaigns_stmt() -> Select:
    """Every campaign, newest first."""
    return select(Campaign).order_by(Campaign.id.desc())


# --------------------------------------------------------------------------- processing


def claim_next(campaign_id: int, owner: str, lease_seconds: int) -> int | None:
    """Take the next pending item whose lease is free or expired; commits; None when none."""
    now = _now()
    while True:
        stmt = (
            select(CampaignItem)
            .join(Campaign, Campaign.id == CampaignItem.campaign_id)
            .where(
                CampaignItem.campaign_id == campaign_id,
                Campaign.status == "running",
                CampaignItem.status == "pending",
                or_(CampaignItem.claimed_until.is_(None), CampaignItem.claimed_until < now),
            )
            .order_by(CampaignItem.id)
            .limit(1)
        )
        if _is_postgresql():
            stmt = stmt.with_for_update(of=CampaignItem, skip_locked=True)
        item = db.session.scalar(stmt)
        if item is None:
            db.session.commit()
            return None
        if item.attempts >= MAX_ATTEMPTS:
            # The item was claimed that many times and never finished: the process working on
            # it died each time. Give up on it rather than crash workers forever.
            item.status = "failed"
            item.reason = (
                f"Traitement interrompu {item.attempts} fois (arrêt du processus de travail) : "
                "émettez ce document à l'unité depuis la fiche de l'accord."
            )
            item.processed_dt = now
            db.session.commit()
            continue
        item.attempts += 1
        item.claimed_by = owner
        item.claimed_until = now + timedelta(seconds=lease_seconds)
        item_id = item.id
        db.session.commit()
        return item_id


def _locked_item(item_id: int) -> CampaignItem | None:
    stmt = select(CampaignItem).where(CampaignItem.id == item_id)
    if _is_postgresql():
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt)


def _load_agreement(agreement_id: int, lock: bool = False) -> Agreement:
    stmt = select(Agreement).where(Agreement.id == agreement_id).options(
        joinedload(Agreement.employee).joinedload(Employee.post),
        joinedload(Agreement.request), joinedload(Agreement.place),
        joinedload(Agreement.second_place),
    )
    if lock and _is_postgresql():
        stmt = stmt.with_for_update(of=Agreement)
    return db.session.scalars(stmt).unique().one()


def _prerender(item_id: int, today: date) -> dict[tuple[str, str], bytes]:
    """Render the item's document in a read-only transaction (no write lock held)."""
    with read_only_transactions():
        try:
            item = db.session.get(CampaignItem, item_id)
            if item is None or item.status != "pending":
                return {}
            if item.campaign.kind == domain.RENEWAL and item.stage != kinds.STAGE_RENEWED:
                return {}  # a renewal renders after its 'renew' stage is committed
            agreement = _load_agreement(item.agreement_id)
            if kinds.already_issued(item.campaign.kind, agreement, item.target_version):
                return {}
            planned = kinds.snapshot_to_render(item.campaign.kind, agreement, today)
            if planned is None:
                return {}
            key, pdf = prerender(*planned)
            return {key: pdf}
        except (BusinessRuleError, DocumentRenderError, ValueError):
            return {}  # the issuing step reports the reason
        finally:
            db.session.rollback()


def _finish(item: CampaignItem, status: str, reason: str, owner: str) -> None:
    item.status = status
    item.reason = reason[:4000]
    item.processed_by = owner
    item.processed_dt = _now()
    item.claimed_until = None
    item.campaign.progress_dt = item.processed_dt


def _renewal_stage(item_id: int, owner: str, today: date) -> bool:
    """Commit the 'renew' transition of a renewal item; False when the item is finished."""
    item = _locked_item(item_id)
    if item is None or item.status != "pending" or item.campaign.status != "running":
        db.session.commit()
        return False
    if item.stage == kinds.STAGE_RENEWED:
        db.session.commit()
        return True
    agreement = _load_agreement(item.agreement_id, lock=True)
    actor = db.session.get(User, item.campaign.created_by_id) if item.campaign.created_by_id else None
    try:
        with db.session.begin_nested():
            kinds.renew(agreement, actor, today)
    except BusinessRuleError as refused:
        _finish(item, "failed", str(refused), owner)
        db.session.commit()
        return False
    item.stage = kinds.STAGE_RENEWED
    db.session.commit()
    return True


def process_item(item_id: int, kind: str, owner: str, today: date | None = None) -> str:
    """Process one claimed item of a ``kind`` campaign end to end; returns its status."""
    today = today or clock.today()
    if kind == domain.RENEWAL and not _renewal_stage(item_id, owner, today):
        item = db.session.get(CampaignItem, item_id)
        status = item.status if item else "missing"
        db.session.commit()
        return status
    pdfs = _prerender(item_id, today) if kind != domain.ATTESTATION_REMINDER else {}

    item = _locked_item(item_id)
    if item is None or item.status != "pending" or item.campaign.status != "running":
        status = item.status if item else "missing"
        db.session.commit()
        return status
    agreement = _load_agreement(item.agreement_id, lock=True)
    actor = db.session.get(User, item.campaign.created_by_id) if item.campaign.created_by_id else None
    done = kinds.already_issued(kind, agreement, item.target_version)
    if done:
        _finish(item, "skipped", done, owner)
        db.session.commit()
        return "skipped"
    if kind == domain.ATTESTATION_REMINDER:
        return _send_reminder(item, agreement, owner, today)
    try:
        with db.session.begin_nested(), reusing(pdfs):
            document = kinds.issue(kind, agreement, actor, today)
    except BusinessRuleError as refused:
        _finish(item, "failed", str(refused), owner)
    except DocumentRenderError as error:
        log.warning("campaign item %s: render failed: %s", item_id, error)
        _finish(item, "failed", "Le rendu PDF a échoué : " + str(error)[:300], owner)
    else:
        item.document_id = document.id
        _finish(item, "done", kinds.result_note(kind, document), owner)
        record("campaign_issue", "campaigns", item.campaign_id, actor, {
            "item": item.id, "agreement_id": agreement.id, "document_id": document.id,
            "reference": document.reference, "sha256": document.sha256,
        })
    status = item.status
    db.session.commit()
    return status


def _send_reminder(item: CampaignItem, agreement: Agreement, owner: str, today: date) -> str:
    from hrtele.mail import send_mail

    verdict = kinds.verdict(domain.ATTESTATION_REMINDER, agreement, today)
    if not verdict.ok:
        _finish(item, "skipped", verdict.reason, owner)
    else:
        to, subject, body = kinds.reminder_message(agreement, today)
        # Sent before the commit: a crash right here can send the reminder twice, never lose it.
        if send_mail(to, subject, body):
            _finish(item, "done", kinds.result_note(domain.ATTESTATION_REMINDER, None), owner)
        else:
            _finish(item, "failed", "L'e-mail n'a pas pu être remis au serveur d'envoi.", owner)
    status = item.status
    db.session.commit()
    return status


def finish_if_complete(campaign_id: int) -> bool:
    """Mark a running campaign done when no item is pending; True when it is over."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != "running":
        db.session.commit()
        return True
    pending = db.session.scalar(
        select(func.count()).where(
            CampaignItem.campaign_id == campaign_id, CampaignItem.status == "pending"
        )
    )
    if pending:
        db.session.commit()
        return False
    campaign.status = "done"
    campaign.finished_dt = _now()
    counts = status_counts(campaign_id)
    record("finish", "campaigns", campaign_id, None, {
        k: counts.get(k, 0) for k in ("done", "failed", "skipped", "cancelled", "blocked")
    })
    db.session.commit()
    return True


def next_lease_expiry(campaign_id: int) -> datetime | None:
    """Earliest lease end among the pending items claimed by other runners."""
    value = db.session.scalar(
        select(func.min(CampaignItem.claimed_until)).where(
            CampaignItem.campaign_id == campaign_id, CampaignItem.status == "pending"
        )
    )
    db.session.commit()
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=_now().tzinfo)
    return value


def stalled_campaigns(lease_seconds: int, force: bool = False) -> list[int]:
    """Running campaigns with claimable items and no progress for a lease (lost runners)."""
    now = _now()
    quiet_since = now - timedelta(seconds=lease_seconds)
    claimable = (
        select(CampaignItem.id)
        .where(
            CampaignItem.campaign_id == Campaign.id,
            CampaignItem.status == "pending",
            or_(CampaignItem.claimed_until.is_(None), CampaignItem.claimed_until < now),
        )
        .exists()
    )
    stmt = select(Campaign.id).where(Campaign.status == "running", claimable)
    if not force:
        stmt = stmt.where(
            or_(Campaign.progress_dt.is_(None), Campaign.progress_dt < quiet_since),
            Campaign.started_dt < quiet_since,
        )
    ids = list(db.session.scalars(stmt.order_by(Campaign.id)))
    db.session.commit()
    return ids


# --------------------------------------------------------------------------- result


def result_documents_stmt(campaign_id: int) -> Select:
    """(document, employee) of every item done, by item order."""
    return (
        select(IssuedDocument, Employee)
        .join(CampaignItem, CampaignItem.document_id == IssuedDocument.id)
        .join(Employee, Employee.id == IssuedDocument.employee_id)
        .where(CampaignItem.campaign_id == campaign_id, CampaignItem.status == "done")
        .order_by(CampaignItem.id)
    )


def write_zip(campaign: Campaign, out: IO[bytes]) -> int:
    """Write the PDFs of the campaign and an index.csv (reference, employee, SHA-256) to ``out``."""
    index = io.StringIO()
    writer = csv.writer(index, delimiter=";")
    writer.writerow(["reference", "matricule", "salarie", "sha256", "version", "fichier"])
    count = 0
    names: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        rows = db.session.execute(result_documents_stmt(campaign.id).execution_options(yield_per=50))
        for document, employee in rows:
            name = download_filename(document, employee.personnel_number)
            if name in names:
                name = f"{document.reference}.pdf"
            names.add(name)
            archive.writestr(name, document.pdf_bytes)
            writer.writerow([document.reference, employee.personnel_number, employee.full_name,
                             document.sha256, document.version, name])
            count += 1
            db.session.expunge(document)
        archive.writestr("index.csv", "\ufeff" + index.getvalue())
    return count


def zip_file(campaign: Campaign) -> tuple[IO[bytes], int]:
    """A temporary file holding the campaign's ZIP (spooled to disk when large), rewound."""
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    count = write_zip(campaign, spool)
    spool.seek(0)
    return spool, count


def selected_ids(values: Iterable[str]) -> list[int]:
    """Agreement ids from repeated form values; BusinessRuleError on anything but numbers."""
    ids = []
    for raw in values:
        text = (raw or "").strip()
        if not text.isdigit() or len(text) > 9 or int(text) == 0:
            raise BusinessRuleError(f"Identifiant d'accord invalide : « {text[:20]} ».")
        ids.append(int(text))
    return ids


def campaign_items(campaign_id: int) -> list[CampaignItem]:
    """Every item of a campaign (tests and CLI)."""
    return list(db.session.scalars(
        select(CampaignItem).where(CampaignItem.campaign_id == campaign_id)
        .options(selectinload(CampaignItem.campaign)).order_by(CampaignItem.id)
    ))
