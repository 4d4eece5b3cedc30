"""Lifecycle screens: a whole agreement walked through HTTP, every illegal transition refused,
guards and bad input changing nothing, concurrency, CSRF and access control."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from hrtele import clock as hrtele_clock
from hrtele.domain import lifecycle as lc
from hrtele.extensions import db
from hrtele.lifecycle.routes import EVENT_SLUGS, SLUG_OF
from hrtele.models import Agreement, AgreementEvent, AuditEntry
from tests.factories import make_agreement, make_employee, make_policy, make_user, page_text


class Clock:
    """The lifecycle's notion of today, movable by the test."""

    def __init__(self, today: date):
        self.today = today

    def set(self, today: date) -> None:
        self.today = today


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Freeze the lifecycle's today (Europe/Paris) at 25/09/2026, movable with clock.set()."""
    holder = Clock(date(2026, 9, 25))
    monkeypatch.setattr(hrtele_clock, "_today_provider", lambda: holder.today)
    return holder


def issued_agreement(**kw) -> int:
    """A compliant agreement whose avenant was issued on 20/09/2026 (as the documents area does)."""
    agreement = make_agreement(status="issued", **kw)
    db.session.add(AgreementEvent(agreement_id=agreement.id, event="issue", from_state="draft",
                                  to_state="issued", event_date=date(2026, 9, 20)))
    agreement.amendment_version = 1
    db.session.commit()
    return agreement.id


def state(app, agreement_id: int) -> tuple[str, int, int]:
    """(status, version, number of events) of an agreement, read fresh."""
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        events = db.session.scalar(
            select(func.count(AgreementEvent.id)).where(AgreementEvent.agreement_id == agreement_id)
        )
        return agreement.status, agreement.version, events


def post_event(client, app, agreement_id: int, event: str, data: dict, version: int | None = None):
    """POST a transition form with the agreement's current version."""
    if version is None:
        version = state(app, agreement_id)[1]
    return client.post(f"/suivi/accords/{agreement_id}/{SLUG_OF[event]}",
                       data={"version": str(version), **data})


def digest_of(response) -> str:
    """The warnings digest the amendment form asks to confirm."""
    match = re.search(r'name="warnings_digest"[^>]*value="([0-9a-f]+)"', response.get_data(as_text=True))
    assert match, "no warnings confirmation on the page"
    return match.group(1)


