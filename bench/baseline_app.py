"""Naive baseline for bench_atlas.py: the textbook Streamlit + folium choropleth.

Why it exists: the atlas's map design (GeoJSON dicts built once and cached, one constant base
map, only a feature group sent per rerun) is only worth its complexity if it beats the obvious
way by a wide margin. This script is the obvious way, on the same data and the same widgets
(keys ``dep`` and ``ind``, ``?dep=`` read from the URL), so the benchmark drives both alike:

- the bundle is read once (``st.cache_resource``): any real app caches the file read;
- on every rerun the territory's GeoDataFrame is filtered, the indicator computed, classes cut
  with quantiles, a new ``folium.Map`` built and the GeoDataFrame passed to ``folium.GeoJson``
  with a ``folium.Choropleth``-like style function (a colour looked up per feature), and the
  whole map handed to ``st_folium`` (no ``feature_group_to_add``, no ``returned_objects``);
- the same table of zones as the atlas is computed and shown.

One concession, so the baseline can be timed offline at all: Leaflet is served from the app
(``bench/static/vendor/leaflet``, copied from the installed wheel) instead of folium's CDN, and
``folium.Choropleth`` itself is not used (its branca colormap makes streamlit-folium fetch d3 from
a CDN, and the map stays blank offline).

Run alone: ``streamlit run bench/baseline_app.py`` (static serving is enabled by the repo's
.streamlit/config.toml when started from the repo root).
"""

from __future__ import annotations

import functools
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd

from carto.indicators.aggregation import france_with_measures
from carto.indicators.catalogue import (
    DEFAULT_INDICATOR,
    Catalogue,
    Indicator,
    Kind,
    compute,
    default_catalogue,
)
from carto.indicators.national import NationalData, read_national
from carto.map.assets import LEAFLET_CSS, LEAFLET_JS, ensure_leaflet
from carto.map.choropleth import zone_table
from carto.territories.bundle import Bundle, read_bundle
from carto.territories.zones import (
    FRANCE,
    Territory,
    department_label,
    epci_names,
    normalize_department,
    territory,
    with_measures,
)

HERE = Path(__file__).resolve().parent
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")  # ColorBrewer YlOrRd 5
NO_DATA = "#d9d9d9"


@functools.cache
def national() -> NationalData:
    """The national indicators of data/, read once (any real app caches a file read)."""
    return read_national()


def naive_catalogue() -> Catalogue:
    """The built-in indicators and the national ones of data/ (the app opens on one)."""
    catalogue = default_catalogue()
    catalogue.extend(national().indicators)
    return catalogue


def naive_territory(bundle: Bundle, code: str) -> Territory:
    """A department's communes, or France's departments, with the national measures."""
    national_data = national()
    terr = territory(bundle, code)
    if code == FRANCE:
        values = [i.column for i in national_data.indicators if i.kind is Kind.VALUE]
        return france_with_measures(terr, national_data.values, values, national_data.markers)
    return with_measures(terr, national_data.values, national_data.markers)


def naive_frame(bundle: Bundle, code: str, indicator: Indicator) -> gpd.GeoDataFrame:
    """The territory as a GeoDataFrame with code, name, value: what a tutorial would pass on."""
    return frame_of(naive_territory(bundle, code), indicator)


def frame_of(terr: Territory, indicator: Indicator) -> gpd.GeoDataFrame:
    values = compute(indicator, terr.measures).reindex(terr.zones.index)
    return gpd.GeoDataFrame(
        {
            "code": terr.zones.index.astype(str),
            "nom": terr.zones["LIBGEO"].astype(str).to_numpy(),
            "valeur": values.to_numpy(dtype=float),
        },
        geometry=terr.zones.geometry.to_numpy(),
        crs=terr.zones.crs,
    )


def quantile_colors(frame: gpd.GeoDataFrame) -> dict[str, str]:
    """Five quantile classes, as folium.Choropleth's ``bins=5`` would do, keyed by code."""
    valid = frame["valeur"].dropna()
    if len(valid) < len(PALETTE):
        by_row = {i: PALETTE[0] for i in valid.index}
    else:
        classes = pd.qcut(valid.rank(method="first"), len(PALETTE), labels=False)
        by_row = {i: PALETTE[int(c)] for i, c in classes.items()}
    return {code: by_row.get(i, NO_DATA) for i, code in frame["code"].items()}


def naive_map(frame: gpd.GeoDataFrame, indicator: Indicator) -> folium.Map:
    """A fresh map with the GeoDataFrame as GeoJson, styled per feature like Choropleth."""
    west, south, east, north = frame.total_bounds
    fmap = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=8, tiles=None)
    fmap.default_js = list(LEAFLET_JS)
    fmap.default_css = list(LEAFLET_CSS)
    colors = quantile_colors(frame)
    folium.GeoJson(
        frame,
        name=indicator.label,
        style_function=lambda f: {
            "fillColor": colors.get(f["properties"]["code"], NO_DATA),
            "color": "#ffffff",
            "weight": 0.6,
            "fillOpacity": 0.85,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["nom", "code", "valeur"], aliases=["Zone", "Code", indicator.label]
        ),
    ).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def indicator_ids(bundle: Bundle, catalogue: Catalogue, code: str) -> list[str]:
    return [i.id for i in catalogue.available(naive_territory(bundle, code).measures)]


if __name__ == "__main__":
    import streamlit as st
    from streamlit_folium import st_folium

    @st.cache_resource
    def load() -> Bundle:
        bundle = read_bundle()
        bundle.warm()  # the textbook way: every table read at once (the atlas reads one department)
        national().warm()
        return bundle

    st.set_page_config(page_title="Référence naïve", layout="wide")
    ensure_leaflet(HERE / "static" / "vendor" / "leaflet")
    bundle = load()
    catalogue = naive_catalogue()
    if "dep" not in st.session_state:
        st.session_state["dep"] = normalize_department(st.query_params.get("dep", "54"), bundle)[0]
    with st.sidebar:
        dep = st.selectbox(
            "Département",
            [FRANCE, *bundle.department_codes],
            key="dep",
            format_func=lambda c: department_label(bundle, c),
        )
        ids = indicator_ids(bundle, catalogue, dep)
        ind_id = st.selectbox(
            "Indicateur",
            ids,
            index=ids.index(DEFAULT_INDICATOR),
            key="ind",
            format_func=lambda i: catalogue.get(i).label,
        )
    indicator = catalogue.get(ind_id)
    st.title(f"Référence naïve — {department_label(bundle, dep)}")
    frame = naive_frame(bundle, dep, indicator)
    st_folium(naive_map(frame, indicator), height=620, use_container_width=True)
    st.dataframe(
        zone_table(naive_territory(bundle, dep), catalogue, epci_names(bundle)), hide_index=True
    )
