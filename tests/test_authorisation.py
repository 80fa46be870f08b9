"""Every write of user data goes through one edit-code check (carto.common.authorisation).

The write paths are found by introspection, not listed by hand only: a public function of any
module below ``carto.ui`` that asks for a grant, or a method of the diagnosis store that opens
a write transaction, must appear in ``WRITES`` below (so a new one fails this test until it is
proved refused without the code), and no module writes files except through the
grant-checked primitives of ``carto.common.files``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import sqlalchemy as sa

import carto
from carto.common import authorisation, backends, documents_copy
from carto.common.authorisation import (
    AttemptLimiter,
    Grant,
    TooManyAttempts,
    WriteDenied,
    authorise,
    check_grant,
    client_key,
    code_matches,
)
from carto.common.documents_files import FileBackend
from carto.common.documents_sql import SqlBackend
from carto.common.files import atomic_write, remove_file
from carto.common.paths import user_data_dir
from carto.diagnosis.store import ObservationDraft, Store
from carto.districts import storage as district_storage
from carto.districts.model import DistrictSet
from carto.indicators.catalogue import Kind
from carto.indicators.sources import store as dataset_store
from carto.indicators.sources.imports import ColumnMapping, PartnerMapping, import_partner
from carto.sites import storage as site_storage
from carto.territories import iris as iris_storage

SECRET = "code-ccas-54"
CARTO_DIR = Path(carto.__file__).parent


# --- the limiter and the comparison ---------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_codes_lock_writes_out_then_lockouts_double():
    clock = Clock()
    limiter = AttemptLimiter(max_failures=3, window_s=60, first_lockout_s=30, clock=clock)
    for _ in range(2):
        with pytest.raises(WriteDenied):
            authorise("faux", SECRET, limiter)
    authorise(SECRET, SECRET, limiter)  # two failures: not locked; a success resets
    for _ in range(3):
        with pytest.raises(WriteDenied) as caught:
            authorise("faux", SECRET, limiter)
        assert not isinstance(caught.value, TooManyAttempts)
    with pytest.raises(TooManyAttempts, match="encore 30 s"):
        authorise(SECRET, SECRET, limiter)  # even the right code waits: no oracle
    clock.now += 31
    for _ in range(3):
        with pytest.raises(WriteDenied):
            authorise("faux", SECRET, limiter)
    with pytest.raises(TooManyAttempts, match="encore 60 s"):
        authorise("faux", SECRET, limiter)
    clock.now += 61
    assert isinstance(authorise(SECRET, SECRET, limiter), Grant)


def test_failures_leave_the_sliding_window():
    clock = Clock()
    limiter = AttemptLimiter(max_failures=3, window_s=60, clock=clock)
    for _ in range(10):  # one every 31 s: never three within a minute
        with pytest.raises(WriteDenied):
            authorise("faux", SECRET, limiter)
        clock.now += 31
    authorise(SECRET, SECRET, limiter)


def test_one_clients_wrong_codes_lock_out_only_that_client():
    """A partner mistyping the code in a meeting does not block the coordinator's writes."""
    clock = Clock()
    limiter = AttemptLimiter(max_failures=3, window_s=60, first_lockout_s=30, clock=clock)
    for _ in range(3):
        with pytest.raises(WriteDenied):
            authorise("faux", SECRET, limiter, client="ip:10.0.0.7")
    with pytest.raises(TooManyAttempts):
        authorise(SECRET, SECRET, limiter, client="ip:10.0.0.7")
    assert isinstance(authorise(SECRET, SECRET, limiter, client="ip:10.0.0.8"), Grant)
    clock.now += 31
    assert isinstance(authorise(SECRET, SECRET, limiter, client="ip:10.0.0.7"), Grant)


def test_guessing_from_many_addresses_hits_the_ceiling_but_spares_proven_clients():
    clock = Clock()
    limiter = AttemptLimiter(
        max_failures=5, window_s=60, first_lockout_s=30, clock=clock, global_max_failures=10
    )
    authorise(SECRET, SECRET, limiter, client="ip:coordination")  # proved the code earlier
    for n in range(10):  # one guess per address: no client reaches its own limit
        with pytest.raises(WriteDenied) as caught:
            authorise(f"essai-{n}", SECRET, limiter, client=f"ip:10.1.0.{n}")
        assert not isinstance(caught.value, TooManyAttempts)
    with pytest.raises(TooManyAttempts):  # a new address: the process-wide lock-out holds
        authorise(SECRET, SECRET, limiter, client="ip:10.1.0.99")
    with pytest.raises(TooManyAttempts):  # scripts share one key, never proven here
        authorise(SECRET, SECRET, limiter)
    assert isinstance(authorise(SECRET, SECRET, limiter, client="ip:coordination"), Grant)
    clock.now += 31
    assert isinstance(authorise(SECRET, SECRET, limiter, client="ip:10.1.0.99"), Grant)


