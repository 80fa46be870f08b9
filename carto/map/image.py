"""The map shown, as a PNG image for slides and reports: title, legend and source included.

Why drawn on the server with matplotlib rather than captured from the browser: the image must
come out the same offline, in a test without a browser, and from the very classes and colours of
the screen (each zone's colour is read from the view's GeoJSON, the legend from its
classification). Drawn with matplotlib's object API (``Figure``, no ``pyplot``): no global
state, so two sessions can export at once. Zones are projected in the department's metric CRS
(Lambert-93, local UTM overseas); France by department puts the overseas departments in insets.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import geopandas as gpd
import shapely

from carto.map.choropleth import ChoroplethView
from carto.map.geojson import DIM_COLOR, OVERSEAS_PREFIX
from carto.territories import levels
from carto.territories.bundle import area_crs_for_department

WIDTH_IN, HEIGHT_IN, DPI = 16, 9, 100  # 1600 × 900 px: a 16:9 slide
SIMPLIFY_M = 40  # simplification of outlines, in metres (invisible at this size)


@dataclass(frozen=True)
class MapImage:
    """What the image says besides the zones' colours."""

    title: str  # « Densité de population (hab./km²) »
    subtitle: str  # « Meurthe-et-Moselle (54), par commune »
    source: str


def image_texts(view: ChoroplethView, territory_label: str, level: str) -> MapImage:
    indicator = view.indicator
    words = levels.level(level)
    by = f"par {words.noun}"
    subtitle = territory_label if by in territory_label else f"{territory_label}, {by}"
    where = view.reference_label[:1].upper() + view.reference_label[1:]
    reference = f"{where} : {view.reference_text}"
    return MapImage(
        title=f"{indicator.label} ({indicator.unit})" if indicator.unit else indicator.label,
        subtitle=f"{subtitle}. {reference}.",
        source=f"{indicator.source_line()}. Carte : Atlas des besoins sociaux.",
    )


def _legend_rows(view: ChoroplethView, level: str) -> list[tuple[str, str]]:
    """(colour, label) of each class, then missing values and filtered-out zones."""
    classes = view.classification
    words = levels.level(level)
    labels = view.legend_labels or classes.labels(view.indicator.decimals)
    rows = [
        (color, f"{label}   ({words.count(count)})")
        for color, label, count in zip(classes.colors, labels, classes.counts, strict=True)
    ]
    if view.missing:  # one entry per reason, as on screen (secret statistique…)
        rows += [(g.color, f"{g.label}   ({words.count(g.count)})") for g in view.missing]
    elif classes.missing_count:
        rows.append(
            (classes.missing_color, f"Non disponible   ({words.count(classes.missing_count)})")
        )
    dimmed = sum(1 for f in view.collection["features"] if not f["properties"]["kept"])
    if dimmed:
        rows.append((DIM_COLOR, f"Hors du filtre   ({words.count(dimmed)})"))
    return rows


def _draw_zones(ax, zones: gpd.GeoDataFrame, colors: list[str], crs: str) -> None:  # type: ignore[no-untyped-def]
    """Each zone filled with its colour, white outlines, no axes, true proportions."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    projected = zones.geometry.to_crs(crs)
    geoms = shapely.simplify(projected.to_numpy(), SIMPLIFY_M, preserve_topology=True)
    patches, faces = [], []
    for geom, color in zip(geoms, colors, strict=True):
        if geom is None or geom.is_empty:
            continue
        for part in getattr(geom, "geoms", [geom]):
            if part.geom_type != "Polygon":
                continue
            rings = [part.exterior, *part.interiors]
            path = Path.make_compound_path(*(Path(list(r.coords), closed=True) for r in rings))
            patches.append(PathPatch(path))
            faces.append(color)
    ax.add_collection(
        PatchCollection(patches, facecolors=faces, edgecolors="#ffffff", linewidths=0.4)
    )
    west, south, east, north = shapely.total_bounds(geoms)
    pad = 0.02 * max(east - west, north - south)
    ax.set_xlim(west - pad, east + pad)
    ax.set_ylim(south - pad, north + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()


def map_png(
    view: ChoroplethView, zones: gpd.GeoDataFrame, texts: MapImage, level: str, department: str
) -> bytes:
    """The PNG of the view: zones (``zones``: the territory's, EPSG:4326, indexed by code) in
    their on-screen colours, the title, the legend with counts, the reference and the source."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    fill = {f["id"]: f["properties"]["fill"] for f in view.collection["features"]}
    zones = zones[zones.geometry.notna()]
    colors = [fill.get(str(code), DIM_COLOR) for code in zones.index]
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="#ffffff")
    FigureCanvasAgg(fig)
    overseas = zones.index.astype(str).str.startswith(OVERSEAS_PREFIX) & (level == "departement")
    left = 0.1 if overseas.any() else 0.01  # the overseas insets stand in a column on the left
    main = fig.add_axes((left, 0.08, 0.6, 0.78))
    _draw_zones(main, zones[~overseas], [c for c, o in zip(colors, overseas, strict=True) if not o],
                area_crs_for_department(department))  # fmt: skip
    for number, code in enumerate(zones.index[overseas]):
        inset = fig.add_axes((0.01, 0.72 - 0.15 * number, 0.08, 0.13))
        _draw_zones(inset, zones.loc[[code]], [fill.get(str(code), DIM_COLOR)],
                    area_crs_for_department(str(code)))  # fmt: skip
    fig.text(0.01, 0.955, texts.title, fontsize=24, fontweight="bold", va="top", color="#222222")
    fig.text(0.01, 0.905, texts.subtitle, fontsize=14, va="top", color="#444444")
    rows = _legend_rows(view, level)
    legend_ax = fig.add_axes((0.62, 0.1, 0.37, 0.76))
    legend_ax.set_axis_off()
    legend_ax.legend(
        [Patch(facecolor=color, edgecolor="#999999") for color, _ in rows],
        [label for _, label in rows],
        loc="upper left",
        frameon=False,
        fontsize=15,
        title=textwrap.fill(view.legend_title, 40) if view.legend_title else None,
        title_fontsize=15,
        alignment="left",
        handlelength=2.2,
        handleheight=1.3,
        labelspacing=0.8,
    )
    fig.text(0.01, 0.02, textwrap.fill(texts.source, 190), fontsize=10.5, color="#555555")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
