"""Legal documents: plain-data snapshots and their PDF rendering.

Snapshots are imported eagerly (cheap). The rendering names are loaded on first access, so
importing this package does not import WeasyPrint (about one second); a worker that renders
should call :func:`warm_up` once at start-up.
"""

from __future__ import annotations

import importlib
from typing import Any

from .snapshots import (
    AdaptationPeriod,
    Allowance,
    AmendmentSnapshot,
    EmployeeInfo,
    EmployerInfo,
    EstablishmentInfo,
    NoticeSnapshot,
    Place,
    RefusalSnapshot,
    RequestInfo,
    ReturnArrangements,
    TeleworkDay,
    VacantPost,
    snapshot_from_dict,
    snapshot_from_json,
    snapshot_json,
)
from .typography import fr_typo

_RENDER_NAMES = frozenset(
    {
        "DOCUMENT_KINDS",
        "TEMPLATE_VERSION",
        "BundledAssetFetcher",
        "DocumentRenderError",
        "ResourceRefusedError",
        "harfbuzz_subset_available",
        "render_html",
        "render_pdf",
        "warm_up",
    }
)

__all__ = [
    "AdaptationPeriod",
    "Allowance",
    "AmendmentSnapshot",
    "EmployeeInfo",
    "EmployerInfo",
    "EstablishmentInfo",
    "NoticeSnapshot",
    "Place",
    "RefusalSnapshot",
    "RequestInfo",
    "ReturnArrangements",
    "TeleworkDay",
    "VacantPost",
    "fr_typo",
    "snapshot_from_dict",
    "snapshot_from_json",
    "snapshot_json",
    *sorted(_RENDER_NAMES),
]


def __getattr__(name: str) -> Any:
    """Load rendering names (and WeasyPrint) lazily."""
    if name in _RENDER_NAMES:
        return getattr(importlib.import_module(".render", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
