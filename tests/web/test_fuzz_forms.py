"""Hostile input on every form and every page found from app.url_map: never a 5xx, nothing saved
when refused, nothing written by a GET.

For each endpoint of the url_map (one test per endpoint and database):
- its page (GET) is fetched as an actor allowed to use it (the access matrix's RULES give the
  URL values and the access kind), and every query parameter of the page's GET forms, plus
  ``page``, ``q`` and ``sort``, is given hypothesis-generated hostile values;
- every POST form of that page aimed at the endpoint is submitted with some of its fields
  replaced by hostile values (the other fields keep what the page offered). POST-only
  endpoints (buttons) are found on the page that shows them (a crawl of every page at the
  start of the session); when no page shows one in the seeded data, the endpoint receives
  generic hostile fields.

Checked for each submission: the status is below 500; when the request is refused (4xx)
no row of any table changed (the audit trail, sessions and throttling counters excepted:
refusals are logged there by design); a GET never changes a row. The number of hostile
requests of the run is written to test-output/fuzz-summary-*.json.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hrtele.extensions import db
from tests.conftest import base_config, login
from tests.htmlforms import Form, parse_forms
from tests.web.test_access_matrix import EMAILS, ROUTES, RULES, Rule, Seed, _url

pytestmark = pytest.mark.slow

# Tables written by refused requests on purpose (audit of the refusal, session bookkeeping,
# throttling counters); every other table must be untouched by a refused request.
LOG_TABLES = frozenset({"audit_entries", "audit_chain_head", "user_sessions", "rate_limits",
                        "alembic_version",
                        # Results computed once per data change (to-do, observatory, month
                        # allowances): a cache a read may fill, never business data.
                        "derived_results", "allowance_lines"})
SKIPPED = {
    "static": "fichiers statiques",
    "auth.logout": "ferme la session du test ; couvert par test_logout_ignores_hostile_fields",
}
POST_EXAMPLES = int(os.environ.get("HRTELE_FUZZ_POST_EXAMPLES", "20"))
GET_EXAMPLES = int(os.environ.get("HRTELE_FUZZ_GET_EXAMPLES", "8"))
GENERIC_FIELDS = ("version", "id", "employee_id", "agreement_id", "place_id", "role", "status",
                  "email", "date", "note", "confirm", "is_hr")
LIST_ARGS = ("page", "q", "sort", "dir", "statut", "du", "au")
# Endpoints answering with a file (PDF rendering is slow): a few examples are enough, and
# they hold no form to discover.
FILE_WORDS = ("preview", "pdf", "download", "json", "template", "export")
FILE_EXAMPLES = 3

HOSTILE = (
    "", " ", "0", "-1", "1.5", "2,5", "1e9", "NaN", "Infinity", "0x10", "+7",
    "²", "¹²³", "٣", "３", "۴۲", "৭", "Ⅻ", "½",
    str(2**31), str(2**63), str(2**64 + 1), "-" + str(2**63), "9" * 40,
    "\x00", "a\x00b", "%00", "\x7f", "\x1b[31m", "\r\nSet-Cookie: x=1",
    "%", "100 %", "%s%s%s%n", "%(max)s", "%(x)d", "{0}", "{}", "{x.__class__}",
    "{{7*7}}", "${7*7}", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
    "' OR 1=1 --", "\\", "../../etc/passwd", "\u202e", "\u200b", "😀", "中文", "E\u0301lodie",
    "a" * 5000, "31/02/2026", "29/02/2025", "00/00/0000", "01/01/0001", "9999-12-31",
    "31/12/99999", "-0", "0" * 30 + "1", "javascript:alert(1)", "//evil.example",
)
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_foreign_digits = st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=8)
_big = st.integers(min_value=-(2**80), max_value=2**80).map(str)
hostile_value = st.one_of(st.sampled_from(HOSTILE), _text, _foreign_digits, _big)
hostile_file = st.sampled_from((
    b"", b"%PDF-1.4\n%%EOF", b"pas un pdf", b"%PDF-1.7\n" + b"\x00" * 64 + b"\n%%EOF",
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF",
))

_COUNTS = {"requests": 0, "endpoints": 0}


# --------------------------------------------------------------------------- helpers


def actor_for(rule: Rule) -> str:
    """The most privileged actor allowed to use an endpoint (admin can do all HR can)."""
    return {"public": "anonymous", "login": "admin", "hr": "admin", "admin": "admin",
            "employee_own": "employee_a"}[rule.access]


def make_client(app, actor: str):
    client = app.test_client()
    if actor != "anonymous":
        response = login(client, EMAILS[actor])
        assert response.status_code == 302, f"log-in of {actor} failed"
    return client


# Columns that record when a credential (calendar address, API token) was last used: written
# by a read on purpose, like the session bookkeeping.
USE_COLUMNS = frozenset({"last_used_dt", "last_used_ip"})


def _business_columns(table) -> list:
    return [c for c in table.columns if c.name not in USE_COLUMNS]


def snapshot(app) -> str:
    """Digest of every row of every table but the log tables (one round trip on PostgreSQL)."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in LOG_TABLES]
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            parts = " UNION ALL ".join(
                f"SELECT '{t.name}', md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), ''))"
                f" FROM (SELECT {', '.join(chr(34) + c.name + chr(34) for c in _business_columns(t))}"
                f" FROM {t.name}) x" for t in tables
            )
            return repr(conn.execute(sa.text(parts)).all())
        digest = hashlib.sha256()
        for table in tables:
            rows = conn.execute(sa.select(*_business_columns(table))).all()
            digest.update(table.name.encode())
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(row.encode())
        return digest.hexdigest()


