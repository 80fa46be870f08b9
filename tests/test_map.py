import json

import folium
import pandas as pd
import pytest

from carto.indicators.catalogue import default_catalogue
from carto.map.assets import LEAFLET_URL, ensure_leaflet
from carto.map.choropleth import build_choropleth, zone_comparison, zone_table
from carto.map.geojson import (
    ZoneShapes,
    base_map,
    choropleth_layer,
    fit_zoom,
    outline_collection,
    points_layer,
)
from carto.map.legend import legend_html
from carto.map.town_halls import mairie_points
from carto.territories.town_halls import format_hours
from carto.territories.zones import (
    department_territory,
    epci_names,
    epci_outlines,
    france_territory,
)

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def terr54(bundle):
    return department_territory(bundle, "54")


def _render(fmap: folium.Map, *layers) -> str:
    group = folium.FeatureGroup(name="couches")
    for layer in layers:
        group.add_child(layer)
    group.add_to(fmap)
    return fmap.get_root().render()


def test_map_html_loads_nothing_from_a_cdn(terr54):
    shapes = ZoneShapes.from_frame(terr54.zones)
    view = build_choropleth(
        terr54, shapes, default_catalogue().get("densite"), "quantiles", 5, "YlOrRd"
    )
    page = _render(base_map(shapes.bounds), choropleth_layer(view.collection, "Densité"))
    assert f"{LEAFLET_URL}/leaflet.js" in page
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "d3js", "unpkg"):
        assert cdn not in page
    assert "tile.openstreetmap" not in page  # tiles are an option, off by default


def test_tiles_are_an_option(terr54):
    shapes = ZoneShapes.from_frame(terr54.zones)
    assert "tile.openstreetmap.org" in _render(base_map(shapes.bounds, tiles=True))


def test_payload_under_one_kilobyte_per_commune(terr54):
    shapes = ZoneShapes.from_frame(terr54.zones)
    view = build_choropleth(
        terr54, shapes, default_catalogue().get("population"), "jenks", 7, "Blues"
    )
    size = len(json.dumps(view.collection, ensure_ascii=False).encode())
    assert size / len(terr54.zones) < 1024


def test_choropleth_features_are_the_communes_with_values(terr54):
    shapes = ZoneShapes.from_frame(terr54.zones)
    ind = default_catalogue().get("population")
    view = build_choropleth(terr54, shapes, ind, "quantiles", 5, "YlOrRd")
    feats = {f["id"]: f["properties"] for f in view.collection["features"]}
    assert len(feats) == 591
    assert feats["54395"]["nom"] == "Nancy"
    assert feats["54395"]["valeur"] == "104\u00a0286\u00a0hab."
    assert feats["54395"]["fill"] == view.classification.colors[-1]
    assert sum(view.classification.counts) == 591


def test_share_of_department_sums_to_100(terr54):
    ind = default_catalogue().get("part_population")
    view = build_choropleth(
        terr54, ZoneShapes.from_frame(terr54.zones), ind, "quantiles", 5, "YlOrRd"
    )
    assert view.values.sum() == pytest.approx(100)
    assert view.reference_value == pytest.approx(100)


def test_france_view_is_by_department(bundle):
    terr = france_territory(bundle)
    shapes = ZoneShapes.from_frame(terr.zones)
    view = build_choropleth(
        terr, shapes, default_catalogue().get("population"), "quantiles", 5, "YlOrRd"
    )
    assert len(view.collection["features"]) == 101
    size = len(json.dumps(view.collection).encode())
    assert size < 500_000
    # Mayotte's populations are missing in the source: shown as missing, not as zero.
    assert view.values["976"] != view.values["976"] or view.values["976"] > 0


def test_mayotte_missing_values_counted_in_legend(bundle):
    terr = department_territory(bundle, "976")
    ind = default_catalogue().get("population")
    view = build_choropleth(terr, ZoneShapes.from_frame(terr.zones), ind, "quantiles", 5, "YlOrRd")
    assert view.classification.missing_count == 17
    html = legend_html(ind, view.classification, missing=view.missing)
    assert "Non disponible" in html and "17 communes" in html and "secret" not in html


def test_legend_shows_french_bounds_and_source(terr54):
    ind = default_catalogue().get("population")
    view = build_choropleth(
        terr54, ZoneShapes.from_frame(terr54.zones), ind, "manuel", 5, "YlOrRd", (500.0, 2000.0)
    )
    html = legend_html(ind, view.classification)
    assert "500 – 2\u00a0000" in html
    assert "millésime 2017" in html
    assert "Données simulées" not in html


