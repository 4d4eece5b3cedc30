"""Import screens: upload, dry-run preview, apply once from the server-side copy, rerun = no change."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from hrtele.extensions import db
from hrtele.models import Employee, ImportBatch
from tests.conftest import login
from tests.factories import make_post, make_user, page_text
from tests.services.test_imports import employees_csv


def _upload(client, data: bytes, kind="employees", name="export-sirh.csv"):
    return client.post("/import/", data={"kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _batch_id(response) -> int:
    return int(re.search(r"/import/lots/(\d+)$", response.headers["Location"]).group(1))


def _sha(page) -> str:
    return re.search(r'name="sha256" type="hidden" value="([0-9a-f]{64})"',
                     page.get_data(as_text=True)).group(1)


def test_thousand_employees_preview_apply_rerun(app, hr_client):
    with app.app_context():
        make_post(code="GEST-01")
    data = employees_csv(1000, "GEST-01").encode("utf-8-sig")
    uploaded = _upload(hr_client, data)
    assert uploaded.status_code == 302
    batch_id = _batch_id(uploaded)
    preview = hr_client.get(f"/import/lots/{batch_id}")
    text = page_text(preview)
    assert preview.status_code == 200
    assert "UTF-8 avec BOM" in text and "« ; »" in text
    assert "Appliquer : 1\u202f000 créations et 0 mise à jour" in text
    assert "… et 500 autres lignes non affichées." in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Employee.id))) == 0

    applied = hr_client.post(f"/import/lots/{batch_id}/appliquer", data={"sha256": _sha(preview)})
    assert applied.status_code == 302
    result = page_text(hr_client.get(f"/import/lots/{batch_id}"))
    assert "Import de salariés appliqué" in result
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Employee.id))) == 1000
        batch = db.session.get(ImportBatch, batch_id)
        assert batch.applied_dt is not None and batch.content == b""  # personal data wiped
    # Applying the same batch twice is refused.
    twice = hr_client.post(f"/import/lots/{batch_id}/appliquer", data={"sha256": "a" * 64})
    assert twice.status_code == 409

    rerun = _upload(hr_client, data)
    text = page_text(hr_client.get(f"/import/lots/{_batch_id(rerun)}"))
    assert "Rien à enregistrer" in text
    assert '<span class="fig">0</span> à créer' in text
    assert '<span class="fig">0</span> à mettre à jour' in text
    assert '<span class="fig">1000</span> inchangées' in text


def test_preview_lists_rejects_with_reasons_and_apply_checks_the_hash(app, hr_client):
    data = (b"code;intitule;teletravaillable;plafond_jours_semaine\n"
            b"A-1;Assistant;oui;2\nA-2;<img src=x onerror=alert(1)>;oui;9\n")
    batch_id = _batch_id(_upload(hr_client, data, kind="posts"))
    preview = hr_client.get(f"/import/lots/{batch_id}")
    text = page_text(preview)
    assert "Lignes rejetées (1)" in text
    assert "Plafond de jours par semaine « 9 » : doit être compris entre 0,5 et 5" in text
    assert b"<img src=x" not in preview.data  # escaped
    wrong = hr_client.post(f"/import/lots/{batch_id}/appliquer", data={"sha256": "0" * 64})
    assert wrong.status_code == 409
    assert "ne correspond pas à l'aperçu" in page_text(wrong)
    bad_form = hr_client.post(f"/import/lots/{batch_id}/appliquer", data={"sha256": "zz"})
    assert bad_form.status_code == 422
    ok = hr_client.post(f"/import/lots/{batch_id}/appliquer", data={"sha256": _sha(preview)})
    assert ok.status_code == 302
    assert "1 création, 0 mise à jour" in page_text(hr_client.get("/import/"))


def test_upload_errors_access_and_template(app, hr_client, client):
    empty = _upload(hr_client, b"")
    assert empty.status_code == 422 and "Le fichier est vide." in page_text(empty)
    missing = _upload(hr_client, b"nom;prenom\nA;B\n")
    assert missing.status_code == 422 and "« matricule »" in page_text(missing)
    no_kind = hr_client.post("/import/", data={"file": (io.BytesIO(b"x"), "a.csv")},
                             content_type="multipart/form-data")
    assert no_kind.status_code == 422
    app.config["IMPORT_MAX_BYTES"] = 50
    big = _upload(hr_client, b"matricule;prenom;nom\n" + b"A;B;C\n" * 20)
    assert big.status_code == 422 and "trop volumineux" in page_text(big)
    app.config["IMPORT_MAX_BYTES"] = 5 * 1024 * 1024

    template = hr_client.get("/import/modele/posts.csv")
    assert template.status_code == 200 and template.data.startswith(b"\xef\xbb\xbfcode;intitule")
    assert hr_client.get("/import/modele/autre.csv").status_code == 404

    batch_id = _batch_id(_upload(hr_client, b"code;intitule\nX-1;Poste\n", kind="posts"))
    # Another HR user cannot see or apply someone else's batch.
    with app.app_context():
        make_user("rh2@example.test", role="hr")
    other = app.test_client()
    login(other, "rh2@example.test")
    assert other.get(f"/import/lots/{batch_id}").status_code == 404
    assert other.post(f"/import/lots/{batch_id}/appliquer",
                      data={"sha256": "0" * 64}).status_code == 404
    assert hr_client.get("/import/lots/999999").status_code == 404
    discarded = hr_client.post(f"/import/lots/{batch_id}/abandonner")
    assert discarded.status_code == 302
    assert hr_client.get(f"/import/lots/{batch_id}").status_code == 404

    with app.app_context():
        make_user("employe@example.test", role="employee")
    login(client, "employe@example.test")
    assert client.get("/import/").status_code == 403
