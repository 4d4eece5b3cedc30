"""Planning at scale: a week of a 500-person department among 100,000 employees.

Usage: .venv/bin/python bench/bench_planning.py [--employees 100000] [--runs 15]
       [--database-url postgresql://postgres@127.0.0.1:5432/test]

Builds a migrated database (temporary SQLite file, or a fresh PostgreSQL database next to the
given URL) with bulk inserts: 200 departments of n/200 employees, an agreement for 40 % of them
(a third at a third place), absences and approved day changes in the week. Prints from one run:
the SQL statements of one grid computation (constant), the median of compute_grid() for the
department's week (target: at most 100 ms), and the median of the planning page through the app.
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
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_MS = 100.0
MONDAY = date(2026, 10, 5)
DEPARTMENTS = 200


def _timed(action, runs: int) -> tuple[float, float, float, float]:
    """(median, min, max) wall-clock ms of ``runs`` calls, and the median CPU ms."""
    timings, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(timings), min(timings), max(timings), statistics.median(cpu)


def build_dataset(db, n: int) -> None:
    """Bulk-insert n employees in 200 departments, agreements, absences and day changes."""
    from sqlalchemy import insert

    from hrtele.models import (
        Absence,
        Agreement,
        DayChange,
        Employee,
        Employer,
        Place,
        Post,
        Team,
    )

    s = db.session
    s.execute(insert(Employer), [{"id": 1, "name": "Banc d'essai du planning"}])
    departments = [f"Direction {i:03d}" for i in range(DEPARTMENTS)]
    n_posts = max(DEPARTMENTS, n // 4)
    s.execute(insert(Post), [{"id": i, "code": f"P{i:06d}", "title": f"Poste {i}",
                              "department": departments[i % DEPARTMENTS], "is_eligible": True}
                             for i in range(1, n_posts + 1)])
    s.execute(insert(Team), [{"id": t, "name": f"Équipe {t}", "min_on_site": 3}
                             for t in range(1, 1001)])
    s.execute(insert(Employee), [
        {"id": i, "personnel_number": f"M{i:07d}", "first_name": "Prénom", "last_name": f"Nom{i}",
         "post_id": 1 + i % n_posts, "team_id": 1 + i % 1000,
         "manager_id": None if i % 10 == 0 else i - i % 10 or None, "is_active": True}
        for i in range(1, n + 1)])
    places = [{"id": k, "kind": "third_place", "name": f"Télécentre {k}", "capacity": 20}
              for k in range(1, 51)]
    s.execute(insert(Place), places)
    patterns = ("11000000000000", "11001100000000", "00110011000000", "11110000000000", "00000011110000")
    agreements = []
    for i in range(1, n + 1):
        if i % 5 >= 2:
            continue
        agreements.append({
            "id": i, "employee_id": i, "status": "active" if i % 7 else "adaptation",
            "place_id": 1 + i % 50 if i % 3 == 0 else None, "days_per_week": Decimal("2"),
            "weekly_pattern": patterns[i % len(patterns)], "start_date": date(2026, 1, 5),
        })
    s.execute(insert(Agreement), agreements)
    s.execute(insert(Absence), [{"employee_id": i, "absence_date": MONDAY + timedelta(days=i % 5)}
                                for i in range(1, n + 1, 20)])
    s.execute(insert(DayChange), [
        {"employee_id": a["employee_id"], "agreement_id": a["id"], "kind": "cancel", "half": "day",
         "from_date": MONDAY, "status": "approved"}
        for a in agreements[::50] if a["weekly_pattern"].startswith("11")])
    s.commit()


def _pg_database(url: str) -> tuple[str, callable]:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from hrtele.config import normalise_database_url

    base = make_url(normalise_database_url(url))
    name = f"hrtele_bench_planning_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    """Build the dataset, then time the grid and the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="hrtele-bench-planning-")
    os.environ["HRTELE_INSTANCE_PATH"] = folder
    drop = None
    try:
        from flask_migrate import upgrade
        from sqlalchemy import event

        from hrtele import clock, create_app
        from hrtele.domain import planning as dp
        from hrtele.extensions import db
        from hrtele.planning.services import Filters, compute_grid
        from tests.conftest import base_config, login
        from tests.factories import make_user

        if args.database_url:
            uri, drop = _pg_database(args.database_url)
        else:
            uri = f"sqlite:///{folder}/bench.sqlite3"
        app = create_app(base_config(uri))
        week = dp.week_days(MONDAY)
        department = Filters(department="Direction 007")
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            build_dataset(db, args.employees)
            built = time.perf_counter() - start
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")
            make_user("rh-bench@example.test", role="hr")
            statements: list[str] = []

            def count(_conn, _cursor, statement, *_a):
                statements.append(statement)

            event.listen(db.engine, "before_cursor_execute", count)
            grid = compute_grid(department, week)
            event.remove(db.engine, "before_cursor_execute", count)
            db.session.rollback()

            def compute():
                compute_grid(department, week)
                db.session.rollback()

            grid_ms = _timed(compute, args.runs)

        clock.set_today_provider(lambda: MONDAY)
        client = app.test_client()
        assert login(client, "rh-bench@example.test").status_code == 302

        def page():
            response = client.get("/planning/?departement=Direction+007&date=2026-10-05")
            assert response.status_code == 200

        page()
        page_ms = _timed(page, args.runs)
        print(f"Base : {uri.split(':')[0]} ; "
              f"{args.employees} salariés (construits en {built:.1f} s)")
        print(f"Service « Direction 007 » : {len(grid.rows)} salariés, semaine du "
              f"{MONDAY:%d/%m/%Y} ; {sum(c.telework for c in grid.counts.values())} "
              "demi-journées de télétravail")
        print(f"Requêtes SQL par calcul de la grille : {len(statements)}")
        print(f"Charge de la machine (moyenne 1 min) : {os.getloadavg()[0]:.2f} "
              f"pour {os.cpu_count()} cœurs")
        print(f"compute_grid : médiane {grid_ms[0]:.1f} ms (min {grid_ms[1]:.1f}, max "
              f"{grid_ms[2]:.1f}) sur {args.runs}, CPU médian {grid_ms[3]:.1f} ms ; cible ≤ "
              f"{TARGET_MS:.0f} ms : {'OK' if grid_ms[0] <= TARGET_MS else 'DÉPASSÉ'}")
        print(f"page /planning/ (100 lignes affichées, effectifs sur les {len(grid.rows)}) : "
              f"médiane {page_ms[0]:.1f} ms (min {page_ms[1]:.1f}, max {page_ms[2]:.1f}), "
              f"CPU médian {page_ms[3]:.1f} ms")
        return 0
    finally:
        if drop is not None:
            from hrtele.extensions import db as _db

            with app.app_context():
                _db.engine.dispose()
            drop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
