"""Signing and verification timings (medians of one run; never asserted in tests).

Usage: .venv/bin/python bench/bench_signing.py
Signs the sample amendment twice (employee then employer, pyHanko incremental updates with
the visible block and the embedded evidence) and validates the result with pyHanko.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hrtele.documents.render import render_pdf  # noqa: E402
from hrtele.signatures import pdf as signing_pdf  # noqa: E402
from hrtele.signatures.verify import inspect_pdf  # noqa: E402
from tests.documents import samples  # noqa: E402

RUNS = 7


def _sign(data: bytes, issued: bytes, seal, party: str, number: int) -> bytes:
    return signing_pdf.sign_revision(
        data, seal=seal, area=signing_pdf.signature_area(issued, party),
        field_name=f"Signature {number}", stamp_text=f"Signé par le signataire {number}",
        evidence_json=b'{"bench": true}', evidence_name=f"preuve-{number}.json",
        reason="Mesure", signer_name=f"Signataire {number}", location="Foix",
        contact="bench@example.test", signing_time=datetime.now(UTC), auth_seconds=2,
    )


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    signing_pdf.create_demo_seal(folder / "c.p12", folder / "c.pw", "Banc d'essai")
    keygen = time.perf_counter() - start
    seal = signing_pdf.load_seal(folder / "c.p12", (folder / "c.pw").read_bytes())
    issued = render_pdf("amendment", samples.amendment())
    start = time.perf_counter()
    first = _sign(issued, issued, seal, "employee", 1)  # includes the font preparation
    cold = time.perf_counter() - start
    employee, employer, verify = [], [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        one = _sign(issued, issued, seal, "employee", 1)
        t1 = time.perf_counter()
        two = _sign(one, issued, seal, "employer", 2)
        t2 = time.perf_counter()
        result = inspect_pdf(two, lambda sha: sha == seal.sha256)
        t3 = time.perf_counter()
        assert all(c.ok for c in result.signatures) and len(result.signatures) == 2
        employee.append(t1 - t0)
        employer.append(t2 - t1)
        verify.append(t3 - t2)
    ms = lambda values: f"{statistics.median(values) * 1000:.0f} ms"  # noqa: E731
    print(f"demo seal (RSA 3072) creation: {keygen * 1000:.0f} ms")
    print(f"first signature of the process (font rescaled + subset): {cold * 1000:.0f} ms")
    print(f"signature 1 (employee), warm: median {ms(employee)} over {RUNS} runs")
    print(f"signature 2 (employer), warm: median {ms(employer)} over {RUNS} runs")
    print(f"verification of both signatures (pyHanko validator): median {ms(verify)}")
    print(f"sizes: issued {len(issued)} B, after 1 signature {len(first)} B, after 2 {len(two)} B")


if __name__ == "__main__":
    main()
