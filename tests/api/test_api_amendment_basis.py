"""The API answers, like the agreement page, which amendment an agreement rests on and
whether its reversibility notice can be issued (hrtele.domain.amendment_basis)."""

from __future__ import annotations

from datetime import date

from hrtele.extensions import db
from hrtele.models import PaperAmendment
from tests.factories import make_agreement


def test_agreements_say_which_amendment_they_rest_on_and_whether_the_notice_can_go(app, api):
    with app.app_context():
        paper = make_agreement(status="ending", ending_notification_date=date(2026, 11, 16),
                               ending_effective_date=date(2026, 12, 20))
        bare = make_agreement(status="ending")
        draft = make_agreement()
        db.session.add(PaperAmendment(agreement_id=paper.id, signed_date=date(2024, 3, 1)))
        db.session.commit()
        ids = paper.id, bare.id, draft.id
    one = api.get(f"/api/v1/agreements/{ids[0]}", as_="read").get_json()
    assert one["amendment_basis"] == "paper" and one["paper_amendment_date"] == "2024-03-01"
    assert one["notice_refusal"] is None
    items = {a["id"]: a for a in api.get("/api/v1/agreements?per_page=50", as_="read")
             .get_json()["items"]}
    assert items[ids[0]]["amendment_basis"] == "paper"
    assert items[ids[1]]["amendment_basis"] is None
    assert "avenant signé sur papier" in items[ids[1]]["notice_refusal"]
    assert "fin notifiée" in items[ids[2]]["notice_refusal"]
