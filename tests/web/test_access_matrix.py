"""Access matrix generated from app.url_map: every route x {anonymous, employee A, employee B, HR, admin}.

A route without a line in RULES fails the suite (test_every_endpoint_has_an_access_rule).

HOW TO ADD A ROUTE — one line in RULES:

    "area.endpoint": Rule(ACCESS, ids=..., staff=..., ok=...),

ACCESS (who may use the route):
    "public"        anybody, logged in or not (log-in page, invitation link)
    "login"         any logged-in account; anonymous -> 302 to /connexion
    "employee_own"  the employee's own space: employee A gets 200 on A's objects, employee B gets
                    404 on A's objects (and 200 on B's own); staff=True lets HR and admin open
                    them as well, otherwise HR and admin get 403/404
    "hr"            HR and admin; employees get 403 (or 404)
    "admin"         admin only; HR and employees get 403 (or 404)
ids (routes with URL parameters): function (seed, owner) -> dict of URL values, where owner is
    "a" or "b" (whose object it is). The seed builds objects on demand and returns their ids:
        ids=lambda s, who: {"agreement_id": s.agreement(who)}
    Builders: s.employee(who), s.user(who), s.request(who), s.agreement(who), s.place(who),
    s.document(who), s.scan(who), s.equipment(who), s.interview(who), s.invitation_token(who),
    s.post(), s.category(), s.ceiling(), s.import_batch(), s.hr, s.admin (ids of users);
    for a new kind of object: s.memo(f"widget-{who}", lambda s: make_widget(s.employee(who)).id)
    (the factory runs once per test inside an app context; its result is reused).
ok: statuses meaning "allowed" for a GET (default (200,)); POST routes accept 200/302/400/409/422.

What is checked:
- GET routes (including GET+POST forms, tried with GET): anonymous -> 302 to /connexion
  (except "public"); a refused actor -> 403/404 with exactly one "access_denied" audit entry;
  an allowed actor -> `ok`; ids that do not exist -> 404 (never 500), and for employee_own the
  404 for B on A's object is byte-identical to the 404 for a missing object.
- POST-only routes (CSRF disabled here, see test_csrf.py for CSRF): anonymous -> 302 to
  /connexion, refused actors -> 403/404 with one audit entry, then the first allowed actor
  (HR before admin) is neither refused nor a 5xx (one test per endpoint, fresh database).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import AuditEntry, UrssafCeiling
from tests.conftest import login
from tests.factories import (
    make_agreement,
    make_category,
    make_employee,
    make_employer,
    make_place,
    make_post,
    make_request,
    make_user,
)

ACCESS_KINDS = ("public", "login", "employee_own", "hr", "admin")
POST_OK = (200, 302, 400, 409, 422)
DENIED = (403, 404)
MISSING_ID = 2**31 - 1


@dataclass(frozen=True)
class Rule:
    """Who may use an endpoint, and how to build the URL values of A's and B's objects."""

    access: str
    ids: Callable[[Seed, str], dict[str, Any]] | None = None
    staff: bool = False  # employee_own only: HR and admin may open the object too
    ok: tuple[int, ...] = (200,)

    def __post_init__(self):
        assert self.access in ACCESS_KINDS, f"unknown access kind {self.access!r}"


def _user(s, who):
    return {"user_id": s.user(who)}


def _employee(s, who):
    return {"employee_id": s.employee(who)}


def _paper_scan(agreement_id: int) -> int:
    """A paper amendment with its scan (stored bytes) for the owner's agreement."""
    import hashlib

    from hrtele.models import PaperAmendment

    pdf = f"%PDF-1.7 avenant papier {agreement_id}".encode()
    row = PaperAmendment(agreement_id=agreement_id, signed_date=date(2024, 3, 1),
                         filename="avenant.pdf", pdf_bytes=pdf,
                         sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf))
    db.session.add(row)
    db.session.commit()
    return row.id


PERIOD = {"year": 2026, "month": 10}
_EXPORT = {"fmt": "csv"}  # list exports (issue 13): CSV or XLSX of the filtered list

