"""French typography leaves style sheets alone (WeasyPrint drops « margin : 12mm »)."""

from markupsafe import Markup

from hrtele.documents.typography import NNBSP, fr_typo


def test_style_and_script_elements_are_not_typeset():
    html = Markup("<style>@page { margin: 12mm; } a:hover { color: red; }</style>"
                  "<p>Objet : avenant</p><script>var a = 'x';</script>")
    out = str(fr_typo(html))
    assert "<style>@page { margin: 12mm; } a:hover { color: red; }</style>" in out
    assert "<script>var a = 'x';</script>" in out
    assert f"Objet{NNBSP}: avenant" in out


def test_text_around_a_style_element_is_still_typeset():
    out = str(fr_typo(Markup("<p>Note : l'accord</p><STYLE type='text/css'>b{x:y}</STYLE>")))
    assert f"Note{NNBSP}: l\u2019accord" in out and "b{x:y}" in out
