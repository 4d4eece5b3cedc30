"""Uploaded scans are plain PDFs: parsed with pypdf, nothing active, embedded or encrypted."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from hrtele.documents.pdf_check import UnsafePdf, check_plain_pdf


def pdf(modify=None) -> bytes:
    """A one-page PDF written by pypdf, changed by modify(writer)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if modify:
        modify(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(kind: str, **extra):
    def modify(writer):
        action = DictionaryObject({NameObject("/S"): NameObject(kind)})
        for key, value in extra.items():
            action[NameObject(f"/{key}")] = TextStringObject(value)
        writer._root_object[NameObject("/OpenAction")] = action
    return modify


def _page_annotation(subtype: str):
    def modify(writer):
        annot = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                                  NameObject("/Subtype"): NameObject(subtype)})
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    return modify


def test_a_plain_pdf_is_accepted():
    check_plain_pdf(pdf())


@pytest.mark.parametrize(
    ("modify", "reason"),
    [
        (_action("/JavaScript", JS="app.alert(1)"), "JavaScript"),
        (_action("/Launch", F="calc.exe"), "lancement"),
        (_action("/SubmitForm", F="https://evil.example"), "envoi de formulaire"),
        (_action("/ImportData", F="data.fdf"), "import"),
        (_action("/GoToR", F="autre.pdf"), "autre fichier"),
        (lambda w: w.add_attachment("facture.exe", b"MZ"), "fichier joint"),
        (_page_annotation("/FileAttachment"), "fichier joint"),
        (_page_annotation("/RichMedia"), "multimédia"),
        (lambda w: w.encrypt("secret"), "chiffré"),
    ],
)
def test_active_or_embedded_content_is_refused(modify, reason):
    with pytest.raises(UnsafePdf, match=reason):
        check_plain_pdf(pdf(modify))


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4\n%%EOF", b"%PDF-1.7\n" + b"\x00" * 100 + b"%%EOF",
                                  b"not a pdf at all"])
def test_unreadable_files_are_refused(data):
    with pytest.raises(UnsafePdf):
        check_plain_pdf(data)


@given(st.binary(max_size=2000))
@settings(max_examples=150, deadline=None)
def test_arbitrary_bytes_never_crash_the_check(data):
    try:
        check_plain_pdf(b"%PDF-1.4\n" + data + b"\n%%EOF")
    except UnsafePdf:
        pass