def test_epci_outlines_and_escaped_names(bundle):
    outlines = epci_outlines(bundle, "54")
    assert 10 <= len(outlines) <= 20
    frame = outlines.assign(LIBEPCI=XSS)
    coll = outline_collection(frame, "EPCI", "LIBEPCI")
    assert XSS not in json.dumps(coll)
    assert "&lt;img src=x onerror=alert(1)&gt;" in coll["features"][0]["properties"]["nom"]


def test_mairie_popup_is_french_and_escaped(terr54):
    zones = terr54.zones.copy()
    zones.loc["54395", "MAIRIE_ADRESSE"] = XSS + "\n54000 Nancy"
    coll = mairie_points(zones)
    nancy = next(f for f in coll["features"] if f["properties"]["nom"] == "Mairie de Nancy")
    assert nancy["properties"]["adresse"] == "&lt;img src=x onerror=alert(1)&gt;<br>54000 Nancy"
    page = _render(base_map((48, 5, 49, 6)), points_layer(coll, "Mairies", ["nom"], ["Mairie"]))
    assert XSS not in page


def test_format_hours():
    raw = (
        '[["lundi","jeudi",[["08:30:00","11:45:00"]]],'
        '["vendredi","vendredi",[["08:30:00","11:45:00"],["13:45:00","17:00:00"]]]]'
    )
    expected = "du lundi au jeudi : 8 h 30 – 11 h 45\nvendredi : 8 h 30 – 11 h 45, 13 h 45 – 17 h"
    assert format_hours(raw).replace("\u00a0", " ") == expected
    assert "8\u00a0h\u00a030" in format_hours(raw)
    assert format_hours("") == "" and format_hours("pas du json") == ""


def test_fit_zoom_fits_department_and_france():
    assert fit_zoom((48.3, 5.4, 49.6, 7.1)) in (8, 9)
    assert fit_zoom((41.3, -5.2, 51.1, 9.6)) in (5, 6)


def test_table_and_click_panel(bundle, terr54):
    cat = default_catalogue()
    table = zone_table(terr54, cat, epci_names(bundle))
    assert len(table) == 591
    assert list(table.columns[:3]) == ["Code", "Commune", "EPCI"]
    assert table.loc[table["Code"] == "54395", "Population municipale (hab.)"].iloc[0] == 104286
    panel = zone_comparison(terr54, cat, "54395")
    row = panel[panel["Indicateur"] == "Population municipale"].iloc[0]
    assert row["Valeur"] == "104\u00a0286\u00a0hab."
    assert row[terr54.label].endswith("hab.")
    first = zone_comparison(terr54, cat, "54395", first="densite")
    assert first["Indicateur"].iloc[0] == "Densité de population"


def test_leaflet_is_copied_from_the_wheel(tmp_path):
    target = ensure_leaflet(tmp_path / "leaflet")
    assert (target / "leaflet.js").read_text()[:200].find("Leaflet 1.9.4") >= 0
    assert (target / "leaflet.css").exists()


def test_compute_partition_additivity_small_frame():
    from carto.indicators.catalogue import compute

    measures = pd.DataFrame(
        {"P_POP": [100.0, 300.0, float("nan")], "AREA_KM2": [10.0, 10.0, 5.0]},
        index=["a", "b", "c"],
    )
    zones = pd.Series({"a": "Z1", "b": "Z1", "c": "Z2"})
    cat = default_catalogue()
    dens = compute(cat.get("densite"), measures, zones)
    assert dens["Z1"] == 20.0
    assert pd.isna(dens["Z2"])  # a missing population is not a zero
    pop = compute(cat.get("population"), measures, zones)
    assert pop["Z1"] == 400 and pd.isna(pop["Z2"])


def test_two_vintages_get_distinct_table_columns(bundle, terr54):
    from dataclasses import replace

    from carto.indicators.catalogue import Indicator, Kind

    cat = default_catalogue()
    for year in ("2019", "2021"):
        cat.add(
            Indicator(
                id=f"taux_pauvrete_{year}",
                label="Taux de pauvreté",
                definition="",
                unit="%",
                source="INSEE, Filosofi",
                vintage=year,
                kind=Kind.VALUE,
                column=f"TP60{year[2:]}",
            )
        )
    measures = terr54.measures.assign(TP6019=10.0, TP6021=12.0)
    table = zone_table(replace(terr54, measures=measures), cat, epci_names(bundle))
    assert table.columns.is_unique
    assert {"Taux de pauvreté 2019 (%)", "Taux de pauvreté 2021 (%)"} <= set(table.columns)
