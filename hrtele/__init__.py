"""hrtele: telework management for French HR departments (2012 law + ANI 2005)."""

from __future__ import annotations

import logging
import os
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from hrtele.config import (
    ROOT_DIR,
    DefaultConfig,
    apply_cookie_policy,
    env_overrides,
    instance_secret_key,
)

# Each area registers one blueprint named `bp` in <area>/routes.py.
BLUEPRINT_MODULES = (
    "hrtele.web.home",
    "hrtele.auth.routes",
    "hrtele.posts.routes",
    "hrtele.employees.routes",
    "hrtele.places.routes",
    "hrtele.requests.routes",
    "hrtele.agreements.routes",
    "hrtele.policy.routes",
    "hrtele.documents.routes",
    "hrtele.portal.routes",
    "hrtele.audit.routes",
    "hrtele.users.routes",
    "hrtele.lifecycle.routes",
    "hrtele.todo.routes",
    "hrtele.allowances.routes",
    "hrtele.observatory.routes",
    "hrtele.imports.routes",
    "hrtele.notifications.routes",
    "hrtele.planning.routes",
    "hrtele.planning.portal_routes",
    "hrtele.planning.ics_routes",
    "hrtele.campaigns.routes",
    "hrtele.integrations.routes",
    "hrtele.signatures.routes",
    "hrtele.refusals.routes",
)

if TYPE_CHECKING:  # Flask stays out of sys.modules for the pure domain package
    from flask import Flask

log = logging.getLogger(__name__)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask application; never creates nor migrates the database."""
    from flask import Flask

    instance_path = Path(os.environ.get("HRTELE_INSTANCE_PATH", ROOT_DIR / "instance")).resolve()
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        instance_relative_config=True,
        template_folder=str(ROOT_DIR / "templates"),
        static_folder="static",
    )
    app.config.from_object(DefaultConfig)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'hrtele.sqlite3'}"
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(env_overrides())
    if test_config:
        app.config.update(test_config)
    redis_url = app.config.get("REDIS_URL")
    if redis_url and app.config.get("RATELIMIT_STORAGE_URI") == DefaultConfig.RATELIMIT_STORAGE_URI:
        app.config["RATELIMIT_STORAGE_URI"] = redis_url  # one shared store for the counters
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(instance_path)
    apply_cookie_policy(app.config)

    from hrtele.web.hooks import install_url_converters

    install_url_converters(app)  # before any route is added
    _init_extensions(app)
    for module_name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(module_name).bp)

    from hrtele.web import errors, filters, hooks

    filters.register(app)
    errors.register(app)
    hooks.register(app)

    from hrtele import api

    api.register(app)  # after errors.register: API paths answer RFC 9457 problems

    from hrtele import cli

    cli.register(app)
    _warn_if_slow_pdf(app)
    return app


def _init_extensions(app: Flask) -> None:
    from hrtele import models  # noqa: F401  (complete metadata)
    from hrtele.audit import chain  # noqa: F401  (hash chain of the audit trail, at flush)
    from hrtele.auth import throttle_storage  # noqa: F401  (registers hrtele-db://)
    from hrtele.database import configure_sqlite
    from hrtele.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: "fr")
    app.config.setdefault("RATELIMIT_ENABLED", True)
    if app.config.get("REDIS_URL") and app.config.get("RATELIMIT_STORAGE_URI") == "memory://":
        # Several instances share one Redis: the log-in throttling counts across all of them.
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    limiter.init_app(app)
    login_manager.init_app(app)
    from hrtele import cache, jobs

    jobs.init_app(app)
    cache.install()
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)


def _warn_if_slow_pdf(app: Flask) -> None:
    try:
        from hrtele.documents.render import harfbuzz_subset_available
    except ImportError:
        return
    if not harfbuzz_subset_available():
        app.logger.warning(
            "libharfbuzz-subset0 introuvable : rendu PDF lent et non reproductible "
            "(apt-get install libharfbuzz-subset0)"
        )
