"""Audit under load: many refused or logged requests at once lose no audit entry (SQLite too)."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from hrtele.audit.chain import verify_chain
from hrtele.extensions import db
from hrtele.models import AuditEntry, IssuedDocument
from tests.conftest import login
from tests.factories import make_employee, make_user

pytestmark = pytest.mark.slow

THREADS = 8
REQUESTS_PER_THREAD = 20


@pytest.fixture
def people(app):
    """Employees (one per thread) and a document of the first one, for logged downloads."""
    with app.app_context():
        emails = []
        for i in range(THREADS):
            employee = make_employee(email=f"charge{i}@example.test")
            make_user(f"charge{i}@example.test", role="employee", employee_id=employee.id)
            emails.append(f"charge{i}@example.test")
        pdf = b"%PDF-1.7 charge\n%%EOF"
        owner = db.session.scalar(select(IssuedDocument.employee_id).limit(1))
        document = IssuedDocument(reference="AV-CHARGE-1", kind="amendment", version=1,
                                  employee_id=owner or make_employee().id, pdf_bytes=pdf,
                                  sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
                                  snapshot_json="{}", template_version="t")
        from hrtele.models import User

        document.employee_id = db.session.scalar(
            select(User.employee_id).where(User.email == emails[0]))
        db.session.add(document)
        db.session.commit()
        return emails, document.id


def _count(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


def test_concurrent_refusals_and_downloads_lose_no_audit_entry(app, people):
    emails, document_id = people
    clients = []
    for email in emails:
        client = app.test_client()
        assert login(client, email).status_code == 302
        clients.append(client)
    before = Counter(denied=_count(app, "access_denied"), download=_count(app, "download"))
    statuses: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(index: int):
        client = clients[index]
        start.wait()
        for n in range(REQUESTS_PER_THREAD):
            if index == 0 and n % 2:
                response = client.get(f"/documents/{document_id}")  # owner: logged download
            else:
                response = client.get("/salaries/")  # HR page: refused and logged
            with lock:
                statuses[response.status_code] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(statuses.values()) == THREADS * REQUESTS_PER_THREAD
    assert set(statuses) <= {200, 403}, statuses
    downloads = REQUESTS_PER_THREAD // 2
    assert statuses[200] == downloads
    assert _count(app, "access_denied") - before["denied"] == statuses[403]
    assert _count(app, "download") - before["download"] == downloads
    with app.app_context():
        report = verify_chain(db.session)
    assert report.problems == []