def test_whole_lifecycle_through_http(app, hr_client, clock):
    with app.app_context():
        agreement_id = issued_agreement(end_date=date(2027, 9, 30))

    # issued -> signed (each party's date)
    response = post_event(hr_client, app, agreement_id, lc.SIGN, {
        "employee_signed_date": "22/09/2026", "employer_signed_date": "23/09/2026"})
    assert response.status_code == 302, page_text(response)
    assert state(app, agreement_id)[0] == "signed"

    # signed -> adaptation (insurance and electrical statement received)
    clock.set(date(2026, 10, 1))
    response = post_event(hr_client, app, agreement_id, lc.ACTIVATE, {"event_date": "01/10/2026"})
    assert response.status_code == 302, page_text(response)
    assert state(app, agreement_id)[0] == "adaptation"
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.annual_interview_due_date == date(2027, 10, 1)
        assert agreement.adaptation_end_date == date(2026, 12, 31)

    # adaptation -> suspended (exceptional circumstances) -> adaptation again
    clock.set(date(2026, 10, 12))
    response = post_event(hr_client, app, agreement_id, lc.SUSPEND, {
        "reason": "Inondation du domicile", "start_date": "12/10/2026", "end_date": "19/10/2026"})
    assert response.status_code == 302
    assert state(app, agreement_id)[0] == "suspended"
    clock.set(date(2026, 10, 20))
    response = post_event(hr_client, app, agreement_id, lc.RESUME, {"event_date": "20/10/2026"})
    assert response.status_code == 302
    assert state(app, agreement_id)[0] == "adaptation"

    # adaptation -> active
    clock.set(date(2027, 1, 5))
    response = post_event(hr_client, app, agreement_id, lc.END_ADAPTATION, {"event_date": "05/01/2027"})
    assert response.status_code == 302, page_text(response)
    assert state(app, agreement_id)[0] == "active"

    # active -> active: avenant modificatif (1 day instead of 2), warnings to confirm
    version = state(app, agreement_id)[1]
    amend = {"version": str(version), "effective_date": "01/02/2027", "days_per_week": "1",
             "weekly_pattern": ["mon_am", "mon_pm"], "place_id": "", "allowance_scheme": "flat_monthly",
             "allowance_amount": "20,00", "reason": "Demande du salarié"}
    with app.app_context():
        amend["place_id"] = str(db.session.get(Agreement, agreement_id).place_id)
    first = hr_client.post(f"/suivi/accords/{agreement_id}/avenant-modificatif", data=amend)
    assert first.status_code == 422
    assert "avertissements" in page_text(first)
    assert "diffère de celle prévue par la politique" in page_text(first)
    assert "antidaté" not in page_text(first)  # unchanged terms are not judged again
    assert state(app, agreement_id) == ("active", version, 6)
    response = hr_client.post(f"/suivi/accords/{agreement_id}/avenant-modificatif",
                              data={**amend, "confirm_warnings": "y", "warnings_digest": digest_of(first)})
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.status == "active"
        assert str(agreement.days_per_week) == "1.0"
        assert agreement.weekly_pattern == "11000000000000"
        assert agreement.allowance_scheme == "flat_monthly"
        assert agreement.has_pending_amendment
        assert agreement.amendment_version == 1  # the documents area issues version 2

    # active -> active: renewal of the fixed-term agreement
    response = post_event(hr_client, app, agreement_id, lc.RENEW, {"end_date": "30/09/2028"})
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).end_date == date(2028, 9, 30)

    # active -> ending: reversibility clause, 30 days of notice, effective date computed
    clock.set(date(2027, 2, 1))
    response = post_event(hr_client, app, agreement_id, lc.NOTIFY_END, {
        "initiative": "employer", "notification_date": "01/02/2027", "method": "lrar",
        "effective_date": "", "reason": "", "return_arrangements": "Retour au siège, bureau 12."})
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.status == "ending"
        assert agreement.ending_effective_date == date(2027, 3, 3)
        assert agreement.ending_notice_days == 30
        assert agreement.ending_phase == "after_adaptation"
        assert agreement.ending_method == "lrar"
        assert agreement.ending_initiative == "employer"

    # ending -> ended, at the effective date
    clock.set(date(2027, 3, 3))
    response = post_event(hr_client, app, agreement_id, lc.COMPLETE_END, {"event_date": "03/03/2027"})
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.status == "ended"
        assert agreement.ended_date == date(2027, 3, 3)
        events = db.session.scalars(
            select(AgreementEvent).where(AgreementEvent.agreement_id == agreement_id)
            .order_by(AgreementEvent.id)
        ).all()
        assert [e.event for e in events] == [
            "issue", "sign", "activate", "suspend", "resume", "end_adaptation", "amend", "renew",
            "notify_end", "complete_end",
        ]
        assert all(e.actor_id is not None for e in events[1:])
        assert events[1].event_date == date(2026, 9, 23)
        audits = db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "transition", AuditEntry.object_id == agreement_id)
        )
        assert audits == 9

    # The timeline is shown on the follow-up page, with the state labels.
    page = page_text(hr_client.get(f"/suivi/accords/{agreement_id}"))
    for text in ("Avenant signé par les deux parties", "Télétravail démarré",
                 "Télétravail suspendu", "Avenant modificatif décidé", "Accord renouvelé",
                 "Fin du télétravail notifiée", "Fin du télétravail constatée", "Inondation du domicile"):
        assert text in page
    assert "aucune action n'est plus possible" in page


def test_draft_and_issued_agreements_can_be_cancelled(app, hr_client, clock):
    with app.app_context():
        draft_id = make_agreement(status="draft").id
        issued_id = issued_agreement()
    for agreement_id in (draft_id, issued_id):
        response = post_event(hr_client, app, agreement_id, lc.CANCEL, {"reason": "Salarié muté"})
        assert response.status_code == 302
        assert state(app, agreement_id)[0] == "cancelled"
    page = page_text(hr_client.get(f"/suivi/accords/{draft_id}"))
    assert "Accord abandonné" in page and "Salarié muté" in page


