"""The store of user documents behind its interface: revisions bumped with each write, read
once per rerun, seen by another process at its next rerun; the database unreachable; and,
with ``ATLAS_DATABASE_URL`` set, nothing a user creates written to the local disk (issue 15).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import sqlalchemy as sa
from sqlalchemy import event

from carto.common import backends
from carto.common.files import WriteFailed
from carto.compose.keys import districts_token, imports_token, sites_token
from carto.compose.stores import StoreReads
from carto.diagnosis.store import ObservationDraft, Store
from carto.districts.model import DistrictSet
from carto.districts.storage import (
    delete_district_set,
    list_district_sets,
    load_district_set,
    rename_district_set,
    save_district_set,
)
from carto.indicators.catalogue import Kind
from carto.indicators.sources.imports import ColumnMapping, PartnerMapping, import_partner
from carto.indicators.sources.store import (
    delete_dataset,
    list_datasets,
    load_imported_measures,
    save_dataset,
)
from carto.sites.storage import (
    delete_site_list,
    list_site_lists,
    rename_site_list,
    save_site_list,
)
from carto.territories.iris import (
    contour_sets,
    delete_contours,
    load_contours,
    rename_contours,
    save_contours,
)

REPO_DIR = Path(__file__).resolve().parents[1]
SITES = pd.DataFrame({"id": ["a"], "name": ["CCAS"], "category": ["ccas"], "CODGEO": ["54395"]})
COMMUNES = pd.DataFrame({"CODGEO": ["54395", "54099"], "LIBGEO": ["Nancy", "Briey"],
                         "DEP": ["54", "54"]})  # fmt: skip
MAPPING = PartnerMapping("CAF 2024", "CAF", "code", (ColumnMapping("v", "Valeur", Kind.COUNT),))
CONTOURS = gpd.GeoDataFrame(
    {"NOM_IRIS": ["Centre"], "INSEE_COM": ["54395"]},
    geometry=[shapely.box(6.1, 48.6, 6.2, 48.7)],
    index=pd.Index(["543950101"], name="IRIS"),
    crs="EPSG:4326",
)
DRAFT = ObservationDraft("commune", "54395", "54", "CCAS", "Paul", "santé", "Note",
                         date(2025, 1, 2))  # fmt: skip


def _dataset(value: int):
    data = f"code;v\n54395;{value}\n54099;{value + 1}\n".encode()
    return import_partner(data, MAPPING, name="caf.csv", communes=COMMUNES)


@pytest.fixture(autouse=True)
def _no_pinned_revisions() -> Iterator[None]:
    backends.unpin()
    yield
    backends.unpin()


# --- the same data, whatever the backend ------------------------------------------------------


def test_every_kind_round_trips_and_each_write_bumps_its_own_revision(any_backend: str):
    tokens = lambda: (imports_token(), sites_token(), districts_token("54"))  # noqa: E731
    before = tokens()
    stored = save_dataset(_dataset(7))
    after_import = tokens()
    assert after_import[0] != before[0] and after_import[1:] == before[1:]
    values, _, indicators = load_imported_measures(pd.Index(["54395", "54099"]))
    assert values[indicators[0].column].tolist() == [7.0, 8.0]

    save_site_list("Partenaires", SITES)
    after_sites = tokens()
    assert after_sites[1] != after_import[1] and after_sites[0::2] == after_import[0::2]
    assert list_site_lists()[0].sites["name"].tolist() == ["CCAS"]

    ds = save_district_set(DistrictSet("54", "Secteurs", {"54395": "Nord", "54099": "Sud"}))
    after_districts = tokens()
    assert after_districts[2] != after_sites[2] and after_districts[:2] == after_sites[:2]
    assert districts_token("57") == districts_token("57")  # another department: untouched

    save_contours(CONTOURS, "Nancy")
    assert imports_token() != after_districts[0]  # IRIS contours count with the imports
    assert load_contours().geometry.iloc[0].equals(CONTOURS.geometry.iloc[0])

    rename_site_list(list_site_lists()[0].id, "Réseau")
    rename_district_set("54", ds.id, "Territoires")
    rename_contours(contour_sets()[0].id, "Centre-ville")
    assert load_district_set("54", "territoires").mapping == {"54395": "Nord", "54099": "Sud"}
    assert load_contours().index.tolist() == ["543950101"]  # the payload stays with a rename
    renamed = tokens()
    delete_dataset(stored.id)
    delete_site_list(list_site_lists()[0].id)
    delete_district_set("54", ds.id)
    delete_contours(contour_sets()[0].id)
    assert tokens() != renamed
    assert (list_datasets(), list_site_lists(), list_district_sets("54"), contour_sets()) == (
        [],
        [],
        [],
        [],
    )


# --- one read of the revisions per rerun --------------------------------------------------------


@contextlib.contextmanager
def counted(engine: sa.Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement != "BEGIN":  # SQLite's transactions are begun by hand (database.py)
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("any_backend", ["sqlite", "postgresql"], indirect=True)
def test_a_rerun_reads_the_revisions_in_one_query(any_backend: str):
    save_site_list("Partenaires", SITES)
    save_district_set(DistrictSet("54", "Secteurs", {"54395": "Nord"}))
    engine = backends.current().engine  # type: ignore[attr-defined]
    with counted(engine) as statements:
        assert backends.pin_revisions() is None
        tokens = [imports_token(), sites_token(), districts_token("54"), sites_token()]
    assert len(statements) == 1 and "document_revisions" in statements[0]
    assert tokens[1] == tokens[3] != tokens[0]
    save_site_list("Autre liste", SITES)  # a write of this process: its own reruns see it
    with counted(engine) as statements:
        assert sites_token() != tokens[1]
        assert sites_token() == sites_token()
    assert len(statements) == 1  # read again once, then answered from the new snapshot


WRITER = textwrap.dedent(
    """
    import pandas as pd
    from carto.sites.storage import save_site_list
    sites = pd.DataFrame({"id": ["b"], "name": ["Autre"], "category": ["ccas"],
                          "CODGEO": ["54099"]})
    save_site_list("Liste de l'autre serveur", sites)
    """
)


def test_a_write_through_another_process_is_seen_at_the_next_rerun(any_backend: str):
    """Two app servers: what one saves, the other sees once its next rerun starts."""
    save_site_list("Partenaires", SITES)
    backends.pin_revisions()
    seen = sites_token()
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR)}
    subprocess.run([sys.executable, "-c", WRITER], env=env, check=True, timeout=120)
    assert sites_token() == seen  # this rerun keeps its snapshot: one consistent view
    backends.pin_revisions()  # the next rerun
    assert sites_token() != seen
    assert sorted(s.name for s in list_site_lists()) == ["Liste de l'autre serveur", "Partenaires"]


# --- the database unreachable --------------------------------------------------------------------


def _dead_url() -> str:
    from browserkit import free_port

    return f"postgresql+psycopg://atlas@127.0.0.1:{free_port()}/atlas"


def test_an_unreachable_database_gives_french_messages_and_a_view_without_stored_data(
    monkeypatch,
):
    url = _dead_url()
    monkeypatch.setenv("ATLAS_DATABASE_URL", url)
    backends.close_all()
    port = url.rsplit(":", 1)[1].split("/")[0]
    failure = backends.pin_revisions()
    assert failure is not None and "injoignable" in str(failure)
    assert backends.unavailable() and sites_token() != backends.UNAVAILABLE
    reads = StoreReads()
    assert reads.site_lists() == [] and reads.iris_contours() is None
    assert reads.stored_measures(pd.Index(["54395"]), "commune").indicators == ()
    backends.unpin()
    with pytest.raises(WriteFailed) as caught:
        save_site_list("Partenaires", SITES)
    with pytest.raises(ValueError) as read_failure:
        list_site_lists()
    for message in (str(caught.value), str(read_failure.value)):
        assert "injoignable" in message
        assert port not in message and "psycopg" not in message and "127.0.0.1" not in message
    backends.close_all()


# --- with a database, nothing a user creates touches the local disk -------------------------


@contextlib.contextmanager
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A read-only tmpfs when the test may mount one (root), else an empty folder."""
    folder = tmp_path / "lecture_seule"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    try:
        yield folder
    finally:
        if mounted.returncode == 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def _every_write() -> None:
    stored = save_dataset(_dataset(3))
    save_dataset(_dataset(4), replace=True)
    sites = save_site_list("Partenaires", SITES)
    rename_site_list(sites.id, "Réseau")
    ds = save_district_set(DistrictSet("54", "Secteurs", {"54395": "Nord"}))
    rename_district_set("54", ds.id, "Territoires")
    save_contours(CONTOURS, "Nancy")
    rename_contours(contour_sets()[0].id, "Centre")
    store = Store()
    obs = store.add_observation(DRAFT)
    store.update_observation(obs.id, DRAFT)
    view = store.save_view("Vue", "dep=54")
    store.rename_view(view.id, "Vue de Nancy")
    store.close()
    assert load_imported_measures(pd.Index(["54395"]))[0].iloc[0, 0] == 4
    assert [s.name for s in list_site_lists()] == ["Réseau"]
    delete_dataset(stored.id)
    delete_district_set("54", ds.id)


@pytest.mark.parametrize("any_backend", ["sqlite", "postgresql"], indirect=True)
def test_with_a_database_nothing_is_written_to_the_data_folder(
    any_backend: str, tmp_path: Path, monkeypatch
):
    with read_only_folder(tmp_path) as folder:
        monkeypatch.setenv("ATLAS_DATA_DIR", str(folder))
        _every_write()
        backends.pin_revisions()
        StoreReads().site_lists()
        assert sorted(folder.rglob("*")) == []
        url = os.environ.pop("ATLAS_DATABASE_URL")
        try:  # the same folder refuses the files' backend: the proof above is not vacuous
            if subprocess.run(["findmnt", str(folder)], capture_output=True).returncode == 0:
                with pytest.raises(WriteFailed, match="lecture seule"):
                    save_site_list("Partenaires", SITES)
        finally:
            os.environ["ATLAS_DATABASE_URL"] = url
