"""The package layering of ``carto`` holds: import-linter's contracts in pyproject.toml.

Why a test and not only a command: a cycle or an upward import (a domain package importing
``carto.ui``, ``districts`` importing ``sites``…) must fail the suite the day it is written.
The contracts count imports inside functions and under ``TYPE_CHECKING`` too (import-linter's
default), so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import carto

REPO_DIR = Path(__file__).resolve().parents[1]
PYPROJECT = REPO_DIR / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contracts() -> list[dict]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def test_import_contracts_are_kept() -> None:
    assert LINT_IMPORTS.exists(), "import-linter manque : pip install -e '.[dev]'"
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR)}  # this checkout's carto, not another
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(PYPROJECT)],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in report, report


def test_every_package_has_its_layer() -> None:
    """A new package left out of the layers would escape the layering contract."""
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    layered = {name.strip() for layer in layers for name in layer.split("|")}
    root = Path(carto.__file__).parent
    packages = {f"carto.{p.parent.name}" for p in root.glob("*/__init__.py")}
    assert packages == layered
