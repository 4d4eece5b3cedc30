"""20 simulated users for 60 s on the gunicorn set-up of `make run` (locust, headless).

Usage: .venv/bin/python bench/bench_load.py [--users 20] [--seconds 60] [--workers N]
       HRTELE_BENCH_DATABASE_URL=postgresql://… to run on PostgreSQL instead of SQLite.

Builds a temporary instance with the demo data, starts gunicorn exactly as the Procfile does
(gunicorn.conf.py, HRTELE_HOST/PORT on a free port, plain http so non-secure cookies), runs
bench/locustfile.py (HR lists, agreement pages, PDF downloads; employees' space and documents)
and prints errors, p95 and requests per second (targets: 0 errors, p95 <= 100 ms). Every user
logs in once at start (argon2id, 64 MiB: the costliest request); statistics are reset when all
users are spawned (--reset-stats) so the figures are the steady state, log-ins still running
at that moment included.
Never assert wall-clock times in tests: this script is the measurement.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_P95_MS = 100.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres(base: str) -> tuple[str, callable]:
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from hrtele.config import normalise_database_url

    url = make_url(normalise_database_url(base))
    name = f"hrtele_load_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    """Start gunicorn on demo data, run locust headless, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: conf)")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="hrtele-bench-load-")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRTELE_")}
    env.update(HRTELE_INSTANCE_PATH=folder, HRTELE_SESSION_COOKIE_SECURE="0",
               HRTELE_REMEMBER_COOKIE_SECURE="0", HRTELE_HOST="127.0.0.1", PORT=str(port),
               HRTELE_HUEY_IMMEDIATE="0", HRTELE_ACCESS_LOG="")
    drop = None
    backend = "SQLite"
    if os.environ.get("HRTELE_BENCH_DATABASE_URL"):
        env["HRTELE_DATABASE_URL"], drop = _postgres(os.environ["HRTELE_BENCH_DATABASE_URL"])
        backend = "PostgreSQL"
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    flask = [str(BIN / "flask"), "--app", "hrtele"]
    server = None
    try:
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        subprocess.run([*flask, "demo-data", "--if-empty"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        log = open(Path(folder) / "gunicorn.log", "wb")  # noqa: SIM115
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "hrtele:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        host = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(host + "/connexion", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("gunicorn s'est arrêté (voir gunicorn.log)") from None
                time.sleep(0.5)
        out = Path(folder) / "load"
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s",
             "--host", host, "--reset-stats",
             "--csv", str(out), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, check=False, capture_output=True)
        with open(f"{out}_stats.csv", newline="") as fh:
            rows = {r["Name"]: r for r in csv.DictReader(fh)}
        total = rows["Aggregated"]
        print(f"{args.users} utilisateurs pendant {args.seconds} s, gunicorn "
              f"({env.get('WEB_CONCURRENCY') or 'gunicorn.conf.py'} processus), {backend}, "
              f"charge {os.getloadavg()[0]:.2f} pour {os.cpu_count()} cœurs")
        for name, row in sorted(rows.items()):
            if name != "Aggregated":
                print(f"  {name:28s} {row['Request Count']:>6s} req  médiane "
                      f"{row['50%']:>5s} ms  p95 {row['95%']:>5s} ms  erreurs {row['Failure Count']}")
        with open(f"{out}_failures.csv", newline="") as fh:
            for failure in csv.DictReader(fh):
                print(f"  échec : {failure['Method']} {failure['Name']} : {failure['Error']} "
                      f"({failure['Occurrences']} fois)")
        p95 = float(total["95%"])
        errors = int(total["Failure Count"])
        print(f"total : {total['Request Count']} requêtes, {float(total['Requests/s']):.1f} req/s, "
              f"médiane {total['50%']} ms, p95 {p95:.0f} ms, erreurs {errors} "
              f"(cibles : 0 erreur {'OK' if errors == 0 else 'DÉPASSÉ'}, p95 ≤ "
              f"{TARGET_P95_MS:.0f} ms {'OK' if p95 <= TARGET_P95_MS else 'DÉPASSÉ'})")
        return 0
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if drop is not None:
            drop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