def _refusal_reason(s) -> int:
    """A reason of the seeded refusal catalogue (ids differ between backends)."""
    from sqlalchemy import select

    from hrtele.extensions import db
    from hrtele.models import RefusalReason

    return s.memo("refusal-reason", lambda s: db.session.scalar(
        select(RefusalReason.id).where(RefusalReason.code == "seniority")))


RULES: dict[str, Rule] = {
    # --- log-in, account, invitation (auth) -------------------------------------------------
    "auth.login": Rule("public"),
    "auth.logout": Rule("login"),
    "auth.account": Rule("login"),
    "auth.change_password": Rule("login"),
    "auth.revoke_sessions": Rule("login"),
    "auth.invitation": Rule("public", ids=lambda s, who: {"token": s.invitation_token(who)}),
    # Second step of the log-in: without a pending log-in, back to the log-in page (302).
    "auth.second_factor": Rule("public", ok=(200, 302)),
    "auth.enrol_second_factor": Rule("public", ok=(200, 302)),
    "auth.regenerate_recovery_codes": Rule("login"),
    "home.index": Rule("login", ok=(200, 302)),
    "home.favicon": Rule("public"),
    # --- audit trail and accounts -----------------------------------------------------------
    "audit.index": Rule("hr"),
    "audit.export": Rule("hr", ids=lambda s, who: _EXPORT),
    "users.index": Rule("admin"),
    "users.create": Rule("admin"),
    "users.show": Rule("admin", ids=_user),
    "users.deactivate": Rule("admin", ids=_user),
    "users.reactivate": Rule("admin", ids=_user),
    "users.invite": Rule("admin", ids=_user),
    "users.revoke_sessions": Rule("admin", ids=_user),
    "users.invite_employee": Rule("hr", ids=_employee),
    "users.reset_two_factor": Rule("admin", ids=_user),
    "integrations.index": Rule("admin"),
    "integrations.create": Rule("admin"),
    "integrations.revoke": Rule("admin", ids=lambda s, who: {"token_id": s.memo(
        "api-token", lambda s: __import__("tests.api.helpers", fromlist=["make_token"])
        .make_token("Matrice", ["read"])[0])}),
    "api_docs_page.page": Rule("public"),
    "users.allow_signing": Rule("admin", ids=_user),
    "users.withdraw_signing": Rule("admin", ids=_user),
    # --- HR areas ------------------------------------------------------------------------------
    "posts.index": Rule("hr"),
    "posts.export": Rule("hr", ids=lambda s, who: _EXPORT),
    "posts.create": Rule("hr"),
    "posts.show": Rule("hr", ids=lambda s, who: {"post_id": s.post()}),
    "posts.edit": Rule("hr", ids=lambda s, who: {"post_id": s.post()}),
    "employees.index": Rule("hr"),
    "employees.export": Rule("hr", ids=lambda s, who: _EXPORT),
    "employees.create": Rule("hr"),
    "employees.show": Rule("hr", ids=_employee),
    "employees.edit": Rule("hr", ids=_employee),
    "places.index": Rule("hr"),
    "places.export": Rule("hr", ids=lambda s, who: _EXPORT),
    "places.create": Rule("hr"),
    "places.show": Rule("hr", ids=lambda s, who: {"place_id": s.place(who)}),
    "places.edit": Rule("hr", ids=lambda s, who: {"place_id": s.place(who)}),
    "requests.index": Rule("hr"),
    "requests.export": Rule("hr", ids=lambda s, who: _EXPORT),
    "requests.create": Rule("hr"),
    "requests.show": Rule("hr", ids=lambda s, who: {"request_id": s.request(who)}),
    "requests.edit": Rule("hr", ids=lambda s, who: {"request_id": s.request(who)}),
    "requests.accept": Rule("hr", ids=lambda s, who: {"request_id": s.request(who)}),
    "requests.refuse": Rule("hr", ids=lambda s, who: {"request_id": s.request(who)}),
    "requests.withdraw": Rule("hr", ids=lambda s, who: {"request_id": s.request(who)}),
    "agreements.index": Rule("hr"),
    "agreements.export": Rule("hr", ids=lambda s, who: _EXPORT),
    "agreements.create": Rule("hr"),
    "agreements.show": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "agreements.edit": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "allowances.index": Rule("hr"),
    "allowances.download": Rule("hr", ids=lambda s, who: PERIOD),
    "allowances.close": Rule("hr", ids=lambda s, who: PERIOD),
    "allowances.ceilings": Rule("hr"),
    "allowances.ceilings_json": Rule("hr"),
    "allowances.ceiling_create": Rule("admin"),
    "allowances.ceiling_edit": Rule("admin", ids=lambda s, who: {"row_id": s.ceiling()}),
    "allowances.ceiling_delete": Rule("admin", ids=lambda s, who: {"row_id": s.ceiling()}),
    "allowances.ceiling_reset": Rule("admin"),
    "imports.index": Rule("hr"),
    "imports.template": Rule("hr", ids=lambda s, who: {"kind": "employees"}),
    "imports.preview": Rule("hr", ids=lambda s, who: {"batch_id": s.import_batch()}),
    "imports.apply": Rule("hr", ids=lambda s, who: {"batch_id": s.import_batch()}),
    "imports.discard": Rule("hr", ids=lambda s, who: {"batch_id": s.import_batch()}),
    "campaigns.index": Rule("hr"),
    "campaigns.create": Rule("hr"),
    "campaigns.show": Rule("hr", ids=lambda s, who: {"campaign_id": _campaign(s)}),
    "campaigns.status": Rule("hr", ids=lambda s, who: {"campaign_id": _campaign(s)}),
    "campaigns.start": Rule("hr", ids=lambda s, who: {"campaign_id": _campaign(s)}),
    "campaigns.cancel": Rule("hr", ids=lambda s, who: {"campaign_id": _campaign(s)}),
    "campaigns.archive": Rule("hr", ids=lambda s, who: {"campaign_id": _campaign(s)}),
    "policy.edit": Rule("hr"),  # HR may look; saving is admin-only (POST)
    "policy.employer": Rule("hr"),
    "policy.categories": Rule("hr"),
    # --- refusal-reason catalogue (HR and admin edit it) -----------------------------------
    "refusals.index": Rule("hr"),
    "refusals.rename": Rule("hr", ids=lambda s, who: {"reason_id": _refusal_reason(s)}),
    "refusals.deactivate": Rule("hr", ids=lambda s, who: {"reason_id": _refusal_reason(s)}),
    "refusals.reactivate": Rule("hr", ids=lambda s, who: {"reason_id": _refusal_reason(s)}),
    "refusals.delete": Rule("hr", ids=lambda s, who: {"reason_id": _refusal_reason(s)}),
    "policy.edit_category": Rule("hr", ids=lambda s, who: {"category_id": s.category()}),
    "lifecycle.agreement": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "lifecycle.amend": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "lifecycle.attestations": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "lifecycle.equipment_new": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "lifecycle.equipment_return": Rule("hr", ids=lambda s, who: {"item_id": s.equipment(who)}),
    "lifecycle.inform": Rule("hr", ids=lambda s, who: {"post_id": s.post(),
                                                       "employee_id": s.employee(who)}),
    "lifecycle.interview_new": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "lifecycle.interview_show": Rule("hr", ids=lambda s, who: {"interview_id": s.interview(who)}),
    "lifecycle.interview_edit": Rule("hr", ids=lambda s, who: {"interview_id": s.interview(who)}),
    "lifecycle.priority": Rule("hr"),
    "lifecycle.start_imposed": Rule("hr", ids=_employee),
    "lifecycle.transition": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who),
                                                           "slug": "signature"}),
    "observatory.index": Rule("hr"),
    "observatory.pdf": Rule("hr"),
    "todo.index": Rule("hr"),
    "todo.detail": Rule("hr", ids=lambda s, who: {"key": "demandes"}),
    # --- documents: HR issues them; an employee downloads only their own ------------------------
    "documents.download": Rule("employee_own", staff=True,
                               ids=lambda s, who: {"document_id": s.document(who)}),
    "documents.download_scan": Rule("employee_own", staff=True,
                                    ids=lambda s, who: {"scan_id": s.scan(who)}),
    "documents.history": Rule("hr", ids=_employee),
    "documents.index": Rule("hr"),
    "documents.export": Rule("hr", ids=lambda s, who: {"fmt": "xlsx"}),
    "documents.upload_scan": Rule("hr", ids=lambda s, who: {"document_id": s.document(who)}),
    "documents.preview_amendment": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    # 422 = allowed, but a draft agreement / pending request has no notice / refusal to preview.
    "documents.preview_notice": Rule("hr", ok=(200, 422),
                                     ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "documents.preview_refusal": Rule("hr", ok=(200, 422),
                                      ids=lambda s, who: {"request_id": s.request(who)}),
    "documents.issue_amendment": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "documents.issue_notice": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "documents.issue_refusal": Rule("hr", ids=lambda s, who: {"request_id": s.request(who)}),
    "documents.confirm_reissue": Rule("hr", ok=(200, 303, 422),
                                      ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "documents.paper_amendment": Rule("hr", ids=lambda s, who: {"agreement_id": s.agreement(who)}),
    "documents.download_paper_scan": Rule("hr", ids=lambda s, who: {"paper_id": s.memo(
        f"paper-{who}", lambda s: _paper_scan(s.agreement(who)))}),
    # --- electronic signature circuit (issue 14) -------------------------------------------------
    "signatures.sign": Rule("employee_own", staff=True,
                            ids=lambda s, who: {"document_id": s.document(who)}),
    "signatures.evidence": Rule("employee_own", staff=True,
                                ids=lambda s, who: {"document_id": s.document(who)}),
    # 404 for allowed users too while nothing is signed yet (no signed PDF to serve).
    "signatures.download_signed": Rule("employee_own", staff=True, ok=(200, 404),
                                       ids=lambda s, who: {"document_id": s.document(who)}),
    "signatures.start": Rule("hr", ids=lambda s, who: {"document_id": s.document(who)}),
    "signatures.verify_stored": Rule("hr", ok=(200, 422),
                                     ids=lambda s, who: {"document_id": s.document(who)}),
    "signatures.verify": Rule("public"),
    # --- employee's own space (portal) ---------------------------------------------------------
    "portal.index": Rule("employee_own"),
    "portal.documents": Rule("employee_own"),
    "portal.new_request": Rule("employee_own"),
    "portal.request_end": Rule("employee_own"),
    "portal.export": Rule("employee_own"),
    "portal.change_request": Rule("employee_own", ok=(200, 422),
                                  ids=lambda s, who: {"request_id": s.request(who)}),
    "portal.withdraw_request": Rule("employee_own",
                                    ids=lambda s, who: {"request_id": s.request(who)}),
    "portal.acknowledge": Rule("employee_own", ids=lambda s, who: {"document_id": s.memo(
        f"portal-document-{who}",
        lambda s: __import__("tests.web.test_portal", fromlist=["make_document"])
        .make_document(s.employee(who)).id)}),
    # --- notifications, planning, day changes, calendar feeds (issue 12) ------------------------
    "notifications.index": Rule("login"),
    "notifications.mark_all": Rule("login"),
    "notifications.preference": Rule("login"),
    "notifications.open_one": Rule("employee_own",
                                   ids=lambda s, who: {"notification_id": s.notification(who)}),
    "planning.index": Rule("hr"),
    "planning.export_csv": Rule("hr"),
    "planning.export_pdf": Rule("hr"),
    "planning.teams": Rule("hr"),
    "planning.team": Rule("hr", ids=lambda s, who: {"team_id": s.team()}),
    "planning.calendars": Rule("hr"),
    "planning.day_changes": Rule("hr"),
    "planning.decide_change": Rule("hr", ids=lambda s, who: {"change_id": s.day_change(who)}),
    "portal_days.index": Rule("employee_own"),
    "portal_days.ask": Rule("employee_own"),
    "portal_days.calendar": Rule("employee_own"),
    "portal_days.withdraw": Rule("employee_own",
                                 ids=lambda s, who: {"change_id": s.day_change(who)}),
    "ics.feed": Rule("public", ids=lambda s, who: {"token": s.feed_token(who)}),
}


class Seed:
    """Employees A and B with their accounts, HR and admin accounts, and objects on demand."""

    def __init__(self, app):
        self.app = app
        self._memo: dict[str, Any] = {}
        with app.app_context():
            make_employer()
            employee_a = make_employee(first_name="Alice", last_name="Aubert",
                                       email="alice@example.test")
            employee_b = make_employee(first_name="Bruno", last_name="Bernard",
                                       email="bruno@example.test")
            self._employees = {"a": employee_a.id, "b": employee_b.id}
            self._users = {
                "a": make_user("alice@example.test", role="employee", employee_id=employee_a.id).id,
                "b": make_user("bruno@example.test", role="employee", employee_id=employee_b.id).id,
            }
            self.hr = make_user("rh.matrice@example.test", role="hr").id
            self.admin = make_user("admin.matrice@example.test", role="admin").id
            # A second admin, so that "deactivate" on any account never hits the last-admin rule.
            make_user("admin.secours@example.test", role="admin")

    def memo(self, key: str, factory: Callable[[Seed], Any]) -> Any:
        """factory(seed) once per test (inside an app context); its result afterwards."""
        if key not in self._memo:
            with self.app.app_context():
                self._memo[key] = factory(self)
        return self._memo[key]

    def employee(self, who: str) -> int:
        return self._employees[who]

    def user(self, who: str) -> int:
        return self._users[who]

    def post(self) -> int:
        return self.memo("post", lambda s: make_post(code="MATRICE-1").id)

    def category(self) -> int:
        return self.memo("category", lambda s: make_category("MX", "Catégorie matrice").id)

    def request(self, who: str) -> int:
        return self.memo(f"request-{who}", lambda s: make_request(employee_id=s.employee(who)).id)

    def agreement(self, who: str) -> int:
        return self.memo(f"agreement-{who}",
                         lambda s: make_agreement(employee_id=s.employee(who)).id)

    def place(self, who: str) -> int:
        return self.memo(f"place-{who}", lambda s: make_place(employee_id=s.employee(who)).id)

    def invitation_token(self, who: str) -> str:
        def build(s):
            from hrtele.models import User
            from hrtele.users.services import create_invitation

            _, token = create_invitation(db.session.get(User, s.user(who)), None)
            db.session.commit()
            return token

        return self.memo(f"invitation-{who}", build)

    def ceiling(self) -> int:
        def build(s):
            row = UrssafCeiling(valid_from=date(2099, 1, 1), per_weekly_day_monthly=Decimal("10.90"),
                                per_day=Decimal("2.70"), monthly_cap=Decimal("59.40"),
                                note="matrice", source="test")
            db.session.add(row)
            db.session.commit()
            return row.id

        return self.memo("ceiling", build)

    def equipment(self, who: str) -> int:
        def build(s):
            from hrtele.models import EquipmentItem

            item = EquipmentItem(agreement_id=s.agreement(who), item_type="Ordinateur portable",
                                 serial_number=f"SN-{who}", issued_date=date(2026, 10, 1))
            db.session.add(item)
            db.session.commit()
            return item.id

        return self.memo(f"equipment-{who}", build)

    def interview(self, who: str) -> int:
        def build(s):
            from hrtele.models import AnnualInterview

            row = AnnualInterview(agreement_id=s.agreement(who), held_date=date(2026, 11, 5),
                                  conditions="Bonnes", workload="Normale")
            db.session.add(row)
            db.session.commit()
            return row.id

        return self.memo(f"interview-{who}", build)

    def document(self, who: str) -> int:
        """An issued amendment of owner's agreement (stored bytes, no PDF rendering)."""
        def build(s):
            import hashlib

            from hrtele.models import IssuedDocument

            pdf = f"%PDF-1.7 matrice {who}".encode()
            row = IssuedDocument(reference=f"AV-MATRICE-{who.upper()}", kind="amendment", version=1,
                                 employee_id=s.employee(who), agreement_id=s.agreement(who),
                                 pdf_bytes=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
                                 size=len(pdf), snapshot_json="{}", template_version="test",
                                 issued_by_id=s.hr)
            db.session.add(row)
            db.session.commit()
            return row.id

        return self.memo(f"document-{who}", build)

    def notification(self, who: str) -> int:
        def build(s):
            from hrtele.models import Notification

            row = Notification(user_id=s.user(who), key=f"matrice-{who}", kind="request_new",
                               title="Matrice", body="", url="/")
            db.session.add(row)
            db.session.commit()
            return row.id

        return self.memo(f"notification-{who}", build)

    def team(self) -> int:
        def build(s):
            from hrtele.models import Team

            row = Team(name="Équipe matrice", min_on_site=1)
            db.session.add(row)
            db.session.commit()
            return row.id

        return self.memo("team", build)

    def day_change(self, who: str) -> int:
        def build(s):
            from hrtele.models import DayChange

            row = DayChange(employee_id=s.employee(who), agreement_id=s.agreement(who),
                            kind="cancel", half="day", from_date=date(2026, 10, 5),
                            status="pending")
            db.session.add(row)
            db.session.commit()
            return row.id

        return self.memo(f"day-change-{who}", build)

    def feed_token(self, who: str) -> str:
        def build(s):
            from hrtele.models import User
            from hrtele.planning.feeds import create_feed

            token = create_feed(db.session.get(User, s.user(who)), "personal")
            db.session.commit()
            return token

        return self.memo(f"feed-{who}", build)

    def scan(self, who: str) -> int:
        def build(s):
            import hashlib

            from hrtele.models import SignedScan

            pdf = f"%PDF-1.7 scan {who}".encode()
            row = SignedScan(document_id=s.document(who), filename="signe.pdf", pdf_bytes=pdf,
                             sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
                             uploaded_by_id=s.hr)
            db.session.add(row)
            db.session.commit()
            return row.id

        return self.memo(f"scan-{who}", build)

    def import_batch(self) -> int:
        def build(s):
            from hrtele.imports.services import create_batch
            from hrtele.models import User

            data = "code;intitule\r\nMX-IMPORT;Poste importé\r\n".encode()
            batch, _plan = create_batch("posts", "postes.csv", data, db.session.get(User, s.hr))
            db.session.commit()
            return batch.id

        return self.memo("import-batch", build)


ACTORS = ("anonymous", "employee_a", "employee_b", "hr", "admin")
EMAILS = {
    "employee_a": "alice@example.test",
    "employee_b": "bruno@example.test",
    "hr": "rh.matrice@example.test",
    "admin": "admin.matrice@example.test",
}


def _campaign(seed: Seed) -> int:
    def build(s):
        from hrtele.campaigns.services import plan_campaign

        campaign = plan_campaign("amendment", [s.agreement("a")], None, "test", date(2026, 11, 20))
        db.session.commit()
        return campaign.id

    return seed.memo("campaign", build)


def _clients(app) -> dict[str, Any]:
    clients = {"anonymous": app.test_client()}
    for actor, email in EMAILS.items():
        client = app.test_client()
        response = login(client, email)
        assert response.status_code == 302, f"log-in of {actor} failed: {response.status_code}"
        clients[actor] = client
    return clients


def _denials(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "access_denied")
        )


