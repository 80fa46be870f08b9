"""Faults: a full disk during each kind of write, and kill -9 during an import and a write
(issue 16). Each leaves what was stored readable and says what happened in French."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from mdtext import shown
from streamlit.testing.v1 import AppTest

from carto.common.files import WriteFailed
from carto.diagnosis.store import ObservationDraft, Store, StoreUnavailable
from carto.districts.model import DistrictSet
from carto.districts.storage import list_district_sets, save_district_set
from carto.indicators.catalogue import Kind
from carto.indicators.sources.imports import ColumnMapping, PartnerMapping, import_partner
from carto.indicators.sources.store import StoreError, list_datasets, load_imported_measures
from carto.indicators.sources.store import save_dataset as save_dataset_
from carto.sites.storage import list_site_lists, save_site_list
from carto.territories.iris import contour_sets, save_contours

REPO_DIR = Path(__file__).resolve().parents[1]
SITES = pd.DataFrame({"id": ["a"], "name": ["CCAS"], "category": ["ccas"], "CODGEO": ["54395"]})
COMMUNES = pd.DataFrame({"CODGEO": ["54395"], "LIBGEO": ["Nancy"], "DEP": ["54"]})
MAPPING = PartnerMapping("CAF", "CAF", "code", (ColumnMapping("v", "Valeur", Kind.COUNT),))
DRAFT = ObservationDraft("commune", "54395", "54", "CCAS", "Paul", "santé", "x" * 4000,
                         date(2025, 1, 2))  # fmt: skip


def _dataset(value: int, rows: int = 1):
    codes = "\n".join(f"{54000 + i:05d};{value}" for i in range(rows))
    return import_partner(f"code;v\n{codes}\n".encode(), MAPPING, name="caf.csv")


def _contours() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"NOM_IRIS": ["Centre"], "INSEE_COM": ["54395"]},
        geometry=[shapely.box(6.1, 48.6, 6.2, 48.7)],
        index=pd.Index(["543950101"], name="IRIS"),
        crs="EPSG:4326",
    )


# --- a full disk ----------------------------------------------------------------------------


@contextlib.contextmanager
def small_tmpfs(tmp_path: Path, size_kb: int = 2048) -> Iterator[Path]:
    """A tmpfs of ``size_kb`` mounted for the test (root only), unmounted afterwards."""
    folder = tmp_path / "petit_disque"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("tmpfs impossible à monter ici (il faut être root) : voir le test simulé")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> None:
    """Fill the disk to its last bytes."""
    fd = os.open(folder / "remplissage", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in ("remplissage", ".lock") and "sqlite" not in p.name
    }


WRITES: dict[str, Callable[[], object]] = {
    "import": lambda: save_dataset_(_dataset(2, rows=3000), replace=True),
    "site list": lambda: save_site_list("Liste", SITES.assign(name="x" * 3000), replace=True),
    "district set": lambda: save_district_set(
        DistrictSet("54", "Jeu", {f"{54000 + i}": "x" * 50 for i in range(500)}), replace=True
    ),
    "IRIS contours": lambda: save_contours(_contours(), "Iris", replace=True),
}


def test_a_full_disk_refuses_each_write_in_french_and_keeps_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    with small_tmpfs(tmp_path) as disk:
        monkeypatch.setenv("ATLAS_DATA_DIR", str(disk))
        save_dataset_(_dataset(1))
        save_site_list("Liste", SITES)
        save_district_set(DistrictSet("54", "Jeu", {"54395": "Nancy"}))
        save_contours(_contours(), "Iris")
        store = Store(f"sqlite:///{disk / 'atlas.sqlite'}")
        store.add_observation(DRAFT)
        before = _snapshot(disk)
        _fill(disk)
        for what, write in WRITES.items():
            with pytest.raises((WriteFailed, StoreError)) as caught:
                write()
            assert "disque est plein" in str(caught.value), what
        for write in (lambda: store.add_observation(DRAFT), lambda: store.save_view("V", "x")):
            with pytest.raises(StoreUnavailable, match="disque"):
                for _ in range(200):  # SQLite may fit a few rows in pages it already holds
                    write()
        assert _snapshot(disk) == before  # nothing half written, no temporary file left
        assert [d.title for d in list_datasets()] == ["CAF"]
        assert [s.name for s in list_site_lists()] == ["Liste"]
        assert list_district_sets("54") == ["Jeu"]
        assert [c.name for c in contour_sets()] == ["Iris"]
        (disk / "remplissage").unlink()
        store.add_observation(DRAFT)  # space again: writing works at once
        store.close()


def _enospc(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_simulated_full_disk_is_a_french_message_in_the_panel(monkeypatch):
    """Without root: the write itself fails with ENOSPC; the panel says so in French."""

    def app() -> None:
        from sites_fixtures import tiny_communes

        from carto.ui.panels.sites import site_import_panel

        site_import_panel(tiny_communes())

    at = AppTest.from_function(app, default_timeout=30).run()
    at.file_uploader(key="site_import_file").set_value(
        ("ccas.csv", b"nom;categorie;code commune\nCCAS;CCAS;54001\n", "text/csv")
    )
    at.run()
    monkeypatch.setattr("carto.common.files.os.replace", _enospc)
    at.button(key="site_import_save").click().run()
    assert not at.exception
    assert any("le disque est plein" in e for e in shown(at.error))
    assert list_site_lists() == []


# --- kill -9 ----------------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, pandas as pd
    from carto.indicators.catalogue import Kind
    from carto.indicators.sources.imports import ColumnMapping, PartnerMapping, import_partner
    from carto.indicators.sources.store import save_dataset
    from carto.sites.storage import save_site_list

    mapping = PartnerMapping("CAF", "CAF", "code", (ColumnMapping("v", "Valeur", Kind.COUNT),))
    sites = pd.DataFrame({"name": ["CCAS"], "category": ["ccas"], "CODGEO": ["54395"]})
    for version in range(1, 10**6):
        rows = "\\n".join(f"{54000 + i:05d};{version}" for i in range(20000))
        dataset = import_partner(f"code;v\\n{rows}\\n".encode(), mapping, name="caf.csv")
        save_dataset(dataset, replace=True)
        save_site_list("Liste", sites.assign(name=f"v{version}" * 2000), replace=True)
        print(version, flush=True)
    """
)