def test_imposed_telework_from_start_to_end(app, hr_client, clock):
    with app.app_context():
        employee_id = make_employee().id
    clock.set(date(2026, 11, 2))
    response = hr_client.post(f"/suivi/salaries/{employee_id}/teletravail-impose", data={
        "reason": "Menace d'épidémie (arrêté préfectoral)", "start_date": "02/11/2026",
        "end_date": "", "days_per_week": "5", "contact_slots": "", "time_control": "",
        "equipment": "Ordinateur portable"})
    assert response.status_code == 302, page_text(response)
    with app.app_context():
        agreement = db.session.scalar(select(Agreement).where(Agreement.employee_id == employee_id))
        assert (agreement.kind, agreement.status) == ("exceptional", "imposed")
        assert agreement.contact_slots  # policy default
        agreement_id = agreement.id
    # A second imposition while the first runs is refused.
    again = hr_client.post(f"/suivi/salaries/{employee_id}/teletravail-impose", data={
        "reason": "Autre", "start_date": "03/11/2026", "days_per_week": "5"})
    assert again.status_code == 422
    assert "déjà en cours" in page_text(again)
    # Notifying an end is not how imposed telework ends.
    refused = post_event(hr_client, app, agreement_id, lc.NOTIFY_END, {
        "initiative": "employer", "notification_date": "02/11/2026", "method": "lrar",
        "return_arrangements": "Retour"})
    assert refused.status_code == 422
    assert "constatant la fin des circonstances exceptionnelles" in page_text(refused)
    clock.set(date(2026, 11, 20))
    response = post_event(hr_client, app, agreement_id, lc.COMPLETE_END, {"event_date": "20/11/2026"})
    assert response.status_code == 302
    assert state(app, agreement_id)[:1] == ("ended",)
    assert "Fin des circonstances exceptionnelles" in page_text(hr_client.get(f"/suivi/accords/{agreement_id}"))


IMPOSED_BAD_INPUT = [
    ({"reason": "", "start_date": "02/11/2026", "days_per_week": "5"}, "Indiquez les circonstances"),
    ({"reason": "Épidémie", "start_date": "", "days_per_week": "5"}, "Indiquez la date de début"),
    ({"reason": "Épidémie", "start_date": "31/02/2026", "days_per_week": "5"}, "Date impossible"),
    ({"reason": "Épidémie", "start_date": "10/11/2026", "end_date": "09/11/2026",
      "days_per_week": "5"}, "ne peut pas précéder la date de début"),
    ({"reason": "Épidémie", "start_date": "02/11/2026", "days_per_week": "6"}, "au plus 5"),
    ({"reason": "Épidémie", "start_date": "02/11/2026", "days_per_week": "1,3"}, "demi-journées"),
    ({"reason": "É\x00pidémie", "start_date": "02/11/2026", "days_per_week": "2"}, "Caractères de contrôle"),
]


def test_imposed_telework_bad_input_changes_nothing(app, hr_client, clock):
    with app.app_context():
        employee_id = make_employee().id
    for data, message in IMPOSED_BAD_INPUT:
        response = hr_client.post(f"/suivi/salaries/{employee_id}/teletravail-impose", data=data)
        assert response.status_code == 422, data
        assert message in page_text(response), data
    with app.app_context():
        assert db.session.scalar(select(func.count(Agreement.id))) == 0


def _valid_data(event: str) -> dict:
    """Plausible form data for every event, so that only the state decides."""
    return {
        lc.SIGN: {"employee_signed_date": "22/09/2026", "employer_signed_date": "23/09/2026"},
        lc.ACTIVATE: {"event_date": "01/10/2026"},
        lc.END_ADAPTATION: {"event_date": "05/01/2027"},
        lc.NOTIFY_END: {"initiative": "employee", "notification_date": "01/10/2026",
                        "method": "hand_delivery", "return_arrangements": "Retour sur site"},
        lc.COMPLETE_END: {"event_date": "01/10/2026"},
        lc.SUSPEND: {"reason": "Force majeure", "start_date": "01/10/2026"},
        lc.RESUME: {"event_date": "01/10/2026"},
        lc.RENEW: {"end_date": "30/09/2030"},
        lc.CANCEL: {"reason": ""},
    }[event]