class Snapshots:
    """Database digests, reusing the last one while nothing may have changed."""

    def __init__(self, app):
        self.app = app
        self.last: str | None = None

    def before(self) -> str:
        if self.last is None:
            self.last = snapshot(self.app)
        return self.last

    def after(self) -> str:
        self.last = snapshot(self.app)
        return self.last

    def forget(self) -> None:
        self.last = None


def endpoint_of(app, url: str, method: str) -> str | None:
    path = urlsplit(url).path
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path, method=method)
    except Exception:  # noqa: BLE001 - any routing miss means "not this endpoint"
        return None
    return endpoint


def post_forms_for(app, page_url: str, html: str, endpoint: str) -> list[tuple[str, Form]]:
    """(submit URL, form) of the page's POST forms aimed at endpoint."""
    out = []
    for form in parse_forms(html):
        if form.method != "post":
            continue
        target = form.action or page_url
        if endpoint_of(app, target, "POST") == endpoint:
            out.append((target, form))
    return out


def get_arg_names(html: str) -> list[str]:
    names = list(LIST_ARGS)
    for form in parse_forms(html):
        if form.method == "get":
            names += [n for n in form.names() if n not in names]
    return names


@st.composite
def hostile_submission(draw, form: Form | None):
    """Form data: the page's values with 1 to 3 fields made hostile, sometimes an extra field."""
    if form is None:
        data: dict[str, list] = {}
        names = list(GENERIC_FIELDS)
        files: list[str] = []
    else:
        data = {k: list(v) for k, v in form.baseline().items()}
        names = [f.name for f in form.fields if f.kind not in ("file",)]
        names = list(dict.fromkeys(names))
        files = [f.name for f in form.fields if f.kind == "file"]
    if names:
        chosen = draw(st.lists(st.sampled_from(names), min_size=1,
                               max_size=min(3, len(names)), unique=True))
        for name in chosen:
            data[name] = draw(st.lists(hostile_value, min_size=1, max_size=2))
    if draw(st.integers(0, 5)) == 0:
        data[draw(st.sampled_from(GENERIC_FIELDS))] = [draw(hostile_value)]
    payload: dict = {k: v if len(v) != 1 else v[0] for k, v in data.items()}
    for name in files:
        content = draw(hostile_file)
        filename = draw(st.sampled_from(("scan.pdf", "../../x.pdf", "a\r\nb.pdf", "😀.pdf", "")))
        payload[name] = (io.BytesIO(content), filename)
    return payload


def fuzz_settings(examples: int):
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck),
                    phases=(Phase.explicit, Phase.generate, Phase.shrink))


def _describe(response) -> str:
    return f"{response.status_code} {response.get_data(as_text=True)[:300]!r}"


# --------------------------------------------------------------------------- discovery


def _discover(template_path) -> dict[str, tuple[str, str]]:
    """{POST-only endpoint: (page endpoint, actor)} from a crawl of every page of the seed."""
    from argon2 import PasswordHasher

    from hrtele import create_app
    from hrtele.auth import passwords

    previous = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp())
    path = tmp / "crawl.sqlite3"
    shutil.copy(template_path, path)
    config = base_config(f"sqlite:///{path}")
    os.environ.setdefault("HRTELE_INSTANCE_PATH", str(tmp / "instance"))
    app = create_app(config)
    found: dict[str, tuple[str, str]] = {}
    try:
        seed = Seed(app)
        clients = {actor: make_client(app, actor) for actor in ("hr", "admin", "employee_a")}
        for endpoint in sorted(RULES):
            rule_methods = ROUTES.get(endpoint, ("", frozenset()))[1]
            if "GET" not in rule_methods or any(w in endpoint for w in FILE_WORDS):
                continue
            rule = RULES[endpoint]
            url = _url(app, endpoint, rule.ids(seed, "a") if rule.ids else {})
            for actor in ("admin", "hr", "employee_a"):
                response = clients[actor].get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                for form in parse_forms(response.get_data(as_text=True)):
                    if form.method != "post":
                        continue
                    target = endpoint_of(app, form.action or url, "POST")
                    if target and "GET" not in ROUTES.get(target, ("", frozenset()))[1]:
                        found.setdefault(target, (endpoint, actor))
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        passwords._hasher = previous
    return found


@pytest.fixture(scope="session")
def form_pages(sqlite_template) -> dict[str, tuple[str, str]]:
    """Where each POST-only endpoint's form is shown."""
    return _discover(sqlite_template)


