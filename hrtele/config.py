"""Default configuration; instance/config.py and HRTELE_* environment variables override it."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent


class DefaultConfig:
    """Safe defaults: no secret here, SECRET_KEY comes from the instance folder or the environment."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token instead
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    MAX_FORM_BODY = 1024 * 1024  # bodies that are not file uploads (multipart) stay small
    MAX_FORM_PARTS = 500  # fields per form (url-encoded too, see web/hooks.py): more is a 413
    MAX_FORM_MEMORY_SIZE = 500_000  # bytes of one non-file multipart field
    MAX_QUERY_ARGS = 100  # query-string parameters per request: more is a 413
    SIGNED_SCAN_MAX_BYTES = 5 * 1024 * 1024
    SESSION_COOKIE_NAME = "hrtele_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Counters shared by every worker and instance: the database by default (hrtele-db://,
    # hrtele/auth/throttle_storage.py), Redis when HRTELE_REDIS_URL or
    # HRTELE_RATELIMIT_STORAGE_URI=redis://... is set. memory:// is per process (tests only).
    RATELIMIT_STORAGE_URI = "hrtele-db://"
    # Failed log-ins per (account, client address) pair: wrong passwords typed elsewhere never
    # lock the real user out; plus a global limit per client address.
    RATELIMIT_LOGIN = "5 per minute;20 per hour"
    RATELIMIT_LOGIN_IP = "20 per minute;100 per hour"
    DB_OWNER_ROLE = "hrtele_owner"  # PostgreSQL roles (hrtele/db_roles.py)
    DB_APP_ROLE = "hrtele_app"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True  # storage down: log it and keep serving
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    PROXY_FIX_X_FOR = 0  # number of trusted reverse proxies in front of the app
    INVITATION_VALIDITY = timedelta(days=7)
    # Retention (CNIL, hrtele/retention.py): years after departure / after the pay month /
    # of audit trail kept before `flask purge-retention` deletes them.
    RETENTION_YEARS_AFTER_DEPARTURE = 5
    RETENTION_PAYROLL_YEARS = 5
    RETENTION_AUDIT_YEARS = 5
    # HR and admin accounts log in with a second factor (TOTP app, recovery codes).
    TWO_FACTOR_REQUIRED = True
    PAGE_SIZE = 25
    MAIL_SERVER = ""  # empty: no e-mail is sent, HR hands the invitation link over
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "rh@example.invalid"
    # Grams of CO2 per km per commute mode (ADEME order of magnitude, documented setting).
    CO2_G_PER_KM = {
        "voiture": 193,
        "covoiturage": 97,
        "moto": 165,
        "transports": 30,
        "train": 6,
        "velo": 0,
        "marche": 0,
    }
    AVERAGE_COMMUTE_SPEED_KMH = 40
    # Background jobs (huey): SQLite file in the instance folder unless REDIS_URL is set
    # (HRTELE_REDIS_URL=redis://host:6379/0), which several machines then share with the
    # log-in throttling. HUEY_IMMEDIATE runs each job inside the caller (tests, one-off scripts).
    REDIS_URL = ""
    HUEY_IMMEDIATE = False
    HUEY_SQLITE_PATH = ""  # default: <instance>/jobs.sqlite3
    WORKER_STALE_SECONDS = 180  # no worker heartbeat for that long: "jobs are waiting"
    CAMPAIGN_RUNNERS = 2  # runner jobs queued per campaign (about one per worker process)
    CAMPAIGN_LEASE_SECONDS = 60  # a claimed item is taken back after that (crashed worker)
    CAMPAIGN_SLICE = 25  # items a runner handles before handing the queue over to other jobs
    # JSON API (/api/v1): OpenAPI 3.1 document, no third-party documentation UI (strict CSP).
    API_TITLE = "hrtele — API du télétravail"
    API_VERSION = "1.0.0"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    RATELIMIT_API = "300 per minute"  # per token
    RATELIMIT_API_AUTH_FAILURES = "30 per minute"  # refused tokens, per client address


ENV_PREFIX = "HRTELE_"
_BOOL_KEYS = {
    "SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "MAIL_USE_TLS", "TESTING",
    "RATELIMIT_ENABLED", "HUEY_IMMEDIATE", "TWO_FACTOR_REQUIRED",
}
_INT_KEYS = {"MAIL_PORT", "PROXY_FIX_X_FOR", "MAX_CONTENT_LENGTH", "MAX_FORM_BODY",
             "WORKER_STALE_SECONDS", "CAMPAIGN_RUNNERS", "CAMPAIGN_LEASE_SECONDS", "CAMPAIGN_SLICE",
             "MAX_FORM_PARTS", "MAX_FORM_MEMORY_SIZE", "MAX_QUERY_ARGS"}


def env_overrides(environ: dict[str, str] | None = None) -> dict:
    """Read HRTELE_* variables (HRTELE_DATABASE_URL maps to SQLALCHEMY_DATABASE_URI)."""
    environ = os.environ if environ is None else environ
    out: dict = {}
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX) or key.startswith("HRTELE_TEST_"):
            continue
        name = key[len(ENV_PREFIX):]
        if name == "DATABASE_URL":
            out["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(value)
        elif name in _BOOL_KEYS:
            out[name] = value.strip().lower() in {"1", "true", "yes", "on"}
        elif name in _INT_KEYS:
            out[name] = int(value)
        else:
            out[name] = value
    return out


def apply_cookie_policy(config: dict) -> None:
    """Name the session cookie: "__Host-" prefix when Secure (Path=/, no Domain), plain otherwise."""
    if config.get("SESSION_COOKIE_SECURE"):
        config["SESSION_COOKIE_NAME"] = "__Host-hrtele"
        config["SESSION_COOKIE_PATH"] = "/"
        config["SESSION_COOKIE_DOMAIN"] = None
    else:
        config["SESSION_COOKIE_NAME"] = "hrtele_session"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def instance_secret_key(instance_path: Path) -> str:
    """Return the instance's secret key, creating it (mode 0600) on first use."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
