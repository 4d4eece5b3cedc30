"""Helpers to run real huey consumers (and gunicorn) as subprocesses against the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def subprocess_env(app, **extra: str) -> dict[str, str]:
    """Environment for a subprocess sharing the test app's database, instance and job storage."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRTELE_")}
    env.update(
        HRTELE_INSTANCE_PATH=app.instance_path,
        HRTELE_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        HRTELE_SECRET_KEY=app.config["SECRET_KEY"],
        HRTELE_SESSION_COOKIE_SECURE="0",
        HRTELE_REMEMBER_COOKIE_SECURE="0",
        HRTELE_MAIL_SERVER="",
        # Same log-in as the test app (staff without a second factor unless a test asks).
        HRTELE_TWO_FACTOR_REQUIRED="1" if app.config.get("TWO_FACTOR_REQUIRED") else "0",
        HRTELE_CAMPAIGN_LEASE_SECONDS=str(app.config["CAMPAIGN_LEASE_SECONDS"]),
        HRTELE_CAMPAIGN_SLICE=str(app.config["CAMPAIGN_SLICE"]),
        PYTHONPATH=str(ROOT),
    )
    if app.config.get("REDIS_URL"):
        env["HRTELE_REDIS_URL"] = app.config["REDIS_URL"]
    env.update(extra)
    return env


def start_consumer(app, log_path: Path, workers: int = 1, **extra: str) -> subprocess.Popen:
    """A real `huey_consumer hrtele.jobs.worker.huey` process (its own process group)."""
    log = open(log_path, "ab")  # noqa: SIM115 (closed by stop())
    process = subprocess.Popen(
        [str(BIN / "huey_consumer"), "hrtele.jobs.worker.huey", "--worker-type", "process",
         "--workers", str(workers), "--delay", "0.05", "--max-delay", "0.5", "--no-periodic"],
        cwd=ROOT, env=subprocess_env(app, **extra), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process._hrtele_log = log  # type: ignore[attr-defined]
    return process


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Send ``sig`` to the process group and wait for it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    log = getattr(process, "_hrtele_log", None)
    if log is not None and not log.closed:
        log.close()


def wait_until(condition: Callable[[], bool], timeout: float, what: str, logs: list[Path] = ()) -> None:
    """Poll ``condition`` until true; fail with the subprocess logs after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    tails = "\n".join(f"--- {p}\n{p.read_text(errors='replace')[-3000:]}" for p in logs if p.exists())
    pytest.fail(f"timed out waiting for {what}\n{tails}")
