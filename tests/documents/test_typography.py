"""fr_typo and the small formatting filters used by the PDF templates."""

import pytest
from markupsafe import Markup

from hrtele.documents.render import date_fr, days_fr, salutation_fr
from hrtele.documents.typography import NBSP, NNBSP, fr_typo


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Note : voir", f"Note{NNBSP}: voir"),
        ("Note: voir", f"Note{NNBSP}: voir"),
        ("Note  : voir", f"Note{NNBSP}: voir"),
        ("a ; b", f"a{NNBSP}; b"),
        ("Attention!", f"Attention{NNBSP}!"),
        ("Vraiment ?", f"Vraiment{NNBSP}?"),
        ("Quoi ?!", f"Quoi{NNBSP}?!"),
        ("fin:", f"fin{NNBSP}:"),
        ("« citation »", f"«{NBSP}citation{NBSP}»"),
        ("«citation»", f"«{NBSP}citation{NBSP}»"),
        ("«  a  »", f"«{NBSP}a{NBSP}»"),
        ("«»", "«»"),
        # Tokens that are not punctuation uses are left alone.
        ("http://127.0.0.1:1/", "http://127.0.0.1:1/"),
        ("file:///etc/passwd", "file:///etc/passwd"),
        ("14:30", "14:30"),
        ("https://x.test/?a=1", "https://x.test/?a=1"),
        ("", ""),
    ],
)
def test_fr_typo_spacing(raw, expected):
    assert str(fr_typo(raw)) == expected


def test_fr_typo_escapes_plain_strings():
    result = fr_typo('<img src="http://127.0.0.1:1/"> & co')
    assert isinstance(result, Markup)
    assert str(result) == "&lt;img src=&#34;http://127.0.0.1:1/&#34;&gt; &amp; co"


def test_fr_typo_never_breaks_entities():
    # The ";" ending &amp; / &#39; / &#34; must not get a narrow space in front of it.
    result = str(fr_typo("""l'avis "A & B" ; fin"""))
    assert "l\u2019avis" in result  # the typewriter apostrophe becomes a typographic one
    assert "&#34;" in result and "&amp;" in result
    assert f"{NNBSP};" in result
    assert result.count(NNBSP) == 1


def test_fr_typo_on_markup_keeps_tags_and_entities():
    source = Markup('« <b>mot</b> » : <a href="x?y=1">lien</a> &amp; fin')
    result = str(fr_typo(source))
    assert result == f'«{NBSP}<b>mot</b>{NBSP}»{NNBSP}: <a href="x?y=1">lien</a> &amp; fin'


def test_fr_typo_is_idempotent():
    once = fr_typo("« Objet » : réponse ; merci ! l'avis ?")
    assert fr_typo(once) == once


def test_fr_typo_none_and_numbers():
    assert fr_typo(None) == Markup("")
    assert fr_typo(15) == Markup("15")


def test_fr_typo_ignores_html_dunder_of_plain_objects():
    class Sneaky:
        def __html__(self):
            return "<script>alert(1)</script>"

        def __str__(self):
            return "<script>"

    assert str(fr_typo(Sneaky())) == "&lt;script&gt;"


@pytest.mark.parametrize(
    ("iso", "short", "long"),
    [
        ("2026-03-01", "01/03/2026", f"1er{NBSP}mars{NBSP}2026"),
        ("2026-08-15", "15/08/2026", f"15{NBSP}août{NBSP}2026"),
        ("2027-12-31", "31/12/2027", f"31{NBSP}décembre{NBSP}2027"),
    ],
)
def test_date_fr(iso, short, long):
    assert date_fr(iso) == short
    assert date_fr(iso, "long") == long


def test_date_fr_rejects_bad_input():
    with pytest.raises(ValueError):
        date_fr("01/03/2026")
    with pytest.raises(ValueError):
        date_fr(None)
    with pytest.raises(ValueError):
        date_fr("2026-03-01", "medium")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", f"1{NBSP}jour"),
        ("1,5", f"1,5{NBSP}jour"),
        ("2", f"2{NBSP}jours"),
        (15, f"15{NBSP}jours"),
        (0, f"0{NBSP}jour"),
    ],
)
def test_days_fr(value, expected):
    assert days_fr(value) == expected


@pytest.mark.parametrize(
    ("civility", "expected"),
    [
        ("Madame", "Madame"),
        ("Mme", "Madame"),
        ("M.", "Monsieur"),
        ("Monsieur", "Monsieur"),
        (None, "Madame, Monsieur"),
    ],
)
def test_salutation_fr(civility, expected):
    assert salutation_fr(civility) == expected
