"""IRIS contours in every format, joined to Filosofi IRIS, with both-way reporting."""

from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from carto.common.tabular import ImportFailure
from carto.indicators.sources.insee import read_insee
from carto.territories.iris_contours import join_iris, read_contours

FOLDER = "insee_iris"
ODS = "contours-iris_Bordeaux_33063_opendatasoft.json"
GEOJSON = "contours_iris_bordeaux_33063.geojson"
DISP = "BASE_TD_FILO_IRIS_2021_DISP_dep33-54-73-93-95.csv"


@pytest.fixture(scope="module")
def disp(reference_dir):
    return read_insee(reference_dir / FOLDER / DISP)


@pytest.mark.reference
def test_ods_records_and_geojson_agree(reference_dir):
    ods = read_contours(reference_dir / FOLDER / ODS)
    geo = read_contours(reference_dir / FOLDER / GEOJSON)
    assert len(ods) == len(geo) == 88
    assert sorted(ods.index) == sorted(geo.index)
    assert ods.index.dtype == "str" and all(len(c) == 9 for c in ods.index)
    assert ods.crs.to_epsg() == 4326
    assert ods.loc["330630101", "NOM_IRIS"] == "Le Lac 1"
    assert set(ods["INSEE_COM"]) == {"33063"}
    area = ods.to_crs("EPSG:2154").union_all().area / 1e6
    assert 49 < area < 50.5  # SOURCES.md: 49.7 km², Bordeaux SUPERF 49.36 km²


@pytest.mark.reference
def test_join_bordeaux_one_to_one(reference_dir, disp):
    contours = read_contours(reference_dir / FOLDER / ODS)
    joined, report = join_iris(contours, disp.values, disp.secret)
    assert report.with_data == 88 and not report.without_data and not report.without_contour
    assert report.other_communes == len(disp.values) - 88
    raw = {
        line.split(";")[0]: line.split(";")
        for line in (reference_dir / FOLDER / DISP).read_text("ascii").splitlines()
    }
    header = raw.pop("IRIS")
    col = header.index("DISP_TP6021")
    for code in list(contours.index)[::10]:
        cell = raw[code][col]
        if cell == "s":
            assert joined.loc[code, "secret_DISP_TP6021"]
        else:
            assert joined.loc[code, "DISP_TP6021"] == float(cell.replace(",", "."))


@pytest.mark.reference
def test_reports_both_directions(reference_dir, disp):
    contours = read_contours(reference_dir / FOLDER / GEOJSON)
    dropped = contours.index[0]
    fake = contours.iloc[:3].copy()
    fake.index = ["330639998", "330639999", contours.index[1]]
    partial = gpd.GeoDataFrame(
        pd.concat([contours.drop(index=[dropped, contours.index[1]]), fake.iloc[:2]]),
        crs=contours.crs,
    )
    _, report = join_iris(partial, disp.values)
    assert report.without_data == ["330639998", "330639999"]
    assert report.without_contour == sorted([dropped, contours.index[1]])
    text = report.summary_fr()
    assert "Contours sans données (2)" in text and "sans contour (2)" in text


def test_geopackage_and_zipped_shapefile(tmp_path):
    frame = gpd.GeoDataFrame(
        {"CODE_IRIS": ["2A0040101", "2A0040102"], "NOM_IRIS": ["Centre", "Port"]},
        geometry=[box(8.7, 41.9, 8.71, 41.91), box(8.71, 41.9, 8.72, 41.91)],
        crs="EPSG:4326",
    ).to_crs("EPSG:2154")
    frame.to_file(tmp_path / "iris.gpkg")
    gpkg = read_contours(tmp_path / "iris.gpkg")
    assert gpkg.index.tolist() == ["2A0040101", "2A0040102"]
    assert gpkg.crs.to_epsg() == 4326 and gpkg["INSEE_COM"].tolist() == ["2A004", "2A004"]
    frame.to_file(tmp_path / "iris.shp")
    with zipfile.ZipFile(tmp_path / "iris.zip", "w") as archive:
        for part in tmp_path.glob("iris.*"):
            if part.suffix != ".zip" and part.suffix != ".gpkg":
                archive.write(part, part.name)
    shp = read_contours((tmp_path / "iris.zip").read_bytes(), "iris.zip")
    assert shp.index.tolist() == ["2A0040101", "2A0040102"]
    assert shp.loc["2A0040102", "NOM_IRIS"] == "Port"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"not json at all", "ni un GeoJSON"),
        (json.dumps({"type": "Feature"}).encode(), "FeatureCollection"),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"nom": "x"},
                            "geometry": {"type": "Point", "coordinates": [0, 0]},
                        }
                    ],
                }
            ).encode(),
            "n'est pas un polygone",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"nom": "x"},
                            "geometry": {
                                "type": "Polygon",
                                "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
                            },
                        }
                    ],
                }
            ).encode(),
            "Aucune colonne de code IRIS",
        ),
    ],
)
def test_bad_contours(content, words):
    with pytest.raises(ImportFailure, match=words):
        read_contours(content, "contours.json")
