"""The JSON API through the app: list pages, reads, idempotent writes, a 1,000-row batch.

Usage: .venv/bin/python bench/bench_api.py [--employees 2000] [--runs 50]

From one run (temporary migrated SQLite database, Flask test client, bearer token), prints
the median wall-clock and CPU milliseconds of:
- a page of 50 employees out of N (token lookup, last-use bookkeeping, filters, count, dump);
- one employee by personnel number;
- an unchanged PUT (the import's plan on one row: nothing written) and an updating PUT;
- a batch of 1,000 employees sent twice (creation, then all unchanged);
- the OpenAPI document.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _median_ms(action, runs: int) -> tuple[float, float]:
    """(median wall-clock ms, median CPU ms) of ``runs`` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    """Build a temporary app and database, then time the API calls."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="hrtele-bench-api-")
    os.environ["HRTELE_INSTANCE_PATH"] = folder
    from flask_migrate import upgrade

    from hrtele import create_app
    from hrtele.extensions import db
    from hrtele.imports.services import apply_plan, build_plan
    from hrtele.integrations.services import create_token
    from tests.api.test_api_writes import records_from_csv
    from tests.conftest import base_config
    from tests.factories import make_employer, make_post
    from tests.services.test_imports import employees_csv

    app = create_app(base_config(f"sqlite:///{folder}/bench.sqlite3"))
    with app.app_context():
        upgrade()
        make_employer()
        make_post(code="B-1")
        apply_plan(build_plan("employees", employees_csv(args.employees, "B-1").encode(),
                              max_rows=args.employees), None)
        _, secret = create_token("Banc d'essai", ["read", "write"], None)
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}

    def call(method: str, url: str, expected: int, **kwargs):
        def run():
            response = client.open(url, method=method, headers=headers, **kwargs)
            assert response.status_code == expected, (url, response.status_code, response.data)

        return run

    rows = [
        ("GET page of 50 employees", call("GET", "/api/v1/employees?per_page=50&page=3", 200)),
        ("GET page, search « lise »", call("GET", "/api/v1/employees?q=lise&per_page=50", 200)),
        ("GET one employee", call("GET", "/api/v1/employees/E00042", 200)),
        ("PUT unchanged employee", call("PUT", "/api/v1/employees/E00007", 200, json={
            "first_name": "Élise-h", "last_name": "Nomh"})),
        ("GET OpenAPI document", call("GET", "/api/v1/openapi.json", 200)),
    ]
    for label, action in rows:
        action()
        wall, cpu = _median_ms(action, args.runs)
        print(f"{label:32s} median {wall:7.2f} ms  CPU {cpu:7.2f} ms  (n={args.runs})")

    names = iter(range(10**6))

    def update():
        response = client.put("/api/v1/employees/E00009", headers=headers, json={
            "first_name": "Élise-j", "last_name": "Nomj", "home_address": f"{next(names)} rue"})
        assert response.get_json()["action"] == "update"

    wall, cpu = _median_ms(update, args.runs)
    print(f"{'PUT updating employee':32s} median {wall:7.2f} ms  CPU {cpu:7.2f} ms  "
          f"(n={args.runs}, audit + durable commit)")

    batch = records_from_csv("employees", employees_csv(1000, "B-1").replace("E0", "N0"))
    for label, expected in (("batch of 1,000 (create)", "create"),
                            ("batch of 1,000 (unchanged)", "unchanged")):
        start = time.perf_counter()
        response = client.post("/api/v1/employees/batch", headers=headers, json={"items": batch})
        elapsed = (time.perf_counter() - start) * 1000
        assert response.get_json()["counts"][expected] == 1000, response.data[:300]
        print(f"{label:32s} {elapsed:9.1f} ms  ({elapsed / 1000:.2f} ms per row)")

    print(f"machine load (1 min average): {os.getloadavg()[0]:.2f} for {os.cpu_count()} cores")
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