def test_kill_9_during_imports_and_saves_leaves_readable_consistent_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "data"))
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR)}
    for kill in range(6):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER], env=env, stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        if kill == 0:
            child.stdout.readline()  # at least one complete version before the first kill
        time.sleep(0.05 + 0.17 * kill)  # somewhere inside an import, a parquet or a JSON write
        child.send_signal(signal.SIGKILL)
        child.wait()
        [dataset] = list_datasets()  # the old version or the new one, never half of one
        values, _, _ = load_imported_measures(pd.Index(["54000", "73999"]))
        column = dataset.indicators[0].column
        assert values[column].nunique() == 1 and values[column].notna().all()
        [sites] = list_site_lists()
        assert sites.sites["name"].str.startswith("v").all()
    folder = tmp_path / "data" / "imports"
    leftovers = [*folder.glob(".*.tmp"), *(tmp_path / "data" / "sites").glob(".*.tmp")]
    manifests = {d.data_file for d in list_datasets()}
    orphans = [p for p in folder.glob("*.parquet") if p.name not in manifests]
    old = time.time() - 7200
    for path in (*leftovers, *orphans):
        os.utime(path, (old, old))  # as if the kill had happened long ago
    save_dataset_(_dataset(9), replace=True)
    save_site_list("Liste", SITES, replace=True)
    assert not [*folder.glob(".*.tmp"), *(tmp_path / "data" / "sites").glob(".*.tmp")]
    assert len(list(folder.glob("*.parquet"))) == 1  # the killed imports' data is gone
