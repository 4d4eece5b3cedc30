"""Every notification is sent once per event, in the app and by e-mail, read back from the real
local SMTP server (aiosmtpd) the tests start."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from hrtele import clock
from hrtele.extensions import db
from hrtele.models import Agreement, DayChange, Notification, TeleworkRequest, User
from hrtele.notifications import events
from hrtele.notifications.services import Message, notify, unread_count
from tests.conftest import login
from tests.factories import make_agreement, make_employee, make_user

TODAY = date(2026, 10, 7)  # a Wednesday
EMPLOYEE = "emma.salariee@example.test"
MANAGER = "marc.responsable@example.test"
HR_A = "rh.a@example.test"
HR_B = "rh.b@example.test"


@pytest.fixture
def people(app, frozen_today):
    """An employee with an account and a manager with an account, two HR accounts."""
    frozen_today(TODAY)
    with app.app_context():
        boss = make_employee(first_name="Marc", last_name="Chef")
        worker = make_employee(first_name="Emma", last_name="Salariée", manager_id=boss.id)
        make_user(EMPLOYEE, role="employee", employee_id=worker.id, display_name="Emma")
        make_user(MANAGER, role="employee", employee_id=boss.id, display_name="Marc")
        make_user(HR_A, role="hr", display_name="RH A")
        make_user(HR_B, role="admin", display_name="RH B")
        make_user("rh.partie@example.test", role="hr", is_active_account=False)
        return {"worker": worker.id, "boss": boss.id}


def _client(app, email):
    c = app.test_client()
    assert login(c, email).status_code == 302
    return c


def recipients(outbox) -> list[str]:
    return sorted(r for e in outbox.envelopes for r in e.rcpt_tos)


def kinds(app, email=None) -> list[str]:
    with app.app_context():
        stmt = select(Notification.kind).join(User, User.id == Notification.user_id)
        if email:
            stmt = stmt.where(User.email == email)
        return sorted(db.session.scalars(stmt))


def test_message_is_french_text_and_html_with_a_link(app, people, mail_outbox):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == EMPLOYEE))
        notify("request_decided", "request_decided:1:accepted", [user_id],
               Message("Votre demande de télétravail est acceptée", "Corps du message.",
                       "/mon-espace/"))
        assert mail_outbox == []  # nothing leaves before the commit
        db.session.commit()
    [message] = mail_outbox
    assert message["To"] == EMPLOYEE
    assert message["Subject"] == "Télétravail : Votre demande de télétravail est acceptée"
    assert message.is_multipart()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Bonjour Emma" in text and "Corps du message." in text and "/mon-espace/" in text
    assert '<html lang="fr">' in html and 'href="' in html and "/mon-espace/" in html
    assert "/notifications/" in text  # where to change the preference


def test_same_key_notifies_once_and_rollback_sends_nothing(app, people, mail_outbox):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == EMPLOYEE))
        message = Message("Titre", "Corps", "/")
        notify("interview_due", "interview_due:9:2026-11-01", [user_id, user_id], message)
        db.session.commit()
        assert notify("interview_due", "interview_due:9:2026-11-01", [user_id], message) == []
        db.session.commit()
        notify("interview_due", "interview_due:9:2026-12-01", [user_id], message)
        db.session.rollback()
        assert unread_count(user_id) == 1
    assert len(mail_outbox) == 1


def test_in_app_only_preference_sends_no_mail(app, people, mail_outbox):
    client = _client(app, EMPLOYEE)
    response = client.post("/notifications/preference", data={"channel": "app"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMPLOYEE))
        assert user.notify_by_email is False
        notify("request_decided", "request_decided:2:refused", [user.id],
               Message("Refus", "Corps", "/mon-espace/"))
        db.session.commit()
        assert unread_count(user.id) == 1
    assert mail_outbox == []
    bad = client.post("/notifications/preference", data={"channel": "pigeon"})
    assert bad.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.notify_by_email).where(User.email == EMPLOYEE)) is False


def test_request_submitted_then_decided(app, people, mail_outbox):
    """New request: HR (active accounts) and the manager once; decision: the employee once."""
    client = _client(app, EMPLOYEE)
    response = client.post("/mon-espace/demande", data={
        "wished_days": "1", "wished_pattern": ["mon_am", "mon_pm"], "place_kind": "home",
        "third_place_id": "0", "motive": "Moins de trajets"})
    assert response.status_code == 302
    assert recipients(mail_outbox) == [MANAGER, HR_A, HR_B]
    hr_mail = mail_outbox.to(HR_A)[0]
    assert "Nouvelle demande de télétravail de Emma SALARIÉE" in hr_mail["Subject"]
    with app.app_context():
        req = db.session.scalar(select(TeleworkRequest))
        request_id, version = req.id, req.version
    assert f"/demandes/{request_id}" in hr_mail.get_body(("plain",)).get_content()
    assert "/planning/" in mail_outbox.to(MANAGER)[0].get_body(("plain",)).get_content()
    mail_outbox.clear()
    hr = _client(app, HR_A)
    response = hr.post(f"/demandes/{request_id}/accepter", data={
        "accept-version": str(version), "accept-decision_date": TODAY.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    assert recipients(mail_outbox) == [EMPLOYEE]
    assert mail_outbox[0]["Subject"] == "Télétravail : Votre demande de télétravail est acceptée"
    # A second click is refused by the state machine and notifies nobody.
    hr.post(f"/demandes/{request_id}/accepter", data={
        "accept-version": str(version + 1), "accept-decision_date": TODAY.strftime("%d/%m/%Y")})
    assert len(mail_outbox) == 1
    assert kinds(app, EMPLOYEE) == ["request_decided"]
    assert kinds(app, HR_A) == ["request_new"]


def test_document_issued_acknowledged_and_reminded(app, people, mail_outbox):
    from hrtele.documents import services as documents

    with app.app_context():
        agreement = make_agreement(employee_id=people["worker"], start_date=TODAY + timedelta(days=20),
                                   adaptation_end_date=TODAY + timedelta(days=110))
        hr = db.session.scalar(select(User).where(User.email == HR_A))
        document = documents.issue_amendment(agreement, hr, TODAY)
        db.session.commit()
        document_id, issued_on = document.id, document.issued_dt.date()
    assert recipients(mail_outbox) == [EMPLOYEE]
    assert "Nouveau document : Avenant de télétravail" in mail_outbox[0]["Subject"]
    mail_outbox.clear()
    # A week later, not acknowledged: one reminder, however often the job runs.
    with app.app_context():
        assert events.notify_due(issued_on + timedelta(days=6)) == 0
        assert events.notify_due(issued_on + timedelta(days=8)) >= 1
        db.session.commit()
        events.notify_due(issued_on + timedelta(days=9))
        db.session.commit()
    assert [m["Subject"] for m in mail_outbox] == [
        "Télétravail : Document en attente de votre accusé de réception : Avenant de télétravail"]
    mail_outbox.clear()
    client = _client(app, EMPLOYEE)
    for _ in range(2):
        assert client.post(f"/mon-espace/documents/{document_id}/accuse-reception").status_code == 302
    assert recipients(mail_outbox) == [MANAGER, HR_A, HR_B]
    assert all("Document reçu par Emma SALARIÉE" in m["Subject"] for m in mail_outbox)


def test_end_requested_by_the_employee_and_end_notified_by_hr(app, people, mail_outbox):
    from hrtele.lifecycle import services as lifecycle
    from hrtele.portal.services import request_end

    with app.app_context():
        mine = make_agreement(employee_id=people["worker"], status="active",
                              start_date=date(2026, 1, 5), adaptation_end_date=date(2026, 4, 5))
        request_end(mine, TODAY + timedelta(days=40), "Déménagement",
                    db.session.scalar(select(User).where(User.email == EMPLOYEE)), TODAY)
        db.session.commit()
    assert recipients(mail_outbox) == [MANAGER, HR_A, HR_B]
    assert "Fin du télétravail demandée par Emma SALARIÉE" in mail_outbox.to(HR_B)[0]["Subject"]
    mail_outbox.clear()
    with app.app_context():
        other = make_employee(first_name="Paul", last_name="Roques")
        make_user("paul@example.test", role="employee", employee_id=other.id)
        theirs = make_agreement(employee_id=other.id, status="active",
                                start_date=date(2026, 1, 5), adaptation_end_date=date(2026, 4, 5))
        hr = db.session.scalar(select(User).where(User.email == HR_A))
        lifecycle.transition(theirs, "notify_end", {
            "version": theirs.version, "initiative": "employer", "method": "hand_delivery",
            "notification_date": TODAY, "effective_date": TODAY + timedelta(days=45),
            "reason": "Réorganisation du service", "return_arrangements": "Retour sur site",
        }, hr, TODAY)
        db.session.commit()
    assert recipients(mail_outbox) == ["paul@example.test"]
    assert mail_outbox[0]["Subject"] == "Télétravail : Fin de votre télétravail notifiée"


def test_dated_follow_ups_once_each(app, people, mail_outbox):
    with app.app_context():
        make_agreement(employee_id=people["worker"], status="adaptation",
                       start_date=TODAY - timedelta(days=80),
                       adaptation_end_date=TODAY + timedelta(days=15),
                       annual_interview_due_date=TODAY + timedelta(days=30),
                       insurance_expiry_date=TODAY + timedelta(days=10))
        make_agreement(status="adaptation", start_date=TODAY - timedelta(days=10),
                       adaptation_end_date=TODAY + timedelta(days=16))  # not yet, no account
        for _ in range(3):
            events.notify_due(TODAY)
            db.session.commit()
    subjects = sorted(m["Subject"] for m in mail_outbox)
    assert subjects == [
        "Télétravail : Votre attestation d'assurance habitation est à renouveler",
        "Télétravail : Votre entretien annuel de télétravail est à tenir",
        "Télétravail : Votre période d'adaptation se termine bientôt",
    ]
    assert recipients(mail_outbox) == [EMPLOYEE] * 3
    # A renewed attestation (new expiry date) is a new event.
    with app.app_context():
        agreement = db.session.scalar(select(Agreement).where(
            Agreement.employee_id == people["worker"]))
        agreement.insurance_expiry_date = TODAY + timedelta(days=20)
        db.session.commit()
        events.notify_due(TODAY)
        db.session.commit()
    assert len(mail_outbox) == 4


def test_notify_due_command(app, people, mail_outbox):
    with app.app_context():
        make_agreement(employee_id=people["worker"], status="adaptation",
                       start_date=TODAY - timedelta(days=80),
                       adaptation_end_date=TODAY + timedelta(days=3))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notify-due", "--date", TODAY.strftime("%d/%m/%Y")])
    assert result.exit_code == 0, result.output
    assert "1 notification(s) créée(s)." in result.output
    result = runner.invoke(args=["notify-due", "--date", TODAY.strftime("%d/%m/%Y")])
    assert "0 notification(s) créée(s)." in result.output
    assert len(mail_outbox) == 1
    bad = runner.invoke(args=["notify-due", "--date", "31/02/2026"])
    assert bad.exit_code != 0 and "Date impossible" in bad.output


def test_day_change_asked_then_decided(app, people, mail_outbox):
    with app.app_context():
        make_agreement(employee_id=people["worker"], status="active", weekly_pattern="11001100000000",
                       start_date=date(2026, 1, 5), adaptation_end_date=date(2026, 4, 5))
    client = _client(app, EMPLOYEE)
    monday = TODAY + timedelta(days=5)
    response = client.post("/mon-espace/jours/changement", data={
        "kind": "move", "half": "day", "from_date": monday.strftime("%d/%m/%Y"),
        "to_date": (monday + timedelta(days=1)).strftime("%d/%m/%Y"), "motive": "Rendez-vous"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert recipients(mail_outbox) == [MANAGER, HR_A, HR_B]
    assert "Changement de jour demandé par Emma SALARIÉE" in mail_outbox[0]["Subject"]
    mail_outbox.clear()
    with app.app_context():
        change = db.session.scalar(select(DayChange))
        change_id, version = change.id, change.version
    manager = _client(app, MANAGER)  # the manager decides for their team
    response = manager.post(f"/planning/changements/{change_id}/decision",
                            data={"decision": "refuse", "reason": "", "version": version})
    assert response.status_code == 302
    assert mail_outbox == []  # a refusal without a reason changes nothing
    response = manager.post(f"/planning/changements/{change_id}/decision",
                            data={"decision": "refuse", "reason": "Réunion d'équipe",
                                  "version": version})
    assert recipients(mail_outbox) == [EMPLOYEE]
    body = mail_outbox[0].get_body(("plain",)).get_content()
    assert "refusé" in body and "Réunion d'équipe" in body
    with app.app_context():
        assert db.session.scalar(select(func.count(Notification.id)).where(
            Notification.kind == "day_change_decided")) == 1


def test_bell_counts_unread_and_opening_marks_read(app, people):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == EMPLOYEE))
        for i in range(3):
            notify("request_decided", f"request_decided:{i}:accepted", [user_id],
                   Message(f"Titre {i}", "Corps", "/mon-espace/documents"))
        db.session.commit()
        first = db.session.scalar(select(Notification.id).order_by(Notification.id))
    client = _client(app, EMPLOYEE)
    page = client.get("/mon-espace/").get_data(as_text=True)
    assert 'class="bell-count has-unread">3<' in page
    response = client.post(f"/notifications/{first}/ouvrir")
    assert response.status_code == 302 and response.location.endswith("/mon-espace/documents")
    assert 'class="bell-count has-unread">2<' in client.get("/notifications/").get_data(as_text=True)
    client.post("/notifications/tout-lu")
    assert 'class="bell-count">0<' in client.get("/notifications/").get_data(as_text=True)
    # Someone else's notification is a 404.
    other = _client(app, HR_A)
    assert other.post(f"/notifications/{first}/ouvrir").status_code == 404
    assert clock.today() == TODAY
