"""The issued PDFs are tagged PDF/A-3a: structure tree, reading order, language, still PDF/A."""

from __future__ import annotations

import io
from collections import Counter

import pypdf
import pytest

from hrtele.documents.render import render_pdf

from . import samples

KINDS = {
    "amendment": samples.amendment,
    "reversibility_notice": samples.notice,
    "refusal_letter": samples.refusal,
}


def _structure(reader: pypdf.PdfReader) -> tuple[Counter, list[str]]:
    """Counts of structure roles, and the text of the first headings in reading order."""
    roles: Counter = Counter()
    headings: list[str] = []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
            return
        if isinstance(node, dict) and "/S" in node:
            roles[str(node["/S"])] += 1
            if str(node["/S"]) in ("/H1", "/H2"):
                headings.append(str(node["/S"]))
            walk(node.get("/K", []))

    walk(reader.trailer["/Root"]["/StructTreeRoot"].get_object()["/K"])
    return roles, headings


@pytest.fixture(scope="module", params=sorted(KINDS))
def pdf(request) -> tuple[str, bytes]:
    return request.param, render_pdf(request.param, KINDS[request.param]())


def test_tagged_with_structure_language_and_marking(pdf):
    kind, data = pdf
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert bool(root["/MarkInfo"]["/Marked"]) is True  # a pypdf BooleanObject
    tree = root["/StructTreeRoot"].get_object()
    assert "/ParentTree" in tree
    roles, headings = _structure(reader)
    assert roles["/Document"] == 1
    assert roles["/P"] >= 5, roles  # paragraphs are tagged, not one blob of text
    if kind != "refusal_letter":  # a letter has an object line, not headings
        assert headings and headings[0] == "/H1", headings  # the title is read first
    # Every page's content is attached to the tree (reading order follows the structure).
    for page in reader.pages:
        assert "/StructParents" in page


def test_still_pdfa_3_with_conformance_a(pdf):
    _kind, data = pdf
    reader = pypdf.PdfReader(io.BytesIO(data))
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert reader.attachments  # the JSON snapshot stays embedded (PDF/A-3 associated file)


def test_amendment_lists_and_tables_are_tagged():
    reader = pypdf.PdfReader(io.BytesIO(render_pdf("amendment", samples.amendment())))
    roles, _ = _structure(reader)
    assert roles["/L"] and roles["/LI"] and roles["/Table"] and roles["/TR"], roles
