"""SQLite backups with the online backup API (safe while the application writes).

Copying the database file is not a backup: with WAL, recent commits live in the -wal file
and a copy taken mid-write can be torn. ``sqlite3.Connection.backup`` copies a consistent
snapshot page by page while other connections keep reading and writing. PostgreSQL: use
pg_dump / pg_restore (README « Sauvegardes »).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


def sqlite_path(database_uri: str) -> Path:
    """The file of a sqlite:/// URI; ValueError for another database."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise ValueError("la sauvegarde intégrée ne concerne que SQLite (PostgreSQL : pg_dump)")
    return Path(url.database)


def backup_sqlite(database_uri: str, target: Path, pages: int = 256) -> Path:
    """Copy the live database into target (a new file), then check the copy's integrity."""
    source_path = sqlite_path(database_uri)
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} existe déjà : choisissez un autre nom de fichier")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination, pages=pages)
        check = destination.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise RuntimeError(f"copie corrompue : {check}")
    finally:
        destination.close()
        source.close()
    return target


def restore_sqlite(backup: Path, database_uri: str) -> None:
    """Replace the live database's content by the backup's (the app must be stopped)."""
    backup = Path(backup)
    if not backup.is_file():
        raise FileNotFoundError(f"{backup} introuvable")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    destination = sqlite3.connect(sqlite_path(database_uri))
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise RuntimeError(f"{backup} est corrompue")
        source.backup(destination)
    finally:
        destination.close()
        source.close()
