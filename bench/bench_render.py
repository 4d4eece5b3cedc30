"""Warm render times of the legal documents (design.md §5).

Usage: .venv/bin/python bench/bench_render.py [--runs 15]
Prints medians from one run; targets: amendment <= 400 ms, notice <= 120 ms.
Never assert wall-clock times in tests: this script is the measurement.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS_MS = {"amendment": 400.0, "reversibility_notice": 120.0, "refusal_letter": None}


def _time_renders(render_pdf, kind: str, snapshot, runs: int) -> list[float]:
    """Milliseconds of ``runs`` consecutive renders."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        render_pdf(kind, snapshot)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> int:
    """Run the benchmark and print one line per document kind."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()

    start = time.perf_counter()
    from hrtele.documents import render

    import_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    hb_subset = render.warm_up()
    init_ms = (time.perf_counter() - start) * 1000

    from tests.documents import samples

    cases = {
        "amendment": samples.amendment("full_days"),
        "reversibility_notice": samples.notice(),
        "refusal_letter": samples.refusal(),
    }
    print(f"import renderer: {import_ms:.0f} ms; init (fonts, CSS): {init_ms:.0f} ms")
    print(
        f"HarfBuzz subsetting: {'yes' if hb_subset else 'NO (fontTools fallback: slow, not reproducible)'}"
    )
    for kind, snapshot in cases.items():
        _time_renders(render.render_pdf, kind, snapshot, args.warmup)
        timings = _time_renders(render.render_pdf, kind, snapshot, args.runs)
        median = statistics.median(timings)
        target = TARGETS_MS[kind]
        verdict = (
            ""
            if target is None
            else f" target <= {target:.0f} ms: {'OK' if median <= target else 'OVER'}"
        )
        print(
            f"{kind:22s} median {median:7.1f} ms  min {min(timings):7.1f}  max {max(timings):7.1f}"
            f"  (n={args.runs}){verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