def test_every_illegal_transition_is_refused_and_changes_nothing(app, hr_client, clock):
    clock.set(date(2027, 1, 10))
    with app.app_context():
        agreement_id = make_agreement(end_date=date(2027, 9, 30)).id
    refused = 0
    for status in lc.AGREEMENT_STATES + (lc.IMPOSED,):
        with app.app_context():
            agreement = db.session.get(Agreement, agreement_id)
            agreement.status = status
            agreement.kind = "exceptional" if status == lc.IMPOSED else "regular"
            db.session.commit()
        for event in EVENT_SLUGS.values():
            if event in lc.allowed_events(status):
                continue
            before = state(app, agreement_id)
            response = post_event(hr_client, app, agreement_id, event, _valid_data(event))
            text = page_text(response)
            assert response.status_code == 422, (status, event)
            assert "Impossible" in text, (status, event)
            assert f"« {lc.STATE_LABELS[status]} »" in text, (status, event)
            assert state(app, agreement_id) == before, (status, event)
            refused += 1
    assert refused == sum(
        1 for s in lc.AGREEMENT_STATES + (lc.IMPOSED,) for e in EVENT_SLUGS.values()
        if e not in lc.allowed_events(s)
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "transition")) == 0


def test_get_of_an_illegal_transition_explains_why(app, hr_client, clock):
    with app.app_context():
        agreement_id = make_agreement(status="draft").id
    response = hr_client.get(f"/suivi/accords/{agreement_id}/demarrage")
    assert response.status_code == 200
    text = page_text(response)
    assert "l'avenant doit d'abord être émis puis signé par les deux parties" in text
    assert 'name="version"' not in response.get_data(as_text=True)


def _ready(app, status: str, **kw) -> int:
    with app.app_context():
        return make_agreement(status=status, **kw).id


