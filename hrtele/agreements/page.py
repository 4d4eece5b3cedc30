"""Header of the agreement page: its status, the next step (the domain decides) and the main
actions, each one leading to a page that works (the documents and lifecycle areas say so)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from hrtele.domain import amendment_basis as ab
from hrtele.domain import lifecycle as lc
from hrtele.models import Agreement

#: Lifecycle transition that carries out each next step, when it is one.
_STEP_EVENTS: dict[str, str] = {
    ab.STEP_SIGN: lc.SIGN,
    ab.STEP_ACTIVATE: lc.ACTIVATE,
    ab.STEP_END_ADAPTATION: lc.END_ADAPTATION,
    ab.STEP_RESUME: lc.RESUME,
    ab.STEP_COMPLETE_END: lc.COMPLETE_END,
}


@dataclass(frozen=True)
class Action:
    """One button of the header: a link (GET) or a small form (POST with its fields)."""

    label: str
    url: str
    primary: bool = False
    method: str = "get"
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Header:
    """What the header of the agreement page shows."""

    step: str
    step_text: str
    actions: tuple[Action, ...]


def header(
    agreement: Agreement, panel: dict[str, Any], lp: dict[str, Any], locked: str | None
) -> Header:
    """Next step and main actions from the documents panel and the lifecycle panel data."""
    has_amendment = bool(panel["amendments"]) or panel["paper"] is not None
    step = ab.next_step(
        agreement.status,
        agreement.kind,
        can_issue_amendment=panel["can_issue_amendment"],
        has_amendment=has_amendment,
        notice_issued=bool(panel["current_notice"]) or not panel["show_notice"],
    )
    aid = agreement.id
    actions: list[Action] = []
    if step == ab.STEP_ISSUE_AMENDMENT:
        if panel["plan"].supersedes:
            actions.append(Action("Émettre une nouvelle version…",
                                  url_for("documents.confirm_reissue", agreement_id=aid), True))
        else:
            actions.append(Action("Émettre l'avenant",
                                  url_for("documents.issue_amendment", agreement_id=aid), True,
                                  "post", {"version": agreement.version}))
    elif step == ab.STEP_RECORD_PAPER and panel["can_record_paper"]:
        actions.append(Action("Enregistrer l'avenant papier",
                              url_for("documents.paper_amendment", agreement_id=aid), True))
    elif step == ab.STEP_ISSUE_NOTICE and panel["notice_preview"]:
        actions.append(Action("Émettre la notification de fin",
                              url_for("documents.issue_notice", agreement_id=aid), True, "post"))
        actions.append(Action("Aperçu de la notification (PDF)",
                              url_for("documents.preview_notice", agreement_id=aid)))
    elif step in _STEP_EVENTS and _STEP_EVENTS[step] in lp["allowed"]:
        event = _STEP_EVENTS[step]
        actions.append(Action(lc.EVENT_LABELS[event],
                              url_for("lifecycle.transition", agreement_id=aid,
                                      slug=lp["slugs"][event]), True))
    if not locked:
        actions.append(Action("Modifier l'accord",
                              url_for("agreements.edit", agreement_id=aid),
                              step == ab.STEP_FIX_AMENDMENT))
    if lc.NOTIFY_END in lp["allowed"] and step != ab.STEP_ISSUE_AMENDMENT:
        actions.append(Action(lc.EVENT_LABELS[lc.NOTIFY_END],
                              url_for("lifecycle.transition", agreement_id=aid,
                                      slug=lp["slugs"][lc.NOTIFY_END])))
    return Header(step, ab.STEP_TEXTS[step], tuple(actions))

