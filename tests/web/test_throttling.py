"""Log-in throttling per (account, address) pair and per address (Flask-Limiter), counted in the
shared database by default, 429 in French, no lockout of the real user."""

from __future__ import annotations

import logging
import socket
import time
import types
import uuid

import pytest

from hrtele.extensions import limiter
from tests.conftest import base_config
from tests.factories import TEST_PASSWORD, make_user, page_text

ENABLED = {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "5 per minute",
           "RATELIMIT_LOGIN_IP": "20 per minute", "RATELIMIT_STORAGE_URI": "hrtele-db://"}


@pytest.fixture
def app_config() -> dict:
    """Throttling on for this module (tests may override with their own parametrization)."""
    return dict(ENABLED)


def attempt(client, email="alice@example.test", password="mauvais mot de passe", ip="10.0.0.1"):
    return client.post("/connexion", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


@pytest.fixture
def alice(app):
    with app.app_context():
        return make_user("alice@example.test", role="hr").id


@pytest.fixture
def later(monkeypatch):
    """Move the limiter's clock forward (the database storage and the memory one)."""
    import limits.storage.memory as memory

    from hrtele.auth import throttle_storage

    def jump(seconds: float):
        fake = types.SimpleNamespace(time=lambda: time.time() + seconds)
        monkeypatch.setattr(memory, "time", fake)
        monkeypatch.setattr(throttle_storage, "_now", fake.time)

    return jump


def test_sixth_wrong_password_in_a_minute_is_429(client, alice):
    codes = [attempt(client).status_code for _ in range(6)]
    assert codes == [401, 401, 401, 401, 401, 429]
    blocked = attempt(client, password=TEST_PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    text = page_text(blocked)
    assert "Trop de tentatives" in text and "Réessayez" in text
    assert blocked.headers["Retry-After"]


def test_success_is_not_counted(client, alice):
    assert [attempt(client).status_code for _ in range(2)] == [401, 401]
    assert attempt(client, password=TEST_PASSWORD).status_code == 302
    client.post("/deconnexion")
    codes = [attempt(client).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]  # 2 + 3 failures reach the limit of 5


def test_wrong_passwords_from_one_address_do_not_stop_the_right_one_from_another(client, alice):
    codes = [attempt(client, ip="203.0.113.7").status_code for _ in range(8)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429] * 3  # the attacker is slowed down
    assert attempt(client, ip="203.0.113.7", password=TEST_PASSWORD).status_code == 429
    other = client.application.test_client()
    response = attempt(other, ip="198.51.100.20", password=TEST_PASSWORD)
    assert response.status_code == 302  # the real user, elsewhere, logs in


def test_pair_limit_is_per_account_and_case_insensitive(client, alice):
    for _ in range(5):
        attempt(client, email="ALICE@example.test ")
    assert attempt(client, email="alice@example.test").status_code == 429
    assert attempt(client, email="bob@example.test").status_code == 401


@pytest.mark.parametrize("app_config", [dict(ENABLED, RATELIMIT_LOGIN_IP="3 per minute")])
def test_address_limit_across_accounts(client, alice):
    codes = [attempt(client, email=f"u{i}@example.test").status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]
    assert attempt(client, email="other@example.test", ip="10.0.0.2").status_code == 401


def test_no_permanent_lockout(client, alice, later):
    for _ in range(6):
        attempt(client)
    assert attempt(client, password=TEST_PASSWORD).status_code == 429
    later(61 * 60)  # past both the minute and the hour windows
    assert attempt(client, password=TEST_PASSWORD).status_code == 302


def test_get_of_login_page_is_never_throttled(client, alice):
    for _ in range(6):
        attempt(client)
    assert client.get("/connexion").status_code == 200


def test_each_429_is_logged(client, alice, caplog):
    for _ in range(5):
        attempt(client)
    with caplog.at_level(logging.WARNING, logger="hrtele"):
        assert attempt(client).status_code == 429
    assert any("throttled" in r.getMessage() for r in caplog.records)


def test_counters_are_shared_by_every_worker_through_the_database(app, client, alice):
    """Another app instance on the same database (another gunicorn worker) sees the counts."""
    from hrtele import create_app
    from hrtele.models import RateLimitCounter

    assert [attempt(client).status_code for _ in range(3)] == [401] * 3
    config = base_config(app.config["SQLALCHEMY_DATABASE_URI"])
    config.update(ENABLED)
    worker = create_app(config)
    assert [attempt(worker.test_client()).status_code for _ in range(3)] == [401, 401, 429]
    with worker.app_context():
        from hrtele.extensions import db

        keys = db.session.scalars(db.select(RateLimitCounter.key)).all()
        assert keys and all(len(k) == 64 and "@" not in k for k in keys)  # hashed keys
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("app_config", [dict(ENABLED, RATELIMIT_STORAGE_URI="memory://")])
def test_memory_storage_is_per_process(app, client, alice):
    for _ in range(6):
        attempt(client)
    assert attempt(client).status_code == 429
    from hrtele import create_app

    config = base_config(app.config["SQLALCHEMY_DATABASE_URI"])
    config.update(ENABLED, RATELIMIT_STORAGE_URI="memory://")
    fresh = create_app(config)
    assert attempt(fresh.test_client()).status_code == 401  # new app, new memory storage
    with fresh.app_context():
        from hrtele.extensions import db

        db.engine.dispose()


def test_redis_url_becomes_the_storage(app):
    from hrtele import create_app

    config = base_config(app.config["SQLALCHEMY_DATABASE_URI"])
    config.pop("RATELIMIT_STORAGE_URI")
    from hrtele.extensions import db

    for redis_url, expected in (("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3"),
                                (None, "hrtele-db://")):
        other = create_app({**config, "REDIS_URL": redis_url})
        assert other.config["RATELIMIT_STORAGE_URI"] == expected
        with other.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": False}])
def test_disabled_in_ordinary_tests(client, alice):
    assert [attempt(client).status_code for _ in range(8)] == [401] * 8


# --- shared storage: the real Redis of this machine, when it answers ---------------------------

REDIS_URI = "redis://127.0.0.1:6379/0"
PREFIX = f"hrtele-i16-test-{uuid.uuid4().hex[:8]}"


def _redis_available() -> bool:
    try:
        import redis  # noqa: F401
    except ImportError:
        return False
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def limiter_settings(monkeypatch):
    """Restore the limiter's sticky key prefix after the test (it is a process-wide object)."""
    monkeypatch.setattr(limiter, "_key_prefix", limiter._key_prefix)


@pytest.mark.skipif(not _redis_available(), reason="Redis absent sur 127.0.0.1:6379 (ou paquet redis)")
@pytest.mark.parametrize("app_config", [dict(ENABLED, RATELIMIT_STORAGE_URI=REDIS_URI,
                                             RATELIMIT_KEY_PREFIX=PREFIX)])
def test_shared_redis_storage_counts_across_instances(limiter_settings, app, alice):
    import redis

    from hrtele import create_app

    connection = redis.Redis.from_url(REDIS_URI)
    try:
        first = app.test_client()
        codes = [attempt(first).status_code for _ in range(3)]
        # A second instance of the application shares the counters through Redis.
        config = base_config(app.config["SQLALCHEMY_DATABASE_URI"])
        config.update(ENABLED, RATELIMIT_STORAGE_URI=REDIS_URI, RATELIMIT_KEY_PREFIX=PREFIX)
        second_app = create_app(config)
        second = second_app.test_client()
        codes += [attempt(second).status_code for _ in range(3)]
        assert codes == [401, 401, 401, 401, 401, 429]
        assert list(connection.scan_iter(f"*{PREFIX}*"))
        with second_app.app_context():
            from hrtele.extensions import db

            db.engine.dispose()
    finally:
        for key in connection.scan_iter(f"*{PREFIX}*"):
            connection.delete(key)
        connection.close()