GUARD_CASES = [
    (lc.ISSUED, "25/09/2026", lc.SIGN, {"employee_signed_date": "22/09/2026"},
     "signature de l'employeur"),
    (lc.ISSUED, "25/09/2026", lc.SIGN,
     {"employee_signed_date": "22/09/2026", "employer_signed_date": "30/09/2026"},
     "ne peut pas être dans le futur"),
    (lc.ISSUED, "25/09/2026", lc.SIGN,
     {"employee_signed_date": "19/09/2026", "employer_signed_date": "22/09/2026"},
     "ne peut pas précéder l'émission de l'avenant (20/09/2026)"),
    (lc.ISSUED, "25/09/2026", lc.SIGN,
     {"employee_signed_date": "31/02/2026", "employer_signed_date": "22/09/2026"},
     "Date impossible"),
    (lc.SIGNED, "25/09/2026", lc.ACTIVATE, {"event_date": "20/09/2026"},
     "avant la date de début prévue"),
    (lc.SIGNED, "25/09/2026", lc.ACTIVATE, {"event_date": ""}, "Indiquez la date"),
    (lc.SIGNED, "01/10/2026", lc.ACTIVATE, {"event_date": "2026-10-01x"}, "Date invalide"),
    (lc.ADAPTATION, "20/10/2026", lc.END_ADAPTATION, {"event_date": "20/10/2026"},
     "court jusqu'au 31/12/2026"),
    (lc.ADAPTATION, "20/10/2026", lc.NOTIFY_END,
     {"initiative": "employee", "notification_date": "20/10/2026", "method": "lrar",
      "effective_date": "30/10/2026", "return_arrangements": "Retour"},
     "délai de prévenance de 15 jours"),
    (lc.ADAPTATION, "20/10/2026", lc.NOTIFY_END,
     {"initiative": "employee", "notification_date": "21/10/2026", "method": "lrar",
      "return_arrangements": "Retour"}, "ne peut pas être dans le futur"),
    (lc.ADAPTATION, "20/10/2026", lc.NOTIFY_END,
     {"initiative": "employee", "notification_date": "20/09/2026", "method": "lrar",
      "return_arrangements": "Retour"}, "ne peut pas précéder le début du télétravail"),
    (lc.ADAPTATION, "20/10/2026", lc.NOTIFY_END,
     {"initiative": "", "notification_date": "20/10/2026", "method": "lrar",
      "return_arrangements": "Retour"}, "qui prend l'initiative"),
    (lc.ADAPTATION, "20/10/2026", lc.NOTIFY_END,
     {"initiative": "boss", "notification_date": "20/10/2026", "method": "lrar",
      "return_arrangements": "Retour"}, "pas un choix valide"),
    (lc.ADAPTATION, "20/10/2026", lc.NOTIFY_END,
     {"initiative": "employee", "notification_date": "20/10/2026", "method": "pigeon",
      "return_arrangements": "Retour"}, "pas un choix valide"),
    (lc.ADAPTATION, "20/10/2026", lc.NOTIFY_END,
     {"initiative": "employee", "notification_date": "20/10/2026", "method": "lrar",
      "return_arrangements": "   "}, "modalités de retour"),
    (lc.ADAPTATION, "20/10/2026", lc.NOTIFY_END,
     {"initiative": "employee", "notification_date": "20/10/2026", "method": "lrar",
      "return_arrangements": "R" * 2001}, "2000 caractères au plus"),
    (lc.ADAPTATION, "20/10/2026", lc.SUSPEND, {"reason": "", "start_date": "20/10/2026"},
     "motif"),
    (lc.ADAPTATION, "20/10/2026", lc.SUSPEND,
     {"reason": "Crue", "start_date": "20/10/2026", "end_date": "01/10/2026"},
     "ne peut pas précéder la date de début"),
    (lc.ADAPTATION, "20/10/2026", lc.SUSPEND, {"reason": "Crue", "start_date": "20/09/2026"},
     "avant le début du télétravail"),
    (lc.ACTIVE, "20/01/2027", lc.RENEW, {"end_date": "30/09/2030"},
     "seul un accord à durée déterminée"),
    (lc.SUSPENDED, "20/10/2026", lc.RESUME, {"event_date": "99/99/9999"}, "Date invalide"),
    (lc.SUSPENDED, "20/10/2026", lc.RESUME, {"event_date": "01/10/2026"},
     "ne peut pas précéder le début de la suspension"),
    (lc.ENDING, "25/10/2026", lc.COMPLETE_END, {"event_date": "23/10/2026"},
     "avant sa date d'effet"),
]


def test_guards_and_bad_input_change_nothing(app, hr_client, clock):
    agreements: dict[str, int] = {}
    with app.app_context():
        agreements[lc.ISSUED] = issued_agreement()
    agreements[lc.ENDING] = _ready(app, lc.ENDING, ending_effective_date=date(2026, 10, 24),
                                   ending_notification_date=date(2026, 10, 1))
    agreements[lc.SUSPENDED] = _ready(app, lc.SUSPENDED, suspension_start_date=date(2026, 10, 5),
                                      suspension_reason="Crue")
    for status in (lc.SIGNED, lc.ADAPTATION, lc.ACTIVE):
        agreements[status] = _ready(app, status)
    for status, today, event, data, message in GUARD_CASES:
        clock.set(date(*reversed([int(p) for p in today.split("/")])))
        agreement_id = agreements[status]
        before = state(app, agreement_id)
        response = post_event(hr_client, app, agreement_id, event, data)
        assert response.status_code == 422, (event, data)
        assert message.lower() in page_text(response).lower(), (event, data)
        assert state(app, agreement_id) == before, (event, data)


