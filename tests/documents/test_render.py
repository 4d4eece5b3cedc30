"""Render the three documents and read the real PDFs back with pypdf."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import socket
from pathlib import Path

import pypdf
import pytest
import weasyprint
from weasyprint.urls import FatalURLFetchingError

from hrtele.documents import render
from hrtele.documents.render import (
    BundledAssetFetcher,
    DocumentRenderError,
    ResourceRefusedError,
    date_fr,
    harfbuzz_subset_available,
    render_html,
    render_pdf,
)
from hrtele.documents.snapshots import Allowance, RequestInfo, snapshot_from_dict, snapshot_json

from . import samples
from .model_samples import squash

AMENDMENT_CASES = {
    "full_days-per_weekly_day": samples.amendment("full_days"),
    "half_days-flat_monthly": samples.amendment(
        "half_days", allowance=samples.ALLOWANCES["flat_monthly"]
    ),
    "third_place-per_day": samples.amendment(
        "third_place",
        allowance=samples.ALLOWANCES["per_day"],
        end_date="2027-03-31",
        renewal="Il peut être renouvelé par un nouvel avenant conclu avant son terme.",
        insurance_required=False,
        electrical_statement_required=False,
        request=RequestInfo(date="2026-01-20", initiative="employer", acceptance_date="2026-01-27"),
        employee=samples.employee(civility=None, contract_date=None, contract_ref=None),
    ),
    "full_days-one_off": samples.amendment(
        "full_days",
        allowance=Allowance(
            scheme="one_off",
            label="indemnité forfaitaire d'installation",
            amount="100,00 €",
            one_off="Cette indemnité couvre l'achat d'un siège de bureau ergonomique.",
        ),
    ),
    "half_days-none": samples.amendment("half_days", allowance=samples.ALLOWANCES["none"]),
}

AMENDMENT_ARTICLES = (
    "Article 1 – Objet",
    "Article 2 – Volontariat",
    "Article 3 – Poste et activités télétravaillées",
    "Article 4 – Organisation du télétravail",
    "Article 5 – Lieu du télétravail",
    "Article 6 – Date d'effet et durée",
    "Article 7 – Période d'adaptation",
    "Article 8 – Réversibilité",
    "Article 9 – Priorité de retour",
    "Article 10 – Plages horaires de joignabilité",
    "Article 11 – Contrôle du temps de travail",
    "Article 12 – Entretien annuel",
    "Article 13 – Équipements",
    "Article 14 – Frais et indemnité",
    "Article 15 – Outils informatiques, protection des données et sanctions",
    "Article 16 – Vie privée",
    "Article 17 – Santé et sécurité",
    "Article 18 – Conformité électrique",
    "Article 19 – Assurance habitation",
    "Article 20 – Égalité de droits",
    "Article 21 – Prévention de l'isolement",
    "Article 22 – Formation",
    "Article 23 – Circonstances exceptionnelles",
    "Article 24 – Dispositions finales",
)

LEGAL_REFERENCES = (
    "article L. 1222-9 du code du travail, dans sa rédaction issue de la loi n° 2012-387 du 22 mars 2012",
    "L. 1222-10, 1°",
    "L. 1222-10, 2°",
    "L. 1222-10, 3°",
    "L. 1222-10, 4°",
    "L. 1222-10, 5°",
    "L. 1222-11",
    "accord national interprofessionnel du 19 juillet 2005 relatif au télétravail, étendu par arrêté du 30 mai 2006",
    "Le refus d'accepter un poste de télétravailleur n'est pas un motif de rupture du contrat de travail",
)

PARTS = {"journée": "journée entière", "matin": "matin", "après-midi": "après-midi"}


# --------------------------------------------------------------------------- helpers


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def assert_contains(text: str, *expected: str) -> None:
    haystack = squash(text)
    missing = [value for value in expected if squash(value) not in haystack]
    assert not missing, f"absent du PDF : {missing}"


def amendment_values(snapshot) -> list[str]:
    """Every value of an amendment snapshot that the PDF must show, as printed."""
    er, e, est, req, ad, al = (
        snapshot.employer,
        snapshot.employee,
        snapshot.establishment,
        snapshot.request,
        snapshot.adaptation,
        snapshot.allowance,
    )
    values = [
        snapshot.reference,
        f"version {snapshot.version}",
        date_fr(snapshot.issue_date),
        date_fr(snapshot.issue_date, "long"),
        er.name, er.siret, er.address, er.representative_name, er.representative_title, er.legal_frame,
        est.name, est.address,
        e.full_name, e.address, e.personnel_number, e.post_title, e.post_code, e.department,
        e.classification, date_fr(e.hire_date), e.working_time_rate,
        date_fr(req.date), date_fr(req.acceptance_date),
        snapshot.eligibility_statement, snapshot.teleworked_tasks,
        f"{snapshot.days_per_week} jour",
        f"au moins {snapshot.onsite_min_days} jours par semaine",
        date_fr(snapshot.start_date), snapshot.renewal,
        f"{ad.months} mois", date_fr(ad.end_date), f"délai de prévenance de {ad.notice_days_during} jours",
        f"délai de prévenance de {snapshot.notice_days_after} jours",
        snapshot.time_control, snapshot.it_charter_ref, date_fr(snapshot.annual_interview_first_date),
        f"Fait à {snapshot.place_of_signature}",
        "Lu et approuvé",
        *snapshot.contact_slots,
        *snapshot.equipment,
    ]  # fmt: skip
    values += [f"{day.weekday} ({PARTS[day.part]})" for day in snapshot.weekly_pattern]
    values += [place.address for place in snapshot.places]
    values += [place.name for place in snapshot.places if place.name]
    if e.civility:
        values.append(f"{e.civility} {e.full_name}")
    if e.contract_date:
        values += [date_fr(e.contract_date), e.contract_ref]
    if req.motive:
        values.append(req.motive)
    values.append("durée indéterminée" if snapshot.end_date is None else date_fr(snapshot.end_date))
    if al.scheme != "none":
        values += [al.label, al.amount]
    if al.cap:
        values.append(al.cap)
    if al.one_off:
        values.append(al.one_off)
    return values


@pytest.fixture(scope="module")
def amendment_pdfs() -> dict[str, bytes]:
    return {name: render_pdf("amendment", snapshot) for name, snapshot in AMENDMENT_CASES.items()}


@pytest.fixture(scope="module")
def notice_pdf() -> bytes:
    return render_pdf("reversibility_notice", samples.notice())


@pytest.fixture(scope="module")
def refusal_pdf() -> bytes:
    return render_pdf("refusal_letter", samples.refusal())


# --------------------------------------------------------------------------- amendment content


@pytest.mark.parametrize("case", AMENDMENT_CASES)
def test_amendment_has_every_clause_and_value(amendment_pdfs, case):
    snapshot = AMENDMENT_CASES[case]
    text = pdf_text(amendment_pdfs[case])
    assert_contains(
        text, "Avenant au contrat de travail relatif au télétravail", *AMENDMENT_ARTICLES
    )
    assert_contains(text, *LEGAL_REFERENCES)
    assert_contains(text, *amendment_values(snapshot))


@pytest.mark.parametrize("case", AMENDMENT_CASES)
def test_amendment_fits_on_one_to_three_pages(amendment_pdfs, case):
    reader = pypdf.PdfReader(io.BytesIO(amendment_pdfs[case]))
    assert 1 <= len(reader.pages) <= 3
    # Running header and footer on every page.
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert_contains(
            page_text, AMENDMENT_CASES[case].employer.name, AMENDMENT_CASES[case].reference
        )
        assert_contains(page_text, f"Page {number} / {len(reader.pages)}")


def test_amendment_variant_clauses(amendment_pdfs):
    full = pdf_text(amendment_pdfs["full_days-per_weekly_day"])
    assert_contains(full, "Le télétravail s'exerce par journées entières.")
    assert_contains(full, "par mois et par jour de télétravail hebdomadaire")
    assert_contains(
        full,
        "demande formulée par le salarié le 15/01/2026, acceptée par l'employeur le 10/02/2026",
    )
    assert_contains(
        full, "assurance multirisque habitation", "attestation sur l'honneur de la conformité"
    )

    half = pdf_text(amendment_pdfs["half_days-flat_monthly"])
    assert_contains(
        half,
        "Le télétravail peut être organisé par demi-journées.",
        "vendredi (après-midi)",
        "1,5 jour par semaine",
    )
    assert_contains(half, "20,00 € par mois")

    third = pdf_text(amendment_pdfs["third_place-per_day"])
    assert_contains(
        third, "tiers-lieu", "Télécentre du Grand Cahors", "3 place Rousseau, 46000 Cahors"
    )
    assert_contains(third, "changement de domicile ou de lieu de télétravail")
    assert_contains(third, "durée déterminée et prend fin le 31/03/2027")
    assert_contains(
        third, "par jour de télétravail effectivement accompli, dans la limite de 59,40 € par mois"
    )
    assert_contains(
        third,
        "proposition faite par l'employeur le 20/01/2026, acceptée par le salarié le 27/01/2026",
    )
    assert_contains(third, "Aucune attestation d'assurance multirisque habitation n'est exigée")
    assert_contains(third, "Aucune attestation de conformité électrique n'est exigée")
    assert_contains(third, "le contrat de travail du salarié")

    one_off = pdf_text(amendment_pdfs["full_days-one_off"])
    assert_contains(one_off, "100,00 €, versée en une seule fois")

    none = pdf_text(amendment_pdfs["half_days-none"])
    assert_contains(
        none,
        "Aucune allocation forfaitaire n'est versée",
        "remboursés au salarié sur présentation de justificatifs",
    )


# --------------------------------------------------------------------------- notice and refusal content


def test_notice_covers_every_element(notice_pdf):
    snapshot = samples.notice()
    r = snapshot.return_arrangements
    text = pdf_text(notice_pdf)
    reader = pypdf.PdfReader(io.BytesIO(notice_pdf))
    # The blank signature areas (room for a handwritten or an electronic signature block,
    # issue 14) may carry the signatures over to a second page.
    assert 1 <= len(reader.pages) <= 2
    assert_contains(
        text,
        "Notification de fin de télétravail",
        snapshot.reference,
        snapshot.employer.name,
        snapshot.employee.full_name,
        snapshot.employee.personnel_number,
        snapshot.amendment_reference,
        date_fr(snapshot.amendment_date),
        "Fin du télétravail à l'initiative de l'employeur",
        "L'employeur notifie au salarié",
        "pendant la période d'adaptation",
        "Date de notification", date_fr(snapshot.notification_date),
        "Mode de notification", snapshot.method,
        "Délai de prévenance convenu", f"{snapshot.notice_days} jours",
        "Retour dans les locaux",
        f"à compter du {date_fr(snapshot.effective_end_date)}, date de fin du télétravail",
        snapshot.reason,
        r.site_name, r.site_address, r.schedule, r.manager,
        "L. 1222-10, 3°",
        *[value for post in snapshot.vacant_posts for value in (post.code, post.title, post.department, post.establishment)],
        *snapshot.equipment_to_return,
        snapshot.allowance_end,
        "reçu en main propre",
        f"Fait à {snapshot.place_of_signature}, le {date_fr(snapshot.issue_date, 'long')}",
    )  # fmt: skip


def test_notice_by_employee_after_adaptation_with_countersignature():
    snapshot = samples.notice(
        initiative="employee",
        phase="after_adaptation",
        method="LRAR",
        notice_days=30,
        notification_date="2026-09-01",
        effective_end_date="2026-10-01",
        issue_date="2026-09-01",
        return_arrangements=dataclasses.replace(
            samples.notice().return_arrangements, resumption_date="2026-10-02"
        ),
        reason=None,
        vacant_posts=(),
        equipment_to_return=(),
        requires_countersignature=True,
    )
    text = pdf_text(render_pdf("reversibility_notice", snapshot))
    assert_contains(
        text,
        "Fin du télétravail à l'initiative du salarié",
        "Le salarié notifie à l'employeur",
        "après la période d'adaptation",
        "les parties conviennent d'un commun accord de mettre fin au télétravail",
        "lettre recommandée avec demande d'avis de réception",
        "30 jours",
        "01/09/2026",
        "01/10/2026",
        "Aucun poste sans télétravail correspondant aux qualifications",
        "Aucun équipement n'est à restituer.",
        "bon pour accord",
        "Lu et approuvé",
    )
    assert "Motif" not in text


def test_refusal_letter_states_the_reason(refusal_pdf):
    snapshot = samples.refusal()
    text = pdf_text(refusal_pdf)
    assert len(pypdf.PdfReader(io.BytesIO(refusal_pdf)).pages) == 1
    assert_contains(
        text,
        snapshot.reference,
        snapshot.employer.name,
        snapshot.employer.address,
        snapshot.employee.address,
        "Monsieur Thomas Bergougnoux",
        "Monsieur,",
        f"réponse à votre demande de télétravail du {date_fr(snapshot.request_date)}",
        snapshot.wished_days,
        snapshot.refusal_reason,
        snapshot.decided_by,
        date_fr(snapshot.decision_date),
        date_fr(snapshot.issue_date, "long"),
        snapshot.employer.representative_name,
        "19 juillet 2005",
    )


# --------------------------------------------------------------------------- PDF/A, metadata, attachment, determinism


@pytest.mark.parametrize(
    ("kind", "snapshot", "title"),
    [
        ("amendment", samples.amendment(), "Avenant au contrat de travail relatif au télétravail"),
        ("reversibility_notice", samples.notice(), "Notification de fin de télétravail"),
        ("refusal_letter", samples.refusal(), "Réponse à une demande de télétravail"),
    ],
)
def test_metadata_pdfa_and_embedded_snapshot(
    kind, snapshot, title, amendment_pdfs, notice_pdf, refusal_pdf
):
    pdf = {
        "amendment": amendment_pdfs["full_days-per_weekly_day"],
        "reversibility_notice": notice_pdf,
        "refusal_letter": refusal_pdf,
    }[kind]
    assert pdf.startswith(b"%PDF-1.7")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    meta = reader.metadata
    assert meta.title.startswith(title) and snapshot.reference in meta.title
    assert meta.author == snapshot.employer.name
    assert meta.subject and snapshot.reference in meta.subject
    issued = snapshot.issue_date.replace("-", "")
    assert meta["/CreationDate"] == meta["/ModDate"] == f"D:{issued}000000Z"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"

    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert f"<xmp:CreateDate>{snapshot.issue_date}T00:00:00Z</xmp:CreateDate>" in xmp
    assert "/OutputIntents" in root

    name = render.DOCUMENT_KINDS[kind].attachment_name
    assert list(reader.attachments) == [name]
    (content,) = reader.attachments[name]
    assert content.decode("utf-8") == snapshot_json(snapshot)
    assert snapshot_from_dict(json.loads(content)) == snapshot
    # PDF/A-3 associated file, declared once, as data.
    associated = root["/AF"]
    assert len(associated) == 1
    assert associated[0].get_object()["/AFRelationship"] == "/Data"


def test_same_snapshot_renders_byte_identical(amendment_pdfs, notice_pdf):
    assert (
        render_pdf("amendment", AMENDMENT_CASES["full_days-per_weekly_day"])
        == amendment_pdfs["full_days-per_weekly_day"]
    )
    assert render_pdf("reversibility_notice", samples.notice()) == notice_pdf


def test_embed_json_false_has_no_attachment():
    pdf = render_pdf("refusal_letter", samples.refusal(), embed_json=False)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert "/AF" not in reader.trailer["/Root"]


def test_harfbuzz_subsetting_is_available():
    # Without libharfbuzz-subset0, renders are slower and not byte-reproducible (design.md §5).
    assert harfbuzz_subset_available() is True
    assert render.warm_up() is True


def test_kind_and_snapshot_type_are_checked():
    with pytest.raises(ValueError):
        render_pdf("contract", samples.refusal())
    with pytest.raises(TypeError):
        render_pdf("amendment", samples.refusal())


# --------------------------------------------------------------------------- SSRF and local file reads


HOSTILE_CASES = [
    (
        "amendment",
        samples.hostile(samples.amendment("third_place", allowance=samples.ALLOWANCES["one_off"])),
    ),
    ("reversibility_notice", samples.hostile(samples.notice())),
    ("refusal_letter", samples.hostile(samples.refusal())),
]


@pytest.fixture
def fetch_spy(monkeypatch):
    """Record every URL WeasyPrint asks for; fail on any socket connection, even loopback."""
    calls: list[str] = []
    original = BundledAssetFetcher.fetch

    def spy(self, url, headers=None):
        calls.append(url)
        return original(self, url, headers)

    def no_connect(sock, address):
        raise AssertionError(f"connexion réseau pendant un rendu : {address!r}")

    monkeypatch.setattr(BundledAssetFetcher, "fetch", spy)
    monkeypatch.setattr(socket.socket, "connect", no_connect)
    return calls


def test_hostile_samples_poison_every_free_text_field():
    _, snapshot = HOSTILE_CASES[1]
    assert samples.HOSTILE in snapshot.reason
    assert samples.HOSTILE in snapshot.return_arrangements.manager
    assert all(samples.HOSTILE in item for item in snapshot.equipment_to_return)
    assert all(samples.HOSTILE in post.title for post in snapshot.vacant_posts)


@pytest.mark.parametrize(
    ("kind", "snapshot"), HOSTILE_CASES, ids=[kind for kind, _ in HOSTILE_CASES]
)
def test_hostile_text_is_printed_literally_and_never_fetched(kind, snapshot, fetch_spy):
    html = render_html(kind, snapshot)
    assert "<link rel=" not in html and "<img" not in html

    pdf = render_pdf(kind, snapshot, uncompressed=True)

    assert fetch_spy == []  # WeasyPrint never even asked for a URL
    assert b"root:x:0:0" not in pdf
    passwd_first_line = Path("/etc/passwd").read_bytes().splitlines()[0]
    assert passwd_first_line not in pdf
    assert len(re.findall(rb"/Type\s*/EmbeddedFile\b", pdf)) == 1
    assert b"/Annot" not in pdf and b"/URI" not in pdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert list(reader.attachments) == [render.DOCUMENT_KINDS[kind].attachment_name]
    assert reader.attachments[render.DOCUMENT_KINDS[kind].attachment_name][
        0
    ].decode() == snapshot_json(snapshot)
    text = pdf_text(pdf)
    assert_contains(text, *samples.HOSTILE_STRINGS)
    assert squash(text).count(squash(samples.HOSTILE)) >= 5


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///etc/hostname",
        "FILE:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://evil.example/etc/passwd",
        f"{render.TEMPLATE_DIR.as_uri()}/../../etc/passwd",
        f"{render.TEMPLATE_DIR.as_uri()}/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{render.TEMPLATE_DIR.as_uri()}/missing.css",
        render.TEMPLATE_DIR.as_uri(),
        "http://127.0.0.1:1/",
        "https://169.254.169.254/latest/meta-data/",
        "ftp://127.0.0.1/x",
        "data:text/plain,root:x",
        "about:blank",
    ],
)
def test_fetcher_refuses_everything_outside_bundled_assets(url):
    with pytest.raises(ResourceRefusedError):
        BundledAssetFetcher().fetch(url)
    with pytest.raises(ResourceRefusedError):
        BundledAssetFetcher()(url)


def test_fetcher_serves_bundled_assets():
    response = BundledAssetFetcher().fetch((render.TEMPLATE_DIR / "print.css").as_uri())
    try:
        assert response.content_type == "text/css"
        assert b"@page" in response.read()
    finally:
        response.close()


def test_fetcher_does_not_follow_symlinks_out_of_asset_folders(tmp_path, monkeypatch):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (assets / "escape.txt").symlink_to("/etc/passwd")
    monkeypatch.setattr(render, "ALLOWED_ASSET_DIRS", (assets,))
    response = BundledAssetFetcher().fetch((assets / "logo.svg").as_uri())
    response.close()
    with pytest.raises(ResourceRefusedError):
        BundledAssetFetcher().fetch((assets / "escape.txt").as_uri())


@pytest.mark.parametrize(
    "body",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/hostname">',
        '<img src="http://127.0.0.1:1/">',
        "<style>@import url(http://127.0.0.1:1/x.css);</style>",
    ],
)
def test_refused_resource_aborts_weasyprint(body, fetch_spy):
    # Even a template bug cannot leak: the fetcher stops the render instead of skipping.
    document = weasyprint.HTML(
        string=f"<html><body>{body}<p>x</p></body></html>", url_fetcher=BundledAssetFetcher()
    )
    with pytest.raises(FatalURLFetchingError):
        document.write_pdf()
    assert len(fetch_spy) == 1  # the spy does see real fetches


def test_render_pdf_turns_a_refused_fetch_into_document_render_error(monkeypatch):
    monkeypatch.setattr(
        render,
        "render_html",
        lambda kind, snapshot, preview=False: (
            '<html><body><img src="file:///etc/passwd"></body></html>'
        ),
    )
    with pytest.raises(DocumentRenderError):
        render_pdf("refusal_letter", samples.refusal())


def test_package_import_is_lazy():
    import subprocess
    import sys

    code = (
        "import sys, hrtele.documents as d; "
        "assert 'weasyprint' not in sys.modules; "
        "assert callable(d.render_pdf); assert 'weasyprint' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(render.__file__).parents[2])


def test_template_version_covers_every_file_the_documents_use():
    from jinja2 import meta

    env = render._environment()
    seen, todo = set(), [spec.template for spec in render.DOCUMENT_KINDS.values()]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        source = env.loader.get_source(env, name)[0]
        todo += [ref for ref in meta.find_referenced_templates(env.parse(source)) if ref]
    assert seen | {"print.css"} == set(render.LEGAL_TEMPLATE_FILES)
    assert re.fullmatch(r"pdf-[0-9a-f]{16}", render.TEMPLATE_VERSION)
