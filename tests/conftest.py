"""Shared fixtures: the real bundle, the reference slices, an isolated user-data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from carto.territories.bundle import Bundle, read_bundle

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


@pytest.fixture(scope="session", autouse=True)
def _scan_components_once():
    """Each AppTest re-scans every installed package for Streamlit components (~0.4 s);
    the installed packages do not change during a test session, so scan once."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # another Streamlit version: nothing to speed up
        yield
        return
    original = manifest_scanner.scan_component_manifests
    cached: dict = {}

    def scan_once(*args, **kwargs):
        if "result" not in cached:
            cached["result"] = original(*args, **kwargs)
        return list(cached["result"])

    manifest_scanner.scan_component_manifests = scan_once
    yield
    manifest_scanner.scan_component_manifests = original


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The real app served on loopback for a module's browser tests, with its own data folder."""
    import browserkit as bk

    bk.require_browser()
    data = tmp_path_factory.mktemp("atlas_server_data")
    with bk.serve(env={"ATLAS_DATA_DIR": str(data)}) as url:
        yield url
