"""The OpenAPI 3.1 document (validated), the readable page, and errors that never leak."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from hrtele.imports.parsing import COLUMNS
from tests.api.conftest import problem_of
from tests.conftest import login
from tests.factories import make_user, page_text


def test_openapi_document_is_valid_3_1(client):
    response = client.get("/api/v1/openapi.json")  # public: no token needed
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # raises on any violation of the OpenAPI 3.1 schema
    assert spec["components"]["securitySchemes"]["jeton"]["scheme"] == "bearer"
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            assert op["security"] == [{"jeton": [op["x-scope"]]}], (method, path)
            assert op["summary"], (method, path)
            for code in ("401", "403", "429"):
                assert code in op["responses"], (method, path, code)
    problem = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert list(problem) == ["application/problem+json"]


def test_write_schemas_are_the_import_columns(client):
    """The write bodies are generated from the CSV import's columns: nothing to drift apart."""
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for kind, single, item in (("employees", "EmployeeWrite", "EmployeeBatchItem"),
                               ("posts", "PostWrite", "PostBatchItem")):
        keys = [c.key for c in COLUMNS[kind]]
        assert list(schemas[item]["properties"]) == keys
        assert list(schemas[single]["properties"]) == keys[1:]
        required = [c.key for c in COLUMNS[kind] if c.required]
        assert sorted(schemas[item]["required"]) == sorted(required)
        assert schemas[item]["additionalProperties"] is False


def test_readable_page_lists_every_operation_without_scripts(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    response = client.get("/documentation/api")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(response)
    for path, item in spec["paths"].items():
        for method in item:
            if method != "parameters":
                assert f"{method.upper()} {path}" in text, (method, path)
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
    assert not re.search(r"(src|href)=\"https?://", html)  # nothing from elsewhere (CSP)
    for anchor in ("probleme-authentification", "probleme-portee", "probleme-version",
                   "probleme-validation", "probleme-limite"):
        assert f'id="{anchor}"' in html
    assert "EmployeeWrite" in html and "Matricule du responsable" in html


def test_problem_types_point_at_the_readable_page(api):
    problem = problem_of(api.get("/api/v1/places", as_=None))
    assert problem["type"] == "/documentation/api#probleme-authentification"


@pytest.mark.parametrize(("exc", "status"), [
    (RuntimeError("boom secret internals"), 500),
    (OperationalError("SELECT 1", {}, Exception("database is locked")), 503),
    (StaleDataError("UPDATE expected 1 row"), 409),
    (IntegrityError("INSERT", {}, Exception("duplicate key")), 409),
])
def test_unexpected_errors_are_problems_without_trace(app, api, monkeypatch, exc, status):
    import hrtele.api.places as places

    def explode(*_args, **_kwargs):
        raise exc

    monkeypatch.setattr(places, "list_places_stmt", explode)
    response = api.get("/api/v1/places", as_="read")
    assert response.status_code == status
    problem = problem_of(response)
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "boom", "locked", "duplicate", "UPDATE", "File \""):
        assert leak not in body
    assert problem["detail"]


def test_html_errors_are_unchanged_outside_the_api(app, client):
    with app.app_context():
        make_user("rh.doc@example.test", role="hr")
    login(client, "rh.doc@example.test")
    response = client.get("/salaries/999999")
    assert response.status_code == 404 and response.mimetype == "text/html"
