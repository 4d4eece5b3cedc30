"""The signed file stays PDF/A-3a as far as it can be checked offline (veraPDF is not available).

What is checked, on the file read back with pypdf and fontTools (no rendering):
- the issued PDF/A-3a bytes are an unchanged prefix (incremental updates only);
- the catalog keeps its PDF/A output intent (GTS_PDFA1, embedded ICC profile) and its XMP
  metadata, which still says pdfaid:part=3, conformance=A and agrees with the document
  information dictionary (producer, title, dates);
- each signature widget prints (Print flag, not hidden), has an appearance made of /N only,
  and its fonts are embedded (FontFile2) with widths equal to the font program's advances;
- no forbidden constructs were added: no JavaScript, no additional actions, no
  NeedAppearances, no transparency group, no device CMYK colour in the appearances;
- the evidence file is a proper PDF/A-3 embedded file (F, UF, AFRelationship, Subtype, ModDate).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pypdf
import pytest
from fontTools.ttLib import TTFont

from hrtele.documents.render import render_pdf
from hrtele.signatures import pdf as signing_pdf
from tests.documents import samples

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
PDF_NS = "{http://ns.adobe.com/pdf/1.3/}"


@pytest.fixture(scope="module")
def files(seal_files):
    issued = render_pdf("amendment", samples.amendment())
    seal = signing_pdf.load_seal(seal_files[0], seal_files[1].encode())
    data = issued
    for number, party in enumerate(("employee", "employer"), start=1):
        data = signing_pdf.sign_revision(
            data,
            seal=seal,
            area=signing_pdf.signature_area(issued, party),
            field_name=f"Signature {number}",
            stamp_text=f"Signé électroniquement par Élodie Ÿ {number}\nle 02/03/2026 à 10:42:00",
            evidence_json=b'{"test": true}',
            evidence_name=f"preuve-signature-{number}.json",
            reason="Test",
            signer_name=f"Signataire {number}",
            location="Cahors",
            contact="test@example.test",
            signing_time=datetime(2026, 3, 2, 9, 42, tzinfo=UTC),
            auth_seconds=3,
        )
    return issued, data


def _xmp(reader: pypdf.PdfReader) -> dict[str, str]:
    root = ET.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    values: dict[str, str] = {}
    for description in root.iter(f"{RDF}Description"):
        values.update(description.attrib)
        for child in description:
            texts = [t.strip() for t in child.itertext() if t.strip()]
            if texts:
                values[child.tag] = texts[0]
    return values


def test_issued_bytes_are_kept_and_pdfa_identification_survives(files):
    issued, signed = files
    assert signed.startswith(issued)
    reader = pypdf.PdfReader(io.BytesIO(signed))
    root = reader.trailer["/Root"]
    intents = root["/OutputIntents"]
    assert intents[0]["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
    xmp = _xmp(reader)
    assert xmp[f"{PDFAID}part"] == "3" and xmp[f"{PDFAID}conformance"] == "A"
    # The tags survive the signature (incremental update): structure, marking, language.
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "fr"
    info = reader.trailer["/Info"]
    assert info["/Producer"] == xmp[f"{PDF_NS}Producer"]
    assert "/NeedAppearances" not in root["/AcroForm"] or not root["/AcroForm"]["/NeedAppearances"]
    assert "/OpenAction" not in root and "/AA" not in root


def test_signature_widgets_are_pdfa_annotations(files):
    _issued, signed = files
    reader = pypdf.PdfReader(io.BytesIO(signed))
    widgets = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert len(widgets) == 2
    for widget in widgets:
        flags = int(widget["/F"])
        assert flags & 4  # Print
        assert not flags & (1 | 2 | 32)  # Invisible, Hidden, NoView
        assert set(widget["/AP"].keys()) == {"/N"}
        assert "/A" not in widget and "/AA" not in widget
        appearance = widget["/AP"]["/N"].get_object()
        assert "/Group" not in appearance  # no transparency group
        content = appearance.get_data()
        assert not re.search(rb"\b(k|K)\b", content)  # no DeviceCMYK colour operators
        _check_fonts(appearance)
        _check_evidence(appearance)


def _check_fonts(appearance) -> None:
    fonts = appearance["/Resources"]["/Font"]
    assert fonts
    for font_ref in fonts.values():
        font = font_ref.get_object()
        cid_font = font["/DescendantFonts"][0].get_object()
        descriptor = cid_font["/FontDescriptor"].get_object()
        program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        scale = 1000 / program["head"].unitsPerEm
        order = program.getGlyphOrder()
        widths = cid_font["/W"]
        checked = 0
        for i in range(0, len(widths), 2):
            first, values = int(widths[i]), widths[i + 1]
            for offset, width in enumerate(values):
                advance = program["hmtx"][order[first + offset]][0] * scale
                assert abs(float(width) - advance) <= 1, (first + offset, width, advance)
                checked += 1
        assert checked > 10
        assert "/ToUnicode" in font


def _check_evidence(appearance) -> None:
    (spec_ref,) = appearance["/AF"]
    spec = spec_ref.get_object()
    assert spec["/AFRelationship"] == "/Supplement"
    assert spec["/F"] and spec["/UF"]
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application#2Fjson" or stream["/Subtype"] == "/application/json"
    assert "/ModDate" in stream["/Params"]
    assert stream.get_data() == b'{"test": true}'


def test_no_javascript_anywhere(files):
    _issued, signed = files
    assert b"/JavaScript" not in signed and b"/JS " not in signed
