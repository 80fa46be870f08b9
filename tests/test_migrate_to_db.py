"""``python -m carto.migrate_to_db``: a single-machine atlas (var/ and its SQLite file) moved
into the shared database, reported in French; a second run changes nothing (issue 15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import sqlalchemy as sa

from carto import migrate_to_db
from carto.common import backends
from carto.diagnosis.store import ObservationDraft, Store
from carto.districts.model import DistrictSet
from carto.districts.storage import list_district_sets, load_district_set, save_district_set
from carto.indicators.catalogue import Kind
from carto.indicators.sources.imports import ColumnMapping, PartnerMapping, import_partner
from carto.indicators.sources.store import list_datasets, load_imported_measures, save_dataset
from carto.sites.storage import list_site_lists, save_site_list
from carto.territories.iris import contour_sets, load_contours, save_contours

REPO_DIR = Path(__file__).resolve().parents[1]
SITES = pd.DataFrame({"id": ["a"], "name": ["CCAS"], "category": ["ccas"], "CODGEO": ["54395"]})
MAPPING = PartnerMapping("CAF 2024", "CAF", "code", (ColumnMapping("v", "Valeur", Kind.COUNT),))


def _contours(code: str, x: float) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"NOM_IRIS": ["Centre"], "INSEE_COM": [code[:5]]},
        geometry=[shapely.box(x, 48.6, x + 0.1, 48.7)],
        index=pd.Index([code], name="IRIS"),
        crs="EPSG:4326",
    )


def _single_machine_atlas(folder: Path, monkeypatch) -> dict:
    """Everything a user creates, stored the single-machine way in ``folder``."""
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(folder))
    backends.close_all()
    data = b"code;v\n54395;12\n2A004;5\n"
    stored = save_dataset(import_partner(data, MAPPING, name="caf.csv"))
    save_site_list("CCAS du Grand Nancy", SITES)
    save_district_set(DistrictSet("54", "Secteurs", {"54395": "Nord"}))
    save_district_set(DistrictSet("2A", "Pôles", {"2A004": "Ajaccio"}))
    save_contours(_contours("575630101", 6.2), "Metz")
    _contours("543950101", 6.1).to_parquet(folder / "iris" / "contours.parquet")  # v1 layout
    legacy = {"name": "Liste d'avant", "sites": SITES.to_dict("records")}  # no id: v1 layout
    (folder / "sites" / "liste-d-avant.json").write_text(json.dumps(legacy), encoding="utf-8")
    store = Store(f"sqlite:///{folder / 'atlas.sqlite'}")
    note = ObservationDraft("commune", "54395", "54", "CCAS", "", "santé", "Note", date(2025, 1, 2))
    for author in ("Paul", "Jeanne", "Paul"):  # two identical notes are two notes
        store.add_observation(replace(note, author=author))
    store.save_view("Nancy", "dep=54&sel=54395")
    store.close()
    return {"dataset": stored}


def _target(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'partagee.sqlite'}"
    url = os.environ.get("ATLAS_TEST_PG_URL")
    if not url:
        pytest.skip("ATLAS_TEST_PG_URL absent : source .ci/postgres.sh pour PostgreSQL")
    from conftest import drop_document_tables

    drop_document_tables(url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def target(request, tmp_path: Path) -> str:
    return _target(request, tmp_path)


def _rows(url: str) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = [
            conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
            for table in ("documents", "document_revisions", "observations", "saved_views")
        ]
    engine.dispose()
    return found


def test_a_single_machine_atlas_moves_into_the_database_once(
    tmp_path: Path, monkeypatch, target: str, capsys
):
    source = tmp_path / "var"
    seeded = _single_machine_atlas(source, monkeypatch)
    before = {p: p.read_bytes() for p in source.rglob("*") if p.is_file() and p.suffix != ".lock"}
    assert migrate_to_db.main(["--source", str(source), "--database", target]) == 0
    report = capsys.readouterr().out
    for line in (
        "Jeux de données importés — copiés : 1 ; déjà dans la base : 0",
        "Listes de sites — copiées : 2 ; déjà dans la base : 0",
        "Jeux de districts du département 54 — copiés : 1",
        "Jeux de districts du département 2A — copiés : 1",
        "Jeux de contours IRIS — copiés : 2",
        "Observations — copiées : 3",
        "Vues enregistrées — copiées : 1",
        "Rien n'a été supprimé de",
    ):
        assert line in report, line
    assert "atlas:atlas@" not in report  # the password is never printed
    first = _rows(target)

    # The app, pointed at the database with an empty data folder, sees the same atlas.
    monkeypatch.setenv("ATLAS_DATABASE_URL", target)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "vide"))
    backends.close_all()
    [dataset] = list_datasets()
    assert dataset.id == seeded["dataset"].id and dataset.data_file == ""
    values, _, _ = load_imported_measures(pd.Index(["54395", "2A004"]))
    assert values.iloc[:, 0].tolist() == [12.0, 5.0]
    assert sorted(s.name for s in list_site_lists()) == ["CCAS du Grand Nancy", "Liste d'avant"]
    assert load_district_set("2A", "Pôles").mapping == {"2A004": "Ajaccio"}
    assert list_district_sets("54") == ["Secteurs"]
    assert sorted(c.name for c in contour_sets()) == ["Contours IRIS", "Metz"]
    assert sorted(load_contours().index) == ["543950101", "575630101"]
    store = Store(target)
    assert sorted(o.author for o in store.list_observations()) == ["Jeanne", "Paul", "Paul"]
    assert [v.query_string for v in store.list_views()] == ["dep=54&sel=54395"]
    store.close()
    assert not any((tmp_path / "vide").rglob("*"))
    backends.close_all()

    # A second run, as a command: nothing changes, and the report says so.
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR)}
    env.pop("ATLAS_DATABASE_URL")
    again = subprocess.run(
        [sys.executable, "-m", "carto.migrate_to_db", "--source", str(source)],
        env={**env, "ATLAS_DATABASE_URL": target},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "Listes de sites — copiées : 0 ; déjà dans la base : 2" in again
    assert "Observations — copiées : 0" in again and "déjà dans la base : 4" in again
    assert _rows(target) == first  # revisions included: no server rebuilds anything
    after = {p: p.read_bytes() for p in source.rglob("*") if p.is_file() and p.suffix != ".lock"}
    assert after == before  # the source folder is left as it was


def test_an_item_whose_name_is_taken_in_the_database_is_reported_not_copied(
    tmp_path: Path, monkeypatch, capsys
):
    source = tmp_path / "var"
    _single_machine_atlas(source, monkeypatch)
    target = f"sqlite:///{tmp_path / 'partagee.sqlite'}"
    monkeypatch.setenv("ATLAS_DATABASE_URL", target)
    backends.close_all()
    save_site_list("ccas du grand-nancy", SITES.assign(name="Déjà là"))  # typed in the app
    Store(target).save_view("NANCY", "dep=54")
    assert migrate_to_db.main(["--source", str(source)]) == 0
    report = capsys.readouterr().out
    assert "« CCAS du Grand Nancy » non copié : la base a déjà « ccas du grand-nancy »" in report
    assert "vue « Nancy » non copiée : la base a déjà « NANCY »" in report
    assert [s.sites["name"].tolist() for s in list_site_lists() if s.name.startswith("ccas")] == [
        ["Déjà là"]
    ]


def test_french_refusals(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    assert migrate_to_db.main(["--source", str(tmp_path)]) == 2
    assert "Indiquez la base de destination" in capsys.readouterr().err
    same = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    assert migrate_to_db.main(["--source", str(tmp_path), "--database", same]) == 2
    assert "base SQLite d'origine" in capsys.readouterr().err
    monkeypatch.setenv("ATLAS_EDIT_SECRET", "code-54")
    monkeypatch.delenv("ATLAS_EDIT_CODE", raising=False)
    other = f"sqlite:///{tmp_path / 'autre.sqlite'}"
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "l.json").write_text('{"name": "L", "sites": []}', encoding="utf-8")
    assert migrate_to_db.main(["--source", str(tmp_path), "--database", other]) == 1
    assert "Migration interrompue : Modification refusée" in capsys.readouterr().err
