"""1,000 amendments through a campaign (queue, render, store, audit) against a bare WeasyPrint
process pool rendering the same snapshots, in the same run on the same cores.

Usage: .venv/bin/python bench/bench_bulk.py [--count 1000] [--workers 2]

Steps, on a temporary migrated SQLite database and job queue (instance folder):
1. create ``count`` compliant draft agreements, build the snapshot each amendment will print;
2. bare pool: multiprocessing (fork) with ``workers`` processes, WeasyPrint warmed once per
   process, rendering every snapshot (the floor: nothing but rendering);
3. campaign: plan and start it as HR would, then a real ``huey_consumer`` with ``workers``
   processes issues the documents; peak RSS of each worker process is sampled (psutil).
Prints total times, documents per second, the throughput ratio (target >= 90 %), the time of
the campaign (target <= 90 s for 1,000) and the peak RSS per worker (flat memory).
Never assert wall-clock times in tests: this script is the measurement.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

TARGET_RATIO = 0.90
TARGET_SECONDS = 90.0


def _warm() -> None:
    from hrtele.documents import render

    render.warm_up()


def _render(snapshot) -> int:
    from hrtele.documents.render import render_pdf

    return len(render_pdf("amendment", snapshot))


def build_agreements(count: int) -> list[int]:
    """``count`` compliant draft agreements (one commit, factories flushed, not committed)."""
    from hrtele import clock
    from hrtele.extensions import db
    from tests import factories
    from tests.documents.model_samples import agreement_variant

    def save(obj):
        db.session.add(obj)
        db.session.flush()
        return obj

    factories._save = save  # one transaction for the whole data set
    start = clock.today() + timedelta(days=45)
    ids = [
        agreement_variant("full_days-per_weekly_day", start_date=start,
                          adaptation_end_date=start + timedelta(days=90)).id
        for _ in range(count)
    ]
    factories.make_user("rh-bulk@example.test", role="hr")
    db.session.commit()
    return ids


def snapshots(ids: list[int]) -> list:
    """The snapshot issuing each amendment would print now."""
    from hrtele import clock
    from hrtele.documents.services import amendment_snapshot
    from hrtele.extensions import db
    from hrtele.models import Agreement

    today = clock.today()
    out = [amendment_snapshot(db.session.get(Agreement, i), today) for i in ids]
    db.session.rollback()
    return out


def bare_pool(snaps: list, workers: int) -> float:
    """Seconds for a fork pool of warmed WeasyPrint processes to render every snapshot."""
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_warm) as pool:
        pool.map(_render, snaps[:workers], chunksize=1)  # every process warm before timing
        start = time.perf_counter()
        sizes = pool.map(_render, snaps, chunksize=4)
        elapsed = time.perf_counter() - start
    assert all(sizes)
    return elapsed


def run_campaign(app, ids: list[int], workers: int, folder: str) -> tuple[float, dict[int, int]]:
    """Seconds from start to done for a real campaign on a real consumer; peak RSS by pid."""
    import psutil
    from sqlalchemy import func, select

    from hrtele import clock
    from hrtele.campaigns import services
    from hrtele.extensions import db
    from hrtele.jobs.tasks import queue_runners
    from hrtele.models import Campaign, CampaignItem, User

    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == "rh-bulk@example.test"))
        campaign = services.plan_campaign("amendment", ids, actor, "banc d'essai", clock.today())
        db.session.commit()
        campaign_id = campaign.id
        blocked = db.session.scalar(select(func.count()).where(
            CampaignItem.campaign_id == campaign_id, CampaignItem.status == "blocked"))
        assert blocked == 0, "des accords sont bloqués : le banc d'essai ne mesurerait rien"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRTELE_")}
    env.update(HRTELE_INSTANCE_PATH=folder, HRTELE_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               HRTELE_SECRET_KEY="bench", HRTELE_MAIL_SERVER="", HRTELE_CAMPAIGN_SLICE="25",
               PYTHONPATH=str(ROOT))
    log = open(Path(folder) / "worker.log", "wb")  # noqa: SIM115
    consumer = subprocess.Popen(
        [str(BIN / "huey_consumer"), "hrtele.jobs.worker.huey", "--worker-type", "process",
         "--workers", str(workers), "--delay", "0.05", "--max-delay", "0.5", "--no-periodic"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    peaks: dict[int, int] = {}
    try:
        parent = psutil.Process(consumer.pid)
        deadline = time.monotonic() + 60
        while len(parent.children()) < workers and time.monotonic() < deadline:
            time.sleep(0.2)  # workers started and WeasyPrint warm (imported by worker.py)
        time.sleep(1.0)
        with app.app_context():
            services.start_campaign(db.session.get(Campaign, campaign_id), None)
            db.session.commit()
            start = time.perf_counter()
            queue_runners(campaign_id)
        while True:
            for child in parent.children():
                try:
                    peaks[child.pid] = max(peaks.get(child.pid, 0), child.memory_info().rss)
                except psutil.NoSuchProcess:
                    pass
            with app.app_context():
                status = db.session.scalar(select(Campaign.status).where(Campaign.id == campaign_id))
            if status == "done":
                elapsed = time.perf_counter() - start
                break
            if consumer.poll() is not None:
                raise RuntimeError("le processus de travail s'est arrêté (voir worker.log)")
            time.sleep(0.5)
        with app.app_context():
            counts = dict(db.session.execute(select(CampaignItem.status, func.count()).where(
                CampaignItem.campaign_id == campaign_id).group_by(CampaignItem.status)).all())
        assert counts == {"done": len(ids)}, counts
    finally:
        os.killpg(consumer.pid, signal.SIGTERM)
        consumer.wait(timeout=30)
        log.close()
    return elapsed, peaks


def main() -> int:
    """Build the data, time the bare pool, then the campaign; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="hrtele-bench-bulk-")
    os.environ["HRTELE_INSTANCE_PATH"] = folder
    try:
        from flask_migrate import upgrade

        from hrtele import create_app
        from tests.conftest import base_config

        config = base_config(f"sqlite:///{folder}/bench.sqlite3")
        config.update(HUEY_IMMEDIATE=False)
        app = create_app(config)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            ids = build_agreements(args.count)
            snaps = snapshots(ids)
            built = time.perf_counter() - started
        with app.app_context():
            from hrtele.extensions import db

            db.engine.dispose()  # no SQLite connection crosses the pool's fork
        print(f"{args.count} accords brouillons et leurs instantanés ({built:.0f} s) ; "
              f"{args.workers} processus ; charge {os.getloadavg()[0]:.2f} pour "
              f"{os.cpu_count()} cœurs")
        pool_s = bare_pool(snaps, args.workers)
        campaign_s, peaks = run_campaign(app, ids, args.workers, folder)
        pool_rate, campaign_rate = args.count / pool_s, args.count / campaign_s
        ratio = campaign_rate / pool_rate
        print(f"pool WeasyPrint nu : {pool_s:.1f} s, {pool_rate:.1f} documents/s")
        print(f"campagne (file, rendu, stockage, audit) : {campaign_s:.1f} s, "
              f"{campaign_rate:.1f} documents/s ; cible ≤ {TARGET_SECONDS:.0f} s pour 1 000 : "
              f"{'OK' if campaign_s * 1000 / args.count <= TARGET_SECONDS else 'DÉPASSÉ'}")
        print(f"rapport de débit campagne / pool : {ratio:.0%} (cible ≥ {TARGET_RATIO:.0%} : "
              f"{'OK' if ratio >= TARGET_RATIO else 'DÉPASSÉ'})")
        for pid, rss in sorted(peaks.items()):
            print(f"processus {pid} du consumer (travail ou ordonnanceur) : RSS maximal {rss / 1024 / 1024:.0f} Mio")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
