"""Post screens: valid data, each kind of bad input (nothing changes), concurrent edits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hrtele.extensions import db
from hrtele.models import AuditEntry, Post
from tests.factories import make_post, page_text

VALID = {
    "code": "FIN-042",
    "title": "Gestionnaire comptable",
    "department": "Finances",
    "establishment_id": "0",
    "category_id": "0",
    "is_eligible": "y",
    "eligibility_reason": "",
    "teleworkable_tasks": "Saisie, rapprochements",
    "max_days_per_week": "1,5",
    "headcount": "2",
}


def count_posts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Post.id)))


def test_create_post_with_valid_data(app, hr_client):
    response = hr_client.post("/postes/nouveau", data=VALID)
    assert response.status_code == 302
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.code == "FIN-042"))
        assert post.title == "Gestionnaire comptable"
        assert str(post.max_days_per_week) == "1.5"
        assert post.is_eligible
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "posts"))
        assert entry.action == "create"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "", "Le code est obligatoire."),
        ("code", "a b<script>", "Lettres, chiffres"),
        ("code", "X" * 31, "30 caractères au plus."),
        ("title", "", "L'intitulé est obligatoire."),
        ("title", "T" * 201, "200"),
        ("max_days_per_week", "abc", "Nombre invalide"),
        ("max_days_per_week", "1,25", "décimale"),
        ("max_days_per_week", "6", "au plus 5"),
        ("max_days_per_week", "1,3", "demi-journées"),
        ("headcount", "-1", "Entre 0 et 100"),
        ("headcount", "deux", ""),
        ("title", "Nul\x01caractère", "Caractères de contrôle"),
    ],
)
def test_create_post_rejects_bad_input(app, hr_client, field, value, message):
    data = dict(VALID, **{field: value})
    response = hr_client.post("/postes/nouveau", data=data)
    assert response.status_code == 422
    assert message in page_text(response)
    assert count_posts(app) == 0


def test_non_eligible_post_needs_a_reason(app, hr_client):
    data = dict(VALID)
    del data["is_eligible"]
    response = hr_client.post("/postes/nouveau", data=data)
    assert response.status_code == 422
    assert "Indiquez pourquoi" in page_text(response)
    assert count_posts(app) == 0


def test_duplicate_code_is_refused(app, hr_client):
    with app.app_context():
        make_post(code="FIN-042")
    response = hr_client.post("/postes/nouveau", data=VALID)
    assert response.status_code == 422
    assert "déjà utilisé" in page_text(response)
    assert count_posts(app) == 1


def test_html_in_title_is_stored_and_shown_escaped(app, hr_client):
    data = dict(VALID, title="<script>alert(1)</script>")
    assert hr_client.post("/postes/nouveau", data=data).status_code == 302
    page = hr_client.get("/postes/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_edit_with_stale_version_gives_409_and_changes_nothing(app, hr_client):
    with app.app_context():
        post = make_post(title="Ancien intitulé")
        post_id, version = post.id, post.version
    data = dict(VALID, code=f"P-{post_id}", title="Premier", version=str(version))
    assert hr_client.post(f"/postes/{post_id}/modifier", data=data).status_code == 302
    data2 = dict(VALID, code=f"P-{post_id}", title="Second", version=str(version))
    response = hr_client.post(f"/postes/{post_id}/modifier", data=data2)
    assert response.status_code == 409
    assert "modifié par quelqu'un d'autre" in page_text(response)
    with app.app_context():
        assert db.session.get(Post, post_id).title == "Premier"


def test_list_search_and_pagination(app, hr_client):
    with app.app_context():
        for i in range(30):
            make_post(title=f"Juriste {i}" if i % 2 else f"Comptable {i}")
    page = hr_client.get("/postes/?q=Juriste").get_data(as_text=True)
    assert "Juriste 1" in page and "Comptable 2" not in page
    assert hr_client.get("/postes/?page=2").status_code == 200
    assert hr_client.get("/postes/?page=abc").status_code == 200
    assert hr_client.get("/postes/?page=99999").status_code == 200


def test_unknown_post_is_404(hr_client):
    assert hr_client.get("/postes/999999").status_code == 404
