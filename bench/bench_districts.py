"""Time to build the 25 Pas-de-Calais MDS districts and their map layers (median of 5).

Run: python bench/bench_districts.py  (needs data/ and the official reference slices, see
``REFERENCE`` below).
Measures: CSV import + validation, district geometries (coverage union), outline GeoJSON dict,
folium rendering of the outlines and labels to HTML (what the browser receives).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import folium

from carto.districts.geometry import (
    district_geometries,
    district_labels,
    district_style,
    districts_geojson,
)
from carto.districts.importers import read_district_csv, read_district_names
from carto.territories.bundle import read_bundle

REFERENCE = (
    Path(__file__).resolve().parents[2] / "shared" / "reference" / "territoires_action_sociale"
)


def median_time(func, runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def draw(gj: dict, labels: list) -> str:
    fmap = folium.Map(location=[50.5, 2.3], zoom_start=9, tiles=None, prefer_canvas=True)
    folium.GeoJson(gj, style_function=district_style, name="Districts").add_to(fmap)
    for lat, lon, html in labels:
        folium.Marker([lat, lon], icon=folium.DivIcon(html=html)).add_to(fmap)
    return fmap.get_root().render()


def main() -> int:
    if not REFERENCE.is_dir():
        print("Fichiers de référence absents :", REFERENCE)
        return 1
    communes = read_bundle().communes
    names = read_district_names((REFERENCE / "mds_62_noms.csv").read_bytes())
    data = (REFERENCE / "zones_62_communes_mds_pas-de-calais.csv").read_bytes()
    t_import, result = median_time(
        lambda: read_district_csv(data, "62", "MDS", communes, names=names)
    )
    ds = result.district_set
    t_geom, geoms = median_time(lambda: district_geometries(ds, communes))
    t_json, gj = median_time(lambda: districts_geojson(geoms))
    labels = district_labels(geoms)
    t_draw, html = median_time(lambda: draw(gj, labels))
    vertices = sum(len(ring) for f in gj["features"] for ring in _rings(f["geometry"]))
    print(f"Districts : {len(geoms)} (communes placées : {int(geoms['n_communes'].sum())})")
    print(f"Import CSV + validation : {t_import * 1000:.1f} ms (médiane de 5)")
    print(f"Géométries (coverage_union_all) : {t_geom * 1000:.1f} ms")
    print(
        f"GeoJSON des contours : {t_json * 1000:.1f} ms, {len(json.dumps(gj)) / 1e3:.0f} ko, "
        f"{vertices} sommets"
    )
    print(
        f"Rendu folium (contours + 25 étiquettes) : {t_draw * 1000:.1f} ms, "
        f"{len(html) / 1e3:.0f} ko de HTML"
    )
    return 0


def _rings(geometry: dict) -> list:
    coords = geometry["coordinates"]
    return coords if geometry["type"] == "Polygon" else [r for poly in coords for r in poly]


if __name__ == "__main__":
    sys.exit(main())
