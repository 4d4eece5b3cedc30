"""hrtele.domain stays pure: standard library only, never Flask, SQLAlchemy or Werkzeug."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "hrtele" / "domain"
FORBIDDEN = ("flask", "sqlalchemy", "werkzeug")
EXPECTED_MODULES = {"hrtele.domain.pattern", "hrtele.domain.rules", "hrtele.domain.terms"}

# Run in a fresh interpreter started with -S (no site-packages, no .pth hooks) so that any
# third-party import fails loudly. The "hrtele" package is stubbed: its __init__ builds the Flask
# app, and what is under test is the domain, not the application package.
_PROBE = """
import importlib, importlib.machinery, json, pkgutil, sys, types
spec = importlib.machinery.ModuleSpec("hrtele", None, is_package=True)
spec.submodule_search_locations = [sys.argv[1]]
pkg = types.ModuleType("hrtele")
pkg.__spec__, pkg.__path__ = spec, spec.submodule_search_locations
sys.modules["hrtele"] = pkg
before = set(sys.modules)
import hrtele.domain
names = sorted(
    info.name
    for info in pkgutil.walk_packages(hrtele.domain.__path__, "hrtele.domain.")
)
errors = {}
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:
        errors[name] = f"{type(exc).__name__}: {exc}"
loaded = sorted(set(sys.modules) - before)
print(json.dumps({"modules": names, "loaded": loaded, "errors": errors}))
"""


def _is_forbidden(module: str) -> bool:
    """True for a forbidden package or one of its submodules / Flask extensions."""
    top = module.split(".")[0].lower()
    return top in FORBIDDEN or top.startswith("flask_")


@pytest.fixture(scope="module")
def probe() -> dict:
    """Import every hrtele.domain module in a clean interpreter and report what got loaded."""
    completed = subprocess.run(
        [sys.executable, "-S", "-c", _PROBE, str(ROOT / "hrtele")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_every_domain_module_imports_without_site_packages(probe):
    assert EXPECTED_MODULES <= set(probe["modules"])
    assert probe["errors"] == {}


def test_no_web_or_orm_module_loaded(probe):
    assert [name for name in probe["loaded"] if _is_forbidden(name)] == []


def test_only_standard_library_loaded(probe):
    foreign = [
        name
        for name in probe["loaded"]
        if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] != "hrtele"
    ]
    assert foreign == []


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import statement in a source file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


SOURCES = sorted(DOMAIN.rglob("*.py"))


def test_sources_found():
    assert {path.name for path in SOURCES} >= {"pattern.py", "rules.py", "terms.py"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_source_imports_stdlib_or_domain_only(path):
    bad = [
        f"{path.name}:{line} {module}"
        for line, module in _imports(path)
        if _is_forbidden(module)
        or not (
            module.split(".")[0] in sys.stdlib_module_names
            or module == "hrtele.domain"
            or module.startswith("hrtele.domain.")
        )
    ]
    assert bad == []


def test_source_scan_catches_forbidden_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom flask import Flask\nimport sqlalchemy.orm\n"
        "from werkzeug.exceptions import NotFound\nfrom . import pattern\n",
        encoding="utf-8",
    )
    modules = [module for _, module in _imports(sample)]
    assert [m for m in modules if _is_forbidden(m)] == [
        "flask",
        "sqlalchemy.orm",
        "werkzeug.exceptions",
    ]
