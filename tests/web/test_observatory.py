"""Observatory page (every figure, accessible SVG charts with tables) and its PDF edition."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from tests.conftest import login
from tests.factories import make_request, make_user, page_text
from tests.services.test_observatory import build_dataset


def test_page_shows_every_figure_with_accessible_charts(app, hr_client, monkeypatch):
    from hrtele import clock

    monkeypatch.setattr(clock, "_today_provider", lambda: date(2026, 11, 28))
    with app.app_context():
        build_dataset()
    response = hr_client.get("/observatoire/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(response)
    for expected in (
        "3 / 4</span> postes télétravaillables (75\u00a0%)",
        "volontaires (au moins une demande)",
        "télétravailleurs actifs (50\u00a0%",
        "1,5</span> jour de télétravail par semaine en moyenne",
        "45,00\u00a0€</span> budget des indemnités en novembre 2026",
        "540,00\u00a0€</span> projection annuelle",
        "600 km</span> de trajets évités en novembre 2026",
        "15 h</span> de trajet évitées",
        "108,3 kg</span> de CO₂ évités",
        "Poste non éligible au télétravail", "Motif non catalogué",
        "Tiers-lieu — Espace de coworking", "Catégorie A", "Finances", "Accueil",
        "décembre 2025", "novembre 2026",
        "voiture 193 g/km".capitalize(),
    ):
        assert expected in text, expected
    # Each chart: inline SVG with role="img", <title> and <desc> referenced by aria-labelledby.
    svgs = re.findall(r"<svg [^>]*>", html)
    assert len(svgs) == 9
    for tag in svgs:
        chart_id = re.search(r'id="([^"]+)"', tag).group(1)
        assert 'role="img"' in tag
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in tag
        assert f'<title id="{chart_id}-title">' in html and f'<desc id="{chart_id}-desc">' in html
    assert "<script" not in html.split("</head>")[1]
    with app.app_context():
        from hrtele.refusals.services import create_reason

        reason = create_reason("<script>alert(1)</script>", None)
        make_request(status="refused", refusal_reason_id=reason.id)
    html = hr_client.get("/observatoire/").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert ' style="' not in html
    assert html.count('<div class="chart-pair">') == 4


def test_pdf_edition_prints(app, hr_client, backend):
    if backend != "sqlite":
        pytest.skip("rendering does not depend on the database (figures are tested on both)")
    with app.app_context():
        build_dataset()
    response = hr_client.get("/observatoire/edition.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="observatoire-teletravail-')
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Observatoire du télétravail" in text
    assert "Postes télétravaillables" in text and "3 sur 4" in text
    assert "Poste non éligible au télétravail" in text and "Tiers-lieu" in text
    assert "Kilomètres évités" in text and "Méthode" in text
    assert reader.metadata.title.startswith("Observatoire du télétravail")


def test_hr_only(app, client):
    assert client.get("/observatoire/").status_code == 302
    with app.app_context():
        make_user("salarie@example.test", role="employee")
    login(client, "salarie@example.test")
    assert client.get("/observatoire/").status_code == 403
    assert client.get("/observatoire/edition.pdf").status_code == 403
