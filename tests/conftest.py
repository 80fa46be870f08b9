"""Shared fixtures: the real bundle, the reference slices, an isolated user-data folder."""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from carto.territories.bundle import Bundle, read_bundle

REPO_DIR = Path(__file__).resolve().parents[1]
REFERENCE_DIR = REPO_DIR.parent / "shared" / "reference"
SOURCES_DIR = REPO_DIR.parent / "shared" / "sources"


def _uses(module: types.ModuleType, marks: Callable[[object], bool]) -> set[str]:
    """Names of the module's globals matching ``marks``, and of its functions that use them
    (directly, through another of its functions, or in a nested function)."""
    users = {name for name, value in vars(module).items() if marks(value)}
    functions = {
        name: _names(value)
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__
    }
    grown = True
    while grown:
        new = {name for name, used in functions.items() if name not in users and used & users}
        users |= new
        grown = bool(new)
    return users


def _names(function: object) -> set[str]:
    code = getattr(function, "__code__", None)
    stack, names = [code] if code else [], set()
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return names


def _is_apptest(value: object) -> bool:
    return getattr(value, "__name__", None) == "AppTest" and "streamlit.testing" in getattr(
        value, "__module__", ""
    )


def _is_browserkit(value: object) -> bool:
    return "browserkit" in (getattr(value, "__name__", None), getattr(value, "__module__", None))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what a test needs from what it uses: AppTest → ``integration``; the served app
    (``app_url``) or the browser harness (``browserkit``) → ``browser``."""
    cache: dict[str, tuple[set[str], set[str]]] = {}
    for item in items:
        module = getattr(item, "module", None)
        function = getattr(item, "function", None)
        if module is None or function is None:
            continue
        if module.__name__ not in cache:
            cache[module.__name__] = (_uses(module, _is_apptest), _uses(module, _is_browserkit))
        apptest, browser = cache[module.__name__]
        used = _names(function)
        if used & apptest:
            item.add_marker(pytest.mark.integration)
        if used & browser or "app_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory, monkeypatch):
    """No test ever writes into the real var/ folder."""
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path_factory.mktemp("atlas_data")))


@pytest.fixture(autouse=True)
def _fresh_attempt_limiter(monkeypatch):
    """Wrong edit codes tried by one test never lock the next one out."""
    from carto.common import authorisation

    monkeypatch.setattr(authorisation, "LIMITER", authorisation.AttemptLimiter())


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE_DIR.is_dir():
        pytest.skip(
            "../shared/reference absent : les tests sur les fichiers officiels réels sont ignorés"
        )
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The national official files the bundle's indicators are built from."""
    if not (SOURCES_DIR / "cc_filosofi_2021_COM.csv").is_file():
        pytest.skip(
            "../shared/sources absent : les tests sur les fichiers nationaux de l'INSEE "
            "(Filosofi 2021, comparateur de territoires) sont ignorés"
        )
    return SOURCES_DIR


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


DOCUMENT_TABLES = ("documents", "document_revisions", "documents_schema_version")
DIAGNOSIS_TABLES = ("observations", "saved_views", "schema_version")


def drop_document_tables(url: str) -> None:
    """Empty a test database of the atlas's tables (the shared PostgreSQL test db)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in (*DOCUMENT_TABLES, *DIAGNOSIS_TABLES):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    engine.dispose()


@pytest.fixture(params=["files", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_backend(request, tmp_path_factory, monkeypatch):
    """Run the test with the documents in files (var/), in SQLite, and in PostgreSQL (when
    ATLAS_TEST_PG_URL is set): the rules must not depend on where documents live."""
    import os

    from carto.common import backends

    backends.close_all()
    if request.param == "files":
        monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    elif request.param == "sqlite":
        folder = tmp_path_factory.mktemp("atlas_db")
        monkeypatch.setenv("ATLAS_DATABASE_URL", f"sqlite:///{folder / 'atlas.sqlite'}")
    else:
        url = os.environ.get("ATLAS_TEST_PG_URL")
        if not url:
            pytest.skip("ATLAS_TEST_PG_URL absent : source .ci/postgres.sh pour PostgreSQL")
        drop_document_tables(url)
        monkeypatch.setenv("ATLAS_DATABASE_URL", url)
    yield request.param
    backends.close_all()
