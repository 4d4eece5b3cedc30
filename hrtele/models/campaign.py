"""Bulk campaigns: one document (or reminder) per agreement, processed by background jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hrtele.models.base import Base, utcnow

CAMPAIGN_KINDS = ("amendment", "renewal", "reversibility_notice", "attestation_reminder")
CAMPAIGN_STATUSES = ("draft", "running", "done", "cancelled")
ITEM_STATUSES = ("blocked", "pending", "done", "failed", "skipped", "cancelled")


class Campaign(Base):
    """A bulk operation HR planned (dry run), started, and may cancel."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('amendment', 'renewal', 'reversibility_notice', 'attestation_reminder')",
            name="kind_known",
        ),
        CheckConstraint("status IN ('draft', 'running', 'done', 'cancelled')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    source: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Last time a runner finished an item: a running campaign silent for long has lost its
    # runners (crashed workers) and the periodic sweeper queues new ones.
    progress_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    items: Mapped[list[CampaignItem]] = relationship(back_populates="campaign")


class CampaignItem(Base):
    """One agreement of a campaign; at most one document per (campaign, agreement)."""

    __tablename__ = "campaign_items"
    __table_args__ = (
        UniqueConstraint("campaign_id", "agreement_id", name="uq_campaign_items_agreement"),
        CheckConstraint(
            "status IN ('blocked', 'pending', 'done', 'failed', 'skipped', 'cancelled')",
            name="status_known",
        ),
        Index("ix_campaign_items_claim", "campaign_id", "status", "claimed_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    # Version of the document this item issues (amendment_version + 1 when planned): a
    # resumed or repeated job that finds it already issued skips instead of issuing again.
    target_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stage: Mapped[str] = mapped_column(String(20), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("issued_documents.id"), nullable=True, unique=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    processed_by: Mapped[str] = mapped_column(String(100), default="")
    processed_dt: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    campaign: Mapped[Campaign] = relationship(back_populates="items")