def _allowed(rule: Rule, actor: str, owner: str) -> bool:
    """Whether actor may use the route on owner's object (owner is "a" or "b")."""
    if rule.access in ("public", "login"):
        return actor != "anonymous" or rule.access == "public"
    if rule.access == "hr":
        return actor in ("hr", "admin")
    if rule.access == "admin":
        return actor == "admin"
    # employee_own
    if actor in ("hr", "admin"):
        return rule.staff
    return actor == f"employee_{owner}" or rule.ids is None and actor.startswith("employee_")


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.headers.get("Location", "").split("?")[0] in (
        "/connexion", "http://localhost/connexion")


def _url(app, endpoint: str, values: dict[str, Any]) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for(endpoint, **values)


def _values(seed: Seed, rule: Rule, owner: str) -> dict[str, Any]:
    return rule.ids(seed, owner) if rule.ids else {}


def _cases(rule: Rule) -> list[tuple[str, str]]:
    """(actor, owner) pairs to try, refused ones first: a POST by an allowed actor may change
    the object, so only the first allowed actor is tried for POST routes."""
    cases = [(actor, "a") for actor in ACTORS]
    if rule.access == "employee_own":
        cases.append(("employee_b", "b"))
    return sorted(cases, key=lambda case: _allowed(rule, *case))


