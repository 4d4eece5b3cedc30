"""Security headers, no inline script in templates, request size limits, generic error pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD, make_user, page_text

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/connexion", "/une-page-qui-n-existe-pas", "/postes/"])
def test_security_headers_on_every_html_response(client, path):
    response = client.get(path)
    csp = _csp(response)
    assert csp["default-src"] == "default-src 'self'"
    assert csp["script-src"] == "script-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert csp["base-uri"] == "base-uri 'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert response.headers["X-Frame-Options"] == "DENY"
    if response.mimetype == "text/html":
        assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/connexion").headers
    secure = client.get("/connexion", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_logged_in_pages_also_carry_the_headers(hr_client):
    response = hr_client.get("/mon-compte")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def _html_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "pdf" in path.relative_to(TEMPLATES).parts:
            continue  # rendered by WeasyPrint into a PDF, never served as a page
        yield path


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def test_templates_have_no_inline_script_handler_or_style():
    """The CSP forbids them: they would silently not work in the browser."""
    problems = []
    for path in _html_templates():
        text = path.read_text(encoding="utf-8")
        for name, pattern in (("inline <script>", INLINE_SCRIPT), ("on*= handler", EVENT_HANDLER),
                              ("style attribute", STYLE_ATTRIBUTE), ("javascript: URL", JS_URL)):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(TEMPLATES)}:{line}: {name}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 4096}])
def test_body_over_the_limit_is_413_in_french(client):
    response = client.post("/connexion", data={"email": "a@example.test", "password": "x" * 10000})
    assert response.status_code == 413
    assert "dépasse la taille autorisée" in page_text(response)


def _multipart(fields: dict[str, str], files: dict[str, bytes] | None = None) -> tuple[bytes, str]:
    """A multipart body built in memory (no temporary file left open by the test client)."""
    boundary = "limite-de-test-0123456789"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    for name, content in (files or {}).items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{name}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_default_limit_applies_to_a_big_upload(client):
    body, content_type = _multipart({"email": "a@example.test"},
                                    {"fichier": b"x" * (8 * 1024 * 1024 + 1)})
    response = client.post("/connexion", data=body, content_type=content_type)
    assert response.status_code == 413
    assert "dépasse la taille autorisée" in page_text(response)


def test_too_many_form_parts_is_413(client):
    body, content_type = _multipart({f"champ{i}": "1" for i in range(1500)})
    assert len(body) < 200_000
    response = client.post("/connexion", data=body, content_type=content_type)
    assert response.status_code == 413


def test_plain_form_over_one_mebibyte_is_413_even_below_the_upload_limit(client):
    response = client.post("/connexion", data={"email": "a@example.test", "password": "x" * 1_100_000})
    assert response.status_code == 413
    small = client.post("/connexion", data={"email": "a@example.test", "password": "x" * 900_000})
    assert small.status_code == 422  # under MAX_FORM_BODY: an ordinary (invalid) log-in


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)


def test_wrong_method_is_a_french_405(client):
    response = client.get("/deconnexion")
    assert response.status_code == 405
    assert "Méthode non autorisée" in page_text(response)


@pytest.mark.parametrize("path", ["/postes/99999999999999999999", "/postes/2147483648",
                                  "/postes/0", "/postes/-1", "/postes/1.0", "/postes/abc",
                                  "/postes/..%2f..%2fetc%2fpasswd", "/postes/" + "9" * 5000])
def test_tampered_ids_are_404_never_500(hr_client, path):
    assert hr_client.get(path).status_code == 404


def test_unexpected_error_gives_a_generic_page_without_details(app, caplog):
    def boom():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/_boom", "boom", boom)
    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    text = page_text(response)
    assert "Erreur interne" in text
    assert "secret internal detail" not in text and "Traceback" not in text


@pytest.mark.parametrize("app_config", [{"PROXY_FIX_X_FOR": 1}])
def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(app, client):
    from sqlalchemy import select

    from hrtele.extensions import db
    from hrtele.models import AuditEntry

    with app.app_context():
        make_user("rh@example.test", role="hr")
    client.post("/connexion", data={"email": "rh@example.test", "password": TEST_PASSWORD},
                headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    with app.app_context():
        ip = db.session.scalar(select(AuditEntry.ip).where(AuditEntry.action == "login"))
    assert ip == "203.0.113.7"


def test_without_proxy_setting_x_forwarded_for_is_ignored(app, client):
    from sqlalchemy import select

    from hrtele.extensions import db
    from hrtele.models import AuditEntry

    with app.app_context():
        make_user("rh@example.test", role="hr")
    client.post("/connexion", data={"email": "rh@example.test", "password": TEST_PASSWORD},
                headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "127.0.0.9"})
    with app.app_context():
        ip = db.session.scalar(select(AuditEntry.ip).where(AuditEntry.action == "login"))
    assert ip == "127.0.0.9"