def test_trust_expires():
    clock = Clock()
    limiter = AttemptLimiter(clock=clock, global_max_failures=2, trust_s=3600)
    authorise(SECRET, SECRET, limiter, client="ip:a")
    clock.now += 3601
    for n in range(2):
        with pytest.raises(WriteDenied):
            authorise("faux", SECRET, limiter, client=f"ip:b{n}")
    with pytest.raises(TooManyAttempts):
        authorise(SECRET, SECRET, limiter, client="ip:a")


def test_remembered_clients_are_bounded(monkeypatch):
    monkeypatch.setattr(AttemptLimiter, "MAX_CLIENTS", 50)
    clock = Clock()
    limiter = AttemptLimiter(clock=clock, global_max_failures=10**6)
    for n in range(500):
        with pytest.raises(WriteDenied):
            authorise("faux", SECRET, limiter, client=f"ip:{n}")
        clock.now += 1
    assert len(limiter._clients) <= 50


def test_client_key_trusts_only_the_local_proxys_last_hop():
    assert client_key("192.0.2.4", None) == "ip:192.0.2.4"
    # A client cannot choose its key by sending its own X-Forwarded-For to the server…
    assert client_key("192.0.2.4", "203.0.113.9") == "ip:192.0.2.4"
    # …nor through the local nginx, which appends the address it saw.
    assert client_key("127.0.0.1", "203.0.113.9, 192.0.2.4") == "ip:192.0.2.4"
    assert client_key("::1", "192.0.2.5") == "ip:192.0.2.5"
    assert client_key("127.0.0.1", None) == "ip:127.0.0.1"
    assert client_key(None, "192.0.2.4") == "navigateur"


def test_the_client_named_for_a_run_is_the_one_counted():
    limiter = AttemptLimiter(max_failures=1)
    authorisation.acting_for("ip:192.0.2.50")
    try:
        with pytest.raises(WriteDenied):
            authorise("faux", SECRET, limiter)
        with pytest.raises(TooManyAttempts):
            authorise(SECRET, SECRET, limiter, client="ip:192.0.2.50")
        assert isinstance(authorise(SECRET, SECRET, limiter, client="ip:192.0.2.51"), Grant)
    finally:
        authorisation.acting_for(authorisation.SCRIPT_CLIENT)


def test_a_missing_code_is_refused_without_counting_as_a_guess():
    limiter = AttemptLimiter(max_failures=2)
    for code in (None, "") * 10:
        with pytest.raises(WriteDenied, match="absent ou incorrect"):
            authorise(code, SECRET, limiter)
    authorise(SECRET, SECRET, limiter)


def test_a_script_cannot_try_thousands_of_codes():
    """The Python API, called in a loop, is stopped after a handful of wrong codes."""
    limiter = AttemptLimiter()
    refused = locked = 0
    for n in range(10_000):
        try:
            authorise(f"essai-{n}", SECRET, limiter)
        except TooManyAttempts:
            locked += 1
        except WriteDenied:
            refused += 1
    assert refused == authorisation.MAX_FAILURES and locked == 10_000 - refused


def test_comparison_is_by_fixed_length_digests():
    assert code_matches(SECRET, SECRET)
    for other in ("", "c", SECRET + "x", SECRET.upper(), SECRET[:-1], "é" * 500):
        assert not code_matches(other, SECRET)


def test_no_secret_means_open_writes_and_grants_cannot_be_forged(monkeypatch):
    monkeypatch.delenv("ATLAS_EDIT_SECRET", raising=False)
    assert isinstance(authorise(None), Grant)
    with pytest.raises(WriteDenied):
        check_grant(Grant())  # made by hand, not issued
    with pytest.raises(WriteDenied):
        atomic_write(user_data_dir() / "x.json", "{}", grant=Grant())
    with pytest.raises(WriteDenied):
        remove_file(user_data_dir() / "x.json", grant=object())  # type: ignore[arg-type]
    assert not (user_data_dir() / "x.json").exists()


