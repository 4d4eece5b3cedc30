"""HR-system import: file reading (encodings, separators, formats), plan, apply, idempotence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hrtele.extensions import db
from hrtele.imports.parsing import ImportFileError, read_file, template_csv
from hrtele.imports.services import apply_plan, build_plan
from hrtele.models import AuditEntry, Category, Employee, Post
from tests.factories import make_employee, make_employer, make_post

EMP_HEADER = ("matricule;civilite;prenom;nom;email;code_poste;categorie;date_embauche;"
              "date_contrat;taux_activite;adresse_domicile;distance_domicile_travail_km;"
              "mode_transport;matricule_responsable;actif")


def letters(i: int) -> str:
    """A name suffix made of letters only (names may not contain digits)."""
    return "".join("abcdefghij"[int(c)] for c in str(i))


def employees_csv(n: int, post_code: str = "", *, sep: str = ";") -> str:
    """n valid employee lines; the first one manages the others."""
    lines = [EMP_HEADER.replace(";", sep)]
    for i in range(1, n + 1):
        manager = "E00001" if i > 1 else ""
        cells = [f"E{i:05d}", "Mme" if i % 2 else "M.", f"Élise-{letters(i)}", f"Nom{letters(i)}",
                 f"p{i}@example.test", post_code, "B", "06/01/2020", "", "80 %" if i % 3 == 0
                 else "100", f"{i} rue des Lilas, 09000 Foix", "12,5", "Transports en commun",
                 manager, "oui"]
        if sep == ",":
            cells = [f'"{c}"' if "," in c else c for c in cells]
        lines.append(sep.join(cells))
    return "\r\n".join(lines) + "\r\n"


# --------------------------------------------------------------------------- reading (no database)


def test_encodings_and_separators_are_detected():
    text = "code;intitule;teletravaillable\r\nP1;Comptable – paie;oui\r\n"
    for data, encoding in (
        (text.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + text.encode("utf-8"), "UTF-8 avec BOM"),
        (text.encode("cp1252"), "Windows-1252"),
    ):
        parsed = read_file("posts", data)
        assert parsed.encoding == encoding
        assert parsed.delimiter == ";"
        assert parsed.rows[0].values["title"].startswith("Comptable")
    parsed = read_file("posts", "Code,Intitulé,Télétravaillable\n"
                                '"P.2","Chargé, études",NON\n'.encode("cp1252"))
    assert parsed.delimiter == "," and parsed.encoding == "Windows-1252"
    assert parsed.rows[0].values == {"code": "P.2", "title": "Chargé, études",
                                     "is_eligible": False}
    assert read_file("posts", "code;intitule\r\nP1;Éléonore\r\n".encode("cp1252")).rows[0] \
        .values["title"] == "Éléonore"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"\xef\xbb\xbf\r\n", "vide"),
        ("code;intitulé".encode("utf-16"), "UTF-16"),
        (b"code;intitule\x00", "octets nuls"),
        (b"code intitule\nP1 X\n", "Séparateur non reconnu"),
        (b"intitule;service\nX;Y\n", "« code »"),
        (b"code;intitule;code\nA;B;C\n", "deux fois"),
        (b"code;intitule\n\"P1;X\n", "mal formé"),
    ],
)
def test_unreadable_files_are_refused_with_a_french_reason(data, message):
    with pytest.raises(ImportFileError, match=message):
        read_file("posts", data)


def test_size_and_row_limits():
    data = ("code;intitule\n" + "".join(f"P{i};T\n" for i in range(30))).encode()
    with pytest.raises(ImportFileError, match="Trop de lignes : 30 pour 20"):
        read_file("posts", data, max_rows=20)
    with pytest.raises(ImportFileError, match="trop volumineux"):
        read_file("posts", data, max_bytes=100)


def test_cell_formats_and_reasons():
    data = (
        "matricule;prenom;nom;date_embauche;taux_activite;distance_domicile_travail_km;actif;"
        "civilite;mode_transport;email;colonne_inconnue\n"
        "A1;Ana;Lopez;31/02/2026;150;12.345;peut-être;Dr;fusée;pas-un-mail;x\n"
        "A2;Bob;Ngo;01/02/2024;80 %;7,5;Non;Monsieur;Vélo;bob@example.test;y\n"
        "A3;;Sans\x01prénom;;;;;;;;\n"
    ).encode()
    parsed = read_file("employees", data)
    assert parsed.ignored_headers == ["colonne_inconnue"]
    bad, good, blank = parsed.rows
    reasons = " | ".join(bad.errors)
    for expected in ("Date d'embauche « 31/02/2026 » : date impossible",
                     "Taux d'activité (%) « 150 » : doit être compris entre 1 et 100",
                     "Distance domicile-travail (km, aller) « 12.345 » : au plus 1 décimale",
                     "Salarié actif « peut-être » : répondez « oui » ou « non »",
                     "Civilité « Dr » : civilité inconnue",
                     "Mode de transport « fusée » : mode de transport inconnu",
                     "Adresse électronique « pas-un-mail » : adresse électronique invalide"):
        assert expected in reasons
    assert good.errors == []
    assert good.values == {
        "personnel_number": "A2", "first_name": "Bob", "last_name": "Ngo",
        "hire_date": date(2024, 2, 1), "working_time_rate": 80, "commute_km": Decimal("7.5"),
        "is_active": False, "civility": "M.", "commute_mode": "velo",
        "email": "bob@example.test"}
    assert "Prénom : valeur obligatoire manquante" in blank.errors
    assert any("caractères de contrôle" in e for e in blank.errors)


def test_template_has_the_documented_header():
    data = template_csv("employees")
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").strip() == EMP_HEADER
    assert read_file("employees", data).rows == []


# --------------------------------------------------------------------------- plan and apply


def test_employees_preview_apply_and_rerun_changes_nothing(db_session):
    """300 employees here (the web test imports 1,000 through the screens)."""
    make_post(code="GEST-01")
    make_employee(personnel_number="e00002", first_name="Ancien", last_name="Nomc",
                  commute_km=Decimal("3"))
    data = employees_csv(300, "GEST-01").encode("utf-8")
    plan = build_plan("employees", data)
    assert plan.counts == {"create": 299, "update": 1, "unchanged": 0, "reject": 0}
    (update,) = plan.of("update")
    assert update.changes["first_name"] == ("Ancien", "Élise-c")
    assert update.changes["commute_km"] == (Decimal("3.0"), Decimal("12.5"))
    assert db.session.scalar(sa.select(sa.func.count(Employee.id))) == 1  # dry run wrote nothing
    counts = apply_plan(plan, None)
    db.session.commit()
    assert counts["create"] == 299 and counts["update"] == 1
    assert db.session.scalar(sa.select(sa.func.count(Employee.id))) == 300
    boss = db.session.scalar(sa.select(Employee).where(Employee.personnel_number == "E00001"))
    third = db.session.scalar(sa.select(Employee).where(Employee.personnel_number == "E00003"))
    assert third.manager_id == boss.id and third.working_time_rate == 80
    assert third.commute_mode == "transports" and third.hire_date == date(2020, 1, 6)
    assert third.category.code == "B" and third.post.code == "GEST-01"
    audits = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.object_type == "employees", AuditEntry.action.in_(("create", "update"))))
    assert audits == 300

    assert db.session.scalar(sa.select(sa.func.max(Employee.version))) == 2  # E00002 only
    versions = db.session.scalar(sa.select(sa.func.sum(Employee.version)))

    again = build_plan("employees", data)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 300, "reject": 0}
    counts = apply_plan(again, None)
    db.session.commit()
    assert (counts["create"], counts["update"]) == (0, 0)
    assert db.session.scalar(sa.select(sa.func.sum(Employee.version))) == versions


def test_employee_rejections_have_reasons(db_session):
    make_post(code="P-OK")
    csv_text = (
        EMP_HEADER + "\n"
        "B1;M.;Jean;Valide;;P-OK;;;;;;;;;\n"
        "B1;M.;Jean;Double;;P-OK;;;;;;;;;\n"
        "B2;M.;Jeanne;PostInconnu;;P-NON;;;;;;;;;\n"
        "B3;M.;Jo;SonPropreChef;;;;;;;;;;B3;\n"
        "B4;M.;Jo;ChefInconnu;;;;;;;;;;ZZZ;\n"
        "B5;M.;Jo;ChefRejete;;;;;;;;;;B2;\n"
        ";M.;Sans;Matricule;;;;;;;;;;;\n"
        "B6;M.;<script>alert(1)</script>;{{7*7}};;;;;;;;;;;\n"
        "b1;M.;Jean;Casse;;;;;;;;;;;\n"
        "B7;M.;Léa;Boucle;;;;;;;;;;B8;\n"
        "B8;M.;Léo;Boucle;;;;;;;;;;B7;\n"
        "B9;M.;Futur;Lointain;;;;01/01/2099;;;;;;;\n"
    )
    plan = build_plan("employees", csv_text.encode())
    reasons = {r.line: " ".join(r.reasons) for r in plan.of("reject")}
    assert "en double dans le fichier (déjà en ligne 2)" in reasons[3]
    assert "Poste « P-NON » inconnu : importez d'abord les postes" in reasons[4]
    assert "son propre responsable" in reasons[5]
    assert "Responsable « ZZZ » inconnu" in reasons[6]
    assert "Responsable « B2 » refusé dans ce même fichier" in reasons[7]
    assert "Matricule : valeur obligatoire manquante" in reasons[8]
    assert "pas de chiffres ni de balises" in reasons[9]
    assert "Matricule « b1 » en double dans le fichier (déjà en ligne 2)" in reasons[10]
    assert "boucle hiérarchique" in reasons[11] and "boucle hiérarchique" in reasons[12]
    assert "date trop lointaine" in reasons[13]
    assert {r.key for r in plan.of("create")} == {"B1"}
    apply_plan(plan, None)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Employee.id))) == 1


def test_posts_import_idempotent_with_categories_and_establishments(db_session):
    make_employer()
    data = (
        "code;intitule;service;etablissement;categorie;teletravaillable;motif;"
        "plafond_jours_semaine;effectif;vacant\n"
        "C-1;Comptable;Finances;siège;A;oui;;2;3;non\n"
        "C-2;Agent d'accueil;Accueil;Siège;C;non;Accueil physique du public;;1;oui\n"
        "C-3;Sans motif;Accueil;Siège;C;non;;;1;non\n"
        "C-4;Plafond faux;Finances;Siège;A;oui;;0,7;1;non\n"
        "C-5;Site inconnu;Finances;Lune;A;oui;;1;1;non\n"
    ).encode("cp1252")
    plan = build_plan("posts", data)
    assert plan.new_categories == ["A", "C"]
    assert {r.key for r in plan.of("create")} == {"C-1", "C-2", "C-3"}
    rejected = {r.key: " ".join(r.reasons) for r in plan.of("reject")}
    assert "demi-journées" in rejected["C-4"]
    assert "Établissement « Lune » inconnu" in rejected["C-5"]
    (no_reason,) = [r for r in plan.rows if r.key == "C-3"]
    assert no_reason.warnings  # domain rule: a warning, not a refusal
    apply_plan(plan, None)
    db.session.commit()
    post = db.session.scalar(sa.select(Post).where(Post.code == "C-1"))
    assert post.max_days_per_week == Decimal("2") and post.headcount == 3
    assert post.establishment.name == "Siège" and post.category.code == "A"
    assert db.session.scalar(sa.select(sa.func.count(Category.id))) == 2
    rerun = build_plan("posts", data)
    assert (rerun.counts["create"], rerun.counts["update"]) == (0, 0)
    assert rerun.new_categories == []

    changed = data.replace(b"Comptable;Finances", b"Comptable principal;Finances")
    plan = build_plan("posts", changed)
    (update,) = plan.of("update")
    assert update.changes == {"title": ("Comptable", "Comptable principal")}
    apply_plan(plan, None)
    db.session.commit()
    assert db.session.scalar(sa.select(Post.version).where(Post.code == "C-1")) == 2


def test_cli_preview_apply_and_rerun(app, tmp_path):
    with app.app_context():
        make_employer()
    path = tmp_path / "postes.csv"
    path.write_bytes("code;intitule;teletravaillable;motif\r\nK-1;Juriste;oui;\r\n"
                     "K-2;Agent d’accueil;non;Accueil physique\r\nK-3;;oui;\r\n".encode("cp1252"))
    runner = app.test_cli_runner()
    preview = runner.invoke(args=["import-csv", "--kind", "posts", str(path)])
    assert preview.exit_code == 0, preview.output
    assert "Aperçu (rien n'est enregistré ; ajoutez --apply) : 2 création(s)" in preview.output
    assert "ligne 4 [K-3] rejetée : Intitulé : valeur obligatoire manquante" in preview.output
    assert "Windows-1252" in preview.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0
    applied = runner.invoke(args=["import-csv", "--kind", "posts", str(path), "--apply"])
    assert "Import appliqué : 2 création(s), 0 mise(s) à jour" in applied.output
    rerun = runner.invoke(args=["import-csv", "--kind", "posts", str(path), "--apply"])
    assert "Import appliqué : 0 création(s), 0 mise(s) à jour, 2 inchangée(s)" in rerun.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 2
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    refused = runner.invoke(args=["import-csv", "--kind", "employees", str(empty)])
    assert refused.exit_code == 1 and "Le fichier est vide." in refused.output
