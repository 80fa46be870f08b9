"""Proportional circles for counts (poor households, population) drawn over a rate choropleth.

Why circles rather than colouring counts: a count coloured by class makes big communes look
"worse" only because they are big; the rate goes in the colours, the count in a circle whose
*area* is proportional to it (radius ∝ √value), the usual cartographic rule, so a commune with
four times as many poor households shows a circle four times as large, not sixteen.

Why one ``folium.GeoJson`` with a ``CircleMarker`` whose radius comes from ``style_function``:
one layer draws thousands of points fast (``carto.map.geojson.points_layer``), and folium 0.20
merges each feature's style into the marker options before creating it
(``Object.assign(opts, style)``), while Leaflet 1.9's ``CircleMarker.setStyle`` honours
``radius`` when the highlight is reset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from carto.common.fmt import format_number, format_value
from carto.indicators.catalogue import Indicator, Kind
from carto.map.geojson import escape
from carto.territories import levels

DEFAULT_MAX_RADIUS = 30.0  # pixels, for the largest value shown (or the fixed scale maximum)
CIRCLE_FILL = "#3a3a3a"  # neutral dark grey: readable over every sequential palette
CIRCLE_STROKE = "#ffffff"
RADIUS_DECIMALS = 1  # 0.1 px: keeps the number of distinct styles (and the HTML) small


class CirclesError(ValueError):
    """Circles cannot represent these values; the message is French and meant for the user."""


@dataclass(frozen=True)
class Circles:
    """Point features ready for the map, and what the legend must say."""

    collection: dict  # GeoJSON FeatureCollection of points, largest first
    max_value: float  # value drawn with ``max_radius`` (the scale of the legend)
    max_radius: float
    missing: tuple[str, ...] = field(default_factory=tuple)  # codes without value (secret…)
    zero: tuple[str, ...] = field(default_factory=tuple)  # codes with 0: no circle


def radius_for(values: pd.Series | np.ndarray, max_value: float, max_radius: float) -> np.ndarray:
    """Radius in pixels: area proportional to the value (√), ``max_value`` → ``max_radius``."""
    arr = np.asarray(values, dtype=float)
    if not max_value > 0:
        return np.zeros_like(arr)
    return max_radius * np.sqrt(np.clip(arr, 0, None) / max_value)


def check_indicator(indicator: Indicator) -> None:
    """Only additive counts make sense as circle areas (a rate or a median does not add up)."""
    if indicator.kind is not Kind.COUNT:
        raise CirclesError(
            f"« {indicator.label} » n'est pas un effectif : les cercles proportionnels ne "
            "représentent que des effectifs (ménages, habitants…), la couleur portant le taux."
        )


def circle_collection(
    zones: gpd.GeoDataFrame,
    values: pd.Series,
    indicator: Indicator,
    max_radius: float = DEFAULT_MAX_RADIUS,
    max_value: float | None = None,
    name_column: str = "LIBGEO",
) -> Circles:
    """Circles at each zone's representative point (inside the polygon, unlike a centroid).

    ``zones`` is indexed by zone code (EPSG:4326); ``values`` by the same codes. ``max_value``
    fixes the scale (e.g. the same across two vintages); by default the largest value shown.
    Zones with no value are listed, not drawn; negative counts are refused.
    """
    check_indicator(indicator)
    if not max_radius > 0:
        raise CirclesError("Le rayon maximal des cercles doit être positif.")
    vals = values.astype(float).reindex(zones.index)
    negative = vals[vals < 0]
    if len(negative):
        raise CirclesError(
            f"Effectifs négatifs pour {len(negative)} zone(s) ({', '.join(negative.index[:5])}) : "
            "un cercle ne peut pas représenter une valeur négative."
        )
    missing = tuple(str(c) for c in vals.index[vals.isna()])
    zero = tuple(str(c) for c in vals.index[vals.eq(0)])
    top = float(vals.max()) if vals.notna().any() else 0.0
    scale = top if max_value is None else float(max_value)
    if max_value is not None and not scale > 0:
        raise CirclesError("La valeur de référence des cercles doit être positive.")
    drawn = vals[vals > 0].sort_values(ascending=False, kind="stable")  # big below small
    frame = zones.loc[drawn.index]
    points = shapely.point_on_surface(frame.geometry.to_numpy())
    radii = radius_for(drawn.to_numpy(), scale, max_radius)
    names = frame[name_column].astype(str) if name_column in frame else frame.index.astype(str)
    features = []
    for code, name, value, point, radius in zip(
        drawn.index, names, drawn.to_numpy(), points, radii, strict=True
    ):
        features.append(
            {
                "type": "Feature",
                "id": str(code),
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(point.x, 5), round(point.y, 5)],
                },
                "properties": {
                    "code": escape(code),
                    "nom": escape(name),
                    "valeur": escape(format_value(value, indicator.unit, indicator.decimals)),
                    "radius": round(float(radius), RADIUS_DECIMALS),
                },
            }
        )
    return Circles(
        {"type": "FeatureCollection", "features": features},
        scale,
        float(max_radius),
        missing,
        zero,
    )


def circles_layer(
    circles: Circles,
    indicator_label: str,
    zone_label: str = "Commune",
    name: str = "Cercles proportionnels",
    fill: str = CIRCLE_FILL,
) -> folium.GeoJson:
    """One layer of CircleMarkers sized per feature; hover shows name and count (escaped)."""

    def style(feature: dict) -> dict:
        return {
            "radius": feature["properties"]["radius"],
            "fillColor": fill,
            "fillOpacity": 0.45,
            "color": CIRCLE_STROKE,
            "weight": 1,
        }

    tooltip = None
    if circles.collection["features"]:  # folium refuses a tooltip on an empty collection
        tooltip = folium.GeoJsonTooltip(
            fields=["nom", "code", "valeur"],
            aliases=[escape(zone_label), "Code", escape(indicator_label)],
            sticky=False,
        )
    return folium.GeoJson(
        circles.collection,
        name=name,
        marker=folium.CircleMarker(radius=0, fill=True),
        style_function=style,
        highlight_function=lambda _f: {"weight": 2.5, "color": "#222222"},
        tooltip=tooltip,
        zoom_on_click=False,
        control=False,
    )


def round_down(value: float, digits: int = 1) -> float:
    """``value`` floored to ``digits`` significant digits (3 712 → 3 700, or 3 000 with one)."""
    if not value > 0:
        return 0.0
    power = 10.0 ** (math.floor(math.log10(value)) - digits + 1)
    return float(math.floor(value / power * (1 + 1e-12)) * power)


def legend_values(max_value: float, decimals: int = 0) -> list[float]:
    """Two or three round reference values: about the maximum, a quarter, a twentieth.

    Round numbers are read at a glance; the largest keeps two significant digits so that it
    stays close to the largest circle of the map. Values too small to be written with the
    indicator's ``decimals`` are left out (no "0" circle for a count).
    """
    if not max_value > 0:
        return []
    out: list[float] = []
    for fraction, digits in ((1.0, 2), (0.25, 1), (0.05, 1)):
        v = round(round_down(max_value * fraction, digits), 12)
        if v >= 10.0**-decimals and v not in out:
            out.append(v)
    return out


def circles_legend_html(
    circles: Circles, indicator: Indicator, level: str = "commune", fill: str = CIRCLE_FILL
) -> str:
    """Nested reference circles drawn in SVG at their map size, with French numbers."""
    values = legend_values(circles.max_value, indicator.decimals)
    label = f"{escape(indicator.label)} ({escape(indicator.unit)})"
    if not values:
        return (
            f'<div class="atlas-legend"><div class="atlas-legend-title">{label}</div>'
            "<div>Aucun effectif à représenter.</div></div>"
        )
    radii = radius_for(np.array(values), circles.max_value, circles.max_radius)
    big = float(radii.max())
    width, height = 2 * big + 120, 2 * big + 4
    parts = [f'<svg width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{label}">']
    base = height - 2
    for value, r in zip(values, radii, strict=True):
        cy = base - r
        parts.append(
            f'<circle cx="{big + 1:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{fill}" '
            f'fill-opacity="0.25" stroke="#333" stroke-width="1"/>'
            f'<line x1="{big + 1:.1f}" y1="{cy - r:.1f}" x2="{2 * big + 10:.1f}" '
            f'y2="{cy - r:.1f}" stroke="#777" stroke-dasharray="2,2"/>'
            f'<text x="{2 * big + 14:.1f}" y="{cy - r + 4:.1f}" font-size="12">'
            f"{escape(format_number(value, indicator.decimals))}</text>"
        )
    parts.append("</svg>")
    notes = [
        "Surface des cercles proportionnelle à l'effectif.",
    ]
    if circles.missing:
        n = len(circles.missing)
        count = levels.level(level).count(n)
        notes.append(f"{count} sans valeur (secret ou non disponible) : pas de cercle.")
    return (
        f'<div class="atlas-legend"><div class="atlas-legend-title">{label}</div>'
        + "".join(parts)
        + "".join(f'<div class="atlas-source">{escape(n)}</div>' for n in notes)
        + f'<div class="atlas-source">{escape(indicator.source_line())}</div></div>'
    )