def test_activation_refused_without_the_required_attestations(app, hr_client, clock):
    clock.set(date(2026, 10, 1))
    with app.app_context():
        make_policy(insurance_required=True, electrical_statement_required=True)
        agreement_id = make_agreement(status="signed", insurance_received_date=None,
                                      electrical_statement_date=None).id
    response = post_event(hr_client, app, agreement_id, lc.ACTIVATE, {"event_date": "01/10/2026"})
    text = page_text(response)
    assert response.status_code == 422
    assert "attestation d'assurance multirisque habitation" in text
    assert "conformité des installations électriques" in text
    assert state(app, agreement_id)[0] == "signed"
    # Not required by the policy: activation goes through.
    with app.app_context():
        make_policy(insurance_required=False, electrical_statement_required=False)
    response = post_event(hr_client, app, agreement_id, lc.ACTIVATE, {"event_date": "01/10/2026"})
    assert response.status_code == 302
    assert state(app, agreement_id)[0] == "adaptation"


def test_notice_after_adaptation_without_clause_needs_mutual_agreement(app, hr_client, clock):
    clock.set(date(2027, 2, 1))
    agreement_id = _ready(app, lc.ACTIVE, reversibility_clause="mutual")
    data = {"initiative": "employer", "notification_date": "01/02/2027", "method": "lrar",
            "return_arrangements": "Retour au siège"}
    response = post_event(hr_client, app, agreement_id, lc.NOTIFY_END, data)
    assert response.status_code == 422
    assert "convenue par accord entre les parties" in page_text(response)
    assert state(app, agreement_id)[0] == "active"
    response = post_event(hr_client, app, agreement_id, lc.NOTIFY_END, {**data, "is_end_mutual": "y"})
    assert response.status_code == 302
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.status == "ending" and agreement.is_end_mutual


def test_notice_after_the_adaptation_end_follows_the_dates_not_the_state(app, hr_client, clock):
    """HR has not closed the adaptation period, but it is over: the reversibility clause and its
    delay apply, exactly as the employee's space and the PDF notice say (one notice module)."""
    clock.set(date(2027, 1, 10))
    agreement_id = _ready(app, lc.ADAPTATION)
    form = page_text(hr_client.get(f"/suivi/accords/{agreement_id}/{SLUG_OF[lc.NOTIFY_END]}"))
    assert "La période d'adaptation est terminée" in form and "30 jours" in form
    response = post_event(hr_client, app, agreement_id, lc.NOTIFY_END, {
        "initiative": "employee", "notification_date": "10/01/2027", "method": "lrar",
        "return_arrangements": "Retour"})
    assert response.status_code == 302
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.ending_phase == "after_adaptation" and agreement.ending_notice_days == 30
        assert agreement.ending_effective_date == date(2027, 2, 9)


def test_notice_from_suspension_uses_the_phase_before_it(app, hr_client, clock):
    clock.set(date(2026, 10, 20))
    agreement_id = _ready(app, lc.ADAPTATION)
    assert post_event(hr_client, app, agreement_id, lc.SUSPEND,
                      {"reason": "Travaux", "start_date": "20/10/2026"}).status_code == 302
    response = post_event(hr_client, app, agreement_id, lc.NOTIFY_END, {
        "initiative": "employee", "notification_date": "20/10/2026", "method": "hand_delivery",
        "return_arrangements": "Retour"})
    assert response.status_code == 302
    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        assert agreement.ending_phase == "adaptation"
        assert agreement.ending_effective_date == date(2026, 11, 4)  # 15 days


def test_stale_version_gives_409_and_changes_nothing(app, hr_client, clock):
    with app.app_context():
        agreement_id = issued_agreement()
    _, version, events = state(app, agreement_id)
    response = post_event(hr_client, app, agreement_id, lc.SIGN, {
        "employee_signed_date": "22/09/2026", "employer_signed_date": "23/09/2026"},
        version=version + 1)
    assert response.status_code == 409
    assert "modifié par quelqu'un d'autre" in page_text(response)
    assert state(app, agreement_id) == ("issued", version, events)


def test_unknown_slug_and_agreement_are_404(app, hr_client):
    with app.app_context():
        agreement_id = make_agreement().id
    assert hr_client.get(f"/suivi/accords/{agreement_id}/inconnu").status_code == 404
    assert hr_client.post("/suivi/accords/999999/signature", data={}).status_code == 404
    assert hr_client.get("/suivi/salaries/999999/teletravail-impose").status_code == 404