def check_endpoint(app, clients, seed: Seed, endpoint: str, rule: Rule, method: str) -> list[str]:
    """Every violation of the rule for one endpoint, as readable lines (empty when fine)."""
    problems: list[str] = []
    for actor, owner in _cases(rule):
        url = _url(app, endpoint, _values(seed, rule, owner))
        before = _denials(app)
        response = clients[actor].open(url, method=method)
        code = response.status_code
        allowed = _allowed(rule, actor, owner)
        where = f"{endpoint} {method} {url} as {actor}"
        if code >= 500:
            problems.append(f"{where}: {code} (server error)")
            continue
        if actor == "anonymous" and not allowed:
            if not _is_login_redirect(response):
                problems.append(f"{where}: expected 302 to /connexion, got {code}")
            continue
        if allowed:
            expected = rule.ok if method == "GET" else POST_OK
            if rule.access == "public" and actor != "anonymous":
                expected = (*expected, 302)  # e.g. the log-in page sends a logged-in user home
            if code not in expected:
                problems.append(f"{where}: allowed, expected {expected}, got {code}")
            elif method != "GET":
                break  # the first allowed actor may have changed the object; admin >= HR anyway
            continue
        if code not in DENIED:
            problems.append(f"{where}: must be refused (403/404), got {code}")
        elif _denials(app) - before != 1:
            problems.append(
                f"{where}: refused without exactly one 'access_denied' audit entry "
                f"({_denials(app) - before}); use require_* hooks / get_visible_or_404"
            )
    if method == "GET" and rule.ids is not None:
        problems += _check_missing_ids(app, clients, seed, endpoint, rule)
    return problems


