"""The classes of hostile input the fuzz test found, checked one rule at a time."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from wtforms.validators import Length, NumberRange

import hrtele
from hrtele.extensions import db
from hrtele.models import Post
from hrtele.web.inputs import MAX_ID, coerce_id, parse_int
from tests.factories import make_employee, make_employer, page_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), (" 7 ", 7), ("+3", 3), ("-4", -4), ("0", 0), ("²", None), ("¹²", None),
     ("٣", None), ("３", None), ("1e3", None), ("1.0", None), ("", None), (None, None),
     ("9" * 19, None), (True, None), (5, 5), ("0x10", None), ("1_000", None)],
)
def test_parse_int_accepts_ascii_digits_only(raw, expected):
    assert parse_int(raw) == expected


@given(st.text(max_size=25))
@settings(max_examples=300, deadline=None)
def test_parse_int_never_raises_and_agrees_with_ascii_int(raw):
    value = parse_int(raw, minimum=-MAX_ID, maximum=MAX_ID)
    if value is not None:
        assert raw.strip(" \t").lstrip("+-").isascii()
        assert value == int(raw)
        assert -MAX_ID <= value <= MAX_ID


@pytest.mark.parametrize("raw", [str(2**31), str(2**63), str(2**64 + 1), "-2", "²", "abc", ""])
def test_coerce_id_refuses_what_the_database_cannot_hold(raw):
    with pytest.raises(ValueError):
        coerce_id(raw)


def _form_classes():
    for module in pkgutil.walk_packages(hrtele.__path__, "hrtele."):
        if module.name.endswith(".forms"):
            mod = importlib.import_module(module.name)
            for _, cls in inspect.getmembers(mod, inspect.isclass):
                if issubclass(cls, FlaskForm) and cls.__module__ == mod.__name__:
                    yield cls


def test_every_validation_message_survives_string_formatting(app):
    """WTForms %-formats Length and NumberRange messages: a bare % is a 500 at the first error."""
    problems = []
    with app.test_request_context():
        for cls in _form_classes():
            for name, unbound in vars(cls).items():
                kwargs = getattr(unbound, "kwargs", {}) or {}
                for validator in kwargs.get("validators") or ():
                    if isinstance(validator, (Length, NumberRange)) and validator.message:
                        try:
                            str(validator.message) % {"min": 1, "max": 2, "length": 3}
                        except (ValueError, TypeError, KeyError) as exc:
                            problems.append(f"{cls.__name__}.{name}: {exc}")
    assert not problems, problems


@pytest.fixture
def staff(app, hr_client):
    with app.app_context():
        make_employer()
        make_employee()
    return hr_client


@pytest.mark.parametrize("page", ["²", "٣", "３", str(2**64), "-1", "0", "1e3"])
def test_odd_page_numbers_show_the_first_page(staff, page):
    response = staff.get("/salaries/", query_string={"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/salaries/", "/postes/", "/journal/"])
def test_nul_in_a_search_is_a_french_400_on_both_databases(staff, path):
    response = staff.get(path, query_string={"q": "a\x00b"})
    assert response.status_code == 400
    assert "caractère nul" in page_text(response)


def _posts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Post.id)))


def test_nul_in_a_form_field_is_refused_and_nothing_saved(app, staff):
    before = _posts(app)
    response = staff.post("/postes/nouveau", data={"code": "NUL1", "title": "Poste\x00", "headcount": "1"})
    assert response.status_code == 400
    assert _posts(app) == before


@pytest.mark.parametrize("value", [str(2**64), str(2**31), "²", "٣"])
def test_identifiers_beyond_range_in_select_fields_are_422(app, staff, value):
    before = _posts(app)
    response = staff.post("/postes/nouveau", data={"code": "BIG1", "title": "Poste",
                                                   "headcount": "1", "category_id": value})
    assert response.status_code == 422
    assert _posts(app) == before


def test_non_ascii_digits_in_an_integer_field_are_refused(app, staff):
    response = staff.post("/postes/nouveau", data={"code": "DIG1", "title": "Poste",
                                                   "headcount": "３"})
    assert response.status_code == 422
    text = page_text(response)
    assert "Nombre entier invalide" in text or "L'effectif est obligatoire" in text


def test_too_many_query_parameters_is_413(staff):
    response = staff.get("/salaries/", query_string={f"p{i}": "x" for i in range(150)})
    assert response.status_code == 413
