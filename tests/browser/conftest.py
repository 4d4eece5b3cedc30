"""Real-browser fixtures: the app behind a real WSGI server, driven by Debian's chromium.

One server (fresh migrated SQLite database) and one browser serve every browser test; they are
package-scoped, i.e. shared by the whole browser suite and stopped as soon as its last test
ends. Each test opens its own browser contexts (fresh cookies). Nothing downloads a browser:
Playwright drives /usr/bin/chromium. CSRF protection is on, as in production; the Content
Security Policy is enforced too (axe-core is therefore evaluated through the DevTools protocol,
which the CSP does not govern, rather than added as an inline <script> it would block).
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=fr-FR",  # French browser UI too (e.g. the file input's button)
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
DOWNLOADS = ROOT / "test-output" / "downloads"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000

HR_EMAIL = "claire.martin@example.test"
HR_NAME = "Claire Martin"
ADMIN_EMAIL = "admin.rh@example.test"
PASSWORD = TEST_PASSWORD

# Impacts that fail a page (axe-core: minor < moderate < serious < critical).
FAILING_IMPACTS = ("serious", "critical")


# --------------------------------------------------------------------------- server


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not print one line per request (errors still surface)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@dataclass
class LiveServer:
    """The running application: its base URL, and a way to run code in its app context."""

    app: Any
    url: str

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call fn inside the app context (for seeding through services and factories)."""
        from hrtele.extensions import db

        with self.app.app_context():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()


def _seed_base() -> None:
    """What every journey starts from: the employer, its policy, a category, HR accounts."""
    from tests.factories import make_category, make_employer, make_user

    make_employer(
        name="Coopérative des Vallées d'Ariège",
        siret="41234567800027",
        address="4 allées de Villote, 09000 Foix",
        representative_name=HR_NAME,
        representative_title="Directrice des ressources humaines",
        it_charter_ref="Charte informatique v3 (2024)",
    )
    make_category("B", "Techniciens et agents de maîtrise")
    make_category("C", "Cadres")
    make_user(HR_EMAIL, role="hr", display_name=HR_NAME)
    make_user(ADMIN_EMAIL, role="admin", display_name="Administration RH")


@pytest.fixture(scope="package")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The app on a fresh migrated SQLite file, served by werkzeug on 127.0.0.1:<free port>."""
    from flask_migrate import upgrade

    from hrtele import create_app
    from hrtele.auth import passwords
    from hrtele.extensions import db

    folder = tmp_path_factory.mktemp("browser")
    config = {
        "SECRET_KEY": "browser-tests-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'hrtele.sqlite3'}",
        "WTF_CSRF_ENABLED": True,  # real forms, real tokens
        "SESSION_COOKIE_SECURE": False,  # plain http on 127.0.0.1
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SERVER": "mail.invalid",
    }
    with pytest.MonkeyPatch.context() as patch:
        # Cheap hashing (as in tests/conftest.py); production parameters are tested elsewhere.
        patch.setattr(
            passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
        )
        with pytest.MonkeyPatch.context() as env:
            env.setenv("HRTELE_INSTANCE_PATH", str(folder / "instance"))
            app = create_app(config)
        with app.app_context():
            upgrade()
            _seed_base()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Debian's headless chromium, launched once for the browser suite."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Tests navigateur non exécutés : /usr/bin/chromium est absent. Installez-le avec "
            "« scripts/install-system-deps.sh --test » (ce que fait « make test »)."
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright absent : lancez « make install-test »."
    )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        sync_api.expect.set_options(timeout=TIMEOUT_MS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def axe_source() -> str:
    """axe-core's source (npm package, installed by `make install-test`)."""
    if not AXE_JS.exists():
        pytest.fail(
            f"axe-core introuvable ({AXE_JS.relative_to(ROOT)}) : lancez « make install-test » "
            "(scripts/install-axe.sh installe axe-core depuis package.json).",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


@dataclass
class BrowserProblems:
    """What went wrong in the pages of one test: server errors, JS errors, CSP refusals."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        """Record 5xx responses, uncaught exceptions and console errors of the page."""

        def on_console(message: Any) -> None:
            # « Failed to load resource » is the console echo of an HTTP error status: the
            # 403/404 pages visited on purpose produce it; 5xx are caught by on_response.
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                self.items.append(f"console : {message.text} (sur {page.url})")

        def on_response(response: Any) -> None:
            if response.status >= 500:
                self.items.append(
                    f"HTTP {response.status} : {response.request.method} {response.url}"
                )

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.items.append(f"erreur JS : {error} ({page.url})"))
        page.on("response", on_response)


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context: open_page() on a desktop, open_page(phone=True).

    Every context is closed at the end of the test, which fails if a page met a server error,
    a JavaScript error or a Content-Security-Policy refusal.
    """
    contexts: list[Any] = []
    problems = BrowserProblems()

    def _open(*, phone: bool = False) -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not problems.items, "Problèmes dans le navigateur :\n" + "\n".join(problems.items)


# --------------------------------------------------------------------------- page checks

_AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
  }));
}"""

# Form controls a user can reach that have no accessible name from a label.
_UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => el.getClientRects().length > 0)  /* rendered (not display: none) */
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 160))"""