def _without_csrf(body: bytes) -> bytes:
    """The page without its CSRF token values."""
    return re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token"', body)


def _check_missing_ids(app, clients, seed, endpoint, rule) -> list[str]:
    """Ids that do not exist give 404; for employee_own, the same 404 as someone else's id."""
    values = _values(seed, rule, "a")
    id_keys = [k for k, v in values.items() if k.endswith("_id") and isinstance(v, int)]
    if not id_keys:
        return []
    missing = dict(values, **{k: MISSING_ID for k in id_keys})
    url = _url(app, endpoint, missing)
    actor = {"hr": "hr", "admin": "admin"}.get(rule.access, "employee_a")
    problems = []
    response = clients[actor].get(url)
    if response.status_code != 404:
        problems.append(f"{endpoint} GET {url} as {actor}: missing id must be 404, "
                        f"got {response.status_code}")
    if rule.access == "employee_own":
        # Same actor (B), same page chrome: only the existence of the object could differ.
        on_missing = clients["employee_b"].get(url)
        on_other = clients["employee_b"].get(_url(app, endpoint, values))
        # The logout form's CSRF token embeds a timestamp: the only legitimate difference.
        if (on_other.status_code, _without_csrf(on_other.data)) != (
            on_missing.status_code, _without_csrf(on_missing.data)
        ):
            problems.append(f"{endpoint}: B's 404 on A's object differs from the 404 of a "
                            "missing object (it reveals that the object exists)")
    return problems


