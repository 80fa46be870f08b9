import json
import shutil

import numpy as np
import pytest
import shapely

from carto.territories.bundle import BUILD_COMMAND, BUNDLE_FILES, BundleError, read_bundle
from carto.territories.zones import (
    DEFAULT_DEPARTMENT,
    FRANCE,
    department_territory,
    france_territory,
    normalize_department,
)


def test_every_department_including_corsica_and_overseas(bundle):
    codes = bundle.department_codes
    assert len(codes) == 101
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(codes)
    assert codes[:2] == ["01", "02"] and codes[-1] == "976"
    assert codes.index("2A") == codes.index("19") + 1


def test_codes_are_strings_with_leading_zeros(bundle):
    com = bundle.communes
    assert com["CODGEO"].map(type).eq(str).all()
    assert "01001" in set(com["CODGEO"]) and "2A004" in set(com["CODGEO"])
    assert com["CODGEO"].str.len().eq(5).all()


def test_meurthe_et_moselle_has_its_591_communes(bundle):
    terr = department_territory(bundle, "54")
    assert len(terr.zones) == 591
    assert terr.zones.loc["54395", "LIBGEO"] == "Nancy"
    assert terr.measures.loc["54395", "P_POP"] == 104286  # population municipale 2017
    assert terr.measures.loc["54395", "AREA_KM2"] == pytest.approx(15.01, abs=0.3)


def test_paris_by_arrondissement(bundle):
    city = department_territory(bundle, "75")
    arr = department_territory(bundle, "75", by_arrondissement=True)
    assert list(city.zones.index) == ["75056"]
    assert len(arr.zones) == 20 and arr.zones.index[0] == "75101"
    assert arr.measures["P_POP"].sum() == city.measures["P_POP"].sum()
    # The city outline is the union of its (simplified) arrondissements: same area.
    union = shapely.union_all(arr.zones.geometry.to_numpy())
    assert union.area == pytest.approx(city.zones.geometry.iloc[0].area, rel=1e-6)


@pytest.mark.parametrize(("dep", "n"), [("69", 9), ("13", 16)])
def test_lyon_marseille_arrondissements(bundle, dep, n):
    terr = department_territory(bundle, dep, by_arrondissement=True)
    assert terr.zones["TYPE"].eq("ARM").sum() == n


def test_france_view_sums_communes(bundle):
    terr = france_territory(bundle)
    assert len(terr.zones) == 101
    com = bundle.communes[bundle.communes["TYPE"] == "COM"]
    assert terr.measures["P_POP"].sum() == com["P_POP"].sum()
    assert terr.measures.loc["54", "P_POP"] == com.loc[com["DEP"] == "54", "P_POP"].sum()


@pytest.mark.parametrize("dep", ["54", "62", "2A", "971", "974"])
def test_simplified_communes_tile_the_department(bundle, dep):
    """No gaps, no overlaps: the union's area equals the sum of the communes' areas."""
    geoms = department_territory(bundle, dep).zones.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    total = shapely.area(geoms).sum()
    union = shapely.union_all(geoms)
    assert union.area == pytest.approx(total, rel=1e-7)
    # and no holes opened between neighbours (interior rings of the union are real enclaves)
    assert shapely.coverage_is_valid(geoms)


def test_simplification_keeps_area_and_shrinks_vertices(bundle):
    terr = department_territory(bundle, "54")
    area = terr.zones.to_crs("EPSG:2154").area.sum() / 1e6
    assert area == pytest.approx(terr.measures["AREA_KM2"].sum(), rel=0.005)
    assert shapely.get_num_coordinates(terr.zones.geometry.to_numpy()).sum() < 30 * len(terr.zones)


def test_build_report_lists_what_could_not_be_used(bundle):
    report = bundle.meta["report"]
    assert "15031" in report["sans_geometrie"]
    assert "97601" in report["sans_population"]
    assert bundle.meta["source"]["population_vintage"] == "2017"
    assert bundle.meta["simulated"] is False


@pytest.mark.parametrize(
    ("raw", "expected", "warned"),
    [
        ("54", "54", False),
        ("2a", "2A", False),
        (" 971 ", "971", False),
        ("5", "05", False),
        ("FR", FRANCE, False),
        ("99", DEFAULT_DEPARTMENT, True),
        ("<script>", DEFAULT_DEPARTMENT, True),
        ("", DEFAULT_DEPARTMENT, True),
        (None, DEFAULT_DEPARTMENT, True),
    ],
)
def test_normalize_department(bundle, raw, expected, warned):
    code, notice = normalize_department(raw, bundle)
    assert code == expected
    assert (notice is not None) == warned
    if warned:
        assert "inconnu" in notice


def test_missing_bundle_names_the_build_command(tmp_path):
    with pytest.raises(BundleError, match="Construisez-les") as err:
        read_bundle(tmp_path)
    assert BUILD_COMMAND in str(err.value)


def test_stale_bundle_names_the_build_command(tmp_path, bundle):
    from carto.territories.bundle import DEFAULT_DATA_DIR

    for name in BUNDLE_FILES.values():
        shutil.copy(DEFAULT_DATA_DIR / name, tmp_path / name)
    meta = json.loads((tmp_path / "bundle.json").read_text())
    meta["schema_version"] = 0
    (tmp_path / "bundle.json").write_text(json.dumps(meta))
    with pytest.raises(BundleError, match="périmées") as err:
        read_bundle(tmp_path)
    assert BUILD_COMMAND in str(err.value)


def test_corrupt_bundle(tmp_path):
    from carto.territories.bundle import DEFAULT_DATA_DIR

    for name in BUNDLE_FILES.values():
        shutil.copy(DEFAULT_DATA_DIR / name, tmp_path / name)
    (tmp_path / BUNDLE_FILES["communes"]).write_bytes(b"not parquet")
    with pytest.raises(BundleError, match="illisibles"):
        read_bundle(tmp_path)


def test_mairies_have_real_addresses(bundle):
    com = bundle.communes
    nancy = com[com["CODGEO"] == "54395"].iloc[0]
    assert "54" in nancy["MAIRIE_ADRESSE"]
    assert 6.1 < nancy["MAIRIE_LON"] < 6.3 and 48.6 < nancy["MAIRIE_LAT"] < 48.8
    share = np.mean(com["MAIRIE_LON"].notna())
    assert share > 0.99
