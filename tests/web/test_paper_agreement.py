"""Agreement page: paper amendment form, notice of an imported agreement, re-issue
confirmation, header with the next step, tabs, and the error summary of refused forms."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from hrtele.documents import services
from hrtele.extensions import db
from hrtele.models import Agreement, IssuedDocument, PaperAmendment, User
from tests.documents.model_samples import TODAY, agreement_variant, memoise_renders
from tests.factories import page_text, plain_pdf


@pytest.fixture(autouse=True)
def _setup(monkeypatch, frozen_today):
    memoise_renders(monkeypatch)
    frozen_today(TODAY)


def _imported_ending(app) -> int:
    """An agreement signed on paper before the app, its end notified; its id."""
    with app.app_context():
        agreement = agreement_variant("full_days-per_weekly_day", status="active")
        for key, value in dict(
            status="ending", ending_initiative="employer",
            ending_notification_date=date(2026, 11, 16), ending_effective_date=date(2026, 12, 1),
            ending_method="hand_delivery", ending_phase="adaptation", ending_notice_days=15,
            ending_return_arrangements="Bureau 204",
        ).items():  # fmt: skip
            setattr(agreement, key, value)
        db.session.commit()
        return agreement.id


def _post_paper(client, agreement_id: int, signed: str, scan: bytes | None = None):
    data: dict = {"signed_date": signed}
    if scan is not None:
        data["scan"] = (io.BytesIO(scan), "avenant.pdf")
    return client.post(f"/documents/accords/{agreement_id}/avenant-papier", data=data,
                       content_type="multipart/form-data")


def _papers(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PaperAmendment))


def test_imported_agreement_is_recorded_on_paper_then_ended_with_a_notice(app, hr_client):
    agreement_id = _imported_ending(app)
    page = hr_client.get(f"/accords/{agreement_id}")
    html, text = page.get_data(as_text=True), page_text(page)
    assert page.status_code == 200
    # No button that could only answer with an error: the reason and the way out instead.
    assert "apercu-notification" not in html
    assert "Enregistrer l'avenant signé sur papier" in text
    assert "Prochaine étape" in text and "Enregistrer l'avenant signé sur papier, puis" in text
    assert f"/documents/accords/{agreement_id}/avenant-papier" in html

    form = hr_client.get(f"/documents/accords/{agreement_id}/avenant-papier")
    assert form.status_code == 200 and "Date de signature de l'avenant papier" in page_text(form)
    scan = plain_pdf(text="avenant papier")
    saved = _post_paper(hr_client, agreement_id, "01/03/2024", scan)
    assert saved.status_code == 303

    page = hr_client.get(f"/accords/{agreement_id}")
    html, text = page.get_data(as_text=True), page_text(page)
    assert "signé le 01/03/2024" in text
    assert "Émettre la notification de fin" in text
    preview_url = f"/documents/accords/{agreement_id}/apercu-notification"
    assert preview_url in html
    preview = hr_client.get(preview_url)
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    with app.app_context():
        paper_id = db.session.scalar(select(PaperAmendment.id))
    download = hr_client.get(f"/documents/avenants-papier/{paper_id}/scan")
    assert download.status_code == 200 and download.data == scan

    issued = hr_client.post(f"/documents/accords/{agreement_id}/notification")
    assert issued.status_code == 303
    with app.app_context():
        notice = db.session.scalars(select(IssuedDocument)).one()
        assert notice.kind == "reversibility_notice"
    page = hr_client.get(f"/accords/{agreement_id}")
    assert "Constater la fin du télétravail" in page_text(page)
    assert "apercu-notification" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("signed", "scan", "field", "message"),
    [
        ("", None, "signed_date", "Indiquez la date"),
        ("06/12/2026", None, "signed_date", "dans le futur"),
        ("01/03/2024", b"GIF89a pas un pdf", "scan", "n'est pas un PDF"),
        ("01/03/2024", b"%PDF-1.7 tronque", "scan", "incomplet"),
    ],
)
def test_bad_input_is_refused_with_422_beside_its_field_and_nothing_is_stored(
    app, hr_client, signed, scan, field, message
):
    agreement_id = _imported_ending(app)
    response = _post_paper(hr_client, agreement_id, signed, scan)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert re.search(rf'id="{field}-err">\s*<li>[^<]*{re.escape(message)}', html), html[-3000:]
    # The summary at the top names the field (a link to it) and takes the focus (app.js);
    # the message itself is printed once, beside its field.
    summary = re.search(r"<div[^>]*data-error-summary.*?</div>", html, re.S).group(0)
    assert f'href="#{field}"' in summary and 'tabindex="-1"' in summary
    assert page_text(response).count(message) == 1
    assert _papers(app) == 0


def test_oversize_scan_is_refused(app, hr_client, app_config):
    agreement_id = _imported_ending(app)
    app.config["SIGNED_SCAN_MAX_BYTES"] = 2048
    response = _post_paper(hr_client, agreement_id, "01/03/2024", plain_pdf() + b" " * 4096)
    assert response.status_code == 422 and "taille maximale" in page_text(response)
    assert _papers(app) == 0


def test_paper_amendment_is_refused_where_the_app_issues_the_amendment(app, hr_client):
    with app.app_context():
        agreement_id = agreement_variant("full_days-none").id  # a draft
    page = hr_client.get(f"/documents/accords/{agreement_id}/avenant-papier")
    assert page.status_code == 200 and "s'émet dans l'application" in page_text(page)
    assert "<form" not in page.get_data(as_text=True).split("<main", 1)[1]
    response = _post_paper(hr_client, agreement_id, "01/03/2024")
    assert response.status_code == 422 and _papers(app) == 0


def test_after_issuing_the_amendment_is_up_to_date_until_the_terms_change(app, hr_client):
    with app.app_context():
        agreement_id = agreement_variant("full_days-none").id
    page = hr_client.get(f"/accords/{agreement_id}")
    assert "Émettre l'avenant" in page_text(page)
    with app.app_context():
        version = db.session.get(Agreement, agreement_id).version
    assert hr_client.post(f"/documents/accords/{agreement_id}/avenant",
                          data={"version": version}).status_code == 303

    page = hr_client.get(f"/accords/{agreement_id}")
    text, html = page_text(page), page.get_data(as_text=True)
    assert "L'avenant est à jour" in text
    assert "Émettre une nouvelle version" not in text and "Émettre l'avenant" not in text
    assert "apercu-avenant" not in html and "nouvelle-version" not in html
    assert "Faire signer l'avenant" in text  # the next step
    refused = hr_client.get(f"/documents/accords/{agreement_id}/nouvelle-version")
    assert refused.status_code == 422 and "à jour" in page_text(refused)

    with app.app_context():
        agreement = db.session.get(Agreement, agreement_id)
        agreement.contact_slots = "9 h 30 – 12 h 00 et 14 h 00 – 16 h 00"
        db.session.commit()
        version = agreement.version
    page = hr_client.get(f"/accords/{agreement_id}")
    assert f"/documents/accords/{agreement_id}/nouvelle-version" in page.get_data(as_text=True)
    confirm = hr_client.get(f"/documents/accords/{agreement_id}/nouvelle-version")
    text = page_text(confirm)
    assert confirm.status_code == 200
    assert "marquée « remplacée »" in text and "de nouveau en accuser réception" in text
    assert "plages de joignabilité" in text
    issued = hr_client.post(f"/documents/accords/{agreement_id}/avenant",
                            data={"version": version, "confirm": "y"})
    assert issued.status_code == 303
    with app.app_context():
        versions = db.session.scalars(
            select(IssuedDocument.is_superseded).order_by(IssuedDocument.version)).all()
        assert versions == [True, False]


def test_agreement_page_has_a_header_and_tabs_that_work_without_javascript(app, hr_client):
    with app.app_context():
        agreement_id = agreement_variant("full_days-none").id
    html = hr_client.get(f"/accords/{agreement_id}").get_data(as_text=True)
    assert 'class="card agreement-head"' in html and "Prochaine étape" in html
    for anchor in ("onglet-modalites", "onglet-suivi", "onglet-documents", "onglet-historique"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    assert "<script>" not in html  # the CSP forbids inline scripts: app.js does the tabs


def test_every_preview_link_on_the_agreement_page_answers(app, hr_client):
    """Whatever the state, a preview the page links to renders (no error page behind a button)."""
    ids = []
    with app.app_context():
        hr = db.session.scalars(select(User).where(User.role == "hr")).first()
        ids.append(agreement_variant("full_days-none").id)
        issued = agreement_variant("full_days-none")
        services.issue_amendment(issued, hr, TODAY)
        db.session.commit()
        ids.append(issued.id)
    ids.append(_imported_ending(app))
    for agreement_id in ids:
        html = hr_client.get(f"/accords/{agreement_id}").get_data(as_text=True)
        for url in re.findall(r'href="(/documents/accords/\d+/apercu-[a-z]+)"', html):
            assert hr_client.get(url).status_code == 200, url
