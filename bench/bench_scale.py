"""Server time of the HR pages at 10,000 and 100,000 employees (SQLite, and PostgreSQL when
HRTELE_BENCH_DATABASE_URL is set), with the number of SQL statements of each page.

Usage: .venv/bin/python bench/bench_scale.py [--sizes 10000,100000] [--runs 7]
       HRTELE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python ...

Builds each dataset with bulk inserts (bench_observatory.build_dataset: employees, posts,
requests, places, agreements, plus audit entries), then for every page prints the median
server time of N requests through the app (Flask test client, logged in) and its statements.
Target: every page <= 100 ms at 100,000 employees, statements not growing with the rows.
Never assert wall-clock times in tests: this script is the measurement.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_MS = 100.0
SLOW_MS = 3000.0
#: Pages served from a result stored once per data change: their cold view is measured too.
COLD_PAGES = ("/a-faire/", "/observatoire/", "/indemnites/?mois=2026-11")
TODAY = date(2026, 11, 28)


def pages(n: int) -> list[tuple[str, str, str]]:
    """(label, who, url) of every page measured."""
    last = max(1, -(-n // 25))
    requests_last = max(1, -(-(n + n // 5) // 25))
    return [
        ("accueil RH", "hr", "/"),
        ("à faire", "hr", "/a-faire/"),
        ("à faire : attestations", "hr", "/a-faire/attestations"),
        ("à faire : priorité", "hr", "/a-faire/priorite"),
        ("accords p.1", "hr", "/accords/"),
        ("accords dernière page", "hr", f"/accords/?page={last}"),
        ("accords recherche", "hr", f"/accords/?q=Nom{n - 7}"),
        ("accords filtre état", "hr", "/accords/?status=active"),
        ("salariés p.1", "hr", "/salaries/"),
        ("salariés dernière page", "hr", f"/salaries/?page={last}"),
        ("salariés recherche", "hr", f"/salaries/?q=Nom{n - 7}"),
        ("demandes p.1", "hr", "/demandes/"),
        ("demandes dernière page", "hr", f"/demandes/?page={requests_last}"),
        ("postes p.1", "hr", "/postes/"),
        ("postes dernière page", "hr", f"/postes/?page={max(1, -(-(n // 2) // 25))}"),
        ("lieux", "hr", "/lieux/"),
        ("journal p.1", "hr", "/journal/"),
        ("journal dernière page", "hr", f"/journal/?page={last}"),
        ("comptes", "admin", "/comptes/"),
        ("campagnes", "hr", "/campagnes/"),
        ("priorité de retour", "hr", "/suivi/priorite"),
        ("observatoire", "hr", "/observatoire/"),
        ("indemnités du mois", "hr", "/indemnites/?mois=2026-11"),
        ("espace salarié", "employee", "/mon-espace/"),
    ]


def realistic_follow_up(db, n: int) -> None:
    """Follow-up data a running employer has: attestations mostly received, interviews spread
    over the year, about twenty vacant non-telework posts (the observatory data set has none)."""
    from sqlalchemy import text

    db.session.execute(text(
        "UPDATE agreements SET insurance_received_date = :received, insurance_insurer = 'MAIF', "
        "insurance_expiry_date = :expiry WHERE id % 20 <> 0"),
        {"received": date(2026, 1, 15), "expiry": date(2027, 6, 30)})
    db.session.execute(text(
        "UPDATE agreements SET electrical_statement_date = :day WHERE id % 25 <> 0"),
        {"day": date(2026, 1, 15)})
    for month in range(1, 13):
        db.session.execute(text(
            "UPDATE agreements SET annual_interview_due_date = :due WHERE id % 12 = :m"),
            {"due": date(2027, month, 15) if month > 1 else date(2026, 12, 15), "m": month - 1})
    # About twenty vacant non-telework posts at a time, whatever the size.
    step = max(5, (n // 2) // 20 // 5 * 5)
    db.session.execute(text(
        "UPDATE posts SET is_vacant = :yes WHERE is_eligible = :no AND id % :step = 0"),
        {"yes": True, "no": False, "step": step})
    db.session.commit()


def add_accounts_and_audit(db, n: int) -> None:
    """HR, admin and one employee account; n audit entries (the journal's rows)."""
    from hrtele.models import AuditEntry
    from tests.factories import make_user

    make_user("rh-bench@example.test", role="hr")
    make_user("admin-bench@example.test", role="admin")
    make_user("salarie-bench@example.test", role="employee", employee_id=1)
    # Through the ORM: the audit hash chain seals each entry (seq, previous hash) at flush.
    for start in range(1, n + 1, 5000):
        db.session.add_all([
            AuditEntry(actor_label="rh-bench@example.test", action="update",
                       object_type="agreements", object_id=i, changes_json="{}")
            for i in range(start, min(n, start + 4999) + 1)])
        db.session.flush()
    db.session.commit()


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def measure(app, n: int, runs: int) -> list[tuple[str, float, int, int]]:
    """(label, median ms, statements, status) per page."""
    from sqlalchemy import event

    from hrtele.extensions import db
    from tests.conftest import login

    clients = {}
    for who, email in (("hr", "rh-bench@example.test"), ("admin", "admin-bench@example.test"),
                       ("employee", "salarie-bench@example.test")):
        client = app.test_client()
        assert login(client, email).status_code == 302, who
        clients[who] = client
    out = []
    with app.app_context():
        engine = db.engine
    only = os.environ.get("HRTELE_BENCH_ONLY", "")
    for label, who, url in pages(n):
        if only and not any(word in label for word in only.split(",")):
            continue
        client = clients[who]
        start = time.perf_counter()
        status = client.get(url).status_code  # warm-up (templates, caches)
        first = (time.perf_counter() - start) * 1000
        if first > SLOW_MS and url not in COLD_PAGES:
            # Far off target: one timing says enough, spare the machine. (A stored page's
            # first view computes its result: its later views are the ones to measure.)
            out.append((f"{label} (une seule mesure)", first, -1, status))
            continue
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args, _s=statements):
            _s.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        client.get(url)
        event.remove(engine, "before_cursor_execute", count)
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            status = response.status_code
        out.append((label, _median(timings), len(statements), status))
        if url in COLD_PAGES:
            # First view after a data change: the stored result is recomputed.
            cold = []
            for _ in range(max(1, runs // 2)):
                with engine.begin() as conn:
                    conn.exec_driver_sql("UPDATE data_versions SET version = version + 1")
                start = time.perf_counter()
                client.get(url)
                cold.append((time.perf_counter() - start) * 1000)
            out.append((f"{label} (1re vue après changement)", _median(cold), -1, status))
    return out


def _postgres_database(base: str) -> tuple[str, callable]:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from hrtele.config import normalise_database_url

    url = make_url(normalise_database_url(base))
    name = f"hrtele_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def run_one(backend: str, n: int, runs: int) -> None:
    """Build the dataset on one backend and print the table of pages."""
    from bench_observatory import build_dataset
    from flask_migrate import upgrade

    from hrtele import clock, create_app
    from hrtele.extensions import db
    from tests.conftest import base_config

    folder = tempfile.mkdtemp(prefix="hrtele-bench-scale-")
    os.environ["HRTELE_INSTANCE_PATH"] = folder
    drop = None
    if backend == "sqlite":
        uri = f"sqlite:///{folder}/bench.sqlite3"
    else:
        uri, drop = _postgres_database(os.environ["HRTELE_BENCH_DATABASE_URL"])
    try:
        config = base_config(uri)
        config.update(HUEY_IMMEDIATE=True)
        app = create_app(config)
        clock.set_today_provider(lambda: TODAY)
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            build_dataset(db, n)
            realistic_follow_up(db, n)
            add_accounts_and_audit(db, n)
            if backend == "postgresql":
                with db.engine.connect() as conn:
                    conn.exec_driver_sql("ANALYZE")
                    conn.commit()
            built = time.perf_counter() - start
        print(f"\n== {backend}, {n:,} salariés (jeu construit en {built:.0f} s), "
              f"médiane de {runs} requêtes, charge {os.getloadavg()[0]:.2f}".replace(",", " "))
        print(f"{'page':44s} {'médiane':>10s} {'requêtes SQL':>13s}  verdict")
        worst = 0.0
        for label, median, statements, status in measure(app, n, runs):
            worst = max(worst, median)
            verdict = "OK" if median <= TARGET_MS and status == 200 else (
                f"HTTP {status}" if status != 200 else "DÉPASSÉ")
            shown = "" if statements < 0 else str(statements)
            print(f"{label:44s} {median:8.1f} ms {shown:>13s}  {verdict}")
        print(f"page la plus lente : {worst:.1f} ms (cible ≤ {TARGET_MS:.0f} ms)")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        clock.set_today_provider(None)
        if drop is not None:
            drop()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    """Every size on SQLite, then on PostgreSQL when HRTELE_BENCH_DATABASE_URL is set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--backends", default="")
    args = parser.parse_args()
    backends = args.backends.split(",") if args.backends else (
        ["sqlite"] + (["postgresql"] if os.environ.get("HRTELE_BENCH_DATABASE_URL") else []))
    if "postgresql" not in backends:
        print("PostgreSQL non mesuré : définissez HRTELE_BENCH_DATABASE_URL pour l'ajouter.")
    for backend in backends:
        for n in (int(s) for s in args.sizes.split(",")):
            run_one(backend, n, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