@pytest.fixture(scope="session", autouse=True)
def _summary():
    yield
    if _COUNTS["endpoints"]:
        out = Path("test-output")
        out.mkdir(exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        (out / f"fuzz-summary-{worker}.json").write_text(json.dumps(_COUNTS))


# --------------------------------------------------------------------------- the tests


def _post_fuzzer(app, client, target: str, form: Form | None, snaps: Snapshots):
    """A hypothesis test posting hostile versions of form to target."""
    multipart = form is not None and (
        form.enctype == "multipart/form-data" or any(f.kind == "file" for f in form.fields)
    )

    @fuzz_settings(POST_EXAMPLES)
    @given(data=hostile_submission(form))
    def fuzz_post(data):
        before = snaps.before()
        response = client.post(target, data=data,
                               content_type="multipart/form-data" if multipart else None)
        _COUNTS["requests"] += 1
        if not 400 <= response.status_code < 500:
            snaps.forget()  # accepted: rows may have changed
        assert response.status_code < 500, f"POST {target} {data!r}: {_describe(response)}"
        if 400 <= response.status_code < 500:
            assert snaps.after() == before, (
                f"POST {target} refused ({response.status_code}) but the database changed: "
                f"{data!r}"
            )

    return fuzz_post

ENDPOINTS = sorted(e for e in ROUTES if e not in SKIPPED and e in RULES)


# The JSON API is fuzzed by schemathesis against its OpenAPI document, operation by operation
# (tests/api/test_api_schemathesis.py), and its access rules are tests/api/test_api_access.py.
API_REASON = "API JSON : schemathesis (tests/api/test_api_schemathesis.py)"
SKIPPED.update({e: API_REASON for e, (rule, _) in ROUTES.items() if rule.startswith("/api/v1")})


def test_every_endpoint_is_fuzzed_or_skipped_with_a_reason():
    missing = sorted(set(ROUTES) - set(RULES) - set(SKIPPED))
    assert not missing, f"endpoints without an access rule, hence not fuzzed: {missing}"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_hostile_input_never_fails_and_refusals_change_nothing(app, endpoint, form_pages):
    rule = RULES[endpoint]
    methods = ROUTES[endpoint][1]
    seed = Seed(app)
    values = rule.ids(seed, "a") if rule.ids else {}
    actor = actor_for(rule)
    page_endpoint = endpoint
    if "GET" not in methods and endpoint in form_pages:
        page_endpoint, actor = form_pages[endpoint]
    client = make_client(app, actor)
    url = _url(app, endpoint, values)
    page_rule = RULES[page_endpoint]
    page_url = _url(app, page_endpoint, page_rule.ids(seed, "a") if page_rule.ids else {})
    _COUNTS["endpoints"] += 1
    snaps = Snapshots(app)

    html = ""
    if "GET" in ROUTES[page_endpoint][1] and not any(w in page_endpoint for w in FILE_WORDS):
        page = client.get(page_url)
        assert page.status_code < 500, f"GET {page_url}: {_describe(page)}"
        if page.mimetype == "text/html":
            html = page.get_data(as_text=True)

    if "GET" in methods:
        arg_names = get_arg_names(html)

        examples = FILE_EXAMPLES if any(w in endpoint for w in FILE_WORDS) else GET_EXAMPLES

        @fuzz_settings(examples)
        @given(args=st.dictionaries(st.sampled_from(arg_names), hostile_value, min_size=1,
                                    max_size=3))
        def fuzz_get(args):
            before = snaps.before()
            response = client.get(url, query_string=args)
            _COUNTS["requests"] += 1
            assert response.status_code < 500, f"GET {url} {args!r}: {_describe(response)}"
            assert snaps.after() == before, f"GET {url} {args!r} changed the database"

        fuzz_get()

    if "POST" in methods:
        forms = post_forms_for(app, page_url, html, endpoint) if html else []
        targets: list[tuple[str, Form | None]] = list(forms) or [(url, None)]
        for target, form in targets:
            _post_fuzzer(app, client, target, form, snaps)()


def test_logout_ignores_hostile_fields(app):
    Seed(app)
    for value in ("\x00", "²", str(2**64), "%(x)s" * 100):
        client = make_client(app, "hr")
        response = client.post("/deconnexion", data={"next": value, "version": value})
        assert response.status_code < 500


@pytest.mark.parametrize("count", [501, 2000])
def test_too_many_form_fields_is_413_and_saves_nothing(app, count):
    Seed(app)
    client = make_client(app, "hr")
    before = snapshot(app)
    data = {f"champ{i}": "x" for i in range(count)}
    data.update({"code": "FUZZ-1", "title": "Poste"})
    response = client.post("/postes/nouveau", data=data)
    assert response.status_code == 413
    assert "dépasse la taille autorisée" in response.get_data(as_text=True)
    assert snapshot(app) == before
    multipart = client.post("/postes/nouveau", data=data, content_type="multipart/form-data")
    assert multipart.status_code == 413
