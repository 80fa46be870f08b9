"""Shared fixtures: the real bundle, the reference slices, an isolated user-data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from carto.bundle import Bundle, read_bundle

REPO_DIR = Path(__file__).resolve().parents[1]
REFERENCE_DIR = REPO_DIR.parent / "shared" / "reference"


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory, monkeypatch):
    """No test ever writes into the real var/ folder."""
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path_factory.mktemp("atlas_data")))


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE_DIR.is_dir():
        pytest.skip(
            "../shared/reference absent : les tests sur les fichiers officiels réels sont ignorés"
        )
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    return read_bundle()
