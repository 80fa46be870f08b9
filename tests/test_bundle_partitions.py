"""The bundle by department: one department read alone equals the same rows of all of France,
and the first view of a department reads nothing national (``carto.territories.partitions``)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from plain_sources import PlainSources

from carto.compose import layers, maps, territory
from carto.compose.keys import CommuneKey, TerritoryKey, Token
from carto.indicators.national import NATIONAL_FILE, read_national
from carto.territories.bundle import BUNDLE_FILES, DEFAULT_DATA_DIR, read_bundle
from carto.territories.partitions import (
    code_range,
    department_runs,
    read_department,
    row_groups,
    write_geo_by_department,
)

NO_DATA = Token()
DEPARTMENTS = ("54", "2A", "75", "971", "01", "976")


@pytest.fixture(scope="module")
def france() -> gpd.GeoDataFrame:
    return gpd.read_parquet(DEFAULT_DATA_DIR / BUNDLE_FILES["communes"])


@pytest.mark.parametrize("dep", DEPARTMENTS)
def test_a_department_read_alone_is_its_rows_of_france(france, dep) -> None:
    alone = read_department(DEFAULT_DATA_DIR / BUNDLE_FILES["communes"], dep)
    expected = france[france["DEP"] == dep].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, expected)
    assert len(alone) > 0 and alone.crs == france.crs


@pytest.mark.parametrize("dep", DEPARTMENTS)
def test_the_bundles_department_is_the_same_before_and_after_warming(dep) -> None:
    cold = read_bundle()
    part = cold.department(dep)
    assert cold.national.loaded() == frozenset()
    cold.warm()
    warm = cold.department(dep)
    pd.testing.assert_frame_equal(part.communes, warm.communes)
    pd.testing.assert_frame_equal(part.epci_dep, warm.epci_dep)


def test_warming_gives_the_plain_full_read() -> None:
    bundle = read_bundle()
    bundle.department("54")
    bundle.warm()
    for name in ("communes", "departements", "epci_dep"):
        plain = gpd.read_parquet(DEFAULT_DATA_DIR / BUNDLE_FILES[name])
        pd.testing.assert_frame_equal(getattr(bundle, name), plain)


@pytest.mark.parametrize("dep", DEPARTMENTS)
def test_national_indicators_of_a_department_equal_those_of_france(dep) -> None:
    cold = read_national()
    part = cold.department(dep)
    assert not cold.file.loaded
    whole = pd.read_parquet(DEFAULT_DATA_DIR / NATIONAL_FILE).index.astype("str")
    low, high = code_range(dep)
    assert list(part.values.index) == [c for c in whole if low <= c < high]
    cold.warm()
    again = cold.department(dep)
    pd.testing.assert_frame_equal(part.values, again.values)
    pd.testing.assert_frame_equal(part.markers, again.markers)
    pd.testing.assert_frame_equal(part.values, cold.values.loc[part.values.index])


def test_every_commune_code_starts_with_its_department(france) -> None:
    """What the code range of a department (the national indicators' partitions) relies on."""
    assert all(
        code.startswith(dep) for code, dep in zip(france["CODGEO"], france["DEP"], strict=True)
    )


def test_row_groups_are_whole_departments() -> None:
    deps = pd.Index(["01"] * 3 + ["02"] * 2 + ["2A"] * 5 + ["971"])
    assert list(department_runs(deps)) == [(0, 3), (3, 5), (5, 10), (10, 11)]
    assert row_groups(deps, 4) == [(0, 5), (5, 10), (10, 11)]
    with pytest.raises(ValueError, match="plusieurs morceaux"):
        list(department_runs(pd.Index(["01", "02", "01"])))


def test_writing_groups_departments_and_keeps_their_order(tmp_path) -> None:
    frame = gpd.GeoDataFrame(
        {"DEP": ["02", "01", "02", "01"], "CODGEO": ["02001", "01009", "02000", "01001"]},
        geometry=gpd.points_from_xy([0, 1, 2, 3], [0, 1, 2, 3]),
        crs="EPSG:4326",
    )
    path = tmp_path / "t.parquet"
    write_geo_by_department(frame, path)
    assert gpd.read_parquet(path)["CODGEO"].tolist() == ["02001", "02000", "01009", "01001"]
    assert read_department(path, "01")["CODGEO"].tolist() == ["01009", "01001"]


class _ColdSources(PlainSources):
    """Plain sources on a bundle and national data read now, never warmed."""

    def __init__(self) -> None:
        super().__init__(read_bundle())
        self._national = read_national()

    def national(self):
        return self._national


def test_the_first_view_of_a_department_reads_nothing_national() -> None:
    src = _ColdSources()
    key = TerritoryKey("54", False, "commune", None, NO_DATA, NO_DATA, None)
    src.catalogue(NO_DATA)
    terr = src.territory(key)
    src.shapes(key)
    maps.build_map(key, maps.PlainMap("densite", "quantiles", 5, "Blues"), src)
    territory.view_reference("54", NO_DATA, src)
    layers.epci_collection("54", src)
    layers.mairies("54", False, src)
    epci = src.territory(TerritoryKey("54", False, "epci", None, NO_DATA, NO_DATA, None))
    assert len(terr.zones) == 591 and "MED21" in terr.measures and len(epci.zones) > 10
    assert src.bundle().national.loaded() == frozenset()
    assert not src.national().file.loaded
    france = src.commune_territory(CommuneKey("FR", False, NO_DATA))  # France waits for it all
    assert len(france.zones) == 101 and src.national().file.loaded


def test_the_warm_up_reads_france_once_equal_to_a_plain_read() -> None:
    import gc

    from carto.ui import warmup

    bundle, national = read_bundle(), read_national()
    bundle.department("54")
    try:
        warmup._warm(bundle, national)
    finally:
        gc.unfreeze()  # the warm-up freezes what lives: not the test process's business
    assert bundle.national.loaded() == frozenset({"communes", "departements", "epci_dep"})
    assert national.file.loaded
    plain = pd.read_parquet(DEFAULT_DATA_DIR / NATIONAL_FILE)
    assert national.values.shape[0] == len(plain) and list(national.values.index) == list(
        plain.index.astype("str")
    )
    pd.testing.assert_frame_equal(
        bundle.communes, gpd.read_parquet(DEFAULT_DATA_DIR / BUNDLE_FILES["communes"])
    )


def test_departments_with_iris_contours_are_found_without_reading_france() -> None:
    import shapely

    from carto.territories.iris import departments_with_iris, iris_territory

    contours = gpd.GeoDataFrame(
        {"NOM_IRIS": ["Centre", "Port", "Inconnu"], "INSEE_COM": ["54395", "2A004", "99999"]},
        geometry=[shapely.box(6.1, 48.6, 6.2, 48.7)] * 3,
        index=pd.Index(["543950101", "2A0040101", "999990101"], name="IRIS"),
        crs="EPSG:4326",
    )
    bundle = read_bundle()
    assert departments_with_iris(contours, bundle) == {"54", "2A"}
    values = pd.DataFrame({"X": [1.0, 2.0, 3.0]}, index=contours.index)
    nancy = iris_territory(bundle, "54", contours, values, None)
    assert list(nancy.zones.index) == ["543950101"] and nancy.zones["LIBGEO"].iat[0] == (
        "Centre (Nancy)"
    )
    assert bundle.national.loaded() == frozenset()