# --- the url_map, read once at collection time -------------------------------------------------

def _url_map_routes() -> dict[str, tuple[str, frozenset[str]]]:
    """{endpoint: (rule, methods)} of a throwaway app (no database touched)."""
    from hrtele import create_app

    probe = create_app({"TESTING": True, "SECRET_KEY": "collection-only",
                        "SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": False})
    routes: dict[str, tuple[str, frozenset[str]]] = {}
    for url_rule in probe.url_map.iter_rules():
        methods = frozenset(url_rule.methods - {"HEAD", "OPTIONS"})
        routes[url_rule.endpoint] = (url_rule.rule, methods)
    return routes


ROUTES = _url_map_routes()
GET_ENDPOINTS = sorted(e for e, (_, m) in ROUTES.items() if "GET" in m and e != "static" and e in RULES)
POST_ONLY_ENDPOINTS = sorted(
    e for e, (_, m) in ROUTES.items() if "GET" not in m and e != "static" and e in RULES
)
GET_AREAS = sorted({e.split(".")[0] for e in GET_ENDPOINTS})


def _suggestion(endpoint: str) -> str:
    rule, methods = ROUTES[endpoint]
    args = re.findall(r"<(?:[^:>]+:)?([^>]+)>", rule)
    ids = ""
    if args:
        ids = ", ids=lambda s, who: {" + ", ".join(f'"{a}": ...' for a in args) + "}"
    return f'    "{endpoint}": Rule("<public|login|employee_own|hr|admin>"{ids}),  # ' \
           f'{"/".join(sorted(methods))} {rule}'