def format_violations(violations: list[dict], url: str) -> str:
    """Readable report of axe violations: rule, impact, help, and the elements concerned."""
    lines = [f"{len(violations)} violation(s) d'accessibilité sur {url} :"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:6]:
            summary = " ".join(node["summary"].split())[:300]
            lines.append(f"    cible : {node['target']}  — {summary}")
        if len(v["nodes"]) > 6:
            lines.append(f"    … et {len(v['nodes']) - 6} autre(s) élément(s)")
    return "\n".join(lines)


def axe_violations(page: Any, source: str) -> list[dict]:
    """Every axe-core violation of the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    return page.evaluate(_AXE_RUN)


def screenshot(page: Any, name: str) -> Path:
    """Full-page screenshot in test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


@pytest.fixture
def check_page(axe_source) -> Callable[..., None]:
    """check_page(page, name): axe-core finds nothing serious, every field has a label, and a
    screenshot is saved as test-output/screenshots/<name>.png."""

    def _check(page: Any, name: str) -> None:
        page.wait_for_load_state("load")
        violations = axe_violations(page, axe_source)
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, format_violations(failing, page.url)
        unlabelled = page.evaluate(_UNLABELLED)
        assert not unlabelled, f"Champs sans libellé sur {page.url} :\n" + "\n".join(unlabelled)
        screenshot(page, name)

    return _check


# --------------------------------------------------------------------------- helpers