# --- every write path, found by introspection --------------------------------------------


def _uses(function: Callable, names: set[str], module: object) -> bool:
    """Whether ``function`` refers to one of ``names``, directly or through the module's own
    private functions."""
    seen, stack = set(), [function]
    while stack:
        current = stack.pop()
        code = getattr(current, "__code__", None)
        if code is None or current in seen:
            continue
        seen.add(current)
        codes = [code]
        while codes:
            c = codes.pop()
            if names & set(c.co_names):
                return True
            codes.extend(k for k in c.co_consts if inspect.iscode(k))
            stack.extend(
                getattr(module, n)
                for n in c.co_names
                if n.startswith("_") and inspect.isfunction(getattr(module, n, None))
            )
    return False


def _domain_modules() -> list[object]:
    """Every module of carto below the interface (whose calls are checked by the next test)."""
    names = [m.name for m in pkgutil.walk_packages(carto.__path__, "carto.")]
    return [importlib.import_module(n) for n in names if not n.startswith("carto.ui")]


def discovered_writes() -> set[str]:
    found = set()
    for module in _domain_modules():
        for name, value in vars(module).items():
            if (
                inspect.isfunction(value)
                and value.__module__ == module.__name__
                and not name.startswith("_")
                and _uses(value, {"authorise"}, module)
            ):
                found.add(f"{module.__name__}.{name}")
    methods = {n: _all_names(v) for n, v in vars(Store).items() if inspect.isfunction(v)}
    writers = {"_write", "_check_write"}
    grown = True
    while grown:  # a method calling a writing method writes too
        new = {n for n, used in methods.items() if n not in writers and used & writers}
        writers |= new
        grown = bool(new)
    found |= {f"Store.{n}" for n in writers if not n.startswith("_")}
    return found


def _all_names(function: Callable) -> set[str]:
    names, codes = set(), [function.__code__]
    while codes:
        c = codes.pop()
        names |= set(c.co_names)
        codes.extend(k for k in c.co_consts if inspect.iscode(k))
    return names


COMMUNES = pd.DataFrame({"CODGEO": ["54395"], "LIBGEO": ["Nancy"], "DEP": ["54"]})
PARTNER = PartnerMapping(
    "CAF 2024", "CAF", "code", (ColumnMapping("alloc", "Allocataires", Kind.COUNT),)
)
SITES = pd.DataFrame({"id": ["a"], "name": ["CCAS"], "category": ["ccas"], "CODGEO": ["54395"]})
CONTOURS = gpd.GeoDataFrame(
    {"NOM_IRIS": ["Centre"], "INSEE_COM": ["54395"]},
    geometry=[shapely.box(6.1, 48.6, 6.2, 48.7)],
    index=pd.Index(["543950101"], name="IRIS"),
    crs="EPSG:4326",
)
DRAFT = ObservationDraft(
    "commune", "54395", "54", "CCAS", "Paul", "santé", "Note", date(2025, 1, 2)
)


def _dataset():
    return import_partner(b"code;alloc\n54395;12\n", PARTNER, name="caf.csv", communes=COMMUNES)


class Seeds:
    """Something of each kind stored with the code, for the writes that change or delete."""

    def __init__(self, store: Store) -> None:
        self.dataset = dataset_store.save_dataset(_dataset(), code=SECRET)
        self.site_list = site_storage.save_site_list("CCAS", SITES, code=SECRET)
        ds = DistrictSet("54", "Secteurs", {"54395": "Nancy"})
        self.district_set = district_storage.save_district_set(ds, code=SECRET)
        iris_storage.save_contours(CONTOURS, "Nancy", code=SECRET)
        self.contours = iris_storage.contour_sets()[0]
        self.observation = store.add_observation(DRAFT, secret=SECRET)
        self.view = store.save_view("Vue", "dep=54", secret=SECRET)
        # A single-machine atlas to copy from: a SQLite file and a folder of documents.
        origin = Path(store.url.removeprefix("sqlite:///")).parent / "origine"
        (origin / "sites").mkdir(parents=True)
        self.origin = Store(f"sqlite:///{origin / 'atlas.sqlite'}", edit_secret="")
        self.origin.add_observation(replace(DRAFT, author="Jeanne"))
        self.files = FileBackend(lambda: origin)
        listed = {"id": "ancienne", "name": "Ancienne liste", "sites": []}
        (origin / "sites" / "ancienne.json").write_text(json.dumps(listed), encoding="utf-8")


