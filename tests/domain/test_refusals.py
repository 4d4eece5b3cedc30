"""Refusal reasons: when the precision is required, how label and precision combine."""

import pytest

from hrtele.domain.refusals import (
    DEFAULT_REASONS,
    OTHER,
    check_label,
    missing_detail,
    refusal_wording,
)


def test_seeded_catalogue_is_french_and_has_other():
    codes = [code for code, _ in DEFAULT_REASONS]
    assert codes == ["post_not_eligible", "seniority", "service_organisation", "working_time",
                     OTHER]
    assert dict(DEFAULT_REASONS)[OTHER] == "Autre motif"


@pytest.mark.parametrize(("code", "detail", "required"), [
    (OTHER, "", True),
    (OTHER, "  \n ", True),
    (None, "", True),
    (OTHER, "Sous-effectif", False),
    ("seniority", "", False),
    (None, "texte", False),
])
def test_missing_detail(code, detail, required):
    assert (missing_detail(code, detail) is not None) is required


@pytest.mark.parametrize(("label", "detail", "expected"), [
    ("Organisation du service", "accueil du public.", "Organisation du service : accueil du public"),
    ("Ancienneté insuffisante", "", "Ancienneté insuffisante"),
    (None, " texte  libre ", "texte libre"),
    ("Autre motif.", "a\nb", "Autre motif : a b"),
    (None, "", ""),
])
def test_refusal_wording(label, detail, expected):
    assert refusal_wording(label, detail) == expected


@pytest.mark.parametrize(("label", "error"), [
    ("", "obligatoire"),
    ("   ", "obligatoire"),
    ("x" * 121, "120 caractères"),
    ("autre MOTIF", "déjà"),
    ("Nouveau motif", None),
])
def test_check_label(label, error):
    result = check_label(label, {"Autre motif"})
    assert (result is None) if error is None else (error in result)