def login(page: Any, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form (CSRF token included) and wait for the landing page."""
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/connexion" not in url)


def pdf_text(data: bytes) -> str:
    """Text of a PDF read back with pypdf, NFC-normalised, white space collapsed."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def download(page: Any, trigger: Callable[[], None]) -> bytes:
    """Bytes of the file a click starts downloading (a copy goes to test-output/downloads/)."""
    with page.expect_download() as info:
        trigger()
    data = Path(info.value.path()).read_bytes()
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    (DOWNLOADS / info.value.suggested_filename).write_bytes(data)
    return data


def fr(day: date) -> str:
    """A date as typed in the forms (jj/mm/aaaa)."""
    return day.strftime("%d/%m/%Y")


def paris_today() -> date:
    """Today in Paris, as the application counts it."""
    from hrtele import clock

    return clock.today()


# --------------------------------------------------------------------------- seeding

_SEQ = count(1)


def seed_issued_amendment(
    first: str, last: str, email: str, start_in_days: int, post_title: str = "Gestionnaire paie"
) -> dict:
    """An employee with an account, an accepted request and an agreement whose amendment was
    issued through the documents service (a real stored PDF)."""
    from hrtele.documents import services as documents
    from hrtele.domain.dates import adaptation_end_date
    from hrtele.extensions import db
    from hrtele.models import User
    from tests.factories import (
        make_agreement,
        make_employee,
        make_place,
        make_post,
        make_request,
        make_user,
    )

    today = paris_today()
    n = next(_SEQ)
    post = make_post(code=f"RH-{n:02d}", title=post_title, department="Ressources humaines")
    employee = make_employee(
        first_name=first,
        last_name=last,
        personnel_number=f"J-{n:04d}",
        post_id=post.id,
        email=email,
        home_address="14 rue du Pont Vieux\n09000 Foix",
    )
    account = make_user(
        email, role="employee", employee_id=employee.id, display_name=f"{first} {last}"
    )
    req = make_request(
        employee_id=employee.id,
        status="accepted",
        request_date=today - timedelta(days=12),
        decision_date=today - timedelta(days=5),
    )
    home = make_place(employee_id=employee.id, address="14 rue du Pont Vieux, 09000 Foix")
    start = today + timedelta(days=start_in_days)
    agreement = make_agreement(
        employee_id=employee.id,
        request_id=req.id,
        place_id=home.id,
        start_date=start,
        adaptation_end_date=adaptation_end_date(start, 3),
        insurance_received_date=today - timedelta(days=3),
        electrical_statement_date=today - timedelta(days=3),
        annual_interview_due_date=None,
    )
    hr = db.session.query(User).filter_by(email=HR_EMAIL).one()
    document = documents.issue_amendment(agreement, hr, today)
    db.session.commit()
    return {
        "employee_id": employee.id,
        "email": account.email,
        "agreement_id": agreement.id,
        "document_id": document.id,
        "reference": document.reference,
    }


def seed_showcase() -> dict:
    """A little of everything, so that list and detail pages have rows, badges and panels."""
    from decimal import Decimal

    from hrtele.domain.dates import adaptation_end_date
    from tests.factories import (
        make_agreement,
        make_employee,
        make_place,
        make_post,
        make_request,
        make_user,
    )

    today = paris_today()
    n = next(_SEQ)
    post = make_post(code=f"CPT-{n:02d}", title="Comptable fournisseurs", department="Finances")
    make_post(
        code=f"ACC-{n:02d}",
        title="Agent d'accueil",
        department="Accueil",
        is_eligible=False,
        is_vacant=True,
        eligibility_reason="Présence physique requise au guichet.",
    )
    make_place(
        kind="third_place",
        name=f"Télécentre Cap Delta {n}",
        employee_id=None,
        address="2 avenue de l'Ariège, 09100 Pamiers",
        third_place_type="telecentre",
        capacity=12,
    )

    def person(first: str, last: str):
        return make_employee(
            first_name=first,
            last_name=f"{last}{'' if n == 1 else n}",
            personnel_number=f"S-{n:02d}-{first[:3].upper()}",
            post_id=post.id,
        )

    pending = make_request(
        employee_id=person("Marc", "Soula").id,
        request_date=today - timedelta(days=3),
        wished_pattern="00110000000000",
    )
    refused = make_request(
        employee_id=person("Paul", "Roques").id,
        status="refused",
        request_date=today - timedelta(days=40),
        decision_date=today - timedelta(days=30),
        refusal_reason="Le poste exige une présence quotidienne pendant la clôture des comptes.",
    )
    start = today - timedelta(days=20)
    running = make_agreement(
        employee_id=person("Sophie", "Cazaux").id,
        status="adaptation",
        start_date=start,
        adaptation_end_date=adaptation_end_date(start, 3),
        amendment_version=1,
        employee_signed_date=start - timedelta(days=5),
        employer_signed_date=start - timedelta(days=5),
    )
    warned = make_agreement(
        employee_id=person("Léa", "Dupuy").id,
        start_date=today + timedelta(days=30),
        adaptation_end_date=adaptation_end_date(today + timedelta(days=30), 3),
        allowance_amount=Decimal("15.00"),
    )
    account = make_user(
        f"sophie.cazaux{n}@example.test",
        role="employee",
        employee_id=running.employee_id,
        display_name="Sophie Cazaux",
    )
    return {
        "employee_email": account.email,
        "post_id": post.id,
        "employee_id": running.employee_id,
        "pending_request_id": pending.id,
        "refused_request_id": refused.id,
        "running_agreement_id": running.id,
        "draft_agreement_id": warned.id,
    }
