"""Backups as the README tells operators to make them (``deploy/atlas-backup.sh``): a dump of
the shared database, restored into a new database, gives back the same atlas (issue 15).
The server is a throwaway cluster of the test's own (tests/pgcluster.py)."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import sqlalchemy as sa
from pgcluster import BIN_DIRS, private_cluster

from carto.common import backends
from carto.diagnosis.store import ObservationDraft, Store
from carto.districts.model import DistrictSet
from carto.districts.storage import load_district_set, save_district_set
from carto.indicators.catalogue import Kind
from carto.indicators.sources.imports import ColumnMapping, PartnerMapping, import_partner
from carto.indicators.sources.store import load_imported_measures, save_dataset
from carto.sites.storage import list_site_lists, save_site_list
from carto.territories.iris import load_contours, save_contours

pytestmark = [pytest.mark.postgres, pytest.mark.deploy]

SCRIPT = Path(__file__).resolve().parents[1] / "deploy" / "atlas-backup.sh"
SITES = pd.DataFrame({"id": ["a"], "name": ["CCAS"], "category": ["ccas"], "CODGEO": ["54395"]})
MAPPING = PartnerMapping("CAF 2024", "CAF", "code", (ColumnMapping("v", "Valeur", Kind.COUNT),))


def _atlas(url: str) -> dict:
    """What the app reads from the database at ``url``."""
    os.environ["ATLAS_DATABASE_URL"] = url
    backends.close_all()
    try:
        store = Store(url)
        found = {
            "measures": load_imported_measures(pd.Index(["54395"]))[0].to_dict(),
            "sites": [(s.id, s.name, s.sites.to_json()) for s in list_site_lists()],
            "districts": load_district_set("54", "Secteurs").mapping,
            "contours": load_contours().to_wkt().to_dict(),
            "observations": store.list_observations(),
            "views": store.list_views(),
        }
        store.close()
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            found["revisions"] = conn.execute(sa.text("SELECT * FROM document_revisions")).all()
        engine.dispose()
        return found
    finally:
        backends.close_all()


def _run(*args: str, env: dict) -> subprocess.CompletedProcess:
    path = os.pathsep.join([*(str(d) for d in BIN_DIRS), env.get("PATH", "")])
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        env={**env, "PATH": path},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_a_dump_restored_into_a_new_database_is_the_same_atlas(tmp_path: Path, monkeypatch):
    with private_cluster() as cluster:
        monkeypatch.setenv("ATLAS_DATABASE_URL", cluster.url)
        backends.close_all()
        data = b"code;v\n54395;12\n"
        save_dataset(import_partner(data, MAPPING, name="caf.csv"))
        save_site_list("Partenaires", SITES)
        save_district_set(DistrictSet("54", "Secteurs", {"54395": "Nord"}))
        contours = gpd.GeoDataFrame(
            {"NOM_IRIS": ["Centre"], "INSEE_COM": ["54395"]},
            geometry=[shapely.box(6.1, 48.6, 6.2, 48.7)],
            index=pd.Index(["543950101"], name="IRIS"),
            crs="EPSG:4326",
        )
        save_contours(contours, "Nancy")
        store = Store(cluster.url)
        note = "Note"
        store.add_observation(
            ObservationDraft(
                "commune", "54395", "54", "CCAS", "Paul", "santé", note, date(2025, 1, 2)
            )
        )
        store.save_view("Nancy", "dep=54&sel=54395")
        store.close()
        before = _atlas(cluster.url)

        env = {**os.environ, "ATLAS_DATABASE_URL": cluster.url, "ATLAS_BACKUPS_KEPT": "1"}
        folder = tmp_path / "sauvegardes"
        _run("dump", str(folder), env=env)
        [dump] = folder.glob("atlas-*.dump")
        restored = _run("restore", str(dump), "atlas_restauree", env=env)
        assert "restaurée" in restored.stderr
        copy_url = cluster.url.rsplit("/", 1)[0] + "/atlas_restauree"
        assert _atlas(copy_url) == before
        _run("dump", str(folder), env=env)  # only the newest is kept (ATLAS_BACKUPS_KEPT)
        assert len(list(folder.glob("atlas-*.dump"))) == 1
