"""Shared fixtures: the app on SQLite and, when HRTELE_TEST_DATABASE_URL is set, on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket

import pytest
from argon2 import PasswordHasher
from jinja2 import BytecodeCache

from hrtele.config import normalise_database_url


class _MemoryBytecodeCache(BytecodeCache):
    """Jinja bytecode shared by every test app of the session."""

    def __init__(self):
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket):
        self._store[bucket.key] = bucket.bytecode_to_string()


_JINJA_BYTECODE = _MemoryBytecodeCache()
PG_URL = os.environ.get("HRTELE_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"]
# PostgreSQL: the suite connects as the application role (hrtele.db_roles); set-up, clean-up
# and tests that play the database administrator use the superuser URL kept here.
_PG_ADMIN_URLS: dict[str, str] = {}
_PG_ADMIN_ENGINES: dict[str, object] = {}


def pg_admin_url(app_url: str) -> str:
    """The superuser URL of the test database behind an application-role URL."""
    return _PG_ADMIN_URLS[app_url]


def pg_admin_engine(app_url: str):
    """A (cached) superuser engine on the test database behind an application-role URL."""
    import sqlalchemy as sa

    if app_url not in _PG_ADMIN_ENGINES:
        _PG_ADMIN_ENGINES[app_url] = sa.create_engine(_PG_ADMIN_URLS[app_url])
    return _PG_ADMIN_ENGINES[app_url]


def _upgrade(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def base_config(uri: str) -> dict:
    """Configuration every test app shares."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": uri,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SERVER": "mail.invalid",
        "HUEY_IMMEDIATE": True,  # jobs run inline; tests/jobs start a real consumer
        # The second factor has its own tests (test_two_factor.py, browser journey).
        "TWO_FACTOR_REQUIRED": False,
    }


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, copied for each test."""
    from hrtele import create_app

    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.sqlite3"
    app = create_app(base_config(f"sqlite:///{path}"))
    _upgrade(app)
    with app.app_context():
        from hrtele.extensions import db

        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_migrated():
    """A private PostgreSQL database for this test session, built through the migrations.

    Each pytest process gets its own database (created next to HRTELE_TEST_DATABASE_URL's),
    so concurrent runs never clobber each other; it is dropped at the end.
    """
    if not PG_URL:
        pytest.skip(
            "PostgreSQL non testé : définissez HRTELE_TEST_DATABASE_URL "
            "(par ex. postgresql://postgres@127.0.0.1:5432/test) pour l'activer."
        )
    import uuid

    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    base_url = make_url(normalise_database_url(PG_URL))
    name = f"hrtele_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        # Throw-away test database: no need to wait for the WAL flush at each commit.
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    url = base_url.set(database=name).render_as_string(hide_password=False)
    from hrtele import create_app
    from hrtele.db_roles import DEFAULT_APP_ROLE

    app = create_app(base_config(url))
    _upgrade(app)  # as the superuser: creates the roles and gives the schema to the owner
    with app.app_context():
        from hrtele.extensions import db

        db.engine.dispose()
    app_url = base_url.set(database=name, username=DEFAULT_APP_ROLE, password=None)
    app_url = app_url.render_as_string(hide_password=False)
    _PG_ADMIN_URLS[app_url] = url
    yield app_url
    engine = _PG_ADMIN_ENGINES.pop(app_url, None)
    if engine is not None:
        engine.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_pg(app) -> None:
    """Empty every table quickly between tests, as the superuser.

    DELETE on small tables is much faster than TRUNCATE (which rewrites files); the
    append-only triggers and FK checks are bypassed for this session only
    (session_replication_role=replica: superuser only, never the application role).
    """
    import sqlalchemy as sa

    from hrtele.extensions import db

    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with pg_admin_engine(app.config["SQLALCHEMY_DATABASE_URI"]).begin() as conn:
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for table in tables:
                conn.execute(sa.text(f"DELETE FROM {table}"))
            _reload_reference_data(conn)


def _reload_reference_data(conn) -> None:
    """What the migrations load (URSSAF ceilings, refusal reasons), as freshly migrated."""
    from hrtele.allowances.ceilings import reference_rows
    from hrtele.domain.refusals import DEFAULT_REASONS
    from hrtele.models import RefusalReason, UrssafCeiling

    conn.execute(UrssafCeiling.__table__.insert(), reference_rows())
    conn.execute(RefusalReason.__table__.insert(), [
        {"code": code, "label": label, "is_active": True, "position": (i + 1) * 10, "version": 1}
        for i, (code, label) in enumerate(DEFAULT_REASONS)
    ])


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """Database backend of the test (sqlite, postgresql)."""
    return request.param


@pytest.fixture
def app_config() -> dict:
    """Per-test configuration overrides (override this fixture in a module)."""
    return {}


@pytest.fixture
def app(backend, tmp_path, request, app_config, monkeypatch):
    """A fresh app with an empty, migrated database."""
    from hrtele import create_app
    from hrtele.auth import passwords

    # Cheap hashing in tests; production parameters are tested in test_passwords.
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "hrtele.sqlite3"
        shutil.copy(template, path)
        uri = f"sqlite:///{path}"
    else:
        uri = request.getfixturevalue("pg_migrated")
    config = base_config(uri)
    if backend == "postgresql":
        config["MIGRATION_DATABASE_URL"] = pg_admin_url(uri)
    config.update(app_config)
    # Any configured mail server becomes the real local one (tests set MAIL_PORT to opt out).
    route_mail_to(config, request.getfixturevalue("smtp_server"))
    monkeypatch.setenv("HRTELE_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(config)
    # Templates are compiled once per test session, not once per test app.
    application.jinja_env.bytecode_cache = _JINJA_BYTECODE
    if backend == "postgresql":
        _truncate_pg(application)
    yield application
    from hrtele.extensions import db

    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db_session(app):
    """The SQLAlchemy session inside an app context."""
    from hrtele.extensions import db

    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def client(app):
    """Anonymous test client."""
    return app.test_client()


def login(client, email: str, password: str = "mot-de-passe-de-test-42"):
    """Log in through the real form."""
    return client.post("/connexion", data={"email": email, "password": password})


@pytest.fixture
def hr_user(app):
    """An HR account."""
    from tests.factories import make_user

    with app.app_context():
        user = make_user(email="rh@example.test", role="hr")
        return user.id


@pytest.fixture
def hr_client(app, hr_user):
    """A client logged in as HR."""
    c = app.test_client()
    response = login(c, "rh@example.test")
    assert response.status_code == 302, response.data[:500]
    return c


@pytest.fixture
def admin_client(app):
    """A client logged in as admin."""
    from tests.factories import make_user

    with app.app_context():
        make_user(email="admin@example.test", role="admin")
    c = app.test_client()
    assert login(c, "admin@example.test").status_code == 302
    return c


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, for the whole session."""
    from tests.support.smtp import LocalSMTPServer

    server = LocalSMTPServer().start()
    yield server
    server.stop()


def route_mail_to(config: dict, server) -> None:
    """Point a configured MAIL_SERVER without an explicit port at the test SMTP server."""
    if config.get("MAIL_SERVER") and "MAIL_PORT" not in config:
        config["MAIL_SERVER"] = server.host
        config["MAIL_PORT"] = server.port


@pytest.fixture(autouse=True)
def mail_outbox(smtp_server):
    """The messages the test SMTP server received during this test (read back over SMTP)."""
    from tests.support.smtp import Outbox

    smtp_server.clear()
    return Outbox(smtp_server)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch, request):
    """Fail any test that tries to reach a non-local address (mail, web)."""
    if request.node.get_closest_marker("browser"):
        return
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise RuntimeError(f"network access attempted in a test: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def pytest_terminal_summary(terminalreporter):
    """Say once, clearly, when the PostgreSQL half of the suite did not run."""
    if not PG_URL:
        terminalreporter.write_line(
            "PostgreSQL non testé : les variantes [postgresql] ont été ignorées. Définissez "
            "HRTELE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test pour les lancer.",
            yellow=True,
        )


@pytest.fixture
def frozen_today(monkeypatch):
    """Freeze the application's clock; call the returned function to move the day."""
    from hrtele import clock

    state: dict = {}

    def set_day(day):
        state["day"] = day
        monkeypatch.setattr(clock, "_today_provider", lambda: state["day"])
        return day

    return set_day