# Each write path and how to call it; ``code`` is the code given (None: none at all).
WRITES: dict[str, Callable[[Seeds, Store, str | None], object]] = {
    "carto.indicators.sources.store.save_dataset": lambda s, st, code: dataset_store.save_dataset(
        _dataset(), code=code, replace=True
    ),
    "carto.indicators.sources.store.delete_dataset": lambda s, st, code: (
        dataset_store.delete_dataset(s.dataset.id, code=code)
    ),
    "carto.sites.storage.save_site_list": lambda s, st, code: site_storage.save_site_list(
        "Autre", SITES, code=code
    ),
    "carto.sites.storage.rename_site_list": lambda s, st, code: site_storage.rename_site_list(
        s.site_list.id, "Renommée", code=code
    ),
    "carto.sites.storage.delete_site_list": lambda s, st, code: site_storage.delete_site_list(
        s.site_list.id, code=code
    ),
    "carto.districts.storage.save_district_set": lambda s, st, code: (
        district_storage.save_district_set(DistrictSet("54", "Autre", {}), code=code)
    ),
    "carto.districts.storage.rename_district_set": lambda s, st, code: (
        district_storage.rename_district_set("54", s.district_set.id, "Renommé", code=code)
    ),
    "carto.districts.storage.delete_district_set": lambda s, st, code: (
        district_storage.delete_district_set("54", s.district_set.id, code=code)
    ),
    "carto.territories.iris.save_contours": lambda s, st, code: iris_storage.save_contours(
        CONTOURS, "Autres", code=code
    ),
    "carto.territories.iris.rename_contours": lambda s, st, code: iris_storage.rename_contours(
        s.contours.id, "Renommés", code=code
    ),
    "carto.territories.iris.delete_contours": lambda s, st, code: iris_storage.delete_contours(
        s.contours.id, code=code
    ),
    "Store.add_observation": lambda s, st, code: st.add_observation(DRAFT, secret=code),
    "Store.add_observations": lambda s, st, code: st.add_observations([DRAFT], secret=code),
    "Store.update_observation": lambda s, st, code: st.update_observation(
        s.observation.id, DRAFT, secret=code
    ),
    "Store.delete_observation": lambda s, st, code: st.delete_observation(
        s.observation.id, secret=code
    ),
    "Store.save_view": lambda s, st, code: st.save_view("Autre", "dep=57", secret=code),
    "Store.rename_view": lambda s, st, code: st.rename_view(s.view.id, "Renommée", secret=code),
    "Store.delete_view": lambda s, st, code: st.delete_view(s.view.id, secret=code),
    "Store.can_write": lambda s, st, code: st.can_write(code) or _denied(),
    "Store.copy_from": lambda s, st, code: st.copy_from(s.origin, secret=code),
    "carto.common.documents_copy.copy_documents": lambda s, st, code: documents_copy.copy_documents(
        s.files, backends.current(), {}, code=code
    ),
}


def _denied() -> None:
    raise WriteDenied("can_write said no")


def test_every_write_path_is_listed():
    assert discovered_writes() == set(WRITES)


def _snapshot(store: Store) -> dict:
    files = {
        str(p.relative_to(user_data_dir())): p.read_bytes()
        for p in sorted(user_data_dir().rglob("*"))
        if p.is_file() and p.suffix != ".sqlite" and "sqlite" not in p.name and p.name != ".lock"
    }
    rows = (store.list_observations(), store.list_views())
    documents = None
    if backends.database_url():  # the documents' rows and revisions, when in a database
        engine = sa.create_engine(backends.database_url())
        with engine.connect() as conn:
            documents = [
                conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY 1, 2")).all()
                for t in ("documents", "document_revisions")
            ]
        engine.dispose()
    return {"files": files, "rows": rows, "documents": documents}


@pytest.mark.parametrize("path", sorted(WRITES))
@pytest.mark.parametrize("code", [None, "", "mauvais-code"])
def test_each_write_is_refused_without_the_code_and_changes_nothing(
    path: str, code: str | None, monkeypatch, tmp_path: Path, any_backend: str
):
    monkeypatch.setenv("ATLAS_EDIT_SECRET", SECRET)
    store = Store(f"sqlite:///{tmp_path / 'diag.sqlite'}")
    seeds = Seeds(store)
    before = _snapshot(store)
    with pytest.raises(WriteDenied):
        WRITES[path](seeds, store, code)
    assert _snapshot(store) == before
    WRITES[path](seeds, store, SECRET)  # and the code opens it
    store.close()