# The JSON API authenticates with tokens, not sessions: tests/api/test_api_access.py holds its
# own matrix (every operation x every scope, no token, revoked token, session cookie).
API_ENDPOINTS = frozenset(e for e, (rule, _) in ROUTES.items() if rule.startswith("/api/v1"))


def test_every_endpoint_has_an_access_rule():
    missing = sorted(set(ROUTES) - set(RULES) - {"static"} - API_ENDPOINTS)
    assert not missing, (
        f"{len(missing)} endpoint(s) of app.url_map have no access rule. Add them to RULES in "
        "tests/web/test_access_matrix.py (see the module docstring), e.g.:\n"
        + "\n".join(_suggestion(e) for e in missing)
    )


@pytest.mark.parametrize("area", GET_AREAS)
def test_get_routes_follow_their_rule(app, area):
    seed = Seed(app)
    clients = _clients(app)
    problems = []
    for endpoint in GET_ENDPOINTS:
        if endpoint.split(".")[0] == area:
            problems += check_endpoint(app, clients, seed, endpoint, RULES[endpoint], "GET")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("endpoint", POST_ONLY_ENDPOINTS)
def test_post_routes_follow_their_rule(app, endpoint):
    seed = Seed(app)
    clients = _clients(app)
    method = "POST" if "POST" in ROUTES[endpoint][1] else sorted(ROUTES[endpoint][1])[0]
    problems = check_endpoint(app, clients, seed, endpoint, RULES[endpoint], method)
    assert not problems, "\n".join(problems)