def test_panel_offers_every_allowed_action(app, hr_client, clock):
    for status in (lc.ISSUED, lc.SIGNED, lc.ADAPTATION, lc.ACTIVE, lc.SUSPENDED, lc.ENDING):
        agreement_id = _ready(app, status, end_date=date(2027, 9, 30))
        page = hr_client.get(f"/suivi/accords/{agreement_id}").get_data(as_text=True)
        for event in lc.allowed_events(status):
            if event in SLUG_OF:
                assert f"/suivi/accords/{agreement_id}/{SLUG_OF[event]}" in page, (status, event)
        if lc.AMEND in lc.allowed_events(status):
            assert f"/suivi/accords/{agreement_id}/avenant-modificatif" in page
    # An open-ended agreement is not offered a renewal.
    open_ended = _ready(app, lc.ACTIVE)
    page = hr_client.get(f"/suivi/accords/{open_ended}").get_data(as_text=True)
    assert f"/suivi/accords/{open_ended}/renouvellement" not in page
    assert f"/suivi/accords/{open_ended}/notification-fin" in page


def csrf_login(client, email: str) -> None:
    """Log in through the real form, CSRF token included."""
    from tests.factories import TEST_PASSWORD

    page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/connexion", data={"email": email, "password": TEST_PASSWORD,
                                               "csrf_token": token})
    assert response.status_code == 302


class TestSecurity:
    """CSRF on the lifecycle transitions."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_transition_without_csrf_token_is_400_and_changes_nothing(self, app, client, clock):
        with app.app_context():
            agreement_id = issued_agreement()
            make_user(email="rh2@example.test", role="hr")
        csrf_login(client, "rh2@example.test")
        before = state(app, agreement_id)
        response = post_event(client, app, agreement_id, lc.SIGN, {
            "employee_signed_date": "22/09/2026", "employer_signed_date": "23/09/2026"})
        assert response.status_code == 400
        assert state(app, agreement_id) == before


@pytest.mark.parametrize("path", ["/suivi/priorite", "/a-faire/", "/suivi/accords/1", "/a-faire/entretiens"])
def test_employees_and_anonymous_cannot_reach_hr_screens(app, client, path):
    with app.app_context():
        make_user(email="salarie@example.test", role="employee")
    assert client.get(path).status_code == 302
    from tests.conftest import login

    assert login(client, "salarie@example.test").status_code == 302
    assert client.get(path).status_code == 403


def test_employee_cannot_post_a_transition(app, client, clock):
    with app.app_context():
        agreement_id = issued_agreement()
        make_user(email="salarie@example.test", role="employee")
    from tests.conftest import login

    login(client, "salarie@example.test")
    before = state(app, agreement_id)
    response = client.post(f"/suivi/accords/{agreement_id}/signature", data={
        "version": str(before[1]), "employee_signed_date": "22/09/2026",
        "employer_signed_date": "23/09/2026"})
    assert response.status_code == 403
    assert state(app, agreement_id) == before


def test_panels_render_on_the_agreement_and_employee_pages(app, hr_client, clock):
    """The partials work wherever they are included (agreements and employees areas)."""
    from hrtele.lifecycle import links
    from hrtele.web.labels import LABELS

    ids = {status: _ready(app, status) for status in lc.AGREEMENT_STATES}
    with app.app_context(), app.test_request_context():
        urls = {status: links.agreement_url(i) for status, i in ids.items()}
        employee_id = db.session.get(Agreement, ids["ended"]).employee_id
        employee_page = links.employee_url(employee_id)
    for status, url in urls.items():
        response = hr_client.get(url)
        assert response.status_code == 200, status
        assert "Cycle de vie" in page_text(response)
        assert LABELS["agreement_status"][status] in page_text(response)
    if employee_page:
        text = page_text(hr_client.get(employee_page))
        assert "Imposer le télétravail" in text and "Terminé" in text