# --- no other way to write ------------------------------------------------------------------

# Modules allowed to write files without a grant, and why: the grant-checked primitives
# themselves, the bundle build (a command writing data/), Leaflet copied into static/, and a
# lock file opened in append mode (no content).
RAW_WRITERS = {
    "common/files.py": "the grant-checked primitives",
    "common/documents_files.py": "the folder's lock file (opened empty, never written)",
    "common/payloads.py": "tables serialised into memory (BytesIO), never into a file",
    "territories/build.py": "python -m carto.bundle_build writes data/",
    "territories/partitions.py": "the bundle's tables by department, for the builds of data/",
    "indicators/national_output.py": "the national indicators' build writes data/",
    "indicators/national_build.py": "the national indicators' build writes data/",
    "map/assets.py": "Leaflet copied into static/ at start-up",
}
RAW_CALLS = {
    "unlink", "write_text", "write_bytes", "to_parquet", "to_file", "extractall", "rmtree",
    "copyfile", "copytree", "mkstemp", "NamedTemporaryFile", "TemporaryDirectory", "replace",
    "remove", "rename", "write_transaction", "write_table", "to_csv",
}  # fmt: skip
_FILE_OWNERS = ("os", "shutil", "Path", "pathlib")


def _inside_atomic_write(tree: ast.AST) -> set[int]:
    """Ids of the nodes written inside ``atomic_write(…)``'s arguments (its writer, given the
    temporary path, is the one place a library writes a file)."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "atomic_write":
            for arg in node.args[1:]:
                inside |= {id(n) for n in ast.walk(arg)}
    return inside


def _raw_calls(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = _inside_atomic_write(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in allowed:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
        file_owner = owner in _FILE_OWNERS or owner.endswith(("path", "temporary", "target"))
        if name in ("replace", "rename", "remove") and not file_owner:
            continue  # str.replace, DataFrame.rename, list.remove: not files
        if name in RAW_CALLS:
            found.append(f"{path.relative_to(CARTO_DIR)}:{node.lineno} {owner}.{name}")
        if name == "open" and any(
            isinstance(a, ast.Constant) and isinstance(a.value, str) and set(a.value) & set("wax+")
            for a in [*node.args[1:], *(k.value for k in node.keywords if k.arg == "mode")]
        ):
            found.append(f"{path.relative_to(CARTO_DIR)}:{node.lineno} open for writing")
    return found


def test_files_are_written_only_through_the_grant_checked_primitives():
    offenders = []
    for path in sorted(CARTO_DIR.rglob("*.py")):
        relative = str(path.relative_to(CARTO_DIR))
        if relative in RAW_WRITERS:
            continue
        calls = _raw_calls(path)
        if relative == "diagnosis/store.py":  # its transactions open after _check_write
            calls = [c for c in calls if not c.endswith("schema.write_transaction")]
        if relative in ("diagnosis/schema.py", "common/database.py"):  # the migrations
            calls = [c for c in calls if "write_transaction" not in c]
        if relative == "common/documents_sql.py":  # its transaction opens after check_grant
            calls = [c for c in calls if not c.endswith("database.write_transaction")]
        offenders += calls
    assert offenders == []


def test_the_store_checks_the_code_before_opening_a_write_transaction():
    source = inspect.getsource(Store._write)
    assert source.index("_check_write") < source.index("write_transaction")
    for writing in (SqlBackend.writing, FileBackend.writing):
        source = inspect.getsource(writing)
        opens = "write_transaction" if writing is SqlBackend.writing else "open("
        assert source.index("check_grant(grant)") < source.index(opens)


def test_ui_calls_every_write_with_the_session_code():
    """Each call of a write path in carto/ui passes the session's code (``code=`` for the
    stores of files, ``secret=`` for the diagnosis store)."""
    names = {p.rsplit(".", 1)[-1] for p in WRITES if p != "Store.can_write"}
    missing = []
    for path in sorted((CARTO_DIR / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in names and not {"code", "secret"} & {k.arg for k in node.keywords}:
                missing.append(f"{path.relative_to(CARTO_DIR)}:{node.lineno} {name}")
    assert missing == []
