"""PostgreSQL roles: an owner that holds the schema, an application role with only what it needs.

- ``hrtele_owner`` (NOLOGIN by default) owns every table, sequence and trigger function. Only
  the owner (or a superuser) can alter tables, disable their triggers or truncate them.
- ``hrtele_app`` (LOGIN) is what the web application, the jobs and the CLI connect as:
  SELECT, INSERT, UPDATE, DELETE on ordinary tables; SELECT and INSERT only on append-only
  tables (audit trail, timeline, signed scans, payroll exports...); on issued_documents,
  UPDATE of the bookkeeping columns only. No TRUNCATE anywhere, no DDL, and
  ``session_replication_role`` (which would skip triggers) is superuser-only.

Migration i16_pg_roles creates both roles (when missing) and applies this model; tables
created later by migrations run as the owner get the application rights through default
privileges, and ``hrtele.db_guards`` helpers restrict append-only ones. Names come from the
settings DB_OWNER_ROLE / DB_APP_ROLE (HRTELE_DB_OWNER_ROLE / HRTELE_DB_APP_ROLE).
"""

from __future__ import annotations

import re

import sqlalchemy as sa

DEFAULT_OWNER_ROLE = "hrtele_owner"
DEFAULT_APP_ROLE = "hrtele_app"
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def role_names() -> tuple[str, str]:
    """(owner role, application role) from the app's settings, or the defaults."""
    owner, app = DEFAULT_OWNER_ROLE, DEFAULT_APP_ROLE
    try:
        from flask import current_app, has_app_context

        if has_app_context():
            owner = current_app.config.get("DB_OWNER_ROLE") or owner
            app = current_app.config.get("DB_APP_ROLE") or app
    except ImportError:  # pragma: no cover - Flask is always installed with hrtele
        pass
    for name in (owner, app):
        if not _NAME.match(name):
            raise ValueError(f"invalid PostgreSQL role name: {name!r}")
    return owner, app


def role_exists(bind, name: str) -> bool:
    """True when the cluster has this role."""
    return bool(bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
                .scalar())


def create_roles(bind) -> None:
    """Create the owner (NOLOGIN) and application (LOGIN) roles unless they exist.

    Roles belong to the whole cluster: several databases (or concurrent test sessions) may
    share them, so creation tolerates a concurrent creator.
    """
    owner, app = role_names()
    for name, options in ((owner, "NOLOGIN"), (app, "LOGIN")):
        if role_exists(bind, name):
            continue
        bind.execute(sa.text(
            f"DO $$ BEGIN CREATE ROLE {name} {options}; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ))


def _has_trigger(bind, table: str, name: str) -> bool:
    return bool(bind.execute(sa.text(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(:t) AND tgname = :n"
    ), {"t": table, "n": name}).scalar())


def _updatable_columns(bind, table: str) -> list[str] | None:
    """Columns a frozen-columns table lets the application update (None: not such a table)."""
    if not _has_trigger(bind, table, f"trg_{table}_frozen"):
        return None
    comment = bind.execute(sa.text(
        "SELECT obj_description(to_regprocedure(:f), 'pg_proc')"
    ), {"f": f"hrtele_guard_{table}()"}).scalar() or ""
    return [c for c in comment.split(",") if c]


def restrict_table(bind, table: str) -> None:
    """Apply the append-only / frozen-columns rights of ``table`` to the application role."""
    _, app = role_names()
    if not role_exists(bind, app):
        return  # roles not created yet: migration i16_pg_roles applies the rights later
    updatable = _updatable_columns(bind, table)
    if updatable is None and not _has_trigger(bind, table, f"trg_{table}_no_change"):
        return  # an ordinary table
    bind.execute(sa.text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {app}"))
    if updatable:
        bind.execute(sa.text(f"GRANT UPDATE ({', '.join(updatable)}) ON {table} TO {app}"))


def public_tables(bind) -> list[str]:
    """Tables of the public schema."""
    return list(bind.execute(sa.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )).scalars())


def apply_privileges(bind) -> None:
    """Give every object of the schema to the owner and the application its rights."""
    owner, app = role_names()
    is_super = bind.execute(sa.text(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    )).scalar()
    current = bind.execute(sa.text("SELECT current_user")).scalar()
    if not is_super and current != owner:
        bind.execute(sa.text(f"GRANT {owner} TO current_user"))
    database = bind.execute(sa.text("SELECT current_database()")).scalar()
    bind.execute(sa.text(f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {app}'))
    bind.execute(sa.text(f"GRANT USAGE, CREATE ON SCHEMA public TO {owner}"))
    bind.execute(sa.text(f"GRANT USAGE ON SCHEMA public TO {app}"))
    for table in public_tables(bind):
        bind.execute(sa.text(f"ALTER TABLE {table} OWNER TO {owner}"))
    for (sequence,) in bind.execute(sa.text(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
    )):
        bind.execute(sa.text(f"ALTER SEQUENCE {sequence} OWNER TO {owner}"))
    for (function,) in bind.execute(sa.text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
        "ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.proname LIKE 'hrtele_%'"
    )):
        bind.execute(sa.text(f"ALTER FUNCTION {function} OWNER TO {owner}"))
    bind.execute(sa.text(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}"
    ))
    bind.execute(sa.text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}"))
    bind.execute(sa.text(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {app}"))
    bind.execute(sa.text(
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}"
    ))
    bind.execute(sa.text(
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {app}"
    ))
    for table in public_tables(bind):
        restrict_table(bind, table)


def revoke_privileges(bind) -> None:
    """Undo apply_privileges (downgrade): objects back to the session user, no app rights."""
    owner, app = role_names()
    session_user = bind.execute(sa.text("SELECT session_user")).scalar()
    bind.execute(sa.text("RESET ROLE"))
    bind.execute(sa.text(
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"REVOKE ALL ON TABLES FROM {app}"
    ))
    bind.execute(sa.text(
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"REVOKE ALL ON SEQUENCES FROM {app}"
    ))
    bind.execute(sa.text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app}"))
    bind.execute(sa.text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {app}"))
    for table in public_tables(bind):
        bind.execute(sa.text(f'ALTER TABLE {table} OWNER TO "{session_user}"'))
    for (function,) in bind.execute(sa.text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
        "ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.proname LIKE 'hrtele_%'"
    )):
        bind.execute(sa.text(f'ALTER FUNCTION {function} OWNER TO "{session_user}"'))
    bind.execute(sa.text(f"REVOKE CREATE ON SCHEMA public FROM {owner}"))


def set_owner_role(bind, local: bool = True) -> bool:
    """SET ROLE to the owner when it exists and may create in this database (env.py).

    New tables are then owned by the owner and the application gets its rights from the
    default privileges. False (nothing done) on a database not yet set up by i16_pg_roles.
    """
    owner, _ = role_names()
    allowed = bind.execute(sa.text(
        "SELECT CASE WHEN r.oid IS NULL THEN FALSE "
        "ELSE has_schema_privilege(r.rolname, 'public', 'CREATE') "
        "AND pg_has_role(current_user, r.oid, 'MEMBER') END "
        "FROM (SELECT 1) x LEFT JOIN pg_roles r ON r.rolname = :owner"
    ), {"owner": owner}).scalar()
    if allowed:
        bind.execute(sa.text(f"SET {'LOCAL ' if local else ''}ROLE {owner}"))
    return bool(allowed)