# --- the matrix must catch what it is meant to catch --------------------------------------------

@pytest.fixture
def probe_routes(app):
    """Two employee-space routes added to this test's app: one checks ownership, one forgets."""
    from flask import Blueprint

    from hrtele.auth.access import current_actor, get_visible_or_404, require_employee
    from hrtele.models import Place

    probe = Blueprint("probe", __name__, url_prefix="/_sonde")
    probe.before_request(require_employee)

    @probe.route("/lieux/<int:place_id>")
    def guarded(place_id: int):
        place = get_visible_or_404(Place, place_id, current_actor())
        return f"lieu {place.id}"

    @probe.route("/fuite/<int:place_id>")
    def leaky(place_id: int):
        place = db.session.get(Place, place_id)
        return f"lieu {place.id}" if place else ("", 404)

    app.register_blueprint(probe)
    return app


def test_matrix_accepts_a_route_that_checks_ownership(probe_routes):
    app = probe_routes
    seed, clients = Seed(app), _clients(app)
    rule = Rule("employee_own", ids=lambda s, who: {"place_id": s.place(who)})
    assert check_endpoint(app, clients, seed, "probe.guarded", rule, "GET") == []


def test_matrix_catches_an_idor(probe_routes):
    app = probe_routes
    seed, clients = Seed(app), _clients(app)
    rule = Rule("employee_own", ids=lambda s, who: {"place_id": s.place(who)})
    problems = check_endpoint(app, clients, seed, "probe.leaky", rule, "GET")
    assert any("as employee_b" in p and "must be refused" in p for p in problems), problems


def test_matrix_catches_a_wrong_rule(app):
    seed, clients = Seed(app), _clients(app)
    # posts.index is HR-only: declaring it "login" must be reported (employees are refused).
    problems = check_endpoint(app, clients, seed, "posts.index", Rule("login"), "GET")
    assert any("as employee_a" in p for p in problems), problems


def test_missing_rule_message_names_the_endpoint():
    line = _suggestion("users.show")
    assert '"users.show"' in line and '"user_id": ...' in line and "/comptes/<int:user_id>" in line
